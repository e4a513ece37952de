using System.Text.Json;
using VpcSecTools.Cli;
using VpcSecTools.Tests.Aws;
using VpcSecTools.Tests.FlowLogs;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>
/// The command line reading from "AWS" (a loopback server) with credentials from the environment: the plan from the
/// VPC's own S3 flow logs, and attributed Logs Insights groups.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public sealed class EndpointPlanLiveTests
{
    private static IDisposable Credentials() =>
        ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null));

    private static JsonElement Recommendations(string json) => JsonDocument.Parse(json).RootElement.GetProperty("Recommendations");

    [Fact]
    public void Endpoint_plan_without_flow_logs_reads_the_vpcs_own_s3_logs_and_plans_as_the_folder_does()
    {
        using var bucket = new DemoFlowLogBucket();
        (int Exit, string Out, string Err) own, local;
        using (Credentials())
            own = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--vpc-id", FlowLogDestinationTests.ProdVpc,
                "--since", "2026-11-21T00:00:00Z", "--until", "2026-11-22T00:00:00Z", "--region", "us-east-1", "--endpoint-url", bucket.Server.Url, "--format", "json");
        local = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", DemoFlowLogBucket.Folder,
            "--since", "2026-11-21T00:00:00Z", "--until", "2026-11-22T00:00:00Z", "--format", "json");
        // Exit 1: the demo's S3 gateway endpoint misses a route table that sends S3 traffic through NAT (a finding).
        Assert.Equal((Program.Findings, ""), (own.Exit, own.Err));
        Assert.Equal(Program.Findings, local.Exit);
        Assert.NotEqual(0, Recommendations(own.Out).GetArrayLength());
        Assert.Equal(Recommendations(local.Out).GetRawText(), Recommendations(own.Out).GetRawText());
        Assert.Equal(24, bucket.Downloads.Count());
    }

    [Fact]
    public void Insights_groups_are_attributed_like_local_ones()
    {
        using var server = FlowLogsInsightsCliTests.InsightsQueryServer();
        (int Exit, string Out, string Err) run;
        using (Credentials())
            run = CliRunner.Run("flowlogs", "query", "--engine", "insights", "--log-group-name", "/vpc/flowlogs", "--region", JsonWire.Region,
                "--endpoint-url", server.Url, "--group-by", "srcaddr", "--snapshot", TestPaths.Demo, "--attribute", "--format", "json");
        Assert.Equal(Program.Ok, run.Exit);
        var rows = JsonDocument.Parse(run.Out).RootElement.EnumerateArray().ToList();
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal("internet", r.GetProperty("SourceAddressOwner").GetString()));
        Assert.Contains(rows, r => r.GetProperty("SourceAddress").GetString() == "192.0.2.1");
    }
}
