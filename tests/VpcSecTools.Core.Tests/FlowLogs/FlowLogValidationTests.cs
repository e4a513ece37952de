using System.IO.Compression;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// One rule for a field's value, whatever the question: listing, counting, grouping and the NAT attribution keep and
/// skip the same lines; times after the year 9999 are skipped lines with a reason; totals never wrap negative.
/// </summary>
public class FlowLogValidationTests
{
    private const string Good = "2 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 40000 443 6 2 120 1700000000 1700000060 ACCEPT OK";

    /// <summary>Lines listing refuses, each with the reason it gives.</summary>
    private static readonly (string Line, string Reason)[] Bad =
    [
        ("2 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 4x000 443 6 2 120 1700000000 1700000060 ACCEPT OK", "srcport '4x000' is not a number"),
        ("2 123456789012 eni-0a1b2c3d 999.0.0.5 10.0.1.9 40000 443 6 2 120 1700000000 1700000060 ACCEPT OK", "srcaddr '999.0.0.5' is not an IP address"),
        ("2 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 40000 99999999999 6 2 120 1700000000 1700000060 ACCEPT OK", "dstport '99999999999' is not a number"),
        ("2 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 40000 443 6 2 120 999999999999999999 1700000060 ACCEPT OK", "start '999999999999999999' is out of range (after the year 9999)"),
        ("2 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 40000 443 6 2 120 1700000000 253402300800000 ACCEPT OK", "end '253402300800000' is out of range (after the year 9999)"),
        ("x 123456789012 eni-0a1b2c3d 10.0.0.5 10.0.1.9 40000 443 6 2 120 1700000000 1700000060 ACCEPT OK", "version 'x' is not a number"),
    ];

    private static string Write(TestPaths.TempDir dir)
    {
        var path = dir.File("mixed.log");
        File.WriteAllLines(path, [Good, .. Bad.Select(b => b.Line), Good, Good]);
        return path;
    }

    [Fact]
    public void Counting_skips_the_lines_listing_skips_for_the_same_reasons()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = new[] { FlowLogInput.FromFile(Write(dir)) };
        var reader = new FlowLogReader();
        var listed = new FlowLogReadReport();
        Assert.Equal(3, reader.Records(inputs, new FlowLogQuery(), listed).Count());
        var counted = reader.Run(inputs, new FlowLogQuery());
        // With a filter the bad lines pass, the answer is the same.
        var filtered = reader.Run(inputs, new FlowLogQuery { Filter = new FlowFilter { Action = ["ACCEPT"] } });
        foreach (var report in new[] { listed, counted.Report, filtered.Report })
        {
            Assert.Equal(3, report.Matched);
            Assert.Equal(Bad.Select(b => b.Reason), report.Skipped.Select(s => s.Reason));
            Assert.Equal(Enumerable.Range(2, Bad.Length).Select(i => (long)i), report.Skipped.Select(s => s.Line));
        }
    }

    [Fact]
    public void Grouping_skips_the_lines_whose_grouped_counted_or_time_fields_listing_would_refuse()
    {
        using var dir = new TestPaths.TempDir();
        var inputs = new[] { FlowLogInput.FromFile(Write(dir)) };
        var reader = new FlowLogReader();
        // By source port and address: their bad values and the bad times are skipped, with listing's reasons.
        var grouped = reader.Run(inputs, new FlowLogQuery { GroupBy = ["srcport", "srcaddr", "dstport"] });
        Assert.Equal(Bad.Take(5).Select(b => b.Reason), grouped.Report.Skipped.Select(s => s.Reason));
        Assert.Equal(4, grouped.Report.Matched);
        Assert.All(grouped.Groups, g => Assert.IsType<int>(g.TypedValue(0)));
        // By action: only the bad times are skipped (no other field is read).
        var byAction = reader.Run(inputs, new FlowLogQuery { GroupBy = ["action"] });
        Assert.Equal(Bad.Skip(3).Take(2).Select(b => b.Reason), byAction.Report.Skipped.Select(s => s.Reason));
        Assert.Equal(7, byAction.Groups.Single().Count);
    }

    [Fact]
    public void The_vector_ipv4_check_judges_as_the_parser_does()
    {
        var rnd = new Random(7);
        const string alphabet = "0123456789..:-a ";
        var cases = new List<string> { "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.1.1.1", "1.1.1", "1.1.1.1.", ".1.1.1", "1..1.1", "10.0.0.10", "100.200.250.255", "199.299.1.1" };
        for (int i = 0; i < 200_000; i++)
        {
            if (i % 2 == 0) cases.Add($"{rnd.Next(300)}.{rnd.Next(300)}.{rnd.Next(1000)}.{rnd.Next(300)}");
            else cases.Add(new string(Enumerable.Range(0, rnd.Next(0, 17)).Select(_ => alphabet[rnd.Next(alphabet.Length)]).ToArray()));
        }
        foreach (var c in cases)
        {
            // The field, then the rest of a line, as the scanner's buffer holds it.
            var buffer = System.Text.Encoding.ASCII.GetBytes(c + " 10.0.1.9 40000 443 6");
            Assert.True(FlowText.TryParseIPv4(buffer.AsSpan(0, c.Length), out _) == FlowText.IsIPv4(buffer, c.Length), c);
        }
    }

    [Fact]
    public void Byte_and_packet_totals_stay_at_the_largest_number_instead_of_wrapping()
    {
        using var dir = new TestPaths.TempDir();
        var huge = Good.Replace(" 2 120 ", " 999999999999999999 999999999999999999 ");
        File.WriteAllLines(dir.File("huge.log"), Enumerable.Repeat(huge, 20));
        File.WriteAllLines(dir.File("more.log"), Enumerable.Repeat(huge, 20));
        foreach (int threads in new[] { 1, 2 })
        {
            var result = new FlowLogReader(new FlowLogReadOptions { Threads = threads }).Run(FlowLogPaths.Expand([dir.Path], out _),
                new FlowLogQuery { GroupBy = ["srcaddr"] });
            var group = Assert.Single(result.Groups);
            Assert.Equal((40L, long.MaxValue, long.MaxValue), (group.Count, group.Bytes, group.Packets));
        }
    }

    [Fact]
    public void An_endpoint_plan_from_absurd_byte_counts_is_never_negative()
    {
        // The demo's own records of one hour, with every byte count of its NAT gateways' ENIs made absurd.
        using var dir = new TestPaths.TempDir();
        var demo = FlowLogDestinationTests.Demo;
        var natEnis = demo.NatGateways.Values.SelectMany(n => n.NatGatewayAddresses).Select(a => a.NetworkInterfaceId).OfType<string>().ToHashSet();
        var first = Directory.EnumerateFiles(Endpoints.DemoPlanTests.Logs, "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(first), CompressionMode.Decompress)))
        using (var writer = new StreamWriter(dir.File("absurd.log")))
        {
            writer.WriteLine(reader.ReadLine());
            while (reader.ReadLine() is { } line)
            {
                var f = line.Split(' ');
                if (natEnis.Contains(f[2]) && f[9] != "-") f[9] = "999999999999999999";
                writer.WriteLine(string.Join(' ', f));
            }
        }
        var plan = EndpointPlanning.FromFlowLogs(demo, [dir.Path], Endpoints.DemoPlanTests.IpRangesFile, null);
        Assert.NotEmpty(plan.Traffic);
        Assert.All(plan.Traffic, t => Assert.True(t.GbPerMonth >= 0 && t.NatCostPerMonth >= 0, $"{t.Service}: {t.GbPerMonth} GB/month"));
        Assert.All(plan.Recommendations, r => Assert.True(r.ObservedGbPerMonth >= 0));
    }
}
