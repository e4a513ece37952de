using System.Globalization;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// Counts and group-bys on Parquet run on column values (filters once per distinct text value, integers as integers,
/// keys packed from the values, columns proved valid by their statistics left undecoded): every filter kind, group-by
/// field and skipped record must come out as the text reader gives them on the same records, malformed values included.
/// </summary>
public class ParquetTypedScanTests
{
    private static readonly string[] Fields =
    [
        "version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end",
        "action", "log-status", "vpc-id", "subnet-id", "instance-id", "tcp-flags", "flow-direction", "tgw-id",
    ];

    /// <summary>
    /// A value of the field, sometimes '-' and now and then one the text rule refuses: a negative port or count, a time past
    /// the year 9999 or negative, a count of 19 digits, a port past int's range is impossible in INT32 so a negative one, an
    /// address that is not one.
    /// </summary>
    private static string Value(string field, Random rnd, int i, bool malformed)
    {
        if (rnd.Next(12) == 0) return "-";
        bool bad = malformed && rnd.Next(60) == 0;
        string N(long v) => v.ToString(CultureInfo.InvariantCulture);
        return field switch
        {
            "version" or "tcp-flags" => bad ? "-3" : N(rnd.Next(0, 20)),
            "srcport" or "dstport" => bad ? "-22" : rnd.Next(4) == 0 ? "22" : N(rnd.Next(0, 65536)),
            "protocol" => bad ? "-6" : new[] { "6", "17", "1" }[rnd.Next(3)],
            "packets" => bad ? "-1" : N(rnd.Next(1, 1000)),
            "bytes" => bad ? (rnd.Next(2) == 0 ? "-40" : "1000000000000000000") : N(rnd.NextInt64(40, 1L << 36)),
            "start" or "end" => bad ? (rnd.Next(2) == 0 ? "-5" : "300000000000000") : rnd.Next(4) == 0 ? N(1_700_000_000_000L + i * 1000L) : N(1_700_000_000L + i),
            "srcaddr" or "dstaddr" => bad ? "not-an-address" : rnd.Next(6) == 0 ? $"2600:1f18:4a3c:7e01::{rnd.Next(1, 40):x}" : $"10.{rnd.Next(3)}.{rnd.Next(8)}.{rnd.Next(1, 9)}",
            "action" => rnd.Next(3) == 0 ? "REJECT" : "ACCEPT",
            "log-status" => rnd.Next(20) == 0 ? "NODATA" : "OK",
            "flow-direction" => rnd.Next(2) == 0 ? "ingress" : "egress",
            "interface-id" => $"eni-{rnd.Next(30):x8}",
            _ => $"{field}-{rnd.Next(12)}",
        };
    }

    private static List<string> Lines(int count, int seed, bool malformed)
    {
        var rnd = new Random(seed);
        return Enumerable.Range(0, count).Select(i => string.Join(' ', Fields.Select(f => Value(f, rnd, i, malformed)))).ToList();
    }

    private static (IReadOnlyList<FlowLogInput> Text, IReadOnlyList<FlowLogInput> Parquet) Files(TestPaths.TempDir dir, IReadOnlyList<string> lines, int rowGroup)
    {
        var text = dir.File("flows.log");
        File.WriteAllText(text, string.Join(' ', Fields) + "\n" + string.Join('\n', lines) + "\n");
        var parquet = dir.File("flows.log.parquet");
        ParquetFiles.Write(parquet, Fields, lines, new ParquetFiles.Options { RowGroupSize = rowGroup });
        return (FlowLogPaths.Expand([text], out _), FlowLogPaths.Expand([parquet], out _));
    }

    private static readonly FlowFilter[] Filters =
    [
        new(),
        new() { Action = ["REJECT"] },
        new() { LogStatus = ["nodata"] },
        new() { FlowDirection = ["INGRESS"] },
        new() { InterfaceId = ["eni-00000003", "eni-00000011"] },
        new() { VpcId = ["vpc-id-3"], SubnetId = ["subnet-id-1", "subnet-id-2", "-"] },
        new() { InstanceId = ["instance-id-7"] },
        new() { Protocol = [6, 1] },
        new() { Action = ["REJECT"], DestinationPort = [new PortRange(22, 22)] },
        new() { SourcePort = [new PortRange(1024, 40000)] },
        new() { Port = [new PortRange(22, 22), new PortRange(443, 443)] },
        new() { DestinationAddress = [Cidr.Parse("10.1.0.0/16")] },
        new() { SourceAddress = [Cidr.Parse("10.0.3.0/24"), Cidr.Parse("2600:1f18:4a3c:7e01::/120")] },
        new() { Address = [Cidr.Parse("10.2.7.0/24")] },
        new() { Since = DateTimeOffset.FromUnixTimeSeconds(1_700_000_800) },
        new() { Until = DateTimeOffset.FromUnixTimeSeconds(1_700_001_200), Protocol = [17] },
    ];

    private static readonly string[][] GroupBys =
    [
        ["srcaddr", "dstaddr", "dstport"], ["srcport"], ["protocol", "action"], ["interface-id"], ["account-id", "version"], ["tcp-flags", "flow-direction"],
        ["tgw-id"], ["bytes"], ["start"], ["log-status", "vpc-id", "subnet-id", "instance-id"],
    ];

    private static FlowLogReadOptions Options(int threads) => new() { Threads = threads, MinSplitBytes = 1, MaxSkippedKept = 1_000_000 };

    private static void AssertSame(FlowLogResult text, FlowLogResult parquet, string what)
    {
        Assert.Empty(parquet.Report.FileErrors);
        Assert.True(parquet.Report.ChunksDecoded > 0 || parquet.Report.Matched == 0, what);
        Assert.Equal((text.Report.Lines - 1, text.Report.Records, text.Matched, text.Report.SkippedLines, text.GroupCount),
            (parquet.Report.Lines, parquet.Report.Records, parquet.Matched, parquet.Report.SkippedLines, parquet.GroupCount));
        // The same rows skipped for the same reasons (text lines are one further on: the header).
        Assert.Equal(text.Report.Skipped.Select(s => (s.Line - 1, s.Reason)), parquet.Report.Skipped.Select(s => (s.Line, s.Reason)));
        Assert.Equal(text.Groups.Select(g => (g.Key, g.Count, g.Packets, g.Bytes, g.FirstSeen, g.LastSeen, g.Bin)),
            parquet.Groups.Select(g => (g.Key, g.Count, g.Packets, g.Bytes, g.FirstSeen, g.LastSeen, g.Bin)));
    }

    [Fact]
    public void Every_filter_kind_counts_and_skips_as_the_text_reader_does()
    {
        using var dir = new TestPaths.TempDir();
        // Row groups of 250: 24 of them, so with 2 threads a work item holds several row groups in turn.
        foreach (var rowGroup in new[] { 1300, 250 })
        {
            var (text, parquet) = Files(dir, Lines(6000, 7, malformed: true), rowGroup);
            foreach (var threads in new[] { 1, 2 })
                foreach (var filter in Filters)
                {
                    var query = new FlowLogQuery { Filter = filter };
                    var a = new FlowLogReader(Options(threads)).Run(text, query);
                    var b = new FlowLogReader(Options(threads)).Run(parquet, query);
                    Assert.True(a.Report.SkippedLines > 0, "the data has malformed values");
                    AssertSame(a, b, $"{threads} thread(s), row groups of {rowGroup}, {filter}");
                }
        }
    }

    [Fact]
    public void Every_group_by_field_groups_sums_and_skips_as_the_text_reader_does()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var rowGroup in new[] { 1300, 250 })
        {
            var (text, parquet) = Files(dir, Lines(6000, 8, malformed: true), rowGroup);
            foreach (var threads in new[] { 1, 2 })
                foreach (var groupBy in GroupBys)
                    foreach (var filter in new[] { new FlowFilter(), new FlowFilter { Action = ["ACCEPT"], Port = [new PortRange(0, 30000)], Since = DateTimeOffset.FromUnixTimeSeconds(1_700_000_500) } })
                    {
                        var query = new FlowLogQuery { Filter = filter, GroupBy = groupBy, Bin = groupBy.Length == 1 ? TimeSpan.FromMinutes(5) : null, By = FlowMetric.Packets };
                        var a = new FlowLogReader(Options(threads)).Run(text, query);
                        var b = new FlowLogReader(Options(threads)).Run(parquet, query);
                        AssertSame(a, b, $"{threads} thread(s), row groups of {rowGroup}, {string.Join(',', groupBy)}");
                    }
        }
    }

    /// <remarks>
    /// Row groups where no row can fail the group-by are grouped column by column (keys assembled as words, a single text
    /// key totalled per distinct value first); the others row by row. Here most row groups are clean and three hold a
    /// malformed value, so both ways meet in one read; plainly stored columns repeat their values, which are numbered once.
    /// </remarks>
    [Fact]
    public void Clean_row_groups_group_column_by_column_with_the_text_reader_s_answer()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(6000, 9, malformed: false);
        var bad = new Dictionary<int, (string Field, string Value)> { [700] = ("packets", "-1"), [3100] = ("srcaddr", "not-an-address"), [5555] = ("dstport", "-22") };
        foreach (var (row, (field, value)) in bad)
        {
            var values = lines[row].Split(' ');
            values[Array.IndexOf(Fields, field)] = value;
            lines[row] = string.Join(' ', values);
        }
        var (text, parquet) = Files(dir, lines, rowGroup: 250);
        // Keys of up to 16 bytes whose values land at every offset: an address (5), a port or protocol (3), an action (8).
        string[][] groupBys = [.. GroupBys, ["srcaddr"], ["action"], ["dstport", "protocol"], ["protocol", "action", "dstport"]];
        foreach (var threads in new[] { 1, 2 })
            foreach (var groupBy in groupBys)
                foreach (var filter in new[] { new FlowFilter(), new FlowFilter { Action = ["ACCEPT"], Address = [Cidr.Parse("10.1.0.0/16")] } })
                    foreach (var bin in new TimeSpan?[] { null, TimeSpan.FromMinutes(5) })
                    {
                        var query = new FlowLogQuery { Filter = filter, GroupBy = groupBy, Bin = bin, By = FlowMetric.Bytes };
                        var a = new FlowLogReader(Options(threads)).Run(text, query);
                        var b = new FlowLogReader(Options(threads)).Run(parquet, query);
                        AssertSame(a, b, $"{threads} thread(s), {string.Join(',', groupBy)}, bin {bin}, {filter}");
                        if (filter.Address.Count == 0) Assert.True(a.Report.SkippedLines >= 1, "the malformed rows are skipped");
                    }
    }

    [Fact]
    public void Many_groups_go_through_the_shared_partitions_with_the_text_reader_s_answer()
    {
        using var dir = new TestPaths.TempDir();
        var rnd = new Random(3);
        // 40,000 conversations: past a worker's own table, so groups move to the partitions (and spill under a small budget).
        var lines = Enumerable.Range(0, 40_000).Select(i => string.Join(' ', Fields.Select(f => f switch
        {
            "srcaddr" => $"10.{i % 200}.{i / 200 % 200}.{rnd.Next(1, 3)}",
            "dstport" => (i % 7000).ToString(CultureInfo.InvariantCulture),
            _ => Value(f, rnd, i, malformed: false),
        }))).ToList();
        var (text, parquet) = Files(dir, lines, rowGroup: 10_000);
        var query = new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 50 };
        foreach (var budget in new long?[] { null, 1 << 20 })
        {
            var options = Options(2) with { MaxMemory = budget, SpillFolder = dir.Path };
            AssertSame(new FlowLogReader(options).Run(text, query), new FlowLogReader(options).Run(parquet, query), $"budget {budget}");
        }
    }

    /// <remarks>
    /// A count of REJECT to port 22 checks version, ports, protocol, counts, times and addresses: statistics prove the numbers
    /// valid and the dictionaries the addresses, so only action and dstport are decoded. A row group whose statistics show a
    /// negative value, or whose dictionary holds a value that is not an address, has that column decoded to find its rows.
    /// </remarks>
    [Fact]
    public void A_count_decodes_only_the_columns_its_filter_reads_when_statistics_prove_the_rest_valid()
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["version", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"];
        var rnd = new Random(5);
        var lines = Enumerable.Range(0, 4000).Select(i => string.Join(' ', fields.Select(f => f switch
        {
            "action" => i is 2500 or 3500 || rnd.Next(3) == 0 ? "REJECT" : "ACCEPT",
            "log-status" => "OK",
            "start" or "end" => (1_700_000_000 + i).ToString(CultureInfo.InvariantCulture),
            "dstport" => i is 2500 or 3500 ? "22" : rnd.Next(4) == 0 ? "22" : "443",
            "srcaddr" => $"10.0.0.{rnd.Next(1, 30)}",
            // One value that is not an address, in the third row group.
            "dstaddr" => i == 2500 ? "not-an-address" : rnd.Next(10) == 0 ? "-" : $"10.1.0.{rnd.Next(1, 30)}",
            // One negative count, in the last row group.
            "packets" when i == 3500 => "-2",
            _ => rnd.Next(10) == 0 ? "-" : rnd.Next(0, 60000).ToString(CultureInfo.InvariantCulture),
        }))).ToList();
        var text = dir.File("flows.log");
        File.WriteAllText(text, string.Join(' ', fields) + "\n" + string.Join('\n', lines) + "\n");
        var parquet = dir.File("flows.log.parquet");
        var dictionaries = new Dictionary<string, Parquet.EncodingHint> { ["srcaddr"] = Parquet.EncodingHint.Dictionary, ["dstaddr"] = Parquet.EncodingHint.Dictionary };
        ParquetFiles.Write(parquet, fields, lines, new ParquetFiles.Options { RowGroupSize = 1000, Hints = dictionaries });
        var query = new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], DestinationPort = [new PortRange(22, 22)] } };
        var a = new FlowLogReader(Options(1)).Run(FlowLogPaths.Expand([text], out _), query);
        var b = new FlowLogReader(Options(1)).Run(FlowLogPaths.Expand([parquet], out _), query);
        AssertSame(a, b, "count");
        // Two columns in each of the 4 row groups, dstaddr in the third and packets in the last (its minimum is -2).
        Assert.Equal(2 * 4 + 2, b.Report.ChunksDecoded);
        Assert.Equal([(2501L, "dstaddr 'not-an-address' is not an IP address"), (3501L, "packets '-2' is not a number")], b.Report.Skipped.Select(s => (s.Line, s.Reason)));
        // Addresses stored plainly have no dictionary to prove them: they are decoded, with the same answer.
        var plain = dir.File("plain.log.parquet");
        ParquetFiles.Write(plain, fields, lines, new ParquetFiles.Options { RowGroupSize = 1000 });
        var c = new FlowLogReader(Options(1)).Run(FlowLogPaths.Expand([plain], out _), query);
        AssertSame(a, c, "count, plain addresses");
        Assert.Equal(4 * 4 + 1, c.Report.ChunksDecoded);
        // A group-by reads its key and the four totals (the filter's two as well).
        var grouped = new FlowLogReader(Options(1)).Run(FlowLogPaths.Expand([parquet], out _), query with { GroupBy = ["protocol"] });
        Assert.Equal(4 * 7, grouped.Report.ChunksDecoded);
        // It reads no address, so the row with a bad one is grouped; the negative packets are still skipped.
        Assert.Equal(a.Matched + 1, grouped.Matched);
    }
}
