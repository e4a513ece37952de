using VpcSecTools.Aws;

namespace VpcSecTools.FlowLogs.S3;

/// <summary>
/// Turns <c>s3://bucket/prefix</c> locations into reader inputs: the objects of the time window, each streamed
/// from S3 when the reader opens it. The reader opens inputs on its worker threads, so objects download in
/// parallel, bounded by its thread count.
/// </summary>
internal static class S3FlowLogInputs
{
    /// <summary>The flow-log objects under <paramref name="location"/> for the window, as inputs in listing order.</summary>
    /// <remarks>A flow log's destination narrows the listing to its account, region and objects.</remarks>
    public static IReadOnlyList<FlowLogInput> List(IS3Client s3, S3Location location, DateTimeOffset? since, DateTimeOffset? until,
        FlowLogFormat? format = null, FlowLogDestination? of = null, CancellationToken cancel = default)
    {
        var source = new S3FlowLogSource(s3);
        return ListAsync(source, location, since, until, format, of, cancel).GetAwaiter().GetResult();
    }

    private static async Task<IReadOnlyList<FlowLogInput>> ListAsync(S3FlowLogSource source, S3Location location, DateTimeOffset? since,
        DateTimeOffset? until, FlowLogFormat? format, FlowLogDestination? of, CancellationToken cancel)
    {
        var inputs = new List<FlowLogInput>();
        await foreach (var obj in source.ListAsync(location, since, until, of?.AccountId, of?.Region, of?.FlowLogId, cancel).ConfigureAwait(false))
        {
            var found = obj;
            inputs.Add(FlowLogInput.FromStream(found.ToString(), () => source.OpenAsync(found, cancel).GetAwaiter().GetResult(), found.Size, format));
        }
        return inputs;
    }
}

/// <summary>
/// What a user typed as flow-log paths, expanded: local files, folders and wildcards as <see cref="FlowLogPaths"/>
/// does, and <c>s3://</c> locations listed for the query's window; or a VPC's own flow-log destinations. The AWS
/// clients are made only when needed, and live until this is disposed (after the reader has finished with the inputs).
/// </summary>
public sealed class FlowLogLocations : IDisposable
{
    private readonly List<IDisposable> _clients;

    private FlowLogLocations(IReadOnlyList<FlowLogInput> inputs, IReadOnlyList<string> unmatched, List<IDisposable> clients, IReadOnlyList<string>? notes = null)
    {
        Inputs = inputs; Unmatched = unmatched; _clients = clients; Notes = notes ?? [];
    }

    public IReadOnlyList<FlowLogInput> Inputs { get; }
    /// <summary>Paths that matched nothing (an S3 location with no flow-log object in the window included).</summary>
    public IReadOnlyList<string> Unmatched { get; }
    /// <summary>What was found where, and what could not be read (Parquet, Firehose): for verbose output and warnings.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>
    /// The inputs of flow-log destinations found in a snapshot: S3 objects of each flow log (its account, region and
    /// id) in the window, and CloudWatch Logs groups read with FilterLogEvents for <paramref name="query"/>, each in
    /// its flow log's format. Destinations the local reader cannot read are skipped with a note; when none is readable
    /// this throws, naming them.
    /// </summary>
    public static FlowLogLocations Discover(IReadOnlyList<FlowLogDestination> destinations, FlowLogQuery query, Func<AwsConnection> connect,
        CancellationToken cancel = default)
    {
        var inputs = new List<FlowLogInput>();
        var notes = new List<string>();
        var missing = new List<string>();
        var clients = new List<IDisposable>();
        AwsConnection? connection = null;
        IS3Client? s3 = null;
        try
        {
            foreach (var d in destinations)
            {
                if (d.NotReadable is { } why) { notes.Add(why); continue; }
                connection ??= connect();
                if (d.Kind == FlowLogDestinationKind.S3)
                {
                    if (s3 is null) clients.Add(s3 = connection.CreateS3Client());
                    var found = S3FlowLogInputs.List(s3, S3Location.Parse(d.Location), query.Filter.Since, query.Filter.Until, d.Format, d, cancel);
                    notes.Add($"{d.FlowLogId} ({d.ResourceId}): {found.Count} object(s) under {d.Location}AWSLogs/{d.AccountId ?? "(every account)"}/ for {d.Region}");
                    if (found.Count == 0) missing.Add($"{d.Location} ({d.FlowLogId})");
                    inputs.AddRange(found);
                }
                else
                {
                    var logs = new CloudWatch.CloudWatchLogsFlowLogSource(connection, d.Region);
                    clients.Add(logs);
                    inputs.Add(logs.Input(d.Location, query, d.Format, cancel));
                    notes.Add($"{d.FlowLogId} ({d.ResourceId}): CloudWatch Logs group {d.Location} in {d.Region}");
                }
            }
        }
        catch
        {
            foreach (var c in clients) c.Dispose();
            throw;
        }
        if (destinations.Count > 0 && destinations.All(d => d.NotReadable is not null))
            throw new FlowLogDestinationUnknownException(string.Join("; ", notes));
        return new FlowLogLocations(inputs, missing, clients, notes);
    }

    /// <summary>Expands the paths; <paramref name="connect"/> resolves the AWS connection, once, and only if an S3 path is given.</summary>
    public static FlowLogLocations Expand(IReadOnlyList<string> paths, DateTimeOffset? since, DateTimeOffset? until,
        Func<AwsConnection> connect, FlowLogFormat? format = null, CancellationToken cancel = default)
    {
        var local = FlowLogPaths.Find(paths.Where(p => !S3Location.IsS3Uri(p)), format);
        var inputs = new List<FlowLogInput>(local.Inputs);
        var missing = new List<string>(local.Unmatched);
        IS3Client? s3 = null;
        try
        {
            foreach (var path in paths.Where(S3Location.IsS3Uri))
            {
                var location = S3Location.Parse(path);
                s3 ??= connect().CreateS3Client();
                var found = S3FlowLogInputs.List(s3, location, since, until, format, cancel: cancel);
                if (found.Count == 0) missing.Add(path);
                inputs.AddRange(found);
            }
        }
        catch
        {
            s3?.Dispose();
            throw;
        }
        return new FlowLogLocations(inputs, missing, s3 is null ? [] : [s3], local.Notes);
    }

    public void Dispose()
    {
        foreach (var c in _clients) c.Dispose();
    }
}
