using System.Text.Json;
using VpcSecTools.FlowLogs;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>
/// The demo network's day of flow logs (samples/demo/README.md): what its rules were used for, the rules nothing used, the
/// groups whose usage is Unknown (shared services logs only REJECT, to CloudWatch Logs), and the database's tightenings.
/// Ids come from expected.json.
/// </summary>
public sealed class DemoRuleUsageTests
{
    private static readonly SnapshotIndex Demo = new(SnapshotLoader.Load(TestPaths.Demo));
    private static readonly JsonElement Ids = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement.GetProperty("ids");
    private static readonly Lazy<RuleUsageReport> Day = new(() => RuleUsageAnalysis.Read(new RuleUsageRequest
    {
        Index = Demo, Paths = [Path.Combine(TestPaths.Demo, "flowlogs")],
    }, () => throw new InvalidOperationException("offline"), new FlowLogRunEvents()));

    private static string Group(string name) => Id("sg", name);
    private static string Id(string kind, string name) => Ids.GetProperty(kind).GetProperty(name).GetString()!;

    [Fact]
    public void The_legacy_hosts_ssh_and_rdp_rules_were_used_only_by_the_internet_scanners()
    {
        var legacy = Group("legacy");
        foreach (var port in new[] { 22, 3389 })
        {
            var rule = Day.Value.Rule(legacy, $"inbound allow tcp {port} from 0.0.0.0/0");
            Assert.Equal(UsageVerdict.Used, rule.Verdict);
            // README: "scanners → legacy ... 22 and 3389 ACCEPTed on legacy", from the 192.0.2.0/24 scanners.
            Assert.All(rule.Peers, p => Assert.StartsWith("192.0.2.", p.Address));
            Assert.All(rule.Peers, p => Assert.Equal("internet", p.Owner));
            // Narrowing an open admin port to the scanners of one day is no hardening: the proposal is shown, never safe.
            var proposal = Day.Value.Proposal(legacy, rule.Rule);
            Assert.False(proposal.Safe);
            Assert.Contains("internet address(es) seen in", proposal.Withheld);
        }
        // Its IPv6 outbound rule carried nothing all day, and its one interface was logged: unused.
        Assert.Equal(UsageVerdict.Unused, Day.Value.Rule(legacy, "outbound allow all to ::/0").Verdict);
    }

    [Fact]
    public void The_bastions_reference_on_the_database_is_unused_because_the_db_nacl_stopped_its_attempts()
    {
        var db = Group("db");
        var bastion = Group("bastion");
        Assert.Equal(UsageVerdict.Unused, Day.Value.Rule(db, $"inbound allow tcp 5432 from {bastion}").Verdict);
        // README reachability #6: acl-db inbound rule 50 stops the bastion; the flow logs show its REJECTs at the database.
        var fifty = Day.Value.Rules.Single(r => r.ResourceId == Ids.GetProperty("acl-db").GetString() && r.RuleNumber == 50);
        Assert.Equal((UsageVerdict.Used, "deny"), (fifty.Verdict, fifty.Action));
        Assert.Equal("10.0.0.12", fifty.Peers.Single().Address);
    }

    [Fact]
    public void Shared_services_usage_is_unknown_because_its_flow_log_records_only_rejects()
    {
        foreach (var rule in Day.Value.Rules.Where(r => r.VpcId == Id("vpc", "shared") && r.Kind == RuleKind.SecurityGroup && Demo.EnisInGroup(r.ResourceId).Count > 0))
        {
            Assert.Equal(UsageVerdict.Unknown, rule.Verdict);
            Assert.Contains("record only REJECT traffic (" + Ids.GetProperty("fl-shared").GetString() + ")", rule.Reason);
        }
    }

    [Fact]
    public void The_databases_cidr_rules_give_way_to_references_the_traffic_supports()
    {
        var db = Group("db");
        var report = Day.Value;
        // 10.0.10.0/24 admitted app-1 and the orders Lambda in app-a, both admitted by the references to their groups too.
        var appSubnet = report.Rule(db, "inbound allow tcp 5432 from 10.0.10.0/24");
        Assert.Equal(["10.0.10.37", "10.0.10.116"], appSubnet.Peers.Select(p => p.Address).Order(StringComparer.Ordinal).Reverse());
        Assert.Equal(0, appSubnet.NarrowestFlows);
        var removal = report.Proposal(db, appSubnet.Rule);
        Assert.Equal((ProposalAction.Remove, true, 0L), (removal.Action, removal.Safe, removal.DroppedFlows));
        Assert.Contains(Group("app"), removal.Change);
        Assert.Contains(Group("lambda"), removal.Change);
        // 10.100.0.0/16 admitted only shared-services monitoring, across the active peering: a reference to its group.
        var peered = report.Proposal(db, "inbound allow tcp 5432 from 10.100.0.0/16");
        var reference = peered.Authorize.Single();
        Assert.Equal((Group("monitoring"), Ids.GetProperty("pcx").GetString()), (reference.ReferencedGroupId, reference.VpcPeeringConnectionId));
        Assert.True(peered.Safe);
        Assert.Equal("10.100.1.25", report.Rule(db, "inbound allow tcp 5432 from 10.100.0.0/16").Peers.Single().Address);
    }

    [Fact]
    public void The_read_is_whole_and_every_accepted_flow_is_explained_by_a_rule()
    {
        var report = Day.Value;
        Assert.Equal((24, 0L), (report.Read!.Files, report.Read.SkippedLines));
        Assert.Empty(report.Warnings);
        // Every group of the snapshot, both directions, one row per source; every NACL entry.
        var sgRules = Demo.SecurityGroups.Values.Sum(g => g.IpPermissions.Concat(g.IpPermissionsEgress)
            .Sum(p => p.IpRanges.Count + p.Ipv6Ranges.Count + p.PrefixListIds.Count + p.UserIdGroupPairs.Count));
        Assert.Equal(sgRules, report.Rules.Count(r => r.Kind == RuleKind.SecurityGroup));
        Assert.Equal(Demo.NetworkAcls.Values.Sum(a => a.Entries.Count), report.Rules.Count(r => r.Kind == RuleKind.NetworkAcl));
    }
}
