using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Routing;

/// <summary>
/// The one route-table lookup that reachability and the IP map share. Each test pins a point where the two
/// earlier lookups disagreed, and checks that both capabilities now give the answer SEMANTICS 11-18 asks for.
/// </summary>
public class RoutingTests
{
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));
    private static readonly IpAddress DbAddress = IpAddress.Parse("10.1.1.20");

    private static AddressAttribution FromA(TestNetwork n, string address = "10.1.1.20") => new AddressAttributor(n.Build(), Ranges).Attribute(address, "vpc-a");
    private static ReachabilityResult Db(TestNetwork n) => n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432));

    [Fact]
    public void A_local_route_for_a_block_the_vpc_does_not_hold_routes_nowhere_in_both_capabilities()
    {
        // vpc-a's table still shows a local route for 10.1.0.0/16 (not an associated block of vpc-a): the TGW route applies (SEMANTICS 12).
        var n = SemanticsTests.TgwPair("disable").MainRoutes("vpc-a", To("10.1.0.0/16", gateway: "local"));
        var index = n.Build();
        Assert.Equal(RouteTargetKind.TransitGateway, RouteLookup.ForSubnet(index, "subnet-a", DbAddress)!.Target);
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        var a = FromA(n);
        Assert.Equal((AttributionScope.TransitGateway, "vpc-b"), (a.Scope, a.VpcId));
        Assert.Equal("i-b", a.Owner!.OwnerResourceId);
    }

    [Fact]
    public void A_route_to_a_prefix_list_without_entries_makes_the_ip_map_unknown_too()
    {
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"), To("", gateway: "vpce-1", prefixList: "pl-1"));
        n.PrefixLists.Add(new ManagedPrefixList { PrefixListId = "pl-1" });
        var index = n.Build();
        Assert.Equal(HopResult.Unknown, RouteLookup.ForSubnet(index, "subnet-a", IpAddress.Parse("198.51.100.7"))!.Result);
        var unknown = FromA(n, "198.51.100.7");
        Assert.Equal(AttributionScope.Unknown, unknown.Scope);
        Assert.Contains("pl-1", unknown.Reason);

        n.PrefixListEntries.Add(new PrefixListEntries { PrefixListId = "pl-1", Entries = [new PrefixListEntry { Cidr = "198.51.100.0/24" }] });
        Assert.Equal(RouteTargetKind.GatewayEndpoint, RouteLookup.ForSubnet(n.Build(), "subnet-a", IpAddress.Parse("198.51.100.7"))!.Target);
        var known = FromA(n, "198.51.100.7");
        Assert.Equal(AttributionScope.AwsService, known.Scope);
        Assert.Contains("pl-1 (198.51.100.0/24) -> vpce-1", known.Route);
        Assert.Equal(AttributionScope.Public, FromA(n, "203.0.113.9").Scope);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Tgw_static_route_beats_a_prefix_list_route_of_the_same_prefix_in_either_order(bool listFirst)
    {
        var n = SemanticsTests.TgwPair("disable");
        n.PrefixListEntries.Add(new PrefixListEntries { PrefixListId = "pl-b", Entries = [new PrefixListEntry { Cidr = "10.1.0.0/16" }] });
        TransitGatewayRoute viaList = new() { PrefixListId = "pl-b", Type = "static", State = "blackhole" },
            direct = new() { DestinationCidrBlock = "10.1.0.0/16", Type = "static", State = "active", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-b", ResourceType = "vpc", ResourceId = "vpc-b" }] };
        n.TgwStaticRoutes[0] = n.TgwStaticRoutes[0] with { Routes = listFirst ? [viaList, direct] : [direct, viaList] };
        var choice = n.Build().TransitGatewayRouteLookupOf("tgw-rtb-1").Find(DbAddress).Route!;
        Assert.False(choice.Blackhole);
        Assert.Equal("tgw-attach-b", choice.AttachmentId);
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        Assert.Equal(AttributionScope.TransitGateway, FromA(n).Scope);
    }

    [Fact]
    public void Tgw_prefix_list_route_is_expanded_and_beats_a_vpc_propagation()
    {
        var n = SemanticsTests.TgwPair("disable");
        n.PrefixListEntries.Add(new PrefixListEntries { PrefixListId = "pl-b", Entries = [new PrefixListEntry { Cidr = "10.1.0.0/16" }] });
        n.TgwStaticRoutes[0] = n.TgwStaticRoutes[0] with { Routes = [new TransitGatewayRoute { PrefixListId = "pl-b", Type = "static", State = "blackhole" }] };
        ReachabilityAssert.Blocked(Db(n), ExplanationCodes.BadStateRoute, "tgw-rtb-1");
        var a = FromA(n);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("blackhole", a.Reason);
    }

    [Fact]
    public void Tgw_static_routes_not_captured_make_both_capabilities_unknown()
    {
        // A static route the snapshot lacks could be more specific, or win at the same prefix, than any propagated one.
        var n = SemanticsTests.TgwPair("disable");
        n.NotCaptured.Add(Section.TransitGatewayStaticRoutes);
        Assert.Equal(Verdict.Unknown, Db(n).Verdict);
        var a = FromA(n);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains("TransitGatewayStaticRoutes", a.Reason);
        Assert.Contains("10.1.0.0/16 -> tgw-attach-b", a.Route);
    }

    [Fact]
    public void Tgw_bgp_propagation_could_override_a_match_and_a_static_only_vpn_is_derived()
    {
        var n = SemanticsTests.TgwPair("disable");
        n.VpnConnections.Add(new VpnConnection { VpnConnectionId = "vpn-1", TransitGatewayId = "tgw-1", State = "available", Routes = [new VpnStaticRoute { DestinationCidrBlock = "172.16.0.0/12", State = "available" }] });
        n.TgwPropagations[0] = n.TgwPropagations[0] with
        {
            TransitGatewayRouteTablePropagations = [.. n.TgwPropagations[0].TransitGatewayRouteTablePropagations,
                new TransitGatewayRouteTablePropagation { TransitGatewayAttachmentId = "tgw-attach-vpn", ResourceId = "vpn-1", ResourceType = "vpn", State = "enabled" }],
        };
        // With BGP the customer gateway may announce a prefix inside vpc-b's /16: the VPC route may not be the one used.
        Assert.Equal(Verdict.Unknown, Db(n).Verdict);
        var bgp = FromA(n);
        Assert.Equal(AttributionScope.Unknown, bgp.Scope);
        Assert.Contains("tgw-attach-vpn (vpn vpn-1)", bgp.Reason);

        n.VpnConnections[0] = n.VpnConnections[0] with { Options = new VpnConnectionOptions { StaticRoutesOnly = true } };
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        Assert.Equal((AttributionScope.TransitGateway, "vpc-b"), (FromA(n).Scope, FromA(n).VpcId));
        var vpnRoute = n.Build().TransitGatewayRouteLookupOf("tgw-rtb-1").Find(IpAddress.Parse("172.16.5.5"));
        Assert.Null(vpnRoute.Unknown);
        Assert.Equal(("tgw-attach-vpn", "vpn", "vpn-1"), (vpnRoute.Route!.AttachmentId, vpnRoute.Route.ResourceType, vpnRoute.Route.ResourceId));
    }

    [Fact]
    public void A_pending_tgw_route_does_not_forward_yet()
    {
        var n = SemanticsTests.TgwPair("disable");
        n.TgwStaticRoutes[0] = n.TgwStaticRoutes[0] with
        {
            Routes = [new TransitGatewayRoute { DestinationCidrBlock = "10.1.1.0/24", Type = "static", State = "pending", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-a", ResourceType = "vpc", ResourceId = "vpc-a" }] }],
        };
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        var a = FromA(n);
        Assert.Equal((AttributionScope.TransitGateway, "tgw-attach-b", "vpc-b"), (a.Scope, a.TransitGatewayAttachmentId, a.VpcId));
    }

    [Fact]
    public void Tries_are_built_once_per_snapshot_table_and_an_edited_copy_is_read_as_edited()
    {
        var index = SemanticsTests.TgwPair("disable").Build();
        var table = index.RouteTables["rtb-main-vpc-a"];
        var lookups = new RouteTableLookup[64];
        var tgwLookups = new TransitGatewayRouteTableLookup[64];
        Parallel.For(0, lookups.Length, i => { lookups[i] = index.RouteLookupOf(table); tgwLookups[i] = index.TransitGatewayRouteLookupOf("tgw-rtb-1"); });
        Assert.All(lookups, l => Assert.Same(lookups[0], l));
        Assert.All(tgwLookups, l => Assert.Same(tgwLookups[0], l));

        var edited = table with { Routes = [.. table.Routes, To("10.1.1.0/24", pcx: "pcx-1")] };
        Assert.Equal(RouteTargetKind.VpcPeeringConnection, RouteLookup.Find(index, edited, DbAddress).Target);
        Assert.Equal(RouteTargetKind.TransitGateway, RouteLookup.Find(index, table, DbAddress).Target);
    }

    [Fact]
    public void A_tgw_route_table_the_snapshot_does_not_hold_is_unknown()
    {
        var match = SemanticsTests.TgwPair("disable").Build().TransitGatewayRouteLookupOf("tgw-rtb-elsewhere").Find(DbAddress);
        Assert.Null(match.Route);
        Assert.Contains("not in the snapshot", match.Unknown);
    }
}
