using System.Text.Json;
using VpcSecTools.LeastPrivilege;

namespace VpcSecTools.Tests.CliCommands;

/// <summary><c>vpcsec rule-usage</c> on the demo day: its formats, its filters, its exit codes and its one-line errors.</summary>
public class RuleUsageCommandTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");
    private static readonly JsonElement Ids = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement.GetProperty("ids");
    private static string Group(string name) => Ids.GetProperty("sg").GetProperty(name).GetString()!;

    [Fact]
    public void Json_report_names_the_verdicts_and_exits_1_for_the_safe_proposals()
    {
        var (exit, stdout, stderr) = CliRunner.Run("rule-usage", "--snapshot", TestPaths.Demo, Flows, "--group-id", Group("db"), "--format", "json");
        Assert.Equal("", stderr);
        Assert.Equal(1, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        var bastion = root.GetProperty(nameof(RuleUsageReport.Rules)).EnumerateArray()
            .Single(r => r.GetProperty(nameof(RuleUsage.Rule)).GetString() == $"inbound allow tcp 5432 from {Group("bastion")}");
        Assert.Equal("Unused", bastion.GetProperty(nameof(RuleUsage.Verdict)).GetString());
        Assert.Contains(root.GetProperty(nameof(RuleUsageReport.Proposals)).EnumerateArray(),
            p => p.GetProperty(nameof(RuleProposal.Safe)).GetBoolean() && p.GetProperty(nameof(RuleProposal.Rule)).GetString() == "inbound allow tcp 5432 from 10.100.0.0/16");
    }

    [Fact]
    public void Verdict_filter_keeps_only_those_rules_and_unknown_alone_exits_3()
    {
        // The shared-services directory group: every rule Unknown (its VPC's flow log records only REJECT), no proposal.
        var (exit, stdout, _) = CliRunner.Run("rule-usage", "--snapshot", TestPaths.Demo, Flows, "--group-id", Group("directory"), "--verdict", "used", "unused");
        Assert.Equal(3, exit);
        Assert.Contains("0 used, 0 unused, 6 unknown; 0 safe proposal(s)", stdout);
        Assert.DoesNotContain("Unknown  ", stdout);
    }

    [Theory]
    [InlineData("cli", "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-0c57b8d1b915ea066")]
    [InlineData("cloudformation", "AWS::EC2::SecurityGroupIngress")]
    [InlineData("terraform", "resource \"aws_vpc_security_group_ingress_rule\"")]
    public void Every_rendering_writes_the_database_tightening(string format, string expected)
    {
        var (exit, stdout, _) = CliRunner.Run("rule-usage", "--snapshot", TestPaths.Demo, Flows, "--group-id", Group("db"), "--format", format);
        Assert.Equal(1, exit);
        Assert.Contains(expected, stdout);
        Assert.Contains(Group("monitoring"), stdout);
    }

    [Theory]
    [InlineData("--verdict", "maybe", "--verdict 'maybe'")]
    [InlineData("--group-id", "sg-0123456789abcdef0", "sg-0123456789abcdef0")]
    [InlineData("--max-cidrs", "0", "--max-cidrs must be at least 1")]
    public void Bad_input_is_one_line_naming_it_and_exit_2(string option, string value, string named)
    {
        var (exit, stdout, stderr) = CliRunner.Run("rule-usage", "--snapshot", TestPaths.Demo, Flows, option, value);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.Contains(named, stderr);
    }

    [Fact]
    public void Nothing_to_read_says_what_to_give()
    {
        var (exit, _, stderr) = CliRunner.Run("rule-usage", "--snapshot", TestPaths.Demo);
        Assert.Equal(2, exit);
        Assert.Contains("nothing to read", stderr);
    }
}
