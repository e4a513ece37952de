using System.Text.Json.Nodes;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Athena;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;

namespace VpcSecTools.Tests.Aws;

/// <summary>The Athena client and engine over the real AWSSDK.Core pipeline, against recorded-shape JSON responses on 127.0.0.1.</summary>
public class AthenaWireTests
{
    private const string Folder = "athena-wire";
    private const string ExecutionId = "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

    private static Reply Recorded(string name) => JsonWire.Json(JsonWire.Fixture(Folder, name + ".json"));

    private static readonly FlowLogQuery TopSources = new()
    {
        Filter = new FlowFilter { Protocol = [6], Since = new DateTimeOffset(2015, 8, 12, 13, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2015, 8, 12, 15, 0, 0, TimeSpan.Zero) },
        GroupBy = ["srcaddr"], Top = 10,
    };

    private static readonly AthenaFlowLogTable Table = new()
    {
        Database = "flowlogs", Table = "vpc_flow_logs", Location = "s3://flow-logs-123456789010/", Accounts = ["123456789010"], Regions = ["us-east-2"],
    };

    private static AthenaFlowLogOptions Options(LoopbackServer server) => new()
    {
        Connection = JsonWire.Connection(server), Region = JsonWire.Region, Table = Table, Catalog = "AwsDataCatalog", WorkGroup = "responders",
        OutputLocation = "s3://athena-results-123456789010/", Polling = QueryPolling.Immediate,
    };

    /// <summary>StartQueryExecution, GetQueryExecution answering the given states in turn (the last repeats), two result pages.</summary>
    private static Func<SeenRequest, Reply> Script(params string[] states)
    {
        int polls = 0;
        return request => JsonWire.Operation(request) switch
        {
            "StartQueryExecution" => Recorded("StartQueryExecution"),
            "GetQueryExecution" => Recorded("GetQueryExecution." + states[Math.Min(polls++, states.Length - 1)]),
            "GetQueryResults" => Recorded(JsonWire.Body(request).ContainsKey("NextToken") ? "GetQueryResults.page2" : "GetQueryResults.page1"),
            "StopQueryExecution" => Recorded("StopQueryExecution"),
            var other => throw new InvalidOperationException("unexpected " + other),
        };
    }

    [Fact]
    public async Task Query_runs_to_SUCCEEDED_pages_results_and_skips_the_header_row()
    {
        using var server = new LoopbackServer(Script("queued", "running", "succeeded"));
        var progress = new List<RemoteQueryProgress>();
        var result = await AthenaFlowLogQuery.RunAsync(TopSources, Options(server), new SynchronousProgress<RemoteQueryProgress>(progress.Add));

        var requests = server.Requests.ToArray();
        Assert.Equal(["StartQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryExecution", "GetQueryResults", "GetQueryResults"],
            requests.Select(JsonWire.Operation));
        Assert.All(requests, r => JsonWire.AssertSignedJsonCall(r, "AmazonAthena", "athena"));
        Assert.All(requests.Select(JsonWire.Operation), o => Assert.Contains(o, AthenaClient.Operations));

        var start = JsonWire.Body(requests[0]);
        Assert.Equal(AthenaSql.Translate(TopSources, Table), (string?)start["QueryString"]);
        Assert.Equal("flowlogs", (string?)start["QueryExecutionContext"]!["Database"]);
        Assert.Equal("AwsDataCatalog", (string?)start["QueryExecutionContext"]!["Catalog"]);
        Assert.Equal("s3://athena-results-123456789010/", (string?)start["ResultConfiguration"]!["OutputLocation"]);
        Assert.Equal("responders", (string?)start["WorkGroup"]);
        Assert.True(Guid.TryParse((string?)start["ClientRequestToken"], out _));
        Assert.All(requests.Skip(1), r => Assert.Equal(ExecutionId, (string?)JsonWire.Body(r)["QueryExecutionId"]));
        Assert.Equal(1000, (int)JsonWire.Body(requests[4])["MaxResults"]!);
        Assert.False(JsonWire.Body(requests[4]).ContainsKey("NextToken"));
        var token = (string?)JsonNode.Parse(JsonWire.Fixture(Folder, "GetQueryResults.page1.json"))!["NextToken"];
        Assert.Equal(token, (string?)JsonWire.Body(requests[5])["NextToken"]);

        Assert.Equal(["QUEUED", "RUNNING", "SUCCEEDED"], progress.Select(p => p.State));
        Assert.Equal("Athena", result.Engine);
        Assert.Equal(4096, result.BytesScanned);
        Assert.False(result.Truncated);
        Assert.Equal(["192.0.2.1", "198.51.100.1", null], result.Groups.Select(g => g["srcaddr"]));
        Assert.Equal([2L, 1L, 2L], result.Groups.Select(g => g.Count));
        Assert.Equal([3360L, 840L, 0L], result.Groups.Select(g => g.Bytes));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387266), result.Groups[0].LastSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1431280876), result.Groups[2].FirstSeen);
    }

    [Fact]
    public async Task TooManyRequests_is_retried_by_the_SDK_and_then_succeeds()
    {
        int starts = 0;
        var script = Script("succeeded");
        using var server = new LoopbackServer(r => JsonWire.Operation(r) == "StartQueryExecution" && starts++ == 0 ? JsonWire.Error(Folder, "TooManyRequestsException") : script(r));
        var result = await AthenaFlowLogQuery.RunAsync(TopSources, Options(server));

        var startBodies = server.Requests.Where(r => JsonWire.Operation(r) == "StartQueryExecution").Select(JsonWire.Body).ToList();
        Assert.Equal(2, startBodies.Count);
        // The retry is the same request: the idempotency token makes Athena start the query once.
        Assert.Equal((string?)startBodies[0]["ClientRequestToken"], (string?)startBodies[1]["ClientRequestToken"]);
        Assert.Equal(3, result.Groups.Count);
    }

    [Fact]
    public async Task Access_denied_names_the_IAM_action_to_grant()
    {
        using var server = new LoopbackServer(_ => JsonWire.Error(Folder, "AccessDeniedException"));
        var e = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => AthenaFlowLogQuery.RunAsync(TopSources, Options(server)));
        Assert.Equal("athena:StartQueryExecution", e.IamAction);
        Assert.Contains("grant the IAM action athena:StartQueryExecution", e.Message);
    }

    [Fact]
    public async Task Cancelling_while_the_query_runs_sends_StopQueryExecution()
    {
        using var cancel = new CancellationTokenSource();
        using var server = new LoopbackServer(JsonWire.CancelOn("GetQueryExecution", 3, cancel, Script("running")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AthenaFlowLogQuery.RunAsync(TopSources, Options(server), null, cancel.Token));

        var stop = Assert.Single(server.Requests, r => JsonWire.Operation(r) == "StopQueryExecution");
        Assert.Equal(ExecutionId, (string?)JsonWire.Body(stop)["QueryExecutionId"]);
        Assert.DoesNotContain(server.Requests, r => JsonWire.Operation(r) == "GetQueryResults");
    }

    [Fact]
    public async Task A_FAILED_query_is_an_error_with_Athenas_reason()
    {
        using var server = new LoopbackServer(Script("running", "failed"));
        var e = await Assert.ThrowsAsync<RemoteQueryFailedException>(() => AthenaFlowLogQuery.RunAsync(TopSources, Options(server)));
        Assert.Equal("FAILED", e.State);
        Assert.Contains("COLUMN_NOT_FOUND", e.Message);
    }

    [Fact]
    public async Task Create_table_runs_the_DDL_first_and_raw_rows_stop_at_the_maximum()
    {
        using var server = new LoopbackServer(Script("succeeded"));
        var raw = new FlowLogQuery { Filter = TopSources.Filter, Limit = 50 };
        var result = await AthenaFlowLogQuery.RunAsync(raw, Options(server) with { CreateTable = true, MaxRows = 2 });

        var statements = server.Requests.Where(r => JsonWire.Operation(r) == "StartQueryExecution").Select(r => (string?)JsonWire.Body(r)["QueryString"]).ToList();
        Assert.Equal([Table.CreateTableStatement(), AthenaSql.Translate(raw, Table)], statements);
        Assert.Equal(2, result.Records.Count);
        Assert.Equal("192.0.2.1", result.Records[0]["srcaddr"]);
        Assert.Equal("840", result.Records[1]["total_bytes"]);
        Assert.True(result.Truncated);
        Assert.Contains(result.Notes, n => n.Contains("first 2 rows"));
        Assert.Empty(result.Groups);
    }

    [Fact]
    public async Task A_truncated_JSON_body_is_a_malformed_response_naming_the_operation()
    {
        using var server = new LoopbackServer(r => JsonWire.Operation(r) == "StartQueryExecution" ? JsonWire.Json("{\"QueryExecutionId\":\"a1b2") : Recorded("StopQueryExecution"));
        var e = await Assert.ThrowsAsync<AwsMalformedResponseException>(() => AthenaFlowLogQuery.RunAsync(TopSources, Options(server)));
        Assert.Equal("StartQueryExecution", e.Operation);
    }
}
