using System.Diagnostics;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Bench;

/// <summary>Scratch: the group table alone, on random conversation keys.</summary>
public static class GroupTableProbe
{
    public static int Run(string[] args)
    {
        int n = 9_460_000;
        int distinct = args.Length > 0 ? int.Parse(args[0]) : 9_250_000;
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
            using var agg = new GroupAggregate(3, false, 8L << 30, 1, "/tmp");
            var w = agg.Worker;
            for (int i = 0; i < n; i++)
            {
                var space = w.KeySpace(13);
                keys.AsSpan(i * 16, 13).CopyTo(space);
                w.Add(13, 1, 100, 1000, 2000);
            }
            var scan = clock.Elapsed.TotalSeconds;
            var (groups, count) = agg.Results(["srcaddr", "dstaddr", "dstport"], FlowMetric.Bytes, 10, 1);
            self.Refresh();
            Console.WriteLine($"{n / 1e6:F2} M adds, {count} groups: {scan:F2} s adding ({scan * 1e9 / n:F0} ns/add), {clock.Elapsed.TotalSeconds:F2} s total, cpu {(self.TotalProcessorTime - cpu).TotalSeconds:F2} s");
        }
        return 0;
    }
}
