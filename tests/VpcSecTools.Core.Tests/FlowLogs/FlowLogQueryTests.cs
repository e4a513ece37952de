using System.Globalization;
using System.IO.Compression;
using System.Text;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>Generated inputs checked against a straightforward string.Split computation of the same question.</summary>
public class FlowLogQueryTests
{
    private const long T0 = 1_700_000_000;

    /// <summary>Default-format v2 lines with a few sources and destinations so groups repeat.</summary>
    private static List<string> Lines(int count, int seed, bool milliseconds = false)
    {
        var rnd = new Random(seed);
        var lines = new List<string>();
        for (int i = 0; i < count; i++)
        {
            long start = T0 + rnd.Next(0, 7200);
            long end = start + rnd.Next(0, 60);
            if (milliseconds) { start = start * 1000 + rnd.Next(1000); end = end * 1000 + rnd.Next(1000); }
            if (rnd.Next(50) == 0)
            {
                lines.Add($"2 123456789012 eni-{rnd.Next(3):x8} - - - - - - - {start} {end} - NODATA");
                continue;
            }
            var src = $"10.0.{rnd.Next(4)}.{rnd.Next(1, 8)}";
            var dst = rnd.Next(3) == 0 ? $"203.0.113.{rnd.Next(1, 5)}" : $"10.1.{rnd.Next(3)}.{rnd.Next(1, 6)}";
            int[] ports = [22, 80, 443, 3306, 5432];
            lines.Add(string.Join(' ', "2", "123456789012", $"eni-{rnd.Next(3):x8}", src, dst, rnd.Next(1024, 65535), ports[rnd.Next(ports.Length)],
                rnd.Next(4) == 0 ? 17 : 6, rnd.Next(1, 100), rnd.Next(40, 100000), start, end, rnd.Next(3) == 0 ? "REJECT" : "ACCEPT", "OK"));
        }
        return lines;
    }

    private static string[] F(string line) => line.Split(' ');
    private static long Ms(string s) { long v = long.Parse(s, CultureInfo.InvariantCulture); return v < 100_000_000_000 ? v * 1000 : v; }

    private static FlowLogResult Run(IEnumerable<string> paths, FlowLogQuery query, FlowLogReadOptions? options = null) =>
        new FlowLogReader(options).Run(FlowLogPaths.Expand(paths, out _), query);

    [Fact]
    public void Top_talkers_match_a_linq_computation_across_plain_gzip_header_and_sliced_inputs()
    {
        using var dir = new TestPaths.TempDir();
        var a = Lines(6000, 1); var b = Lines(5000, 2); var c = Lines(4000, 3);
        File.WriteAllLines(dir.File("a.log"), a);
        WriteGzip(dir.File("b.log.gz"), string.Join('\n', ["version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status", .. b]) + "\n");
        File.WriteAllLines(dir.File("c.log"), c);
        var all = a.Concat(b).Concat(c).Select(F).ToList();

        var query = new FlowLogQuery
        {
            Filter = new FlowFilter { Action = ["reject"], DestinationPort = [PortRange.Parse("22"), PortRange.Parse("3000-4000")] },
            GroupBy = ["srcaddr", "DestinationAddress"], Top = 7, By = FlowMetric.Bytes,
        };
        var expected = all.Where(f => f[12] == "REJECT" && (f[6] == "22" || f[6] == "3306"))
            .GroupBy(f => (f[3], f[4]))
            .Select(g => (g.Key, Count: g.LongCount(), Packets: g.Sum(f => long.Parse(f[8], CultureInfo.InvariantCulture)),
                Bytes: g.Sum(f => long.Parse(f[9], CultureInfo.InvariantCulture)), First: g.Min(f => Ms(f[10])), Last: g.Max(f => Ms(f[11]))))
            .OrderByDescending(g => g.Bytes).ThenByDescending(g => g.Count).ThenBy(g => $"{g.Key.Item1} {g.Key.Item2}", StringComparer.Ordinal)
            .ToList();

        // Threads 2 with a tiny split size: the plain files are read as parallel slices.
        foreach (var options in new[] { new FlowLogReadOptions { Threads = 1 }, new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000, ChunkSize = 4096 } })
        {
            var result = Run([dir.Path], query, options);
            Assert.Equal(expected.Sum(g => g.Count), result.Matched);
            Assert.Equal(expected.Count, result.GroupCount);
            Assert.Equal(7, result.Groups.Count);
            for (int i = 0; i < 7; i++)
            {
                var g = result.Groups[i];
                Assert.Equal(expected[i].Key.Item1, g["SourceAddress"]);
                Assert.Equal(expected[i].Key.Item2, g["dstaddr"]);
                Assert.Equal(expected[i].Count, g.Count);
                Assert.Equal(expected[i].Packets, g.Packets);
                Assert.Equal(expected[i].Bytes, g.Bytes);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expected[i].First), g.FirstSeen);
                Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(expected[i].Last), g.LastSeen);
            }
            Assert.Equal(15001, result.Report.Lines);
            Assert.Equal(15000, result.Report.Records);
            Assert.Equal(3, result.Report.Files);
        }
    }

    [Fact]
    public void Address_either_side_cidr_protocol_and_count_by_packets_match_linq()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(8000, 7);
        File.WriteAllLines(dir.File("x.log"), lines);
        var query = new FlowLogQuery
        {
            Filter = new FlowFilter { Address = [Cidr.Parse("10.0.2.0/24"), Cidr.Parse("203.0.113.3/32")], Protocol = [6] },
            GroupBy = ["interface-id"], By = FlowMetric.Packets,
        };
        bool In(string a) => a.StartsWith("10.0.2.", StringComparison.Ordinal) || a == "203.0.113.3";
        var expected = lines.Select(F).Where(f => f[7] == "6" && (In(f[3]) || In(f[4])))
            .GroupBy(f => f[2]).Select(g => (g.Key, Packets: g.Sum(f => long.Parse(f[8], CultureInfo.InvariantCulture))))
            .OrderByDescending(g => g.Packets).ToList();
        var result = Run([dir.Path], query, new FlowLogReadOptions { Threads = 2, MinSplitBytes = 10_000 });
        Assert.Equal(expected.Select(e => (e.Key, e.Packets)), result.Groups.Select(g => (g.Values[0]!, g.Packets)));
    }

    [Fact]
    public void Time_window_and_bins_match_linq_with_millisecond_timestamps()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(5000, 11, milliseconds: true);
        File.WriteAllLines(dir.File("ms.log"), lines);
        var since = DateTimeOffset.FromUnixTimeSeconds(T0 + 1800);
        var until = DateTimeOffset.FromUnixTimeSeconds(T0 + 5400);
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = since, Until = until }, Bin = TimeSpan.FromMinutes(10), By = FlowMetric.Count };
        long s = since.ToUnixTimeMilliseconds(), u = until.ToUnixTimeMilliseconds(), bin = 600_000;
        var expected = lines.Select(F).Where(f => Ms(f[11]) >= s && Ms(f[10]) < u)
            .GroupBy(f => Ms(f[10]) / bin * bin).Select(g => (Bin: g.Key, Count: g.LongCount()))
            .OrderByDescending(g => g.Count).ThenBy(g => g.Bin).ToList();
        var result = Run([dir.Path], query);
        Assert.Equal(expected.Sum(e => e.Count), result.Matched);
        Assert.Equal(expected.OrderBy(e => e.Bin).Select(e => (DateTimeOffset.FromUnixTimeMilliseconds(e.Bin), e.Count)),
            result.Groups.OrderBy(g => g.Bin).Select(g => (g.Bin!.Value, g.Count)));
        // Seconds and milliseconds of the same instant read alike.
        var first = FlowLogFixtureTests.Read(dir.File("ms.log"), new FlowLogQuery { Limit = 1 }).Records[0];
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(F(lines[0])[10], CultureInfo.InvariantCulture)), first.Start);
    }

    [Fact]
    public void IPv6_addresses_filter_by_cidr_and_read_canonically()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("v6.log"),
        [
            "2 111122223333 eni-0a 2001:db8:1::10 2001:db8:2::20 443 50000 6 5 500 1700000000 1700000060 ACCEPT OK",
            "2 111122223333 eni-0a 2001:db8:2::20 2001:db8:1::10 50000 443 6 7 700 1700000000 1700000060 ACCEPT OK",
            "2 111122223333 eni-0a 2001:DB8:3:0:0:0:0:1 10.0.0.1 1 2 17 1 10 1700000000 1700000060 REJECT OK",
            "2 111122223333 eni-0a fe80::zz 10.0.0.1 1 2 17 1 10 1700000000 1700000060 REJECT OK",
        ]);
        var (records, report) = FlowLogFixtureTests.Read(dir.File("v6.log"), new FlowLogQuery { Filter = new FlowFilter { SourceAddress = [Cidr.Parse("2001:db8::/32")] } });
        Assert.Equal(3, records.Count);
        Assert.Equal("2001:db8:3::1", records[2].SourceAddress);
        Assert.Equal(1, report.SkippedLines);
        Assert.Equal(4, report.Skipped[0].Line);
        Assert.Contains("fe80::zz", report.Skipped[0].Reason);
        var r = Run([dir.Path], new FlowLogQuery { Filter = new FlowFilter { Address = [Cidr.Parse("2001:db8:1::/48")] }, GroupBy = ["dstaddr"] });
        Assert.Equal([("2001:db8:1::10", 700L), ("2001:db8:2::20", 500L)], r.Groups.Select(g => (g.Values[0]!, g.Bytes)));
    }

    [Fact]
    public void Many_groups_with_long_and_short_keys_survive_rehashing_and_merging()
    {
        using var dir = new TestPaths.TempDir();
        var rnd = new Random(17);
        var lines = Enumerable.Range(0, 20000).Select(i =>
        {
            // Keys of 30+ bytes (IPv6 pairs, kept outside the table) and short ones (ports, kept inside it).
            var src = $"2001:db8:{rnd.Next(40):x}::{rnd.Next(1, 60):x}";
            var dst = $"2001:db8:ffff::{rnd.Next(1, 30):x}";
            return $"2 1 eni-1 {src} {dst} {rnd.Next(1024, 3000)} 443 6 1 {rnd.Next(1, 1000)} {T0 + i} {T0 + i + 5} ACCEPT OK";
        }).ToList();
        File.WriteAllLines(dir.File("a.log"), lines.Take(12000));
        File.WriteAllLines(dir.File("b.log"), lines.Skip(12000));
        foreach (var (fields, key) in new (string[], Func<string[], string>)[]
        {
            (["srcaddr", "dstaddr"], f => f[3] + " " + f[4]),
            (["srcport"], f => f[5]),
        })
        {
            var expected = lines.Select(F).GroupBy(key)
                .ToDictionary(g => g.Key, g => (Count: g.LongCount(), Bytes: g.Sum(f => long.Parse(f[9], CultureInfo.InvariantCulture))));
            var result = Run([dir.Path], new FlowLogQuery { GroupBy = fields }, new FlowLogReadOptions { Threads = 2 });
            Assert.Equal(expected.Count, result.GroupCount);
            Assert.True(expected.Count > 600);
            foreach (var g in result.Groups)
                Assert.Equal(expected[g.Key], (g.Count, g.Bytes));
            Assert.Equal(expected.Values.Select(v => v.Bytes).Max(), result.Groups[0].Bytes);
        }
    }

    [Fact]
    public void Many_interface_ids_filter_like_a_set_lookup_including_near_misses_and_short_values()
    {
        using var dir = new TestPaths.TempDir();
        var rnd = new Random(23);
        // Ids that share their last 8 bytes, differ only in length, or are shorter than a word.
        string[] pool = ["eni-0123456789abcdef0", "eni-1123456789abcdef0", "eni-123456789abcdef0", "eni-0123456789abcdef1", "e", "eni-7", "x-1234567",
            "12345678", "012345678", "eni-0a", "eni-0b", "eni-0c", "eni-0d"];
        var lines = Enumerable.Range(0, 3000).Select(i =>
            $"2 123456789012 {pool[rnd.Next(pool.Length)]} 10.0.0.1 10.0.0.2 1000 443 6 1 {rnd.Next(1, 999)} {T0 + i} {T0 + i + 5} ACCEPT OK").ToList();
        File.WriteAllLines(dir.File("x.log"), lines);
        foreach (var wanted in new[]
        {
            new[] { "eni-0123456789abcdef0", "e", "12345678", "eni-0a", "eni-0b", "eni-0a" },
            new[] { "eni-0123456789abcdef0", "eni-0a" },
            pool.Where((_, i) => i % 2 == 1).ToArray(),
            new[] { "eni-none", "eni-nonf", "eni-noneX", "f", "eni-0e" },
        })
        {
            var result = Run([dir.Path], new FlowLogQuery { Filter = new FlowFilter { InterfaceId = wanted }, GroupBy = ["interface-id"] });
            var expected = lines.Select(F).Where(f => wanted.Contains(f[2])).GroupBy(f => f[2]).ToDictionary(g => g.Key, g => g.LongCount());
            Assert.Equal(expected.Values.Sum(), result.Matched);
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), result.Groups.Select(g => KeyValuePair.Create(g.Values[0]!, g.Count)).OrderBy(e => e.Key, StringComparer.Ordinal));
        }
    }

    [Fact]
    public void Garbage_crlf_blank_lines_and_no_final_newline_are_counted_not_fatal()
    {
        using var dir = new TestPaths.TempDir();
        var good = Lines(3, 5);
        var text = string.Join("\r\n", good[0], "", "this is not a flow log", good[1], "2 123 eni-1 10.0.0.1 10.0.0.2 x 22 6 1 1 1700000000 1700000001 ACCEPT OK",
            new string('z', 200_000), good[2]);
        File.WriteAllText(dir.File("bad.log"), text);
        var (records, report) = FlowLogFixtureTests.Read(dir.File("bad.log"), options: new FlowLogReadOptions { ChunkSize = 1024 });
        Assert.Equal(good.Select(l => F(l)[9]), records.Select(r => r.Bytes!.Value.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal("OK", records[2].LogStatus);
        Assert.Equal(7, report.Lines);
        Assert.Equal(3, report.Records);
        Assert.Equal([3L, 5L, 6L], report.Skipped.Select(s => s.Line));
        Assert.Equal("srcport 'x' is not a number", report.Skipped[1].Reason);
        var counted = Run([dir.File("bad.log")], new FlowLogQuery { Filter = new FlowFilter { SourcePort = [PortRange.All] } });
        Assert.Equal(3, counted.Matched);
        Assert.Equal(3, counted.Report.SkippedLines);
    }

    /// <remarks>
    /// Windows tools (Notepad, Windows PowerShell's Set-Content -Encoding UTF8) save text with a byte-order mark before the
    /// header: the header still names the fields, plain, gzip or cut into slices. The mark hid the header, and every line of a
    /// custom-format file was refused as having the wrong number of fields.
    /// </remarks>
    [Fact]
    public void A_header_after_a_byte_order_mark_names_the_fields()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(3000, 11);
        // A custom order, so the file is wrong in the default format.
        const string Header = "srcaddr dstaddr version account-id interface-id srcport dstport protocol packets bytes start end action log-status";
        var text = Header + "\n" + string.Join('\n', lines.Select(l => { var f = F(l); return string.Join(' ', [f[3], f[4], f[0], f[1], f[2], .. f[5..]]); })) + "\n";
        File.WriteAllText(dir.File("plain.log"), text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        File.WriteAllText(dir.File("marked.log"), text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        WriteGzip(dir.File("marked.log.gz"), "\uFEFF" + text);
        var query = new FlowLogQuery { GroupBy = ["srcaddr", "dstport"], Filter = new FlowFilter { Action = ["REJECT"] } };
        var options = new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000, ChunkSize = 4096 };
        var expected = Run([dir.File("plain.log")], query, options);
        Assert.Equal(0, expected.Report.SkippedLines);
        foreach (var marked in new[] { "marked.log", "marked.log.gz" })
        {
            var result = Run([dir.File(marked)], query, options);
            Assert.Equal((0L, expected.Matched, expected.Report.Records), (result.Report.SkippedLines, result.Matched, result.Report.Records));
            Assert.Equal(expected.Groups.Select(g => (g.Key, g.Count, g.Bytes)), result.Groups.Select(g => (g.Key, g.Count, g.Bytes)));
        }
    }

    [Fact]
    public void Skipped_lines_in_parallel_slices_carry_file_line_numbers()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(4000, 9);
        foreach (int at in new[] { 10, 1999, 3500 }) lines[at] = "garbage " + at;
        File.WriteAllLines(dir.File("g.log"), lines);
        var result = Run([dir.Path], new FlowLogQuery(), new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000, ChunkSize = 2048 });
        Assert.Equal([11L, 2000L, 3501L], result.Report.Skipped.Select(s => s.Line));
        Assert.Equal(3997, result.Matched);
    }

    [Fact]
    public void Multi_member_gzip_reads_every_member()
    {
        using var dir = new TestPaths.TempDir();
        var a = Lines(1000, 21); var b = Lines(1000, 22);
        using (var file = File.Create(dir.File("m.log.gz")))
        {
            foreach (var part in new[] { a, b })
            {
                using var gz = new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true);
                gz.Write(Encoding.UTF8.GetBytes(string.Join('\n', part) + "\n"));
            }
        }
        var result = Run([dir.File("m.log.gz")], new FlowLogQuery { GroupBy = ["action"] });
        Assert.Equal(2000, result.Matched);
        Assert.Equal(a.Concat(b).Count(l => F(l)[12] == "REJECT"), result.Groups.Single(g => g.Values[0] == "REJECT").Count);
        Assert.Empty(result.Report.FileErrors);
    }

    [Fact]
    public void An_empty_file_named_gzip_or_parquet_is_an_error_and_an_empty_text_file_is_not()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("cut.log.gz"), []);
        File.WriteAllBytes(dir.File("cut.log.parquet"), []);
        File.WriteAllBytes(dir.File("quiet.log"), []);
        File.WriteAllLines(dir.File("ok.log"), Lines(10, 7));
        var result = Run([dir.Path], new FlowLogQuery());
        Assert.Equal(10, result.Matched);
        Assert.Equal(["cut.log.gz", "cut.log.parquet"], result.Report.FileErrors.Select(e => Path.GetFileName(e.File)).Order(StringComparer.Ordinal));
        Assert.All(result.Report.FileErrors, e => Assert.Contains("the file is empty", e.Message));
    }

    [Fact]
    public void Truncated_gzip_is_an_error_for_that_file_after_its_good_records()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(40_000, 31);
        var full = dir.File("full.log.gz");
        WriteGzip(full, string.Join('\n', lines) + "\n");
        var bytes = File.ReadAllBytes(full);
        File.WriteAllBytes(dir.File("cut.log.gz"), bytes[..(bytes.Length * 2 / 3)]);
        File.Delete(full);
        File.WriteAllLines(dir.File("ok.log"), lines.Take(10));
        foreach (int threads in new[] { 1, 2 })
        {
            var result = Run([dir.Path], new FlowLogQuery(), new FlowLogReadOptions { Threads = threads });
            var error = Assert.Single(result.Report.FileErrors);
            Assert.EndsWith("cut.log.gz", error.File);
            Assert.Contains("truncated", error.Message);
            Assert.InRange(result.Matched, 10 + 1000, 10 + 40_000 - 1);
            Assert.True(error.LinesRead > 1000);
        }
    }

    [Fact]
    public void Explicit_format_without_header_reads_the_same_as_the_header_file()
    {
        using var dir = new TestPaths.TempDir();
        var withHeader = File.ReadAllLines(FlowLogFixtureTests.Fixture("flowlogs-reader_v5.log"));
        File.WriteAllLines(dir.File("noheader.log"), withHeader.Skip(1));
        var options = new FlowLogReadOptions { Format = FlowLogFormat.Parse(withHeader[0]) };
        var (a, _) = FlowLogFixtureTests.Read(FlowLogFixtureTests.Fixture("flowlogs-reader_v5.log"));
        var (b, report) = FlowLogFixtureTests.Read(dir.File("noheader.log"), options: options);
        Assert.Equal(a.Select(r => (r.SourceAddress, r.Bytes, r.FlowDirection, r.PacketSourceAwsService, r.TrafficPath)),
            b.Select(r => (r.SourceAddress, r.Bytes, r.FlowDirection, r.PacketSourceAwsService, r.TrafficPath)));
        Assert.Equal(3, report.Skipped[0].Line);
    }

    [Fact]
    public void Newer_and_transit_gateway_fields_are_carried_as_text()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("v9.log"),
        [
            "version srcaddr dstaddr bytes reject-reason resource-id encryption-status tgw-id",
            "9 10.0.0.1 10.0.0.2 100 BPA vpc-1 1 tgw-123",
            "9 10.0.0.3 10.0.0.2 100 - - - -",
        ]);
        var (records, _) = FlowLogFixtureTests.Read(dir.File("v9.log"));
        Assert.Equal("BPA", records[0].RejectReason);
        Assert.Equal("vpc-1", records[0].OtherFields["resource-id"]);
        Assert.Equal("1", records[0].OtherFields["encryption-status"]);
        Assert.Equal("tgw-123", records[0].OtherFields["tgw-id"]);
        Assert.Equal("-", records[1].OtherFields["tgw-id"]);
        Assert.Null(records[1].RejectReason);
        var groups = Run([dir.Path], new FlowLogQuery { GroupBy = ["resource-id"] }).Groups;
        Assert.Equal(["vpc-1", null], groups.Select(g => g.Values[0]).OrderBy(v => v is null));
    }

    [Fact]
    public void Filter_on_a_field_the_format_lacks_is_a_file_error_not_an_empty_answer()
    {
        var result = Run([FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log")], new FlowLogQuery { Filter = new FlowFilter { VpcId = ["vpc-1"] } });
        Assert.Equal(0, result.Matched);
        Assert.Contains("'vpc-id'", Assert.Single(result.Report.FileErrors).Message);
    }

    [Fact]
    public void Log_status_interface_and_limit()
    {
        var path = FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log");
        var (nodata, _) = FlowLogFixtureTests.Read(path, new FlowLogQuery { Filter = new FlowFilter { LogStatus = ["nodata", "SKIPDATA"] } });
        Assert.Equal(["eni-1a2b3c4d", "eni-4b118871"], nodata.Select(r => r.InterfaceId));
        var (limited, report) = FlowLogFixtureTests.Read(path, new FlowLogQuery { Filter = new FlowFilter { InterfaceId = ["eni-102010ab", "eni-102010cd"] }, Limit = 2 });
        Assert.Equal(2, limited.Count);
        Assert.Equal(1, report.Files);
    }

    [Fact]
    public void Paths_expand_folders_recursively_and_wildcards_and_report_unmatched()
    {
        using var dir = new TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("2024/01/02"));
        File.WriteAllText(dir.File("2024/01/02/a.log.gz"), "");
        File.WriteAllText(dir.File("2024/01/02/b.log"), "");
        File.WriteAllText(dir.File("2024/x.log.parquet"), "");
        File.WriteAllText(dir.File("top.log"), "");
        File.WriteAllText(dir.File("2024/.hidden.log"), "");
        // Parquet is read like the rest (its bytes say what it is); hidden files are not.
        Assert.Equal(4, FlowLogPaths.Expand([dir.Path], out _).Count);
        var wild = FlowLogPaths.Expand([Path.Combine(dir.File("2024/01/02"), "*.gz"), dir.File("nope.log"), dir.File("top.log")], out var unmatched);
        Assert.Equal(["a.log.gz", "top.log"], wild.Select(i => Path.GetFileName(i.Name)));
        Assert.Equal([dir.File("nope.log")], unmatched);
    }

    [Fact]
    public void Formats_parse_from_log_format_field_lists_and_property_names()
    {
        var a = FlowLogFormat.Parse("${version} ${vpc-id} ${srcaddr} ${ecs-task-id}");
        var b = FlowLogFormat.Parse("Version,VpcId, SourceAddress ecs_task_id");
        Assert.Equal(a.Fields, b.Fields);
        Assert.Equal(7, a.Version);
        Assert.Equal("${version} ${vpc-id} ${srcaddr} ${ecs-task-id}", a.ToLogFormat());
        Assert.Equal(2, FlowLogFormat.Default.Version);
        Assert.Equal(9, FlowLogFormat.Parse("srcaddr resource-id").Version);
        Assert.Throws<FormatException>(() => FlowLogFormat.Parse("${srcaddr"));
        Assert.Throws<FormatException>(() => FlowLogFormat.Parse("srcaddr srcaddr"));
        Assert.Throws<FormatException>(() => FlowLogFormat.Parse("Source Address!"));
        Assert.Throws<ArgumentException>(() => new FlowLogReader().Run([], new FlowLogQuery { Top = 0 }));
    }

    private static void WriteGzip(string path, string text)
    {
        using var file = File.Create(path);
        using var gz = new GZipStream(file, CompressionLevel.Fastest);
        gz.Write(Encoding.UTF8.GetBytes(text));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(60)]
    public void An_interface_filter_of_any_size_matches_exactly_its_values(int values)
    {
        // Ids of 1 to 30 bytes, some differing only in their first bytes (the reject mask hashes the last 8).
        var rnd = new Random(values);
        var ids = Enumerable.Range(0, 200).Select(i => i % 3 == 0 ? $"{(char)('a' + i % 26)}ni-0123456789abcdef0" : new string('e', rnd.Next(1, 30)) + i).Distinct().ToList();
        var chosen = ids.OrderBy(_ => rnd.Next()).Take(values).ToList();
        using var dir = new TestPaths.TempDir();
        var lines = Enumerable.Range(0, 4000).Select(i => $"2 123456789012 {ids[rnd.Next(ids.Count)]} 10.0.0.1 10.0.0.2 1 2 6 1 {i} 1700000000 1700000060 ACCEPT OK").ToList();
        File.WriteAllLines(dir.File("a.log"), lines);

        var result = new FlowLogReader().Run(FlowLogPaths.Expand([dir.Path], out _), new FlowLogQuery { Filter = new FlowFilter { InterfaceId = chosen } });
        Assert.Equal(lines.Count(l => chosen.Contains(l.Split(' ')[2])), result.Matched);
    }
}

public class FlowTextTests
{
    /// <summary>A random decimal of 1 to 18 digits (leading zeros included).</summary>
    internal static string Digits(Random rnd) =>
        string.Concat(Enumerable.Range(0, rnd.Next(1, 19)).Select(_ => (char)('0' + rnd.Next(10))));

    [Fact]
    public void Numbers_parse_like_long_parse_at_every_length_and_refuse_non_digits()
    {
        var rnd = new Random(3);
        for (int i = 0; i < 20000; i++)
        {
            var text = Digits(rnd);
            Assert.True(FlowText.TryParseLong(System.Text.Encoding.ASCII.GetBytes(text), out long v));
            Assert.Equal(long.Parse(text, System.Globalization.CultureInfo.InvariantCulture), v);
            var bad = text.ToCharArray();
            bad[rnd.Next(bad.Length)] = "/:a -.x\u00ff"[rnd.Next(8)];
            Assert.False(FlowText.TryParseLong(System.Text.Encoding.Latin1.GetBytes(bad), out _), new string(bad));
        }
        Assert.False(FlowText.TryParseLong([], out _));
        Assert.False(FlowText.TryParseLong(System.Text.Encoding.ASCII.GetBytes("1234567890123456789"), out _));
    }
}
