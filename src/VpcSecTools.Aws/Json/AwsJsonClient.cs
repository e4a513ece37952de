using System.Text.Json.Nodes;

namespace VpcSecTools.Aws.Json;

/// <summary>
/// A JSON 1.1 protocol client (CloudWatch Logs, Athena) on AWSSDK.Core's pipeline: signing, retries with backoff
/// on throttling and 5xx, credentials and endpoints are the SDK's (<see cref="AwsServiceClient"/>); this class
/// adds the target header, the JSON body and the translation of failures into our exceptions. Safe for
/// concurrent calls.
/// </summary>
internal sealed class AwsJsonClient : IDisposable
{
    private readonly AwsServiceClient _client;
    private readonly AwsJsonMarshaller _marshaller;
    private readonly string _targetPrefix;
    private readonly string _iamPrefix;
    private int _calls;

    /// <param name="service">Names for the SDK (service id, endpoint prefix, signing name, API version).</param>
    /// <param name="targetPrefix">The model's <c>targetPrefix</c> (<c>Logs_20140328</c>, <c>AmazonAthena</c>).</param>
    /// <param name="iamPrefix">The IAM service prefix of the operations (<c>logs</c>, <c>athena</c>).</param>
    /// <param name="connection">Credentials, and the explicit endpoint if any.</param>
    /// <param name="region">The region to call.</param>
    public AwsJsonClient(AwsServiceDescription service, string targetPrefix, string iamPrefix, AwsSdkConnection connection, string region)
    {
        Region = region;
        _targetPrefix = targetPrefix;
        _iamPrefix = iamPrefix;
        _marshaller = new AwsJsonMarshaller(service.ServiceId);
        _client = AwsServiceClient.Create(service, connection, region);
    }

    public string Region { get; }

    /// <summary>Calls made (the SDK's retries of one call count once).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>The IAM action that allows <paramref name="operation"/> (<c>logs:StartQuery</c>).</summary>
    public string IamAction(string operation) => $"{_iamPrefix}:{operation}";

    /// <summary>One call; the response body as a JSON object.</summary>
    /// <exception cref="AwsCallException">The call failed after the SDK's retries (denied: <see cref="AwsAccessDeniedException"/>
    /// naming the IAM action; unreadable response: <see cref="AwsMalformedResponseException"/>).</exception>
    public async Task<JsonObject> CallAsync(string operation, JsonObject body, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        try
        {
            var response = await _client.SendAsync<AwsJsonResponse>(new AwsJsonRequest($"{_targetPrefix}.{operation}", body),
                _marshaller, AwsJsonUnmarshaller.Instance, cancellationToken).ConfigureAwait(false);
            return response.Document;
        }
        catch (Exception e) when (AwsCallFailure.Translate(e, operation, Region, IamAction(operation), cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>A string member the API always returns (<c>queryId</c>); its absence is a malformed response.</summary>
    public string Required(JsonObject response, string operation, string member) =>
        response[member] is JsonValue v && v.TryGetValue<string>(out var s) && s.Length > 0
            ? s
            : throw new AwsMalformedResponseException(operation, Region, $"no '{member}' in the response");

    public void Dispose() => _client.Dispose();
}
