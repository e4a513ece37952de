using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;

namespace VpcSecTools.Tests.Routing;

/// <summary>
/// The facts the index reads once for every analysis: a VPC's transit-gateway attachments (one state filter, states read
/// without case) and the route table each is associated with, and the two sides of a peering. Reachability and the IP
/// map used to read them each their own way and disagreed; now they ask the index and give the same answer.
/// </summary>
public class NetworkFactsTests
{
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));

    private static TestNetwork TgwPair(Func<TransitGatewayAttachment, TransitGatewayAttachment> attachment, Func<TransitGatewayVpcAttachment, TransitGatewayVpcAttachment> vpcAttachment)
    {
        var n = SemanticsTests.TgwPair("disable");
        for (int i = 0; i < n.TgwAttachments.Count; i++) n.TgwAttachments[i] = attachment(n.TgwAttachments[i]);
        for (int i = 0; i < n.TgwVpcAttachments.Count; i++) n.TgwVpcAttachments[i] = vpcAttachment(n.TgwVpcAttachments[i]);
        return n;
    }

    private static (ReachabilityResult Reach, AddressAttribution IpMap) Both(TestNetwork n)
    {
        var index = n.Build();
        return (new ReachabilityAnalyzer(index).Analyze("i-a", "i-b", Traffic.Tcp(5432)), new AddressAttributor(index, Ranges).Attribute("10.1.1.20", "vpc-a"));
    }

    [Fact]
    public void An_attachment_state_is_read_without_case_by_reachability_and_the_ip_map()
    {
        var (reach, ipMap) = Both(TgwPair(a => a with { State = "Available" }, a => a with { State = "Available" }));
        Assert.True(reach.Verdict == Verdict.Reachable, reach.Explain());
        Assert.Equal(AttributionScope.TransitGateway, ipMap.Scope);
    }

    [Fact]
    public void An_attachment_that_is_not_available_carries_nothing_for_either()
    {
        var (reach, ipMap) = Both(TgwPair(a => a with { State = "pending" }, a => a with { State = "pending" }));
        ReachabilityAssert.Blocked(reach, ExplanationCodes.TgwAttachmentMissing, "tgw-1");
        Assert.Equal(AttributionScope.Unknown, ipMap.Scope);
    }

    [Fact]
    public void An_attachment_whose_association_is_not_associated_is_routed_by_no_table_for_either()
    {
        var (reach, ipMap) = Both(TgwPair(a => a with { Association = a.Association! with { State = "disassociated" } }, a => a));
        ReachabilityAssert.Blocked(reach, ExplanationCodes.NoRoute, "tgw-attach-a");
        Assert.Equal(AttributionScope.Unknown, ipMap.Scope);
        Assert.Contains("no associated transit gateway route table", ipMap.Reason);
    }

    [Fact]
    public void The_index_gives_each_vpc_its_attachments_and_their_route_tables_and_every_table_it_knows()
    {
        var index = SemanticsTests.TgwPair("disable").Build();
        var a = index.TransitGatewayAttachmentOf("tgw-1", "vpc-a")!;
        Assert.Equal(("tgw-attach-a", "tgw-rtb-1", "subnet-a"), (a.AttachmentId, a.RouteTableId, a.Details!.SubnetIds.Single()));
        Assert.Null(index.TransitGatewayAttachmentOf("tgw-2", "vpc-a"));
        Assert.Equal(["tgw-rtb-1"], index.TransitGatewayRouteTableIds);
        Assert.Equal("tgw-rtb-1", index.TransitGatewayRouteTableOf("tgw-attach-b"));
    }

    [Fact]
    public void The_index_reads_each_side_of_a_peering_once_naming_cidrs_it_cannot_read()
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16").Peering("pcx-1", "vpc-a", "vpc-b");
        n.Peerings.Add(new VpcPeeringConnection
        {
            VpcPeeringConnectionId = "pcx-2", Status = new PeeringStatus { Code = "Active" },
            RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a" },
            AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-x", CidrBlockSet = [new CidrBlockEntry { CidrBlock = "10.9.0.0/16" }, new CidrBlockEntry { CidrBlock = "10.8.0.0/33" }] },
        });
        var index = n.Build();
        var pcx1 = index.PeeringOf("pcx-1")!;
        Assert.Equal([Cidr.Parse("10.1.0.0/16")], pcx1.From("vpc-a")!.Value.Remote.Cidrs);
        var pcx2 = index.PeeringOf("pcx-2")!;
        Assert.True(pcx2.IsActive);
        // Described without CIDRs: the VPC's own associated ones; one that cannot be read is named, and may hold an address.
        Assert.Equal([Cidr.Parse("10.0.0.0/16")], pcx2.Requester.Cidrs);
        var peer = pcx2.From("vpc-a")!.Value.Remote;
        Assert.Equal("pcx-2 AccepterVpcInfo.CidrBlockSet[1].CidrBlock", $"{peer.Problems.Single().ResourceId} {peer.Problems.Single().Field}");
        Assert.True(peer.Holds(IpAddress.Parse("10.9.1.1")));
        Assert.Null(peer.Holds(IpAddress.Parse("10.8.1.1")));
    }

    [Fact]
    public void The_overlap_report_reads_peering_status_as_every_analysis_does()
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16");
        foreach (var (id, peer) in new[] { ("pcx-x", "vpc-x"), ("pcx-y", "vpc-y") })
            n.Peerings.Add(new VpcPeeringConnection
            {
                VpcPeeringConnectionId = id, Status = new PeeringStatus { Code = "Active" },
                RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", CidrBlock = "10.0.0.0/16" },
                AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = peer, CidrBlock = "10.9.0.0/16" },
            });
        var overlap = Assert.Single(CidrOverlapReport.Find(new AddressAttributor(n.Build(), Ranges)));
        Assert.Equal(("PeeredVpc", "PeeredVpc", "10.9.0.0/16"), (overlap.SourceKind, overlap.OtherSourceKind, overlap.Overlap));
        Assert.Equal(["vpc-a"], overlap.SeenFrom);
    }

    [Fact]
    public void A_peering_whose_state_cannot_be_read_is_compared_and_named_not_taken_for_inactive()
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16");
        foreach (var (id, peer, code) in new[] { ("pcx-x", "vpc-x", "active"), ("pcx-y", "vpc-y", "activ") })
            n.Peerings.Add(new VpcPeeringConnection
            {
                VpcPeeringConnectionId = id, Status = new PeeringStatus { Code = code },
                RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", CidrBlock = "10.0.0.0/16" },
                AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = peer, CidrBlock = "10.9.0.0/16" },
            });
        var attributor = new AddressAttributor(n.Build(), Ranges);
        var overlap = Assert.Single(CidrOverlapReport.Find(attributor));
        Assert.Equal(new[] { "vpc-x", "vpc-y" }, new[] { overlap.Source, overlap.OtherSource }.Order());
        Assert.Empty(overlap.SeenFrom);
        Assert.Contains("from vpc-a both may be reachable", overlap.Effect);
        Assert.DoesNotContain("no VPC of the snapshot reaches both", overlap.Effect);
        var gap = Assert.Single(CidrOverlapReport.Gaps(attributor));
        Assert.Contains("pcx-y (vpc-a to vpc-y): Status.Code 'activ' is not a peering state", gap);
    }
}
