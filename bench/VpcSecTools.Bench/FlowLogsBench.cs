using System.Buffers.Text;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>flowlogs gen [MiB]</c> writes bench/data/flow-v2.log(.gz) and flow-v5.log(.gz) (realistic records);
/// <c>flowlogs run [--keep]</c> times wc -l, mawk, gzip -dc and GZipStream against our reader in the same run,
/// then deletes the generated files unless --keep.
/// </summary>
public static class FlowLogsBench
{
    private static readonly string Data = Path.Combine(FindRoot(), "bench", "data");
    public static string DataFolder => Data;
    private static string V2 => Path.Combine(Data, "flow-v2.log");
    private static string V5 => Path.Combine(Data, "flow-v5.log");

    private const string V5Header =
        "version account-id vpc-id subnet-id instance-id interface-id type srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr " +
        "protocol bytes packets start end action tcp-flags log-status region az-id flow-direction traffic-path pkt-src-aws-service pkt-dst-aws-service";

    public static int Run(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "gen":
                long mib = args.Length > 1 ? long.Parse(args[1], CultureInfo.InvariantCulture) : 1024;
                Generate(mib << 20);
                return 0;
            case "run":
                int only = Array.IndexOf(args, "--only");
                Measure(keep: args.Contains("--keep"), only >= 0 && only + 1 < args.Length ? args[only + 1] : null);
                return 0;
            case "parquet":
                return FlowLogsVersusDuckDb.Parquet();
            case "versus":
                return FlowLogsVersusDuckDb.Versus(args[1..]);
            case "one":
                return FlowLogsVersusDuckDb.One(args[1..]);
            default:
                Console.Error.WriteLine("usage: flowlogs gen [MiB] | flowlogs run [--keep] [--only <text in run names>] | flowlogs parquet | " +
                    "flowlogs versus [--rounds N] [--threads T] [--only <text>] | flowlogs one <ours|duckdb> <query> <text|gzip|parquet> <threads> [max MiB]");
                return 2;
        }
    }

    // ---------------------------------------------------------------- generator

    private static void Generate(long size)
    {
        Directory.CreateDirectory(Data);
        var clock = Stopwatch.StartNew();
        WriteFile(V2, size, null, V2Line);
        WriteFile(V5, size, V5Header, V5Line);
        Console.WriteLine($"generated {size >> 20} MiB x2 in {clock.Elapsed.TotalSeconds:F1} s; compressing");
        foreach (var f in new[] { V2, V5 })
        {
            using var input = File.OpenRead(f);
            using var output = File.Create(f + ".gz");
            using var gz = new GZipStream(output, CompressionLevel.Fastest);
            input.CopyTo(gz, 1 << 20);
        }
        Console.WriteLine($"done in {clock.Elapsed.TotalSeconds:F1} s");
    }

    private delegate int LineWriter(Span<byte> into, Random rnd, ref long time);

    private static void WriteFile(string path, long size, string? header, LineWriter line)
    {
        var rnd = new Random(42);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        var buffer = new byte[1 << 20];
        int used = 0;
        long written = 0, time = 1_700_000_000;
        if (header is not null) { used = System.Text.Encoding.ASCII.GetBytes(header + "\n", buffer); }
        while (written + used < size)
        {
            if (used > buffer.Length - 1024) { file.Write(buffer, 0, used); written += used; used = 0; }
            used += line(buffer.AsSpan(used), rnd, ref time);
        }
        file.Write(buffer, 0, used);
    }

    private static int Put(Span<byte> s, string text) { System.Text.Encoding.ASCII.GetBytes(text, s); return text.Length; }
    private static int Put(Span<byte> s, long n) { Utf8Formatter.TryFormat(n, s, out int w); return w; }

    private static int Ip(Span<byte> s, Random rnd, bool internet)
    {
        int w = 0;
        // Pools of ~2,500 VPC hosts and ~50,000 internet hosts: groups repeat as they do in real logs.
        int[] o = internet ? [rnd.Next(1, 224), rnd.Next(4) * 37, rnd.Next(4) * 11, rnd.Next(1, 16)] : [10, rnd.Next(4), rnd.Next(16), rnd.Next(1, 40)];
        for (int i = 0; i < 4; i++) { if (i > 0) s[w++] = (byte)'.'; w += Put(s[w..], o[i]); }
        return w;
    }

    private static readonly int[] Services = [22, 80, 443, 443, 443, 3306, 5432, 6379, 8080, 53];

    /// <summary>A plausible mix: most flows internal, a third to or from the internet, a fifth rejected, a few NODATA.</summary>
    private static int V2Line(Span<byte> s, Random rnd, ref long time)
    {
        time += rnd.Next(2) == 0 ? 1 : 0;
        int w = Put(s, "2 123456789012 eni-0");
        w += Put(s[w..], "a1b2c3d4e5f6a7b");
        s[w++] = (byte)('0' + rnd.Next(10));
        s[w++] = (byte)' ';
        if (rnd.Next(200) == 0)
        {
            w += Put(s[w..], "- - - - - - - ");
            w += Put(s[w..], time); s[w++] = (byte)' '; w += Put(s[w..], time + 60); w += Put(s[w..], " - NODATA\n");
            return w;
        }
        w += FlowFields(s[w..], rnd, time);
        w += Put(s[w..], " OK\n");
        return w;
    }

    private static int FlowFields(Span<byte> s, Random rnd, long time)
    {
        bool inbound = rnd.Next(3) == 0;
        int w = Ip(s, rnd, inbound); s[w++] = (byte)' ';
        w += Ip(s[w..], rnd, !inbound && rnd.Next(2) == 0); s[w++] = (byte)' ';
        w += Put(s[w..], rnd.Next(1024, 65536)); s[w++] = (byte)' ';
        w += Put(s[w..], Services[rnd.Next(Services.Length)]); s[w++] = (byte)' ';
        w += Put(s[w..], rnd.Next(10) == 0 ? 17 : 6); s[w++] = (byte)' ';
        int packets = rnd.Next(1, 2000);
        w += Put(s[w..], packets); s[w++] = (byte)' ';
        w += Put(s[w..], packets * (long)rnd.Next(40, 1500)); s[w++] = (byte)' ';
        w += Put(s[w..], time); s[w++] = (byte)' ';
        w += Put(s[w..], time + rnd.Next(1, 60)); s[w++] = (byte)' ';
        w += Put(s[w..], rnd.Next(5) == 0 ? "REJECT" : "ACCEPT");
        return w;
    }

    private static int V5Line(Span<byte> s, Random rnd, ref long time)
    {
        time += rnd.Next(2) == 0 ? 1 : 0;
        int subnet = rnd.Next(8);
        int w = Put(s, "5 123456789012 vpc-0a1b2c3d4e5f67890 subnet-0a1b2c3d4e5f6789");
        w += Put(s[w..], subnet); w += Put(s[w..], " i-0a1b2c3d4e5f6789"); w += Put(s[w..], rnd.Next(10));
        w += Put(s[w..], " eni-0a1b2c3d4e5f6789"); w += Put(s[w..], rnd.Next(10)); w += Put(s[w..], " IPv4 ");
        int a = w;
        w += Ip(s[w..], rnd, false); s[w++] = (byte)' ';
        int b = w;
        w += Ip(s[w..], rnd, rnd.Next(3) == 0); s[w++] = (byte)' ';
        int c = w;
        w += Put(s[w..], rnd.Next(1024, 65536)); s[w++] = (byte)' ';
        w += Put(s[w..], Services[rnd.Next(Services.Length)]); s[w++] = (byte)' ';
        s[a..c].CopyTo(s[w..]); w += c - a;
        w += Put(s[w..], rnd.Next(10) == 0 ? 17 : 6); s[w++] = (byte)' ';
        int packets = rnd.Next(1, 2000);
        w += Put(s[w..], packets * (long)rnd.Next(40, 1500)); s[w++] = (byte)' ';
        w += Put(s[w..], packets); s[w++] = (byte)' ';
        w += Put(s[w..], time); s[w++] = (byte)' ';
        w += Put(s[w..], time + rnd.Next(1, 60)); s[w++] = (byte)' ';
        w += Put(s[w..], rnd.Next(5) == 0 ? "REJECT " : "ACCEPT ");
        w += Put(s[w..], rnd.Next(4) switch { 0 => 2, 1 => 3, 2 => 19, _ => 1 });
        w += Put(s[w..], " OK us-east-1 use1-az");
        w += Put(s[w..], subnet % 3 + 1);
        bool egress = rnd.Next(2) == 0;
        w += Put(s[w..], egress ? " egress " : " ingress ");
        w += Put(s[w..], egress ? (rnd.Next(8) + 1).ToString(CultureInfo.InvariantCulture) : "-");
        w += Put(s[w..], rnd.Next(6) == 0 ? " S3 -\n" : " - -\n");
        _ = b;
        return w;
    }

    // ---------------------------------------------------------------- harness

    /// <summary>One timed run: wall seconds and CPU seconds (user + system, all threads).</summary>
    private sealed record Row(string Name, long Bytes, double Seconds, double CpuSeconds, string Note)
    {
        public double GBps => Bytes / Seconds / 1e9;
        /// <summary>Throughput per CPU-second: steadier than wall time on a shared, loaded machine.</summary>
        public double GBpCpuS => Bytes / CpuSeconds / 1e9;
    }

    private static void Measure(bool keep, string? only)
    {
        foreach (var f in new[] { V2, V2 + ".gz", V5, V5 + ".gz" })
            if (!File.Exists(f)) { Console.Error.WriteLine($"missing {f}: run 'flowlogs gen' first"); return; }
        var rows = new List<Row>();
        // --only runs the rows whose name contains the text (the page-cache warm-up always runs).
        bool Wanted(string name) => only is null || name.Contains(only, StringComparison.Ordinal) || name.StartsWith("cat ", StringComparison.Ordinal);
        void Add(string name, Func<string, Row> run) { if (Wanted(name)) rows.Add(run(name)); }
        long plain = new FileInfo(V2).Length, gz = new FileInfo(V2 + ".gz").Length;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine($"v2: {plain / 1e9:F2} GB plain, {gz / 1e9:F2} GB gzip; v5: {new FileInfo(V5).Length / 1e9:F2} GB");
        // Warm the page cache so every reader sees the same (cached) input.
        File.WriteAllText(Path.Combine(Data, "filter.awk"), "$13==\"REJECT\" && $7==22 { n++ } END { print n }\n");
        File.WriteAllText(Path.Combine(Data, "top.awk"), "{ b[$4] += $10 } END { print length(b) }\n");
        Add("cat > /dev/null (warm)", n => External(n, $"cat '{V2}' '{V2}.gz' '{V5}' '{V5}.gz' > /dev/null", plain + gz + new FileInfo(V5).Length + new FileInfo(V5 + ".gz").Length));
        Add("wc -l", n => External(n, $"wc -l < '{V2}'", plain));
        Add("mawk filter+count (REJECT, dstport 22)", n => External(n, $"mawk -f '{Data}/filter.awk' '{V2}'", plain));
        Add("mawk top talkers (bytes by srcaddr)", n => External(n, $"mawk -f '{Data}/top.awk' '{V2}'", plain));
        Add("gzip -dc > /dev/null", n => External(n, $"gzip -dc '{V2}.gz' > /dev/null", gz));
        Add("GZipStream decompress only", n => Timed(n, gz, () => { DecompressOnly(V2 + ".gz"); return ""; }));

        var filter = new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], DestinationPort = [new Net.PortRange(22, 22)] } };
        var topSrc = new FlowLogQuery { GroupBy = ["srcaddr"], Top = 10, By = FlowMetric.Bytes };
        // The group table's two extremes: a handful of groups that stay in cache, and 64k groups hit at random.
        Add("ours v2 plain group by dstport (few groups), 1 thread(s)", n => Ours(n, V2, new FlowLogQuery { GroupBy = ["dstport"] }, 1, plain));
        Add("ours v2 plain group by srcport (64k random groups), 1 thread(s)", n => Ours(n, V2, new FlowLogQuery { GroupBy = ["srcport"] }, 1, plain));
        foreach (int threads in new[] { 1, 2 })
        {
            Add($"ours v2 plain filter+count, {threads} thread(s)", n => Ours(n, V2, filter, threads, plain));
            Add($"ours v2 plain top talkers srcaddr, {threads} thread(s)", n => Ours(n, V2, topSrc, threads, plain));
        }
        // Many groups: nearly every record its own conversation (issue 20's third question).
        var conversations = new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 10 };
        foreach (int threads in new[] { 1, 2 })
            Add($"ours v2 plain conversations srcaddr,dstaddr,dstport, {threads} thread(s)", n => Ours(n, V2, conversations, threads, plain));
        foreach (int threads in new[] { 1, 2 })
        {
            Add($"ours v2 .gz filter+count, {threads} thread(s)", n => Ours(n, V2 + ".gz", filter, threads, gz));
            Add($"ours v2 .gz top talkers srcaddr, {threads} thread(s)", n => Ours(n, V2 + ".gz", topSrc, threads, gz));
        }
        long v5 = new FileInfo(V5).Length, v5gz = new FileInfo(V5 + ".gz").Length;
        var v5filter = new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], FlowDirection = ["ingress"] } };
        var v5top = new FlowLogQuery { GroupBy = ["subnet-id", "pkt-dstaddr"], Top = 10 };
        foreach (int threads in new[] { 1, 2 })
        {
            Add($"ours v5 plain filter+count, {threads} thread(s)", n => Ours(n, V5, v5filter, threads, v5));
            Add($"ours v5 plain group subnet+pkt-dstaddr, {threads} thread(s)", n => Ours(n, V5, v5top, threads, v5));
        }
        Add("GZipStream decompress only (v5)", n => Timed(n, v5gz, () => { DecompressOnly(V5 + ".gz"); return ""; }));
        Add("ours v5 .gz filter+count, 2 threads", n => Ours(n, V5 + ".gz", v5filter, 2, v5gz));

        Print(rows);
        if (!keep)
            foreach (var f in Directory.GetFiles(Data)) File.Delete(f);
    }

    private static Row Ours(string name, string path, FlowLogQuery query, int threads, long bytes)
    {
        GC.Collect();
        long allocated = GC.GetTotalAllocatedBytes(true);
        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = threads });
        // Best of two: the first run of a query also pays for page faults and the pool's first buffers.
        Row? best = null;
        for (int i = 0; i < 2; i++)
        {
            var run = Timed(name, bytes, () =>
            {
                var r = reader.Run([FlowLogInput.FromFile(path)], query);
                return $"{r.Matched} matched, {r.GroupCount} groups";
            });
            if (best is null || run.Seconds < best.Seconds) best = run;
        }
        var row = best!;
        // Per run (both runs allocate the same): table growth included, so this is total, not peak.
        long mib = (GC.GetTotalAllocatedBytes(true) - allocated) / 2 >> 20;
        return row with { Note = $"{row.Note}; allocated {mib} MiB per run" };
    }

    private static Row Timed(string name, long bytes, Func<string> body)
    {
        var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var note = body();
        double wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return Show(new Row(name, bytes, wall, (self.TotalProcessorTime - cpu).TotalSeconds, note));
    }

    private static Row Show(Row row)
    {
        Console.WriteLine($"  {row.Name,-58} {row.Seconds,6:F2} s {row.GBps,6:F2} GB/s {row.GBpCpuS,6:F2} GB/cpu-s  {row.Note}");
        return row;
    }

    /// <summary>Runs a shell command under /usr/bin/time for its wall and CPU seconds.</summary>
    private static Row External(string name, string command, long bytes)
    {
        var psi = new ProcessStartInfo("/usr/bin/time", ["-f", "%e %U %S", "sh", "-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd().Trim();
        var times = p.StandardError.ReadToEnd().Trim().Split('\n')[^1].Split(' ').Select(t => double.Parse(t, CultureInfo.InvariantCulture)).ToArray();
        p.WaitForExit();
        return Show(new Row(name, bytes, times[0], Math.Max(0.001, times[1] + times[2]), p.ExitCode == 0 ? output.Split('\n')[0] : $"exit {p.ExitCode}"));
    }

    private static void DecompressOnly(string path)
    {
        using var gz = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        var buffer = new byte[512 << 10];
        while (gz.Read(buffer) > 0) { }
    }

    private static void Print(List<Row> rows)
    {
        double Rate(string prefix) => rows.FirstOrDefault(r => r.Name.StartsWith(prefix, StringComparison.Ordinal))?.GBps ?? double.NaN;
        double wc = Rate("wc -l"), mawk = Rate("mawk filter"), mawkTop = Rate("mawk top"), gzip = Rate("gzip -dc"), inflate = Rate("GZipStream decompress only"),
            inflate5 = Rate("GZipStream decompress only (v5)");
        Console.WriteLine();
        Console.WriteLine("| run | wall s | GB/s | GB/cpu-s | ratio (by GB/s) | note |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- | --- |");
        foreach (var r in rows)
        {
            string ratio = r.Name switch
            {
                var n when n.Contains(".gz") && n.Contains("v5") => $"{r.GBps / inflate5:P0} of GZipStream",
                var n when n.Contains(".gz") => $"{r.GBps / inflate:P0} of GZipStream, {r.GBps / gzip:F1}x gzip -dc",
                var n when n.Contains("top talkers") || n.Contains("group") => $"{r.GBps / mawkTop:F1}x mawk top, {r.GBps / wc:P0} of wc -l",
                var n when n.StartsWith("ours", StringComparison.Ordinal) => $"{r.GBps / mawk:F1}x mawk, {r.GBps / wc:P0} of wc -l",
                _ => "",
            };
            // With --only, a baseline may not have run: no ratio rather than NaN.
            if (ratio.Contains("NaN", StringComparison.Ordinal)) ratio = "(baseline not run)";
            Console.WriteLine($"| {r.Name} | {r.Seconds:F2} | {r.GBps:F2} | {r.GBpCpuS:F2} | {ratio} | {r.Note} |");
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VpcSecTools.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
