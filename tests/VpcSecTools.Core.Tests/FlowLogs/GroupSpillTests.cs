using System.Globalization;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// A group-by with more groups than its memory budget holds: the groups go to the shared partitions, partitions spill to
/// disk and are merged back, and the answer (every group, its totals, the ranking and its ties, the top N) is the one the
/// whole table in memory gives, which a string.Split computation checks.
/// </summary>
public class GroupSpillTests
{
    private const string Header = "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action";

    /// <summary>Conversations: most pairs seen once, some often; IPv4, IPv6, '-' and addresses or ports kept as text.</summary>
    private static List<string> Lines(int count, int seed)
    {
        var rnd = new Random(seed);
        string Address() => rnd.Next(50) switch
        {
            0 => "-",
            1 => $"2600:1f18:4a3c:7e01::{rnd.Next(1, 300):x}",
            _ => $"10.{rnd.Next(4)}.{rnd.Next(256)}.{rnd.Next(1, 255)}",
        };
        string Port() => rnd.Next(40) switch { 0 => "-", 1 => "0443", 2 => rnd.Next(65536, 200_000).ToString(CultureInfo.InvariantCulture), _ => rnd.Next(0, 1200).ToString(CultureInfo.InvariantCulture) };
        var lines = new List<string>();
        var hot = Enumerable.Range(0, 50).Select(_ => (Address(), Address(), Port())).ToArray();
        for (int i = 0; i < count; i++)
        {
            var (src, dst, port) = rnd.Next(5) == 0 ? hot[rnd.Next(hot.Length)] : (Address(), Address(), Port());
            long start = 1_700_000_000 + rnd.Next(0, 100_000);
            // Equal bytes for many groups, so ties are broken by the key's text.
            long bytes = rnd.Next(3) == 0 ? 1000 : rnd.Next(40, 100_000);
            lines.Add(string.Join(' ', "2", $"eni-0a1b2c3d4e5f6{rnd.Next(10)}", src, dst, rnd.Next(1024, 65535), port, "6", rnd.Next(1, 20), bytes,
                start, start + rnd.Next(0, 60), rnd.Next(5) == 0 ? "REJECT" : "ACCEPT"));
        }
        return lines;
    }

    [Theory]
    [InlineData("srcaddr,dstaddr,dstport")]
    [InlineData("interface-id,srcaddr,dstport")]
    public void Groups_beyond_the_budget_spill_and_give_the_answer_of_the_whole_table(string groupBy)
    {
        var fields = groupBy.Split(',');
        using var dir = new TestPaths.TempDir();
        var lines = Lines(60_000, 3);
        File.WriteAllText(dir.File("a.log"), Header + "\n" + string.Join('\n', lines[..35_000]) + "\n");
        File.WriteAllText(dir.File("b.log"), Header + "\n" + string.Join('\n', lines[35_000..]) + "\n");
        var columns = fields.Select(f => Header.Split(' ').ToList().IndexOf(f)).ToArray();
        var expected = lines.Select(l => l.Split(' ')).GroupBy(f => string.Join(' ', columns.Select(c => f[c])))
            .ToDictionary(g => g.Key, g => (Count: g.LongCount(), Bytes: g.Sum(f => long.Parse(f[8], CultureInfo.InvariantCulture))));
        var inputs = FlowLogPaths.Expand([dir.Path], out _);
        var query = new FlowLogQuery { GroupBy = fields };
        // In memory: the whole table fits the default budget.
        var whole = new FlowLogReader(new FlowLogReadOptions { Threads = 2, MinSplitBytes = 1000 }).Run(inputs, query);
        Assert.Equal(0, whole.Report.SpilledBytes);
        Assert.Equal(expected.Count, whole.GroupCount);
        foreach (var g in whole.Groups)
            Assert.Equal(expected[string.Join(' ', g.Values.Select(v => v ?? "-"))], (g.Count, g.Bytes));
        // The ranking: bytes, then records, then the key's text (ordinal), whatever the keys are packed as.
        var order = expected.OrderByDescending(e => e.Value.Bytes).ThenByDescending(e => e.Value.Count).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Key);
        Assert.Equal(order, whole.Groups.Select(g => g.Key));

        foreach (long budget in new long[] { 2 << 20, 64 << 10 })
            foreach (int threads in new[] { 1, 2 })
            {
                var reader = new FlowLogReader(new FlowLogReadOptions { Threads = threads, MinSplitBytes = 1000, MaxMemory = budget });
                var spilled = reader.Run(inputs, query);
                Assert.True(spilled.Report.SpilledBytes > 0, $"budget {budget}, {threads} thread(s): nothing spilled");
                Assert.Equal(whole.GroupCount, spilled.GroupCount);
                Assert.Equal(whole.Groups, spilled.Groups, GroupEquality.Instance);
                var top = reader.Run(inputs, query with { Top = 25 });
                Assert.Equal(whole.Groups.Take(25), top.Groups, GroupEquality.Instance);
                Assert.Equal(whole.GroupCount, top.GroupCount);
            }
    }

    [Fact]
    public void Spill_files_are_gone_when_the_read_ends()
    {
        using var dir = new TestPaths.TempDir();
        using var spill = new TestPaths.TempDir();
        File.WriteAllText(dir.File("a.log"), Header + "\n" + string.Join('\n', Lines(20_000, 4)) + "\n");
        var result = new FlowLogReader(new FlowLogReadOptions { Threads = 2, MaxMemory = 64 << 10, SpillFolder = spill.Path })
            .Run(FlowLogPaths.Expand([dir.Path], out _), new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 5 });
        Assert.True(result.Report.SpilledBytes > 0);
        Assert.Empty(Directory.EnumerateFileSystemEntries(spill.Path));
    }

    private sealed class GroupEquality : IEqualityComparer<FlowGroup>
    {
        public static readonly GroupEquality Instance = new();

        public bool Equals(FlowGroup? a, FlowGroup? b) =>
            a is not null && b is not null && a.Values.SequenceEqual(b.Values) && (a.Count, a.Packets, a.Bytes, a.FirstSeen, a.LastSeen) == (b.Count, b.Packets, b.Bytes, b.FirstSeen, b.LastSeen);

        public int GetHashCode(FlowGroup g) => g.Key.GetHashCode(StringComparison.Ordinal);
    }
}

/// <summary>
/// A spilled read allocates little beyond its budget: spills go through a pooled buffer and merged partitions share one
/// table per thread. Garbage the size of the groups (a buffer per spill, a table per merged partition) is freed by the
/// collector late, and made the process four times its budget on the 1 GiB conversations question.
/// </summary>
/// <remarks>Alone: it counts the process's allocations, which tests running beside it would add to.</remarks>
[Collection(MemoryMeasurement.Name)]
public class GroupSpillMemoryTests
{
    [Fact]
    public void A_spilled_read_allocates_a_few_budgets_not_its_groups()
    {
        using var dir = new TestPaths.TempDir();
        var rnd = new Random(5);
        var lines = Enumerable.Range(0, 200_000).Select(i =>
            $"2 eni-0a1b2c3d 10.{rnd.Next(4)}.{rnd.Next(256)}.{rnd.Next(1, 255)} 10.{rnd.Next(4)}.{rnd.Next(256)}.{rnd.Next(1, 255)} {rnd.Next(1024, 65535)} {rnd.Next(1200)} 6 2 {rnd.Next(40, 100_000)} 1700000000 1700000060 ACCEPT");
        File.WriteAllText(dir.File("a.log"), "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action\n" + string.Join('\n', lines) + "\n");
        var inputs = FlowLogPaths.Expand([dir.Path], out _);
        var query = new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 10 };
        const long budget = 2 << 20;
        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = 2, MaxMemory = budget });
        reader.Run(inputs, query);
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var result = reader.Run(inputs, query);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(result.Report.SpilledBytes > 4 * budget, $"only {result.Report.SpilledBytes} bytes spilled");
        Assert.True(result.GroupCount > 190_000, $"{result.GroupCount} groups");
        // 6-7 MB measured; a buffer per spill and a table per merged partition made it 95-106 MB.
        Assert.True(allocated < 8 * budget, $"the read allocated {allocated >> 20} MB under a budget of {budget >> 20} MB");
    }
}

/// <summary><c>vpcsec flowlogs query --max-memory</c>: sizes as people write them, and a group-by that spills answers as one that fits.</summary>
public class MaxMemoryCliTests
{
    [Theory]
    [InlineData("1MiB", 1L << 20)]
    [InlineData("256MB", 256L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("1.5gib", 3L << 29)]
    [InlineData("1048576", 1L << 20)]
    public void Sizes_parse_in_powers_of_1024(string text, long bytes) => Assert.Equal(bytes, FlowQueryArguments.ParseMemory(text));

    [Theory]
    [InlineData("0")]
    [InlineData("512K")]
    [InlineData("12x")]
    [InlineData("-1G")]
    public void Too_small_or_malformed_sizes_are_refused_naming_them(string text)
    {
        var (exit, _, stderr) = CliCommands.CliRunner.Run("flowlogs", "query", Path.Combine(TestPaths.Demo, "flowlogs"), "--group-by", "srcaddr", "--max-memory", text);
        Assert.Equal(2, exit);
        Assert.Contains($"'{text}' is not an amount of memory", stderr);
    }

    [Fact]
    public void A_group_by_under_a_small_budget_answers_as_one_that_fits()
    {
        var logs = Path.Combine(TestPaths.Demo, "flowlogs");
        string[] question = ["flowlogs", "query", logs, "--group-by", "srcaddr,dstaddr,dstport,interface-id", "--format", "json"];
        var fits = CliCommands.CliRunner.Run(question);
        var spills = CliCommands.CliRunner.Run([.. question, "--max-memory", "1MiB", "--threads", "2"]);
        Assert.Equal((0, 0), (fits.Exit, spills.Exit));
        Assert.Equal(fits.Out, spills.Out);
    }
}
