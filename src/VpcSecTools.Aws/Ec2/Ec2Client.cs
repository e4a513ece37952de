using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace VpcSecTools.Aws.Ec2;

/// <summary>An EC2 filter: <c>Name</c> and the values any of which may match.</summary>
public sealed record Ec2Filter(string Name, params string[] Values);

/// <summary>
/// AWSSDK.EC2 for one region: every page of an operation, through the SDK's paginators, with our translation of
/// what can go wrong. Signing, retries (standard mode: throttling, 5xx, resets and timeouts), credentials and
/// endpoints are the SDK's. Safe for concurrent calls.
/// </summary>
internal sealed class Ec2Client : IDisposable
{
    private readonly AmazonEC2Client _ec2;
    private int _calls;

    public Ec2Client(AwsSdkConnection connection, string region)
    {
        Region = region;
        _ec2 = new AmazonEC2Client(connection.Credentials, connection.Configure(new AmazonEC2Config(), region));
    }

    public string Region { get; }

    /// <summary>Calls made: pages received, and the call that failed (the SDK's retries of one call count once).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// Every page of <paramref name="operation"/>, MaxResults at the API's maximum. A NextToken the service already
    /// returned stops the listing with an error instead of paging for ever.
    /// </summary>
    /// <exception cref="AwsCallException">The call failed after the SDK's retries (denied, unreadable, unusable credentials, network).</exception>
    public async Task<IReadOnlyList<AmazonWebServiceResponse>> ListAsync(Ec2Operation operation, IReadOnlyList<Ec2Filter> filters,
        string? parentId, CancellationToken cancellationToken)
    {
        var call = new Ec2Call(filters.Count == 0 ? null : filters.Select(f => new Filter(f.Name, [.. f.Values])).ToList(), operation.MaxResults, parentId);
        var pages = new List<AmazonWebServiceResponse>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await foreach (var page in operation.Pages(_ec2, call).WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                Interlocked.Increment(ref _calls);
                pages.Add(page);
                if (NextToken(page) is { Length: > 0 } token && !seen.Add(token))
                    throw new AwsMalformedResponseException(operation.Name, Region, $"NextToken '{token}' was returned twice (the pages would never end)");
            }
        }
        catch (Exception e) when (e is not AwsCallException && AwsCallFailure.Translate(e, operation.Name, Region, operation.IamAction, cancellationToken) is { } failure)
        {
            Interlocked.Increment(ref _calls);
            throw failure;
        }
        return pages;
    }

    private static string? NextToken(AmazonWebServiceResponse page) =>
        page.GetType().GetProperty("NextToken")?.GetValue(page) as string;

    public void Dispose() => _ec2.Dispose();
}
