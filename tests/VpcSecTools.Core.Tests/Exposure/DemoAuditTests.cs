using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Exposure;

/// <summary>The demo network against the ground truth of samples/demo/expected.json (overly_open_rules, nacl_findings, not_findings).</summary>
public class DemoAuditTests
{
    private static readonly Lazy<AuditReport> Report = new(() =>
        OpenPortAudit.Run(new SnapshotIndex(SnapshotLoader.Load(Path.Combine(TestPaths.Demo, "aws_configs")))));

    [Fact]
    public void LegacyAdminSshRdpAndIpv6OnlyHighRiskPortAreReachableAndCritical()
    {
        var r = Report.Value;
        const string legacy = "sg-04ce5d4dc299e624b";
        foreach (var check in new[] { "SG.SshFromInternet", "SG.RdpFromInternet" })
        {
            var f = r.Of(check, legacy).Single();
            Assert.Equal((Severity.Critical, "Reachable", "0.0.0.0/0"), (f.Severity, f.ExposureVerdict, f.Source));
        }
        var v6 = r.Of("SG.HighRiskPortFromInternet", legacy).Single(f => f.Ports == "8080");
        Assert.Equal(("::/0", "Reachable"), (v6.Source, v6.ExposureVerdict));
        Assert.Equal("8080", r.Of("SG.Ipv6ParityOpenOnIpv6", legacy).Single().Ports);
    }

    [Fact]
    public void DefaultGroupUnusedGroupAndDefaultNaclAreFlagged()
    {
        var r = Report.Value;
        Assert.Single(r.Of("SG.DefaultGroupHasRules", "sg-0893132dd87c6c949"));
        Assert.Single(r.Of("SG.Unused"));
        Assert.Single(r.Of("SG.Unused", "sg-03b42c4d8a4e091f7"));
        foreach (var check in new[] { "NACL.AllTrafficFromInternet", "NACL.SshFromInternet", "NACL.RdpFromInternet" })
            Assert.Equal(["0.0.0.0/0", "::/0"], r.Of(check, "acl-03e400625f4e9af8c").Select(f => f.Source ?? "").Order(StringComparer.Ordinal).ToArray());
    }

    /// <summary>A reference written as the console writes another account's group (<c>account/sg-…</c>) uses that group, as reachability reads it.</summary>
    [Fact]
    public void A_group_referenced_as_account_slash_group_is_not_unused()
    {
        const string unused = "sg-03b42c4d8a4e091f7", db = "sg-0c57b8d1b915ea066";
        var r = DemoNetwork.AuditWith(region => region with
        {
            SecurityGroups = region.SecurityGroups.Select(g => g.GroupId != db ? g : g with
            {
                IpPermissions = [.. g.IpPermissions, new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, UserIdGroupPairs = [new UserIdGroupPair { GroupId = $"111122223333/{unused}" }] }],
            }).ToArray(),
        });
        Assert.Empty(r.Of("SG.Unused", unused));
    }

    [Fact]
    public void A_reference_naming_no_readable_group_leaves_unused_groups_unconfirmed()
    {
        const string unused = "sg-03b42c4d8a4e091f7", db = "sg-0c57b8d1b915ea066";
        Assert.True(Report.Value.Of("SG.Unused", unused).Single().Confirmed);
        var r = DemoNetwork.AuditWith(region => region with
        {
            SecurityGroups = region.SecurityGroups.Select(g => g.GroupId != db ? g : g with
            {
                IpPermissions = [.. g.IpPermissions, new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, UserIdGroupPairs = [new UserIdGroupPair { GroupId = "a/b/c" }] }],
            }).ToArray(),
        });
        var f = r.Of("SG.Unused", unused).Single();
        Assert.False(f.Confirmed);
        Assert.Contains($"'a/b/c' in {db}", f.MissingData);
    }

    /// <summary>expected.json's ratings of the legacy host's internet rules and the default group, against the audit's.</summary>
    [Fact]
    public void Severities_match_the_ground_truth()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json")));
        var rated = doc.RootElement.GetProperty("overly_open_rules").EnumerateArray()
            .Select(e => (Group: e.GetProperty("group").GetString()!, Rule: e.GetProperty("rule").GetString()!, Severity: e.GetProperty("severity").GetString()!)).ToList();
        var r = Report.Value;
        int compared = 0;
        foreach (var (group, rule, severity) in rated)
        {
            var m = System.Text.RegularExpressions.Regex.Match(rule, @"^tcp (\d+) from (\S+)$");
            var audit = m.Success
                ? r.Findings.Where(f => f.ResourceId == group && f.Ports == m.Groups[1].Value && f.Source == m.Groups[2].Value)
                : r.Of("SG.DefaultGroupHasRules", group);
            var findings = audit.ToList();
            if (findings.Count == 0 || (m.Success && !m.Groups[2].Value.EndsWith("/0", StringComparison.Ordinal))) continue;
            Assert.Equal(severity, findings.Max(f => f.Severity).ToString().ToUpperInvariant());
            compared++;
        }
        Assert.Equal(4, compared);
    }

    [Fact]
    public void NotFindingsStayQuiet()
    {
        var r = Report.Value;
        // The ALB's 80/443 from the internet is allow-listed by default.
        Assert.DoesNotContain(r.Findings, f => f.ResourceId == "sg-0fc75055f4ebf4a00" && f.CheckId.StartsWith("SG.", StringComparison.Ordinal) && f.Exposure is not null);
        // A private deny ahead of a private allow is ordering, not an internet exposure.
        Assert.DoesNotContain(r.Findings, f => f.ResourceId == "acl-001e1520cf164ff6c");
        // Self-references of default groups are not admin paths.
        Assert.DoesNotContain(r.Findings, f => f.CheckId == "Hygiene.AdminPortNotFromBastion" && f.Source == f.ResourceId);
    }
}
