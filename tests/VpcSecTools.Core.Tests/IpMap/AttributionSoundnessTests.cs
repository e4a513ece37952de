using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.IpMap;

/// <summary>
/// SEMANTICS 23-24 where the attributor used to answer confidently and wrongly: our own public addresses, the internet
/// reached through a transit gateway (centralised egress), and answers that need a section the snapshot lacks.
/// </summary>
public class AttributionSoundnessTests
{
    private const string SpokeVpc = "vpc-0404e08ceddf7f650", EgressVpc = "vpc-00a31ce9d0c06675c", Tgw = "tgw-044be4464fcc69aff";
    private const string EgressAttachment = "tgw-attach-0ae2696617bb06fb4", NatVpc = "vpc-0008a7b45e3ddf1dd";
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));

    private static AddressAttributor Edited(string scenario, Func<RegionInventory, RegionInventory> edit)
    {
        var snapshot = SnapshotLoader.Load(TestPaths.Batfish(scenario));
        return new AddressAttributor(new SnapshotIndex(snapshot with { Regions = [edit(snapshot.Regions[0])] }), Ranges);
    }

    private static IReadOnlySet<string> Without(RegionInventory region, params string[] sections) =>
        region.CapturedSections.Where(s => !sections.Contains(s)).ToHashSet();

    /// <summary>
    /// The transit-gateway fixture turned into centralised egress: VPC A's default route goes to the TGW, whose table sends
    /// 0.0.0.0/0 to VPC B's attachment; B's attachment subnet uses B's main table, whose default route is its IGW.
    /// </summary>
    private static AddressAttributor CentralisedEgress(Func<RegionInventory, RegionInventory>? more = null) => Edited("test-transit-gateway", region =>
    {
        var edited = region with
        {
            RouteTables = region.RouteTables.Select(t => t.VpcId == SpokeVpc
                ? t with { Routes = [.. t.Routes, new Route { DestinationCidrBlock = "0.0.0.0/0", TransitGatewayId = Tgw, State = "active", Origin = "CreateRoute" }] } : t).ToArray(),
            TransitGatewayStaticRoutes = region.TransitGatewayStaticRoutes.Select(t => t with
            {
                Routes = [.. t.Routes, new TransitGatewayRoute
                {
                    DestinationCidrBlock = "0.0.0.0/0", Type = "static", State = "active",
                    TransitGatewayAttachments = [new TransitGatewayRouteAttachment { TransitGatewayAttachmentId = EgressAttachment, ResourceId = EgressVpc, ResourceType = "vpc" }],
                }],
            }).ToArray(),
        };
        return more is null ? edited : more(edited);
    });

    [Fact]
    public void From_a_spoke_the_internet_behind_the_egress_vpc_is_the_internet_reached_through_the_transit_gateway()
    {
        var attributor = CentralisedEgress();
        var internet = attributor.Attribute("8.8.8.8", SpokeVpc);
        Assert.Equal(AttributionScope.Public, internet.Scope);
        Assert.Null(internet.VpcId);
        Assert.Equal((Tgw, EgressAttachment, EgressVpc), (internet.TransitGatewayId, internet.TransitGatewayAttachmentId, internet.TransitGatewayAttachmentResourceId));
        Assert.Contains("0.0.0.0/0 -> tgw-044be4464fcc69aff", internet.Route);
        Assert.Contains("0.0.0.0/0 -> igw-0a4895a3c58cac8cb", internet.Route);
        Assert.Contains(EgressVpc, internet.Reason);

        var s3 = attributor.Attribute("16.15.200.7", SpokeVpc);
        Assert.Equal((AttributionScope.AwsService, "S3"), (s3.Scope, s3.Service));
        Assert.Equal(EgressAttachment, s3.TransitGatewayAttachmentId);

        // An address of the egress VPC itself is still that VPC's, with its owner.
        var inside = attributor.Attribute("192.168.1.106", SpokeVpc);
        Assert.Equal((AttributionScope.TransitGateway, EgressVpc), (inside.Scope, inside.VpcId));
        Assert.NotNull(inside.Owner);
    }

    [Fact]
    public void A_route_that_cannot_be_read_and_could_be_the_longest_match_makes_the_attribution_unknown_naming_it()
    {
        const string PeerA = "vpc-0404e08ceddf7f650";
        static Route Unreadable(string destination) => new() { DestinationCidrBlock = destination, GatewayId = "igw-0", State = "active", Origin = "CreateRoute" };
        // VPC A sends 192.168.1.0/24 to the peering with B; a route whose destination cannot be read may be more specific.
        var peered = Edited("test-vpc-peering", region => region with
        {
            RouteTables = region.RouteTables.Select(t => t.VpcId == PeerA ? t with { Routes = [.. t.Routes, Unreadable("192.168.1.0/33")] } : t).ToArray(),
        }).Attribute("192.168.1.106", PeerA);
        Assert.Equal(AttributionScope.Unknown, peered.Scope);
        Assert.Contains("Routes[", peered.Reason);
        Assert.Contains("192.168.1.0/33", peered.Reason);
        // Beyond a transit gateway too: the egress VPC's table has one it cannot read.
        var egress = CentralisedEgress(region => region with
        {
            RouteTables = region.RouteTables.Select(t => t.VpcId == EgressVpc ? t with { Routes = [.. t.Routes, Unreadable("8.8.8.0/33")] } : t).ToArray(),
        }).Attribute("8.8.8.8", SpokeVpc);
        Assert.Equal(AttributionScope.Unknown, egress.Scope);
        Assert.Contains("8.8.8.0/33", egress.Reason);
    }

    [Fact]
    public void Beyond_the_egress_vpc_an_address_it_does_not_route_is_unknown_not_that_vpc()
    {
        // B's table loses its default route: the TGW still sends 8.8.8.8 there, and B drops it.
        var attributor = CentralisedEgress(region => region with
        {
            RouteTables = region.RouteTables.Select(t => t.VpcId == EgressVpc
                ? t with { Routes = t.Routes.Where(r => r.DestinationCidrBlock != "0.0.0.0/0").ToArray() } : t).ToArray(),
        });
        var a = attributor.Attribute("8.8.8.8", SpokeVpc);
        Assert.Equal(AttributionScope.Unknown, a.Scope);
        Assert.Contains(EgressVpc, a.Reason);
        Assert.Contains("no route", a.Reason);
    }

    [Fact]
    public void The_public_address_of_our_own_eni_names_the_eni_and_its_owner_first()
    {
        var nat = Edited("test-nat-gateway", region => region);
        var a = nat.Attribute("3.135.127.225");
        Assert.Equal((AttributionScope.ThisVpc, NatVpc), (a.Scope, a.VpcId));
        Assert.Equal((OwnerType.NatGateway, "nat-07ab4846da51f4612", "10.1.250.210"), (a.Owner!.OwnerType, a.Owner.OwnerResourceId, a.Owner.IpAddress));
        Assert.Contains("Association.PublicIp", a.Reason);
        Assert.StartsWith("nat-07ab4846da51f4612", a.ToString());
        // Seen from elsewhere it is still reached over the internet, and still ours.
        var fromPeer = Edited("test-nat-gateway", region => region with
        {
            Vpcs = [.. region.Vpcs, new Vpc { VpcId = "vpc-other", CidrBlock = "172.31.0.0/16", CidrBlockAssociationSet = [new VpcCidrBlockAssociation { CidrBlock = "172.31.0.0/16" }] }],
            RouteTables = [.. region.RouteTables, new RouteTable
            {
                RouteTableId = "rtb-other", VpcId = "vpc-other", Associations = [new RouteTableAssociation { Main = true, RouteTableId = "rtb-other" }],
                Routes = [new Route { DestinationCidrBlock = "172.31.0.0/16", GatewayId = "local", State = "active" }, new Route { DestinationCidrBlock = "0.0.0.0/0", GatewayId = "igw-other", State = "active" }],
            }],
        }).Attribute("3.135.127.225", "vpc-other");
        Assert.Equal(("nat-07ab4846da51f4612", NatVpc), (fromPeer.Owner?.OwnerResourceId, fromPeer.VpcId));
        Assert.Contains("igw-other", fromPeer.Route);
    }

    [Fact]
    public void On_the_demo_who_is_the_legacy_eip_is_the_legacy_instance()
    {
        var demo = new AddressAttributor(new SnapshotIndex(SnapshotLoader.Load(Path.Combine(TestPaths.Demo, "aws_configs"))), AwsIpRangeSet.Bundled);
        using var expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json")));
        foreach (var name in new[] { "legacy", "bastion", "nat-a", "alb-a" })
        {
            var publicIp = expected.RootElement.GetProperty("addresses").GetProperty(name).GetProperty("public").GetString()!;
            var a = demo.Attribute(publicIp);
            Assert.Equal(expected.RootElement.GetProperty("ids").GetProperty("eni").GetProperty(name).GetString(), a.Owner?.NetworkInterfaceId);
            Assert.Equal(AttributionScope.ThisVpc, a.Scope);
        }
    }

    [Fact]
    public void Without_subnets_a_possibly_reserved_address_is_unknown_not_unassigned()
    {
        var attributor = Edited("test-nat-gateway", region => region with { Subnets = [], CapturedSections = Without(region, Section.Subnets) });
        var router = attributor.Attribute("10.1.1.1", NatVpc);
        Assert.Equal(AttributionScope.Unknown, router.Scope);
        Assert.Contains("Subnets", router.Reason);
        // The resolver at the VPC base + 2 needs no subnet.
        Assert.Equal(AttributionScope.ReservedAddress, attributor.Attribute("10.1.0.2", NatVpc).Scope);
        // An ENI's address is still its own.
        Assert.Equal(AttributionScope.ThisVpc, attributor.Attribute("10.1.250.210", NatVpc).Scope);
    }

    [Fact]
    public void The_map_says_which_regions_lack_network_interfaces_and_the_cli_exits_3()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var file in Directory.GetFiles(TestPaths.Batfish("test-nat-gateway")).Where(f => !f.EndsWith("NetworkInterfaces.json", StringComparison.Ordinal)))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        var map = new PrivateIpMap(new SnapshotIndex(SnapshotLoader.Load(dir.Path)));
        Assert.Empty(map.Entries);
        var gap = Assert.Single(map.Gaps);
        Assert.Contains("NetworkInterfaces", gap);
        Assert.Contains("us-east-2", gap);

        var (exit, stdout, stderr) = CliRunner.Run("ipmap", "--snapshot", dir.Path);
        Assert.Equal(3, exit);
        Assert.Contains("NetworkInterfaces", stderr);
        var (complete, _, _) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Batfish("test-nat-gateway"));
        Assert.Equal(0, complete);
        _ = stdout;
    }

    [Fact]
    public void An_unknown_attribution_exits_3_in_the_cli()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var file in Directory.GetFiles(TestPaths.Batfish("test-nat-gateway")).Where(f => !f.EndsWith("RouteTables.json", StringComparison.Ordinal)))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        var (exit, stdout, _) = CliRunner.Run("ipmap", "--snapshot", dir.Path, "--ip", "8.8.8.8", "--from-vpc", NatVpc);
        Assert.Equal(3, exit);
        Assert.Contains("Unknown", stdout);
        var (known, _, _) = CliRunner.Run("ipmap", "--snapshot", TestPaths.Batfish("test-nat-gateway"), "--ip", "8.8.8.8", "--from-vpc", NatVpc);
        Assert.Equal(0, known);
    }

    [Fact]
    public void The_overlap_report_says_which_ranges_it_could_not_see_and_the_cli_exits_3()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var file in Directory.GetFiles(TestPaths.Batfish("test-vpc-peering")).Where(f => !f.EndsWith("VpcPeeringConnections.json", StringComparison.Ordinal)))
            File.Copy(file, dir.File(Path.GetFileName(file)));
        var attributor = new AddressAttributor(new SnapshotIndex(SnapshotLoader.Load(dir.Path)), Ranges);
        Assert.Contains("VpcPeeringConnections", Assert.Single(CidrOverlapReport.Gaps(attributor)));
        var (exit, _, stderr) = CliRunner.Run("ipmap", "--snapshot", dir.Path, "--overlap");
        Assert.Equal(3, exit);
        Assert.Contains("VpcPeeringConnections", stderr);

        // Transit gateway routes that were not captured hide the ranges behind the attachments.
        var tgw = Edited("test-transit-gateway", region => region with
        {
            TransitGatewayPropagations = [], TransitGatewayStaticRoutes = [],
            CapturedSections = Without(region, Section.TransitGatewayPropagations, Section.TransitGatewayStaticRoutes),
        });
        Assert.Contains(CidrOverlapReport.Gaps(tgw), g => g.Contains("tgw-rtb-0fa40c8df355dce6e"));
        Assert.Empty(CidrOverlapReport.Gaps(new AddressAttributor(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish("test-vpc-peering"))), Ranges)));
    }
}
