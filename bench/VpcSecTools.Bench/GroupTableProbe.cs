using System.Diagnostics;
using System.Globalization;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>groupprobe [distinct] [threads]</c>: the group table alone, with no reading at all: 9.46 M conversation keys (packed
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
}
