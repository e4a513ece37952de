using System.Text.Json;
using VpcSecTools.TransferCost;

namespace VpcSecTools.Tests.CliCommands;

/// <summary><c>vpcsec transfer-cost</c>: the demo's day by path, JSON in the report's names, and its exit codes.</summary>
public class TransferCostCommandTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    [Fact]
    public void The_demo_day_is_a_table_by_path_and_exit_0_with_the_dropped_traffic_named()
    {
        var (exit, stdout, stderr) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows);
        Assert.Equal(0, exit);
        Assert.Contains("NatGateway", stdout);
        Assert.Contains("prod-app-3 <-> S3 us-east-1", stdout);
        Assert.Contains("Total:", stdout);
        Assert.Contains("TGW_ROUTE_AZ_RESTRICTION", stderr);
    }

    [Fact]
    public void Json_carries_the_report_names_and_the_generators_bytes()
    {
        var (exit, stdout, _) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "json", "--top", "1");
        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement.GetProperty("transfer_cost").GetProperty("bytes");
        var lines = root.GetProperty(nameof(TransferCostReport.Lines)).EnumerateArray().ToArray();
        foreach (var line in lines)
        {
            var path = line.GetProperty(nameof(TransferCostLine.Path)).GetString()!;
            Assert.Equal(expected.GetProperty(path).GetInt64(), line.GetProperty(nameof(TransferCostLine.Bytes)).GetInt64());
            Assert.True(line.GetProperty(nameof(TransferCostLine.TopTalkers)).GetArrayLength() <= 1);
        }
        Assert.True(root.GetProperty(nameof(TransferCostReport.TotalCostPerMonth)).GetDecimal() > 0);
    }

    [Fact]
    public void A_charged_path_without_a_price_exits_3_and_a_missing_path_exits_2()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("prices.json"), """{ "regions": { "us-east-1": { "natGatewayHourly": 0.045, "natGatewayPerGb": 0.045, "interfaceEndpointHourlyPerAz": 0.01, "interfaceEndpointPerGbTiers": [ { "price": 0.01 } ] } } }""");
        var (unpriced, _, stderr) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--prices", dir.File("prices.json"));
        Assert.Equal(3, unpriced);
        Assert.Contains("no price for CrossAz", stderr);
        var (missing, _, missingErr) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", dir.File("nope"));
        Assert.Equal(2, missing);
        Assert.Contains("nope", missingErr);
    }

    [Fact]
    public void Flow_logs_of_interfaces_the_snapshot_lacks_exit_3_never_a_zero_total()
    {
        // A capture denied ec2:DescribeNetworkInterfaces: no record can be placed, so the answer is Unknown, not $0.
        using var dir = new TestPaths.TempDir();
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1")).Where(f => Path.GetFileName(f) != "NetworkInterfaces.json"))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        var (exit, _, stderr) = CliRunner.Run("transfer-cost", "--snapshot", dir.Path, "--flow-logs", Flows);
        Assert.Equal(3, exit);
        Assert.Contains("bytes were logged by interfaces that are not in the snapshot", stderr);
    }

    /// <remarks>
    /// Sums saturate at the largest long (FlowText.Add): the note and the table said "9223372036854775807 bytes" and a cost
    /// as if exact, where the logs held more.
    /// </remarks>
    [Fact]
    public void A_sum_that_saturated_is_printed_as_at_least_that()
    {
        using var dir = new TestPaths.TempDir();
        var nat = "eni-0489471433c7defc2";
        string Line(string eni, string src, string dst) =>
            $"5 111122223333 {eni} {src} {dst} 41576 443 6 41612 999999999999999999 1795219205 1795219787 ACCEPT OK vpc-04be895ea4d91bcbf subnet-x - 2 IPv4 {src} {dst} us-east-1 use1-az2 - - egress 2";
        var header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";
        // Ten records of 10^18 - 1 bytes each: nine of an interface the snapshot lacks, ten through nat-b to S3.
        File.WriteAllLines(dir.File("flow.log"), [header, .. Enumerable.Repeat(Line("eni-0ffee1234567890ab", "10.0.12.9", "52.94.1.9"), 10),
            .. Enumerable.Repeat(Line(nat, "10.0.12.52", "54.231.130.9"), 10)]);
        var (_, stdout, stderr) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", dir.File("flow.log"));
        Assert.Contains("at least 9223372036854775807 bytes were logged by interfaces that are not in the snapshot", stderr);
        var nating = stdout.Split('\n').Single(l => l.Contains("NatGateway", StringComparison.Ordinal));
        Assert.Contains("at least 8589934592.00", nating);
        Assert.Contains("Total: at least ", stdout);
        // The NAT attribution's table reads the same records the same way.
        var (_, through, _) = CliRunner.Run("flowlogs", "query", dir.File("flow.log"), "--snapshot", TestPaths.Demo, "--through-nat-gateway");
        Assert.Contains("at least 9223372036854775807", through);
        Assert.Contains("at least 8589934592", through);
    }
}
