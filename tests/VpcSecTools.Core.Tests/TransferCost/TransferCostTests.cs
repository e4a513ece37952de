using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Endpoints;
using VpcSecTools.TransferCost;

namespace VpcSecTools.Tests.TransferCost;

/// <summary>
/// The transfer cost by path on the demo's day (against the generator's own count in expected.json) and on small logs of
/// the demo network written here: each flow counted once whichever of its ends logged it, NAT flows by their VPC side,
/// formats without flow-direction or packet addresses, interfaces the snapshot lacks, prices by region and destination.
/// </summary>
public class TransferCostTests
{
    private static readonly SnapshotIndex Demo = new(SnapshotLoader.Load(TestPaths.Demo));
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(DemoPlanTests.IpRangesFile);
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement;

    private static string Eni(string key) => Expected.GetProperty("ids").GetProperty("eni").GetProperty(key).GetString()!;
    private static string Ip(string key) => Expected.GetProperty("addresses").GetProperty(key).GetProperty("private")[0].GetString()!;

    private static TransferCostReport Cost(IEnumerable<string> paths, PriceTable? prices = null, PlanWindow? window = null) =>
        TransferCosting.Read(new FlowLogReader(new FlowLogReadOptions { Threads = 2 }), FlowLogPaths.Expand(paths, out _), new FlowFilter(), Demo, Ranges,
            prices ?? PriceTable.Bundled(), window ?? PlanWindow.All).Report;

    private static long Bytes(TransferCostReport report, TransferPath path) => report.Lines.SingleOrDefault(l => l.Path == path)?.Bytes ?? 0;

    private const string V5Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status " +
        "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    /// <summary>A v5 record of the demo's format: interface, source, destination, bytes, direction; the rest as a VPC-wide log writes it.</summary>
    private static string V5(string eni, string src, string dst, long bytes, string direction, string action = "ACCEPT", string? psrc = null, string? pdst = null) =>
        $"5 111122223333 {eni} {src} {dst} 40000 443 6 10 {bytes} 1795305600 1795305660 {action} OK vpc-04be895ea4d91bcbf subnet-x - 3 IPv4 {psrc ?? src} {pdst ?? dst} us-east-1 use1-az1 - - {direction} -";

    private static string Log(TestPaths.TempDir dir, string name, string header, params string[] lines)
    {
        File.WriteAllLines(dir.File(name), [header, .. lines]);
        return dir.File(name);
    }

    [Fact]
    public void The_demo_day_puts_every_path_at_the_generators_bytes_and_prices_them()
    {
        var report = Cost([DemoPlanTests.Logs]);
        var truth = Expected.GetProperty("transfer_cost").GetProperty("bytes");
        foreach (var path in truth.EnumerateObject())
            Assert.Equal(path.Value.GetInt64(), Bytes(report, Enum.Parse<TransferPath>(path.Name)));
        Assert.Equal(truth.EnumerateObject().Count(), report.Lines.Count);
        // A day scaled to a 730-hour month, priced at the bundled us-east-1 figures.
        var factor = 730m / 24m;
        foreach (var (path, price) in new[] { (TransferPath.NatGateway, 0.045m), (TransferPath.CrossAz, 0.01m), (TransferPath.PeeringCrossAz, 0.01m), (TransferPath.TransitGateway, 0.02m), (TransferPath.CrossRegion, 0.02m) })
        {
            var line = report.Lines.Single(l => l.Path == path);
            Assert.Equal(price, line.PricePerGb);
            Assert.Equal(Math.Round(line.Bytes / EndpointPlanner.BytesPerGb * factor * price, 3), line.CostPerMonth!.Value, 2);
        }
        Assert.Null(report.Lines.Single(l => l.Path == TransferPath.Internet).CostPerMonth);
        // The NAT bytes are the endpoint plan's: each flow once, the same count.
        Assert.Equal(Expected.GetProperty("nat_bytes_by_service").EnumerateObject().Sum(s => s.Value.GetProperty("bytes").GetInt64()), Bytes(report, TransferPath.NatGateway));
    }

    /// <remarks>A hand-converted log's 'accept' is neither outcome: a skipped line named by its reason, where its bytes went unbilled with nothing said.</remarks>
    [Fact]
    public void A_record_whose_action_is_neither_accept_nor_reject_is_a_skipped_line_not_an_unbilled_one()
    {
        var (app, db) = (Ip("app-2"), Ip("rds-primary"));
        using var dir = new TestPaths.TempDir();
        var path = Log(dir, "flow.log", V5Header, V5(Eni("app-2"), app, db, 1000, "egress"), V5(Eni("app-2"), db, app, 5000, "ingress", action: "accept"));
        var (report, read) = TransferCosting.Read(new FlowLogReader(), FlowLogPaths.Expand([path], out _), new FlowFilter(), Demo, Ranges, PriceTable.Bundled(), PlanWindow.All);
        Assert.Equal(1000, Bytes(report, TransferPath.CrossAz));
        Assert.Equal((1L, "action 'accept' is neither ACCEPT nor REJECT"), (read.SkippedLines, read.Skipped.Single().Reason));
    }

    [Theory]
    [InlineData("both")]
    [InlineData("client")]
    [InlineData("server")]
    public void A_flow_is_counted_once_whichever_of_its_ends_logged_it(string logged)
    {
        // app-2 (us-east-1b) and the RDS primary (us-east-1a): 1,000 bytes of request, 5,000 of response.
        var (app, db) = (Ip("app-2"), Ip("rds-primary"));
        var client = new[] { V5(Eni("app-2"), app, db, 1000, "egress"), V5(Eni("app-2"), db, app, 5000, "ingress") };
        var server = new[] { V5(Eni("rds-primary"), app, db, 1000, "ingress"), V5(Eni("rds-primary"), db, app, 5000, "egress") };
        using var dir = new TestPaths.TempDir();
        var lines = logged switch { "client" => client, "server" => server, _ => client.Concat(server).ToArray() };
        var report = Cost([Log(dir, "flow.log", V5Header, lines)]);
        Assert.Equal(6000, Bytes(report, TransferPath.CrossAz));
        Assert.Single(report.Lines);
        var talker = report.Lines[0].TopTalkers.Single();
        Assert.Equal((app, db, 6000L), (talker.Address1, talker.Address2, talker.Bytes));
    }

    [Fact]
    public void A_nat_flow_pays_processing_and_the_cross_az_leg_once_each_from_the_nat_gateways_vpc_side()
    {
        // app-3 (us-east-1c) to S3 through nat-b (us-east-1b): the client's records and the NAT's four, as the demo logs them.
        var (app, nat, s3) = (Ip("app-3"), Ip("nat-b"), "52.217.161.42");
        using var dir = new TestPaths.TempDir();
        var report = Cost([Log(dir, "nat.log", V5Header,
            V5(Eni("app-3"), app, s3, 100, "egress"), V5(Eni("app-3"), s3, app, 9000, "ingress"),
            V5(Eni("nat-b"), app, nat, 100, "ingress", psrc: app, pdst: s3), V5(Eni("nat-b"), nat, s3, 100, "egress"),
            V5(Eni("nat-b"), s3, nat, 9000, "ingress"), V5(Eni("nat-b"), nat, app, 9000, "egress", psrc: s3, pdst: app))]);
        Assert.Equal(9100, Bytes(report, TransferPath.NatGateway));
        Assert.Equal(9100, Bytes(report, TransferPath.CrossAz));
        Assert.Equal(0, Bytes(report, TransferPath.Internet));
        Assert.Equal(("prod-app-3", "S3 us-east-1"), (report.Lines.Single(l => l.Path == TransferPath.NatGateway).TopTalkers[0].Name1, report.Lines.Single(l => l.Path == TransferPath.NatGateway).TopTalkers[0].Name2));
    }

    [Fact]
    public void Without_flow_direction_the_direction_is_read_from_the_interfaces_own_address()
    {
        const string v2 = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
        var (app, db) = (Ip("app-1"), Ip("rds-primary"));
        using var dir = new TestPaths.TempDir();
        var report = Cost([Log(dir, "v2.log", v2,
            $"2 111122223333 {Eni("app-1")} {app} {db} 40000 5432 6 10 700 1795305600 1795305660 ACCEPT OK",
            $"2 111122223333 {Eni("app-1")} {db} {app} 5432 40000 6 10 300 1795305600 1795305660 ACCEPT OK",
            $"2 111122223333 {Eni("app-1")} {db} {app} 5432 40001 6 10 999 1795305600 1795305660 REJECT OK")]);
        // app-1 and the primary are both in us-east-1a; the rejected record moved nothing.
        Assert.Equal(1000, Bytes(report, TransferPath.SameAz));
        Assert.Single(report.Lines);
    }

    [Fact]
    public void Traffic_from_a_vpc_that_logs_nothing_is_counted_where_it_arrives_across_the_peering()
    {
        var (monitoring, app) = (Ip("monitoring"), Ip("app-2"));
        using var dir = new TestPaths.TempDir();
        var report = Cost([Log(dir, "peer.log", V5Header, V5(Eni("app-2"), monitoring, app, 400, "ingress"), V5(Eni("app-2"), app, monitoring, 8000, "egress"))]);
        // shared-services-a is use1-az1, prod-app-b use1-az2.
        Assert.Equal(8400, Bytes(report, TransferPath.PeeringCrossAz));
    }

    [Fact]
    public void Bytes_of_interfaces_the_snapshot_lacks_are_named_not_guessed()
    {
        using var dir = new TestPaths.TempDir();
        var report = Cost([Log(dir, "other.log", V5Header, V5("eni-0aaaaaaaaaaaaaaaa", "10.9.0.1", "10.9.0.2", 5000, "egress"))]);
        Assert.Empty(report.Lines);
        Assert.Contains(report.Notes, n => n.Contains("5000 bytes were logged by interfaces that are not in the snapshot", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_nat_gateways_section_their_interfaces_bytes_are_unplaced_not_priced_as_internet()
    {
        // A capture denied ec2:DescribeNatGateways: the NAT interfaces are still in NetworkInterfaces (nat_gateway).
        var snapshot = SnapshotLoader.Load(TestPaths.Demo);
        var region = snapshot.Regions.Single();
        region = region with { NatGateways = [], CapturedSections = region.CapturedSections.Where(s => s != Section.NatGateways).ToHashSet() };
        var index = new SnapshotIndex(snapshot with { Regions = [region] });
        var report = TransferCosting.Read(new FlowLogReader(new FlowLogReadOptions { Threads = 2 }), FlowLogPaths.Expand([DemoPlanTests.Logs], out _), new FlowFilter(),
            index, Ranges, PriceTable.Bundled(), PlanWindow.All).Report;
        var full = Cost([DemoPlanTests.Logs]);

        Assert.Equal(0, Bytes(report, TransferPath.NatGateway));
        // What the NAT gateways forwarded is neither internet traffic of theirs nor a cheaper path: it is shown unplaced.
        Assert.Equal(Bytes(full, TransferPath.Internet), Bytes(report, TransferPath.Internet));
        // Counted from the clients (each flow once, both directions): exactly what the NAT attribution counts when it can.
        Assert.Equal(Bytes(full, TransferPath.NatGateway), Bytes(report, TransferPath.Unattributed));
        Assert.Contains(report.Notes, n => n.Contains($"routes to {Expected.GetProperty("ids").GetProperty("nat-b").GetString()}, which is not in the snapshot", StringComparison.Ordinal));
        Assert.Null(report.Lines.Single(l => l.Path == TransferPath.Unattributed).CostPerMonth);
        foreach (var nat in new[] { "nat-a", "nat-b" })
            Assert.Contains(report.Notes, n => n.Contains($"NatGateways of us-east-1 were not captured: {Eni(nat)}", StringComparison.Ordinal));
    }

    [Fact]
    public void Without_the_vpcs_section_addresses_held_by_the_vpcs_interfaces_keep_their_paths_and_others_in_its_local_route_are_unplaced()
    {
        // A capture denied ec2:DescribeVpcs: the CIDRs are unknown, the route tables' local routes cannot be read.
        var snapshot = SnapshotLoader.Load(TestPaths.Demo);
        var region = snapshot.Regions.Single();
        region = region with { Vpcs = [], CapturedSections = region.CapturedSections.Where(s => s != Section.Vpcs).ToHashSet() };
        var index = new SnapshotIndex(snapshot with { Regions = [region] });
        TransferCostReport Read(SnapshotIndex i, string path) => TransferCosting.Read(new FlowLogReader(new FlowLogReadOptions { Threads = 2 }),
            FlowLogPaths.Expand([path], out _), new FlowFilter(), i, Ranges, PriceTable.Bundled(), PlanWindow.All).Report;

        // Every address the day's flows reach inside the VPC is an interface's: the same answer, nothing dropped for want of a route.
        var full = Cost([DemoPlanTests.Logs]);
        var report = Read(index, DemoPlanTests.Logs);
        Assert.Equal(full.Lines.Select(l => (l.Path, l.Bytes)), report.Lines.Select(l => (l.Path, l.Bytes)));
        // An address of the VPC's local route that no interface holds could be inside it or not: unplaced, never dropped.
        using var dir = new TestPaths.TempDir();
        var stray = Read(index, Log(dir, "stray.log", V5Header, V5(Eni("app-1"), Ip("app-1"), "10.0.99.99", 7000, "egress")));
        Assert.Equal(7000, Bytes(stray, TransferPath.Unattributed));
        Assert.Equal(0, Bytes(stray, TransferPath.Dropped));
        Assert.Contains(stray.Notes, n => n.Contains("local route 10.0.0.0/16", StringComparison.Ordinal));
    }

    [Fact]
    public void Cross_region_is_priced_by_destination_and_a_region_without_prices_is_shown_unpriced()
    {
        var app = Ip("bastion");
        using var dir = new TestPaths.TempDir();
        // The bastion (public subnet, IGW) uploads to S3 in us-west-2 and us-east-2.
        var logs = Log(dir, "xr.log", V5Header, V5(Eni("bastion"), app, "52.218.130.12", 1L << 30, "egress"), V5(Eni("bastion"), app, "3.5.132.10", 1L << 30, "egress"));
        var prices = dir.File("prices.json");
        File.WriteAllText(prices, """
            { "regions": { "us-east-1": { "natGatewayHourly": 0.045, "natGatewayPerGb": 0.045, "interfaceEndpointHourlyPerAz": 0.01,
              "interfaceEndpointPerGbTiers": [ { "price": 0.01 } ], "interRegionPerGb": 0.02, "interRegionPerGbTo": { "us-east-2": 0.01 } } } }
            """);
        var window = new PlanWindow(new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 12, 21, 10, 0, 0, TimeSpan.Zero));
        var line = Cost([logs], PriceTable.LoadOrBundled(prices), window).Lines.Single();
        Assert.Equal(TransferPath.CrossRegion, line.Path);
        Assert.Null(line.PricePerGb);
        Assert.Equal(0.03m, line.CostPerMonth);

        var unpriced = Cost([logs], PriceTable.Parse(new MemoryStream("""{ "regions": { "eu-west-1": { "natGatewayHourly": 0.048, "natGatewayPerGb": 0.048, "interfaceEndpointHourlyPerAz": 0.011, "interfaceEndpointPerGbTiers": [ { "price": 0.01 } ] } } }"""u8.ToArray()), "test"));
        Assert.Null(unpriced.Lines.Single().CostPerMonth);
        Assert.Contains(unpriced.Notes, n => n.StartsWith("us-east-1: no prices in the table", StringComparison.Ordinal));
    }
}
