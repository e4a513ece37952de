using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Reachability;

/// <summary>One test per item of SEMANTICS.md 1-22: each fails if the analyser breaks that rule.</summary>
public class SemanticsTests
{
    private static ReachabilityResult Db(TestNetwork n, int port = 5432) => n.Analyzer().Analyze("i-a", "i-b", Traffic.Tcp(port));

    [Fact]
    public void S01_allow_rules_only_and_no_outbound_rules_means_no_egress()
    {
        Assert.Equal(Verdict.Reachable, Db(TwoSubnets()).Verdict);
        var n = TwoSubnets();
        n.SecurityGroups[0] = n.SecurityGroups[0] with { IpPermissionsEgress = [] };
        var r = Db(n);
        ReachabilityAssert.Blocked(r, ExplanationCodes.SecurityGroupRules, "sg-client");
        Assert.Equal(Verdict.NotReachable, Db(TwoSubnets(), 22).Verdict); // no inbound rule for 22
    }

    [Fact]
    public void S02_groups_on_an_eni_are_unioned()
    {
        var n = TwoSubnets().Group("sg-extra", "vpc-a", [Tcp(22, "10.0.1.0/24")]);
        Assert.Equal(Verdict.NotReachable, Db(n, 22).Verdict);
        n.Enis[1] = n.Enis[1] with { Groups = [new GroupIdentifier { GroupId = "sg-db" }, new GroupIdentifier { GroupId = "sg-extra" }] };
        var r = Db(n, 22);
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.Contains(r.ForwardPath, h => h.ComponentId == "sg-extra" && h.RuleNumber == 0);
    }

    [Fact]
    public void S03_stateful_response_needs_no_rule_the_other_way()
    {
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissionsEgress = [] }; // db: no outbound at all
        var r = Db(n);
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.DoesNotContain(r.ReturnPath, h => h.ComponentType == ComponentKind.SecurityGroup);
    }

    [Fact]
    public void S04_group_reference_matches_private_addresses_of_member_enis_only()
    {
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TcpFromGroup(5432, "sg-client")] };
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        n.Enis[0] = n.Enis[0] with { Groups = [new GroupIdentifier { GroupId = "sg-other" }] };
        n.Group("sg-other", "vpc-a");
        Assert.Equal(ExplanationCodes.SecurityGroupRules, Db(n).ExplanationCode);
    }

    [Theory]
    [InlineData("111111111111/sg-client", null, Verdict.Reachable)]
    [InlineData("111111111111/sg-client", "111111111111", Verdict.Reachable)]
    [InlineData("111111111111/sg-other", null, Verdict.NotReachable)]
    [InlineData("222222222222/sg-client", "111111111111", Verdict.Unknown)]
    [InlineData("111111111111/sg-client/x", null, Verdict.Unknown)]
    public void S04_a_group_written_account_slash_id_is_that_group(string written, string? userId, Verdict expected)
    {
        // The console's way of writing another account's group: compared as text it matched no interface, and admitted nobody.
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with
        {
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, UserIdGroupPairs = [new UserIdGroupPair { GroupId = written, UserId = userId }] }],
        };
        var r = Db(n);
        Assert.Equal(expected, r.Verdict);
        if (expected == Verdict.Unknown) Assert.Equal((ExplanationCodes.UninterpretableEntry, "sg-db"), (r.ExplanationCode, r.BlockingComponent));
        // The fan-out reads the reference the same way.
        var analyzer = n.Analyzer();
        Assert.Equal(expected, new ReachabilityFanOut(analyzer).WhoCanReach("i-b", Traffic.Tcp(5432), [analyzer.Index.NetworkInterfaces["eni-a"]]).Single().Verdict);
    }

    [Fact]
    public void S04_group_reference_across_peering_needs_an_active_peering_and_no_stale_rule()
    {
        TestNetwork Build(string status, string? pairStatus) => new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24")
            .Group("sg-client", "vpc-a").Group("sg-db", "vpc-b", [TcpFromGroup(5432, "sg-client", "pcx-1", pairStatus)])
            .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-client"], "i-a").Eni("eni-b", "subnet-b", "10.1.1.20", ["sg-db"], "i-b")
            .Peering("pcx-1", "vpc-a", "vpc-b", status)
            .MainRoutes("vpc-a", To("10.1.0.0/16", pcx: "pcx-1")).MainRoutes("vpc-b", To("10.0.0.0/16", pcx: "pcx-1"));
        Assert.Equal(Verdict.Reachable, Db(Build("active", "active")).Verdict);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, Db(Build("active", "deleted")).ExplanationCode);
        Assert.Equal(ExplanationCodes.PeeringNotActive, Db(Build("deleted", null)).ExplanationCode);
    }

    [Theory]
    [InlineData(null, "Status.Code is missing")]
    [InlineData("garbage", "Status.Code 'garbage' is not a peering state")]
    public void S00_a_peering_whose_state_cannot_be_read_is_unknown_not_blocked(string? status, string why)
    {
        var n = new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24")
            .Group("sg-client", "vpc-a").Group("sg-db", "vpc-b", [Tcp(5432, "10.0.0.0/16")])
            .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-client"], "i-a").Eni("eni-b", "subnet-b", "10.1.1.20", ["sg-db"], "i-b")
            .Peering("pcx-1", "vpc-a", "vpc-b", "provisioning")
            .MainRoutes("vpc-a", To("10.1.0.0/16", pcx: "pcx-1")).MainRoutes("vpc-b", To("10.0.0.0/16", pcx: "pcx-1"));
        // A state EC2 documents as carrying nothing blocks; one that is absent or not EC2's may be active: Unknown, naming it.
        Assert.Equal(ExplanationCodes.PeeringNotActive, Db(n).ExplanationCode);
        n.Peerings[0] = n.Peerings[0] with { Status = status is null ? null : new PeeringStatus { Code = status } };
        var r = Db(n);
        Assert.Equal((Verdict.Unknown, ExplanationCodes.UninterpretableEntry, "pcx-1"), (r.Verdict, r.ExplanationCode, r.BlockingComponent));
        Assert.Contains(why, r.ForwardPath.Single(h => h.Result == HopResult.Unknown).Detail);
    }

    [Fact]
    public void S00_an_address_two_interfaces_of_one_vpc_hold_is_unknown_naming_both()
    {
        // A capture taken while the address moved: the first interface in the file received it, and its groups decided.
        var n = TwoSubnets().Group("sg-other", "vpc-a").Eni("eni-moved", "subnet-b", "10.0.2.20", ["sg-other"]);
        foreach (var destination in new[] { "10.0.2.20", "i-b", "eni-moved" })
        {
            var r = n.Analyzer().Analyze("i-a", destination, Traffic.Tcp(5432));
            Assert.Equal((Verdict.Unknown, ExplanationCodes.UninterpretableEntry, "subnet-b"), (r.Verdict, r.ExplanationCode, r.BlockingComponent));
            Assert.Contains("10.0.2.20 is held by eni-b, eni-moved in vpc-a", r.Reason);
        }
        var analyzer = n.Analyzer();
        var fan = new ReachabilityFanOut(analyzer).WhoCanReach("i-b", Traffic.Tcp(5432), [analyzer.Index.NetworkInterfaces["eni-a"]]).Single();
        Assert.Equal((Verdict.Unknown, "subnet-b"), (fan.Verdict, fan.BlockingComponent));
    }

    [Fact]
    public void S04_group_reference_never_matches_a_public_address_and_unresolvable_references_are_unknown()
    {
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.Enis[0] = n.Enis[0] with { Association = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" }, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.1.10", Association = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" } }] };
        n.Enis[1] = n.Enis[1] with { Association = new NetworkInterfaceAssociation { PublicIp = "54.2.2.2" }, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.2.20", Association = new NetworkInterfaceAssociation { PublicIp = "54.2.2.2" } }] };
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TcpFromGroup(5432, "sg-client")] };
        var a = n.Analyzer();
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "10.0.2.20", Traffic.Tcp(5432)).Verdict);
        var viaPublic = a.Analyze("i-a", "54.2.2.2", Traffic.Tcp(5432));
        Assert.Equal(Verdict.NotReachable, viaPublic.Verdict);
        Assert.Equal("sg-db", viaPublic.BlockingComponent);
        // An address in a peered account whose ENIs were not captured: the reference to its group cannot be decided.
        var foreign = new SecurityGroupPeer(IpAddress.Parse("10.9.0.5"), null, ReferencesPreserved: true);
        var sg = new SecurityGroup { GroupId = "sg-db2", IpPermissions = [TcpFromGroup(5432, "sg-0foreign")] };
        var index = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Build();
        var eni = new NetworkInterface { NetworkInterfaceId = "eni-x", Groups = [new GroupIdentifier { GroupId = "sg-db2" }] };
        var idx2 = new SnapshotIndex(new VpcSnapshot { Regions = [index.Snapshot.Regions[0] with { SecurityGroups = [sg], NetworkInterfaces = [eni] }] });
        var d = SecurityGroupEvaluator.Evaluate(idx2, eni, ingress: true, foreign, Traffic.Tcp(5432));
        Assert.Equal(HopResult.Unknown, d.Result);
        Assert.Equal(ExplanationCodes.UnknownPeeredGroups, d.ExplanationCode);
    }

    [Fact]
    public void S04_group_reference_across_tgw_needs_referencing_support_on_tgw_and_attachments()
    {
        ReachabilityResult Run(string support)
        {
            var n = TgwPair(support);
            n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TcpFromGroup(5432, "sg-client")] };
            return Db(n);
        }
        Assert.Equal(Verdict.Reachable, Run("enable").Verdict);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, Run("disable").ExplanationCode);
    }

    [Fact]
    public void S05_prefix_list_rules_expand_and_missing_entries_are_unknown()
    {
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, PrefixListIds = [new PrefixListReference { PrefixListId = "pl-1" }] }] };
        n.PrefixLists.Add(new ManagedPrefixList { PrefixListId = "pl-1" });
        var unknown = Db(n);
        ReachabilityAssert.Blocked(unknown, ExplanationCodes.PrefixListEntriesMissing, null, verdict: Verdict.Unknown);
        n.PrefixListEntries.Add(new PrefixListEntries { PrefixListId = "pl-1", Entries = [new PrefixListEntry { Cidr = "10.0.1.0/24" }] });
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        n.PrefixListEntries[0] = new PrefixListEntries { PrefixListId = "pl-1", Entries = [new PrefixListEntry { Cidr = "10.0.3.0/24" }] };
        Assert.Equal(Verdict.NotReachable, Db(n).Verdict);
    }

    [Fact]
    public void S06_protocol_numbers_names_all_and_icmp_type_code()
    {
        var n = TwoSubnets();
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [new IpPermission { IpProtocol = "6", FromPort = 5432, ToPort = 5432, IpRanges = [new IpRange { CidrIp = "10.0.0.0/16" }] }, new IpPermission { IpProtocol = "icmp", FromPort = 8, ToPort = 0, IpRanges = [new IpRange { CidrIp = "10.0.0.0/16" }] }] };
        var a = n.Analyzer();
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "i-b", Traffic.Tcp(5432)).Verdict);
        Assert.Equal(Verdict.NotReachable, a.Analyze("i-a", "i-b", Traffic.Udp(5432)).Verdict);
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "i-b", new Traffic(IpProtocol.Icmp, null, 8, 0)).Verdict);
        Assert.Equal(Verdict.NotReachable, a.Analyze("i-a", "i-b", new Traffic(IpProtocol.Icmp, null, 13, 0)).Verdict);
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [new IpPermission { IpProtocol = "-1", IpRanges = [new IpRange { CidrIp = "10.0.1.10/32" }] }] };
        Assert.Equal(Verdict.Reachable, n.Analyzer().Analyze("i-a", "i-b", Traffic.Udp(53)).Verdict);
    }

    [Fact]
    public void S07_default_nacl_allows_and_a_new_custom_nacl_denies()
    {
        var n = TwoSubnets();
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        n.Acl("acl-new", "vpc-a", ["subnet-b"], Entry(32767, false, "deny"), Entry(32767, true, "deny"));
        var r = Db(n);
        ReachabilityAssert.Blocked(r, ExplanationCodes.SubnetAcl, "acl-new");
        Assert.Equal(32767, r.BlockingRuleNumber);
    }

    [Fact]
    public void S08_entries_are_sorted_by_rule_number_and_families_are_separate()
    {
        var n = TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"],
            Entry(200, false, "allow"), Entry(100, false, "deny", "10.0.1.0/24", "tcp", 5432), Entry(50, false, "deny", "::/0"),
            Entry(32767, false, "deny"), Entry(100, true, "allow"), Entry(32767, true, "deny"));
        var r = Db(n);
        Assert.Equal(Verdict.NotReachable, r.Verdict);
        Assert.Equal(100, r.BlockingRuleNumber);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, Db(n, 22).ExplanationCode); // the NACL's 5432 deny does not catch 22; the SG does
        Assert.Equal(100, NetworkAclEvaluator.ForSubnet(n.Build(), "subnet-b", false, IpAddress.Parse("10.0.1.10"), Traffic.Tcp(5432))!.RuleNumber);
        var acl = n.NetworkAcls.Single(a => a.NetworkAclId == "acl-b");
        // The IPv6 deny at 50 does not touch IPv4 traffic: 10.0.3.1 falls through to 200 allow.
        Assert.True(NetworkAclEvaluator.Evaluate(acl, false, IpAddress.Parse("10.0.3.1"), Traffic.Tcp(5432)).Allowed);
        Assert.Equal(50, NetworkAclEvaluator.Evaluate(acl, false, IpAddress.Parse("2600::1"), Traffic.Tcp(5432)).RuleNumber);
    }

    [Fact]
    public void S09_stateless_return_checks_the_clients_ephemeral_range()
    {
        // The db subnet may answer only to 49152-65535: Windows clients pass, Linux clients (32768-60999) do not.
        TestNetwork Build(string? platform) => TwoSubnets().Acl("acl-b", "vpc-a", ["subnet-b"],
            Entry(100, false, "allow"), Entry(100, true, "allow", "0.0.0.0/0", "tcp", 49152, 65535), Entry(32767, true, "deny"));
        var linux = Db(Build(null));
        Assert.Equal(Verdict.NotReachable, linux.Verdict);
        Assert.Equal(PathDirection.Return, linux.BlockingDirection);
        Assert.Equal("acl-b", linux.BlockingComponent);
        Assert.Equal("Linux", Assert.Single(linux.ReturnEphemeralRanges).Client);
        var n = Build(null);
        n.Reservations[0] = new Reservation { Instances = [new Instance { InstanceId = "i-a", Platform = "windows" }] };
        Assert.Equal(Verdict.Reachable, Db(n).Verdict);
        // A client of unknown kind: every range is reported, and the path counts as open for the ones that pass.
        var m = Build(null);
        m.Reservations.Clear();
        var r = Db(m);
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.Equal(3, r.ReturnEphemeralRanges.Count);
        Assert.Equal(Verdict.Reachable, r.ReturnEphemeralRanges.Single(c => c.Client == "Windows").Verdict);
        Assert.Equal(Verdict.NotReachable, r.ReturnEphemeralRanges.Single(c => c.Client == "Linux").Verdict);
    }

    [Fact]
    public void S10_nacls_never_apply_within_one_subnet_nor_to_the_dns_resolver()
    {
        var n = TwoSubnets().Acl("acl-deny", "vpc-a", ["subnet-a"], Entry(32767, false, "deny"), Entry(32767, true, "deny"));
        n.Eni("eni-c", "subnet-a", "10.0.1.30", ["sg-db"], "i-c");
        var a = n.Analyzer();
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "i-c", Traffic.Tcp(5432)).Verdict);
        Assert.Equal(ExplanationCodes.SubnetAcl, a.Analyze("i-a", "i-b", Traffic.Tcp(5432)).ExplanationCode);
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "10.0.0.2", Traffic.Udp(53)).Verdict);
    }

    [Fact]
    public void S11_explicit_route_table_beats_the_main_table()
    {
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.Enis[0] = n.Enis[0] with { PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.1.10", Association = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" } }] };
        Assert.Equal(Verdict.Reachable, n.Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443)).Verdict);
        n.Routes("rtb-private", "vpc-a", ["subnet-a"]);
        var index = n.Build();
        var r = new ReachabilityAnalyzer(index).Analyze("i-a", "Internet", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.NoRoute, r.ExplanationCode);
        Assert.Equal("rtb-private", r.BlockingComponent);
        Assert.Equal(HopResult.Denied, RouteLookup.ForSubnet(index, "subnet-a", IpAddress.Parse("8.8.8.8"))!.Result);
        Assert.Equal(RouteTargetKind.InternetGateway, RouteLookup.ForSubnet(index, "subnet-b", IpAddress.Parse("8.8.8.8"))!.Target);
    }

    [Fact]
    public void S12_longest_prefix_per_family_and_local_only_for_associated_cidrs()
    {
        var index = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16", "2600:1f18::/56").Build();
        var table = new RouteTable
        {
            RouteTableId = "rtb-t", VpcId = "vpc-a", Routes =
            [
                To("10.0.0.0/16", gateway: "local"), To("10.5.0.0/16", gateway: "local"), To("0.0.0.0/0", gateway: "igw-1"), To("10.0.0.0/8", tgw: "tgw-1"),
                To("10.0.3.0/24", eni: "eni-fw"), To("::/0", eigw: "eigw-1"), To("2600:1f18::/56", gateway: "local"),
            ],
        };
        Assert.Equal(4, RouteLookup.Find(index, table, IpAddress.Parse("10.0.3.7")).Index);
        Assert.Equal(0, RouteLookup.Find(index, table, IpAddress.Parse("10.0.4.7")).Index);
        Assert.Equal(3, RouteLookup.Find(index, table, IpAddress.Parse("10.5.0.1")).Index); // 10.5/16 is not an associated block
        Assert.Equal(2, RouteLookup.Find(index, table, IpAddress.Parse("8.8.8.8")).Index);
        Assert.Equal(5, RouteLookup.Find(index, table, IpAddress.Parse("2001:db8::1")).Index);
        Assert.Equal(6, RouteLookup.Find(index, table, IpAddress.Parse("2600:1f18::9")).Index);
    }

    [Fact]
    public void S13_static_beats_propagated_and_propagated_never_beats_local()
    {
        var index = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Build();
        var table = new RouteTable
        {
            RouteTableId = "rtb-t", VpcId = "vpc-a", Routes =
            [
                To("10.0.0.0/16", gateway: "local"), To("172.16.0.0/12", gateway: "vgw-1", origin: "EnableVgwRoutePropagation"),
                To("172.16.0.0/12", tgw: "tgw-1"), To("10.0.9.0/24", gateway: "vgw-1", origin: "EnableVgwRoutePropagation"),
            ],
        };
        Assert.Equal(2, RouteLookup.Find(index, table, IpAddress.Parse("172.16.1.1")).Index);
        Assert.Equal(0, RouteLookup.Find(index, table, IpAddress.Parse("10.0.9.1")).Index);
    }

    [Fact]
    public void S14_blackhole_route_drops()
    {
        var n = TwoSubnets().MainRoutes("vpc-a", To("0.0.0.0/0", nat: "nat-gone", state: "blackhole"));
        var r = n.Analyzer().Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.BadStateRoute, r.ExplanationCode);
        Assert.Equal(1, r.BlockingRuleNumber);
    }

    [Fact]
    public void S15_unmodelled_targets_are_unknown_and_gateway_endpoints_reach_their_service()
    {
        Assert.Equal(ExplanationCodes.ComponentNotModelled, Out(To("0.0.0.0/0", gateway: "vgw-1")).ExplanationCode);
        var lgw = Out(new Route { DestinationCidrBlock = "0.0.0.0/0", LocalGatewayId = "lgw-1", State = "active" });
        Assert.Equal(Verdict.Unknown, lgw.Verdict);
        Assert.Equal("lgw-1", lgw.BlockingComponent);
        var n = TwoSubnets().MainRoutes("vpc-a", To("", gateway: "vpce-s3", prefixList: "pl-s3"), To("0.0.0.0/0", gateway: "vpce-gwlb"));
        n.PrefixLists.Add(new ManagedPrefixList { PrefixListId = "pl-s3", Cidrs = ["52.216.0.0/15"] });
        n.Endpoints.Add(new VpcEndpoint { VpcEndpointId = "vpce-s3", VpcEndpointType = "Gateway", ServiceName = "com.amazonaws.us-east-1.s3", VpcId = "vpc-a" });
        n.Endpoints.Add(new VpcEndpoint { VpcEndpointId = "vpce-gwlb", VpcEndpointType = "GatewayLoadBalancer", VpcId = "vpc-a" });
        var a = n.Analyzer();
        var s3 = a.Analyze("i-a", "52.216.10.1", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, s3.Verdict);
        Assert.Contains(s3.ForwardPath, h => h.ComponentId == "vpce-s3");
        var gwlb = a.Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(Verdict.Unknown, gwlb.Verdict);
        Assert.Equal("vpce-gwlb", gwlb.BlockingComponent);

        static ReachabilityResult Out(Route r) => TwoSubnets().MainRoutes("vpc-a", r).Analyzer().Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
    }

    [Fact]
    public void S16_peering_is_not_transitive_and_has_no_edge_to_edge()
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16").Vpc("vpc-c", "10.2.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24").Subnet("subnet-c", "vpc-c", "10.2.1.0/24")
            .Group("sg-a", "vpc-a", [Tcp(22, "0.0.0.0/0")]).Group("sg-c", "vpc-c", [Tcp(22, "0.0.0.0/0")])
            .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-a"], "i-a").Eni("eni-c", "subnet-c", "10.2.1.10", ["sg-c"], "i-c")
            .Peering("pcx-ab", "vpc-a", "vpc-b").Peering("pcx-bc", "vpc-b", "vpc-c").Igw("igw-b", "vpc-b")
            .MainRoutes("vpc-a", To("10.0.0.0/8", pcx: "pcx-ab"), To("0.0.0.0/0", pcx: "pcx-ab"))
            .MainRoutes("vpc-b", To("10.2.0.0/16", pcx: "pcx-bc"), To("0.0.0.0/0", gateway: "igw-b"));
        var a = n.Analyzer();
        var transit = a.Analyze("i-a", "i-c", Traffic.Tcp(22));
        Assert.Equal(ExplanationCodes.PeeringCidr, transit.ExplanationCode);
        Assert.Equal("pcx-ab", transit.BlockingComponent);
        var edge = a.Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.PeeringCidr, edge.ExplanationCode);
    }

    [Fact]
    public void S17_tgw_az_without_attachment_subnet_cannot_send()
    {
        var n = TgwPair("disable");
        n.Subnet("subnet-a2", "vpc-a", "10.0.9.0/24", "us-east-1b").Eni("eni-a2", "subnet-a2", "10.0.9.10", ["sg-client"], "i-a2");
        var a = n.Analyzer();
        var ok = a.Analyze("i-a", "i-b", Traffic.Tcp(5432));
        Assert.True(ok.Verdict == Verdict.Reachable, ok.Explain());
        var r = a.Analyze("i-a2", "i-b", Traffic.Tcp(5432));
        Assert.Equal(ExplanationCodes.TgwAzRestriction, r.ExplanationCode);
        Assert.Equal("tgw-attach-a", r.BlockingComponent);
    }

    [Theory]
    [InlineData(0, "garbage", Verdict.Unknown)]
    [InlineData(1, "garbage", Verdict.Unknown)]
    [InlineData(0, "deleted", Verdict.NotReachable)]
    [InlineData(1, "pendingAcceptance", Verdict.NotReachable)]
    [InlineData(0, "Available", Verdict.Reachable)]
    public void S00_an_attachment_state_that_is_not_ec2s_is_unknown_not_missing(int which, string state, Verdict expected)
    {
        // The source side's attachment (0) or the target's (1), in a state EC2 does not have: it was TGW_ATTACHMENT_MISSING.
        var n = TgwPair("disable");
        n.TgwVpcAttachments[which] = n.TgwVpcAttachments[which] with { State = state };
        n.TgwAttachments[which] = n.TgwAttachments[which] with { State = state };
        var r = Db(n);
        Assert.Equal(expected, r.Verdict);
        if (expected == Verdict.Unknown)
        {
            Assert.Equal(ExplanationCodes.UninterpretableEntry, r.ExplanationCode);
            Assert.Contains($"'{state}'", r.Reason);
        }
        if (expected == Verdict.NotReachable) Assert.Equal(ExplanationCodes.TgwAttachmentMissing, r.ExplanationCode);
    }

    [Fact]
    public void S18_tgw_static_beats_propagated_and_blackholes_drop()
    {
        var n = TgwPair("disable");
        Assert.Contains(Db(n).ForwardPath, h => h.ComponentId == "tgw-rtb-1" && h.Rule!.Contains("propagated"));
        n.TgwStaticRoutes.Add(new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = "tgw-rtb-1", Routes = [new TransitGatewayRoute { DestinationCidrBlock = "10.1.0.0/16", Type = "static", State = "blackhole" }] });
        var r = Db(n);
        Assert.Equal(ExplanationCodes.BadStateRoute, r.ExplanationCode);
        Assert.Equal("tgw-rtb-1", r.BlockingComponent);
    }

    [Theory]
    [InlineData("garbage", Verdict.Unknown)]
    [InlineData("detached", Verdict.NotReachable)]
    [InlineData("Attached", Verdict.Reachable)]
    public void S19_an_internet_gateway_attachment_in_a_state_ec2_does_not_have_is_unknown(string state, Verdict expected)
    {
        // It was "not attached" (BAD_STATE_ROUTE).
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.Enis[0] = n.Enis[0] with { Association = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" }, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.1.10", Association = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" } }] };
        n.InternetGateways[0] = n.InternetGateways[0] with { Attachments = [new InternetGatewayAttachment { VpcId = "vpc-a", State = state }] };
        var r = n.Analyzer().Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.True(r.Verdict == expected, r.Explain());
        if (expected == Verdict.Unknown) Assert.Equal((ExplanationCodes.UninterpretableEntry, "igw-1"), (r.ExplanationCode, r.BlockingComponent));
    }

    [Fact]
    public void S19_internet_gateway_needs_a_public_address_both_ways()
    {
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.SecurityGroups[0] = n.SecurityGroups[0] with { IpPermissions = [Tcp(443, "0.0.0.0/0")] };
        var a = n.Analyzer();
        var noPublic = a.Analyze("i-a", "Internet", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.IgwPublicIpForEgress, noPublic.ExplanationCode);
        Assert.Equal("igw-1", noPublic.BlockingComponent);
        Assert.Equal(ExplanationCodes.NoPublicAddress, a.Analyze("Internet", "i-a", Traffic.Tcp(443)).ExplanationCode);
        var pub = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" };
        n.Enis[0] = n.Enis[0] with { Association = pub, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.1.10", Association = pub }] };
        a = n.Analyzer();
        Assert.Equal(Verdict.Reachable, a.Analyze("i-a", "Internet", Traffic.Tcp(443)).Verdict);
        var inbound = a.Analyze("Internet", "i-a", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, inbound.Verdict);
        Assert.Equal("54.1.1.1", inbound.DestinationAddress);
        // A public address alone is not enough: without a route to the IGW the response cannot leave.
        n.Routes("rtb-private", "vpc-a", ["subnet-a"]);
        var noRoute = n.Analyzer().Analyze("Internet", "i-a", Traffic.Tcp(443));
        Assert.Equal(PathDirection.Return, noRoute.BlockingDirection);
        Assert.Equal(ExplanationCodes.NoRoute, noRoute.ExplanationCode);
    }

    [Fact]
    public void S20_nat_gateway_source_in_vpc_protocols_and_its_subnet_acl()
    {
        TestNetwork Build() => TwoSubnets().Subnet("subnet-pub", "vpc-a", "10.0.0.0/24").Igw("igw-1", "vpc-a")
            .Eni("eni-nat", "subnet-pub", "10.0.0.5", [], publicIp: "3.3.3.3", interfaceType: "nat_gateway", sourceDestCheck: false)
            .Routes("rtb-pub", "vpc-a", ["subnet-pub"], To("0.0.0.0/0", gateway: "igw-1"))
            .Routes("rtb-priv", "vpc-a", ["subnet-a"], To("0.0.0.0/0", nat: "nat-1"))
            .With(n => n.NatGateways.Add(new NatGateway
            {
                NatGatewayId = "nat-1", VpcId = "vpc-a", SubnetId = "subnet-pub", State = "available",
                NatGatewayAddresses = [new NatGatewayAddress { NetworkInterfaceId = "eni-nat", PrivateIp = "10.0.0.5", PublicIp = "3.3.3.3", IsPrimary = true }],
            }));
        var ok = Build().Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, ok.Verdict);
        // A state that cannot be read is Unknown, naming it (it was BAD_STATE_ROUTE, "nat-1 is "); a documented one blocks.
        foreach (var (state, verdict) in new[] { ((string?)null, Verdict.Unknown), ("garbage", Verdict.Unknown), ("deleted", Verdict.NotReachable) })
        {
            var changed = Build();
            changed.NatGateways[0] = changed.NatGateways[0] with { State = state };
            var stateOf = changed.Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443));
            Assert.Equal((verdict, "nat-1"), (stateOf.Verdict, stateOf.BlockingComponent));
            Assert.Equal(verdict == Verdict.Unknown ? ExplanationCodes.UninterpretableEntry : ExplanationCodes.BadStateRoute, stateOf.ExplanationCode);
        }
        Assert.Equal(ExplanationCodes.NatProtocol, Build().Analyzer().Analyze("i-a", "Internet", new Traffic(new IpProtocol(47))).ExplanationCode);
        var acl = Build().Acl("acl-pub", "vpc-a", ["subnet-pub"], Entry(100, false, "deny", "10.0.1.0/24"), Entry(200, false, "allow"), Entry(100, true, "allow"));
        var blocked = acl.Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.SubnetAcl, blocked.ExplanationCode);
        Assert.Equal("acl-pub", blocked.BlockingComponent);
        // A source of another VPC arriving over a TGW is translated (centralised egress), and the answer comes back.
        var n = TgwPair("disable").Subnet("subnet-pub", "vpc-b", "10.1.0.0/24", "us-east-1a").Igw("igw-b", "vpc-b")
            .Eni("eni-nat", "subnet-pub", "10.1.0.5", [], publicIp: "3.3.3.3", interfaceType: "nat_gateway")
            .Routes("rtb-att", "vpc-b", ["subnet-b"], To("0.0.0.0/0", nat: "nat-b"))
            .Routes("rtb-pub-b", "vpc-b", ["subnet-pub"], To("0.0.0.0/0", gateway: "igw-b"), To("10.0.0.0/16", tgw: "tgw-1"))
            .With(x => x.NatGateways.Add(new NatGateway { NatGatewayId = "nat-b", VpcId = "vpc-b", SubnetId = "subnet-pub", State = "available", NatGatewayAddresses = [new NatGatewayAddress { NetworkInterfaceId = "eni-nat", PrivateIp = "10.1.0.5", PublicIp = "3.3.3.3" }] }));
        n.TgwStaticRoutes.Add(new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = "tgw-rtb-1", Routes = [new TransitGatewayRoute { DestinationCidrBlock = "0.0.0.0/0", Type = "static", State = "active", TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = "tgw-attach-b", ResourceType = "vpc", ResourceId = "vpc-b" }] }] });
        n.MainRoutes("vpc-a", To("0.0.0.0/0", tgw: "tgw-1"));
        var egress = n.Analyzer().Analyze("i-a", "Internet", Traffic.Tcp(443));
        Assert.Contains(egress.ForwardPath, h => h.ComponentType == ComponentKind.NatGateway && h.Result == HopResult.Allowed);
        Assert.NotEqual(ExplanationCodes.NatSourceNotInVpc, egress.ExplanationCode);
        Assert.True(egress.Verdict == Verdict.Reachable, egress.Explain());
    }

    [Fact]
    public void S21_source_dest_check_on_a_route_target_drops()
    {
        var n = TwoSubnets().Eni("eni-fw", "subnet-a", "10.0.1.99", ["sg-client"], "i-fw", sourceDestCheck: true)
            .Routes("rtb-a", "vpc-a", ["subnet-a"], To("0.0.0.0/0", instance: "i-fw"));
        var r = n.Analyzer().Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(ExplanationCodes.SourceDestCheck, r.ExplanationCode);
        Assert.Equal("eni-fw", r.BlockingComponent);
        n.Enis[2] = n.Enis[2] with { SourceDestCheck = false };
        var appliance = n.Analyzer().Analyze("i-a", "8.8.8.8", Traffic.Tcp(443));
        Assert.Equal(Verdict.Unknown, appliance.Verdict);
        Assert.Equal("eni-fw", appliance.BlockingComponent);
    }

    [Fact]
    public void S22_ipv6_uses_its_own_rules_and_egress_only_gateway_is_outbound_only()
    {
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56").Subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64")
            .Group("sg-web", "vpc-6", [new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "::/0" }] }])
            .Eni("eni-web", "subnet-6", "10.6.1.10", ["sg-web"], "i-web", ipv6: "2600:1f18:1:1::10")
            .MainRoutes("vpc-6", To("::/0", eigw: "eigw-1"))
            .With(x => x.EgressOnly.Add(new EgressOnlyInternetGateway { EgressOnlyInternetGatewayId = "eigw-1", Attachments = [new InternetGatewayAttachment { VpcId = "vpc-6", State = "attached" }] }));
        var a = n.Analyzer();
        var outbound = a.Analyze("i-web", "2001:db8::1", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, outbound.Verdict);
        Assert.Contains(outbound.ReturnPath, h => h.ComponentType == ComponentKind.EgressOnlyInternetGateway);
        var inbound = a.Analyze("Internet", "i-web", Traffic.Tcp(443));
        ReachabilityAssert.Blocked(inbound, ExplanationCodes.NoInternetGateway);
        // With an IGW the global IPv6 address is public: reachable on 443 (IPv6 rule), not on 80.
        n.Igw("igw-6", "vpc-6");
        a = n.Analyzer();
        Assert.Equal(Verdict.Reachable, a.Analyze("Internet", "i-web", Traffic.Tcp(443)).Verdict);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, a.Analyze("Internet", "i-web", Traffic.Tcp(80)).ExplanationCode);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, a.Analyze("Internet", "2600:1f18:1:1::10", Traffic.Tcp(80)).ExplanationCode);
    }

    [Fact]
    public void S22_an_ipv6_only_interface_is_reached_at_its_ipv6_address()
    {
        // Refused before as having "no private address": by instance id, pairwise and as the fan-out's destination.
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56")
            .Subnet("subnet-a", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64").Subnet("subnet-b", "vpc-6", "10.6.2.0/24", ipv6: "2600:1f18:1:2::/64")
            .Group("sg-client", "vpc-6").Group("sg-web", "vpc-6", [new IpPermission { IpProtocol = "tcp", FromPort = 443, ToPort = 443, Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "2600:1f18:1:1::/64" }] }])
            .Eni("eni-client", "subnet-a", "10.6.1.10", ["sg-client"], "i-client", ipv6: "2600:1f18:1:1::10")
            .Eni("eni-web", "subnet-b", "10.6.2.20", ["sg-web"], "i-web", ipv6: "2600:1f18:1:2::20");
        n.Enis[1] = n.Enis[1] with { PrivateIpAddress = null, PrivateIpAddresses = [] };
        var a = n.Analyzer();
        var r = a.Analyze("i-client", "i-web", Traffic.Tcp(443));
        Assert.Equal((Verdict.Reachable, "2600:1f18:1:2::20"), (r.Verdict, r.DestinationAddress));
        Assert.Equal(ExplanationCodes.SecurityGroupRules, a.Analyze("i-client", "i-web", Traffic.Tcp(22)).ExplanationCode);
        var fan = new ReachabilityFanOut(a).WhoCanReach("i-web", Traffic.Tcp(443), a.Index.NetworkInterfaces.Values);
        Assert.Equal(("eni-client", Verdict.Reachable, "2600:1f18:1:1::10"), (fan.Single().Source, fan.Single().Verdict, fan.Single().PrivateIpAddress));
    }

    [Fact]
    public void Missing_section_answers_unknown_naming_it()
    {
        var n = TwoSubnets();
        n.NotCaptured.Add(Section.NetworkAcls);
        var r = Db(n);
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Equal(Section.NetworkAcls, r.BlockingComponent);
        Assert.Contains("NetworkAcls", r.Explain());
    }

    [Fact]
    public void S2_network_load_balancer_created_without_security_groups_filters_nothing()
    {
        // An NLB's ENI with no groups (created before NLBs took security groups, or without any): its health checks reach
        // the target, whose own group decides; the target's answers are not filtered at the NLB either.
        var n = TwoSubnets().Eni("eni-nlb", "subnet-a", "10.0.1.250", [], interfaceType: "network_load_balancer");
        var a = n.Analyzer();
        var r = a.Analyze("eni-nlb", "i-b", Traffic.Tcp(5432));
        Assert.True(r.Verdict == Verdict.Reachable, r.Explain());
        Assert.Contains(r.ForwardPath, h => h.ComponentType == ComponentKind.SecurityGroup && h.ComponentId == "eni-nlb" && h.Rule == "no security groups");
        ReachabilityAssert.Blocked(a.Analyze("eni-nlb", "i-b", Traffic.Tcp(22)), ExplanationCodes.SecurityGroupRules, "sg-db");
        // Any other interface without groups still allows nothing.
        n.Enis[^1] = n.Enis[^1] with { InterfaceType = "interface" };
        ReachabilityAssert.Blocked(n.Analyzer().Analyze("eni-nlb", "i-b", Traffic.Tcp(5432)), ExplanationCodes.SecurityGroupRules);
    }

    /// <summary>vpc-a (10.0/16, subnet-a in us-east-1a) and vpc-b (10.1/16, subnet-b in us-east-1a) joined by tgw-1; one TGW route table with VPC propagations.</summary>
    internal static TestNetwork TgwPair(string referencing)
    {
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16")
            .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-b", "10.1.1.0/24")
            .Group("sg-client", "vpc-a").Group("sg-db", "vpc-b", [Tcp(5432, "10.0.0.0/8")])
            .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-client"], "i-a").Eni("eni-b", "subnet-b", "10.1.1.20", ["sg-db"], "i-b")
            .MainRoutes("vpc-a", To("10.1.0.0/16", tgw: "tgw-1")).MainRoutes("vpc-b", To("10.0.0.0/16", tgw: "tgw-1"));
        n.TransitGateways.Add(new TransitGateway { TransitGatewayId = "tgw-1", State = "available", Options = new TransitGatewayOptions { SecurityGroupReferencingSupport = referencing } });
        foreach (var (att, vpc, subnet) in new[] { ("tgw-attach-a", "vpc-a", "subnet-a"), ("tgw-attach-b", "vpc-b", "subnet-b") })
        {
            n.TgwVpcAttachments.Add(new TransitGatewayVpcAttachment { TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-1", VpcId = vpc, State = "available", SubnetIds = [subnet], Options = new TransitGatewayVpcAttachmentOptions { SecurityGroupReferencingSupport = referencing } });
            n.TgwAttachments.Add(new TransitGatewayAttachment { TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-1", ResourceType = "vpc", ResourceId = vpc, State = "available", Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-1", State = "associated" } });
        }
        n.TgwPropagations.Add(new TransitGatewayPropagationsOfTable
        {
            TransitGatewayRouteTableId = "tgw-rtb-1",
            TransitGatewayRouteTablePropagations = [new() { TransitGatewayAttachmentId = "tgw-attach-a", ResourceId = "vpc-a", ResourceType = "vpc", State = "enabled" }, new() { TransitGatewayAttachmentId = "tgw-attach-b", ResourceId = "vpc-b", ResourceType = "vpc", State = "enabled" }],
        });
        n.TgwStaticRoutes.Add(new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = "tgw-rtb-1" });
        return n;
    }
}

/// <summary>"Internet" as a source: any public address, including those only a narrow rule admits.</summary>
public class InternetSourceTests
{
    [Fact]
    public void A_rule_for_one_public_range_makes_the_instance_reachable_from_that_range_only()
    {
        var pub = new NetworkInterfaceAssociation { PublicIp = "54.1.1.1" };
        var n = TwoSubnets().Igw("igw-1", "vpc-a").MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"));
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(443, "198.51.100.0/24")] };
        n.Enis[1] = n.Enis[1] with { Association = pub, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.2.20", Association = pub }] };
        var a = n.Analyzer();
        var r = a.Analyze("Internet", "i-b", Traffic.Tcp(443));
        Assert.Equal(Verdict.Reachable, r.Verdict);
        Assert.StartsWith("198.51.100.", r.SourceAddress);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, a.Analyze("203.0.113.77", "i-b", Traffic.Tcp(443)).ExplanationCode);
        var text = a.FromInternet(n.Build().NetworkInterfaces["eni-b"], Traffic.Tcp(443)).Explain();
        Assert.Contains("Return traffic to client ephemeral ports:", text);
        Assert.Contains("sg-db", text);
    }
}
