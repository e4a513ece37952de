using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;
using Amazon;
using Amazon.Runtime;

namespace VpcSecTools.Aws.Ec2;

/// <summary>An EC2 filter: <c>Name</c> and the values any of which may match.</summary>
public sealed record Ec2Filter(string Name, params string[] Values);

/// <summary>
/// The EC2 Query client: one region, paginated calls, each response converted to the AWS CLI's JSON. Signing,
/// retries and throttling, credentials and endpoints are AWSSDK.Core's (<see cref="AwsServiceClient"/>).
/// Safe for concurrent calls.
/// </summary>
internal sealed class Ec2Client : IDisposable
{
    public static readonly AwsServiceDescription Service = new("EC2", "ec2", "ec2", "2016-11-15");

    private readonly AwsServiceClient _client;
    private int _calls;

    public Ec2Client(AwsSdkConnection connection, string region)
    {
        Region = region;
        var config = new AwsServiceConfig(Service) { RegionEndpoint = RegionEndpoint.GetBySystemName(region) };
        if (connection.EndpointUrl is { } url) config.ServiceURL = url;
        // Signing needs the region even when an explicit endpoint (e.g. 127.0.0.1) hides it from the host name.
        config.AuthenticationRegion = region;
        _client = new AwsServiceClient(connection.Credentials, config);
    }

    public string Region { get; }

    /// <summary>HTTP requests answered (retries by the SDK count once per call we made).</summary>
    public int Calls => Volatile.Read(ref _calls);

    /// <summary>
    /// Every page of <paramref name="operation"/>: MaxResults at the API's maximum, NextToken followed to the end.
    /// </summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(Ec2Operation operation, IReadOnlyList<Ec2Filter> filters,
        IReadOnlyList<KeyValuePair<string, string>>? extra, CancellationToken cancellationToken)
    {
        var pages = new List<JsonObject>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var parameters = new List<KeyValuePair<string, string>>(extra ?? []);
            AddFilters(parameters, filters);
            if (operation.MaxResults is { } max) parameters.Add(new("MaxResults", max.ToString(CultureInfo.InvariantCulture)));
            if (token is not null) parameters.Add(new("NextToken", token));
            var page = await CallAsync(operation, parameters, cancellationToken).ConfigureAwait(false);
            pages.Add(page);
            token = page["NextToken"]?.GetValue<string>();
            if (string.IsNullOrEmpty(token)) token = null;
            else if (!seen.Add(token))
                throw new AwsMalformedResponseException(operation.Name, Region, $"NextToken '{token}' was returned twice (the pages would never end)");
        } while (token is not null);
        return pages;
    }

    /// <summary>The Query protocol's flattening: <c>Filter.1.Name</c>, <c>Filter.1.Value.1</c>...</summary>
    internal static void AddFilters(List<KeyValuePair<string, string>> parameters, IReadOnlyList<Ec2Filter> filters)
    {
        for (int i = 0; i < filters.Count; i++)
        {
            parameters.Add(new($"Filter.{i + 1}.Name", filters[i].Name));
            for (int j = 0; j < filters[i].Values.Length; j++) parameters.Add(new($"Filter.{i + 1}.Value.{j + 1}", filters[i].Values[j]));
        }
    }

    public async Task<JsonObject> CallAsync(Ec2Operation operation, IReadOnlyList<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        Ec2QueryResponse response;
        try
        {
            response = await _client.SendAsync<Ec2QueryResponse>(new Ec2QueryRequest(operation.Name, parameters),
                Ec2QueryMarshaller.Instance, Ec2QueryUnmarshaller.Instance, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException e) when (e.InnerException is XmlException || (e.ErrorCode is null && e.InnerException is not null && (int)e.StatusCode is >= 200 and < 300))
        {
            throw new AwsMalformedResponseException(operation.Name, Region, e.InnerException!.Message, e);
        }
        catch (AmazonServiceException e)
        {
            throw AwsErrorCodes.Classify(e.ErrorCode, (int)e.StatusCode, e.Message, e, operation.Name, Region, operation.IamAction);
        }
        catch (XmlException e)
        {
            throw new AwsMalformedResponseException(operation.Name, Region, e.Message, e);
        }
        catch (AmazonClientException e) when (e.InnerException is XmlException x)
        {
            throw new AwsMalformedResponseException(operation.Name, Region, x.Message, e);
        }
        try
        {
            return Ec2OutputShapes.Model.ToJson(operation.Name, response.Document);
        }
        catch (FormatException e)
        {
            throw new AwsMalformedResponseException(operation.Name, Region, e.Message, e);
        }
    }

    public void Dispose() => _client.Dispose();
}
