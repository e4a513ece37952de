using VpcSecTools.Cli;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>The push-down request both front ends build: the cmdlet's -Engine/-ShowQuery answer what the CLI prints.</summary>
public class FlowLogPushDownTests
{
    private static readonly FlowLogQuery Query = new() { Filter = new FlowFilter { DestinationPort = [Net.PortRange.FromRule(22, 22)] }, GroupBy = ["srcaddr"] };

    [Fact]
    public void The_request_the_cmdlet_builds_prints_what_the_cli_prints()
    {
        var request = new FlowLogPushDown
        {
            Engine = FlowLogEngine.Athena, AthenaTable = "flowlogs.vpc_flow_logs", AthenaLocation = "s3://flow-logs-123456789010/",
            Accounts = ["123456789010,210987654321"], Hive = true,
        };
        var (exit, output, _) = CliRunner.Run("flowlogs", "query", "--engine", "athena", "--show-query", "--destination-port", "22", "--group-by", "srcaddr",
            "--athena-table", "flowlogs.vpc_flow_logs", "--athena-location", "s3://flow-logs-123456789010/", "--athena-account", "123456789010,210987654321",
            "--hive", "--region", "eu-west-1");

        Assert.Equal(Program.Ok, exit);
        var text = request.QueryText(Query, "eu-west-1");
        Assert.Equal(text, output.TrimEnd().ReplaceLineEndings("\n"));
        // Accounts given comma-separated are the projection's values; the log region defaults to the region queried.
        Assert.Contains("\"projection.aws_account.values\"=\"123456789010,210987654321\"", text);
        Assert.Contains("eu-west-1", text);
    }

    [Fact]
    public void Insights_text_uses_the_flow_logs_format()
    {
        var format = FlowLogFormat.Parse("${version} ${vpc-id} ${srcaddr} ${dstaddr} ${dstport} ${bytes} ${action}");
        var request = new FlowLogPushDown { Engine = FlowLogEngine.LogsInsights, Format = format };
        Assert.Equal(InsightsQuery.Translate(Query, format), request.QueryText(Query, "us-east-1"));
    }

    [Theory]
    [InlineData("vpc_flow_logs", null, "123456789010", "database.table")]
    [InlineData("db.t", null, "123456789010", "-AthenaLocation")]
    [InlineData("db.t", "s3://b/", null, "-AthenaAccount")]
    public void Missing_athena_settings_name_both_spellings(string table, string? location, string? account, string named)
    {
        var request = new FlowLogPushDown
        {
            Engine = FlowLogEngine.Athena, AthenaTable = table, AthenaLocation = location, Accounts = account is null ? [] : [account],
        };
        Assert.Contains(named, Assert.Throws<ArgumentException>(() => request.QueryText(Query, "us-east-1")).Message);
    }

    [Fact]
    public void The_local_engine_has_no_translation()
    {
        var request = new FlowLogPushDown { Engine = FlowLogEngine.Local };
        Assert.Contains("-Engine Athena|LogsInsights", Assert.Throws<ArgumentException>(() => request.QueryText(Query, "us-east-1")).Message);
    }
}
