using System.Management.Automation;
using System.Reflection;
using System.Text.Json;
using VpcSecTools.Cli;
using VpcSecTools.Cli.Commands;
using VpcSecTools.Commands;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary><c>vpcsec reach</c> exit codes and formats, and the cmdlet's metadata.</summary>
public class ReachCliTests
{
    private static readonly string Nat = TestPaths.Batfish("test-nat-gateway");

    private static (int Exit, string Out) Run(string source, string destination, Traffic traffic, string format = "table")
    {
        var text = new StringWriter();
        int exit = ReachCommand.Run(SnapshotLoader.Load(Nat), source, destination, traffic, format, text);
        return (exit, text.ToString());
    }

    [Fact]
    public void Exit_codes_follow_the_verdict()
    {
        Assert.Equal(Program.Ok, Run("i-0a128d26e59be60f3", "Internet", Traffic.Tcp(443)).Exit);
        Assert.Equal(Program.Findings, Run("Internet", "i-0a128d26e59be60f3", Traffic.Tcp(22)).Exit);
        var tgw = new StringWriter();
        Assert.Equal(Program.Unknown, ReachCommand.Run(SnapshotLoader.Load(TestPaths.Batfish("test-transit-gateway")), "i-0b14080af811fda3d", "Internet", Traffic.Tcp(443), "table", tgw));
    }

    [Fact]
    public void On_premises_source_of_the_demo_gives_the_verdict_exit_code_and_names_its_assumptions()
    {
        var demo = SnapshotLoader.Load(TestPaths.Demo);
        var text = new StringWriter();
        Assert.Equal(Program.Ok, ReachCommand.Run(demo, "172.16.5.5", "10.0.10.37", Traffic.Tcp(443), "text", text));
        Assert.Contains("Note: assumed: a tunnel of vpn-", text.ToString());
        Assert.Equal(Program.Findings, ReachCommand.Run(demo, "172.16.5.5", "10.0.12.52", Traffic.Tcp(443), "table", TextWriter.Null));
    }

    [Fact]
    public void Json_uses_the_result_property_names_and_text_explains()
    {
        var (_, json) = Run("Internet", "i-0b31b509174d7f5de", Traffic.Tcp(80), "json");
        using var doc = JsonDocument.Parse(json);
        Assert.Equal("NotReachable", doc.RootElement.GetProperty(nameof(ReachabilityResult.Verdict)).GetString());
        Assert.Equal(ExplanationCodes.SecurityGroupRules, doc.RootElement.GetProperty(nameof(ReachabilityResult.ExplanationCode)).GetString());
        Assert.True(doc.RootElement.GetProperty(nameof(ReachabilityResult.ForwardPath)).GetArrayLength() > 0);
        var (_, text) = Run("i-0a128d26e59be60f3", "Internet", Traffic.Tcp(443), "text");
        Assert.Contains("Forward path:", text);
        Assert.Contains("nat-07ab4846da51f4612", text);
    }

    [Fact]
    public void Fan_out_lists_sources_and_parse_errors_exit_2()
    {
        var (exit, table) = Run("*", "i-0b31b509174d7f5de", Traffic.Tcp(22));
        Assert.Equal(Program.Ok, exit);
        Assert.Contains("Internet", table);
        Assert.Contains("eni-0e4ce6a7777b9bff8", table);
        Assert.DoesNotContain("eni-017aaec115610308a", table); // the NAT gateway's own interface opens nothing
        var error = new StringWriter();
        Assert.Equal(Program.Error, CliOutput.Guard(() => ReachCommand.Run(SnapshotLoader.Load(Nat), "i-missing", "Internet", Traffic.Tcp(1), "table", TextWriter.Null), error));
        Assert.Contains("ReachabilityEndpointNotFound", error.ToString());
        Assert.Equal(Program.Error, Program.BuildRoot().Parse(["reach", "--snapshot", Nat, "--source", "i-0a128d26e59be60f3", "--destination", "Internet", "--protocol", "tcpx"]).Invoke());
    }

    [Fact]
    public void A_rule_that_cannot_be_read_exits_unknown_and_names_it()
    {
        // The only group of i-0b31b509174d7f5de opens SSH to the world; its CIDR, made unreadable, may still do so.
        var nat = SnapshotLoader.Load(Nat);
        var region = nat.Regions[0];
        var broken = nat with
        {
            Regions = [region with
            {
                SecurityGroups = region.SecurityGroups.Select(g => g.GroupId != "sg-0253af84ae6485905" ? g
                    : g with { IpPermissions = [g.IpPermissions[0] with { IpRanges = [new IpRange { CidrIp = "0.0.0.0/33" }] }, .. g.IpPermissions.Skip(1)] }).ToArray(),
            }],
        };
        Assert.Equal(Program.Ok, ReachCommand.Run(nat, "Internet", "i-0b31b509174d7f5de", Traffic.Tcp(22), "table", TextWriter.Null));
        var json = new StringWriter();
        Assert.Equal(Program.Unknown, ReachCommand.Run(broken, "Internet", "i-0b31b509174d7f5de", Traffic.Tcp(22), "json", json));
        using var doc = JsonDocument.Parse(json.ToString());
        var root = doc.RootElement;
        Assert.Equal(ExplanationCodes.UninterpretableEntry, root.GetProperty(nameof(ReachabilityResult.ExplanationCode)).GetString());
        Assert.Equal("SecurityGroup", root.GetProperty(nameof(ReachabilityResult.BlockingComponentType)).GetString());
        Assert.Contains("sg-0253af84ae6485905 IpPermissions[0].IpRanges[0].CidrIp", root.GetProperty(nameof(ReachabilityResult.Reason)).GetString());
        Assert.Contains(root.GetProperty(nameof(ReachabilityResult.ForwardPath)).EnumerateArray(), h => h.GetProperty(nameof(PathHop.ComponentType)).GetString() == "InternetGateway");
        // The same through the command line, from a snapshot file: exit 3.
        using var dir = new TestPaths.TempDir();
        SnapshotFile.Write(broken, dir.File("broken.snapshot.json"));
        Assert.Equal(Program.Unknown, Program.BuildRoot().Parse(["reach", "--snapshot", dir.File("broken.snapshot.json"), "--source", "Internet",
            "--destination", "i-0b31b509174d7f5de", "--protocol", "tcp", "--port", "22"]).Invoke());
    }

    [Fact]
    public void Cmdlet_binds_sources_by_property_name_and_declares_its_outputs()
    {
        // PowerShellStandard is a reference assembly: read attribute data, not attribute instances.
        var type = typeof(TestInstanceReachabilityCommand);
        var cmdlet = type.GetCustomAttributesData().Single(a => a.AttributeType == typeof(CmdletAttribute));
        Assert.Equal(["Test", "InstanceReachability"], cmdlet.ConstructorArguments.Select(a => (string)a.Value!));
        var source = type.GetProperty(nameof(TestInstanceReachabilityCommand.Source))!.GetCustomAttributesData();
        var parameter = source.Single(a => a.AttributeType == typeof(ParameterAttribute));
        Assert.Contains(parameter.NamedArguments, n => n.MemberName == "ValueFromPipelineByPropertyName" && (bool)n.TypedValue.Value!);
        var aliases = source.Single(a => a.AttributeType == typeof(AliasAttribute)).ConstructorArguments.Single().Value as IEnumerable<CustomAttributeTypedArgument>;
        Assert.Equal(["InstanceId", "NetworkInterfaceId", "PrivateIpAddress", "Instances"], aliases!.Select(a => (string)a.Value!));
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType == typeof(OutputTypeAttribute))
            .SelectMany(a => (IEnumerable<CustomAttributeTypedArgument>)a.ConstructorArguments.Single().Value!).Select(a => (Type)a.Value!).ToList();
        Assert.Contains(typeof(ReachabilityResult), outputs);
        Assert.Contains(typeof(ReachableSource), outputs);
        Assert.True(typeof(SnapshotCmdlet).IsAssignableFrom(type));
        var manifest = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "VpcSecTools.psd1"));
        Assert.Contains("'Test-InstanceReachability'", manifest);
        // Help completeness (every parameter, incl. the inherited AWS ones) is Module/HelpTests' job.
    }
}
