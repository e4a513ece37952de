using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// Addresses outside every VPC that the network reaches (on premises behind a Site-to-Site VPN on a transit
/// gateway or a virtual private gateway) as sources and destinations: SEMANTICS 15, 17, 18 and 24.
/// </summary>
public class OnPremisesTests
{
    [Fact]
    public void Tgw_vpn_source_enters_through_the_attachment_whose_route_covers_it_and_the_answer_returns()
    {
        var a = TgwVpn().Analyzer();
        var r = a.Analyze("172.16.5.5", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Equal(["tgw-attach-vpn", "tgw-rtb-1", "tgw-attach-b"], r.ForwardPath.Where(h => h.ComponentId.StartsWith("tgw-")).Select(h => h.ComponentId).Take(3));
        Assert.Contains(r.ReturnPath, h => h.ComponentId == "tgw-attach-vpn" && h.Result == HopResult.Allowed);
        Assert.Contains(r.Notes, n => n.Contains("assumed") && n.Contains("vpn-1"));
        // The group is still checked against the on-premises address: another port is refused at sg-db.
        ReachabilityAssert.Blocked(a.Analyze("172.16.5.5", "i-b", Traffic.Tcp(22)), ExplanationCodes.SecurityGroupRules, "sg-db");
    }

    [Fact]
    public void Tgw_vpn_destination_leaves_through_the_vpn_attachment()
    {
        var r = TgwVpn().Analyzer().Analyze("i-b", "172.16.5.5", Traffic.Tcp(22));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "tgw-attach-vpn" && h.Detail!.Contains("vpn-1"));
    }

    [Fact]
    public void Response_from_an_az_without_an_attachment_subnet_is_dropped()
    {
        var n = TgwVpn();
        n.Subnet("subnet-b2", "vpc-b", "10.1.2.0/24", "us-east-1b").Eni("eni-b2", "subnet-b2", "10.1.2.20", ["sg-db"], "i-b2");
        var r = n.Analyzer().Analyze("172.16.5.5", "i-b2", Traffic.Tcp(5432));
        // The request is delivered (traffic from a TGW reaches every subnet), the response cannot enter the TGW.
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "eni-b2");
        ReachabilityAssert.Blocked(r, ExplanationCodes.TgwAzRestriction, "tgw-attach-b", PathDirection.Return);
    }

    [Theory]
    [InlineData("pending")]
    [InlineData("deleted")]
    public void A_vpn_connection_that_is_not_available_blocks_both_ways(string state)
    {
        var n = TgwVpn();
        n.VpnConnections[0] = n.VpnConnections[0] with { State = state };
        var a = n.Analyzer();
        var inbound = a.Analyze("172.16.5.5", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(inbound, ExplanationCodes.VpnNotAvailable, "tgw-attach-vpn");
        Assert.Contains(state, inbound.Reason);
        ReachabilityAssert.Blocked(a.Analyze("i-b", "172.16.5.5", Traffic.Tcp(22)), ExplanationCodes.VpnNotAvailable, "tgw-attach-vpn");
    }

    [Theory]
    [InlineData(null, "State is missing")]
    [InlineData("garbage", "State 'garbage' is not a VPN connection state")]
    public void A_vpn_connection_whose_state_cannot_be_read_is_unknown_not_down(string? state, string why)
    {
        // It was VPN_CONNECTION_NOT_AVAILABLE ("in an unknown state"), both through a transit gateway and a virtual private gateway.
        var n = TgwVpn();
        n.VpnConnections[0] = n.VpnConnections[0] with { State = state };
        var a = n.Analyzer();
        foreach (var r in new[] { a.Analyze("172.16.5.5", "i-b", Traffic.Tcp(5432)), a.Analyze("i-b", "172.16.5.5", Traffic.Tcp(22)) })
        {
            ReachabilityAssert.Blocked(r, ExplanationCodes.UninterpretableEntry, "tgw-attach-vpn", verdict: Verdict.Unknown);
            Assert.Contains(why, r.Reason);
        }
        var v = Vgw("available");
        v.VpnConnections[0] = v.VpnConnections[0] with { State = state };
        ReachabilityAssert.Blocked(v.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432)), ExplanationCodes.UninterpretableEntry, "vgw-1", verdict: Verdict.Unknown);
        v = Vgw("available");
        v.VpnGateways[0] = v.VpnGateways[0] with { State = state };
        var g = v.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(g, ExplanationCodes.UninterpretableEntry, "vgw-1", verdict: Verdict.Unknown);
        Assert.Contains(why.Replace("VPN connection", "virtual private gateway"), g.Reason);
    }

    [Theory]
    [InlineData(null, Verdict.Reachable)]
    [InlineData("garbage", Verdict.Unknown)]
    [InlineData("deleting", Verdict.NotReachable)]
    public void The_vpn_attachments_state_is_read_as_every_attachments(string? state, Verdict expected)
    {
        // Absent carries traffic on a VPC attachment (Batfish and older CLIs omit it): the VPN attachment blocked on it.
        var n = TgwVpn();
        var i = n.TgwAttachments.FindIndex(a => a.TransitGatewayAttachmentId == "tgw-attach-vpn");
        n.TgwAttachments[i] = n.TgwAttachments[i] with { State = state };
        var r = n.Analyzer().Analyze("172.16.5.5", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == expected, r.Explain());
        if (expected != Verdict.Reachable) Assert.Equal("tgw-attach-vpn", r.BlockingComponent);
    }

    [Fact]
    public void An_address_no_route_covers_is_unknown_with_the_reason()
    {
        var r = TgwVpn().Analyzer().Analyze("192.168.7.7", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.ComponentNotInSnapshot, "192.168.7.7", verdict: Verdict.Unknown);
        Assert.Contains("no transit gateway route", r.Reason);
        // An unassigned address inside a VPC of the snapshot is still not a source.
        Assert.Throws<EndpointNotFoundException>(() => TgwVpn().Analyzer().Analyze("10.1.1.99", "i-b", Traffic.Tcp(5432)));
    }

    [Fact]
    public void Vgw_source_enters_the_attached_vpc_by_its_vpn_connection_routes()
    {
        var a = Vgw("available").Analyzer();
        var r = a.Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Equal("vgw-1", r.ForwardPath[0].ComponentId);
        Assert.Contains(r.ReturnPath, h => h.ComponentId == "vgw-1");
        Assert.Contains(r.Notes, n => n.Contains("vpn-9") && n.Contains("cgw-1"));
        var back = a.Analyze("i-a", "192.168.1.9", Traffic.Tcp(22));
        Assert.True(back.Verdict == Verdict.Reachable, back.Explain());
    }

    [Fact]
    public void Vgw_with_a_vpn_connection_not_available_or_no_return_route_blocks()
    {
        ReachabilityAssert.Blocked(Vgw("pending").Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432)), ExplanationCodes.VpnNotAvailable, "vgw-1");
        var n = Vgw("available");
        n.RouteTables[0] = n.RouteTables[0] with { Routes = n.RouteTables[0].Routes.Where(x => x.GatewayId != "vgw-1").ToList() };
        ReachabilityAssert.Blocked(n.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432)), ExplanationCodes.NoRoute, "rtb-main-vpc-a", PathDirection.Return);
    }

    [Fact]
    public void The_routes_of_a_deleted_vpn_connection_reach_nothing_though_another_connection_of_the_gateway_is_up()
    {
        // vpn-9 (deleted) still lists its static route; vpn-8 is available but routes nothing: where 192.168/16 is, nobody says.
        var n = Vgw("deleted");
        n.VpnConnections.Add(new VpnConnection { VpnConnectionId = "vpn-8", VpnGatewayId = "vgw-1", CustomerGatewayId = "cgw-2", State = "available", Type = "ipsec.1" });
        var a = n.Analyzer();
        ReachabilityAssert.Blocked(a.Analyze("i-a", "192.168.1.9", Traffic.Tcp(22)), ExplanationCodes.ComponentNotModelled, "vgw-1", verdict: Verdict.Unknown);
        ReachabilityAssert.Blocked(a.Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432)), ExplanationCodes.ComponentNotInSnapshot, "192.168.1.9", verdict: Verdict.Unknown);
    }

    [Fact]
    public void A_vpn_route_that_cannot_be_read_makes_the_entry_of_a_remote_address_unknown()
    {
        // vgw-2 on vpc-b has a connection whose static route is unreadable: 192.168.1.9 may enter there instead of by vgw-1.
        var n = Vgw("available");
        n.VpnGateways.Add(new VpnGateway { VpnGatewayId = "vgw-2", State = "available", Type = "ipsec.1", VpcAttachments = [new VpcAttachment { VpcId = "vpc-a", State = "attached" }] });
        n.VpnConnections.Add(new VpnConnection
        {
            VpnConnectionId = "vpn-7", VpnGatewayId = "vgw-2", CustomerGatewayId = "cgw-2", State = "available", Type = "ipsec.1",
            Routes = [new VpnStaticRoute { DestinationCidrBlock = "192.168.0/17", Source = "Static", State = "available" }],
        });
        var r = n.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.UninterpretableEntry, "192.168.1.9", verdict: Verdict.Unknown);
        Assert.Contains("vgw-1", r.Reason);
        Assert.Contains("vpn-7", r.Reason);
        Assert.Contains("192.168.0/17", r.Reason);
        // An unreadable route of the entry's own gateway changes nothing: the entry is that gateway either way.
        var own = Vgw("available");
        own.VpnConnections[0] = own.VpnConnections[0] with
        {
            Routes = [.. own.VpnConnections[0].Routes, new VpnStaticRoute { DestinationCidrBlock = "10.300.0.0/16", Source = "Static", State = "available" }],
        };
        var same = own.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432));
        Assert.True(same.Verdict == Verdict.Reachable, same.Explain());
        // With no readable route covering the address, the reason names the unreadable one.
        var none = Vgw("available");
        none.VpnConnections[0] = none.VpnConnections[0] with { Routes = [new VpnStaticRoute { DestinationCidrBlock = "192.168.0.0/33", Source = "Static", State = "available" }] };
        var unknown = none.Analyzer().Analyze("192.168.1.9", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(unknown, ExplanationCodes.UninterpretableEntry, "192.168.1.9", verdict: Verdict.Unknown);
        Assert.Contains("192.168.0.0/33", unknown.Reason);
    }

    [Fact]
    public void Transit_gateway_routes_not_captured_make_the_entry_of_a_remote_address_unknown()
    {
        // tgw-rtb-1's routes are captured and send 172.16/12 to the VPN attachment; tgw-rtb-2, which a Direct Connect
        // attachment of the same gateway is associated with, was not captured: its routes could send 172.16.5.5 elsewhere.
        var n = TgwVpn();
        n.TgwAttachments.Add(new TransitGatewayAttachment
        {
            TransitGatewayAttachmentId = "tgw-attach-dx", TransitGatewayId = "tgw-1", ResourceType = "direct-connect-gateway", ResourceId = "dxgw-1", State = "available",
            Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-2", State = "associated" },
        });
        var r = n.Analyzer().Analyze("172.16.5.5", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.ComponentNotInSnapshot, "172.16.5.5", verdict: Verdict.Unknown);
        Assert.Contains("tgw-rtb-2", r.Reason);
        Assert.Contains("tgw-attach-dx", r.Reason);
    }

    [Fact]
    public void Source_in_a_peer_vpc_the_snapshot_does_not_hold_enters_over_the_peering()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("10.9.0.0/16", pcx: "pcx-x"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.9.0.0/16")] };
        n.Peerings.Add(new VpcPeeringConnection
        {
            VpcPeeringConnectionId = "pcx-x", Status = new PeeringStatus { Code = "active" },
            RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-x", OwnerId = "222222222222", Region = "us-east-1", CidrBlock = "10.9.0.0/16" },
            AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", OwnerId = "111111111111", Region = "us-east-1", CidrBlock = "10.0.0.0/16" },
        });
        var r = n.Analyzer().Analyze("10.9.3.3", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Equal("pcx-x", r.ForwardPath[0].ComponentId);
        Assert.Contains(r.ReturnPath, h => h.ComponentId == "pcx-x");
        Assert.Contains(r.Notes, x => x.Contains("vpc-x"));
        // Outside the peer's CIDRs the peering is no way in (non-transitive): unknown, not guessed.
        ReachabilityAssert.Blocked(n.Analyzer().Analyze("10.8.3.3", "i-b", Traffic.Tcp(5432)), ExplanationCodes.ComponentNotInSnapshot, "10.8.3.3", verdict: Verdict.Unknown);
        // Towards the peer the forward path still stops where the snapshot ends.
        Assert.Equal(Verdict.Unknown, n.Analyzer().Analyze("i-b", "10.9.3.3", Traffic.Tcp(22)).Verdict);
    }

    [Theory]
    [InlineData("activ")]
    [InlineData(null)]
    public void Source_behind_a_peering_whose_state_cannot_be_read_is_unknown_naming_the_peering(string? code)
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("10.9.0.0/16", pcx: "pcx-x"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.9.0.0/16")] };
        n.Peerings.Add(new VpcPeeringConnection
        {
            VpcPeeringConnectionId = "pcx-x", Status = code is null ? null : new PeeringStatus { Code = code },
            RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-x", OwnerId = "222222222222", Region = "us-east-1", CidrBlock = "10.9.0.0/16" },
            AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", OwnerId = "111111111111", Region = "us-east-1", CidrBlock = "10.0.0.0/16" },
        });
        var r = n.Analyzer().Analyze("10.9.3.3", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.UninterpretableEntry, "10.9.3.3", verdict: Verdict.Unknown);
        Assert.Contains("pcx-x: Status.Code", r.Reason);
        // A peering EC2 says is deleted is no way in: where the address enters is unknown, and the peering is not named as one.
        n.Peerings[0] = n.Peerings[0] with { Status = new PeeringStatus { Code = "deleted" } };
        var deleted = n.Analyzer().Analyze("10.9.3.3", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(deleted, ExplanationCodes.ComponentNotInSnapshot, "10.9.3.3", verdict: Verdict.Unknown);
        Assert.DoesNotContain("pcx-x", deleted.Reason);
    }

    /// <summary><see cref="SemanticsTests.TgwPair"/> plus Site-to-Site VPN vpn-1 on tgw-1 (172.16.0.0/12, static) associated with the same TGW route table; vpc-b routes 172.16/12 to the TGW.</summary>
    private static TestNetwork TgwVpn()
    {
        var n = SemanticsTests.TgwPair("disable").MainRoutes("vpc-b", To("172.16.0.0/12", tgw: "tgw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.0.0.0/8"), Tcp(5432, "172.16.0.0/12")] };
        n.TgwAttachments.Add(new TransitGatewayAttachment
        {
            TransitGatewayAttachmentId = "tgw-attach-vpn", TransitGatewayId = "tgw-1", ResourceType = "vpn", ResourceId = "vpn-1", State = "available",
            Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-1", State = "associated" },
        });
        n.TgwStaticRoutes[0] = n.TgwStaticRoutes[0] with
        {
            Routes = [new TransitGatewayRoute { DestinationCidrBlock = "172.16.0.0/12", Type = "static", State = "active", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-vpn", ResourceType = "vpn", ResourceId = "vpn-1" }] }],
        };
        n.VpnConnections.Add(new VpnConnection { VpnConnectionId = "vpn-1", TransitGatewayId = "tgw-1", CustomerGatewayId = "cgw-1", State = "available", Type = "ipsec.1" });
        return n;
    }

    /// <summary><see cref="TestNetwork.TwoSubnets"/> with vgw-1 attached to vpc-a, VPN connection vpn-9 (static route 192.168.0.0/16) in the given state, and the main table routing it to vgw-1.</summary>
    internal static TestNetwork Vgw(string vpnState)
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("192.168.0.0/16", gateway: "vgw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "192.168.0.0/16")] };
        n.VpnGateways.Add(new VpnGateway { VpnGatewayId = "vgw-1", State = "available", Type = "ipsec.1", VpcAttachments = [new VpcAttachment { VpcId = "vpc-a", State = "attached" }] });
        n.VpnConnections.Add(new VpnConnection
        {
            VpnConnectionId = "vpn-9", VpnGatewayId = "vgw-1", CustomerGatewayId = "cgw-1", State = vpnState, Type = "ipsec.1",
            Routes = [new VpnStaticRoute { DestinationCidrBlock = "192.168.0.0/16", Source = "Static", State = "available" }],
        });
        return n;
    }
}
