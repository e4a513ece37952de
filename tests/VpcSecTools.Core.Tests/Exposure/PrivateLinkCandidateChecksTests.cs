using VpcSecTools.Exposure;
using static VpcSecTools.Tests.Exposure.DemoNetwork;

namespace VpcSecTools.Tests.Exposure;

/// <summary>Design.PrivateLinkCandidate on the demo (expected.json privatelink_candidates) and on changed copies of it.</summary>
public class PrivateLinkCandidateChecksTests
{
    [Fact]
    public void The_candidates_are_the_single_port_services_the_peer_reaches_across_the_peering()
    {
        var expected = Expected.GetProperty("privatelink_candidates").EnumerateArray().ToArray();
        var found = Audit.Of("Design.PrivateLinkCandidate");
        Assert.Equal(expected.Select(e => $"{e.GetProperty("group").GetString()}/{e.GetProperty("port").GetInt32()}").Order(StringComparer.Ordinal),
            found.Select(f => $"{f.ResourceId}/{f.Ports}").Order(StringComparer.Ordinal));
        Assert.All(found, f => Assert.Equal((Severity.Informational, true, "tcp"), (f.Severity, f.Confirmed, f.Protocol)));
        foreach (var e in expected)
        {
            var f = found.Single(x => x.ResourceId == e.GetProperty("group").GetString() && x.Ports == e.GetProperty("port").GetInt32().ToString());
            Assert.Contains(e.GetProperty("via").GetString()!, f.Detail);
            // Every instance the ground truth finds reaching it is counted, and named when they are few (five are shown).
            var reaching = e.GetProperty("instances_reaching").EnumerateArray().Select(x => x.GetString()!).ToArray();
            var counted = int.Parse(System.Text.RegularExpressions.Regex.Match(f.Detail, @"^(\d+) interface\(s\) of").Groups[1].Value);
            Assert.True(counted >= reaching.Length, f.Detail);
            if (counted <= 5) Assert.All(reaching, i => Assert.Contains(i, f.Detail));
        }
    }

    [Fact]
    public void The_database_candidate_says_what_exposure_would_go_and_what_else_the_peering_carries()
    {
        var f = Audit.Of("Design.PrivateLinkCandidate", Id("sg", "db")).Single();
        Assert.Equal("10.100.0.0/16", f.Source);
        Assert.Contains("admits 10.100.0.0/16 (65,536 addresses)", f.Detail);
        Assert.Contains(Id("instance", "monitoring"), f.Detail);
        Assert.Contains("also carries", f.Detail);
        Assert.Contains("tcp 9100 to prod-app-sg", f.Detail);
    }

    [Fact]
    public void A_peering_that_is_not_active_offers_no_candidates()
    {
        var pcx = Id("pcx");
        var report = AuditWith(r => r with
        {
            VpcPeeringConnections = r.VpcPeeringConnections.Select(p => p.VpcPeeringConnectionId != pcx ? p : p with { Status = new VpcSecTools.Snapshot.PeeringStatus { Code = "deleted" } }).ToArray(),
        });
        Assert.Empty(report.Of("Design.PrivateLinkCandidate"));
    }

    [Fact]
    public void A_peer_whose_interfaces_the_snapshot_lacks_gives_unconfirmed_candidates_for_the_rules_that_admit_it()
    {
        var shared = Id("vpc", "shared");
        var report = AuditWith(r => r with
        {
            Vpcs = r.Vpcs.Where(v => v.VpcId != shared).ToArray(),
            NetworkInterfaces = r.NetworkInterfaces.Where(e => e.VpcId != shared).ToArray(),
            SecurityGroups = r.SecurityGroups.Where(g => g.VpcId != shared).ToArray(),
        });
        var found = report.Of("Design.PrivateLinkCandidate");
        Assert.Equal([$"{Id("sg", "app")}/9100", $"{Id("sg", "db")}/5432"], found.Select(f => $"{f.ResourceId}/{f.Ports}").Order(StringComparer.Ordinal));
        Assert.All(found, f => Assert.False(f.Confirmed));
        Assert.All(found, f => Assert.Contains($"the interfaces of {shared}", f.MissingData));
    }
}
