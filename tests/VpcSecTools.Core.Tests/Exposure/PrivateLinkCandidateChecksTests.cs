using System.Text.Json;
using VpcSecTools.Cli.Commands;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;
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

    [Theory]
    [InlineData("0.0.0.0/33")]
    [InlineData("monitoring")]
    public void A_damaged_interface_id_does_not_change_the_candidates(string damaged)
    {
        // The checks hold the interface: its id is never read back as text (an address-like id threw; an instance's id
        // would have asked about that instance's interface instead). Found by the snapshot fuzzer.
        var db = DemoIndex.EnisInGroup(Id("sg", "db")).First().NetworkInterfaceId;
        var id = damaged == "monitoring" ? Id("instance", "monitoring") : damaged;
        var report = AuditWith(r => r with
        {
            NetworkInterfaces = r.NetworkInterfaces.Select(e => e.NetworkInterfaceId != db ? e : e with { NetworkInterfaceId = id }).ToArray(),
        });
        // The same findings, word for word, but for the interface's name.
        Assert.Equal(Audit.Of("Design.PrivateLinkCandidate").Select(f => (f.ResourceId, f.Ports, f.Confirmed, f.Detail.Replace(db, id))).Order(),
            report.Of("Design.PrivateLinkCandidate").Select(f => (f.ResourceId, f.Ports, f.Confirmed, f.Detail)).Order());
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
    public void A_peering_state_read_as_the_index_reads_it_gives_the_same_candidates()
    {
        // "Active" is active to reachability (ResourceState compares without case): the check read the code itself and found nothing.
        var pcx = Id("pcx");
        var report = AuditWith(r => r with
        {
            VpcPeeringConnections = r.VpcPeeringConnections.Select(p => p.VpcPeeringConnectionId != pcx ? p : p with { Status = new PeeringStatus { Code = "Active" } }).ToArray(),
        });
        Assert.Equal(Audit.Of("Design.PrivateLinkCandidate").Select(f => (f.ResourceId, f.Ports, f.Confirmed, f.Detail)).Order(),
            report.Of("Design.PrivateLinkCandidate").Select(f => (f.ResourceId, f.Ports, f.Confirmed, f.Detail)).Order());
    }

    [Fact]
    public void A_peering_whose_state_is_missing_gives_candidates_with_missing_data_not_none()
    {
        var pcx = Id("pcx");
        var report = AuditWith(r => r with
        {
            VpcPeeringConnections = r.VpcPeeringConnections.Select(p => p.VpcPeeringConnectionId != pcx ? p : p with { Status = null }).ToArray(),
        });
        var found = report.Of("Design.PrivateLinkCandidate");
        Assert.Equal(Audit.Of("Design.PrivateLinkCandidate").Select(f => (f.ResourceId, f.Ports)).Order(), found.Select(f => (f.ResourceId, f.Ports)).Order());
        Assert.All(found, f => Assert.Contains($"{pcx} (UNINTERPRETABLE_ENTRY)", f.MissingData));
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

    [Fact]
    public void Across_a_transit_gateway_the_candidate_is_reached_only_from_the_zone_with_an_attachment_subnet()
    {
        // The Batfish TGW capture: A (10.10/16) and B (192.168/16) attached to one transit gateway; A's attachment has a
        // subnet in us-east-2c only. B's group gains tcp 5432 from A's CIDR; the capture read no peerings (an empty section).
        var snapshot = SnapshotLoader.Load(TestPaths.Batfish("test-transit-gateway"));
        var region = snapshot.Regions.Single();
        region = region with
        {
            CapturedSections = region.CapturedSections.Append(Section.VpcPeeringConnections).ToHashSet(),
            SecurityGroups = region.SecurityGroups.Select(g => g.GroupId != "sg-065c26b39e45ae384" ? g : g with
            {
                IpPermissions = [.. g.IpPermissions, new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, IpRanges = [new IpRange { CidrIp = "10.10.0.0/16" }] }],
            }).ToArray(),
        };
        var report = OpenPortAudit.Run(new SnapshotIndex(snapshot with { Regions = [region] }));

        // Only the new rule: the SSH rules admit the whole internet, not the other VPC.
        var f = Assert.Single(report.Of("Design.PrivateLinkCandidate"));
        Assert.Equal(("sg-065c26b39e45ae384", "5432", true), (f.ResourceId, f.Ports, f.Confirmed));
        Assert.Contains("across transit gateway tgw-044be4464fcc69aff", f.Detail);
        Assert.Contains("admits 10.10.0.0/16 (65,536 addresses)", f.Detail);
        // i-06ba034d88c84ef07 (us-east-2c) reaches it; i-075e846ed41670385 (us-east-2a, no attachment subnet) cannot send.
        Assert.StartsWith("1 interface(s) of VPC A (vpc-0404e08ceddf7f650) reach tcp 5432", f.Detail);
        Assert.Contains("i-06ba034d88c84ef07", f.Detail);
        Assert.DoesNotContain("i-075e846ed41670385", f.Detail);
        Assert.DoesNotContain(report.Findings, x => x.CheckId == "Audit.ChecksNotRun" && x.Detail.Contains("Design.PrivateLinkCandidate"));
    }

    [Fact]
    public void The_flow_logs_show_which_candidates_are_in_use_as_the_generator_counted()
    {
        // The README's confirming query for each candidate: accepted tcp requests from the peer VPC to the group's
        // addresses on the port. One the day never saw is exposure nothing uses (remove it rather than publish it).
        var index = DemoIndex;
        var candidates = Expected.GetProperty("privatelink_candidates").EnumerateArray().ToArray();
        Assert.Contains(candidates, c => c.GetProperty("flow_log_requests").GetProperty("records").GetInt32() > 0);
        Assert.Contains(candidates, c => c.GetProperty("flow_log_requests").GetProperty("records").GetInt32() == 0);
        foreach (var c in candidates)
        {
            var group = c.GetProperty("group").GetString()!;
            var port = c.GetProperty("port").GetInt32();
            var addresses = index.EnisInGroup(group).SelectMany(e => e.PrivateIpAddresses.Select(a => a.PrivateIpAddress!)).ToArray();
            var remote = index.VpcCidrs(c.GetProperty("remote_vpc").GetString()!).Where(x => !x.IsIPv6).Select(x => x.ToString()).ToArray();
            var arguments = new FlowQueryArguments
            {
                SourceAddress = [string.Join(',', remote)], DestinationAddress = [string.Join(',', addresses)], DestinationPort = [port.ToString()],
                Protocol = ["tcp"], Action = ["ACCEPT"], GroupBy = ["dstport"],
            };
            var stdout = new StringWriter();
            var stderr = new StringWriter();
            Assert.Equal(0, FlowLogsCommand.RunQuery([Path.Combine(TestPaths.Demo, "flowlogs")], arguments.ToQuery(), new FlowLogReadOptions(), false, "json", stdout, stderr));
            var rows = JsonDocument.Parse(stdout.ToString()).RootElement.EnumerateArray().ToArray();
            var seen = c.GetProperty("flow_log_requests");
            Assert.Equal((seen.GetProperty("records").GetInt64(), seen.GetProperty("bytes").GetInt64()),
                (rows.Sum(r => r.GetProperty("Count").GetInt64()), rows.Sum(r => r.GetProperty("Bytes").GetInt64())));
        }
    }
}
