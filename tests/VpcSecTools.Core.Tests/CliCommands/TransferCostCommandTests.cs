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
}
