using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Cli;
using VpcSecTools.Cli.Commands;
using VpcSecTools.Commands;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.IpMap;

/// <summary>The cmdlet's binding surface and the CLI command, without a PowerShell runtime.</summary>
public class IpMapSurfaceTests
{
    private static string Peering => TestPaths.Batfish("test-vpc-peering");

    [Fact]
    public void Cmdlet_binds_addresses_from_flow_records_instances_and_strings()
    {
        // PowerShellStandard.Library is a reference assembly: read the attributes' recorded arguments, not their properties.
        var type = typeof(GetVpcPrivateIpMapCommand);
        var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute));
        Assert.Equal(new object?[] { "Get", "VpcPrivateIpMap" }, cmdlet.ConstructorArguments.Select(a => a.Value));
        IReadOnlyDictionary<string, object?> Param(string name) => type.GetProperty(name)!.GetCustomAttributesData()
            .Single(a => a.AttributeType == typeof(ParameterAttribute)).NamedArguments.ToDictionary(n => n.MemberName, n => n.TypedValue.Value);
        Assert.Equal(true, Param("IpAddress")["ValueFromPipeline"]);
        Assert.Equal(true, Param("IpAddress")["ValueFromPipelineByPropertyName"]);
        Assert.Equal(true, Param("SourceAddress")["ValueFromPipelineByPropertyName"]);
        Assert.Equal(true, Param("DestinationAddress")["ValueFromPipelineByPropertyName"]);
        var alias = type.GetProperty("IpAddress")!.GetCustomAttributesData().Single(a => a.AttributeType == typeof(AliasAttribute));
        Assert.Contains("PrivateIpAddress", ((IEnumerable<CustomAttributeTypedArgument>)alias.ConstructorArguments[0].Value!).Select(v => (string)v.Value!));
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .Select(a => ((IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Single().Value).ToArray();
        Assert.Equal(new object[] { typeof(PrivateIpMapEntry), typeof(AddressAttribution), typeof(CidrOverlap) }, outputs);
    }

    [Fact]
    public void Cli_map_json_uses_the_powershell_property_names()
    {
        var (code, output, _) = Run("ipmap", "--snapshot", TestPaths.Batfish("test-nat-gateway"), "--format", "json");
        Assert.Equal(Program.Ok, code);
        var entries = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(4, entries.Length);
        var names = entries[0].EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.Subset(typeof(PrivateIpMapEntry).GetProperties().Where(p => p.GetCustomAttribute<System.Text.Json.Serialization.JsonIgnoreAttribute>() is null).Select(p => p.Name).ToHashSet(), names);
        Assert.Contains(entries, e => e.GetProperty("OwnerType").GetString() == "NatGateway");
    }

    [Fact]
    public void Cli_attributes_every_good_address_and_reports_each_bad_one()
    {
        var (code, output, errors) = Run("ipmap", "--snapshot", Peering, "--ip", "192.168.1.106", "10.1.1", "192.168.2.229", "--from-vpc", "vpc-0404e08ceddf7f650", "--format", "json");
        Assert.Equal(Program.Error, code);
        Assert.Contains("InvalidIpAddress: '10.1.1'", errors);
        var results = JsonDocument.Parse(output).RootElement.EnumerateArray().ToArray();
        Assert.Equal(new[] { "192.168.1.106", "192.168.2.229" }, results.Select(r => r.GetProperty("IpAddress").GetString()));
        Assert.All(results, r => Assert.Equal("PeeredVpc", r.GetProperty("Scope").GetString()));
    }

    [Fact]
    public void Cli_overlap_and_unknown_vpc()
    {
        var (code, output, _) = Run("ipmap", "--snapshot", Peering, "--overlap");
        Assert.Equal(Program.Ok, code);
        Assert.Contains("192.168.0.0/16", output);
        var (bad, _, errors) = Run("ipmap", "--snapshot", Peering, "--ip", "10.0.0.1", "--from-vpc", "vpc-nope");
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

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        lock (ConsoleLock)
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
            try { return (Program.BuildRoot().Parse(args).Invoke(), stdout.ToString(), stderr.ToString()); }
            finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
        }
    }

    private static readonly object ConsoleLock = new();
}
