using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// SEMANTICS 0: a rule, entry or route the analyser cannot interpret makes every answer it could change Unknown,
/// naming it and where it came from; one that provably cannot change the answer does not. Security groups are a
/// union of allows (a broken rule can only add permission), NACLs are first match by rule number (a broken entry
/// matters only before the deciding one), routes are longest prefix (a broken route could be the longest match).
/// </summary>
public class SoundnessTests
{
    private const string Uninterpretable = ExplanationCodes.UninterpretableEntry;

    /// <summary><see cref="TestNetwork.TwoSubnets"/> with an internet gateway and i-b on 54.2.2.2, whose group opens SSH to the world.</summary>
    private static TestNetwork PublicSsh(IpPermission ssh)
    {
        var pub = new NetworkInterfaceAssociation { PublicIp = "54.2.2.2" };
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [ssh] };
        n.Enis[1] = n.Enis[1] with { Association = pub, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.2.20", Association = pub }] };
        return n;
    }

    private static readonly IpPermission Ssh = Tcp(22, "0.0.0.0/0");

    private static readonly Dictionary<string, (IpPermission Rule, string Field)> BrokenSsh = new()
    {
        ["a prefix length past 32"] = (Ssh with { IpRanges = [new IpRange { CidrIp = "0.0.0.0/33" }] }, "IpPermissions[0].IpRanges[0].CidrIp"),
        ["an IPv6 CIDR in CidrIp"] = (Ssh with { IpRanges = [new IpRange { CidrIp = "::/0" }] }, "IpPermissions[0].IpRanges[0].CidrIp"),
        ["an empty CidrIp (a key in the wrong case)"] = (Ssh with { IpRanges = [new IpRange()] }, "IpPermissions[0].IpRanges[0].CidrIp"),
        ["an unknown protocol"] = (Ssh with { IpProtocol = "garbage" }, "IpPermissions[0].IpProtocol"),
        ["an empty protocol"] = (Ssh with { IpProtocol = "" }, "IpPermissions[0].IpProtocol"),
        ["protocol 300"] = (Ssh with { IpProtocol = "300" }, "IpPermissions[0].IpProtocol"),
        ["FromPort 65536"] = (Ssh with { FromPort = 65536, ToPort = 65536 }, "IpPermissions[0].FromPort"),
        ["FromPort above ToPort"] = (Ssh with { FromPort = 23, ToPort = 22 }, "IpPermissions[0].FromPort"),
        ["a prefix list without an id"] = (Ssh with { IpRanges = [], PrefixListIds = [new PrefixListReference { PrefixListId = null! }] }, "IpPermissions[0].PrefixListIds[0].PrefixListId"),
    };

    public static TheoryData<string> BrokenSshRules => new(BrokenSsh.Keys);

    [Theory]
    [MemberData(nameof(BrokenSshRules))]
    public void A_security_group_rule_that_cannot_be_read_makes_the_port_unknown_naming_it(string what)
    {
        var (rule, field) = BrokenSsh[what];
        var r = PublicSsh(rule).Analyzer().Analyze("Internet", "i-b", Traffic.Tcp(22));
        Assert.True(r.Verdict == Verdict.Unknown && r.ExplanationCode == Uninterpretable && r.BlockingComponent == "sg-db" && r.BlockingRuleNumber == 0,
            $"{what}: {r.Explain()}");
        Assert.Contains($"sg-db {field}", r.Reason);
    }

    [Fact]
    public void A_cidr_of_the_other_family_in_a_rule_may_admit_either_family()
    {
        // "::/0" in IpRanges: which family it was meant for cannot be told, so an IPv6 client may be admitted too.
        var https = new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, IpRanges = [new IpRange { CidrIp = "::/0" }] };
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56").Subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64")
            .Group("sg-web", "vpc-6", [https]).Eni("eni-web", "subnet-6", "10.6.1.10", ["sg-web"], "i-web", ipv6: "2600:1f18:1:1::10")
            .Igw("igw-6", "vpc-6").MainRoutes("vpc-6", To("::/0", gateway: "igw-6"));
        var r = n.Analyzer().Analyze("2001:db8::1", "2600:1f18:1:1::10", Traffic.Tcp(443));
        Assert.True(r.Verdict == Verdict.Unknown && r.ExplanationCode == Uninterpretable, r.Explain());
        Assert.Contains("sg-web IpPermissions[0].IpRanges[0].CidrIp", r.Reason);
    }

    [Fact]
    public void A_group_reference_without_a_group_id_is_unknown_where_a_reference_could_match()
    {
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, UserIdGroupPairs = [new UserIdGroupPair { GroupName = "web" }] }] };
        var r = n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, Uninterpretable, "sg-db", verdict: Verdict.Unknown);
        Assert.Contains("sg-db IpPermissions[0].UserIdGroupPairs[0].GroupId", r.Reason);
        // From the internet no reference can match (the gateway translates the source): the group refuses it for sure.
        var pub = PublicSsh(n.SecurityGroups[1].IpPermissions[0] with { FromPort = 22, ToPort = 22 });
        ReachabilityAssert.Blocked(pub.Analyzer().Analyze("Internet", "i-b", Traffic.Tcp(22)), ExplanationCodes.SecurityGroupRules, "sg-db");
    }

    [Fact]
    public void A_broken_rule_beside_a_valid_allow_leaves_the_path_reachable()
    {
        var n = PublicSsh(Ssh with { IpRanges = [new IpRange { CidrIp = "0.0.0.0/33" }] });
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [.. n.SecurityGroups[1].IpPermissions, Ssh] };
        var r = n.Analyzer().Analyze("Internet", "i-b", Traffic.Tcp(22));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "sg-db" && h.RuleNumber == 1);
    }

    [Fact]
    public void A_broken_rule_whose_readable_parts_exclude_the_traffic_cannot_change_the_answer()
    {
        // TCP with an unreadable port range says nothing about UDP; an unreadable IPv4 range nothing about IPv6.
        var a = PublicSsh(Ssh with { FromPort = 65536, ToPort = 65536 }).Analyzer();
        ReachabilityAssert.Blocked(a.Analyze("Internet", "i-b", Traffic.Udp(22)), ExplanationCodes.SecurityGroupRules, "sg-db");
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56").Subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64").Igw("igw-6", "vpc-6")
            .Group("sg-web", "vpc-6", [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, IpRanges = [new IpRange { CidrIp = "0.0.0.0/33" }] }])
            .Eni("eni-web", "subnet-6", "10.6.1.10", ["sg-web"], "i-web", ipv6: "2600:1f18:1:1::10")
            .MainRoutes("vpc-6", To("::/0", gateway: "igw-6"));
        ReachabilityAssert.Blocked(n.Analyzer().Analyze("2001:db8::7", "2600:1f18:1:1::10", Traffic.Tcp(22)), ExplanationCodes.SecurityGroupRules, "sg-web");
    }

    [Theory]
    [InlineData("10.0.1.0/33", "tcp")]
    [InlineData("10.0.1.0/24", "garbage")]
    [InlineData("2600::/64", "tcp")]
    public void A_nacl_deny_that_cannot_be_read_before_the_allow_makes_the_path_unknown(string cidr, string protocol)
    {
        var deny = Entry(90, false, "deny", "0.0.0.0/0", protocol, 5432) with { CidrBlock = cidr };
        var n = TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"], deny, Entry(100, false, "allow"), Entry(100, true, "allow"));
        var r = n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Unknown && r.ExplanationCode == Uninterpretable && r.BlockingComponent == "acl-b" && r.BlockingRuleNumber == 90, r.Explain());
        Assert.Contains("acl-b inbound entry 90", r.Reason);
    }

    [Fact]
    public void A_broken_nacl_entry_after_the_deciding_entry_or_excluded_by_its_readable_parts_cannot_matter()
    {
        var after = TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"], Entry(100, false, "allow"), Entry(200, false, "deny", "0.0.0.0/0", "garbage"), Entry(100, true, "allow"));
        Assert.Equal(Verdict.Reachable, after.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432)).Verdict);
        var udp = TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"], Entry(90, false, "deny", "0.0.0.0/0", "udp") with { CidrBlock = "10.0.1.0/33" },
            Entry(100, false, "allow"), Entry(100, true, "allow"));
        Assert.Equal(Verdict.Reachable, udp.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432)).Verdict);
        // A deny that cannot be read, before a deny that decides anyway: blocked whatever it says.
        var denied = TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"], Entry(90, false, "deny", "0.0.0.0/0", "garbage"), Entry(95, false, "deny"), Entry(100, true, "allow"));
        ReachabilityAssert.Blocked(denied.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432)), ExplanationCodes.SubnetAcl, "acl-b");
    }

    [Fact]
    public void A_route_whose_destination_cannot_be_read_could_be_the_longest_match()
    {
        var n = TwoSubnets().Routes("rtb-a", "vpc-a", ["subnet-a"], To("10.0.2.0/33", nat: "nat-x"));
        var r = n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Unknown && r.ExplanationCode == Uninterpretable && r.BlockingComponent == "rtb-a", r.Explain());
        Assert.Contains("10.0.2.0/33", r.Reason);
        // An unreadable IPv6 destination says nothing about IPv4 traffic.
        var v6 = TwoSubnets().Routes("rtb-a", "vpc-a", ["subnet-a"], To("2600::/200", nat: "nat-x"));
        Assert.Equal(Verdict.Reachable, v6.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(5432)).Verdict);
    }

    [Fact]
    public void A_peering_cidr_that_cannot_be_read_makes_an_address_it_might_hold_unknown()
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24")
            .Group("sg-a", "vpc-a").Group("sg-b", "vpc-b", [Tcp(22, "10.0.0.0/16")])
            .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-a"], "i-a").Eni("eni-b", "subnet-b", "10.1.1.20", ["sg-b"], "i-b")
            .Peering("pcx-1", "vpc-a", "vpc-b")
            .MainRoutes("vpc-a", To("10.1.0.0/16", pcx: "pcx-1")).MainRoutes("vpc-b", To("10.0.0.0/16", pcx: "pcx-1"));
        n.Peerings[0] = n.Peerings[0] with { AccepterVpcInfo = n.Peerings[0].AccepterVpcInfo! with { CidrBlock = "10.1.0.0/33" } };
        var r = n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(22));
        ReachabilityAssert.Blocked(r, Uninterpretable, "pcx-1", verdict: Verdict.Unknown);
        Assert.Contains("pcx-1 AccepterVpcInfo.CidrBlock", r.Reason);
    }

    [Fact]
    public void A_source_in_a_peer_account_admitted_only_by_a_reference_to_its_group_is_unknown()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("10.9.0.0/16", pcx: "pcx-x"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TcpFromGroup(5432, "sg-peer", "pcx-x", "active") with { UserIdGroupPairs = [new UserIdGroupPair { GroupId = "sg-peer", UserId = "222222222222", VpcId = "vpc-x", VpcPeeringConnectionId = "pcx-x", PeeringStatus = "active" }] }] };
        n.Peerings.Add(new VpcPeeringConnection
        {
            VpcPeeringConnectionId = "pcx-x", Status = new PeeringStatus { Code = "active" },
            RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-x", OwnerId = "222222222222", Region = "us-east-1", CidrBlock = "10.9.0.0/16" },
            AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = "vpc-a", OwnerId = "111111111111", Region = "us-east-1", CidrBlock = "10.0.0.0/16" },
        });
        var r = n.Analyzer().Analyze("10.9.3.3", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.UnknownPeeredGroups, "sg-db", verdict: Verdict.Unknown);
        // A reference to a group of this snapshot does not admit an address no ENI of the snapshot holds.
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TcpFromGroup(5432, "sg-client")] };
        ReachabilityAssert.Blocked(n.Analyzer().Analyze("10.9.3.3", "i-b", Traffic.Tcp(5432)), ExplanationCodes.SecurityGroupRules, "sg-db");
    }

    [Fact]
    public void An_eni_without_a_subnet_is_unknown_with_its_id_as_source_destination_and_fan_out_source()
    {
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        var pub = new NetworkInterfaceAssociation { PublicIp = "54.2.2.2" };
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "0.0.0.0/0")] };
        n.Enis[1] = n.Enis[1] with { SubnetId = null, Association = pub, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.2.20", Association = pub }] };
        n.Enis[0] = n.Enis[0] with { SubnetId = null };
        var a = n.Analyzer();
        ReachabilityAssert.Blocked(a.Analyze("Internet", "i-b", Traffic.Tcp(5432)), ExplanationCodes.ComponentNotInSnapshot, "eni-b", verdict: Verdict.Unknown);
        ReachabilityAssert.Blocked(a.Analyze("i-a", "Internet", Traffic.Tcp(443)), ExplanationCodes.ComponentNotInSnapshot, "eni-a", verdict: Verdict.Unknown);
        var fan = new ReachabilityFanOut(a);
        var row = Assert.Single(fan.WhoCanReach("54.2.2.2", Traffic.Tcp(5432), fan.SourcesMatching("*")!), s => s.Source == "eni-a");
        Assert.Equal(Verdict.Unknown, row.Verdict);
    }

    /// <summary>The network with a section left out as a capture leaves it out: not in the captured list, and empty.</summary>
    private static SnapshotIndex Without(TestNetwork n, string section)
    {
        var region = n.Build().Snapshot.Regions[0];
        region = section switch
        {
            Section.Vpcs => region with { Vpcs = [] },
            Section.Subnets => region with { Subnets = [] },
            Section.NatGateways => region with { NatGateways = [] },
            _ => throw new ArgumentOutOfRangeException(nameof(section)),
        };
        return new SnapshotIndex(new VpcSnapshot { Regions = [region with { CapturedSections = region.CapturedSections.Where(s => s != section).ToHashSet() }] });
    }

    [Fact]
    public void Without_the_vpcs_a_local_route_and_a_nat_gateways_sources_cannot_be_told()
    {
        // The local route covers the VPC's associated blocks: without the VPC, whether it covers 10.0.2.20 is unknown, not "no route".
        var local = new ReachabilityAnalyzer(Without(TwoSubnets(), Section.Vpcs)).Analyze("i-a", "i-b", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(local, Uninterpretable, "rtb-main-vpc-a", verdict: Verdict.Unknown);
        Assert.Contains("vpc-a is not in the snapshot", local.Reason);
        var n = TwoSubnets().Subnet("subnet-pub", "vpc-a", "10.0.0.0/24").Igw("igw-1", "vpc-a")
            .Eni("eni-nat", "subnet-pub", "10.0.0.5", [], publicIp: "3.3.3.3", interfaceType: "nat_gateway", sourceDestCheck: false)
            .Routes("rtb-pub", "vpc-a", ["subnet-pub"], To("0.0.0.0/0", gateway: "igw-1")).Routes("rtb-priv", "vpc-a", ["subnet-a"], To("0.0.0.0/0", nat: "nat-1"))
            .With(x => x.NatGateways.Add(new NatGateway
            {
                NatGatewayId = "nat-1", VpcId = "vpc-a", SubnetId = "subnet-pub", State = "available",
                NatGatewayAddresses = [new NatGatewayAddress { NetworkInterfaceId = "eni-nat", PrivateIp = "10.0.0.5", PublicIp = "3.3.3.3", IsPrimary = true }],
            }));
        Assert.Equal(Verdict.Reachable, n.Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443)).Verdict);
        ReachabilityAssert.Blocked(new ReachabilityAnalyzer(Without(n, Section.Vpcs)).Analyze("i-a", "Internet", Traffic.Tcp(443)),
            ExplanationCodes.ComponentNotInSnapshot, "nat-1", verdict: Verdict.Unknown);
    }

    [Fact]
    public void Without_the_subnets_an_address_entering_a_vpc_is_not_called_unassigned()
    {
        var n = OnPremisesTests.Vgw("available");
        Assert.Equal(Verdict.Reachable, n.Analyzer().Analyze("192.168.1.9", "10.0.2.20", Traffic.Tcp(5432)).Verdict);
        var r = new ReachabilityAnalyzer(Without(n, Section.Subnets)).Analyze("192.168.1.9", "10.0.2.20", Traffic.Tcp(5432));
        ReachabilityAssert.Blocked(r, ExplanationCodes.SectionNotCaptured, Section.Subnets, verdict: Verdict.Unknown);
    }

    [Fact]
    public void The_aws_time_service_over_ipv6_is_a_vpc_provided_service()
    {
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56").Subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64")
            .Group("sg-web", "vpc-6", [], []).Eni("eni-web", "subnet-6", "10.6.1.10", ["sg-web"], "i-web", ipv6: "2600:1f18:1:1::10");
        var a = n.Analyzer();
        foreach (var service in new[] { "fd00:ec2::123", "fd00:ec2::254", "fd00:ec2::253", "169.254.169.123" })
            Assert.True(a.Analyze("i-web", service, Traffic.Udp(123)).Verdict == Verdict.Reachable, service);
    }
}
