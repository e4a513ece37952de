using System.Text.Json.Nodes;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Logs;
using VpcSecTools.Errors;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.CloudWatch;
using VpcSecTools.FlowLogs.PushDown;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The CloudWatch Logs client, the flow-log source and the Logs Insights engine over the real AWSSDK.Core pipeline,
/// against recorded-shape JSON responses served from 127.0.0.1.
/// </summary>
public class LogsWireTests
{
    private const string Folder = "logs-wire";
    private const string QueryId = "12ab3456-12ab-123a-789e-1234567890ab";
    private static readonly DateTimeOffset Since = new(2015, 8, 12, 13, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = new(2015, 8, 12, 15, 0, 0, TimeSpan.Zero);

    private static Reply Recorded(string name) => JsonWire.Json(JsonWire.Fixture(Folder, name + ".json"));

    private static readonly FlowLogQuery TopSources = new()
    {
        Filter = new FlowFilter { Protocol = [6], Since = Since, Until = Until }, GroupBy = ["srcaddr"], Top = 10,
    };

    private static InsightsFlowLogOptions Options(LoopbackServer server) => new()
    {
        Connection = JsonWire.Connection(server), Region = JsonWire.Region, LogGroupNames = ["/vpc/flowlogs"], Polling = QueryPolling.Immediate,
    };

    /// <summary>StartQuery, then GetQueryResults answering the given statuses in turn (the last repeats).</summary>
    private static Func<SeenRequest, Reply> InsightsScript(params string[] statuses)
    {
        int polls = 0;
        return request => JsonWire.Operation(request) switch
        {
            "StartQuery" => Recorded("StartQuery"),
            "GetQueryResults" => Recorded("GetQueryResults." + statuses[Math.Min(polls++, statuses.Length - 1)]),
            "StopQuery" => Recorded("StopQuery"),
            var other => throw new InvalidOperationException("unexpected " + other),
        };
    }

    [Fact]
    public void A_log_group_read_as_an_input_gives_the_records_of_the_same_lines_in_a_file()
    {
        using var server = new LoopbackServer(r => JsonWire.Body(r).ContainsKey("nextToken") ? Recorded("FilterLogEvents.page2") : Recorded("FilterLogEvents.page1"));
        using var source = new CloudWatchLogsFlowLogSource(JsonWire.Connection(server), JsonWire.Region);
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = Since, Until = Until }, GroupBy = ["srcaddr", "action"] };
        using var temp = new TestPaths.TempDir();
        var file = temp.File("cloudwatch-same-lines.log");
        File.WriteAllLines(file, File.ReadAllLines(Path.Combine(TestPaths.Fixtures, "flowlogs", "flowlogs-reader_v2_records.log")).Take(4));

        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = 1 });
        var fromLogs = reader.Run([source.Input("/vpc/flowlogs", query)], query);
        var fromFile = reader.Run([FlowLogInput.FromFile(file)], query);

        Assert.Equal(4, fromLogs.Report.Records);
        Assert.Equal(0, fromLogs.Report.SkippedLines);
        Assert.Equal(fromFile.Groups.Select(g => (string.Join(" ", g.Values), g.Count, g.Bytes)), fromLogs.Groups.Select(g => (string.Join(" ", g.Values), g.Count, g.Bytes)));
        Assert.Equal(2, source.Calls);
    }

    [Fact]
    public void Vpcsec_query_reads_a_log_group_with_the_local_engine()
    {
        using var server = new LoopbackServer(r => JsonWire.Body(r).ContainsKey("nextToken") ? Recorded("FilterLogEvents.page2") : Recorded("FilterLogEvents.page1"));
        var query = new FlowLogQuery { Filter = new FlowFilter { Action = ["ACCEPT"] }, GroupBy = ["srcaddr"] };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Cli.Commands.FlowLogsCommand.RunQuery([], query, new FlowLogReadOptions { Threads = 1 }, countOnly: false, "csv", stdout, stderr,
            () => JsonWire.Connection(server), ["/vpc/flowlogs"]);

        Assert.Equal((0, ""), (exit, stderr.ToString()));
        var lines = File.ReadAllLines(Path.Combine(TestPaths.Fixtures, "flowlogs", "flowlogs-reader_v2_records.log")).Take(4)
            .Select(l => l.Split(' ')).Where(f => f[12] == "ACCEPT").Select(f => f[3]).Distinct().Order().ToList();
        var sources = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')[0]).Order().ToList();
        Assert.NotEmpty(lines);
        Assert.Equal(lines, sources);
        Assert.All(server.Requests, r => Assert.Equal("Logs_20140328.FilterLogEvents", r.Headers["X-Amz-Target"]));
    }

    [Fact]
    public void Vpcsec_query_reads_a_vpcs_own_log_group_found_in_the_snapshot()
    {
        using var server = new LoopbackServer(r => JsonWire.Body(r).ContainsKey("nextToken") ? Recorded("FilterLogEvents.page2") : Recorded("FilterLogEvents.page1"));
        var query = new FlowLogQuery { Filter = new FlowFilter { VpcId = [FlowLogs.FlowLogDestinationTests.SharedVpc], Action = ["ACCEPT"] }, GroupBy = ["srcaddr"] };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = Cli.Commands.FlowLogsCommand.RunQuery([], query, new FlowLogReadOptions { Threads = 1 }, countOnly: false, "csv", stdout, stderr,
            () => JsonWire.Connection(server), network: new(FlowLogs.FlowLogDestinationTests.Demo));

        // The shared-services VPC's flow log (fl-0831ff70fbc4dc52f) delivers to this group, in the default format.
        Assert.Equal((0, ""), (exit, stderr.ToString()));
        Assert.All(server.Requests, r => Assert.Equal("/vpc/flowlogs/shared-services", (string?)JsonWire.Body(r)["logGroupName"]));
        Assert.Equal(2, server.Requests.Count);
        var accepted = File.ReadAllLines(Path.Combine(TestPaths.Fixtures, "flowlogs", "flowlogs-reader_v2_records.log")).Take(4)
            .Select(l => l.Split(' ')).Where(f => f[12] == "ACCEPT").Select(f => f[3]).Distinct().Order().ToList();
        Assert.NotEmpty(accepted);
        Assert.Equal(accepted, stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(r => r.Split(',')[0]).Order());
    }

    [Fact]
    public async Task FilterLogEvents_follows_nextToken_and_yields_each_line_with_its_interface()
    {
        using var server = new LoopbackServer(r => JsonWire.Body(r).ContainsKey("nextToken") ? Recorded("FilterLogEvents.page2") : Recorded("FilterLogEvents.page1"));
        using var source = new CloudWatchLogsFlowLogSource(JsonWire.Connection(server), JsonWire.Region);
        var query = new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], InterfaceId = ["eni-102010cd"], Since = Since, Until = Until } };

        var lines = new List<CloudWatchFlowLogLine>();
        await foreach (var line in source.ReadAsync("/vpc/flowlogs", query)) lines.Add(line);

        Assert.Equal(["eni-102010ab", "eni-102010ab", "eni-102010cd", "eni-1a2b3c4d"], lines.Select(l => l.InterfaceId));
        Assert.Equal(File.ReadAllLines(Path.Combine(TestPaths.Fixtures, "flowlogs", "flowlogs-reader_v2_records.log")).Take(4), lines.Select(l => l.Message));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387263), lines[0].Timestamp);
        Assert.Equal(2, source.Calls);

        var requests = server.Requests.ToArray();
        Assert.All(requests, r => JsonWire.AssertSignedJsonCall(r, "Logs_20140328", "logs"));
        Assert.All(requests, r => Assert.Equal("Logs_20140328.FilterLogEvents", r.Headers["X-Amz-Target"]));
        var first = JsonWire.Body(requests[0]);
        Assert.Equal("/vpc/flowlogs", (string?)first["logGroupName"]);
        Assert.Equal("eni-102010cd", (string?)first["logStreamNamePrefix"]);
        Assert.Equal(Since.AddMinutes(-15).ToUnixTimeMilliseconds(), (long)first["startTime"]!);
        Assert.Equal(Until.AddMinutes(15).ToUnixTimeMilliseconds(), (long)first["endTime"]!);
        Assert.Equal("[version, account_id, interface_id=\"eni-102010cd\", srcaddr, dstaddr, srcport, dstport, protocol, packets, bytes, start, end, action=\"REJECT\", log_status]",
            (string?)first["filterPattern"]);
        Assert.False(first.ContainsKey("nextToken"));
        var page1Token = (string?)JsonNode.Parse(JsonWire.Fixture(Folder, "FilterLogEvents.page1.json"))!["nextToken"];
        Assert.Equal(page1Token, (string?)JsonWire.Body(requests[1])["nextToken"]);
    }

    [Fact]
    public async Task A_nextToken_returned_twice_is_a_malformed_response_not_an_endless_loop()
    {
        using var server = new LoopbackServer(_ => Recorded("FilterLogEvents.page1"));
        using var client = new CloudWatchLogsClient(JsonWire.Connection(server), JsonWire.Region);
        var e = await Assert.ThrowsAsync<AwsMalformedResponseException>(async () =>
        {
            await foreach (var _ in client.FilterLogEventsAsync(new LogEventFilter { LogGroupName = "/vpc/flowlogs" })) { }
        });
        Assert.Contains("nextToken", e.Message);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void Stream_names_and_a_prefix_together_are_refused_before_any_call()
    {
        var filter = new LogEventFilter { LogGroupName = "/vpc/flowlogs", LogStreamNames = ["eni-1-all"], LogStreamNamePrefix = "eni-" };
        Assert.Contains("not both", filter.Validate());
    }

    [Fact]
    public async Task Insights_query_polls_until_Complete_and_returns_groups_in_the_local_shape()
    {
        using var server = new LoopbackServer(InsightsScript("scheduled", "running", "complete"));
        var progress = new List<RemoteQueryProgress>();
        var result = await InsightsFlowLogQuery.RunAsync(TopSources, Options(server), new SynchronousProgress<RemoteQueryProgress>(progress.Add));

        var operations = server.Requests.Select(JsonWire.Operation).ToList();
        Assert.Equal(["StartQuery", "GetQueryResults", "GetQueryResults", "GetQueryResults"], operations);
        Assert.All(operations, o => Assert.Contains(o, CloudWatchLogsClient.Operations));
        Assert.All(server.Requests, r => JsonWire.AssertSignedJsonCall(r, "Logs_20140328", "logs"));
        var start = JsonWire.Body(server.Requests.First());
        Assert.Equal(["/vpc/flowlogs"], start["logGroupNames"]!.AsArray().Select(n => (string?)n));
        Assert.Equal(Since.AddMinutes(-15).ToUnixTimeSeconds(), (long)start["startTime"]!);
        Assert.Equal(Until.AddMinutes(15).ToUnixTimeSeconds(), (long)start["endTime"]!);
        Assert.Equal(InsightsQuery.Translate(TopSources, FlowLogFormat.Default), (string?)start["queryString"]);
        Assert.Equal(10, (int)start["limit"]!);
        Assert.All(server.Requests.Skip(1), r => Assert.Equal(QueryId, (string?)JsonWire.Body(r)["queryId"]));

        Assert.Equal(["Scheduled", "Running", "Complete"], progress.Select(p => p.State));
        Assert.Equal("LogsInsights", result.Engine);
        Assert.Equal(QueryId, result.QueryId);
        Assert.False(result.Truncated);
        Assert.Empty(result.Notes);
        Assert.Equal(497, result.BytesScanned);
        var top = result.Groups[0];
        Assert.Equal(["srcaddr"], top.Fields);
        Assert.Equal("192.0.2.1", top["srcaddr"]);
        Assert.Equal((2, 40L, 3360L), (top.Count, top.Packets, top.Bytes));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387263), top.FirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387266), top.LastSeen);
        Assert.Equal("198.51.100.1", result.Groups[1]["SourceAddress"]);
    }

    [Fact]
    public async Task Throttling_is_retried_by_the_SDK_and_then_succeeds()
    {
        int starts = 0;
        var script = InsightsScript("complete");
        using var server = new LoopbackServer(r => JsonWire.Operation(r) == "StartQuery" && starts++ == 0 ? JsonWire.Error(Folder, "ThrottlingException") : script(r));
        var result = await InsightsFlowLogQuery.RunAsync(TopSources, Options(server));

        Assert.Equal(2, server.Requests.Count(r => JsonWire.Operation(r) == "StartQuery"));
        Assert.Equal(2, result.Groups.Count);
    }

    [Fact]
    public async Task Access_denied_names_the_IAM_action_to_grant()
    {
        using var server = new LoopbackServer(_ => JsonWire.Error(Folder, "AccessDeniedException"));
        var e = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => InsightsFlowLogQuery.RunAsync(TopSources, Options(server)));

        Assert.Equal("logs:StartQuery", e.IamAction);
        Assert.Equal("AccessDeniedException", e.ErrorCode);
        Assert.Contains("grant the IAM action logs:StartQuery", e.Message);
        Assert.Equal(ErrorCatalog.AwsAccessDenied, ErrorCatalog.Classify(e).ErrorId);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Cancelling_while_the_query_runs_sends_StopQuery()
    {
        using var cancel = new CancellationTokenSource();
        using var server = new LoopbackServer(JsonWire.CancelOn("GetQueryResults", 2, cancel, InsightsScript("running")));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => InsightsFlowLogQuery.RunAsync(TopSources, Options(server), null, cancel.Token));

        var stop = Assert.Single(server.Requests, r => JsonWire.Operation(r) == "StopQuery");
        Assert.Equal(QueryId, (string?)JsonWire.Body(stop)["queryId"]);
        Assert.Equal("Logs_20140328.StopQuery", stop.Headers["X-Amz-Target"]);
    }

    [Fact]
    public async Task A_failed_query_is_an_error_naming_its_state()
    {
        using var server = new LoopbackServer(InsightsScript("running", "failed"));
        var e = await Assert.ThrowsAsync<RemoteQueryFailedException>(() => InsightsFlowLogQuery.RunAsync(TopSources, Options(server)));
        Assert.Equal("Failed", e.State);
        Assert.Equal(QueryId, e.QueryId);
        Assert.Equal(ErrorCatalog.AwsCallFailed, ErrorCatalog.Classify(e).ErrorId);
    }

    [Fact]
    public async Task Reaching_the_ten_thousand_row_limit_is_said_in_the_result()
    {
        var rows = new JsonArray(Enumerable.Range(0, InsightsQuery.MaxRows).Select(i => (JsonNode)new JsonArray(
            new JsonObject { ["field"] = "srcAddr", ["value"] = $"10.0.{i / 256}.{i % 256}" },
            new JsonObject { ["field"] = "flows", ["value"] = "1" })).ToArray());
        var complete = new JsonObject { ["results"] = rows, ["status"] = "Complete" }.ToJsonString();
        using var server = new LoopbackServer(r => JsonWire.Operation(r) == "StartQuery" ? Recorded("StartQuery") : JsonWire.Json(complete));
        var unbounded = TopSources with { Top = null };

        var result = await InsightsFlowLogQuery.RunAsync(unbounded, Options(server));

        Assert.Equal(InsightsQuery.MaxRows, result.Groups.Count);
        Assert.True(result.Truncated);
        Assert.Contains(result.Notes, n => n.Contains("10,000"));
        Assert.Equal(InsightsQuery.MaxRows, (int)JsonWire.Body(server.Requests.First())["limit"]!);
    }

    [Fact]
    public async Task No_start_time_takes_the_last_day_and_says_so()
    {
        using var server = new LoopbackServer(InsightsScript("complete"));
        var now = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        var result = await InsightsFlowLogQuery.RunAsync(new FlowLogQuery { GroupBy = ["srcaddr"] }, Options(server) with { Now = () => now });

        var start = JsonWire.Body(server.Requests.First());
        Assert.Equal(now.AddDays(-1).AddMinutes(-15).ToUnixTimeSeconds(), (long)start["startTime"]!);
        Assert.Equal(now.AddMinutes(15).ToUnixTimeSeconds(), (long)start["endTime"]!);
        Assert.Contains(result.Notes, n => n.Contains("last 24 hours"));
    }
}

/// <summary>An IProgress that reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool).</summary>
public sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
