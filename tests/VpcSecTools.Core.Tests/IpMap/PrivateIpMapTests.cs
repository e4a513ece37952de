using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.IpMap;

public class PrivateIpMapTests
{
    private static PrivateIpMap For(string scenario) => new(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(scenario))));

    [Fact]
    public void Every_eni_address_of_the_nat_fixture_is_mapped_with_its_place_and_filters()
    {
        var map = For("test-nat-gateway");
        Assert.Equal(4, map.Entries.Count);
        var nat = map.Entries.Single(e => e.IpAddress == "10.1.250.210");
        Assert.Equal(AddressKind.PrimaryIpv4, nat.Kind);
        Assert.Equal(("eni-017aaec115610308a", "subnet-0428892a357fa1f94", "vpc-0008a7b45e3ddf1dd"), (nat.NetworkInterfaceId, nat.SubnetId, nat.VpcId));
        Assert.Equal((OwnerType.NatGateway, true, "3.135.127.225"), (nat.OwnerType, nat.RequesterManaged, nat.PublicIp));
        Assert.False(nat.SourceDestCheck);
        Assert.Equal("us-east-2", nat.Region);
        var jump = map.Entries.Single(e => e.IpAddress == "10.1.250.116");
        Assert.Equal((OwnerType.Instance, "Jump Host", "18.216.129.140"), (jump.OwnerType, jump.OwnerName, jump.PublicIp));
        Assert.NotEmpty(jump.SecurityGroups);
        Assert.All(jump.SecurityGroups, g => Assert.StartsWith("sg-", g));
    }

    [Fact]
    public void Secondary_addresses_and_the_filters_by_vpc_and_subnet()
    {
        var eni = new NetworkInterface
        {
            NetworkInterfaceId = "eni-multi", VpcId = "vpc-1", SubnetId = "subnet-1", PrivateIpAddress = "10.0.0.10",
            PrivateIpAddresses =
            [
                new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.0.11", Primary = false, Association = new NetworkInterfaceAssociation { PublicIp = "54.0.0.11" } },
                new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "10.0.0.10", Primary = true },
                new NetworkInterfacePrivateIpAddress { PrivateIpAddress = "not-an-ip", Primary = false },
            ],
        };
        var other = new NetworkInterface { NetworkInterfaceId = "eni-other", VpcId = "vpc-2", SubnetId = "subnet-2", PrivateIpAddress = "10.0.0.10" };
        var snapshot = new VpcSnapshot { Regions = [new RegionInventory { Region = "eu-west-1", NetworkInterfaces = [eni, other] }] };
        var map = new PrivateIpMap(new SnapshotIndex(snapshot));
        var mine = map.Select(["vpc-1"], null).ToArray();
        Assert.Equal(new[] { ("10.0.0.10", AddressKind.PrimaryIpv4), ("10.0.0.11", AddressKind.SecondaryIpv4) }, mine.Select(e => (e.IpAddress, e.Kind)));
        Assert.Equal("54.0.0.11", mine[1].PublicIp);
        Assert.Contains(map.Notes, n => n.Contains("not-an-ip"));
        Assert.Single(map.Select(null, ["subnet-2"]));
        // The same address in two VPCs: both are kept, each found from its own VPC.
        Assert.Equal(2, map.At(IpAddress.Parse("10.0.0.10")).Count);
        Assert.Equal("eni-other", map.At("vpc-2", IpAddress.Parse("10.0.0.10"))!.NetworkInterfaceId);
    }
}

public class CidrOverlapReportTests
{
    private static readonly VpcSecTools.AwsIpRanges.AwsIpRangeSet Ranges =
        VpcSecTools.AwsIpRanges.AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));

    private static IReadOnlyList<CidrOverlap> For(string scenario) =>
        CidrOverlapReport.Find(new AddressAttributor(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(scenario))), Ranges));

    [Fact]
    public void The_two_peers_of_vpc_a_overlap_and_a_sees_both()
    {
        var overlap = Assert.Single(For("test-vpc-peering"));
        Assert.Equal(("192.168.0.0/16", "192.168.0.0/16"), (overlap.Cidr, overlap.OtherCidr));
        Assert.Equal(new[] { "vpc-00a31ce9d0c06675c", "vpc-09095dbf2886404ee" }.Order(), new[] { overlap.Source, overlap.OtherSource }.Order());
        // The disassociated 192.169.0.0/16 blocks are not ranges of anyone.
        Assert.Equal(["vpc-0404e08ceddf7f650"], overlap.SeenFrom);
        Assert.Contains("Ambiguous", overlap.Effect);
    }

    [Fact]
    public void Networks_without_overlap_report_nothing()
    {
        Assert.Empty(For("test-transit-gateway"));
        Assert.Empty(For("test-nat-gateway"));
    }
}
