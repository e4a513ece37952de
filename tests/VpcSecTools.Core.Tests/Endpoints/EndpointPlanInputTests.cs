using System.IO.Compression;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.Errors;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// endpoint-plan on bad input: a cut .gz, a blank or unknown VPC id, a non-JSON ip-ranges file and bad price files are
/// each one clear error naming the value or file, with exit 2; never an empty plan, every VPC, or a raw .NET message.
/// </summary>
public class EndpointPlanInputTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    [Fact]
    public void A_truncated_gzip_is_an_error_after_the_partial_read_not_an_empty_plan()
    {
        using var dir = new TestPaths.TempDir();
        var first = Directory.EnumerateFiles(Flows, "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(first);
        File.WriteAllBytes(dir.File("cut.log.gz"), bytes[..(bytes.Length / 2)]);
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", dir.Path);
        Assert.Equal((2, ""), (exit, stdout));
        Assert.StartsWith("vpcsec: FlowLogFileUnreadable: ", stderr);
        Assert.Contains("cut.log.gz: the gzip data is truncated at offset", stderr);
        Assert.Contains("no plan is made from a partial read (1 file(s), ", stderr);
    }

    [Theory]
    [InlineData("", "InvalidArgument: an empty VPC id")]
    [InlineData("vpc-0123456789abcdef0", "VpcNotFound:")]
    public void A_blank_or_unknown_vpc_id_never_plans_every_vpc(string vpc, string expected)
    {
        var (exit, stdout, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--vpc-id", vpc);
        Assert.Equal((2, ""), (exit, stdout));
        Assert.StartsWith("vpcsec: " + expected, stderr);
        (exit, _, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--vpc-id", "vpc-04be895ea4d91bcbf");
        Assert.Equal(2, exit);
        Assert.Contains("InvalidArgument: --vpc-id chooses whose own flow logs", stderr);
    }

    [Fact]
    public void A_non_json_ip_ranges_file_is_named()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("ip-ranges.json"), "<html>rate limited</html>");
        var (exit, _, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--ip-ranges", dir.File("ip-ranges.json"));
        Assert.Equal(2, exit);
        Assert.StartsWith($"vpcsec: InvalidArgument: {dir.File("ip-ranges.json")}: not an ip-ranges.json file", stderr);
        // A .gz that is not gzip, likewise.
        File.WriteAllText(dir.File("ip-ranges.json.gz"), "{}");
        var e = Assert.Throws<FormatException>(() => AwsIpRangeSet.Load(dir.File("ip-ranges.json.gz")));
        Assert.Contains("ip-ranges.json.gz", e.Message);
    }

    [Theory]
    [InlineData("{ \"regions\": { \"us-east-1\": null } }", "region 'us-east-1' is null")]
    [InlineData("{ \"regions\": { \"us-east-1\": { \"natGatewayHourly\": 0.045, \"natGatewayPerGb\": -0.045, \"interfaceEndpointHourlyPerAz\": 0.01, \"interfaceEndpointPerGbTiers\": [ { \"price\": 0.01 } ] } } }", "natGatewayPerGb -0.045 is negative")]
    [InlineData("{ \"regions\": { \"us-east-1\": { \"natGatewayHourly\": 0.045, \"natGatewayPerGb\": 0.045, \"interfaceEndpointHourlyPerAz\": 0.01, \"interfaceEndpointPerGbTiers\": [ { \"price\": -1 } ] } } }", "tier 1 price -1 is negative")]
    public void A_price_file_with_a_null_region_or_negative_prices_is_named(string json, string expected)
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("prices.json"), json);
        var (exit, _, stderr) = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--prices", dir.File("prices.json"));
        Assert.Equal(2, exit);
        Assert.StartsWith("vpcsec: PriceTableInvalid: price table " + dir.File("prices.json"), stderr);
        Assert.Contains(expected, stderr);
    }

    [Fact]
    public void A_missing_price_file_is_object_not_found()
    {
        var e = Assert.Throws<FileNotFoundException>(() => PriceTable.LoadOrBundled("/nonexistent/prices.json"));
        var info = ErrorCatalog.Classify(e);
        Assert.Equal(("FileNotFound", "ObjectNotFound", "/nonexistent/prices.json"), (info.ErrorId, info.Category, info.Target));
    }
}
