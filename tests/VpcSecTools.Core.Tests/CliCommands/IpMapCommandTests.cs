using System.Reflection;
using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Cli;
using VpcSecTools.Cli.Commands;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.CliCommands;

/// <summary><c>vpcsec ipmap</c>: the map, attribution of given addresses, overlaps, and their exit codes.</summary>
public class IpMapCommandTests
{
    private static string Peering => TestPaths.Batfish("test-vpc-peering");

    [Fact]
    public void Cli_map_json_uses_the_powershell_property_names()
    {
        var (code, output, _) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Batfish("test-nat-gateway"), "--format", "json");
        Assert.Equal(Program.Ok, code);
        var entries = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(4, entries.Length);
        var names = entries[0].EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Subset(typeof(PrivateIpMapEntry).GetProperties().Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null).Select(p => p.Name).ToHashSet(), names);
        Assert.Contains(entries, e => e.GetProperty("OwnerType").GetString() == "NatGateway");
    }

    [Theory]
    [InlineData("--vpc-id", "vpc-0000000000000typo", "VpcNotFound: VPC")]
    [InlineData("--subnet-id", "subnet-0000000000typo", "SubnetNotFound: subnet")]
    public void Cli_map_of_an_id_the_snapshot_lacks_is_an_error_naming_it_not_an_empty_map(string option, string id, string error)
    {
        // An empty map and exit 0, where Get-VpcPrivateIpMap says the id is not in the snapshot.
        var (code, output, stderr) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Demo, option, id);
        Assert.Equal((Program.Error, ""), (code, output));
        Assert.Equal($"vpcsec: {error} '{id}' is not in the snapshot.", stderr.Trim());
        // Comma-separated ids are each one (read as one id, they matched nothing).
        var (_, two, _) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Demo, "--vpc-id", "vpc-04be895ea4d91bcbf,vpc-09d7bc1194c9e4030", "--format", "json");
        var (_, each, _) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Demo, "--vpc-id", "vpc-04be895ea4d91bcbf", "vpc-09d7bc1194c9e4030", "--format", "json");
        Assert.Equal(each, two);
        Assert.NotEmpty(JsonDocument.Parse(two).RootElement.EnumerateArray());
    }

    [Fact]
    public void Cli_attributes_every_good_address_and_reports_each_bad_one()
    {
        var (code, output, errors) = CliRunner.Run("ipmap", "--snapshot", Peering, "--ip", "192.168.1.106", "10.1.1", "192.168.2.229", "--from-vpc", "vpc-0404e08ceddf7f650", "--format", "json");
        Assert.Equal(Program.Error, code);
        Assert.Contains("InvalidIpAddress: '10.1.1'", errors);
        var results = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(new[] { "192.168.1.106", "192.168.2.229" }, results.Select(r => r.GetProperty("IpAddress").GetString()));
        Assert.All(results, r => Assert.Equal("PeeredVpc", r.GetProperty("Scope").GetString()));
    }

    [Fact]
    public void Cli_overlap_and_unknown_vpc()
    {
        var (code, output, _) = CliRunner.Run("ipmap", "--snapshot", Peering, "--overlap");
        Assert.Equal(Program.Ok, code);
        Assert.Contains("192.168.0.0/16", output);
        var (bad, _, errors) = CliRunner.Run("ipmap", "--snapshot", Peering, "--ip", "10.0.0.1", "--from-vpc", "vpc-nope");
        Assert.Equal(Program.Error, bad);
        Assert.Contains("VpcNotFound", errors);
    }

    [Fact]
    public void Attribute_writes_a_table_with_the_route()
    {
        var attributor = new AddressAttributor(new SnapshotIndex(SnapshotLoader.Load(Peering)), AwsIpRangeSet.Bundled);
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = IpMapCommand.Attribute(attributor, ["192.168.1.106"], "vpc-0404e08ceddf7f650", json: false, stdout, stderr);
        Assert.Equal(Program.Ok, code);
        Assert.Contains("192.168.1.0/24 -> pcx-0b89b559e3319d6cf", stdout.ToString());
        Assert.Equal("", stderr.ToString());
    }
}
