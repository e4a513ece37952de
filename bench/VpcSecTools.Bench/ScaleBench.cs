using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using VpcSecTools.Exposure;
using VpcSecTools.IpMap;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Bench.ReachabilityBench;

namespace VpcSecTools.Bench;

/// <summary>
/// Snapshot load and index at scale: the reachability generator at <c>scale</c> x (10,000 ENIs, 2,000 groups,
/// 20,000 rules), every ENI of a VPC also in one shared group (the index's worst case), written as a snapshot file.
/// Per scale: the baseline (reading the bytes and parsing them with <c>JsonDocument</c>, the floor for any loader),
/// <c>SnapshotLoader.Load</c>, <c>new SnapshotIndex</c>, then what the CLI answers on it: one <c>reach</c> pair,
/// a <c>reach --source '*'</c> fan-out, <c>open-ports</c> and the IP map. Args: [scale ...] (default 1 3 10;
/// 10 = 100,000 ENIs, 20,000 groups, 200,000 rules). Run the largest alone for its peak memory.
/// </summary>
public static class ScaleBench
{
    public static int Run(string[] args)
    {
        var scales = args.Length > 0 ? args.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [1.0, 3.0, 10.0];
        Console.WriteLine("| ENIs | SGs | SG rules | file MB | parse (baseline) ms | parse + STJ deserialize ms | load ms | index ms | load+index / parse | load+index us per ENI | heap after MB | reach pair ms | fan-out '*' ms | open-ports ms | ip map ms |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scale in scales) Measure(scale);
        Console.WriteLine($"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / 1e6:F0} MB; CPU times in brackets");
        return 0;
    }

    private static void Measure(double scale)
    {
        var file = Path.Combine(FindRoot(), "bench", "data", $"scale-{scale.ToString(CultureInfo.InvariantCulture)}.snapshot.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        SnapshotFile.Write(Generate(scale, out var counts, sharedGroup: true), file);
        double mb = new FileInfo(file).Length / 1e6;
        GC.Collect();

        var (_, parse) = Timed(() => { using var doc = JsonDocument.Parse(File.ReadAllBytes(file)); return doc.RootElement.ValueKind; });
        var (_, lenient) = Timed(() => Deserialize(file));
        var (snapshot, load) = Timed(() => SnapshotLoader.Load(file));
        var (index, build) = Timed(() => new SnapshotIndex(snapshot));
        GC.Collect();
        double heap = GC.GetTotalMemory(forceFullCollection: true) / 1e6;

        var analyzer = new ReachabilityAnalyzer(index);
        var enis = index.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray();
        var (source, target) = (enis[1].PrivateIpAddress!, enis[enis.Length / 2].PrivateIpAddress!);
        var (_, pair) = Timed(() => analyzer.Analyze(source, target, Traffic.Tcp(5432)).Verdict);
        var fan = new ReachabilityFanOut(analyzer);
        var (reached, fanOut) = Timed(() => fan.WhoCanReach(target, Traffic.Tcp(5432), fan.SourcesMatching("*")!, includeInternet: true).Count(r => r.Verdict == Verdict.Reachable));
        var (findings, audit) = Timed(() => OpenPortAudit.Run(index, new AuditOptions()).Findings.Count);
        var (entries, ipMap) = Timed(() => new PrivateIpMap(index).Entries.Count);

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {counts.Enis:N0} | {counts.Groups:N0} | {counts.Rules:N0} | {mb:F0} | {parse} | {lenient} | {load} | {build} | {(load.Wall + build.Wall) / parse.Wall:F1}x | {(load.Wall + build.Wall) * 1000 / counts.Enis:F1} | {heap:F0} | {pair} | {fanOut} | {audit} | {ipMap} |"));
        Console.Error.WriteLine($"  scale {scale}: {reached} sources reach {target} on tcp/5432; {findings} findings; {entries} IP map entries");
    }

    /// <summary>
    /// The second baseline: the same items read by System.Text.Json's deserializer (how the loader read them before it
    /// checked required members, nulls and duplicate names), without the checks and without building the inventory.
    /// </summary>
    private static int Deserialize(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(file));
        int items = 0;
        foreach (var region in doc.RootElement.GetProperty("Regions").EnumerateArray())
            foreach (var section in Section.All)
                if (region.TryGetProperty(section.Key, out var list))
                    foreach (var item in list.EnumerateArray()) { item.Deserialize(section.ItemType, SnapshotJson.Options); items++; }
        return items;
    }

    /// <summary>Wall and CPU milliseconds of one run (the inputs are too big to repeat; the machine is shared, so CPU says more).</summary>
    private readonly record struct Ms(double Wall, double Cpu)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Wall:F0} ({Cpu:F0})");
    }

    private static (T Result, Ms Time) Timed<T>(Func<T> run)
    {
        var sw = Stopwatch.StartNew();
        double cpu = Cpu();
        var result = run();
        return (result, new Ms(sw.Elapsed.TotalMilliseconds, Cpu() - cpu));
    }
}
