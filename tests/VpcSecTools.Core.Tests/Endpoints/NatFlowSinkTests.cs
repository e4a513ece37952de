using System.Globalization;
using System.Text;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// The attribution read straight from the lines (<see cref="NatTrafficAttribution.Observe"/>) against the general engine:
/// the NAT and endpoint ENIs' records grouped by <see cref="NatTrafficAttribution.GroupFieldSets"/> and attributed per
/// group. Both must give the same flows, bytes per ENI, window and notes on every format and on the awkward records: IPv6
/// and garbage addresses, '-' fields, zero bytes, malformed lines, long service names, ids too many to pack.
/// </summary>
public class NatFlowSinkTests
{
    private static readonly SnapshotIndex Demo = new(SnapshotLoader.Load(TestPaths.Demo));
    private static readonly AwsIpRangeSet Ranges = AwsIpRangeSet.Load(DemoPlanTests.IpRangesFile);

    private static readonly string[] V5 = ("version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status " +
        "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path").Split(' ');
    private static readonly string[] V3 = "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr".Split(' ');

    private static (ObservedTraffic Traffic, FlowLogReadReport Report) Engine(IReadOnlyList<FlowLogInput> inputs, IReadOnlyList<string> fields,
        FlowFilter within, PlanWindow? window = null)
    {
        var enis = Demo.NatGateways.Values.SelectMany(n => n.NatGatewayAddresses).Select(a => a.NetworkInterfaceId)
            .Concat(Demo.VpcEndpoints.Values.SelectMany(e => e.NetworkInterfaceIds)).OfType<string>()
            .Where(e => within.InterfaceId.Count == 0 || within.InterfaceId.Contains(e)).ToArray();
        var result = new FlowLogReader().Run(inputs, new FlowLogQuery { GroupBy = [.. fields], Filter = within with { InterfaceId = enis } });
        return (NatTrafficAttribution.Attribute(Demo, result.Groups, Ranges, null, window), result.Report);
    }

    private static void AssertSame(ObservedTraffic expected, ObservedTraffic actual)
    {
        Assert.NotEmpty(expected.Flows);
        Assert.Equal(expected.Flows, actual.Flows);
        Assert.Equal(expected.BytesByInterface.OrderBy(kv => kv.Key, StringComparer.Ordinal), actual.BytesByInterface.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        Assert.Equal((expected.WindowStart, expected.WindowEnd), (actual.WindowStart, actual.WindowEnd));
        Assert.Equal(expected.Notes, actual.Notes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_demo_logs_attribute_as_the_general_group_by_does(int threads)
    {
        var inputs = FlowLogPaths.Expand([DemoPlanTests.Logs], out _);
        var (expected, expectedReport) = Engine(inputs, NatTrafficAttribution.GroupFieldSets[0], new FlowFilter());
        var (actual, report) = NatTrafficAttribution.Observe(new FlowLogReader(new FlowLogReadOptions { Threads = threads }), inputs, Demo, Ranges, new FlowFilter());
        AssertSame(expected, actual);
        Assert.Equal((expectedReport.Records, expectedReport.Matched, expectedReport.SkippedLines), (report.Records, report.Matched, report.SkippedLines));
        Assert.Contains(actual.Flows, f => f.SourceAddress is not null && f.NamedBy == ServiceNamedBy.FlowLogField);
    }

    [Fact]
    public void A_window_and_an_interface_narrow_both_readings_alike()
    {
        var inputs = FlowLogPaths.Expand([DemoPlanTests.Logs], out _);
        var (all, _) = NatTrafficAttribution.Observe(new FlowLogReader(), inputs, Demo, Ranges, new FlowFilter());
        var middle = all.WindowStart + (all.WindowEnd - all.WindowStart) / 2;
        var window = new PlanWindow(all.WindowStart.AddHours(1), middle);
        var firstNat = Demo.NatGateways.Values.First().NatGatewayAddresses[0].NetworkInterfaceId!;
        var within = new FlowFilter { Since = window.Since, Until = window.Until, InterfaceId = [firstNat] };

        var (expected, _) = Engine(inputs, NatTrafficAttribution.GroupFieldSets[0], within, window);
        var (actual, _) = NatTrafficAttribution.Observe(new FlowLogReader(), inputs, Demo, Ranges, within, window);
        AssertSame(expected, actual);
        Assert.Equal([firstNat], actual.BytesByInterface.Keys);
        Assert.True(actual.Flows.Sum(f => f.Bytes) < all.Flows.Sum(f => f.Bytes));
    }

    public static TheoryData<string, int, int> Formats => new()
    {
        { "v5", 0, 1 }, { "v5", 0, 2 }, { "v3", 1, 2 }, { "v2", 2, 2 },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Awkward_records_attribute_as_the_general_group_by_does(string format, int fieldSet, int threads)
    {
        // A few fixed seeds (150 were checked once): each run reads the same logs.
        foreach (var seed in new[] { 1, 2, 3 })
            Awkward(format, fieldSet, threads, seed);
    }

    private static void Awkward(string format, int fieldSet, int threads, int seed)
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File($"{format}.log");
        File.WriteAllText(path, Generate(new Random(seed * 31 + format[1]), 3000, format));
        // Small slices: every sink sees part of the file and the merge must add them up.
        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = threads, MinSplitBytes = 64 << 10 });
        var inputs = new[] { FlowLogInput.FromFile(path) };

        var (expected, expectedReport) = Engine(inputs, NatTrafficAttribution.GroupFieldSets[fieldSet], new FlowFilter());
        var (actual, report) = NatTrafficAttribution.Observe(reader, inputs, Demo, Ranges, new FlowFilter());
        AssertSame(expected, actual);
        Assert.True(report.SkippedLines > 0, "the generator writes malformed lines");
        Assert.Equal((expectedReport.Lines, expectedReport.Records, expectedReport.Matched, expectedReport.SkippedLines), (report.Lines, report.Records, report.Matched, report.SkippedLines));
        Assert.Equal(expectedReport.Skipped, report.Skipped);
        Assert.Contains(report.Skipped, s => s.Reason.StartsWith("expected", StringComparison.Ordinal));
        if (format == "v2") Assert.All(actual.Flows, f => Assert.Null(f.SourceAddress));
        else Assert.Contains(actual.Flows, f => f.SourceAddress?.Contains(':') == true);
    }

    [Fact]
    public void Service_names_too_many_to_pack_are_summed_apart_and_still_right()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("many.log");
        File.WriteAllText(path, Generate(new Random(11), 6000, "v5", distinctServices: 1500));
        var inputs = new[] { FlowLogInput.FromFile(path) };
        var (expected, _) = Engine(inputs, NatTrafficAttribution.GroupFieldSets[0], new FlowFilter());
        var (actual, _) = NatTrafficAttribution.Observe(new FlowLogReader(new FlowLogReadOptions { Threads = 1 }), inputs, Demo, Ranges, new FlowFilter());
        AssertSame(expected, actual);
        Assert.True(actual.Flows.Select(f => f.Service).Distinct().Count() > 1024);
    }

    /// <remarks>
    /// A record of nat-b to S3 whose packet addresses are '-' is counted by its addresses; with an address that is not one it
    /// is a skipped line with its reason. It was read as a record and dropped: 58 MB gone with nothing said.
    /// </remarks>
    [Fact]
    public void An_address_that_is_not_one_is_a_skipped_line_where_the_packet_addresses_are_missing()
    {
        using var dir = new TestPaths.TempDir();
        string Line(string remote) => "5 111122223333 eni-0489471433c7defc2 10.0.1.168 " + remote +
            " 41576 443 6 41612 58256575 1795219205 1795219787 ACCEPT OK vpc-04be895ea4d91bcbf subnet-03bf49f78ffdb58ee - 2 IPv4 - - us-east-1 use1-az2 - S3 egress 2";
        File.WriteAllText(dir.File("nat.log"), string.Join(' ', V5) + "\n" + Line("54.231.130.9") + "\n" + Line("54.231.130.999") + "\n");
        var (traffic, report) = NatTrafficAttribution.Observe(new FlowLogReader(), [FlowLogInput.FromFile(dir.File("nat.log"))], Demo, Ranges, new FlowFilter());
        Assert.Equal(58256575, traffic.Flows.Sum(f => f.Bytes));
        Assert.Equal((1L, 1L), (report.Records, report.SkippedLines));
        Assert.Equal((3L, "dstaddr '54.231.130.999' is not an IP address"), (report.Skipped.Single().Line, report.Skipped.Single().Reason));
    }

    /// <remarks>
    /// A REJECT on a NAT gateway's interface is traffic the interface dropped (the NAT gateway has no security group: its
    /// subnet's network ACL, or packets after the connection closed): it did not go through the NAT gateway. The NAT
    /// attribution counted its bytes (-ThroughNatGateway, the endpoint plan) where the transfer cost did not.
    /// </remarks>
    [Fact]
    public void A_reject_on_a_nat_gateways_interface_is_not_nat_traffic_to_the_attribution_nor_to_the_transfer_cost()
    {
        using var dir = new TestPaths.TempDir();
        string Line(string action, long bytes) => "5 111122223333 eni-0489471433c7defc2 10.0.1.168 54.231.130.9" +
            $" 41576 443 6 41612 {bytes} 1795219205 1795219787 {action} OK vpc-04be895ea4d91bcbf subnet-03bf49f78ffdb58ee - 2 IPv4 - - us-east-1 use1-az2 - S3 egress 2";
        File.WriteAllText(dir.File("nat.log"), string.Join(' ', V5) + "\n" + Line("ACCEPT", 58256575) + "\n" + Line("REJECT", 7000000) + "\n");
        var inputs = new[] { FlowLogInput.FromFile(dir.File("nat.log")) };

        var (traffic, report) = NatTrafficAttribution.Observe(new FlowLogReader(), inputs, Demo, Ranges, new FlowFilter());
        var (cost, _) = VpcSecTools.TransferCost.TransferCosting.Read(new FlowLogReader(), inputs, new FlowFilter(), Demo, Ranges, PriceTable.Bundled(), PlanWindow.All);
        Assert.Equal((2L, 0L), (report.Records, report.SkippedLines));
        Assert.Equal(58256575, traffic.Flows.Sum(f => f.Bytes));
        Assert.Equal(58256575, cost.Lines.Single(l => l.Path == VpcSecTools.TransferCost.TransferPath.NatGateway).Bytes);
        Assert.Equal(58256575, traffic.BytesByInterface["eni-0489471433c7defc2"]);
        // Both say what they left out, in the same words.
        Assert.Contains(NatRecordSides.RejectedNote(7000000), traffic.Notes);
        Assert.Contains(NatRecordSides.RejectedNote(7000000), cost.Notes);

        // Groups that carry the action are read by the same rule; a REJECT group is not NAT traffic.
        var groups = new FlowLogReader().Run(inputs, new FlowLogQuery { GroupBy = ["interface-id", "srcaddr", "dstaddr", "action"] }).Groups;
        var grouped = NatTrafficAttribution.Attribute(Demo, groups, Ranges);
        Assert.Equal(58256575, grouped.Flows.Sum(f => f.Bytes));
        Assert.Contains(NatRecordSides.RejectedNote(7000000), grouped.Notes);
    }

    [Fact]
    public void A_format_without_interface_id_is_a_file_error_not_a_guess()
    {
        using var dir = new TestPaths.TempDir();
        var path = dir.File("no-eni.log");
        File.WriteAllText(path, "version srcaddr dstaddr bytes start end\n5 10.0.1.5 52.94.1.9 100 1795294800 1795294860\n");
        var (traffic, report) = NatTrafficAttribution.Observe(new FlowLogReader(), [FlowLogInput.FromFile(path)], Demo, Ranges, new FlowFilter());
        Assert.Empty(traffic.Flows);
        Assert.Contains("interface-id", Assert.Single(report.FileErrors).Message);
        Assert.Contains(traffic.Notes, n => n.StartsWith("no records from the NAT gateways' ENIs", StringComparison.Ordinal));
    }

    /// <summary>
    /// Flows through the demo's NAT gateways written as a VPC-wide log sees them (client ENI both ways, NAT ENI both
    /// sides), plus endpoint and unrelated ENIs, IPv6 (unique-local clients), '-' and garbage addresses, NODATA lines,
    /// zero bytes, malformed bytes and times, milliseconds, service names of every length.
    /// </summary>
    private static string Generate(Random rnd, int flows, string format, int distinctServices = 0)
    {
        var nats = Demo.NatGateways.Values.Select(n => (Eni: n.NatGatewayAddresses[0].NetworkInterfaceId!, Ip: n.NatGatewayAddresses[0].PrivateIp!)).ToArray();
        var endpointEnis = Demo.VpcEndpoints.Values.SelectMany(e => e.NetworkInterfaceIds).ToArray();
        var clients = Demo.NetworkInterfaces.Values.Where(e => e.InterfaceType is null or "interface" && e.PrivateIpAddress is not null)
            .Select(e => (Eni: e.NetworkInterfaceId, Ip: e.PrivateIpAddress!)).Take(10)
            .Append((Eni: "eni-0ffee1234567890ab", Ip: "fd12:3456:789a:1::25")).Append((Eni: "eni-0ffee1234567890ac", Ip: "fd12:3456:789a:1:0:0:0:26")).ToArray();
        (string Prefix, string Service)[] remotes =
        [
            ("54.231.130.", "S3"), ("16.12.96.", "S3"), ("3.218.181.", "DYNAMODB"), ("52.94.1.", "DYNAMODB"), ("52.94.224.", "AMAZON"),
            ("15.177.0.", "ROUTE53_HEALTHCHECKS"), ("198.51.100.", "-"), ("2406:daf9:a800::", "S3"), ("-", "-"), ("not-an-ip.", "-"),
        ];
        var fields = format switch { "v5" => V5, "v3" => V3, _ => FlowLogFormat.Default.Fields.ToArray() };
        var text = new StringBuilder();
        if (format != "v2") text.Append(string.Join(' ', fields)).Append('\n');
        long time = 1795294800;
        void Line(string eni, string src, string dst, string psrc, string pdst, long bytes, string srcSvc, string dstSvc)
        {
            bool ms = rnd.Next(20) == 0;
            var values = new Dictionary<string, string>
            {
                ["version"] = format[1..], ["account-id"] = "111122223333", ["interface-id"] = eni, ["srcaddr"] = src, ["dstaddr"] = dst,
                ["srcport"] = "40000", ["dstport"] = "443", ["protocol"] = "6", ["packets"] = (bytes / 900 + 1).ToString(CultureInfo.InvariantCulture),
                ["bytes"] = rnd.Next(60) switch { 0 => "0", 1 => "-", 2 => "12x", _ => bytes.ToString(CultureInfo.InvariantCulture) },
                ["start"] = rnd.Next(200) == 0 ? "soon" : (ms ? time * 1000 : time).ToString(CultureInfo.InvariantCulture),
                ["end"] = ((ms ? (time + 60) * 1000 : time + 60)).ToString(CultureInfo.InvariantCulture),
                ["action"] = "ACCEPT", ["log-status"] = "OK", ["vpc-id"] = "vpc-04be895ea4d91bcbf", ["subnet-id"] = "subnet-0a", ["instance-id"] = "-",
                ["tcp-flags"] = "3", ["type"] = psrc.Contains(':') ? "IPv6" : "IPv4", ["pkt-srcaddr"] = psrc, ["pkt-dstaddr"] = pdst, ["region"] = "us-east-1",
                ["az-id"] = "use1-az1", ["pkt-src-aws-service"] = srcSvc, ["pkt-dst-aws-service"] = dstSvc, ["flow-direction"] = "egress", ["traffic-path"] = "-",
            };
            text.Append(string.Join(' ', fields.Select(f => values[f]))).Append('\n');
        }
        for (int i = 0; i < flows; i++)
        {
            var c = clients[rnd.Next(clients.Length)];
            var nat = nats[rnd.Next(nats.Length)];
            var (prefix, svc) = remotes[rnd.Next(remotes.Length)];
            var remote = prefix == "-" ? "-" : prefix + rnd.Next(1, 255).ToString(prefix.Contains(':') ? "x" : "D", CultureInfo.InvariantCulture);
            if (distinctServices > 0 && svc != "-") svc = "SVC" + rnd.Next(distinctServices).ToString("D4", CultureInfo.InvariantCulture);
            long up = rnd.Next(200, 20000), down = rnd.Next(1000, 5_000_000);
            time += rnd.Next(0, 3);
            Line(c.Eni, c.Ip, remote, c.Ip, remote, up, "-", svc);
            Line(c.Eni, remote, c.Ip, remote, c.Ip, down, svc, "-");
            Line(nat.Eni, c.Ip, nat.Ip, c.Ip, remote, up, "-", svc);
            Line(nat.Eni, nat.Ip, remote, nat.Ip, remote, up, "-", svc);
            Line(nat.Eni, remote, nat.Ip, remote, nat.Ip, down, svc, "-");
            Line(nat.Eni, nat.Ip, c.Ip, remote, c.Ip, down, svc, "-");
            if (rnd.Next(10) == 0 && endpointEnis.Length > 0)
                Line(endpointEnis[rnd.Next(endpointEnis.Length)], c.Ip, "10.0.9.9", c.Ip, "10.0.9.9", rnd.Next(1, 9000), "-", "-");
            if (rnd.Next(40) == 0)
                text.Append(string.Join(' ', fields.Select(f => f switch { "version" => format[1..], "interface-id" => nat.Eni, "log-status" => "NODATA", _ => "-" }))).Append('\n');
            // Lines with a field too many or too few, of a NAT ENI and of another ENI (turned away early), some with CRLF.
            if (rnd.Next(30) == 0)
            {
                var eni = rnd.Next(2) == 0 ? nat.Eni : c.Eni;
                var values = fields.Select(f => f == "interface-id" ? eni : f == "version" ? format[1..] : "7").ToList();
                if (rnd.Next(2) == 0) values.Add("extra"); else values.RemoveAt(values.Count - 1);
                text.Append(string.Join(' ', values)).Append(rnd.Next(3) == 0 ? "\r\n" : "\n");
            }
        }
        return text.ToString();
    }
}
