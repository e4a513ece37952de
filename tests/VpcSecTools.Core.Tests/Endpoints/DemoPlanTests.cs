using System.IO.Compression;
using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// The demo network end to end: flow logs read, NAT traffic attributed and planned. Every figure is
/// checked against a re-computation written here from the raw files (gunzip, split, sum) and against
/// the generator's own totals in samples/demo/expected.json.
/// </summary>
public class DemoPlanTests
{
    internal static readonly string Logs = Path.Combine(TestPaths.Demo, "flowlogs");
    internal static readonly string IpRangesFile = Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-2026-08-22.json");

    internal static EndpointPlan DemoPlan()
    {
        var index = new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo));
        var inputs = FlowLogPaths.Expand([Logs], out _);
        var (traffic, _) = NatTrafficAttribution.Observe(new FlowLogReader(), inputs, index, AwsIpRangeSet.Load(IpRangesFile), new FlowFilter());
        return EndpointPlanner.Plan(index, traffic, PriceTable.Bundled());
    }

    [Fact]
    public void Demo_plan_matches_an_independent_calculation_from_the_raw_flow_logs()
    {
        using var expectedDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json")));
        var expected = expectedDoc.RootElement;
        var ids = expected.GetProperty("ids");
        var (bytes, first, last, _) = RawNatBytes(expected);
        var byService = expected.GetProperty("nat_bytes_by_service");
        Assert.Equal(byService.GetProperty("S3").GetProperty("bytes").GetInt64(), bytes["S3-us-east-1"]);
        Assert.Equal(byService.GetProperty("S3-usw2").GetProperty("bytes").GetInt64(), bytes["S3-us-west-2"]);
        Assert.Equal(byService.GetProperty("DYNAMODB").GetProperty("bytes").GetInt64(), bytes["DYNAMODB"]);

        decimal factor = 730m / ((last - first) / 3600m);
        decimal Gb(long b) => b * factor / (1024m * 1024m * 1024m);

        var plan = DemoPlan();
        Assert.Equal(factor, plan.MonthlyFactor, 6);

        // S3: the endpoint exists on rtb-app-a/b; app-c's table sends S3 through NAT -> add it (finding + recommendation).
        var s3 = Assert.Single(plan.Recommendations, r => r.Service == "S3");
        Assert.Equal(EndpointAction.AddRouteTables, s3.Action);
        Assert.Equal([ids.GetProperty("rtb-app-c").GetString()!], s3.RouteTableIds);
        Assert.Equal(expected.GetProperty("route_tables_without_s3_endpoint").GetProperty("with_nat_traffic_to_s3").EnumerateArray().Select(e => e.GetString()!), s3.RouteTableIds);
        Assert.Equal(Math.Round(Gb(bytes["S3-us-east-1"]), 2), s3.ObservedGbPerMonth);
        Assert.Equal(Math.Round(Gb(bytes["S3-us-east-1"]) * 0.045m, 2), s3.SavingPerMonth);
        Assert.Contains(plan.Findings, f => f.Kind == EndpointFinding.GatewayEndpointMissingRouteTable && f.Resources.SequenceEqual(s3.RouteTableIds));

        // DynamoDB: no endpoint -> a new gateway endpoint on the app tables of every sender.
        var ddb = Assert.Single(plan.Recommendations, r => r.Service == "DYNAMODB");
        Assert.Equal(EndpointAction.CreateGatewayEndpoint, ddb.Action);
        Assert.Equal(new[] { "rtb-app-a", "rtb-app-b", "rtb-app-c" }.Select(k => ids.GetProperty(k).GetString()!).Order(), ddb.RouteTableIds.Order());
        Assert.Equal(Math.Round(Gb(bytes["DYNAMODB"]), 2), ddb.ObservedGbPerMonth);
        Assert.Equal(Math.Round(Gb(bytes["DYNAMODB"]) * 0.045m, 2), ddb.SavingPerMonth);

        // Cross-region S3 and AMAZON-only traffic are reported, not recommended.
        var usw2 = Assert.Single(plan.Traffic, t => t.Service == "S3" && t.DestinationRegion == "us-west-2");
        Assert.Equal(TrafficDisposition.CrossRegion, usw2.Disposition);
        Assert.Equal(Math.Round(Gb(bytes["S3-us-west-2"]), 2), usw2.GbPerMonth);
        var amazon = Assert.Single(plan.Traffic, t => t.Service == "AMAZON");
        Assert.Equal(TrafficDisposition.Unnamed, amazon.Disposition);
        Assert.Equal(Math.Round(Gb(bytes["AMAZON"]), 2), amazon.GbPerMonth);
        // No interface endpoint: nothing but S3/DynamoDB (gateway) and AMAZON (unnamed) is an endpoint service here.
        Assert.DoesNotContain(plan.Recommendations, r => r.Action == EndpointAction.CreateInterfaceEndpoint);
        Assert.Equal(2, plan.Recommendations.Count);
    }

    [Fact]
    public void Demo_plan_renders_in_every_format()
    {
        var plan = DemoPlan();
        foreach (var format in Enum.GetValues<EndpointPlanFormat>())
        {
            var text = EndpointPlanRendering.Render(plan, format);
            Assert.Contains(plan.Recommendations.Single(r => r.Service == "S3").RouteTableIds[0], text);
            Assert.Contains("com.amazonaws.us-east-1.dynamodb", text);
        }
        using var doc = JsonDocument.Parse(EndpointPlanRendering.CloudFormation(plan));
        Assert.Single(doc.RootElement.GetProperty("Resources").EnumerateObject());
    }

    /// <summary>
    /// Independent: every raw record; the NAT ENIs' internet-side records (NAT IP &lt;-&gt; a public address)
    /// hold each NAT flow once; service from the v5 field, S3's region by a linear scan of ip-ranges.json.
    /// Records overlapping [since, until) (end &gt;= since, start &lt; until) are counted; the NAT bytes of the
    /// others are summed as Outside. First/Last: the span of every record.
    /// </summary>
    internal static (Dictionary<string, long> Bytes, long First, long Last, long Outside) RawNatBytes(JsonElement expected,
        long since = long.MinValue, long until = long.MaxValue)
    {
        var ids = expected.GetProperty("ids");
        var natEnis = new[] { ids.GetProperty("eni").GetProperty("nat-a").GetString()!, ids.GetProperty("eni").GetProperty("nat-b").GetString()! };
        var natIps = new[] { expected.GetProperty("addresses").GetProperty("nat-a").GetProperty("private")[0].GetString()!,
            expected.GetProperty("addresses").GetProperty("nat-b").GetProperty("private")[0].GetString()! };
        var s3Regions = S3Prefixes();
        long first = long.MaxValue, last = 0, outside = 0;
        var bytes = new Dictionary<string, long>();
        foreach (var file in Directory.EnumerateFiles(Logs, "*.log.gz", SearchOption.AllDirectories))
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
            var header = reader.ReadLine()!.Split(' ');
            int F(string name) => Array.IndexOf(header, name);
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                var v = line.Split(' ');
                if (v[F("start")] != "-") first = Math.Min(first, long.Parse(v[F("start")]));
                if (v[F("end")] != "-") last = Math.Max(last, long.Parse(v[F("end")]));
                if (!natEnis.Contains(v[F("interface-id")]) || v[F("bytes")] == "-") continue;
                string src = v[F("srcaddr")], dst = v[F("dstaddr")];
                string? remote = natIps.Contains(src) ? dst : natIps.Contains(dst) ? src : null;
                if (remote is null || remote.StartsWith("10.")) continue;
                if (long.Parse(v[F("end")]) < since || long.Parse(v[F("start")]) >= until) { outside += long.Parse(v[F("bytes")]); continue; }
                var service = natIps.Contains(src) ? v[F("pkt-dst-aws-service")] : v[F("pkt-src-aws-service")];
                if (service == "S3") service = s3Regions.Any(p => InPrefix(remote, p.Cidr)) ? "S3-" + s3Regions.First(p => InPrefix(remote, p.Cidr)).Region : "S3-?";
                bytes[service] = bytes.GetValueOrDefault(service) + long.Parse(v[F("bytes")]);
            }
        }
        return (bytes, first, last, outside);
    }

    internal static List<(string Cidr, string Region)> S3Prefixes()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(IpRangesFile));
        return doc.RootElement.GetProperty("prefixes").EnumerateArray()
            .Where(p => p.GetProperty("service").GetString() == "S3")
            .Select(p => (p.GetProperty("ip_prefix").GetString()!, p.GetProperty("region").GetString()!)).ToList();
    }

    internal static bool InPrefix(string address, string cidr)
    {
        var parts = cidr.Split('/');
        uint Bits(string a) => a.Split('.').Select(uint.Parse).Aggregate(0u, (acc, o) => (acc << 8) | o);
        var length = int.Parse(parts[1]);
        var mask = length == 0 ? 0u : uint.MaxValue << (32 - length);
        return (Bits(address) & mask) == (Bits(parts[0]) & mask);
    }
}
