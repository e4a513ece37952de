using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Snapshots;

public class IndexTests
{
    private static SnapshotIndex Load(string scenario) => new(SnapshotLoader.Load(TestPaths.Batfish(scenario)));

    [Fact]
    public void Subnet_without_explicit_association_uses_the_main_route_table()
    {
        var index = Load("test-nat-gateway");
        var (table, isExplicit) = index.RouteTableOf("subnet-02ff259e663e9613e");
        Assert.Equal("rtb-0e169c4a1e0b27b55", table!.RouteTableId);
        Assert.False(isExplicit);
        (table, isExplicit) = index.RouteTableOf("subnet-06f469bcee42e408e");
        Assert.Equal("rtb-02fe228b42de92a7c", table!.RouteTableId);
        Assert.True(isExplicit);
        Assert.Equal(["subnet-02ff259e663e9613e"], index.SubnetsUsing(index.MainRouteTable("vpc-0008a7b45e3ddf1dd")!).Select(s => s.SubnetId));
    }

    [Fact]
    public void Subnet_nacl_is_the_custom_one_when_associated_else_the_default()
    {
        var index = Load("test-nat-gateway");
        var (acl, isExplicit) = index.NetworkAclOf("subnet-0428892a357fa1f94");
        Assert.Equal("acl-0792adae678b88f85", acl!.NetworkAclId);
        Assert.True(isExplicit);
        (acl, _) = index.NetworkAclOf("subnet-02ff259e663e9613e");
        Assert.Equal("acl-0380e24eb934b075e", acl!.NetworkAclId);
        Assert.True(acl.IsDefault);
    }

    [Fact]
    public void Disassociated_vpc_cidrs_are_not_local()
    {
        var index = Load("test-vpc-peering");
        Assert.Equal(["10.10.0.0/16"], index.VpcCidrs("vpc-0404e08ceddf7f650").Select(c => c.ToString()));
        Assert.Empty(index.VpcsContaining(IpAddress.Parse("10.11.0.5")));
    }

    [Fact]
    public void Overlapping_vpcs_are_all_found_by_address()
    {
        var index = Load("test-vpc-peering");
        Assert.Equal(["vpc-00a31ce9d0c06675c", "vpc-09095dbf2886404ee"],
            index.VpcsContaining(IpAddress.Parse("192.168.1.106")).Select(v => v.VpcId).Order());
        Assert.Equal("subnet-0ebf6378a79a3e534", index.SubnetContaining("vpc-00a31ce9d0c06675c", IpAddress.Parse("192.168.1.106"))!.SubnetId);
        Assert.Null(index.SubnetContaining("vpc-09095dbf2886404ee", IpAddress.Parse("192.168.1.106")));
    }

    [Fact]
    public void Enis_are_found_by_address_group_instance_and_subnet()
    {
        var index = Load("test-vpc-peering");
        var eni = Assert.Single(index.EnisAt(IpAddress.Parse("192.168.1.106")));
        Assert.Equal("eni-0024c0af5aa1387e5", eni.NetworkInterfaceId);
        Assert.Same(eni, index.EniAt("vpc-00a31ce9d0c06675c", IpAddress.Parse("192.168.1.106")));
        Assert.Null(index.EniAt("vpc-09095dbf2886404ee", IpAddress.Parse("192.168.1.106")));
        Assert.Same(eni, Assert.Single(index.EnisInGroup("sg-065c26b39e45ae384")));
        Assert.Same(eni, Assert.Single(index.EnisOfInstance("i-0b14080af811fda3d")));
        Assert.Same(eni, Assert.Single(index.EnisInSubnet("subnet-0ebf6378a79a3e534")));
        Assert.Empty(index.EnisAt(IpAddress.Parse("192.168.1.107")));
    }

    [Fact]
    public void Public_ips_map_back_to_their_eni()
    {
        var index = Load("test-nat-gateway");
        var withPublic = index.NetworkInterfaces.Values.First(n => n.Association?.PublicIp is not null);
        Assert.Same(withPublic, index.EniByPublicIp(IpAddress.Parse(withPublic.Association!.PublicIp!)));
    }

    [Fact]
    public void Ids_know_their_region_and_captured_sections()
    {
        var index = Load("test-transit-gateway");
        Assert.Equal("us-east-2", index.RegionOf("tgw-044be4464fcc69aff")!.Region);
        Assert.True(index.Captured("vpc-0404e08ceddf7f650", Section.TransitGatewayVpcAttachments));
        Assert.False(index.Captured("vpc-0404e08ceddf7f650", Section.NatGateways));
        Assert.Null(index.RegionOf("vpc-nope"));
    }

    [Fact]
    public void Delegated_prefixes_and_ipv6_addresses_resolve_to_their_eni()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("eni.json"), """
            {"NetworkInterfaces":[{"NetworkInterfaceId":"eni-1","VpcId":"vpc-1","SubnetId":"subnet-1","PrivateIpAddress":"10.0.1.10",
              "PrivateIpAddresses":[{"PrivateIpAddress":"10.0.1.10","Primary":true},{"PrivateIpAddress":"10.0.1.11","Primary":false}],
              "Ipv4Prefixes":[{"Ipv4Prefix":"10.0.1.32/28"}],"Ipv6Addresses":[{"Ipv6Address":"2600:1f18:1:1::a"}],
              "Ipv6Prefixes":[{"Ipv6Prefix":"2600:1f18:1:1:8::/80"}]}]}
            """);
        var index = new SnapshotIndex(SnapshotLoader.Load(dir.Path));
        foreach (var ip in new[] { "10.0.1.10", "10.0.1.11", "10.0.1.40", "2600:1f18:1:1::a", "2600:1f18:1:1:8::99" })
            Assert.Equal("eni-1", Assert.Single(index.EnisAt(IpAddress.Parse(ip))).NetworkInterfaceId);
        Assert.Empty(index.EnisAt(IpAddress.Parse("10.0.1.48")));
    }

    [Fact]
    public void Bad_cidrs_in_data_become_notes_not_crashes()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("v.json"), """{"Vpcs":[{"VpcId":"vpc-1","CidrBlock":"10.0.0.0/99"}]}""");
        var index = new SnapshotIndex(SnapshotLoader.Load(dir.Path));
        Assert.Empty(index.VpcCidrs("vpc-1"));
        Assert.Contains(index.Notes, n => n.StartsWith("vpc-1:") && n.Contains("10.0.0.0/99"));
    }

    [Fact]
    public void Each_eni_is_listed_once_per_group_address_and_prefix_however_often_it_names_them()
    {
        // Lists are filled without searching them (a search per add made indexing quadratic in the ENIs sharing a
        // group): an ENI naming one group, address or prefix twice, in any spelling, must still be listed once.
        var enis = Enumerable.Range(0, 300).Select(i => new NetworkInterface
        {
            NetworkInterfaceId = $"eni-{i:x4}", VpcId = "vpc-1", SubnetId = "subnet-1", PrivateIpAddress = $"10.0.{i / 250}.{i % 250 + 4}",
            PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = $"10.0.{i / 250}.{i % 250 + 4}", Primary = true }],
            Ipv6Addresses = [new NetworkInterfaceIpv6Address { Ipv6Address = $"2001:db8::{i:x}" }, new NetworkInterfaceIpv6Address { Ipv6Address = $"2001:DB8:0::{i:X}" }],
            Ipv4Prefixes = [new Ipv4PrefixSpecification { Ipv4Prefix = $"10.1.{i}.0/28" }, new Ipv4PrefixSpecification { Ipv4Prefix = $"10.1.{i}.0/28" }],
            Groups = [new GroupIdentifier { GroupId = "sg-shared" }, new GroupIdentifier { GroupId = $"sg-{i:x4}" }, new GroupIdentifier { GroupId = "sg-shared" }],
        }).ToArray();
        var index = new SnapshotIndex(new VpcSnapshot { Regions = [new RegionInventory { Region = "us-east-1", NetworkInterfaces = enis }] });
        Assert.Equal(enis.Select(e => e.NetworkInterfaceId), index.EnisInGroup("sg-shared").Select(e => e.NetworkInterfaceId));
        Assert.Equal(300, index.EnisInSubnet("subnet-1").Count);
        Assert.Equal("eni-0007", Assert.Single(index.EnisAt(IpAddress.Parse("2001:db8::7"))).NetworkInterfaceId);
        Assert.Equal("eni-0007", Assert.Single(index.EnisAt(IpAddress.Parse("10.0.0.11"))).NetworkInterfaceId);
        Assert.Equal("eni-0007", Assert.Single(index.EnisAt(IpAddress.Parse("10.1.7.3"))).NetworkInterfaceId);
    }
}
