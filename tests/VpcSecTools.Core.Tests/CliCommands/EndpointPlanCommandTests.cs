using System.Text.Json;
using VpcSecTools.Endpoints;

namespace VpcSecTools.Tests.CliCommands;

public class EndpointPlanCommandTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    [Fact]
    public void Json_plan_of_the_demo_has_the_plan_property_names_and_exit_1_for_the_missing_route_table()
    {
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "json");
        Assert.Equal("", stderr);
        Assert.Equal(1, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        var actions = root.GetProperty(nameof(EndpointPlan.Recommendations)).EnumerateArray()
            .Select(r => r.GetProperty(nameof(EndpointRecommendation.Action)).GetString()!).Order().ToArray();
        Assert.Equal(["AddRouteTables", "CreateGatewayEndpoint"], actions);
        Assert.Equal(EndpointFinding.GatewayEndpointMissingRouteTable,
            root.GetProperty(nameof(EndpointPlan.Findings))[0].GetProperty(nameof(EndpointFinding.Kind)).GetString());
    }

    [Theory]
    [InlineData("cli", "aws ec2 modify-vpc-endpoint")]
    [InlineData("cloudformation", "AWS::EC2::VPCEndpoint")]
    [InlineData("terraform", "resource \"aws_vpc_endpoint_route_table_association\"")]
    [InlineData("table", "AddRouteTables")]
    public void Every_format_renders_the_demo_plan(string format, string expected)
    {
        var (exit, stdout, _) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", format);
        Assert.Equal(1, exit);
        Assert.Contains(expected, stdout);
    }

    [Fact]
    public void Bad_price_file_is_one_line_and_exit_2()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("prices.json"), "{ \"regions\": {} }");
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--prices", dir.File("prices.json"));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains("prices.json", stderr);
    }

    [Fact]
    public void Since_until_window_scales_by_its_length_and_a_quiet_window_says_so()
    {
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows,
            "--since", "2026-11-21T06:00:00Z", "--until", "2026-11-21T12:00:00Z", "--format", "json");
        Assert.Equal("", stderr);
        Assert.Equal(1, exit);
        Assert.Equal(730m / 6m, JsonDocument.Parse(stdout).RootElement.GetProperty(nameof(EndpointPlan.MonthlyFactor)).GetDecimal(), 10);

        (exit, stdout, _) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows,
            "--since", "2026-11-25T00:00:00Z", "--until", "2026-11-26T00:00:00Z");
        Assert.Equal(0, exit);
        Assert.Contains("note: no traffic through NAT gateways in the window", stdout);
    }

    [Fact]
    public void Failed_ip_ranges_update_warns_on_stderr_and_plans_with_the_bundled_copy()
    {
        // A truncated body: nothing is cached, so the user's app-data folder is left alone.
        using var server = new Aws.LoopbackServer(_ => new Aws.Reply(200, "{\"syncToken\":\"1795300000\",\"prefixes\":["u8.ToArray(), "application/json"));
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows,
            "--update-ip-ranges", "--ip-ranges-url", server.Url + "/ip-ranges.json");
        Assert.Equal(1, exit);
        Assert.StartsWith("vpcsec: warning: could not update ip-ranges from " + server.Url, stderr);
        Assert.Contains($"ip-ranges: bundled syncToken {VpcSecTools.AwsIpRanges.AwsIpRangeSet.Bundled.SyncToken} createDate {VpcSecTools.AwsIpRanges.AwsIpRangeSet.BundledCreateDate}", stdout);
    }
}
