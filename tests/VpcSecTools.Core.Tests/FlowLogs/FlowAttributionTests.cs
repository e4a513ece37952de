using System.IO.Compression;
using System.Text.Json;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The demo's flow-log questions with the network: who talked to the database (named), and the bytes through the NAT
/// gateways by destination service, each checked against figures computed without the engine.
/// </summary>
public class FlowAttributionTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement;

    /// <summary>The demo's records, read with nothing but gzip and split (the header names the columns).</summary>
    private static IEnumerable<Dictionary<string, string>> RawRecords()
    {
        foreach (var file in Directory.GetFiles(Flows, "*.log.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(new GZipStream(File.OpenRead(file), CompressionMode.Decompress));
            var header = reader.ReadLine()!.Split(' ');
            for (var line = reader.ReadLine(); line is not null; line = reader.ReadLine())
                yield return header.Zip(line.Split(' ')).ToDictionary(p => p.First, p => p.Second);
        }
    }

    private static string Address(string name) => Expected.GetProperty("addresses").GetProperty(name).GetProperty("private")[0].GetString()!;

    [Fact]
    public void Who_talked_to_the_database_names_each_source_as_the_database_vpc_sees_it()
    {
        var query = new FlowQueryArguments { DestinationAddress = ["10.0.20.77"], DestinationPort = ["5432"], GroupBy = ["interface-id", "srcaddr"] }.ToQuery();
        var groups = new FlowLogReader().Run(FlowLogPaths.Expand([Flows], out _), query).Groups;

        var independent = RawRecords().Where(r => r["dstaddr"] == "10.0.20.77" && r["dstport"] == "5432")
            .GroupBy(r => (r["interface-id"], r["srcaddr"])).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(independent.OrderBy(kv => kv.Key).Select(kv => (kv.Key.Item1, kv.Key.Item2, (long)kv.Value)),
            groups.OrderBy(g => (g.Values[0], g.Values[1])).Select(g => (g.Values[0]!, g.Values[1]!, g.Count)));

        var attribution = new FlowAttribution(FlowLogDestinationTests.Demo);
        // The database's own ENI logged every one of these flows: attribute as its VPC sees them.
        var dbEni = FlowLogDestinationTests.Demo.NetworkInterfaces.Values.Single(e => e.PrivateIpAddress == "10.0.20.77").NetworkInterfaceId;
        var owners = groups.Where(g => g.Values[0] == dbEni).ToDictionary(g => g.Values[1]!, g => attribution.Of(g));
        Assert.Equal(independent.Keys.Where(k => k.Item1 == dbEni).Select(k => k.Item2).Order(), owners.Keys.Order());
        Assert.All(owners.Values, o => Assert.Null(o[0]));
        var app1 = owners[Address("app-1")][1]!;
        Assert.Equal((AttributionScope.ThisVpc, "i-0dddb415bc394ed41"), (app1.Scope, app1.Owner!.OwnerResourceId));
        Assert.StartsWith("prod-app-1 (Instance", app1.ToString());
        var lambda = owners[Address("lambda-a")][1]!;
        Assert.Equal(OwnerType.Lambda, lambda.Owner!.OwnerType);
        // Monitoring sits in the peered shared-services VPC: seen from the database's VPC, across the peering.
        var monitoring = owners["10.100.1.25"][1]!;
        Assert.Equal((AttributionScope.PeeredVpc, FlowLogDestinationTests.SharedVpc, "pcx-0f5c75a7d52d137ac"),
            (monitoring.Scope, monitoring.VpcId, monitoring.VpcPeeringConnectionId));
        Assert.Contains("in vpc-09d7bc1194c9e4030", monitoring.ToString());
    }

    [Fact]
    public void Records_get_their_source_and_destination_seen_from_their_interfaces_vpc()
    {
        var query = new FlowQueryArguments { Action = ["REJECT"], SourceAddress = ["192.0.2.0/24"], First = 20 }.ToQuery();
        var report = new FlowLogReadReport();
        var records = new FlowLogReader().Records(FlowLogPaths.Expand([Flows], out _), query, report).ToList();
        Assert.Equal(20, records.Count);
        var attribution = new FlowAttribution(FlowLogDestinationTests.Demo);
        foreach (var r in records)
        {
            var (source, destination) = attribution.Of(r);
            Assert.Equal(AttributionScope.Public, source!.Scope);
            Assert.Equal("internet", source.ToString());
            Assert.Equal(AttributionScope.ThisVpc, destination!.Scope);
            Assert.Equal(r.InterfaceId, destination.Owner!.NetworkInterfaceId);
        }
        Assert.Null(attribution.Of("-"));
        Assert.Null(attribution.Of((string?)null));
    }

    [Fact]
    public void Bytes_through_the_nat_gateways_by_service_equal_the_ground_truth()
    {
        var inputs = FlowLogPaths.Expand([Flows], out _);
        var (totals, notes, report) = NatTrafficAttribution.ThroughNatGateways(new FlowLogReader(), inputs, FlowLogDestinationTests.Demo, new FlowFilter(), AwsIpRangeSet.Bundled);
        Assert.Empty(notes);
        Assert.Equal(0, report.SkippedLines);
        var byService = totals.GroupBy(t => t.Service == "S3" && t.Region == "us-west-2" ? "S3-usw2" : t.Service).ToDictionary(g => g.Key, g => g.Sum(t => t.Bytes));
        var expected = Expected.GetProperty("nat_bytes_by_service").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("bytes").GetInt64());
        Assert.Equal(expected.OrderBy(kv => kv.Key), byService.OrderBy(kv => kv.Key));
        // S3 in us-east-1 all went through nat-b from app-3 alone; the list is largest first.
        var s3 = totals[0];
        Assert.Equal(("nat-000ca39b2dd4b6e7e", "S3", "us-east-1", 1, ServiceNamedBy.FlowLogField), (s3.NatGatewayId, s3.Service, s3.Region, s3.Clients, s3.NamedBy));
        Assert.Equal(Math.Round(63151422622m / (1024m * 1024m * 1024m), 3), s3.Gigabytes);
        Assert.True(totals.Zip(totals.Skip(1)).All(p => p.First.Bytes >= p.Second.Bytes));
    }

    [Fact]
    public void Nat_totals_honour_the_window_and_the_interface_filter()
    {
        var inputs = FlowLogPaths.Expand([Flows], out _);
        var demo = FlowLogDestinationTests.Demo;
        var natA = demo.NatGateways["nat-0c4f804c43e21696e"].NatGatewayAddresses[0].NetworkInterfaceId!;
        var (onlyA, _, _) = NatTrafficAttribution.ThroughNatGateways(new FlowLogReader(), inputs, demo, new FlowFilter { InterfaceId = [natA] }, AwsIpRangeSet.Bundled);
        Assert.All(onlyA, t => Assert.Equal("nat-0c4f804c43e21696e", t.NatGatewayId));
        Assert.NotEmpty(onlyA);
        var window = new FlowFilter { Since = new DateTimeOffset(2026, 11, 21, 0, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero) };
        var (half, _, _) = NatTrafficAttribution.ThroughNatGateways(new FlowLogReader(), inputs, demo, window, AwsIpRangeSet.Bundled);
        var (all, _, _) = NatTrafficAttribution.ThroughNatGateways(new FlowLogReader(), inputs, demo, new FlowFilter(), AwsIpRangeSet.Bundled);
        Assert.InRange(half.Sum(t => t.Bytes), all.Sum(t => t.Bytes) / 3, all.Sum(t => t.Bytes) * 2 / 3);
    }

    [Fact]
    public void Attribution_labels_name_the_evidence_in_a_few_words()
    {
        var attributor = new AddressAttributor(FlowLogDestinationTests.Demo, AwsIpRangeSet.Bundled);
        Assert.Equal("S3 us-east-1", attributor.Attribute("52.217.161.42", FlowLogDestinationTests.ProdVpc).ToString());
        Assert.Equal("internet", attributor.Attribute("192.0.2.50", FlowLogDestinationTests.ProdVpc).ToString());
        Assert.StartsWith("reserved: ", attributor.Attribute("10.0.10.2", FlowLogDestinationTests.ProdVpc).ToString());
        Assert.StartsWith("unknown: ", attributor.Attribute("127.0.0.1", FlowLogDestinationTests.ProdVpc).ToString());
        Assert.StartsWith("vpn ", attributor.Attribute("172.16.5.5", FlowLogDestinationTests.ProdVpc).ToString());
    }
}
