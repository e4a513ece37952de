using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// The Batfish reference networks (tests/fixtures/batfish-aws), with each expected path worked out from
/// SEMANTICS.md: verdict, blocking component and explanation code.
/// </summary>
public class BatfishScenarioTests
{
    private static ReachabilityAnalyzer Load(string scenario) => new(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(scenario))));

    // ---- test-vpc-peering: A (10.10/16) peers with B and C, which both use 192.168/16 ----

    [Fact]
    public void Peering_overlapping_peers_are_told_apart_by_the_route_table()
    {
        var a = Load("test-vpc-peering");
        // A's table sends 192.168.1.0/24 to pcx A-B and 192.168.2.0/24 to pcx A-C: each address lands in its own VPC.
        var toB = a.Analyze("i-06ba034d88c84ef07", "192.168.1.106", Traffic.Tcp(22));
        Assert.Equal(Verdict.Reachable, toB.Verdict);
        Assert.Contains(toB.ForwardPath, h => h.ComponentId == "pcx-0b89b559e3319d6cf");
        Assert.Equal("eni-0024c0af5aa1387e5", toB.ForwardPath[^1].ComponentId);
        var toC = a.Analyze("i-06ba034d88c84ef07", "192.168.2.229", Traffic.Tcp(22));
        Assert.Equal(Verdict.Reachable, toC.Verdict);
        Assert.Contains(toC.ForwardPath, h => h.ComponentId == "pcx-0d5b836985ac8ca8c");
        Assert.Equal("eni-06347554b65539ff3", toC.ForwardPath[^1].ComponentId);
        // Both return paths go back over the same peering.
        Assert.Contains(toC.ReturnPath, h => h.ComponentId == "pcx-0d5b836985ac8ca8c");
    }

    [Fact]
    public void Peering_security_group_blocks_other_ports()
    {
        var r = Load("test-vpc-peering").Analyze("i-06ba034d88c84ef07", "i-0b14080af811fda3d", Traffic.Tcp(80));
        ReachabilityAssert.Blocked(r, ExplanationCodes.SecurityGroupRules, "sg-065c26b39e45ae384");
    }

    [Fact]
    public void Peering_blackhole_default_route_drops_internet_traffic()
    {
        var r = Load("test-vpc-peering").Analyze("i-0b14080af811fda3d", "Internet", Traffic.Tcp(443));
        ReachabilityAssert.Blocked(r, ExplanationCodes.BadStateRoute, "rtb-017c36290c9baf017");
        Assert.Equal(2, r.BlockingRuleNumber);
    }

    [Fact]
    public void Peering_is_not_transitive_and_disassociated_cidrs_route_nowhere()
    {
        var a = Load("test-vpc-peering");
        // B has no route to C (both 192.168/16: the local route wins); A cannot carry B's traffic onwards.
        var bToC = a.Analyze("i-0b14080af811fda3d", "192.168.2.229", Traffic.Tcp(22));
        ReachabilityAssert.Blocked(bToC, ExplanationCodes.AddressUnassigned);
        // 10.11.0.0/16 was A's secondary block, now disassociated: nothing routes it.
        var stale = a.Analyze("i-0b14080af811fda3d", "10.11.0.5", Traffic.Tcp(22));
        Assert.Equal(Verdict.NotReachable, stale.Verdict);
        Assert.Equal("rtb-017c36290c9baf017", stale.BlockingComponent);
    }

    // ---- test-transit-gateway: A (10.10/16) and B (192.168/16) via a TGW; A's attachment has a subnet only in us-east-2c ----

    [Fact]
    public void Tgw_reaches_from_the_az_with_an_attachment_subnet()
    {
        var r = Load("test-transit-gateway").Analyze("i-06ba034d88c84ef07", "i-0b14080af811fda3d", Traffic.Tcp(22));
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "tgw-rtb-0fa40c8df355dce6e" && h.Result == HopResult.Allowed);
        Assert.Contains(r.ReturnPath, h => h.ComponentId == "tgw-attach-0ae2696617bb06fb4");
    }

    [Fact]
    public void Tgw_az_without_attachment_subnet_cannot_send()
    {
        var r = Load("test-transit-gateway").Analyze("i-075e846ed41670385", "i-0b14080af811fda3d", Traffic.Tcp(22));
        ReachabilityAssert.Blocked(r, ExplanationCodes.TgwAzRestriction, "tgw-attach-07f5ec59e9f540021", direction: PathDirection.Forward);
    }

    [Fact]
    public void Tgw_delivers_to_every_subnet_but_the_reply_from_the_az_without_attachment_is_dropped()
    {
        var r = Load("test-transit-gateway").Analyze("i-0b14080af811fda3d", "i-075e846ed41670385", Traffic.Tcp(22));
        Assert.Equal(Verdict.NotReachable, r.Verdict);
        Assert.Equal(PathDirection.Return, r.BlockingDirection);
        Assert.Equal(ExplanationCodes.TgwAzRestriction, r.ExplanationCode);
        Assert.Equal("eni-030eeb1fb8c2d6654", r.ForwardPath[^1].ComponentId);
    }

    [Fact]
    public void Tgw_snapshot_without_internet_gateways_answers_unknown()
    {
        // B's main table sends 0.0.0.0/0 to an IGW, but the capture holds no InternetGateways section.
        var r = Load("test-transit-gateway").Analyze("i-0b14080af811fda3d", "Internet", Traffic.Tcp(443));
        ReachabilityAssert.Blocked(r, ExplanationCodes.SectionNotCaptured, Section.InternetGateways, verdict: Verdict.Unknown);
    }

    // ---- test-nat-gateway: public subnet (IGW, NAT, custom NACL), private subnet via NAT, isolated subnet ----

    [Fact]
    public void Nat_private_instance_reaches_the_internet_through_the_nat_gateway_both_ways()
    {
        var r = Load("test-nat-gateway").Analyze("i-0a128d26e59be60f3", "Internet", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "nat-07ab4846da51f4612");
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "acl-0792adae678b88f85" && h.RuleNumber == 200);
        Assert.Contains(r.ReturnPath, h => h.ComponentId == "nat-07ab4846da51f4612");
        Assert.Equal("3.135.127.225", r.ForwardPath.Single(h => h.ComponentType == ComponentKind.InternetGateway).Detail!.Split(' ')[^1]);
    }

    [Fact]
    public void Nat_gateway_custom_acl_rule_order_decides()
    {
        var a = Load("test-nat-gateway");
        // ICMP from the private subnet enters the NAT subnet by rule 100 (the ICMP rule), not 200.
        var ping = a.Analyze("i-0a128d26e59be60f3", "8.8.8.8", new Traffic(VpcSecTools.Net.IpProtocol.Icmp, null, 8, 0));
        Assert.Equal(Verdict.Reachable, ping.Verdict);
        Assert.Contains(ping.ForwardPath, h => h.ComponentId == "acl-0792adae678b88f85" && h.RuleNumber == 100);
    }

    [Fact]
    public void Nat_gateway_drops_unsolicited_inbound_and_private_instance_has_no_public_address()
    {
        var a = Load("test-nat-gateway");
        var viaNat = a.Analyze("Internet", "3.135.127.225", Traffic.Tcp(22));
        ReachabilityAssert.Blocked(viaNat, ExplanationCodes.NatUnsolicitedInbound);
        var direct = a.Analyze("Internet", "i-0a128d26e59be60f3", Traffic.Tcp(22));
        ReachabilityAssert.Blocked(direct, ExplanationCodes.NoPublicAddress);
    }

    [Fact]
    public void Nat_public_instance_is_exposed_on_ssh_only()
    {
        var a = Load("test-nat-gateway");
        var eni = a.Index.NetworkInterfaces["eni-068fb5a0a9a57f23c"];
        Assert.Equal(Verdict.Reachable, a.FromInternet(eni, Traffic.Tcp(22)).Verdict);
        var http = a.FromInternet(eni, Traffic.Tcp(80));
        ReachabilityAssert.Blocked(http, ExplanationCodes.SecurityGroupRules);
    }

    [Fact]
    public void Nat_isolated_subnet_has_no_route_out()
    {
        var r = Load("test-nat-gateway").Analyze("i-0a73a1a6021c03ddb", "Internet", Traffic.Tcp(443));
        ReachabilityAssert.Blocked(r, ExplanationCodes.NoRoute, "rtb-0e169c4a1e0b27b55");
    }
}
