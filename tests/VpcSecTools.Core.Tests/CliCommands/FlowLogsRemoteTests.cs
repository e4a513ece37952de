using VpcSecTools.Cli;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.CliCommands;

/// <summary><c>vpcsec flowlogs query --show-query</c> prints the push-down text; nothing is called.</summary>
public class FlowLogsShowQueryCliTests
{
    [Fact]
    public void Show_query_for_insights_prints_the_Insights_text_of_the_same_query()
    {
        var (exit, output, _) = CliRunner.Run("flowlogs", "query", "--engine", "insights", "--show-query", "--action", "REJECT", "--group-by", "srcaddr", "--top", "10", "--by", "count");

        Assert.Equal(Program.Ok, exit);
        var expected = InsightsQuery.Translate(new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"] }, GroupBy = ["srcaddr"], Top = 10, By = FlowMetric.Count }, FlowLogFormat.Default);
        Assert.Equal(expected, output.TrimEnd().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Show_query_for_athena_prints_the_DDL_and_the_SQL()
    {
        var (exit, output, _) = CliRunner.Run("flowlogs", "query", "--engine", "athena", "--show-query", "--destination-port", "22", "--group-by", "srcaddr",
            "--athena-table", "flowlogs.vpc_flow_logs", "--athena-location", "s3://flow-logs-123456789010/", "--athena-account", "123456789010",
            "--athena-log-region", "us-east-1", "--hive", "--region", "us-east-1");

        Assert.Equal(Program.Ok, exit);
        Assert.StartsWith("CREATE EXTERNAL TABLE IF NOT EXISTS `flowlogs`.`vpc_flow_logs` (", output);
        Assert.Contains("/aws-service=vpcflowlogs/aws-region=${aws_region}/${day}", output);
        Assert.Contains("SELECT srcaddr, count(*) AS flows", output);
        Assert.Contains("WHERE dstport = 22", output);
        Assert.Equal(2, output.Count(c => c == ';'));
    }

    [Fact]
    public void Athena_without_a_location_and_the_local_engine_without_paths_are_usage_errors()
    {
        var (exit, _, err) = CliRunner.Run("flowlogs", "query", "--engine", "athena", "--show-query", "--athena-account", "123456789010");
        Assert.Equal(Program.Error, exit);
        Assert.Contains("--athena-location", err);
        (exit, _, err) = CliRunner.Run("flowlogs", "query", "--action", "REJECT");
        Assert.Equal(Program.Error, exit);
        Assert.Contains("paths", err);
    }
}

/// <summary><c>vpcsec flowlogs query --engine insights</c> runs the query against the replay server.</summary>
[Collection(ProcessEnvironment.Name)]
public class FlowLogsInsightsCliTests
{
    /// <summary>Logs Insights replayed: StartQuery, then GetQueryResults running once and complete after.</summary>
    internal static LoopbackServer InsightsQueryServer()
    {
        int polls = 0;
        return new LoopbackServer(r => JsonWire.Operation(r) switch
        {
            "StartQuery" => JsonWire.Json(JsonWire.Fixture("logs-wire", "StartQuery.json")),
            _ => JsonWire.Json(JsonWire.Fixture("logs-wire", polls++ == 0 ? "GetQueryResults.running.json" : "GetQueryResults.complete.json")),
        });
    }

    [Fact]
    public void Insights_engine_starts_the_query_on_the_log_group_and_polls_it_to_completion()
    {
        using var server = InsightsQueryServer();
        int exit;
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            exit = CliRunner.Run("flowlogs", "query", "--engine", "insights", "--log-group-name", "/vpc/flowlogs", "--region", JsonWire.Region,
                "--endpoint-url", server.Url, "--group-by", "srcaddr", "--since", "2015-08-12T13:00:00Z", "--until", "2015-08-12T15:00:00Z", "--format", "json").Exit;

        Assert.Equal(Program.Ok, exit);
        Assert.Equal(["StartQuery", "GetQueryResults", "GetQueryResults"], server.Requests.Select(JsonWire.Operation));
        var start = JsonWire.Body(server.Requests.First());
        Assert.Equal("/vpc/flowlogs", (string?)start["logGroupNames"]![0]);
        Assert.StartsWith("filter endTime >= 1439384400 and startTime < 1439391600", (string?)start["queryString"]);
    }
}
