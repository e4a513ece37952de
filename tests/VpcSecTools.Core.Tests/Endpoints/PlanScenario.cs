using VpcSecTools.Endpoints;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// A small VPC in us-east-1 built in EC2 API shapes by <see cref="TestNetwork"/>: subnets a (1a) and b (1b) with their own route
/// tables, c (1a) and d (1b) on the main table implicitly, one NAT gateway, a VPC-wide flow log.
/// </summary>
internal static class PlanScenario
{
    public const string Vpc = "vpc-1", Nat = "nat-1", RtbA = "rtb-a", RtbB = "rtb-b", RtbMain = "rtb-main";
    public const string SubnetA = "subnet-a", SubnetB = "subnet-b", SubnetC = "subnet-c", SubnetD = "subnet-d";
    public static readonly DateTimeOffset Start = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public static SnapshotIndex Index(params VpcEndpoint[] endpoints) => Index("us-east-1", endpoints);

    public static SnapshotIndex Index(string region, params VpcEndpoint[] endpoints)
    {
        Subnet SubnetOf(string id, string cidr, string az) => new() { SubnetId = id, VpcId = Vpc, CidrBlock = cidr, AvailabilityZone = az };
        RouteTable Table(string id, bool main, params string[] subnets) => new()
        {
            RouteTableId = id, VpcId = Vpc,
            Associations = [.. subnets.Select(s => new RouteTableAssociation { SubnetId = s, RouteTableId = id }),
                .. main ? new[] { new RouteTableAssociation { Main = true, RouteTableId = id } } : []],
            Routes = [new Route { DestinationCidrBlock = "0.0.0.0/0", NatGatewayId = Nat }],
        };
        var n = new TestNetwork { Account = "111122223333", Region = region };
        n.Vpcs.Add(new Vpc { VpcId = Vpc, CidrBlock = "10.0.0.0/16" });
        n.Subnets.AddRange([SubnetOf(SubnetA, "10.0.1.0/24", region + "a"), SubnetOf(SubnetB, "10.0.2.0/24", region + "b"),
            SubnetOf(SubnetC, "10.0.3.0/24", region + "a"), SubnetOf(SubnetD, "10.0.4.0/24", region + "b")]);
        n.RouteTables.AddRange([Table(RtbA, false, SubnetA), Table(RtbB, false, SubnetB), Table(RtbMain, true)]);
        n.NatGateways.Add(new NatGateway { NatGatewayId = Nat, VpcId = Vpc, SubnetId = SubnetA, State = "available" });
        n.Endpoints.AddRange(endpoints);
        n.FlowLogs.Add(new FlowLog { FlowLogId = "fl-1", ResourceId = Vpc, TrafficType = "ALL" });
        n.NotCaptured.Clear();
        return n.Build();
    }

    /// <summary>Traffic over a window of exactly one billing month (730 h), so observed GB = GB per month.</summary>
    public static ObservedTraffic Month(params NatTraffic[] flows) => Window(730, flows);

    public static ObservedTraffic Window(double hours, params NatTraffic[] flows) =>
        new() { Flows = flows, WindowStart = Start, WindowEnd = Start.AddHours(hours) };

    public static NatTraffic From(string subnet, string service, string? region, decimal gb, ServiceNamedBy by = ServiceNamedBy.IpRanges) =>
        new(Nat, subnet, null, service, region, Bytes(gb), by);

    public static long Bytes(decimal gb) => (long)(gb * EndpointPlanner.BytesPerGb);

    public static VpcEndpoint Gateway(string id, string service, params string[] tables) => new()
    {
        VpcEndpointId = id, VpcEndpointType = "Gateway", VpcId = Vpc, ServiceName = service, State = "available", RouteTableIds = tables,
    };

    public static VpcEndpoint Interface(string id, string service, params string[] enis) => new()
    {
        VpcEndpointId = id, VpcEndpointType = "Interface", VpcId = Vpc, ServiceName = service, State = "available",
        SubnetIds = [SubnetA, SubnetB], NetworkInterfaceIds = enis, PrivateDnsEnabled = true,
    };

    public static EndpointPlan Plan(SnapshotIndex index, ObservedTraffic traffic, PriceTable? prices = null) =>
        EndpointPlanner.Plan(index, traffic, prices ?? PriceTable.Bundled());
}
