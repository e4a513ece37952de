using VpcSecTools.FlowLogs;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.LeastPrivilege.UsageNet;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>
/// Rule usage on small networks whose answers are worked out by hand: flows counted for every rule that allows them and
/// for the narrowest, verdicts that say unused only with full coverage, the tightenings they support, peered and NATed
/// peers, lost records, and a proposal withheld because it might drop what the window saw.
/// </summary>
public sealed class RuleUsageTests
{
    private static IpPermission TcpFrom(int from, int to, string source) => source.StartsWith("sg-", StringComparison.Ordinal)
        ? new IpPermission { IpProtocol = "tcp", FromPort = from, ToPort = to, UserIdGroupPairs = [new UserIdGroupPair { GroupId = source, UserId = "111111111111" }] }
        : new IpPermission { IpProtocol = "tcp", FromPort = from, ToPort = to, IpRanges = [new IpRange { CidrIp = source }] };

    /// <summary>
    /// vpc-a 10.0.0.0/16: app (10.0.1.10, sg-app) and other (10.0.1.30, sg-other) in 10.0.1.0/24; the database (10.0.2.20,
    /// sg-db) and x (10.0.2.30, sg-x) in 10.0.2.0/24. sg-db admits 5432 from the VPC, from sg-app and from 10.0.1.0/24, and 22
    /// from the VPC. One flow log on the VPC, ALL traffic.
    /// </summary>
    private static UsageNet Database() => new UsageNet(new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16")
            .Subnet("subnet-app", "vpc-a", "10.0.1.0/24").Subnet("subnet-db", "vpc-a", "10.0.2.0/24")
            .Group("sg-app", "vpc-a").Group("sg-other", "vpc-a").Group("sg-x", "vpc-a")
            .Group("sg-db", "vpc-a", [TcpFrom(5432, 5432, "10.0.0.0/16"), TcpFrom(5432, 5432, "sg-app"), TcpFrom(5432, 5432, "10.0.1.0/24"), TcpFrom(22, 22, "10.0.0.0/16")])
            .Eni("eni-app", "subnet-app", "10.0.1.10", ["sg-app"], "i-app")
            .Eni("eni-other", "subnet-app", "10.0.1.30", ["sg-other"], "i-other")
            .Eni("eni-db", "subnet-db", "10.0.2.20", ["sg-db"], "i-db")
            .Eni("eni-x", "subnet-db", "10.0.2.30", ["sg-x"], "i-x"))
        .FlowLog("fl-1", "vpc-a");

    /// <summary>
    /// app opens a connection to the database at minute 0 (SYN, SYN-ACK) that lasts into a second window (no flags); other
    /// opens a short one at minute 5. Each is logged at both ends, one record per direction.
    /// </summary>
    private static string[] DatabaseDay() =>
    [
        Record("eni-db", "10.0.1.10", "10.0.2.20", 40001, 5432, 10, 1000, 0, flags: 2, direction: "ingress"),
        Record("eni-db", "10.0.2.20", "10.0.1.10", 5432, 40001, 8, 5000, 0, flags: 18, direction: "egress"),
        Record("eni-db", "10.0.1.10", "10.0.2.20", 40001, 5432, 20, 2000, 10, flags: 0, direction: "ingress"),
        Record("eni-db", "10.0.2.20", "10.0.1.10", 5432, 40001, 15, 9000, 10, flags: 0, direction: "egress"),
        Record("eni-db", "10.0.1.30", "10.0.2.20", 50000, 5432, 4, 400, 5, flags: 3, direction: "ingress"),
        Record("eni-db", "10.0.2.20", "10.0.1.30", 5432, 50000, 3, 300, 5, flags: 19, direction: "egress"),
        Record("eni-app", "10.0.1.10", "10.0.2.20", 40001, 5432, 10, 1000, 0, flags: 2, direction: "egress"),
        Record("eni-app", "10.0.2.20", "10.0.1.10", 5432, 40001, 8, 5000, 0, flags: 18, direction: "ingress"),
        Record("eni-other", "10.0.1.30", "10.0.2.20", 50000, 5432, 4, 400, 5, flags: 3, direction: "egress"),
        Record("eni-other", "10.0.2.20", "10.0.1.30", 5432, 50000, 3, 300, 5, flags: 19, direction: "ingress"),
    ];

    [Fact]
    public void A_flow_counts_for_every_rule_that_allows_it_and_for_the_narrowest()
    {
        using var net = Database();
        var report = Read(net.Index(), [net.Log("fl-1", DatabaseDay())]);

        // At the database: app's four records (1000 + 5000 + 2000 + 9000 bytes) and other's two (400 + 300).
        var vpc = report.Rule("sg-db", "inbound allow tcp 5432 from 10.0.0.0/16");
        Assert.Equal((UsageVerdict.Used, 6L, 17_700L, 2L, 0L), (vpc.Verdict, vpc.Flows, vpc.Bytes, vpc.PeerCount, vpc.NarrowestFlows));
        // sg-app has one member: the narrowest rule for app's flows; 10.0.1.0/24 the narrowest for other's.
        var app = report.Rule("sg-db", "inbound allow tcp 5432 from sg-app");
        Assert.Equal((UsageVerdict.Used, 4L, 17_000L, 1L, 4L), (app.Verdict, app.Flows, app.Bytes, app.PeerCount, app.NarrowestFlows));
        var subnet = report.Rule("sg-db", "inbound allow tcp 5432 from 10.0.1.0/24");
        Assert.Equal((UsageVerdict.Used, 6L, 17_700L, 2L, 2L), (subnet.Verdict, subnet.Flows, subnet.Bytes, subnet.PeerCount, subnet.NarrowestFlows));
        Assert.Equal(["tcp/5432"], subnet.PortsUsed);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Day), subnet.FirstSeen);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(Day + 10 * 60 + 59), subnet.LastSeen);
        // Peers by bytes: app (17,000) then other (700), each named by the IP map with its ENI and groups.
        Assert.Equal(["10.0.1.10", "10.0.1.30"], subnet.Peers.Select(p => p.Address));
        Assert.Equal(("eni-app", "sg-app", 4L, 17_000L), (subnet.Peers[0].NetworkInterfaceId, subnet.Peers[0].SecurityGroups.Single(), subnet.Peers[0].Flows, subnet.Peers[0].Bytes));
        Assert.Contains("i-app", subnet.Peers[0].Owner);
    }

    [Fact]
    public void An_interface_of_the_group_without_a_private_address_leaves_its_exposure_unknown_not_the_read_failed()
    {
        // A damaged capture: a second member of sg-db whose private address is missing. Who reaches it cannot be asked.
        using var net = Database();
        net.Network.Eni("eni-db2", "subnet-db", "10.0.2.40", ["sg-db"], "i-db2");
        int k = net.Network.Enis.FindIndex(e => e.NetworkInterfaceId == "eni-db2");
        net.Network.Enis[k] = net.Network.Enis[k] with { PrivateIpAddress = null, PrivateIpAddresses = [] };
        var report = Read(net.Index(), [net.Log("fl-1", DatabaseDay())]);

        var ssh = report.Proposal("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        // The same three sources lose their way in to the database; eni-db2's are not counted, and the note says why.
        Assert.Equal((ProposalAction.Remove, 3L), (ssh.Action, ssh.SourcesRemovedCount));
        Assert.Contains("eni-db2", ssh.ExposureNote);
        Assert.Contains("no private address", ssh.ExposureNote);
    }

    [Fact]
    public void A_rule_is_unused_only_when_every_interface_it_applies_to_was_logged_and_read()
    {
        using var net = Database();
        var report = Read(net.Index(), [net.Log("fl-1", DatabaseDay())]);

        var ssh = report.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal(UsageVerdict.Unused, ssh.Verdict);
        Assert.Contains("1 network interface(s)", ssh.Reason);
        // The database opens nothing: its responses are not outbound connections, even the window without flags.
        Assert.Equal(UsageVerdict.Unused, report.Rule("sg-db", "outbound allow all to 0.0.0.0/0").Verdict);
        // x sent nothing and received nothing, and is logged: its group's rule is unused.
        Assert.Equal(UsageVerdict.Unused, report.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Verdict);
        // app's outbound rule carried its connection to the database (its two records at app).
        var appOut = report.Rule("sg-app", "outbound allow all to 0.0.0.0/0");
        Assert.Equal((UsageVerdict.Used, 2L, 6000L), (appOut.Verdict, appOut.Flows, appOut.Bytes));
    }

    [Fact]
    public void Proposals_remove_what_other_rules_cover_replace_a_cidr_by_the_group_its_peers_are_in_and_say_what_they_close()
    {
        using var net = Database();
        var report = Read(net.Index(), [net.Log("fl-1", DatabaseDay())]);

        // The VPC-wide rule is the broadest: every flow it admitted is admitted by sg-app's reference or by 10.0.1.0/24.
        var vpc = report.Proposal("sg-db", "inbound allow tcp 5432 from 10.0.0.0/16");
        Assert.Equal((ProposalAction.Remove, true, 0L), (vpc.Action, vpc.Safe, vpc.DroppedFlows));
        Assert.Empty(vpc.Authorize);
        Assert.Equal(("tcp", 5432, 5432, "10.0.0.0/16"), (vpc.Revoke.Single().IpProtocol, vpc.Revoke.Single().FromPort, vpc.Revoke.Single().ToPort, vpc.Revoke.Single().CidrIpv4));
        // x (10.0.2.30) reached the database on 5432 through it alone; app and other still do. Nothing here is internet.
        Assert.Equal(1, vpc.SourcesRemovedCount);
        Assert.StartsWith("eni-x ", vpc.SourcesRemoved.Single());
        Assert.Equal((0L, 0L), (vpc.InternetPairsBefore, vpc.InternetPairsAfter));

        // Once it is gone, 10.0.1.0/24 alone admits other's flows; other is sg-other's only member, inside the /24.
        var subnet = report.Proposal("sg-db", "inbound allow tcp 5432 from 10.0.1.0/24");
        Assert.Equal((ProposalAction.Replace, true, 0L), (subnet.Action, subnet.Safe, subnet.DroppedFlows));
        var reference = subnet.Authorize.Single();
        Assert.Equal(("tcp", 5432, 5432, "sg-other", (string?)null), (reference.IpProtocol, reference.FromPort, reference.ToPort, reference.ReferencedGroupId, reference.CidrIpv4));
        Assert.Equal("inbound allow tcp 5432 from sg-other", reference.Text);
        Assert.Equal(0, subnet.SourcesRemovedCount);

        // The reference to sg-app is already as narrow as its use: no proposal. The unused SSH rule goes, and with it
        // three sources' way in on 22.
        Assert.DoesNotContain(report.Proposals, p => p.Rule == "inbound allow tcp 5432 from sg-app");
        var ssh = report.Proposal("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal((ProposalAction.Remove, true, 3L), (ssh.Action, ssh.Safe, ssh.SourcesRemovedCount));

        // app's outbound allow-all narrows to what it opened: 5432 to the database's group.
        var appOut = report.Proposal("sg-app", "outbound allow all to 0.0.0.0/0");
        Assert.Equal("outbound allow tcp 5432 to sg-db", appOut.Authorize.Single().Text);
        Assert.True(appOut.Safe);
    }

    [Fact]
    public void Groups_piped_in_give_what_the_lines_give()
    {
        using var net = Database();
        var index = net.Index();
        var path = net.Log("fl-1", DatabaseDay());
        var fromLines = Read(index, [path]);
        var groups = new FlowLogReader().Run([FlowLogInput.FromFile(path)], new FlowLogQuery
        {
            GroupBy = ["interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action", "tcp-flags", "flow-direction", "log-status"],
        }).Groups;
        var fromGroups = RuleUsageAnalysis.FromGroups(groups, index, new RuleUsageOptions(), DateTimeOffset.FromUnixTimeSeconds(Day), DateTimeOffset.FromUnixTimeSeconds(Day + 86_400));
        Assert.Equal(fromLines.Rules.Select(r => (r.ResourceId, r.Rule, r.Flows, r.Bytes, r.NarrowestFlows, r.Peers.ToString())),
            fromGroups.Rules.Select(r => (r.ResourceId, r.Rule, r.Flows, r.Bytes, r.NarrowestFlows, r.Peers.ToString())));
        // Verdicts too, where x (and the NACL of its subnet) is not involved.
        static bool WithoutX(RuleUsage r) => r.Kind == RuleKind.SecurityGroup && r.ResourceId != "sg-x";
        Assert.Equal(fromLines.Rules.Where(WithoutX).Select(r => (r.Rule, r.Verdict, r.Reason)), fromGroups.Rules.Where(WithoutX).Select(r => (r.Rule, r.Verdict, r.Reason)));
        Assert.Equal(fromLines.Proposals.Where(p => p.GroupId == "sg-db").Select(p => (p.Change, p.Safe)), fromGroups.Proposals.Where(p => p.GroupId == "sg-db").Select(p => (p.Change, p.Safe)));
        // x has no record among the groups: whether its flow log was read cannot be told from them.
        Assert.Equal(UsageVerdict.Unused, fromLines.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Verdict);
        Assert.Contains("eni-x: no record of it is among the groups piped in", fromGroups.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Reason);
    }

    [Fact]
    public void Groups_without_log_status_cannot_prove_a_rule_unused()
    {
        using var net = Database();
        var index = net.Index();
        var groups = new FlowLogReader().Run([FlowLogInput.FromFile(net.Log("fl-1", DatabaseDay()))], new FlowLogQuery
        {
            GroupBy = ["interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action", "tcp-flags"],
        }).Groups;
        var report = RuleUsageAnalysis.FromGroups(groups, index, new RuleUsageOptions());
        var ssh = report.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal(UsageVerdict.Unknown, ssh.Verdict);
        Assert.Contains("log-status", ssh.Reason);
        // What was used is still used.
        Assert.Equal(UsageVerdict.Used, report.Rule("sg-db", "inbound allow tcp 5432 from sg-app").Verdict);
        Assert.Throws<ArgumentException>(() => RuleUsageAnalysis.FromGroups(
            new FlowLogReader().Run([FlowLogInput.FromFile(net.Log("fl-1", DatabaseDay()))], new FlowLogQuery { GroupBy = ["interface-id", "srcaddr"] }).Groups,
            index, new RuleUsageOptions()));
    }

    [Fact]
    public void A_skipped_line_or_lost_records_make_an_unseen_rule_unknown_not_unused()
    {
        using var net = Database();
        var index = net.Index();
        var skipped = Read(index, [net.Log("fl-1", [.. DatabaseDay(), "5 111111111111 eni-db 10.0.1.10 10.0.2.20 40001"])]);
        var ssh = skipped.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal(UsageVerdict.Unknown, ssh.Verdict);
        Assert.Contains("1 malformed flow-log line(s) were skipped", ssh.Reason);

        var lost = Read(index, [net.Log("fl-1", [.. DatabaseDay(), SkipData("eni-db", 30)])]);
        Assert.Equal(UsageVerdict.Unknown, lost.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16").Verdict);
        Assert.Contains("eni-db lost records in 1 capture window(s) (SKIPDATA", lost.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16").Reason);
        // sg-x's interface lost nothing: its rule is still proven unused.
        Assert.Equal(UsageVerdict.Unused, lost.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Verdict);
    }

    /// <remarks>
    /// An address that is not one (10.0.1.256) is a malformed line, skipped and named as listing names it: it was taken as a
    /// record, and the rules of its interface were Unknown for "records with neither address its own".
    /// </remarks>
    [Fact]
    public void A_record_whose_address_is_not_one_is_a_skipped_line_named_by_its_reason()
    {
        using var net = Database();
        var report = Read(net.Index(), [net.Log("fl-1", [.. DatabaseDay(),
            Record("eni-db", "10.0.1.256", "10.0.2.20", 40002, 22, 3, 180, 20, flags: 2, direction: "ingress")])]);
        Assert.Equal(1L, report.Read!.SkippedLines);
        Assert.Equal("srcaddr '10.0.1.256' is not an IP address", report.Read.Skipped.Single().Reason);
        var ssh = report.Rule("sg-db", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal(UsageVerdict.Unknown, ssh.Verdict);
        Assert.Contains("1 malformed flow-log line(s) were skipped", ssh.Reason);
    }

    [Fact]
    public void Partial_coverage_makes_an_unseen_rule_unknown_and_withholds_the_proposals_of_its_group()
    {
        using var net = new UsageNet(new TestNetwork()
                .Vpc("vpc-a", "10.0.0.0/16")
                .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-a", "10.0.2.0/24").Subnet("subnet-c", "vpc-a", "10.0.3.0/24")
                .Group("sg-client", "vpc-a")
                .Group("sg-web", "vpc-a", [TcpFrom(443, 443, "10.0.0.0/16"), TcpFrom(22, 22, "10.0.0.0/16")])
                .Eni("eni-web-1", "subnet-a", "10.0.1.10", ["sg-web"], "i-web-1")
                .Eni("eni-web-2", "subnet-b", "10.0.2.10", ["sg-web"], "i-web-2")
                .Eni("eni-client", "subnet-c", "10.0.3.10", ["sg-client"], "i-client"))
            .FlowLog("fl-a", "subnet-a").FlowLog("fl-c", "subnet-c");
        var report = Read(net.Index(), [net.Log("fl-a",
            Record("eni-web-1", "10.0.3.10", "10.0.1.10", 40000, 443, 5, 500, 0, flags: 2, direction: "ingress"),
            Record("eni-web-1", "10.0.1.10", "10.0.3.10", 443, 40000, 5, 900, 0, flags: 18, direction: "egress"))]);

        Assert.Equal(UsageVerdict.Used, report.Rule("sg-web", "inbound allow tcp 443 from 10.0.0.0/16").Verdict);
        var ssh = report.Rule("sg-web", "inbound allow tcp 22 from 10.0.0.0/16");
        Assert.Equal(UsageVerdict.Unknown, ssh.Verdict);
        Assert.Contains("eni-web-2 has no active flow log", ssh.Reason);
        Assert.DoesNotContain(report.Proposals, p => p.Rule == ssh.Rule);
        // 443 narrows to the client's group, but web-2's flows were never seen: it would be a guess.
        var https = report.Proposal("sg-web", "inbound allow tcp 443 from 10.0.0.0/16");
        Assert.Equal("inbound allow tcp 443 from sg-client", https.Authorize.Single().Text);
        Assert.False(https.Safe);
        Assert.Contains("eni-web-2 has no active flow log", https.Withheld);
        // A flow log that records only REJECT traffic cannot prove an allow rule unused either.
        using var rejectOnly = new UsageNet(net.Network).FlowLog("fl-a", "subnet-a").FlowLog("fl-b", "subnet-b", trafficType: "REJECT");
        var partial = Read(rejectOnly.Index(), [rejectOnly.Log("fl-a"), rejectOnly.Log("fl-b")]);
        Assert.Contains("eni-web-2's flow logs record only REJECT traffic (fl-b)", partial.Rule("sg-web", "inbound allow tcp 22 from 10.0.0.0/16").Reason);
    }

    [Fact]
    public void A_flow_log_created_inside_the_window_or_not_read_proves_nothing()
    {
        using var net = Database();
        net.FlowLog("fl-late", "eni-x", created: "2026-11-21 12:00:00+00:00");
        var index = new SnapshotIndex(net.Index().Snapshot with
        {
            Regions = [net.Index().Snapshot.Regions[0] with { FlowLogs = [.. net.Index().Snapshot.Regions[0].FlowLogs.Where(f => f.FlowLogId == "fl-late")] }],
        });
        var late = Read(index, [net.Log("fl-late")]);
        Assert.Contains("was created 2026-11-21 12:00:00Z, after the window's start 2026-11-21 00:00:00Z", late.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Reason);

        // The VPC's log covers x, but only another log's object was read.
        using var plain = Database();
        var other = Read(plain.Index(), [plain.Log("fl-9")]);
        Assert.Contains("eni-x is logged by fl-1", other.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Reason);
        Assert.Equal(UsageVerdict.Unknown, other.Rule("sg-x", "outbound allow all to 0.0.0.0/0").Verdict);
    }

    /// <summary>
    /// vpc-a 10.0.0.0/16 holds the database (10.0.1.20, sg-db: 5432 from 10.1.0.0/16 and from sg-mon); vpc-b 10.1.0.0/16
    /// holds monitoring (10.1.1.5, sg-mon); pcx-1 joins them, routed both ways.
    /// </summary>
    private static UsageNet Peered(string accepterRegion = "us-east-1")
    {
        var network = new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24")
            .Group("sg-mon", "vpc-b")
            .Group("sg-db", "vpc-a", [TcpFrom(5432, 5432, "10.1.0.0/16"), TcpFromGroup(5432, "sg-mon", peering: "pcx-1", status: "active")])
            .Eni("eni-db", "subnet-a", "10.0.1.20", ["sg-db"], "i-db")
            .Eni("eni-mon", "subnet-b", "10.1.1.5", ["sg-mon"], "i-mon")
            .Peering("pcx-1", "vpc-a", "vpc-b")
            .MainRoutes("vpc-a", To("10.1.0.0/16", pcx: "pcx-1")).MainRoutes("vpc-b", To("10.0.0.0/16", pcx: "pcx-1"));
        network.Peerings[0] = network.Peerings[0] with { AccepterVpcInfo = network.Peerings[0].AccepterVpcInfo! with { Region = accepterRegion } };
        return new UsageNet(network).FlowLog("fl-a", "vpc-a").FlowLog("fl-b", "vpc-b");
    }

    private static string[] MonitoringToDatabase() =>
    [
        Record("eni-db", "10.1.1.5", "10.0.1.20", 41000, 5432, 6, 600, 0, flags: 2, direction: "ingress"),
        Record("eni-db", "10.0.1.20", "10.1.1.5", 5432, 41000, 5, 4000, 0, flags: 18, direction: "egress"),
    ];

    [Fact]
    public void A_reference_across_an_active_same_region_peering_matches_the_peer_and_replaces_its_cidr()
    {
        using var net = Peered();
        var report = Read(net.Index(), [net.Log("fl-a", MonitoringToDatabase()), net.Log("fl-b")], new RuleUsageOptions { GroupIds = ["sg-db"] });

        var cidr = report.Rule("sg-db", "inbound allow tcp 5432 from 10.1.0.0/16");
        var reference = report.Rule("sg-db", "inbound allow tcp 5432 from sg-mon");
        Assert.Equal((UsageVerdict.Used, 2L, 4600L, 0L), (cidr.Verdict, cidr.Flows, cidr.Bytes, cidr.NarrowestFlows));
        Assert.Equal((UsageVerdict.Used, 2L, 4600L, 2L), (reference.Verdict, reference.Flows, reference.Bytes, reference.NarrowestFlows));
        Assert.Contains("in vpc-b", cidr.Peers.Single().Owner);
        // The CIDR is redundant: the reference admits the same flows.
        var proposal = report.Proposal("sg-db", cidr.Rule);
        Assert.Equal((ProposalAction.Remove, true), (proposal.Action, proposal.Safe));
    }

    [Fact]
    public void Across_a_peering_to_another_region_no_reference_matches_and_the_cidr_narrows_to_the_peer_address()
    {
        using var net = Peered(accepterRegion: "us-west-2");
        var report = Read(net.Index(), [net.Log("fl-a", MonitoringToDatabase()), net.Log("fl-b")], new RuleUsageOptions { GroupIds = ["sg-db"] });

        var reference = report.Rule("sg-db", "inbound allow tcp 5432 from sg-mon");
        Assert.Equal(UsageVerdict.Unused, reference.Verdict);
        var proposal = report.Proposal("sg-db", "inbound allow tcp 5432 from 10.1.0.0/16");
        Assert.Equal((ProposalAction.Replace, true), (proposal.Action, proposal.Safe));
        Assert.Equal(("10.1.1.5/32", (string?)null), (proposal.Authorize.Single().CidrIpv4, proposal.Authorize.Single().ReferencedGroupId));
    }

    [Fact]
    public void A_peer_across_the_peering_becomes_a_reference_to_its_group_with_the_peering()
    {
        using var net = Peered();
        net.Network.SecurityGroups[^1] = net.Network.SecurityGroups[^1] with { IpPermissions = [TcpFrom(5432, 5432, "10.1.0.0/16")] };
        var report = Read(net.Index(), [net.Log("fl-a", MonitoringToDatabase()), net.Log("fl-b")], new RuleUsageOptions { GroupIds = ["sg-db"] });

        var proposal = report.Proposal("sg-db", "inbound allow tcp 5432 from 10.1.0.0/16");
        var reference = proposal.Authorize.Single();
        Assert.Equal(("sg-mon", "pcx-1", (string?)null), (reference.ReferencedGroupId, reference.VpcPeeringConnectionId, reference.ReferencedUserId));
        Assert.True(proposal.Safe);
        Assert.Equal(0, proposal.SourcesRemovedCount);
    }

    /// <summary>
    /// vpc-a: web (10.0.0.10, public 54.0.0.2, sg-web: 443 from anywhere and from sg-client) in the public subnet; a client
    /// (10.0.1.10, sg-client) and d (10.0.1.20, sg-d) in a private subnet whose internet route is the NAT gateway (10.0.0.5,
    /// public 52.0.0.1). The client reaches web's public address through the NAT gateway.
    /// </summary>
    private static UsageNet Nated()
    {
        var network = new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16")
            .Subnet("subnet-pub", "vpc-a", "10.0.0.0/24").Subnet("subnet-priv", "vpc-a", "10.0.1.0/24")
            .Igw("igw-1", "vpc-a")
            .Routes("rtb-pub", "vpc-a", ["subnet-pub"], To("0.0.0.0/0", gateway: "igw-1"))
            .Routes("rtb-priv", "vpc-a", ["subnet-priv"], To("0.0.0.0/0", nat: "nat-1"))
            .Group("sg-client", "vpc-a").Group("sg-d", "vpc-a")
            .Group("sg-web", "vpc-a", [TcpFrom(443, 443, "0.0.0.0/0"), TcpFrom(443, 443, "sg-client")])
            .Eni("eni-web", "subnet-pub", "10.0.0.10", ["sg-web"], "i-web", publicIp: "54.0.0.2")
            .Eni("eni-nat", "subnet-pub", "10.0.0.5", [], publicIp: "52.0.0.1", interfaceType: "nat_gateway")
            .Eni("eni-client", "subnet-priv", "10.0.1.10", ["sg-client"], "i-client")
            .Eni("eni-d", "subnet-priv", "10.0.1.20", ["sg-d"], "i-d");
        network.NatGateways.Add(new NatGateway
        {
            NatGatewayId = "nat-1", VpcId = "vpc-a", SubnetId = "subnet-pub", State = "available",
            NatGatewayAddresses = [new NatGatewayAddress { NetworkInterfaceId = "eni-nat", PrivateIp = "10.0.0.5", PublicIp = "52.0.0.1" }],
        });
        return new UsageNet(network).FlowLog("fl-1", "vpc-a");
    }

    [Fact]
    public void Through_a_nat_gateway_the_group_sees_its_public_address_and_no_reference_matches()
    {
        using var net = Nated();
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-web", "52.0.0.1", "10.0.0.10", 33000, 443, 7, 700, 0, flags: 2, direction: "ingress"),
            Record("eni-web", "10.0.0.10", "52.0.0.1", 443, 33000, 6, 6600, 0, flags: 18, direction: "egress"))], new RuleUsageOptions { GroupIds = ["sg-web"] });

        var open = report.Rule("sg-web", "inbound allow tcp 443 from 0.0.0.0/0");
        Assert.Equal((UsageVerdict.Used, 2L, 7300L), (open.Verdict, open.Flows, open.Bytes));
        Assert.Contains("nat-1", open.Peers.Single().Owner);
        Assert.Equal("eni-nat", open.Peers.Single().NetworkInterfaceId);
        // The client's identity does not survive the NAT gateway: its group's reference matched nothing.
        Assert.Equal(UsageVerdict.Unused, report.Rule("sg-web", "inbound allow tcp 443 from sg-client").Verdict);

        // 0.0.0.0/0 narrows to the NAT gateway's address. Web's 443 was open to the internet; after, the one address admitted
        // is the VPC's own NAT gateway, which no internet host sends from. d, which reached web privately through 0.0.0.0/0
        // only, no longer does; the client still does, through its group's reference.
        var proposal = report.Proposal("sg-web", "inbound allow tcp 443 from 0.0.0.0/0");
        Assert.Equal((ProposalAction.Replace, true, "52.0.0.1/32"), (proposal.Action, proposal.Safe, proposal.Authorize.Single().CidrIpv4));
        Assert.Equal((1L, 0L), (proposal.InternetPairsBefore, proposal.InternetPairsAfter));
        Assert.Equal(["eni-web:tcp/443 (i-web)"], proposal.InternetPairsRemoved);
        Assert.Equal(1, proposal.SourcesRemovedCount);
        Assert.StartsWith("eni-d ", proposal.SourcesRemoved.Single());
    }

    [Fact]
    public void Removing_an_internet_rule_closes_its_internet_pairs()
    {
        using var net = Nated();
        net.Network.SecurityGroups[^1] = net.Network.SecurityGroups[^1] with { IpPermissions = [TcpFrom(8000, 8009, "0.0.0.0/0"), TcpFrom(443, 443, "0.0.0.0/0")] };
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-web", "198.51.100.7", "10.0.0.10", 33000, 443, 7, 700, 0, flags: 2, direction: "ingress"))], new RuleUsageOptions { GroupIds = ["sg-web"] });

        // Ten ports of web were open to the internet and nothing used them.
        var unused = report.Proposal("sg-web", "inbound allow tcp 8000-8009 from 0.0.0.0/0");
        Assert.Equal((ProposalAction.Remove, true, 10L, 0L), (unused.Action, unused.Safe, unused.InternetPairsBefore, unused.InternetPairsAfter));
        Assert.Equal(["eni-web:tcp/8000-8009 (i-web)"], unused.InternetPairsRemoved);
    }

    [Fact]
    public void A_proposal_that_may_drop_a_flow_of_the_window_is_withheld()
    {
        // s admits 40000-50000 from the VPC and may open 8000-9000 to it. p1 opens 41000 (SYN). p2's record has no flags and
        // its ports read either way: p2:8080 -> s:45000 is s's connection to 8080 (an outbound rule allows it) or p2's to
        // 45000 (the inbound rule allows that too).
        using var net = new UsageNet(new TestNetwork()
                .Vpc("vpc-a", "10.0.0.0/16")
                .Subnet("subnet-p", "vpc-a", "10.0.1.0/24").Subnet("subnet-s", "vpc-a", "10.0.2.0/24")
                .Group("sg-p1", "vpc-a").Group("sg-p2", "vpc-a")
                .Group("sg-s", "vpc-a", [TcpFrom(40000, 50000, "10.0.0.0/16")], [TcpFrom(8000, 9000, "10.0.0.0/16")])
                .Eni("eni-p1", "subnet-p", "10.0.1.20", ["sg-p1"], "i-p1")
                .Eni("eni-p2", "subnet-p", "10.0.1.10", ["sg-p2"], "i-p2")
                .Eni("eni-s", "subnet-s", "10.0.2.20", ["sg-s"], "i-s"))
            .FlowLog("fl-1", "vpc-a");
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-s", "10.0.1.20", "10.0.2.20", 1234, 41000, 3, 300, 0, flags: 2, direction: "ingress"),
            Record("eni-s", "10.0.1.10", "10.0.2.20", 8080, 45000, 9, 9000, 1, flags: 0, direction: "ingress"))], new RuleUsageOptions { GroupIds = ["sg-s"] });

        var inbound = report.Rule("sg-s", "inbound allow tcp 40000-50000 from 10.0.0.0/16");
        Assert.Equal((UsageVerdict.Used, 1L), (inbound.Verdict, inbound.Flows));
        // The flows it surely admitted need only 41000 from p1's group; p2's flow may have been admitted by it, and nothing
        // left would admit it: the narrowing is withheld, naming it.
        var proposal = report.Proposal("sg-s", inbound.Rule);
        Assert.Equal("inbound allow tcp 41000 from sg-p1", proposal.Authorize.Single().Text);
        Assert.False(proposal.Safe);
        Assert.Equal((1L, 9000L), (proposal.DroppedFlows, proposal.DroppedBytes));
        Assert.Contains("10.0.1.10", proposal.DroppedPeers.Single());
        Assert.Contains("it may have dropped 1 flow(s) observed in the window", proposal.Withheld);
        Assert.Contains("told only by their ports", proposal.Withheld);
        // Withheld proposals are never written as changes.
        var cli = RuleUsageRendering.Cli(report);
        Assert.DoesNotContain(cli.Split('\n'), l => l.StartsWith("aws ", StringComparison.Ordinal) && l.Contains("41000", StringComparison.Ordinal));
        Assert.Contains("# withheld: sg-s: replace inbound allow tcp 40000-50000", cli);
    }

    [Fact]
    public void A_window_without_flags_learns_the_service_port_from_the_handshakes_it_saw()
    {
        // An NFS client opens from a port below 1024 to 2049: the lower port is the client's. The first window has the
        // handshake; the next one, without flags, must not be read as the server opening a connection to port 700.
        using var net = new UsageNet(new TestNetwork()
                .Vpc("vpc-a", "10.0.0.0/16")
                .Subnet("subnet-c", "vpc-a", "10.0.1.0/24").Subnet("subnet-f", "vpc-a", "10.0.2.0/24")
                .Group("sg-c", "vpc-a")
                .Group("sg-fs", "vpc-a", [new IpPermission { IpProtocol = "-1", UserIdGroupPairs = [new UserIdGroupPair { GroupId = "sg-c" }] }])
                .Eni("eni-c", "subnet-c", "10.0.1.10", ["sg-c"], "i-c")
                .Eni("eni-fs", "subnet-f", "10.0.2.5", ["sg-fs"], interfaceType: "interface"))
            .FlowLog("fl-1", "vpc-a");
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-fs", "10.0.1.10", "10.0.2.5", 700, 2049, 4, 400, 0, flags: 2, direction: "ingress"),
            Record("eni-fs", "10.0.2.5", "10.0.1.10", 2049, 700, 4, 800, 0, flags: 18, direction: "egress"),
            Record("eni-fs", "10.0.1.10", "10.0.2.5", 700, 2049, 40, 4000, 10, flags: 0, direction: "ingress"),
            Record("eni-fs", "10.0.2.5", "10.0.1.10", 2049, 700, 40, 8000, 10, flags: 0, direction: "egress"))], new RuleUsageOptions { GroupIds = ["sg-fs"] });

        var all = report.Rule("sg-fs", "inbound allow all from sg-c");
        Assert.Equal((4L, 13_200L), (all.Flows, all.Bytes));
        Assert.Equal(["tcp/2049"], all.PortsUsed);
        Assert.Equal(UsageVerdict.Unused, report.Rule("sg-fs", "outbound allow all to 0.0.0.0/0").Verdict);
        // The all-protocol reference narrows to what was used, for the same group.
        Assert.Equal("inbound allow tcp 2049 from sg-c", report.Proposal("sg-fs", all.Rule).Authorize.Single().Text);
    }

    [Fact]
    public void Many_internet_clients_keep_a_public_rule_but_its_ports_narrow()
    {
        using var net = Nated();
        net.Network.SecurityGroups[^1] = net.Network.SecurityGroups[^1] with { IpPermissions = [TcpFrom(80, 443, "0.0.0.0/0")] };
        // 40 clients, every other address of 198.51.100.0/24: no two merge, 40 CIDRs > 16.
        var lines = Enumerable.Range(0, 40).Select(i => Record("eni-web", $"198.51.100.{2 * i + 1}", "10.0.0.10", 30000 + i, 443, 3, 300, i, flags: 2, direction: "ingress")).ToArray();
        var report = Read(net.Index(), [net.Log("fl-1", lines)], new RuleUsageOptions { GroupIds = ["sg-web"] });

        var proposal = report.Proposal("sg-web", "inbound allow tcp 80-443 from 0.0.0.0/0");
        Assert.Equal("inbound allow tcp 443 from 0.0.0.0/0", proposal.Authorize.Single().Text);
        Assert.Contains("40 IPv4 peers need more than 16 CIDRs", proposal.Change);
        // 364 of web's ports were open to the internet; one still is.
        Assert.Equal((364L, 1L), (proposal.InternetPairsBefore, proposal.InternetPairsAfter));
        // Four clients that fill 198.51.100.0/30 and .4/31 need two CIDRs.
        var few = new[] { 0, 1, 2, 3, 4, 5 }.Select(i => Record("eni-web", $"198.51.100.{i}", "10.0.0.10", 30000 + i, 443, 3, 300, i, flags: 2, direction: "ingress")).ToArray();
        var narrow = Read(net.Index(), [net.Log("fl-1", few)], new RuleUsageOptions { GroupIds = ["sg-web"] }).Proposal("sg-web", "inbound allow tcp 80-443 from 0.0.0.0/0");
        Assert.Equal(["198.51.100.0/30", "198.51.100.4/31"], narrow.Authorize.Select(a => a.CidrIpv4));
    }
}
