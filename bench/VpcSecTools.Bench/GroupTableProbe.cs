using System.Diagnostics;
using System.Globalization;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>groupprobe [distinct] [threads] [--radix]</c>: the group table alone, with no reading at all: 9.46 M conversation keys (packed
/// as the reader packs srcaddr, dstaddr, dstport) drawn from <c>distinct</c> values, added by <c>threads</c> workers
/// and ranked for a top 10, three times. The floor of any many-group question on any input: what a reader cannot go
/// under however cheap its input is to read.
/// </summary>
public static class GroupTableProbe
{
    public static int Run(string[] args)
    {
        int n = 9_460_000;
        int distinct = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 9_250_000;
        int threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
        var rnd = new Random(1);
        var keys = new byte[n * 16];
        for (int i = 0; i < n; i++)
        {
            int k = rnd.Next(distinct);
            var s = keys.AsSpan(i * 16);
            s[0] = 3; BitConverter.TryWriteBytes(s[1..], k * 2654435761u); s[5] = 3; BitConverter.TryWriteBytes(s[6..], k); s[10] = 4; s[11] = 1; s[12] = 187;
        }
        if (args.Contains("--radix")) { Radix(keys, n, threads); return 0; }
        for (int round = 0; round < 3; round++)
        {
            var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            using var agg = new GroupAggregate(3, false, 8L << 30, threads, "/tmp");
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                var w = agg.Worker;
                for (int i = t; i < n; i += threads)
                {
                    var space = w.KeySpace(13);
                    keys.AsSpan(i * 16, 13).CopyTo(space);
                    w.Add(13, 1, 100, 1000, 2000);
                }
            });
            var scan = clock.Elapsed.TotalSeconds;
            var (_, count) = agg.Results(["srcaddr", "dstaddr", "dstport"], FlowMetric.Bytes, 10, threads);
            self.Refresh();
            Console.WriteLine($"{n / 1e6:F2} M adds, {count} groups, {threads} thread(s): {scan:F2} s adding, {clock.Elapsed.TotalSeconds:F2} s with the top 10, " +
                $"cpu {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s");
        }
        return 0;
    }

    /// <summary>
    /// <c>--radix</c>, a design measured and not taken: every entry appended to one of 256 partitions during the "scan" (no
    /// table touched), then each partition's table built in one go, one partition per thread at a time, while it is in
    /// cache. Its tables build fast on memory already faulted in (later rounds), but in a fresh process, which is how a
    /// question runs, the buffers' fresh memory costs what the cache saves (bench/RESULTS.md).
    /// </summary>
    private static void Radix(byte[] keys, int n, int threads)
    {
        const int Bits = 8, P = 1 << Bits, Chunk = 4096;
        for (int round = 0; round < 3; round++)
        {
            var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var parts = new List<GroupEntry[]>[threads, P];
            var fill = new int[threads, P];
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t =>
            {
                for (int p = 0; p < P; p++) parts[t, p] = [];
                for (int i = t; i < n; i += threads)
                {
                    var key = keys.AsSpan(i * 16, 16);
                    ByteKeys.Words(key, 13, out ulong k0, out ulong k1);
                    uint tag = ByteKeys.Tag(k0, k1, key[..13]);
                    int p = (int)(tag >> (32 - Bits));
                    var list = parts[t, p];
                    if (fill[t, p] == 0) list.Add(new GroupEntry[Chunk]);
                    ref var e = ref list[^1][fill[t, p]];
                    e = new GroupEntry { K0 = k0, K1 = k1, Length = 13, Tag = tag, Records = 1, Packets = 100, Bytes = 1000, First = 2000, Last = 2000 };
                    if (++fill[t, p] == Chunk) fill[t, p] = 0;
                }
            });
            var scan = clock.Elapsed.TotalSeconds;
            long groups = 0;
            Parallel.For(0, P, new ParallelOptions { MaxDegreeOfParallelism = threads }, p =>
            {
                var table = new GroupTable(4096);
                for (int t = 0; t < threads; t++)
                    for (int c = 0; c < parts[t, p].Count; c++)
                    {
                        var chunk = parts[t, p][c].AsSpan(0, c == parts[t, p].Count - 1 && fill[t, p] != 0 ? fill[t, p] : Chunk);
                        for (int at = 0; at < chunk.Length; at += 32)
                        {
                            var batch = chunk.Slice(at, Math.Min(32, chunk.Length - at));
                            table.WarmAll(batch);
                            table.Add(batch, default);
                        }
                        parts[t, p][c] = null!;
                    }
                table.Ranked(new GroupRanking(FlowMetric.Bytes, 3, false), 10);
                Interlocked.Add(ref groups, table.Count);
            });
            self.Refresh();
            Console.WriteLine($"radix: {groups} groups, {threads} thread(s): {scan:F2} s partitioning, {clock.Elapsed.TotalSeconds:F2} s with the tables and top 10, " +
                $"cpu {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s");
        }
    }
}
