using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Endpoints;

public class NatTrafficAttributionTests
{
    private const string NatEni = "eni-nat", ClientEni = "eni-client", NatIp = "10.0.1.10", Client = "10.0.3.25";
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json"));
    private static readonly DateTimeOffset T0 = PlanScenario.Start;

    private static SnapshotIndex Index()
    {
        var index = PlanScenario.Index();
        var region = index.Snapshot.Regions[0];
        var nat = region.NatGateways[0] with
        {
            NatGatewayAddresses = [new NatGatewayAddress { NetworkInterfaceId = NatEni, PrivateIp = NatIp, PublicIp = "44.1.2.3" }],
        };
        return new SnapshotIndex(index.Snapshot with { Regions = [region with { NatGateways = [nat] }] });
    }

    private static FlowGroup Group(string eni, string src, string dst, string? psrc, string? pdst, string? srcService, string? dstService, long bytes, int minute = 0)
    {
        string[] fields = psrc is null ? ["interface-id", "srcaddr", "dstaddr"] : NatTrafficAttribution.GroupFieldSets[0].ToArray();
        string?[] values = psrc is null ? [eni, src, dst] : [eni, psrc, pdst, srcService, dstService];
        return new FlowGroup { Fields = fields, Values = values, Bytes = bytes, Count = 1, FirstSeen = T0.AddMinutes(minute), LastSeen = T0.AddMinutes(minute + 60) };
    }

    [Fact]
    public void A_flow_through_nat_is_counted_once_though_three_records_sides_see_it()
    {
        // An S3 address in us-east-1 that the subset lists under AMAZON, EC2 and S3 at once.
        const string s3 = "16.15.192.10";
        Assert.Equal("S3", Ranges.Find(VpcSecTools.Net.IpAddress.Parse(s3))!.Service);
        FlowGroup[] groups =
        [
            Group(ClientEni, Client, s3, Client, s3, null, "S3", 1000),          // client ENI (VPC-wide log): not NAT bytes
            Group(ClientEni, s3, Client, s3, Client, "S3", null, 9000),
            Group(NatEni, Client, NatIp, Client, s3, null, "S3", 1000),          // NAT ENI, VPC side: counted
            Group(NatEni, NatIp, Client, s3, Client, "S3", null, 9000),
            Group(NatEni, NatIp, s3, NatIp, s3, null, "S3", 1000),               // NAT ENI, internet side: not counted again
            Group(NatEni, s3, NatIp, s3, NatIp, "S3", null, 9000, minute: 30),
        ];
        var traffic = NatTrafficAttribution.Attribute(Index(), groups, Ranges);

        var flow = Assert.Single(traffic.Flows);
        Assert.Equal((PlanScenario.Nat, Client, "S3", "us-east-1", 10000L, ServiceNamedBy.FlowLogField),
            (flow.NatGatewayId, flow.SourceAddress, flow.Service, flow.Region, flow.Bytes, flow.NamedBy));
        Assert.Equal((T0, T0.AddMinutes(90)), (traffic.WindowStart, traffic.WindowEnd));
        Assert.Equal(20000L, traffic.BytesByInterface[NatEni]);
        Assert.Equal(10000L, traffic.BytesByInterface[ClientEni]);

        var plan = EndpointPlanner.Plan(Index(), traffic, PriceTable.Bundled());
        Assert.Equal([PlanScenario.RtbMain], Assert.Single(plan.Recommendations).RouteTableIds); // subnet-c uses the main table
    }

    [Fact]
    public void Without_v5_fields_ip_ranges_names_the_service_and_v2_logs_count_the_internet_side_without_a_client()
    {
        const string ddb = "3.218.182.10";
        var v3 = NatTrafficAttribution.Attribute(Index(), [Group(NatEni, Client, NatIp, Client, ddb, null, null, 500)], Ranges);
        var f = Assert.Single(v3.Flows);
        Assert.Equal(("DYNAMODB", ServiceNamedBy.IpRanges, Client), (f.Service, f.NamedBy, f.SourceAddress));

        var v2 = NatTrafficAttribution.Attribute(Index(),
            [Group(NatEni, Client, NatIp, null, null, null, null, 500), Group(NatEni, NatIp, ddb, null, null, null, null, 700)], Ranges);
        f = Assert.Single(v2.Flows);
        Assert.Equal(("DYNAMODB", 700L, (string?)null), (f.Service, f.Bytes, f.SourceAddress));
        Assert.Contains(v2.Notes, n => n.Contains("pkt-srcaddr"));
        var plan = EndpointPlanner.Plan(Index(), v2, PriceTable.Bundled());
        Assert.Empty(plan.Recommendations);
        Assert.Equal(TrafficDisposition.Unknown, Assert.Single(plan.Traffic).Disposition);
    }

    [Fact]
    public void Unknown_addresses_are_internet_and_logs_without_nat_enis_say_so()
    {
        var t = NatTrafficAttribution.Attribute(Index(), [Group(NatEni, Client, NatIp, Client, "192.0.2.80", null, null, 42)], Ranges);
        Assert.Equal(NatTraffic.Internet, Assert.Single(t.Flows).Service);
        t = NatTrafficAttribution.Attribute(Index(), [Group(ClientEni, Client, "192.0.2.80", Client, "192.0.2.80", null, null, 42)], Ranges);
        Assert.Empty(t.Flows);
        Assert.Contains(t.Notes, n => n.Contains(NatEni));
    }
}
