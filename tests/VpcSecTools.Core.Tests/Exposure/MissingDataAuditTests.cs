using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Exposure.AuditNet;

namespace VpcSecTools.Tests.Exposure;

/// <summary>
/// SEMANTICS 0 for the audit: a section the snapshot lacks, a prefix list without entries, an exposure that cannot be
/// decided or a rule that cannot be read never gives fewer or milder findings; what cannot be proven safe is ranked by
/// its worst case and marked unconfirmed, naming the missing data.
/// </summary>
public class MissingDataAuditTests
{
    private const string ChecksNotRun = "Audit.ChecksNotRun";

    [Fact]
    public void A_snapshot_without_security_groups_says_which_checks_did_not_run_at_their_worst_severity()
    {
        var report = Audit(Index([], missing: [Section.SecurityGroups]));
        var gap = report.Of(ChecksNotRun).Single();
        Assert.Equal((Severity.Critical, "us-east-1", Account), (gap.Severity, gap.Region, gap.AccountId));
        Assert.False(gap.Confirmed);
        Assert.Contains("SecurityGroups", gap.MissingData);
        Assert.Contains("SG.SshFromInternet", gap.ChecksNotRun);
        Assert.DoesNotContain("NACL.SshFromInternet", gap.ChecksNotRun);
        // The NACL checks had their data and still answer.
        Assert.NotEmpty(report.Of("NACL.SshFromInternet"));
        Assert.True(report.IsIncomplete(Severity.Critical));
        Assert.Empty(Audit(Index([Sg("sg-x", Tcp(22, 22, "0.0.0.0/0"))])).Of(ChecksNotRun));
    }

    [Fact]
    public void Missing_network_interfaces_stop_only_the_checks_that_need_them_and_exposure_is_unknown_not_unattached()
    {
        var report = Audit(Index([Sg("sg-x", Tcp(22, 22, "0.0.0.0/0")), Sg("sg-lonely")], missing: [Section.NetworkInterfaces]));
        var gap = report.Of(ChecksNotRun).Single();
        Assert.Contains("SG.Unused", gap.ChecksNotRun);
        Assert.Contains("SG.CombinedGroupsOpenToInternet", gap.ChecksNotRun);
        Assert.DoesNotContain("SG.SshFromInternet", gap.ChecksNotRun);
        Assert.Empty(report.Of("SG.Unused"));
        var ssh = report.Of("SG.SshFromInternet").Single();
        Assert.Equal((ExposureVerdict.Unknown, Severity.Critical), (ssh.Exposure!.Verdict, ssh.Severity));
        Assert.False(ssh.Confirmed);
        Assert.Contains("NetworkInterfaces", ssh.MissingData);
    }

    [Fact]
    public void A_real_eni_only_capture_audits_nothing_and_says_so_for_each_region()
    {
        var report = OpenPortAudit.Run(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish("eni-attribution"))));
        var gaps = report.Of(ChecksNotRun);
        Assert.Equal(["us-east-1", "us-east-2"], gaps.Select(g => g.Region!).Order(StringComparer.Ordinal));
        Assert.All(gaps, g => Assert.Contains("NACL.SshFromInternet", g.ChecksNotRun));
        Assert.All(gaps, g => Assert.Contains("NetworkAcls", g.MissingData));
        Assert.Equal(gaps.Length, report.Findings.Count);
    }

    [Fact]
    public void A_scope_on_one_vpc_reports_only_the_gaps_of_its_region()
    {
        var other = new RegionInventory { Region = "eu-west-1", AccountId = Account, CapturedSections = new HashSet<string> { Section.Vpcs } };
        var index = Index([Sg("sg-x", Tcp(22, 22, "10.0.0.0/8"))]);
        var twoRegions = new SnapshotIndex(index.Snapshot with { Regions = [.. index.Snapshot.Regions, other] });
        Assert.Single(OpenPortAudit.Run(twoRegions).Of(ChecksNotRun));
        Assert.Empty(OpenPortAudit.Run(twoRegions, scope: new AuditScope { VpcIds = [AuditNet.Vpc] }).Of(ChecksNotRun));
        // A VPC the snapshot cannot place may be in the region that lacks the sections.
        Assert.Single(OpenPortAudit.Run(twoRegions, scope: new AuditScope { VpcIds = ["vpc-elsewhere"] }).Of(ChecksNotRun));
    }

    [Fact]
    public void A_prefix_list_without_entries_ranks_by_what_it_could_open()
    {
        var index = Index([Sg("sg-x", Tcp(22, 22, "pl-2"))], [Eni("eni-1", "10.0.1.10", "54.1.2.3", "sg-x")]);
        var report = Audit(index);
        var unknown = report.Of("SG.PrefixListEntriesUnknown").Single();
        Assert.Equal(Severity.Critical, unknown.Severity);
        Assert.False(unknown.Confirmed);
        Assert.Contains("pl-2", unknown.MissingData);
        // Filters by severity or check id still see the possibly world-open SSH rule; the list's family is unknown, so both.
        var ssh = report.Of("SG.SshFromInternet");
        Assert.Equal(2, ssh.Length);
        var v4 = ssh.Single(f => f.Detail.Contains("IPv4"));
        // Reachability cannot say either whether the list admits the internet (SEMANTICS 5): the exposure is Unknown.
        Assert.Equal(("pl-2", "IpPermissions[0].PrefixListIds[0]", Severity.Critical, ExposureVerdict.Unknown),
            (v4.Source, v4.Rule, v4.Severity, v4.Exposure!.Verdict));
        Assert.All(ssh, f => Assert.False(f.Confirmed));
        Assert.Contains(report.Select(Severity.Low), f => f.CheckId == "SG.SshFromInternet");
        Assert.True(report.IsIncomplete(Severity.Critical));
        Assert.False(report.HasConfirmed(Severity.High));
        Assert.DoesNotContain(report.Findings, f => f.Confirmed && f.ResourceType == Checks.SecurityGroupType);

        // describe-managed-prefix-lists says the list is IPv4: it cannot open the IPv6 internet.
        var region = index.Snapshot.Regions[0];
        var described = new SnapshotIndex(index.Snapshot with { Regions = [region with { PrefixLists = [new ManagedPrefixList { PrefixListId = "pl-2", AddressFamily = "IPv4" }] }] });
        Assert.DoesNotContain("IPv6", Audit(described).Of("SG.SshFromInternet").Single().Detail);
    }

    [Fact]
    public void An_exposure_that_cannot_be_decided_ranks_as_reachable_and_is_unconfirmed()
    {
        var report = Audit(Index([Sg("sg-x", Tcp(22, 22, "0.0.0.0/0"))], [Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x")], missing: [Section.InternetGateways]));
        var ssh = report.Of("SG.SshFromInternet").Single();
        Assert.Equal((Severity.Critical, ExposureVerdict.Unknown), (ssh.Severity, ssh.Exposure!.Verdict));
        Assert.False(ssh.Confirmed);
        Assert.Contains("InternetGateways", ssh.MissingData);
        Assert.Equal(Severity.High, ssh.BaseSeverity);
    }

    [Theory]
    [InlineData("tcp", 22, 22, "0.0.0.0/33", "0.0.0.0/33", Severity.Critical)]
    [InlineData("garbage", 22, 22, "0.0.0.0/0", "'garbage'", Severity.Critical)]
    [InlineData("", 22, 22, "0.0.0.0/0", "''", Severity.Critical)]
    [InlineData("300", 22, 22, "0.0.0.0/0", "'300'", Severity.Critical)]
    [InlineData("tcp", 65536, 65536, "0.0.0.0/0", "65536", Severity.Critical)]
    [InlineData("tcp", 22, 22, "::/129", "::/129", Severity.Medium)] // the ENI has no global IPv6 address
    public void A_rule_that_cannot_be_read_is_reported_at_its_worst_case(string protocol, int from, int to, string source, string named, Severity worst)
    {
        var report = Audit(Index([Sg("sg-x", Perm(protocol, from, to, source))], [Eni("eni-1", "10.0.1.10", "54.1.2.3", "sg-x")], dualStack: true));
        var unreadable = report.Of("SG.RuleUnreadable").Single();
        Assert.False(unreadable.Confirmed);
        Assert.Contains(named, unreadable.MissingData);
        Assert.Equal(worst, unreadable.Severity);
        var ssh = report.Of("SG.SshFromInternet").Single();
        Assert.Equal((worst, "IpPermissions[0]"), (ssh.Severity, ssh.Rule![..16]));
        Assert.False(ssh.Confirmed);
        Assert.Contains(named, ssh.MissingData);
        // Nothing is confirmed from a rule that cannot be read.
        Assert.DoesNotContain(report.Findings, f => f.Confirmed && f.CheckId.StartsWith("SG.", StringComparison.Ordinal) && f.CheckId != "SG.EgressAllToAnywhere");
    }

    [Fact]
    public void The_audit_reads_rules_as_the_snapshot_index_does_for_reachability()
    {
        // An ICMP type past 255 cannot be read: which ICMP traffic the rule admits is unknown.
        var icmp = Audit(Index([Sg("sg-x", Perm("icmp", 300, -1, "0.0.0.0/0"))])).Of("SG.RuleUnreadable").Single();
        Assert.Contains("IpPermissions[0].FromPort: ICMP type 300", icmp.MissingData);
        // A reference by group name alone may be any group.
        var byName = Sg("sg-y", Perm("tcp", 22, 22) with { UserIdGroupPairs = [new UserIdGroupPair { GroupName = "web" }] });
        Assert.Contains("UserIdGroupPairs[0].GroupId", Audit(Index([byName])).Of("SG.RuleUnreadable").Single().MissingData);
        // An IPv6 CIDR in CidrIp may have been meant for either family: SSH may be open to both internets, unconfirmed.
        var eitherFamily = Sg("sg-z", Perm("tcp", 22, 22) with { IpRanges = [new IpRange { CidrIp = "::/0" }] });
        var ssh = Audit(Index([eitherFamily], [Eni("eni-1", "10.0.1.10", "54.1.2.3", "sg-z")], dualStack: true)).Of("SG.SshFromInternet");
        Assert.Equal(["IPv4", "IPv6"], ssh.Select(f => f.Detail.Contains("IPv6 internet") ? "IPv6" : "IPv4").Order());
        Assert.All(ssh, f => Assert.False(f.Confirmed));
        // A reference across a deleted peering is stale: it admits nothing, so it opens no admin port.
        var stale = Sg("sg-s", Perm("tcp", 22, 22) with
        {
            UserIdGroupPairs = [new UserIdGroupPair { GroupId = "sg-peer", UserId = "999999999999", VpcPeeringConnectionId = "pcx-1", PeeringStatus = "deleted" }],
        });
        Assert.DoesNotContain(Audit(Index([stale])).Findings, f => f.ResourceId == "sg-s" && f.CheckId.StartsWith("Hygiene.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_group_reference_with_an_unreadable_protocol_cannot_open_the_internet()
    {
        var report = Audit(Index([Sg("sg-x", Perm("garbage", 22, 22, "sg-y"))]));
        var unreadable = report.Of("SG.RuleUnreadable").Single();
        Assert.Equal(Severity.Low, unreadable.Severity);
        Assert.Empty(report.Of("SG.SshFromInternet"));
    }

    [Fact]
    public void A_nacl_entry_that_cannot_be_read_makes_what_it_could_admit_unconfirmed()
    {
        // Entry 50 could be an allow of everything ahead of the deny of 22.
        var acl = Acl("acl-1", false, [SubnetA], Entry(50, false, "garbage", "allow", "0.0.0.0/0"),
            Entry(90, false, "6", "deny", "0.0.0.0/0", 22, 22), Entry(100, false, "-1", "allow", "0.0.0.0/0"));
        var report = Audit(Index([], acls: [acl]));
        var ssh = report.Of("NACL.SshFromInternet").Single();
        Assert.False(ssh.Confirmed);
        Assert.Contains("entry 50", ssh.MissingData);
        // It could as well be a deny ahead of entry 100, which admits RDP; and with it everything may be admitted.
        Assert.False(report.Of("NACL.RdpFromInternet").Single().Confirmed);
        Assert.False(report.Of("NACL.AllTrafficFromInternet").Single().Confirmed);

        // Behind a deny of everything an unreadable entry changes nothing.
        var closed = Acl("acl-1", false, [SubnetA], Entry(10, false, "-1", "deny", "0.0.0.0/0"), Entry(20, false, "-1", "allow", "0.0.0.0/33"));
        Assert.DoesNotContain(Audit(Index([], acls: [closed])).Findings, f => f.CheckId.StartsWith("NACL.", StringComparison.Ordinal));
        // After the entry that opens the port it cannot take the finding back.
        var open = Acl("acl-1", false, [SubnetA], Entry(10, false, "-1", "allow", "0.0.0.0/0"), Entry(20, false, "garbage", "deny", "0.0.0.0/0"));
        Assert.All(Audit(Index([], acls: [open])).Findings.Where(f => f.CheckId.StartsWith("NACL.", StringComparison.Ordinal)), f => Assert.True(f.Confirmed));
    }

    [Fact]
    public void A_nacl_entry_whose_cidr_is_of_the_other_family_may_open_either_family()
    {
        // "::/0" in CidrBlock: which family the allow of 22 was meant for cannot be told (SnapshotIndex.RulesOf puts it in
        // both lists), so neither family's SSH is proven closed.
        var acl = Acl("acl-1", false, [SubnetA], Entry(50, false, "6", "allow", "0.0.0.0/0", 22, 22) with { CidrBlock = "::/0" });
        var ssh = Audit(Index([], acls: [acl])).Of("NACL.SshFromInternet").ToArray();
        Assert.Equal(["0.0.0.0/0", "::/0"], ssh.Select(f => f.Source).Order(StringComparer.Ordinal));
        Assert.All(ssh, f => Assert.Contains("entry 50", f.MissingData));
    }

    [Fact]
    public void A_complete_snapshot_gives_confirmed_findings()
    {
        var report = Audit(Index([Sg("sg-x", Tcp(22, 22, "0.0.0.0/0"))], [Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x")]));
        Assert.All(report.Findings, f => Assert.True(f.Confirmed, f.CheckId));
        Assert.False(report.IsIncomplete());
        Assert.True(report.HasConfirmed(Severity.Critical));
    }

    [Fact]
    public void An_outbound_rule_that_cannot_be_read_may_allow_everything_out()
    {
        var unreadable = Sg("sg-x") with { IpPermissionsEgress = [Perm("garbage", null, null, "0.0.0.0/0")] };
        var unknownList = Sg("sg-y") with { IpPermissionsEgress = [Perm("-1", null, null, "pl-9")] };
        var report = Audit(Index([unreadable, unknownList]));
        var x = report.Of("SG.EgressAllToAnywhere", "sg-x").Single();
        Assert.False(x.Confirmed);
        Assert.Contains("'garbage'", x.MissingData);
        Assert.All(report.Of("SG.EgressAllToAnywhere", "sg-y"), f => Assert.Contains("pl-9", f.MissingData));
        Assert.Equal(2, report.Of("SG.EgressAllToAnywhere", "sg-y").Length); // the list's family is unknown: IPv4 and IPv6
    }
}
