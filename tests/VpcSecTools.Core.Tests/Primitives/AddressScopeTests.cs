using VpcSecTools.AwsIpRanges;
using VpcSecTools.Exposure;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Primitives;

/// <summary>
/// "Is this the internet?" and "is this an AWS link-local service?" have one answer (Net/AddressScope), which
/// reachability, the IP map and the audit all give. The copies disagreed on 0/8, multicast, ::1 and ff00::/8 (the
/// audit called them public), on IPv6 outside 2000::/3 (the IP map called it public) and on fd00:ec2::123 (reachability
/// did not know it).
/// </summary>
public class AddressScopeTests
{
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));

    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("203.0.113.10", true)]
    [InlineData("2001:db8::1", true)]
    [InlineData("2600::1", true)]
    [InlineData("10.1.1.1", false)]
    [InlineData("172.31.0.1", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.1", false)]
    [InlineData("127.0.0.1", false)]
    [InlineData("169.254.1.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("4000::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::1", false)]
    [InlineData("fe80::1", false)]
    [InlineData("ff02::1", false)]
    public void Reachability_the_ip_map_and_the_audit_agree_on_what_is_the_internet(string text, bool internet)
    {
        var address = IpAddress.Parse(text);
        Assert.Equal(internet, AddressScope.IsInternet(address));
        // The audit: a rule for just this address admits the internet or not (the audit asks AddressScope.HoldsInternet).
        Assert.Equal(internet, AddressScope.HoldsInternet(new Cidr(address, address.Bits)));
        // The IP map: seen from a VPC whose default routes go to an internet gateway, it is Public or not.
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16", "2600:1f18::/56").Igw("igw-1", "vpc-a")
            .MainRoutes("vpc-a", To("0.0.0.0/0", gateway: "igw-1"), To("::/0", gateway: "igw-1"));
        var attribution = new AddressAttributor(n.Build(), Ranges).Attribute(address, "vpc-a");
        Assert.Equal(internet, attribution.Scope == AttributionScope.Public);
    }

    [Theory]
    [InlineData("0.0.0.0/0", true)]
    [InlineData("10.0.0.0/7", true)]
    [InlineData("10.0.0.0/8", false)]
    [InlineData("100.64.0.0/10", false)]
    [InlineData("224.0.0.0/4", false)]
    [InlineData("::/0", true)]
    [InlineData("2000::/3", true)]
    [InlineData("fc00::/7", false)]
    public void A_cidr_holds_internet_addresses_unless_every_one_is_local(string cidr, bool holds) =>
        Assert.Equal(holds, AddressScope.HoldsInternet(Cidr.Parse(cidr)));

    [Theory]
    [InlineData("169.254.169.253")]
    [InlineData("169.254.169.254")]
    [InlineData("169.254.169.123")]
    [InlineData("fd00:ec2::253")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fd00:ec2::123")]
    public void Every_aws_link_local_service_is_named_by_the_ip_map_and_unfiltered_for_reachability(string text)
    {
        var address = IpAddress.Parse(text);
        Assert.NotNull(AddressScope.AwsLinkLocalService(address));
        Assert.Equal(AddressScope.AwsLinkLocalService(address), AddressAttributor.LinkLocalService(address));
        var n = new TestNetwork().Vpc("vpc-6", "10.6.0.0/16", "2600:1f18:1::/56").Subnet("subnet-6", "vpc-6", "10.6.1.0/24", ipv6: "2600:1f18:1:1::/64")
            .Group("sg-none", "vpc-6", [], []).Eni("eni-x", "subnet-6", "10.6.1.10", ["sg-none"], "i-x", ipv6: "2600:1f18:1:1::10");
        var r = n.Analyzer().Analyze("i-x", text, Traffic.Udp(53));
        Assert.True(r.Verdict == Verdict.Reachable && r.ForwardPath.Single().ComponentType == ComponentKind.AmazonProvidedService, r.Explain());
    }

    [Fact]
    public void The_vpc_resolver_is_the_primary_cidrs_base_plus_two_for_reachability_and_the_ip_map()
    {
        var index = TwoSubnets().Build();
        Assert.Equal(IpAddress.Parse("10.0.0.2"), AddressScope.ResolverOf(index.PrimaryCidr("vpc-a")!.Value));
        Assert.Equal(ComponentKind.AmazonProvidedService, new ReachabilityAnalyzer(index).Analyze("i-a", "10.0.0.2", Traffic.Udp(53)).ForwardPath[0].ComponentType);
        Assert.Equal("Amazon DNS", new AddressAttributor(index, Ranges).Attribute("10.0.0.2", "vpc-a").ReservedRole);
    }
}
