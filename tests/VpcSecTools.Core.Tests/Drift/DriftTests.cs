using VpcSecTools.Drift;
using VpcSecTools.Exposure;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Drift.DemoChanges;

namespace VpcSecTools.Tests.Drift;

/// <summary>
/// The demo network yesterday and today (<see cref="DemoChanges"/>): the drift is exactly the five changes, the paths they
/// open or close with the causing component named, and the findings the opened SSH rule brings.
/// </summary>
public class DriftTests
{
    private static readonly Lazy<DriftReport> Demo = new(() => SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(Today)));

    [Fact]
    public void The_configuration_drift_is_exactly_the_five_changes_in_aws_terms()
    {
        var lines = Demo.Value.Configuration.Select(c => $"{c.Change} {c.Section} {c.ResourceId} {c.Element}: {c.Before ?? c.After}").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(new[]
        {
            $"Added NetworkInterfaces {App3Eni} public IP: {App3PublicIp} on 10.0.12.52 (Elastic IP eipalloc-0a1b2c3d4e5f60718)",
            $"Added RouteTables {MainTable} route: 10.100.0.0/16 -> {DemoChanges.Peering}",
            $"Added SecurityGroups {Bastion} inbound rule: inbound tcp 22 from 0.0.0.0/0 (temporary)",
            $"Removed NetworkAcls {DbAcl} outbound entry: outbound 110 allow tcp 1024-65535 10.0.12.0/24",
            $"Removed RouteTables {AppBTable} route: {S3List} -> {S3Endpoint}",
            $"Removed VpcEndpoints {S3Endpoint} RouteTableIds: {AppBTable}",
        }.Order(StringComparer.Ordinal), lines);
        // The group's change names the group and the ENIs it is on.
        var sg = Demo.Value.Configuration.Single(c => c.ResourceId == Bastion);
        Assert.Equal("prod-bastion-sg", sg.ResourceName);
        Assert.Equal([BastionEni], sg.UsedBy);
        Assert.Empty(Demo.Value.Gaps);
    }

    [Fact]
    public void Reachability_changes_are_the_paths_the_changes_open_or_close_with_their_cause()
    {
        var lines = Demo.Value.Reachability.Select(r => $"{r.Change} {r.Source} -> {r.DestinationId} {r.Protocol}/{r.Ports} by {r.CausingComponent}").ToArray();
        Assert.Equal(new[]
        {
            // The SSH rule opens the bastion to the internet, and to the whole VPC (0.0.0.0/0 holds it).
            $"Opened Internet -> {BastionEni} tcp/22 by {Bastion}",
            $"Opened {ProdVpc} -> {BastionEni} tcp/22 by {Bastion}",
            // Without outbound entry 110 the db subnets' replies to app-c (batch worker, app-3) are denied.
            $"Closed {ProdVpc} -> {DbPrimary} tcp/5432 by {DbAcl}",
            $"Closed {ProdVpc} -> {DbStandby} tcp/5432 by {DbAcl}",
            $"Closed {ProdVpc} -> {Replica} tcp/5432 by {DbAcl}",
            // The main table's route back to the peering lets shared-services reach the replica in db-c.
            $"Opened {SharedVpc} -> {Replica} tcp/5432 by {MainTable}",
        }.Order(StringComparer.Ordinal), lines.Order(StringComparer.Ordinal));

        var internet = Demo.Value.NewExposures.Single();
        // The office range reached the bastion's SSH before; now every internet address does.
        Assert.Equal((Verdict.Reachable, Verdict.Reachable), (internet.Before!.Value, internet.After!.Value));
        Assert.True(internet.ReachingAfter > internet.ReachingBefore, $"{internet.ReachingBefore} -> {internet.ReachingAfter}");
        Assert.Contains("inbound rule added: inbound tcp 22 from 0.0.0.0/0", internet.Cause);
        Assert.Contains(internet.Causes, c => c.ResourceId == Bastion && c.Element == "inbound rule");

        var closed = Demo.Value.Reachability.Single(r => r.DestinationId == DbPrimary);
        Assert.Equal([BatchWorker, App3], closed.Moved.Select(m => m.Split(' ')[0]));
        Assert.Contains(DbAcl, closed.BlockedAfter);
        Assert.Contains("outbound entry removed", closed.Cause);

        var peer = Demo.Value.Reachability.Single(r => r.Source == SharedVpc);
        Assert.Equal(Monitoring, peer.Moved[0].Split(' ')[0]);
        Assert.Contains("NO_ROUTE_TO_DESTINATION", peer.BlockedBefore);
        Assert.Null(peer.BlockedAfter);
    }

    /// <summary>The witness is looked up as an ENI of the snapshot before it is read as an address, whatever its id looks like (a hand-made capture).</summary>
    [Fact]
    public void A_witness_interface_whose_id_lacks_the_eni_prefix_still_gives_the_cause()
    {
        static VpcSnapshot Renamed(VpcSnapshot s) => s with
        {
            Regions = s.Regions.Select(r => r with
            {
                NetworkInterfaces = r.NetworkInterfaces.Select(e => e.VpcId == SharedVpc ? e with { NetworkInterfaceId = "shared-" + e.NetworkInterfaceId } : e).ToArray(),
            }).ToArray(),
        };
        var drift = SnapshotDrift.Compare(new SnapshotIndex(Renamed(Yesterday)), new SnapshotIndex(Renamed(Today)));
        var peer = drift.Reachability.Single(r => r.Source == SharedVpc);
        Assert.Equal(("shared-" + Monitoring, MainTable), (peer.Moved[0].Split(' ')[0], peer.CausingComponent));
        // The path that names the causes along the way is the interface's own, not refused as an address that does not read.
        var today = new SnapshotIndex(Renamed(Today));
        var path = new ReachabilitySide(today, _ => true).PathOf("shared-" + Monitoring, today.NetworkInterfaces[Replica], null, Traffic.Tcp(5432));
        Assert.NotNull(path);
        Assert.Equal(Verdict.Reachable, path.Verdict);
        Assert.Contains(path.ReturnPath, h => h.ComponentId == MainTable);
    }

    [Fact]
    public void Each_opened_path_is_a_finding_to_export_and_a_closed_one_is_not()
    {
        var opened = Demo.Value.Reachability.Where(r => r.Change == DriftChangeKind.Opened).ToArray();
        Assert.All(opened, r => Assert.Equal((DriftChecks.ReachabilityOpened.Id, r.DestinationId, r.Ports), (r.Finding!.CheckId, r.Finding.ResourceId, r.Finding.Ports)));
        Assert.All(Demo.Value.Reachability.Where(r => r.Change != DriftChangeKind.Opened), r => Assert.Null(r.Finding));
        // From the internet it is high, from the peer VPC medium; the cause is the rule or route the later capture added.
        var internet = Demo.Value.NewExposures.Single().Finding!;
        Assert.Equal((Severity.High, "Internet"), (internet.Severity, internet.Source));
        Assert.Contains("inbound tcp 22 from 0.0.0.0/0", internet.Detail);
        var peer = Demo.Value.Reachability.Single(r => r.Source == SharedVpc).Finding!;
        Assert.Equal(Severity.Medium, peer.Severity);
        Assert.Contains(MainTable, peer.Detail);
        // What a scheduled run exports: the audit's new findings and the opened paths, each once.
        Assert.Equal(Demo.Value.Findings.Count(f => f.Change == DriftChangeKind.New) + opened.Length, Demo.Value.NewFindings.Count());
        var resource = ((Dictionary<string, object?>[])FindingExport.ToAsff(internet, new ExportContext())["Resources"]!).Single();
        Assert.Equal(("AwsEc2NetworkInterface", BastionEni), (resource["Type"], ((string)resource["Id"]!).Split('/')[^1]));
    }

    [Fact]
    public void The_public_ip_and_the_endpoint_route_table_change_no_verdict_to_an_eni()
    {
        // app-3's subnet (app-c) routes 0.0.0.0/0 to the NAT gateway, not the internet gateway: its new Elastic IP is not
        // a way in. The S3 gateway endpoint is not an ENI: losing app-b's table moves no verdict towards one.
        Assert.DoesNotContain(Demo.Value.Reachability, r => r.DestinationId == App3 && r.SourceKind == SourceClassKind.Internet);
        var probe = new ReachabilityAnalyzer(new SnapshotIndex(Today)).Analyze("192.0.2.50", App3PublicIp, Traffic.Tcp(443));
        Assert.Equal(Verdict.NotReachable, probe.Verdict);
    }

    [Fact]
    public void The_opened_ssh_rule_gives_new_findings_and_nothing_else_moves()
    {
        var findings = Demo.Value.Findings.ToArray();
        Assert.All(findings, f => Assert.Equal((DriftChangeKind.New, Bastion), (f.Change, f.ResourceId)));
        Assert.Contains(findings, f => f.CheckId == "SG.SshFromInternet" && f.Severity == Severity.Critical);
        // With the unchanged ones: every finding of yesterday is matched today by its identity.
        var all = SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(Today), new DriftOptions { IncludeUnchanged = true });
        Assert.DoesNotContain(all.Findings, f => f.Change is DriftChangeKind.Resolved or DriftChangeKind.Unknown);
        Assert.Equal(OpenPortAudit.Run(new SnapshotIndex(Yesterday)).Findings.Count, all.Findings.Count(f => f.Change == DriftChangeKind.Unchanged));
    }

    [Fact]
    public void A_rule_added_before_others_leaves_their_findings_unchanged()
    {
        // Yesterday's SSH permission of the bastion group moves from IpPermissions[0] to [1]: its findings are the same ones.
        var today = Yesterday with
        {
            Regions = Yesterday.Regions.Select(r => r with
            {
                SecurityGroups = r.SecurityGroups.Select(g => g.GroupId != Bastion ? g : g with
                {
                    IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 8443, ToPort = 8443, IpRanges = [new IpRange { CidrIp = "10.0.0.0/16" }] }, .. g.IpPermissions],
                }).ToArray(),
            }).ToArray(),
        };
        var report = SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(today), new DriftOptions { IncludeUnchanged = true });
        var bastion = report.Findings.Where(f => f.ResourceId == Bastion && f.Finding.Rule is { } rule && rule.Contains("IpPermissions", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(bastion);
        Assert.DoesNotContain(bastion, f => f.Change is DriftChangeKind.Resolved);
        Assert.Contains(bastion, f => f.Change == DriftChangeKind.Unchanged && f.Finding.Rule!.StartsWith("IpPermissions[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void A_section_the_later_snapshot_lacks_is_unknown_never_unchanged_or_removed()
    {
        var today = Today with { Regions = Today.Regions.Select(r => r with { CapturedSections = r.CapturedSections.Where(s => s != Section.NetworkAcls).ToHashSet(), NetworkAcls = [] }).ToArray() };
        var report = SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(today));
        var gap = Assert.Single(report.Gaps, g => g.Kind == DriftKind.Configuration);
        Assert.Equal((Section.NetworkAcls, "difference", DriftChangeKind.Unknown), (gap.Section, gap.MissingIn, gap.Change));
        Assert.DoesNotContain(report.Configuration, c => c.Section == Section.NetworkAcls);
        // Reachability there is not compared (its verdicts would move only because the NACLs are missing), and says so.
        Assert.Contains(report.Gaps, g => g.Kind == DriftKind.Reachability && g.Summary.Contains("NetworkAcls", StringComparison.Ordinal));
        Assert.Empty(report.Reachability);
        Assert.True(report.IsIncomplete);
        // The NACL checks could not run today: yesterday's NACL findings are Unknown, not resolved.
        Assert.DoesNotContain(report.Findings, f => f.Change == DriftChangeKind.Resolved && f.ResourceId.StartsWith("acl-", StringComparison.Ordinal));
    }

    [Fact]
    public void Identical_snapshots_have_no_change_and_compute_no_verdict()
    {
        var report = SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(Yesterday));
        Assert.Empty(report.Changes);
        Assert.Equal(0, report.Work.Verdicts);
        Assert.False(report.IsIncomplete);
    }

    [Fact]
    public void Markdown_puts_new_internet_exposures_first_and_escapes_cells()
    {
        var md = DriftMarkdown.Render(Demo.Value);
        var rows = md.Split('\n').Where(l => l.StartsWith("| ", StringComparison.Ordinal) && !l.StartsWith("| Change", StringComparison.Ordinal)).ToArray();
        Assert.StartsWith($"| **Opened** | Internet | {BastionEni} (prod-bastion)", rows[0]);
        Assert.Contains("1 new internet exposure(s), 6 reachability change(s), 6 configuration change(s), 4 new and 0 resolved finding(s).", md);
        Assert.Contains($"- **{DbAcl} prod-db-acl** (NetworkAcl in {ProdVpc}", md);
        // A pipe in a rule's description cannot break the table.
        var piped = DemoWithDescription("temp | remove me");
        Assert.Contains("temp \\| remove me", DriftMarkdown.Render(piped));
    }

    private static DriftReport DemoWithDescription(string description)
    {
        var today = Yesterday with
        {
            Regions = Yesterday.Regions.Select(r => r with
            {
                SecurityGroups = r.SecurityGroups.Select(g => g.GroupId != Bastion ? g : g with
                {
                    IpPermissions = g.IpPermissions.Select(p => p.FromPort != 22 ? p : p with { IpRanges = [.. p.IpRanges, new IpRange { CidrIp = "0.0.0.0/0", Description = description }] }).ToArray(),
                }).ToArray(),
            }).ToArray(),
        };
        return SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(today));
    }

    [Fact]
    public void A_destination_without_an_address_is_a_gap_naming_it_and_the_rest_is_compared()
    {
        // The fan-out refused the database's interface once its addresses were gone, and the whole comparison failed.
        var today = Today with
        {
            Regions = Today.Regions.Select(r => r with
            {
                NetworkInterfaces = r.NetworkInterfaces.Select(e => e.NetworkInterfaceId != DbPrimary ? e : e with { PrivateIpAddress = null, PrivateIpAddresses = [] }).ToArray(),
            }).ToArray(),
        };
        var report = SnapshotDrift.Compare(new SnapshotIndex(Yesterday), new SnapshotIndex(today));
        var gap = report.Gaps.Single();
        Assert.Equal((DriftKind.Reachability, DriftChangeKind.Unknown, DbPrimary, "difference"), (gap.Kind, gap.Change, gap.Subject, gap.MissingIn));
        Assert.Contains("who can reach it is not compared (Unknown)", gap.Summary);
        Assert.True(report.IsIncomplete);
        // Every other change is still found.
        Assert.Equal(Demo.Value.Reachability.Where(r => r.DestinationId != DbPrimary).Select(r => $"{r.Change} {r.Source} -> {r.DestinationId}").Order(StringComparer.Ordinal),
            report.Reachability.Select(r => $"{r.Change} {r.Source} -> {r.DestinationId}").Order(StringComparer.Ordinal));
    }
}
