using Amazon.S3;
using VpcSecTools.Aws;

namespace VpcSecTools.FlowLogs.S3;

/// <summary>
/// Turns <c>s3://bucket/prefix</c> locations into reader inputs: the objects of the time window, each streamed
/// from S3 when the reader opens it. The reader opens inputs on its worker threads, so objects download in
/// parallel, bounded by its thread count.
/// </summary>
internal static class S3FlowLogInputs
{
    /// <summary>
    /// An S3 client on the connection's credentials and region. With an endpoint URL (a local S3, a VPC endpoint)
    /// requests go there path-style, as bucket host names do not resolve on such endpoints.
    /// </summary>
    public static IAmazonS3 CreateClient(AwsConnection connection)
    {
        var config = new AmazonS3Config();
        if (connection.EndpointUrl is { } url)
        {
            config.ServiceURL = url;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = connection.Region;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(connection.Region);
        return new AmazonS3Client(connection.Credentials, config);
    }

    /// <summary>The flow-log objects under <paramref name="location"/> for the window, as inputs in listing order.</summary>
    public static IReadOnlyList<FlowLogInput> List(IAmazonS3 s3, S3Location location, DateTimeOffset? since, DateTimeOffset? until,
        FlowLogFormat? format = null, CancellationToken cancel = default)
    {
        var source = new S3FlowLogSource(s3);
        return ListAsync(source, location, since, until, format, cancel).GetAwaiter().GetResult();
    }

    private static async Task<IReadOnlyList<FlowLogInput>> ListAsync(S3FlowLogSource source, S3Location location, DateTimeOffset? since,
        DateTimeOffset? until, FlowLogFormat? format, CancellationToken cancel)
    {
        var inputs = new List<FlowLogInput>();
        await foreach (var obj in source.ListAsync(location, since, until, cancel: cancel).ConfigureAwait(false))
        {
            var found = obj;
            inputs.Add(FlowLogInput.FromStream(found.ToString(), () => source.OpenAsync(found, cancel).GetAwaiter().GetResult(), found.Size, format));
        }
        return inputs;
    }
}

/// <summary>
/// What a user typed as flow-log paths, expanded: local files, folders and wildcards as <see cref="FlowLogPaths"/>
/// does, and <c>s3://</c> locations listed for the query's window. The S3 client is made only when an S3 path
/// is given, and lives until this is disposed (after the reader has finished with the inputs).
/// </summary>
public sealed class FlowLogLocations : IDisposable
{
    private readonly IAmazonS3? _s3;

    private FlowLogLocations(IReadOnlyList<FlowLogInput> inputs, IReadOnlyList<string> unmatched, IAmazonS3? s3)
    {
        Inputs = inputs; Unmatched = unmatched; _s3 = s3;
    }

    public IReadOnlyList<FlowLogInput> Inputs { get; }
    /// <summary>Paths that matched nothing (an S3 location with no flow-log object in the window included).</summary>
    public IReadOnlyList<string> Unmatched { get; }

    /// <summary>Expands the paths; <paramref name="connect"/> resolves the AWS connection, once, and only if an S3 path is given.</summary>
    public static FlowLogLocations Expand(IReadOnlyList<string> paths, DateTimeOffset? since, DateTimeOffset? until,
        Func<AwsConnection> connect, FlowLogFormat? format = null, CancellationToken cancel = default)
    {
        var local = FlowLogPaths.Expand(paths.Where(p => !S3Location.IsS3Uri(p)), out var unmatched, format);
        var inputs = new List<FlowLogInput>(local);
        var missing = new List<string>(unmatched);
        IAmazonS3? s3 = null;
        try
        {
            foreach (var path in paths.Where(S3Location.IsS3Uri))
            {
                var location = S3Location.Parse(path);
                s3 ??= S3FlowLogInputs.CreateClient(connect());
                var found = S3FlowLogInputs.List(s3, location, since, until, format, cancel);
                if (found.Count == 0) missing.Add(path);
                inputs.AddRange(found);
            }
        }
        catch
        {
            s3?.Dispose();
            throw;
        }
        return new FlowLogLocations(inputs, missing, s3);
    }

    public void Dispose() => _s3?.Dispose();
}
