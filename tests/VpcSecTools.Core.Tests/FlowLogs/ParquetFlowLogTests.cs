using System.Globalization;
using System.Reflection;
using Parquet;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// Parquet flow logs in AWS's schema (written by Parquet.Net) read by the engine's own reader: every field's type and
/// nulls against the text reader on the same records, every codec and encoding the writers use, row groups split across
/// threads and skipped by their statistics, and damaged files reported with the rows before the damage counted.
/// </summary>
public class ParquetFlowLogTests
{
    /// <summary>Every catalogue field (and a transit-gateway one it has no property for), with '-' in every column somewhere.</summary>
    private static readonly string[] AllFields = [.. FlowFieldCatalog.All.Select(f => f.AwsName), "tgw-id"];

    private static string Value(string field, Random rnd, int i)
    {
        if (rnd.Next(9) == 0) return "-";
        var info = FlowFieldCatalog.Find(field);
        return info?.Kind switch
        {
            FlowFieldKind.Integer => rnd.Next(3) == 0 ? "0" : rnd.Next(0, 65536).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Counter => (rnd.NextInt64(0, 1L << 40) >> rnd.Next(40)).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Time => rnd.Next(4) == 0 ? (1_700_000_000_000L + i).ToString(CultureInfo.InvariantCulture) : (1_700_000_000L + i).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Address => rnd.Next(5) == 0 ? $"2600:1f18:4a3c:7e01::{rnd.Next(1, 500):x}" : $"10.{rnd.Next(4)}.{rnd.Next(256)}.{rnd.Next(1, 255)}",
            _ => field switch
            {
                "action" => rnd.Next(3) == 0 ? "REJECT" : "ACCEPT",
                "log-status" => rnd.Next(20) == 0 ? "NODATA" : "OK",
                "flow-direction" => rnd.Next(2) == 0 ? "ingress" : "egress",
                _ => $"{field}-{rnd.Next(40)}",
            },
        };
    }

    private static List<string> Lines(IReadOnlyList<string> fields, int count, int seed)
    {
        var rnd = new Random(seed);
        return Enumerable.Range(0, count).Select(i => string.Join(' ', fields.Select(f => Value(f, rnd, i)))).ToList();
    }

    private static (string Text, string Parquet) Files(TestPaths.TempDir dir, IReadOnlyList<string> fields, IReadOnlyList<string> lines, ParquetFiles.Options? options = null)
    {
        var text = dir.File("flows.log");
        File.WriteAllText(text, string.Join(' ', fields) + "\n" + string.Join('\n', lines) + "\n");
        var parquet = dir.File("flows.log.parquet");
        ParquetFiles.Write(parquet, fields, lines, options);
        return (text, parquet);
    }

    private static List<FlowRecord> Records(string path, FlowLogQuery? query = null, FlowLogReadOptions? options = null)
    {
        var report = new FlowLogReadReport();
        var records = new FlowLogReader(options).Records(FlowLogPaths.Expand([path], out _), query ?? new FlowLogQuery(), report).ToList();
        Assert.Empty(report.FileErrors);
        return records;
    }

    private static readonly PropertyInfo[] RecordProperties = typeof(FlowRecord).GetProperties().Where(p => p.Name is not ("File" or "Line")).ToArray();

    private static void AssertSameRecords(IReadOnlyList<FlowRecord> text, IReadOnlyList<FlowRecord> parquet)
    {
        Assert.Equal(text.Count, parquet.Count);
        for (int i = 0; i < text.Count; i++)
            foreach (var p in RecordProperties)
            {
                var (a, b) = (p.GetValue(text[i]), p.GetValue(parquet[i]));
                if (a is IReadOnlyDictionary<string, string> da && b is IReadOnlyDictionary<string, string> db) Assert.Equal(da.OrderBy(x => x.Key), db.OrderBy(x => x.Key));
                else Assert.True(Equals(a, b), $"record {i}, {p.Name}: text {a}, Parquet {b}");
            }
    }

    /// <remarks>A plainly stored column's values are numbered once each; two values whose hash tags are equal (found by search) keep their own ids.</remarks>
    [Fact]
    public void Plain_values_are_numbered_once_each_even_when_their_hash_tags_collide()
    {
        var seen = new Dictionary<uint, byte[]>();
        byte[] a, b;
        for (int i = 0; ; i++)
        {
            var text = System.Text.Encoding.ASCII.GetBytes($"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}");
            ByteKeys.Words(text, text.Length, out ulong k0, out ulong k1);
            uint tag = ByteKeys.Tag(k0, k1, text);
            if (seen.TryGetValue(tag, out var other)) { (a, b) = (other, text); break; }
            seen[tag] = text;
        }
        var values = new VpcSecTools.FlowLogs.Parquet.ByteValues();
        int ia = values.Intern(a, a.Length), ib = values.Intern(b, b.Length);
        Assert.NotEqual(ia, ib);
        Assert.Equal((ia, ib, 2), (values.Intern(a, a.Length), values.Intern(b, b.Length), values.Count));
        Assert.Equal(b, values[ib].ToArray());
        // A new row group numbers from 0 again.
        values.Clear();
        Assert.Equal(0, values.Intern(b, b.Length));
    }

    [Fact]
    public void Every_field_type_and_null_reads_as_the_text_reader_reads_the_same_records()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(AllFields, 3000, 1);
        var (text, parquet) = Files(dir, AllFields, lines, new ParquetFiles.Options { RowGroupSize = 700 });
        var fromText = Records(text);
        var fromParquet = Records(parquet);
        AssertSameRecords(fromText, fromParquet);
        // A row is a line: row numbers are the lines the report names.
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), fromParquet.Select(r => r.Line));
        // Every property had nulls and values (a '-' in text, a null in Parquet), the field without a property too.
        foreach (var p in RecordProperties.Where(p => p.Name != nameof(FlowRecord.OtherFields)))
        {
            Assert.Contains(fromParquet, r => p.GetValue(r) is null);
            Assert.Contains(fromParquet, r => p.GetValue(r) is not null);
        }
        Assert.Contains(fromParquet, r => r.OtherFields["tgw-id"] == "-");
        Assert.Contains(fromParquet, r => r.OtherFields["tgw-id"] != "-");
    }

    public static TheoryData<CompressionMethod, bool> Codecs => new()
    {
        { CompressionMethod.Gzip, false }, { CompressionMethod.Snappy, false }, { CompressionMethod.None, false },
        // Numbers delta-encoded, byte-split or in dictionaries: the encodings writers pick for them.
        { CompressionMethod.Gzip, true }, { CompressionMethod.Snappy, true },
    };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Counts_groups_and_filters_equal_the_text_reader_s_with_every_codec_and_encoding_on_one_or_two_threads(CompressionMethod codec, bool hinted)
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status", "tgw-id"];
        var lines = Lines(fields, 5000, 2);
        var hints = hinted ? new Dictionary<string, EncodingHint>
        {
            ["srcport"] = EncodingHint.DeltaBinaryPacked, ["bytes"] = EncodingHint.DeltaBinaryPacked, ["start"] = EncodingHint.DeltaBinaryPacked,
            ["dstport"] = EncodingHint.Dictionary, ["protocol"] = EncodingHint.Dictionary, ["packets"] = EncodingHint.ByteSplitStream,
        } : null;
        var (text, parquet) = Files(dir, fields, lines, new ParquetFiles.Options { Compression = codec, RowGroupSize = 900, Hints = hints });
        var queries = new[]
        {
            new FlowLogQuery(),
            new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], DestinationPort = [new Net.PortRange(0, 1024)] } },
            new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 20 },
            new FlowLogQuery { GroupBy = ["interface-id", "tgw-id"], Bin = TimeSpan.FromMinutes(5), By = FlowMetric.Packets },
            new FlowLogQuery { Filter = new FlowFilter { Address = [Net.Cidr.Parse("10.1.0.0/16")], Since = DateTimeOffset.FromUnixTimeSeconds(1_700_001_000) }, GroupBy = ["protocol"] },
        };
        foreach (var options in new[] { new FlowLogReadOptions { Threads = 1 }, new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1 } })
            foreach (var q in queries)
            {
                var a = new FlowLogReader(options).Run(FlowLogPaths.Expand([text], out _), q);
                var b = new FlowLogReader(options).Run(FlowLogPaths.Expand([parquet], out _), q);
                Assert.Empty(b.Report.FileErrors);
                Assert.Equal((a.Matched, a.Report.Records, a.Report.SkippedLines, a.GroupCount), (b.Matched, b.Report.Records, b.Report.SkippedLines, b.GroupCount));
                Assert.Equal(a.Groups.Select(g => (g.Key, g.Count, g.Packets, g.Bytes, g.FirstSeen, g.LastSeen, g.Bin)),
                    b.Groups.Select(g => (g.Key, g.Count, g.Packets, g.Bytes, g.FirstSeen, g.LastSeen, g.Bin)));
                Assert.Equal(lines.Count, b.Report.Lines);
            }
    }

    [Fact]
    public void Row_groups_the_statistics_rule_out_are_counted_not_read()
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["srcaddr", "dstport", "bytes", "start", "end", "action"];
        // Row groups of 1,000 rows: ACCEPT then REJECT, ports rising, times rising.
        var lines = Enumerable.Range(0, 8000).Select(i => string.Join(' ', $"10.0.{i % 200}.{i % 7 + 1}", 20 + i / 1000 * 100 + i % 50, 100 + i % 9,
            1_700_000_000 + i, 1_700_000_060 + i, i / 4000 == 0 ? "ACCEPT" : "REJECT")).ToList();
        var (text, parquet) = Files(dir, fields, lines, new ParquetFiles.Options { RowGroupSize = 1000 });
        // Each filter beside one on the same fields that no row group's statistics exclude (the same columns are read).
        foreach (var (filter, wide) in new[]
        {
            (new FlowFilter { Action = ["REJECT"] }, new FlowFilter { Action = ["REJECT", "ACCEPT"] }),
            (new FlowFilter { DestinationPort = [new Net.PortRange(320, 330)] }, new FlowFilter { DestinationPort = [new Net.PortRange(0, 65535)] }),
            (new FlowFilter { Since = DateTimeOffset.FromUnixTimeSeconds(1_700_006_500) }, new FlowFilter { Since = DateTimeOffset.FromUnixTimeSeconds(1) }),
            (new FlowFilter { Until = DateTimeOffset.FromUnixTimeSeconds(1_700_001_500), Action = ["ACCEPT"] }, new FlowFilter { Until = DateTimeOffset.MaxValue.AddDays(-1), Action = ["ACCEPT"] }),
        })
        {
            var query = new FlowLogQuery { Filter = filter, GroupBy = ["srcaddr"] };
            var all = new FlowLogReader(new FlowLogReadOptions { Threads = 1 }).Run(FlowLogPaths.Expand([parquet], out _), query with { Filter = wide });
            var fromText = new FlowLogReader(new FlowLogReadOptions { Threads = 1 }).Run(FlowLogPaths.Expand([text], out _), query);
            var fromParquet = new FlowLogReader(new FlowLogReadOptions { Threads = 1 }).Run(FlowLogPaths.Expand([parquet], out _), query);
            Assert.Equal(fromText.Groups.Select(g => (g.Key, g.Bytes, g.Count)), fromParquet.Groups.Select(g => (g.Key, g.Bytes, g.Count)));
            Assert.Equal((8000L, 8000L), (fromParquet.Report.Lines, fromParquet.Report.Records));
            // At most half the row groups' columns are read.
            Assert.True(fromParquet.Report.Bytes < all.Report.Bytes * 6 / 10, $"{fromParquet.Report.Bytes} of {all.Report.Bytes} bytes read");
        }
    }

    /// <remarks>
    /// A read checks what it reads, as with text: a count reads every number, time and address column (the negative port),
    /// a group-by its fields (the interface id with a space, which no line of text could carry).
    /// </remarks>
    [Fact]
    public void Values_no_line_can_hold_and_negative_numbers_are_skipped_lines_at_their_row()
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["interface-id", "srcaddr", "dstport", "bytes", "action"];
        var path = dir.File("odd.parquet");
        ParquetFiles.Write(path, fields, ["eni-1 10.0.0.1 443 100 ACCEPT", "eni-1 10.0.0.2 443 100 ACCEPT", "eni-1 10.0.0.3 -5 100 ACCEPT", "eni-1 10.0.0.4 443 100 ACCEPT"],
            new ParquetFiles.Options { RowGroupSize = 2 });
        // A value with a space: written directly, as no text line could carry it.
        var spaced = dir.File("spaced.parquet");
        WriteStrings(spaced, "interface_id", ["eni-1", "eni 2", "eni-3"]);
        var inputs = FlowLogPaths.Expand([path, spaced], out _);
        var count = new FlowLogReader().Run(inputs, new FlowLogQuery());
        Assert.Equal([(path, 3L, "dstport '-5' is not a number")], count.Report.Skipped.Select(s => (s.File, s.Line, s.Reason)));
        var grouped = new FlowLogReader().Run(inputs, new FlowLogQuery { GroupBy = ["interface-id"] });
        Assert.Equal([(spaced, 2L, "interface-id 'eni 2' holds a space or line break, which no flow-log field can")], grouped.Report.Skipped.Select(s => (s.File, s.Line, s.Reason)));
        var listed = new FlowLogReadReport();
        Assert.Equal(5, new FlowLogReader().Records(inputs, new FlowLogQuery(), listed).Count());
        Assert.Equal([3L, 2L], listed.Skipped.Select(s => s.Line));
        Assert.Equal((7L, 6L, 1L), (grouped.Report.Lines, grouped.Report.Matched, grouped.Report.SkippedLines));
    }

    private static void WriteStrings(string path, string column, string?[] values)
    {
        var field = new Parquet.Schema.DataField(column, typeof(string), isNullable: true);
        using var stream = File.Create(path);
        var writer = ParquetWriter.CreateAsync(new Parquet.Schema.ParquetSchema(field), stream).GetAwaiter().GetResult();
        using (var group = writer.CreateRowGroup()) group.WriteAsync(field, values!).GetAwaiter().GetResult();
        writer.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public void Damaged_files_are_errors_naming_them_after_the_rows_before_the_damage()
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["srcaddr", "dstaddr", "dstport", "bytes", "action"];
        var lines = Lines(fields, 4000, 3);
        var good = dir.File("good.parquet");
        ParquetFiles.Write(good, fields, lines, new ParquetFiles.Options { RowGroupSize = 1000 });
        var bytes = File.ReadAllBytes(good);
        // Cut short (a download interrupted): the footer is gone.
        File.WriteAllBytes(dir.File("cut.parquet"), bytes[..(bytes.Length / 2)]);
        // The last row group's pages damaged: the first three row groups are read.
        var flipped = bytes.ToArray();
        long lastGroup = LastRowGroupStart(good);
        for (long i = lastGroup + 40; i < lastGroup + 60; i++) flipped[i] ^= 0x5A;
        File.WriteAllBytes(dir.File("flipped.parquet"), flipped);
        // A codec this reader does not read.
        ParquetFiles.Write(dir.File("zstd.parquet"), fields, lines, new ParquetFiles.Options { Compression = CompressionMethod.Zstd });
        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = 1 });
        var result = reader.Run(FlowLogPaths.Expand([dir.File("cut.parquet"), dir.File("flipped.parquet"), dir.File("zstd.parquet")], out _), new FlowLogQuery());
        var errors = result.Report.FileErrors.ToDictionary(e => Path.GetFileName(e.File));
        Assert.Contains("does not end with PAR1", errors["cut.parquet"].Message);
        Assert.Contains("corrupt", errors["flipped.parquet"].Message);
        Assert.Equal(3000, errors["flipped.parquet"].LinesRead);
        Assert.Contains("ZSTD", errors["zstd.parquet"].Message);
        Assert.Equal(3000, result.Matched);
    }

    /// <remarks>
    /// A field the file lacks is named with the file's columns, as the text reader names its format's fields: the message
    /// named only the columns the query read ('(bytes start packets)'), which are not the file's fields.
    /// </remarks>
    [Fact]
    public void A_field_the_file_lacks_is_named_with_the_files_columns_not_the_ones_the_query_read()
    {
        using var dir = new TestPaths.TempDir();
        string[] fields = ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "packets", "bytes", "start", "end", "action", "log-status"];
        var line = "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.6 10 840 1795219205 1795219787 ACCEPT OK";
        ParquetFiles.Write(dir.File("few.parquet"), fields, [line]);
        File.WriteAllLines(dir.File("few.log"), [string.Join(' ', fields), line]);
        foreach (var (query, what) in new[] { (new FlowLogQuery { GroupBy = ["dstport"] }, "group by"), (new FlowLogQuery { Filter = new FlowFilter { DestinationPort = [new VpcSecTools.Net.PortRange(22, 22)] } }, "filter") })
        {
            var text = new FlowLogReader().Run([FlowLogInput.FromFile(dir.File("few.log"))], query).Report.FileErrors.Single().Message;
            var parquet = new FlowLogReader().Run([FlowLogInput.FromFile(dir.File("few.parquet"))], query).Report.FileErrors.Single().Message;
            Assert.Contains("(" + string.Join(' ', fields) + ")", text);
            Assert.True(text == parquet, $"{what}: text says '{text}', Parquet '{parquet}'");
        }
    }

    /// <summary>Where the last row group's first column chunk starts, from the footer.</summary>
    private static long LastRowGroupStart(string path)
    {
        using var file = VpcSecTools.FlowLogs.Parquet.ParquetFile.FromPath(path, null);
        return file.Footer().RowGroups[^1].Chunks[0].Start;
    }
}
