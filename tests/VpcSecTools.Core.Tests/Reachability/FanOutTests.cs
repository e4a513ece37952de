using FsCheck;
using FsCheck.Fluent;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Reachability;

/// <summary>The fan-out ("who can reach this?") must give, for every source, the verdict and blocker of the pairwise analysis.</summary>
public class FanOutTests
{
    private static void AssertSameAsPairwise(SnapshotIndex index, string destination, Traffic traffic, string context)
    {
        var analyzer = new ReachabilityAnalyzer(index);
        var fan = new ReachabilityFanOut(analyzer);
        var all = fan.SourcesMatching("*")!;
        var results = fan.WhoCanReach(destination, traffic, all, includeInternet: true);
        foreach (var r in results)
        {
            var pair = analyzer.Analyze(r.Source, destination, traffic);
            Assert.True(pair.Verdict == r.Verdict && pair.BlockingComponent == r.BlockingComponent && pair.ExplanationCode == r.ExplanationCode,
                $"{context}: {r.Source} -> {destination}: fan-out says {r.Verdict} {r.ExplanationCode} at {r.BlockingComponent}, pairwise:\n{pair.Explain()}");
        }
    }

    [Fact]
    public void Fan_out_matches_pairwise_on_random_networks()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed =>
        {
            var (n, _, dst, protocol, port, _) = ReferenceComparisonTests.Generate(seed);
            AssertSameAsPairwise(n.Build(), dst, protocol == 6 ? Traffic.Tcp(port) : Traffic.Udp(port), $"seed {seed}");
            return true;
        }));
    }

    [Fact]
    public void Fan_out_matches_pairwise_when_rules_entries_and_routes_cannot_be_read()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(500), Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed =>
        {
            var (n, _, dst, protocol, port, _) = ReferenceComparisonTests.Generate(seed, broken: true);
            AssertSameAsPairwise(n.Build(), dst, protocol == 6 ? Traffic.Tcp(port) : Traffic.Udp(port), $"seed {seed}");
            return true;
        }));
    }

    [Theory]
    [InlineData("10.0.0.2", "udp", 53)]
    [InlineData("169.254.169.254", "tcp", 80)]
    [InlineData("8.8.8.8", "tcp", 443)]
    public void Fan_out_matches_pairwise_towards_the_resolver_the_metadata_service_and_an_internet_address(string destination, string protocol, int port)
    {
        // The resolver and the link-local services are answered inside the VPC: the fan-out routed them, and found every
        // source NotReachable (DESTINATION_ADDRESS_UNASSIGNED, NO_ROUTE_TO_DESTINATION) where the pairwise analysis says Reachable.
        // "Who reaches 8.8.8.8?" was refused whole: the internet row asked the internet about itself.
        var index = new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo));
        var traffic = Traffic.Parse(protocol, port);
        AssertSameAsPairwise(index, destination, traffic, "demo");
        var app1 = new ReachabilityFanOut(new ReachabilityAnalyzer(index)).WhoCanReach(destination, traffic, [index.NetworkInterfaces["eni-000af2608bb0c3622"]], includeInternet: true);
        Assert.Equal(("eni-000af2608bb0c3622", Verdict.Reachable), (app1.Single(r => r.Source != "Internet").Source, app1.Single(r => r.Source != "Internet").Verdict));
    }

    [Theory]
    [InlineData("test-nat-gateway", "i-0b31b509174d7f5de", 22)]
    [InlineData("test-nat-gateway", "i-0a128d26e59be60f3", 22)]
    [InlineData("test-transit-gateway", "i-0b14080af811fda3d", 22)]
    [InlineData("test-transit-gateway", "i-075e846ed41670385", 22)]
    [InlineData("test-vpc-peering", "i-0b14080af811fda3d", 22)]
    public void Fan_out_matches_pairwise_on_the_batfish_networks(string scenario, string destination, int port) =>
        AssertSameAsPairwise(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(scenario))), destination, Traffic.Tcp(port), scenario);

    [Fact]
    public void Who_can_reach_the_database()
    {
        var n = TwoSubnets().Eni("eni-c", "subnet-a", "10.0.1.30", ["sg-client"], "i-c");
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.0.1.10/32")] };
        var index = n.Build();
        var fan = new ReachabilityFanOut(new ReachabilityAnalyzer(index));
        var results = fan.WhoCanReach("i-b", Traffic.Tcp(5432), fan.SourcesMatching("vpc-a")!, includeInternet: true);
        Assert.Equal(Verdict.Reachable, results.Single(r => r.Source == "eni-a").Verdict);
        Assert.Equal("sg-db 10.0.1.10/32", results.Single(r => r.Source == "eni-a").AllowedBy);
        Assert.Equal(ExplanationCodes.SecurityGroupRules, results.Single(r => r.Source == "eni-c").ExplanationCode);
        Assert.Equal(ExplanationCodes.NoPublicAddress, results.Single(r => r.Source == "Internet").ExplanationCode);
        Assert.DoesNotContain(results, r => r.Source == "eni-b");
        Assert.Equal(2, fan.SourcesMatching("subnet-a")!.Count);
        Assert.Null(fan.SourcesMatching("i-a"));
        Assert.Throws<EndpointNotFoundException>(() => fan.SourcesMatching("sg-missing"));
    }

    /// <summary>A group the capture lacks but interfaces carry names those interfaces; their own missing group is Unknown, naming it.</summary>
    [Fact]
    public void A_group_on_interfaces_but_missing_from_the_groups_selects_them_and_is_unknown_naming_it()
    {
        var n = TwoSubnets().Eni("eni-c", "subnet-a", "10.0.1.30", ["sg-gone"], "i-c");
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [Tcp(5432, "10.0.1.0/24")] };
        var index = n.Build();
        Assert.False(index.SecurityGroups.ContainsKey("sg-gone"));
        var fan = new ReachabilityFanOut(new ReachabilityAnalyzer(index));
        var sources = fan.SourcesMatching("sg-gone")!;
        Assert.Equal(["eni-c"], sources.Select(e => e.NetworkInterfaceId));
        var row = Assert.Single(fan.WhoCanReach("i-b", Traffic.Tcp(5432), sources));
        Assert.Equal(Verdict.Unknown, row.Verdict);
        Assert.Contains("sg-gone", row.BlockingComponent + " " + row.BlockingRule);
        // A group neither the groups nor any interface has is still not found.
        Assert.Throws<EndpointNotFoundException>(() => fan.SourcesMatching("sg-missing"));
    }

    [Fact]
    public void An_address_two_vpcs_hold_is_not_asked_of_its_own_holders()
    {
        // 10.0.2.20 is i-b's in vpc-a and eni-twin's in the overlapping vpc-b: the holders were listed as sources of their
        // own address (the twin Reachable, i-b NotReachable: its groups do not admit itself).
        var n = TwoSubnets().Vpc("vpc-b", "10.0.0.0/16").Subnet("subnet-twin", "vpc-b", "10.0.2.0/24")
            .Group("sg-twin", "vpc-b", [Tcp(5432, "0.0.0.0/0")]).Eni("eni-twin", "subnet-twin", "10.0.2.20", ["sg-twin"]);
        var index = n.Build();
        var fan = new ReachabilityFanOut(new ReachabilityAnalyzer(index));
        var results = fan.WhoCanReach("10.0.2.20", Traffic.Tcp(5432), fan.SourcesMatching("*")!);
        Assert.Equal(["eni-a"], results.Select(r => r.Source));
        Assert.Equal(Verdict.Reachable, results.Single().Verdict);
    }
}
