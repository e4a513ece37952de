using System.Text.Json;
using VpcSecTools.Cli;
using VpcSecTools.Cli.Commands;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.CliCommands;

/// <summary><c>vpcsec reach</c> exit codes and formats.</summary>
public class ReachCommandTests
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
        var (missing, _, error) = CliRunner.Run("reach", "--snapshot", Nat, "--source", "i-missing", "--destination", "Internet", "--port", "1");
        Assert.Equal(Program.Error, missing);
        Assert.StartsWith("vpcsec: ReachabilityEndpointNotFound: ", error);
        Assert.Equal(Program.Error, CliRunner.Run("reach", "--snapshot", Nat, "--source", "i-0a128d26e59be60f3", "--destination", "Internet", "--protocol", "tcpx").Exit);
    }

    [Fact]
    public void Who_reaches_the_internet_is_refused_saying_to_give_a_public_address()
    {
        var (exit, stdout, error) = CliRunner.Run("reach", "--snapshot", Nat, "--source", "*", "--destination", "Internet", "--port", "443");
        Assert.Equal((Program.Error, ""), (exit, stdout));
        Assert.StartsWith("vpcsec: InvalidArgument: 'Internet' names no one address", error);
        Assert.Contains("give a public address as the destination", error);
        // Asked of a public address, the interfaces are answered.
        var (ok, table) = Run("*", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(Program.Ok, ok);
        Assert.Contains("eni-0e4ce6a7777b9bff8", table);
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
        Assert.Equal(Program.Unknown, CliRunner.Run("reach", "--snapshot", dir.File("broken.snapshot.json"), "--source", "Internet",
            "--destination", "i-0b31b509174d7f5de", "--protocol", "tcp", "--port", "22").Exit);
    }
}
