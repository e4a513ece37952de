using System.Globalization;
using System.Text;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The group table's edges against a string.Split computation: keys of every length around the 8- and 16-byte
/// word boundaries (and ones that differ only after 16 bytes or only in length), '-' counters and times,
/// seconds and milliseconds, time bins, slices merged across threads, fields at a buffer's very end.
/// </summary>
public class GroupTableTests
{
    private const string Header = "version interface-id srcaddr packets bytes start end action";

    private static List<string> Lines(int count, int seed)
    {
        var rnd = new Random(seed);
        const string alphabet = "abcdef0123456789-.:";
        // A pool of ids of 1..40 bytes, some sharing their first 16 bytes, some a prefix of another.
        var ids = new List<string>();
        for (int length = 1; length <= 40; length++)
            ids.Add(new string(Enumerable.Range(0, length).Select(_ => alphabet[rnd.Next(alphabet.Length)]).ToArray()));
        ids.Add("eni-0123456789abcdef0"); ids.Add("eni-0123456789abcdef1"); ids.Add("eni-0123456789abcdXf0");
        ids.Add("0123456789abcdef"); ids.Add("0123456789abcdef0"); ids.Add("0123456789abcde");
        ids.Add("12345678"); ids.Add("123456789"); ids.Add("1234567");
        ids.RemoveAll(i => i == "-");
        string Number(int maxDigits) =>
            rnd.Next(12) == 0 ? "-" : string.Concat(Enumerable.Range(0, rnd.Next(1, maxDigits + 1)).Select(i => (char)('0' + (i == 0 ? rnd.Next(1, 10) : rnd.Next(10)))));
        string Time(long seconds) => rnd.Next(10) switch { 0 => "-", 1 or 2 => (seconds * 1000 + rnd.Next(1000)).ToString(CultureInfo.InvariantCulture), _ => seconds.ToString(CultureInfo.InvariantCulture) };
        var lines = new List<string>();
        for (int i = 0; i < count; i++)
        {
            long start = 1_700_000_000 + rnd.Next(0, 10_000);
            lines.Add(string.Join(' ', "5", ids[rnd.Next(ids.Count)], $"10.{rnd.Next(3)}.{rnd.Next(256)}.{rnd.Next(1, 4)}",
                Number(12), Number(12), Time(start), Time(start + rnd.Next(0, 60)), rnd.Next(2) == 0 ? "ACCEPT" : "REJECT"));
        }
        return lines;
    }

    private static long? Ms(string s) => s == "-" ? null : long.Parse(s, CultureInfo.InvariantCulture) is var v && v < 100_000_000_000 ? v * 1000 : v;
    private static long N(string s) => s == "-" ? 0 : long.Parse(s, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(new[] { "interface-id" }, 0)]
    [InlineData(new[] { "interface-id", "srcaddr" }, 0)]
    [InlineData(new[] { "srcaddr" }, 0)]
    [InlineData(new[] { "interface-id" }, 15)]
    [InlineData(new[] { "action", "interface-id" }, 60)]
    public void Aggregates_match_a_split_computation_at_every_key_length_with_dashes_bins_and_merges(string[] fields, int binMinutes)
    {
        using var dir = new TestPaths.TempDir();
        var a = Lines(7000, 1);
        var b = Lines(5000, 2);
        File.WriteAllText(dir.File("a.log"), Header + "\n" + string.Join('\n', a) + "\n");
        // No final newline: the last line's fields end at the buffer's end.
        File.WriteAllText(dir.File("b.log"), Header + "\n" + string.Join('\n', b));
        int[] columns = fields.Select(f => Header.Split(' ').ToList().IndexOf(f)).ToArray();
        long bin = binMinutes * 60_000L;
        var expected = a.Concat(b).Select(l => l.Split(' '))
            .GroupBy(f => string.Join(' ', columns.Select(c => f[c])) + (bin > 0 ? "|" + (Ms(f[5]) is { } s ? s / bin * bin : -1) : ""))
            .ToDictionary(g => g.Key, g => (Count: g.LongCount(), Packets: g.Sum(f => N(f[3])), Bytes: g.Sum(f => N(f[4])),
                First: g.Select(f => Ms(f[5])).Min(), Last: g.Select(f => Ms(f[6])).Max()));
        var query = new FlowLogQuery { GroupBy = fields, Bin = bin > 0 ? TimeSpan.FromMinutes(binMinutes) : null };
        foreach (var options in new[]
        {
            new FlowLogReadOptions { Threads = 1 },
            // Slices of each file on two threads, merged; tiny buffers put many fields at a buffer's end.
            new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000, ChunkSize = 700 },
            // A budget too small for the groups: the shared partitions, spilled to disk and merged back.
            new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000, ChunkSize = 700, MaxMemory = 64 << 10 },
        })
        {
            var result = new FlowLogReader(options).Run(FlowLogPaths.Expand([dir.Path], out _), query);
            Assert.Empty(result.Report.FileErrors);
            Assert.Equal(0, result.Report.SkippedLines);
            Assert.Equal(expected.Count, result.GroupCount);
            foreach (var g in result.Groups)
            {
                var key = string.Join(' ', g.Values.Select(v => v ?? "-")) + (bin > 0 ? "|" + (g.Bin?.ToUnixTimeMilliseconds() ?? -1) : "");
                var e = expected[key];
                Assert.Equal((e.Count, e.Packets, e.Bytes), (g.Count, g.Packets, g.Bytes));
                Assert.Equal(e.First, g.FirstSeen?.ToUnixTimeMilliseconds());
                Assert.Equal(e.Last, g.LastSeen?.ToUnixTimeMilliseconds());
            }
        }
    }

    [Fact]
    public void A_malformed_counter_or_time_skips_the_line_with_its_reason()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("x.log"),
        [
            Header,
            "5 eni-1 10.0.0.1 3 300 1700000000 1700000060 ACCEPT",
            "5 eni-1 10.0.0.1 3x 300 1700000000 1700000060 ACCEPT",
            "5 eni-1 10.0.0.1 3 300 17000000000000000000 1700000060 ACCEPT",
            "5 eni-1 10.0.0.1 3 - 1700000000 1700000060 ACCEPT",
            "5 eni-1 10.0.0.1 3 +3 1700000000 1700000060 ACCEPT",
        ]);
        var result = new FlowLogReader().Run(FlowLogPaths.Expand([dir.Path], out _), new FlowLogQuery { GroupBy = ["interface-id"] });
        Assert.Equal(2, result.Groups[0].Count);
        Assert.Equal(300, result.Groups[0].Bytes);
        Assert.Equal(["packets '3x' is not a number", "start '17000000000000000000' is not a Unix time", "bytes '+3' is not a number"],
            result.Report.Skipped.Select(s => s.Reason));
    }

    [Fact]
    public void Numbers_in_a_line_parse_like_long_parse_at_every_length_whatever_follows_them()
    {
        var rnd = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            var text = FlowTextTests.Digits(rnd);
            // Two fields: the number, then bytes that the word loads read past its end.
            var tail = new string(Enumerable.Range(0, rnd.Next(0, 30)).Select(_ => (char)rnd.Next(33, 127)).ToArray());
            var line = Encoding.Latin1.GetBytes(text + " x" + tail + "\n");
            int[] bounds = [0, text.Length + 1, line.Length];
            Assert.True(new RawLine(line, bounds).TryNumber(0, out long v));
            Assert.Equal(long.Parse(text, CultureInfo.InvariantCulture), v);
            var bad = text.ToCharArray();
            bad[rnd.Next(bad.Length)] = "/:a -.x\u00ff\u0000"[rnd.Next(9)];
            var badLine = Encoding.Latin1.GetBytes(new string(bad) + " x" + tail + "\n");
            Assert.False(new RawLine(badLine, bounds).TryNumber(0, out _), new string(bad));
        }
    }
}
