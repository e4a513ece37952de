using FsCheck;
using FsCheck.Fluent;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.IpMap;

public class AddressAttributorTests
{
    private const string PeeringA = "vpc-0404e08ceddf7f650", PeeringB = "vpc-00a31ce9d0c06675c", PeeringC = "vpc-09095dbf2886404ee";
    private const string PcxAB = "pcx-0b89b559e3319d6cf", PcxAC = "pcx-0d5b836985ac8ca8c";
    private const string NatVpc = "vpc-0008a7b45e3ddf1dd";

    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));

    private static AddressAttributor For(string scenario) => For(SnapshotLoader.Load(TestPaths.Batfish(scenario)));
    private static AddressAttributor For(VpcSnapshot snapshot) => new(new SnapshotIndex(snapshot), Ranges);

    /// <summary>A fixture with its one region changed by <paramref name="edit"/>.</summary>
    private static AddressAttributor Edited(string scenario, Func<RegionInventory, RegionInventory> edit)
    {
        var snapshot = SnapshotLoader.Load(TestPaths.Batfish(scenario));
        return For(snapshot with { Regions = [edit(snapshot.Regions[0])] });
    }

    private static IReadOnlySet<string> Without(RegionInventory region, params string[] sections) =>
        region.CapturedSections.Where(s => !sections.Contains(s)).ToHashSet();

    [Fact]
    public void An_address_held_by_an_eni_of_the_vpc_is_this_vpc_with_its_owner()
    {
        var a = For("test-nat-gateway").Attribute("10.1.250.210", NatVpc);
        Assert.Equal(AttributionScope.ThisVpc, a.Scope);
        Assert.Equal(OwnerType.NatGateway, a.Owner!.OwnerType);
        Assert.Equal("nat-07ab4846da51f4612", a.Owner.OwnerResourceId);
        Assert.Equal("3.135.127.225", a.Owner.PublicIp);
        Assert.Equal("subnet-0428892a357fa1f94", a.SubnetId);
        Assert.Equal("local", a.Route);
    }

    [Theory]
    [InlineData("10.1.1.0", "network address")]
    [InlineData("10.1.1.1", "VPC router")]
    [InlineData("10.1.1.2", "Amazon DNS")]
    [InlineData("10.1.1.3", "reserved by AWS")]
    [InlineData("10.1.1.255", "broadcast")]
    [InlineData("10.1.0.2", "Amazon DNS")]
    [InlineData("169.254.169.254", "instance metadata (169.254.169.254)")]
    public void Reserved_addresses_are_named(string address, string role)
    {
        var a = For("test-nat-gateway").Attribute(address, NatVpc);
        Assert.Equal(AttributionScope.ReservedAddress, a.Scope);
        Assert.Equal(role, a.ReservedRole);
    }

    [Fact]
    public void Free_space_of_a_subnet_and_of_the_vpc_is_unassigned()
    {
        var attributor = For("test-nat-gateway");
        var inSubnet = attributor.Attribute("10.1.1.77", NatVpc);
        Assert.Equal(AttributionScope.UnassignedInVpc, inSubnet.Scope);
        Assert.Equal("subnet-06f469bcee42e408e", inSubnet.SubnetId);
        var noSubnet = attributor.Attribute("10.1.99.9", NatVpc);
        Assert.Equal(AttributionScope.UnassignedInVpc, noSubnet.Scope);
        Assert.Null(noSubnet.SubnetId);
        Assert.Contains("no subnet", noSubnet.Reason);
    }

    [Fact]
    public void Peer_addresses_follow_the_route_table_not_cidr_membership()
    {
        // VPC A peers with B and C, which share 192.168.0.0/16; A's table sends 192.168.1.0/24 to B and .2.0/24 to C.
        var attributor = For("test-vpc-peering");
        var inB = attributor.Attribute("192.168.1.106", PeeringA);
        Assert.Equal(AttributionScope.PeeredVpc, inB.Scope);
        Assert.Equal((PeeringB, PcxAB), (inB.VpcId, inB.VpcPeeringConnectionId));
        Assert.Equal("i-0b14080af811fda3d", inB.Owner!.OwnerResourceId);
        Assert.Contains("192.168.1.0/24 -> pcx-0b89b559e3319d6cf", inB.Route);

        var inC = attributor.Attribute("192.168.2.229", PeeringA);
        Assert.Equal((AttributionScope.PeeredVpc, PeeringC, PcxAC), (inC.Scope, inC.VpcId, inC.VpcPeeringConnectionId));
        Assert.Equal("i-04a292ff83b3aa833", inC.Owner!.OwnerResourceId);
    }

    [Fact]
    public void A_peer_address_no_route_covers_is_unknown()
    {
        var a = For("test-vpc-peering").Attribute("192.168.3.3", PeeringA);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("no route in rtb-0891861fffaea6d52", a.Reason);
    }

    [Fact]
    public void Overlapping_vpcs_without_a_vantage_give_ambiguous_with_every_candidate()
    {
        var a = For("test-vpc-peering").Attribute("192.168.1.50");
        Assert.Equal(AttributionScope.Ambiguous, a.Scope);
        Assert.Equal(new[] { PeeringB, PeeringC }.Order(), a.Candidates.Select(c => c.VpcId!).Order());
        Assert.All(a.Candidates, c => Assert.Equal(AttributionScope.UnassignedInVpc, c.Scope));
    }

    [Fact]
    public void Two_interfaces_of_one_vpc_holding_an_address_give_ambiguous_with_both()
    {
        // A capture taken while the address moved lists it on two interfaces: the first in the file was named as its owner.
        var a = Edited("test-vpc-peering", region => region with
        {
            NetworkInterfaces = [.. region.NetworkInterfaces, region.NetworkInterfaces.Single(e => e.PrivateIpAddress == "192.168.1.106") with { NetworkInterfaceId = "eni-0moved", Attachment = null }],
        });
        foreach (var from in new[] { null, PeeringB })
        {
            var r = a.Attribute("192.168.1.106", from);
            Assert.Equal(AttributionScope.Ambiguous, r.Scope);
            Assert.Equal(new[] { "eni-0moved", r.Candidates[0].Owner!.NetworkInterfaceId }.Order(), r.Candidates.Select(c => c.Owner!.NetworkInterfaceId).Order());
            Assert.All(r.Candidates, c => Assert.Equal((AttributionScope.ThisVpc, PeeringB), (c.Scope, c.VpcId)));
            Assert.Contains("eni-0moved", r.Reason);
        }
    }

    [Fact]
    public void The_owning_vpc_is_the_default_vantage_and_the_overlap_is_said()
    {
        var a = For("test-vpc-peering").Attribute("192.168.1.106");
        Assert.Equal((AttributionScope.ThisVpc, PeeringB), (a.Scope, a.FromVpcId));
        Assert.Contains(PeeringC, a.Reason);
    }

    [Fact]
    public void Route_tables_that_send_one_address_to_two_overlapping_peers_give_ambiguous()
    {
        // A second table for a new subnet of A sends all of 192.168.0.0/16 to C, the first sends .1.0/24 to B.
        var second = new RouteTable
        {
            RouteTableId = "rtb-second", VpcId = PeeringA,
            Associations = [new RouteTableAssociation { RouteTableId = "rtb-second", SubnetId = "subnet-a2" }],
            Routes = [new Route { DestinationCidrBlock = "10.10.0.0/16", GatewayId = "local", State = "active" },
                      new Route { DestinationCidrBlock = "192.168.0.0/16", VpcPeeringConnectionId = PcxAC, State = "active" }],
        };
        var a = Edited("test-vpc-peering", region => region with
        {
            Subnets = [.. region.Subnets, region.Subnets.Single(s => s.VpcId == PeeringA) with { SubnetId = "subnet-a2", CidrBlock = "10.10.20.0/24" }],
            RouteTables = [.. region.RouteTables, second],
        }).Attribute("192.168.1.106", PeeringA);
        Assert.Equal(AttributionScope.Ambiguous, a.Scope);
        Assert.Equal(2, a.Candidates.Count);
        Assert.Contains(a.Candidates, c => c.VpcId == PeeringB && c.Owner?.OwnerResourceId == "i-0b14080af811fda3d" && c.RouteTableId == "rtb-0891861fffaea6d52");
        Assert.Contains(a.Candidates, c => c.VpcId == PeeringC && c.Owner is null && c.RouteTableId == "rtb-second");
    }

    [Fact]
    public void An_inactive_peering_is_not_a_peer()
    {
        var a = Edited("test-vpc-peering", region => region with
        {
            VpcPeeringConnections = region.VpcPeeringConnections
                .Select(p => p.VpcPeeringConnectionId == PcxAB ? p with { Status = new PeeringStatus { Code = "deleted" } } : p).ToArray(),
        }).Attribute("192.168.1.106", PeeringA);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("deleted", a.Reason);
        Assert.Equal(PcxAB, a.VpcPeeringConnectionId);
    }

    [Fact]
    public void Missing_peering_section_says_so()
    {
        var a = Edited("test-vpc-peering", region => region with
        {
            VpcPeeringConnections = [],
            CapturedSections = Without(region, Section.VpcPeeringConnections),
        }).Attribute("192.168.1.106", PeeringA);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("not captured", a.Reason);
    }

    [Fact]
    public void Transit_gateway_addresses_name_the_attachment_and_the_far_owner()
    {
        var attributor = For("test-transit-gateway");
        var a = attributor.Attribute("192.168.1.106", "vpc-0404e08ceddf7f650");
        Assert.Equal(AttributionScope.TransitGateway, a.Scope);
        Assert.Equal("tgw-044be4464fcc69aff", a.TransitGatewayId);
        Assert.Equal("tgw-rtb-0fa40c8df355dce6e", a.TransitGatewayRouteTableId);
        Assert.Equal("tgw-attach-0ae2696617bb06fb4", a.TransitGatewayAttachmentId);
        Assert.Equal(("vpc", "vpc-00a31ce9d0c06675c"), (a.TransitGatewayAttachmentType, a.TransitGatewayAttachmentResourceId));
        Assert.Equal("i-0b14080af811fda3d", a.Owner!.OwnerResourceId);
        Assert.Contains("192.168.0.0/16 -> tgw-044be4464fcc69aff", a.Route);
        Assert.Contains("derived from the propagation of vpc vpc-00a31ce9d0c06675c", a.Route);

        var back = attributor.Attribute("10.10.10.132", "vpc-00a31ce9d0c06675c");
        Assert.Equal(AttributionScope.TransitGateway, back.Scope);
        Assert.Equal("tgw-attach-07f5ec59e9f540021", back.TransitGatewayAttachmentId);
        Assert.Equal(OwnerType.TransitGatewayAttachment, back.Owner!.OwnerType);
    }

    [Fact]
    public void Transit_gateway_without_its_route_sections_is_unknown()
    {
        var a = Edited("test-transit-gateway", region => region with
        {
            TransitGatewayPropagations = [], TransitGatewayStaticRoutes = [],
            CapturedSections = Without(region, Section.TransitGatewayPropagations, Section.TransitGatewayStaticRoutes),
        }).Attribute("192.168.1.106", "vpc-0404e08ceddf7f650");
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("were not captured", a.Reason);
    }

    [Fact]
    public void A_vpn_propagation_the_snapshot_cannot_expand_makes_a_miss_unknown()
    {
        var a = Edited("test-transit-gateway", region => region with
        {
            TransitGatewayPropagations = region.TransitGatewayPropagations.Select(t => t with
            {
                TransitGatewayRouteTablePropagations = [.. t.TransitGatewayRouteTablePropagations,
                    new TransitGatewayRouteTablePropagation { TransitGatewayAttachmentId = "tgw-attach-vpn", ResourceId = "vpn-1", ResourceType = "vpn", State = "enabled" }],
            }).ToArray(),
            RouteTables = region.RouteTables.Select(t => t.VpcId == "vpc-0404e08ceddf7f650"
                ? t with { Routes = [.. t.Routes, new Route { DestinationCidrBlock = "172.16.0.0/12", TransitGatewayId = "tgw-044be4464fcc69aff", State = "active" }] } : t).ToArray(),
        }).Attribute("172.16.5.5", "vpc-0404e08ceddf7f650");
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("tgw-attach-vpn (vpn vpn-1)", a.Reason);
    }

    [Fact]
    public void Vgw_routes_give_vpn()
    {
        var a = Edited("test-nat-gateway", region => region with
        {
            RouteTables = region.RouteTables.Select(t => t with
            {
                Routes = [.. t.Routes, new Route { DestinationCidrBlock = "172.31.0.0/16", GatewayId = "vgw-0123", Origin = "EnableVgwRoutePropagation", State = "active" }],
            }).ToArray(),
            VpnConnections = [new VpnConnection { VpnConnectionId = "vpn-0aaa", VpnGatewayId = "vgw-0123", State = "available" }],
            CapturedSections = region.CapturedSections.Append(Section.VpnConnections).ToHashSet(),
        }).Attribute("172.31.4.4", NatVpc);
        Assert.Equal(AttributionScope.Vpn, a.Scope);
        Assert.Equal("vgw-0123", a.VpnGatewayId);
        Assert.Equal(["vpn-0aaa"], a.VpnConnectionIds);
        Assert.Contains("propagated", a.Route);
    }

    [Fact]
    public void Aws_addresses_name_the_most_specific_service_and_the_routes_that_reach_them()
    {
        var a = For("test-nat-gateway").Attribute("16.15.200.7", NatVpc);
        Assert.Equal(AttributionScope.AwsService, a.Scope);
        Assert.Equal("S3", a.Service);
        Assert.Equal("16.15.192.0/18", a.AwsPrefix);
        // The public table sends it to the IGW, the private one to the NAT gateway; the main table has no route.
        Assert.Contains("igw-071753b9c23d8a9b2", a.Route);
        Assert.Contains("nat-07ab4846da51f4612", a.Route);
        Assert.Contains("no route in rtb-0e169c4a1e0b27b55", a.Reason);
    }

    [Fact]
    public void Public_and_private_addresses_outside_every_range()
    {
        var attributor = For("test-nat-gateway");
        Assert.Equal(AttributionScope.Public, attributor.Attribute("8.8.8.8", NatVpc).Scope);
        var privateNowhere = attributor.Attribute("172.20.0.1", NatVpc);
        Assert.Equal(AttributionScope.Unknown, privateNowhere.Scope);
        Assert.Contains("rtb-0ddf14681733ed0b7: 0.0.0.0/0 -> igw-071753b9c23d8a9b2 (active) leads nowhere", privateNowhere.Reason);
    }

    [Fact]
    public void Ipv6_addresses_of_enis_prefixes_and_subnets_are_attributed()
    {
        var attributor = Edited("test-nat-gateway", region => region with
        {
            Vpcs = region.Vpcs.Select(v => v with { Ipv6CidrBlockAssociationSet = [new VpcIpv6CidrBlockAssociation { Ipv6CidrBlock = "2600:1f16:abc:de00::/56" }] }).ToArray(),
            Subnets = region.Subnets.Select(s => s.SubnetId == "subnet-06f469bcee42e408e"
                ? s with { Ipv6CidrBlockAssociationSet = [new SubnetIpv6CidrBlockAssociation { Ipv6CidrBlock = "2600:1f16:abc:de01::/64" }] } : s).ToArray(),
            NetworkInterfaces = region.NetworkInterfaces.Select(e => e.NetworkInterfaceId == "eni-0e4ce6a7777b9bff8"
                ? e with
                {
                    Ipv6Addresses = [new NetworkInterfaceIpv6Address { Ipv6Address = "2600:1f16:abc:de01::10" }],
                    Ipv6Prefixes = [new Ipv6PrefixSpecification { Ipv6Prefix = "2600:1f16:abc:de01:1::/80" }],
                    Ipv4Prefixes = [new Ipv4PrefixSpecification { Ipv4Prefix = "10.1.1.64/28" }],
                } : e).ToArray(),
        });
        var addr = attributor.Attribute("2600:1f16:abc:de01::10");
        Assert.Equal((AttributionScope.ThisVpc, AddressKind.Ipv6Address, "i-0a128d26e59be60f3"), (addr.Scope, addr.Owner!.Kind, addr.Owner.OwnerResourceId));
        var prefix = attributor.Attribute("2600:1f16:abc:de01:1::abcd");
        Assert.Equal((AttributionScope.ThisVpc, AddressKind.Ipv6Prefix, "2600:1f16:abc:de01:1::/80"), (prefix.Scope, prefix.Owner!.Kind, prefix.Owner.IpAddress));
        var v4Prefix = attributor.Attribute("10.1.1.70");
        Assert.Equal((AttributionScope.ThisVpc, AddressKind.Ipv4Prefix), (v4Prefix.Scope, v4Prefix.Owner!.Kind));
        var router = attributor.Attribute("2600:1f16:abc:de01::1");
        Assert.Equal((AttributionScope.ReservedAddress, "VPC router"), (router.Scope, router.ReservedRole));
        var free = attributor.Attribute("2600:1f16:abc:de01::99");
        Assert.Equal(AttributionScope.UnassignedInVpc, free.Scope);
        var s3v6 = Ranges.Prefixes.First(p => p.Prefix.IsIPv6 && p.Service == "S3");
        var aws = attributor.Attribute(s3v6.Prefix.Network.Add(5), NatVpc);
        // No IPv6 route in the fixture: still S3's address, but not reachable from the VPC, and the reason says so.
        Assert.Equal((AttributionScope.AwsService, "S3"), (aws.Scope, aws.Service));
        Assert.Contains("not routed", aws.Reason);
        Assert.Equal(AttributionScope.ReservedAddress, attributor.Attribute("fd00:ec2::254", NatVpc).Scope);
    }

    [Fact]
    public void Bad_addresses_and_unknown_vpcs_are_named_in_the_error()
    {
        var attributor = For("test-nat-gateway");
        var e = Assert.Throws<InvalidIpAddressException>(() => attributor.Attribute("10.1.1", NatVpc));
        Assert.Contains("'10.1.1'", e.Message);
        Assert.Equal(VpcSecTools.Errors.ErrorCatalog.InvalidIpAddress, VpcSecTools.Errors.ErrorCatalog.Classify(e).ErrorId);
        var v = Assert.Throws<VpcNotInSnapshotException>(() => attributor.Attribute("10.1.1.1", "vpc-nope"));
        Assert.Contains("vpc-nope", v.Message);
        Assert.Equal(VpcSecTools.Errors.ErrorCatalog.VpcNotFound, VpcSecTools.Errors.ErrorCatalog.Classify(v).ErrorId);
    }

    [Fact]
    public void Every_fixture_eni_address_attributes_to_its_own_eni()
    {
        foreach (var scenario in new[] { "test-nat-gateway", "test-vpc-peering", "test-transit-gateway", "eni-attribution" })
        {
            var attributor = For(scenario);
            foreach (var entry in attributor.Map.Entries)
            {
                var a = attributor.Attribute(entry.IpAddress, entry.VpcId);
                Assert.Equal(AttributionScope.ThisVpc, a.Scope);
                Assert.Equal(entry.NetworkInterfaceId, a.Owner!.NetworkInterfaceId);
            }
        }
    }

    [Fact]
    public void Reserved_roles_cover_exactly_five_addresses_of_any_subnet()
    {
        var gen = from prefix in Gen.Choose(16, 28) from n in Gen.Choose(0, int.MaxValue) select (prefix, n);
        Prop.ForAll(gen.ToArbitrary(), t =>
        {
            var cidr = new Cidr(IpAddress.FromIPv4((uint)t.n << (32 - t.prefix) >> (32 - t.prefix) << (32 - t.prefix)), t.prefix);
            int reserved = 0;
            for (long i = 0; i < (long)cidr.Size; i++) if (AddressAttributor.ReservedRole(cidr.Network.Add(i), cidr) is not null) reserved++;
            return reserved == 5;
        }).QuickCheckThrowOnFailure();
    }
}
