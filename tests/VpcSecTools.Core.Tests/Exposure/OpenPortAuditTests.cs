using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Exposure.AuditNet;

namespace VpcSecTools.Tests.Exposure;

/// <summary>Each check fires on a minimal case and stays silent on its near miss.</summary>
public class OpenPortAuditTests
{
    private static AuditReport One(params IpPermission[] ingress) => Audit(Index([Sg("sg-x", ingress)]));

    [Fact]
    public void AllTrafficFromTheInternetIsFlaggedForProtocolAllAndForTheFullTcpRange()
    {
        var all = One(All("0.0.0.0/0")).Of("SG.AllTrafficFromInternet").Single();
        Assert.Equal("all", all.Protocol);
        Assert.Equal("IpPermissions[0].IpRanges[0]", all.Rule);
        Assert.Equal("0.0.0.0/0", all.Source);
        Assert.Single(One(Tcp(0, 65535, "0.0.0.0/0")).Of("SG.AllTrafficFromInternet"));
        Assert.Empty(One(All("10.0.0.0/8")).Of("SG.AllTrafficFromInternet"));
        Assert.Empty(One(Tcp(0, 65534, "0.0.0.0/0")).Of("SG.AllTrafficFromInternet"));
    }

    [Fact]
    public void APortRangeOpensSshAndAPrivateSourceDoesNot()
    {
        var ssh = One(Tcp(0, 1024, "0.0.0.0/0")).Of("SG.SshFromInternet").Single();
        Assert.Equal("22", ssh.Ports);
        Assert.Contains("0-1024", ssh.Detail);
        Assert.Empty(One(Tcp(22, 22, "10.0.0.0/8")).Of("SG.SshFromInternet"));
        Assert.Empty(One(Tcp(23, 1024, "0.0.0.0/0")).Of("SG.SshFromInternet"));
    }

    [Theory]
    [InlineData("udp", 22, "SG.SshFromInternet")]
    [InlineData("tcp", 3389, "SG.RdpFromInternet")]
    [InlineData("udp", 3389, "SG.RdpFromInternet")]
    [InlineData("-1", null, "SG.SshFromInternet")]
    [InlineData("-1", null, "SG.RdpFromInternet")]
    [InlineData("6", 22, "SG.SshFromInternet")]
    public void SshAndRdpCountTcpUdpAndAllProtocolRules(string protocol, int? port, string check)
    {
        Assert.Single(One(Perm(protocol, port, port, "0.0.0.0/0")).Of(check));
        Assert.Empty(One(Perm(protocol, port, port, "192.168.0.0/16")).Of(check));
    }

    [Fact]
    public void SplitHalvesCoverTheInternet()
    {
        var ssh = One(Tcp(22, 22, "0.0.0.0/1", "128.0.0.0/1")).Of("SG.SshFromInternet").Single();
        Assert.Equal("0.0.0.0/1 + 128.0.0.0/1", ssh.Source);
        Assert.Contains("IpRanges[1]", ssh.Rule);
        // Halves in two permissions of one group count too.
        Assert.Single(One(Tcp(22, 22, "0.0.0.0/1"), Tcp(0, 100, "128.0.0.0/1")).Of("SG.SshFromInternet"));
        // One half alone is wide, not the internet.
        var half = One(Tcp(22, 22, "0.0.0.0/1"));
        Assert.Empty(half.Of("SG.SshFromInternet"));
        Assert.Single(half.Of("SG.WidePublicCidr"));
    }

    [Fact]
    public void TheEvidenceOfSplitRangesNamesOnlyTheRulesThatHoldInternetAddresses()
    {
        // 169.254.0.0/16 is link-local: it takes part in covering the address space, but admits no internet host.
        var ssh = One(Tcp(22, 22, "0.0.0.0/1", "128.0.0.0/1", "169.254.0.0/16")).Of("SG.SshFromInternet").Single();
        Assert.Equal("0.0.0.0/1 + 128.0.0.0/1", ssh.Source);
    }

    [Fact]
    public void AnIpv6OnlyOpeningIsFlaggedWithParity()
    {
        var report = One(Tcp(22, 22, "::/0"));
        Assert.Equal("::/0", report.Of("SG.SshFromInternet").Single().Source);
        Assert.Contains("IPv6", report.Of("SG.Ipv6ParityOpenOnIpv6").Single().Detail);
        Assert.Empty(One(Tcp(22, 22, "::/0", "0.0.0.0/0")).Of("SG.Ipv6ParityOpenOnIpv6"));
        Assert.Single(One(Tcp(22, 22, "8000::/1", "::/1")).Of("SG.SshFromInternet"));
    }

    [Fact]
    public void Ipv4OnlyOpeningIsFlaggedOnlyInADualStackVpc()
    {
        Assert.Single(Audit(Index([Sg("sg-x", Tcp(443, 443, "0.0.0.0/0"))], dualStack: true)).Of("SG.Ipv6ParityOpenOnIpv4"));
        Assert.Empty(Audit(Index([Sg("sg-x", Tcp(443, 443, "0.0.0.0/0"))])).Of("SG.Ipv6ParityOpenOnIpv4"));
    }

    [Fact]
    public void PrefixListsCountByTheirEntriesAndUnknownEntriesSayUnknown()
    {
        PrefixListEntries halves = new() { PrefixListId = "pl-1", Entries = [new() { Cidr = "0.0.0.0/1" }, new() { Cidr = "128.0.0.0/1" }] };
        var report = Audit(Index([Sg("sg-x", Tcp(22, 22, "pl-1"))], prefixLists: [halves]));
        Assert.Equal("pl-1", report.Of("SG.SshFromInternet").Single().Source);
        // Entries not captured: the rule is judged by its worst case, the whole internet, and nothing is confirmed.
        var unknown = Audit(Index([Sg("sg-x", Tcp(22, 22, "pl-2"))], prefixLists: [halves]));
        Assert.All(unknown.Of("SG.SshFromInternet"), f => Assert.False(f.Confirmed));
        Assert.NotEmpty(unknown.Of("SG.SshFromInternet"));
        Assert.Contains("Unknown", unknown.Of("SG.PrefixListEntriesUnknown").Single().Detail);
    }

    [Fact]
    public void GroupsOnOneEniAddUpToTheInternet()
    {
        SecurityGroup a = Sg("sg-a", Tcp(22, 22, "0.0.0.0/1")), b = Sg("sg-b", Tcp(22, 22, "128.0.0.0/1"));
        var together = Audit(Index([a, b], [Eni("eni-1", "10.0.1.10", "54.0.0.1", "sg-a", "sg-b")]));
        var combined = together.Of("SG.CombinedGroupsOpenToInternet").Single();
        Assert.Equal("sg-a", combined.ResourceId);
        Assert.Equal(["sg-b"], combined.RelatedGroupIds);
        Assert.Equal(ExposureVerdict.Reachable, combined.Exposure!.Verdict);
        var apart = Audit(Index([a, b], [Eni("eni-1", "10.0.1.10", null, "sg-a"), Eni("eni-2", "10.0.1.11", null, "sg-b")]));
        Assert.Empty(apart.Of("SG.CombinedGroupsOpenToInternet"));
    }

    [Fact]
    public void PortsOutsideTheAllowListAreListed()
    {
        Assert.Empty(One(Tcp(443, 443, "0.0.0.0/0")).Of("SG.PortOutsideAllowList"));
        Assert.Equal("8443", One(Tcp(8443, 8443, "0.0.0.0/0")).Of("SG.PortOutsideAllowList").Single().Ports);
        Assert.Equal("81-442", One(Tcp(80, 443, "0.0.0.0/0")).Of("SG.PortOutsideAllowList").Single().Ports);
        var custom = Audit(Index([Sg("sg-x", Tcp(8443, 8443, "0.0.0.0/0"))]), new AuditOptions { AllowedPorts = [8443] });
        Assert.Empty(custom.Of("SG.PortOutsideAllowList"));
    }

    [Fact]
    public void HighRiskListsAreConfigurable()
    {
        Assert.Equal("3306", One(Tcp(3306, 3306, "0.0.0.0/0")).Of("SG.HighRiskPortFromInternet").Single().Ports);
        Assert.Equal("6379", One(Tcp(6379, 6379, "0.0.0.0/0")).Of("SG.ExtendedHighRiskPortFromInternet").Single().Ports);
        var plain = One(Tcp(8443, 8443, "0.0.0.0/0"));
        Assert.Empty(plain.Of("SG.HighRiskPortFromInternet"));
        Assert.Empty(plain.Of("SG.ExtendedHighRiskPortFromInternet"));
        var custom = Audit(Index([Sg("sg-x", Tcp(8443, 8443, "0.0.0.0/0"))]), new AuditOptions { HighRiskPorts = [8443] });
        Assert.Single(custom.Of("SG.HighRiskPortFromInternet"));
    }

    [Fact]
    public void WidePublicCidrsAndSinglePublicAddressesOnEveryPort()
    {
        Assert.Single(One(Tcp(443, 443, "52.0.0.0/16")).Of("SG.WidePublicCidr"));
        Assert.Empty(One(Tcp(443, 443, "52.0.0.0/24")).Of("SG.WidePublicCidr"));
        Assert.Empty(One(Tcp(443, 443, "10.0.0.0/8")).Of("SG.WidePublicCidr"));
        Assert.Single(One(All("198.51.100.7/32")).Of("SG.PublicIpAnyPort"));
        Assert.Single(One(Tcp(0, 65535, "198.51.100.7/32")).Of("SG.PublicIpAnyPort"));
        Assert.Empty(One(Tcp(443, 443, "198.51.100.7/32")).Of("SG.PublicIpAnyPort"));
        Assert.Empty(One(All("10.1.2.3/32")).Of("SG.PublicIpAnyPort"));
    }

    [Fact]
    public void WidePortRangesFollowTheThreshold()
    {
        Assert.Equal("1000-2000", One(Tcp(1000, 2000, "10.0.0.0/8")).Of("SG.WidePortRange").Single().Ports);
        Assert.Empty(One(Tcp(8000, 8005, "10.0.0.0/8")).Of("SG.WidePortRange"));
        Assert.Empty(One(Tcp(1000, 2000, "sg-other")).Of("SG.WidePortRange"));
        Assert.Single(Audit(Index([Sg("sg-x", Tcp(8000, 8005, "10.0.0.0/8"))]), new AuditOptions { WidePortRangeThreshold = 3 }).Of("SG.WidePortRange"));
    }

    [Fact]
    public void DefaultGroupWithRulesAndUnusedGroups()
    {
        var withRules = Sg("sg-d", All("sg-d")) with { GroupName = "default" };
        var empty = Sg("sg-e") with { GroupName = "default", VpcId = "vpc-2" };
        var used = Sg("sg-used");
        var referenced = Sg("sg-ref");
        var referrer = Sg("sg-referrer", Tcp(5432, 5432, "sg-ref"));
        var report = Audit(Index([withRules, empty, used, referenced, referrer], [Eni("eni-1", "10.0.1.10", null, "sg-used", "sg-referrer")]));
        Assert.Single(report.Of("SG.DefaultGroupHasRules"));
        Assert.Equal("sg-d", report.Of("SG.DefaultGroupHasRules")[0].ResourceId);
        Assert.Empty(report.Of("SG.Unused", "sg-used"));
        Assert.Empty(report.Of("SG.Unused", "sg-ref"));
        Assert.Empty(report.Of("SG.Unused", "sg-d"));
        var lonely = Audit(Index([Sg("sg-lonely")])).Of("SG.Unused").Single();
        Assert.Contains("Lambda", lonely.Detail);
        // Without ENIs captured, unused is Unknown: no finding, and the audit says the check did not run.
        var unknown = Audit(Index([Sg("sg-lonely")], missing: [Section.NetworkInterfaces]));
        Assert.Empty(unknown.Of("SG.Unused"));
        Assert.Contains("SG.Unused", unknown.Of("Audit.ChecksNotRun").Single().ChecksNotRun);
    }

    [Fact]
    public void EgressAllToAnywhereIsInformational()
    {
        var open = Sg("sg-x") with { IpPermissionsEgress = [All("0.0.0.0/0")] };
        var tight = Sg("sg-y") with { IpPermissionsEgress = [Tcp(443, 443, "0.0.0.0/0")] };
        var report = Audit(Index([open, tight]));
        Assert.Equal(Severity.Informational, report.Of("SG.EgressAllToAnywhere", "sg-x").Single().Severity);
        Assert.Empty(report.Of("SG.EgressAllToAnywhere", "sg-y"));
    }

    [Fact]
    public void PrivateCidrThatIsExactlyOneGroupSuggestsTheReference()
    {
        var app = Sg("sg-app");
        var db = Sg("sg-db", Tcp(5432, 5432, "10.0.1.10/31"));
        var enis = new[] { Eni("eni-1", "10.0.1.10", null, "sg-app"), Eni("eni-2", "10.0.1.11", null, "sg-app"), Eni("eni-3", "10.0.1.12", null, "sg-db") };
        var hit = Audit(Index([app, db], enis)).Of("SG.CidrMatchesGroup").Single();
        Assert.Equal(["sg-app"], hit.RelatedGroupIds);
        var wider = Sg("sg-db", Tcp(5432, 5432, "10.0.1.8/29"));
        Assert.Empty(Audit(Index([app, wider], enis)).Of("SG.CidrMatchesGroup"));
    }

    [Fact]
    public void PortHygieneChecksAreLowAndCanBeTurnedOff()
    {
        var bastion = Sg("sg-b") with { GroupName = "bastion-hosts" };
        var app = Sg("sg-app", Tcp(22, 22, "10.0.0.0/8"), Tcp(5432, 5432, "10.0.0.0/16"), Tcp(9000, 9000, "10.0.0.0/16"));
        var web = Sg("sg-web", Tcp(22, 22, "sg-b"), Tcp(5432, 5432, "sg-app"), Tcp(9000, 9000, "10.0.0.0/16"));
        var batch = Sg("sg-batch", Tcp(9000, 9000, "10.0.0.0/16"));
        var report = Audit(Index([bastion, app, web, batch]));
        Assert.Equal(Severity.Low, report.Of("Hygiene.AdminPortNotFromBastion", "sg-app").Single().Severity);
        Assert.Empty(report.Of("Hygiene.AdminPortNotFromBastion", "sg-web"));
        Assert.Equal("5432", report.Of("Hygiene.DefaultServicePort", "sg-app").Single().Ports);
        Assert.Empty(report.Of("Hygiene.DefaultServicePort", "sg-web"));
        // All three open 9000; sg-web references sg-app, so only sg-batch is unrelated to either.
        var shared = report.Of("Hygiene.PortSharedByTiers", "sg-app").Single();
        Assert.Equal("9000", shared.Ports);
        Assert.Equal(["sg-batch"], shared.RelatedGroupIds);
        Assert.Equal(["sg-app", "sg-web"], report.Of("Hygiene.PortSharedByTiers", "sg-batch").Single().RelatedGroupIds);
        var off = Audit(Index([bastion, app, web]), new AuditOptions { PortHygiene = false });
        Assert.DoesNotContain(off.Findings, f => f.CheckId.StartsWith("Hygiene."));
    }

    [Fact]
    public void NaclDenyAtNinetyShadowsAllowAtHundred()
    {
        NetworkAcl Nacl(int denyAt) => Acl("acl-1", false, [SubnetA],
            Entry(denyAt, false, "6", "deny", "0.0.0.0/0", 22, 22), Entry(100, false, "6", "allow", "0.0.0.0/0", 0, 1024));
        var shadowed = Audit(Index([], acls: [Nacl(90)]));
        Assert.Empty(shadowed.Of("NACL.SshFromInternet"));
        var open = Audit(Index([], acls: [Nacl(110)])).Of("NACL.SshFromInternet").Single();
        Assert.Equal("ingress entry 100", open.Rule);
        Assert.Equal(100, open.RuleIndex);
        // A deny of one address ahead of the allow leaves the port open to the rest of the internet.
        var narrow = Acl("acl-1", false, [SubnetA], Entry(90, false, "6", "deny", "203.0.113.9/32", 22, 22), Entry(100, false, "-1", "allow", "0.0.0.0/0"));
        var narrowReport = Audit(Index([], acls: [narrow]));
        Assert.Single(narrowReport.Of("NACL.SshFromInternet"));
        Assert.Contains("entry 90 denies 203.0.113.9/32", narrowReport.Of("NACL.SshFromInternet")[0].Detail);
    }

    [Fact]
    public void NaclAllTrafficRdpAndUnused()
    {
        var report = Audit(Index([], acls: [AllowAll(), Acl("acl-spare", false, [])]));
        Assert.Equal(2, report.Of("NACL.AllTrafficFromInternet", "acl-default").Length); // IPv4 and IPv6 entries
        Assert.Single(report.Of("NACL.Unused", "acl-spare"));
        Assert.Empty(report.Of("NACL.Unused", "acl-default"));
        var rdp = Acl("acl-1", false, [SubnetA], Entry(100, false, "6", "allow", "0.0.0.0/0", 3389, 3389));
        var r = Audit(Index([], acls: [rdp]));
        Assert.Single(r.Of("NACL.RdpFromInternet"));
        Assert.Empty(r.Of("NACL.AllTrafficFromInternet"));
        Assert.Empty(r.Of("NACL.SshFromInternet"));
    }

    [Fact]
    public void ExposureSetsSeverityLikeProwler()
    {
        var sg = Sg("sg-x", Tcp(22, 22, "0.0.0.0/0"));
        Finding Ssh(SnapshotIndex index) => Audit(index).Of("SG.SshFromInternet").Single();

        var reachable = Ssh(Index([sg], [Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x"), Eni("eni-priv", "10.0.1.11", null, "sg-x")]));
        Assert.Equal(Severity.Critical, reachable.Severity);
        Assert.Equal("Reachable", reachable.ExposureVerdict);
        var exposed = Assert.Single(reachable.Exposure!.Exposed);
        Assert.Equal(("eni-pub", "i-pub", "54.1.2.3"), (exposed.NetworkInterfaceId, exposed.Owner, exposed.PublicAddress));
        Assert.Contains("igw-1", exposed.Route);

        Assert.Equal(Severity.Medium, Ssh(Index([sg], [Eni("eni-priv", "10.0.1.11", null, "sg-x")])).Severity);
        var noRoute = Ssh(Index([sg], [Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x")], igwRoute: false));
        Assert.Equal((Severity.High, "PublicIpNotReachable"), (noRoute.Severity, noRoute.ExposureVerdict));
        var notAttached = Ssh(Index([sg]));
        Assert.Equal((Severity.High, "NotAttached"), (notAttached.Severity, notAttached.ExposureVerdict));
        // An exposure that cannot be decided ranks as its worst case, unconfirmed.
        var unknown = Ssh(Index([sg], [Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x")], missing: [Section.NetworkAcls]));
        Assert.Equal((Severity.Critical, "Unknown", false), (unknown.Severity, unknown.ExposureVerdict, unknown.Confirmed));
    }

    [Fact]
    public void ExposureNeedsTheNaclBothWays()
    {
        var sg = Sg("sg-x", Tcp(22, 22, "0.0.0.0/0"));
        var eni = Eni("eni-pub", "10.0.1.10", "54.1.2.3", "sg-x");
        var inDenied = Acl("acl-1", false, [SubnetA], Entry(90, false, "6", "deny", "0.0.0.0/0", 22, 22),
            Entry(100, false, "-1", "allow", "0.0.0.0/0"), Entry(100, true, "-1", "allow", "0.0.0.0/0"));
        Assert.Equal("PublicIpNotReachable", Audit(Index([sg], [eni], [inDenied])).Of("SG.SshFromInternet").Single().ExposureVerdict);
        var noResponse = Acl("acl-1", false, [SubnetA], Entry(100, false, "-1", "allow", "0.0.0.0/0"), Entry(100, true, "6", "allow", "0.0.0.0/0", 443, 443));
        Assert.Equal("PublicIpNotReachable", Audit(Index([sg], [eni], [noResponse])).Of("SG.SshFromInternet").Single().ExposureVerdict);
        var linuxOnly = Acl("acl-1", false, [SubnetA], Entry(100, false, "-1", "allow", "0.0.0.0/0"), Entry(100, true, "6", "allow", "0.0.0.0/0", 32768, 60999));
        var f = Audit(Index([sg], [eni], [linuxOnly])).Of("SG.SshFromInternet").Single();
        Assert.Equal("Reachable", f.ExposureVerdict);
        Assert.Contains("Linux 32768-60999: Reachable", f.Exposure!.NetworkInterfaces[0].NetworkAcl);
        Assert.Contains("Windows 49152-65535: NotReachable", f.Exposure!.NetworkInterfaces[0].NetworkAcl);
    }

    [Fact]
    public void AllowListsSuppressWithoutHiding()
    {
        var index = Index([Sg("sg-x", Tcp(443, 443, "52.0.0.0/16"), Tcp(22, 22, "0.0.0.0/0"))]);
        var options = new AuditOptions
        {
            AllowedCidrs = [new AllowedCidr(VpcSecTools.Net.Cidr.Parse("52.0.0.0/14"), "CDN")],
            AcceptedFindings = [new AcceptedFinding("SG.SshFromInternet", "sg-x", "break-glass host")],
        };
        var report = Audit(index, options);
        var wide = report.Of("SG.WidePublicCidr").Single();
        Assert.True(wide.Suppressed);
        Assert.Contains("CDN", wide.SuppressedBy);
        Assert.True(report.Of("SG.SshFromInternet").Single().Suppressed);
        Assert.False(report.Of("SG.HighRiskPortFromInternet").Single().Suppressed);
        Assert.DoesNotContain(report.Select(), f => f.Suppressed);
        Assert.Contains(report.Select(includeSuppressed: true), f => f.CheckId == "SG.SshFromInternet");
        Assert.All(report.Select(Severity.High), f => Assert.True(f.Severity >= Severity.High));
    }

    [Fact]
    public void AllowListFileIsReadAndBadValuesAreNamed()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("allow.json");
        File.WriteAllText(path, """
            { "AllowedCidrs": [ { "Cidr": "203.0.113.0/24", "Reason": "office" } ],
              "AcceptedFindings": [ { "CheckId": "sg.sshfrominternet", "ResourceId": "*" } ],
              "AllowedPorts": [443], "WidePortRangeThreshold": 50, "PortHygiene": false }
            """);
        var options = new AuditOptions().WithFile(path);
        Assert.Equal("203.0.113.0/24", options.AllowedCidrs.Single().Cidr.ToString());
        Assert.Equal("SG.SshFromInternet", options.AcceptedFindings.Single().CheckId);
        Assert.Equal([443], options.AllowedPorts);
        Assert.Equal(50, options.WidePortRangeThreshold);
        Assert.False(options.PortHygiene);

        File.WriteAllText(path, """{ "AllowedCidrs": [ { "Cidr": "203.0.113.300/24" } ] }""");
        Assert.Contains("203.0.113.300/24", Assert.Throws<FormatException>(() => new AuditOptions().WithFile(path)).Message);
        File.WriteAllText(path, """{ "AcceptedFindings": [ { "CheckId": "SG.Nope", "ResourceId": "sg-1" } ] }""");
        Assert.Contains("SG.Nope", Assert.Throws<FormatException>(() => new AuditOptions().WithFile(path)).Message);
        File.WriteAllText(path, """{ "AllowedPorts": [70000] }""");
        Assert.Contains("70000", Assert.Throws<FormatException>(() => new AuditOptions().WithFile(path)).Message);
    }

    [Fact]
    public void ScopeLimitsTheAudit()
    {
        var index = Index([Sg("sg-x", Tcp(22, 22, "0.0.0.0/0")), Sg("sg-y", Tcp(22, 22, "0.0.0.0/0"))]);
        var report = OpenPortAudit.Run(index, scope: new AuditScope { GroupIds = ["sg-y"] });
        Assert.All(report.Findings, f => Assert.Equal("sg-y", f.ResourceId));
        Assert.Empty(OpenPortAudit.Run(index, scope: new AuditScope { VpcIds = ["vpc-other"] }).Findings);
    }

    [Fact]
    public void Every_check_is_reported_by_exactly_one_unit()
    {
        var reported = OpenPortAudit.Units.SelectMany(u => u.Reports).Append(Checks.ChecksNotRun).Select(c => c.Id).ToArray();
        Assert.Equal(Checks.All.Select(c => c.Id).Order(), reported.Order());
    }
}
