using System.Text.Json.Nodes;
using VpcSecTools.Aws.Json;
using VpcSecTools.Aws.Logs;

namespace VpcSecTools.Aws.Athena;

/// <summary>
/// The Athena calls VpcSecTools makes (JSON 1.1, target prefix <c>AmazonAthena</c>): StartQueryExecution,
/// GetQueryExecution, GetQueryResults, StopQueryExecution.
/// </summary>
internal sealed class AthenaClient(AwsSdkConnection connection, string region) : IAthenaClient
{
    public static readonly AwsServiceDescription Service = new("Athena", "athena", "athena", "2017-05-18");
    /// <summary>The largest page GetQueryResults returns.</summary>
    public const int MaxResultsPerPage = 1000;

    /// <summary>The Athena operations VpcSecTools calls (the IAM policy test compares with this list).</summary>
    public static readonly IReadOnlyList<string> Operations = ["StartQueryExecution", "GetQueryExecution", "GetQueryResults", "StopQueryExecution"];

    private readonly AwsJsonClient _json = new(Service, "AmazonAthena", "athena", connection, region);

    public string Region => _json.Region;
    public int Calls => _json.Calls;

    /// <summary>Starts a query; returns its execution id. The request token makes the SDK's retries idempotent.</summary>
    public async Task<string> StartQueryExecutionAsync(string queryString, AthenaExecutionContext context, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["QueryString"] = queryString, ["ClientRequestToken"] = Guid.NewGuid().ToString() };
        var executionContext = new JsonObject { ["Database"] = context.Database };
        if (context.Catalog is { } catalog) executionContext["Catalog"] = catalog;
        body["QueryExecutionContext"] = executionContext;
        if (context.OutputLocation is { } output) body["ResultConfiguration"] = new JsonObject { ["OutputLocation"] = output };
        if (context.WorkGroup is { } workGroup) body["WorkGroup"] = workGroup;
        var response = await _json.CallAsync("StartQueryExecution", body, cancellationToken).ConfigureAwait(false);
        return _json.Required(response, "StartQueryExecution", "QueryExecutionId");
    }

    public async Task<AthenaQueryStatus> GetQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken)
    {
        var response = await _json.CallAsync("GetQueryExecution", new JsonObject { ["QueryExecutionId"] = queryExecutionId }, cancellationToken).ConfigureAwait(false);
        var status = response["QueryExecution"]?["Status"] as JsonObject
            ?? throw new AwsMalformedResponseException("GetQueryExecution", Region, "no 'QueryExecution.Status' in the response");
        var statistics = response["QueryExecution"]?["Statistics"];
        return new AthenaQueryStatus(_json.Required(status, "GetQueryExecution", "State"),
            CloudWatchLogsClient.Text(status["StateChangeReason"]) ?? CloudWatchLogsClient.Text(status["AthenaError"]?["ErrorMessage"]),
            CloudWatchLogsClient.Number(statistics?["DataScannedInBytes"]), CloudWatchLogsClient.Number(statistics?["EngineExecutionTimeInMillis"]));
    }

    /// <summary>One page of results, at most <see cref="MaxResultsPerPage"/> rows. For SELECT, the first row of the first page is the header.</summary>
    public async Task<AthenaResultPage> GetQueryResultsAsync(string queryExecutionId, string? nextToken, CancellationToken cancellationToken)
    {
        var body = new JsonObject { ["QueryExecutionId"] = queryExecutionId, ["MaxResults"] = MaxResultsPerPage };
        if (nextToken is not null) body["NextToken"] = nextToken;
        var response = await _json.CallAsync("GetQueryResults", body, cancellationToken).ConfigureAwait(false);
        var set = response["ResultSet"] as JsonObject ?? throw new AwsMalformedResponseException("GetQueryResults", Region, "no 'ResultSet' in the response");
        var columns = (set["ResultSetMetadata"]?["ColumnInfo"] as JsonArray ?? [])
            .OfType<JsonObject>().Select(c => new AthenaColumn(CloudWatchLogsClient.Text(c["Name"]) ?? "", CloudWatchLogsClient.Text(c["Type"]) ?? "varchar")).ToList();
        var rows = (set["Rows"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(r => (IReadOnlyList<string?>)(r["Data"] as JsonArray ?? []).Select(d => CloudWatchLogsClient.Text(d?["VarCharValue"])).ToList())
            .ToList();
        var token = CloudWatchLogsClient.Text(response["NextToken"]);
        return new AthenaResultPage(columns, rows, string.IsNullOrEmpty(token) ? null : token);
    }

    public Task StopQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken) =>
        _json.CallAsync("StopQueryExecution", new JsonObject { ["QueryExecutionId"] = queryExecutionId }, cancellationToken);

    public void Dispose() => _json.Dispose();
}
