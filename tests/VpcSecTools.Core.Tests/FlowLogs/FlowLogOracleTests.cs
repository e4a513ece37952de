using System.Globalization;
using System.IO.Compression;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The same random records as text, gzip, text cut into slices, and Parquet (row groups of 1,000 and of 7, gzip and
/// uncompressed pages), read on one thread and on two: every count and group-by equals a plain LINQ computation over the
/// records. The records hold what the fast paths pack at their edges: IPv4 and long IPv6 addresses in one column, '-'
/// (NODATA), ports past 65,535, counts near 2^31, 2^32 and 2^58 (sums that pass the largest long stay there), times in
/// seconds and in milliseconds, short and long interface ids.
/// </summary>
public class FlowLogOracleTests
{
    private static readonly string[] Fields =
        ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"];

    private sealed record Flow(string Eni, string? Src, string? Dst, long? SrcPort, long? DstPort, long? Protocol, long? Packets, long? Bytes, long Start, long End, string? Action)
    {
        public long StartMs => Ms(Start);
        public long EndMs => Ms(End);
        private static long Ms(long t) => t < 100_000_000_000 ? t * 1000 : t;

        public string Line()
        {
            static string S(object? v) => v is null ? "-" : Convert.ToString(v, CultureInfo.InvariantCulture)!;
            return string.Join(' ', "2", "123456789012", Eni, S(Src), S(Dst), S(SrcPort), S(DstPort), S(Protocol), S(Packets), S(Bytes), S(Start), S(End), S(Action),
                Action is null ? "NODATA" : "OK");
        }

        public string? Value(string field) => field switch
        {
            "interface-id" => Eni, "srcaddr" => Src, "dstaddr" => Dst, "action" => Action,
            "srcport" => SrcPort?.ToString(CultureInfo.InvariantCulture), "dstport" => DstPort?.ToString(CultureInfo.InvariantCulture),
            "protocol" => Protocol?.ToString(CultureInfo.InvariantCulture),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };
    }

    private static List<Flow> Flows(int count, int seed)
    {
        var rnd = new Random(seed);
        string[] enis = ["eni-0a1b2c3d", "eni-0489471433c7defc2", "eni-" + new string('f', 36)];
        string Address() => rnd.Next(5) switch
        {
            0 => $"2600:1f18:4a3c:7e01:197f:215d:ca27:{rnd.Next(1, 6):x}",
            1 => $"2001:db8::{rnd.Next(1, 4):x}",
            _ => $"10.{rnd.Next(2)}.{rnd.Next(3)}.{rnd.Next(250, 256)}",
        };
        long Count() => rnd.Next(4) switch
        {
            0 => int.MaxValue + (long)rnd.Next(-1, 2),
            1 => uint.MaxValue + (long)rnd.Next(-1, 2),
            2 => (1L << 58) + rnd.Next(3),
            _ => rnd.Next(1, 5000),
        };
        var flows = new List<Flow>();
        for (int i = 0; i < count; i++)
        {
            long start = 1_700_000_000 + rnd.Next(0, 7200), end = start + rnd.Next(0, 120);
            if (rnd.Next(3) == 0) (start, end) = (start * 1000 + rnd.Next(1000), end * 1000 + rnd.Next(1000));
            var eni = enis[rnd.Next(enis.Length)];
            if (rnd.Next(40) == 0) { flows.Add(new Flow(eni, null, null, null, null, null, null, null, start, end, null)); continue; }
            long Port() => rnd.Next(10) switch { 0 => 65_535 + rnd.Next(0, 3), 1 => int.MaxValue, 2 => 0, 3 => 22, _ => rnd.Next(1, 1024) * 7 };
            flows.Add(new Flow(eni, Address(), Address(), Port(), Port(), new long[] { 6, 17, 1, 255 }[rnd.Next(4)], Count(), Count(), start, end,
                rnd.Next(3) == 0 ? "REJECT" : "ACCEPT"));
        }
        return flows;
    }

    /// <summary>The inputs and the read options each is read with.</summary>
    private static List<(string Form, string Path, FlowLogReadOptions Options)> Forms(TestPaths.TempDir dir, List<Flow> flows)
    {
        var lines = flows.Select(f => f.Line()).ToList();
        var text = string.Join(' ', Fields) + "\n" + string.Join('\n', lines) + "\n";
        File.WriteAllText(dir.File("flows.log"), text);
        using (var gz = new GZipStream(File.Create(dir.File("flows.log.gz")), CompressionLevel.Fastest))
            gz.Write(System.Text.Encoding.UTF8.GetBytes(text));
        ParquetFiles.Write(dir.File("flows.log.parquet"), Fields, lines, new ParquetFiles.Options { RowGroupSize = 1000 });
        ParquetFiles.Write(dir.File("odd.log.parquet"), Fields, lines, new ParquetFiles.Options { RowGroupSize = 7, Compression = Parquet.CompressionMethod.None });
        var forms = new List<(string, string, FlowLogReadOptions)>();
        foreach (var threads in new[] { 1, 2 })
        {
            var options = new FlowLogReadOptions { Threads = threads, MinSplitBytes = 4096, ChunkSize = 4096 };
            foreach (var name in new[] { "flows.log", "flows.log.gz", "flows.log.parquet", "odd.log.parquet" })
                forms.Add(($"{name} on {threads} thread(s)", dir.File(name), options));
        }
        return forms;
    }

    private static long Sum(IEnumerable<long?> values) => values.Aggregate(0L, (total, v) => FlowText.Add(total, v ?? 0));

    private static readonly (FlowFilter Filter, Func<Flow, bool> Matches)[] Filters =
    [
        (new FlowFilter(), _ => true),
        (new FlowFilter { Action = ["REJECT"], DestinationPort = [new PortRange(0, 1024)] }, f => f.Action == "REJECT" && f.DstPort <= 1024),
        (new FlowFilter { Address = [Cidr.Parse("10.1.2.252/30"), Cidr.Parse("2600:1f18:4a3c:7e01::/64")] },
            f => new[] { f.Src, f.Dst }.Any(a => a is not null && (a.StartsWith("10.1.2.25", StringComparison.Ordinal) && a != "10.1.2.250" && a != "10.1.2.251" || a.StartsWith("2600:", StringComparison.Ordinal)))),
        (new FlowFilter { Port = [new PortRange(65_535, 65_535)], Protocol = [6, 255] }, f => (f.SrcPort == 65_535 || f.DstPort == 65_535) && f.Protocol is 6 or 255),
        (new FlowFilter { Since = DateTimeOffset.FromUnixTimeSeconds(1_700_003_000), Until = DateTimeOffset.FromUnixTimeSeconds(1_700_005_000) },
            f => f.EndMs >= 1_700_003_000_000 && f.StartMs < 1_700_005_000_000),
        (new FlowFilter { InterfaceId = ["eni-" + new string('f', 36)], Action = ["accept"] }, f => f.Eni.Length == 40 && f.Action == "ACCEPT"),
    ];

    private static readonly string[][] GroupBys =
        [["srcaddr", "dstaddr", "dstport"], ["srcaddr"], ["interface-id"], ["action", "srcaddr", "dstport"], ["protocol", "srcport"], ["dstport"]];

    [Fact]
    public void Counts_and_group_bys_in_every_form_equal_linq_over_the_records()
    {
        using var dir = new TestPaths.TempDir();
        var flows = Flows(2500, seed: 1);
        foreach (var (form, path, options) in Forms(dir, flows))
        {
            var inputs = FlowLogPaths.Expand([path], out _);
            foreach (var (filter, matches) in Filters)
            {
                var count = new FlowLogReader(options).Run(inputs, new FlowLogQuery { Filter = filter });
                Assert.Equal((0L, (long)flows.Count(matches), (long)flows.Count, form), (count.Report.SkippedLines, count.Matched, count.Report.Records, form));
                foreach (var groupBy in GroupBys)
                    foreach (var bin in new TimeSpan?[] { null, TimeSpan.FromMinutes(5) })
                    {
                        if (bin is not null && groupBy.Length > 1) continue;
                        var query = new FlowLogQuery { Filter = filter, GroupBy = groupBy, Bin = bin };
                        var expected = flows.Where(matches)
                            .GroupBy(f => (Key: string.Join(' ', groupBy.Select(g => f.Value(g) ?? "-")), Bin: bin is { } b ? f.StartMs - f.StartMs % (long)b.TotalMilliseconds : (long?)null))
                            .Select(g => (g.Key.Key, Bin: g.Key.Bin is { } at ? DateTimeOffset.FromUnixTimeMilliseconds(at) : (DateTimeOffset?)null, Count: g.LongCount(),
                                Packets: Sum(g.Select(f => f.Packets)), Bytes: Sum(g.Select(f => f.Bytes)),
                                First: DateTimeOffset.FromUnixTimeMilliseconds(g.Min(f => f.StartMs)), Last: DateTimeOffset.FromUnixTimeMilliseconds(g.Max(f => f.EndMs))))
                            .OrderBy(g => g.Key, StringComparer.Ordinal).ThenBy(g => g.Bin).ToList();
                        var groups = new FlowLogReader(options).Run(inputs, query);
                        Assert.Equal(0, groups.Report.SkippedLines);
                        Assert.True(expected.Count == groups.GroupCount, $"{form}: {string.Join(',', groupBy)} bin {bin} {filter}: {groups.GroupCount} groups, not {expected.Count}");
                        Assert.Equal(expected, groups.Groups.Select(g => (g.Key, g.Bin, g.Count, g.Packets, g.Bytes, FirstSeen: g.FirstSeen!.Value, LastSeen: g.LastSeen!.Value))
                            .OrderBy(g => g.Key, StringComparer.Ordinal).ThenBy(g => g.Bin));
                        // The top five by records: ties broken by the key's text, the same in every form.
                        if (bin is not null) continue;
                        var top = new FlowLogReader(options).Run(inputs, query with { Top = 5, By = FlowMetric.Count });
                        Assert.Equal(expected.OrderByDescending(g => g.Count).ThenBy(g => g.Key, StringComparer.Ordinal).Take(5).Select(g => (g.Key, g.Count)),
                            top.Groups.Select(g => (g.Key, g.Count)));
                    }
            }
        }
    }
}
