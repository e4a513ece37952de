using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VpcSecTools.Snapshot;
using Xunit.Abstractions;

namespace VpcSecTools.Tests.Fuzz;

/// <summary>
/// The fuzz harness: mutations of the repository's own inputs (the demo, the Batfish scenarios, the flow-log fixtures)
/// run through the snapshot loader + index + analyses and through the flow-log reader, for a budget of
/// <c>VPCSEC_FUZZ_SECONDS</c> per target (default 3, or 60 when <c>CI=true</c>, as <c>.ci/run</c> runs). <c>VPCSEC_FUZZ_SEED</c> repeats a run. An input
/// that breaks the invariant is shrunk, saved under <c>tests/fuzz-corpus/&lt;target&gt;/</c> (or <c>VPCSEC_FUZZ_CORPUS</c>)
/// and fails the test; the corpus is replayed by <see cref="Every_corpus_input_holds_the_invariant"/> ever after. A failure
/// like one of the inputs kept under <c>pending/</c> (found in another area, waiting for its fix) is counted, not failed on.
/// </summary>
public class FuzzTests(ITestOutputHelper output)
{
    private static readonly string CorpusRoot = Path.Combine(TestPaths.RepoRoot, "tests", "fuzz-corpus");

    [Fact]
    public Task Snapshot_loader_index_and_analyses_hold_under_mutation() =>
        Campaign("snapshot", SnapshotSeeds(), (m, seed, seeds) => m.Snapshot(seed, seeds), FuzzTargets.Snapshot);

    [Fact]
    public Task Flow_log_reader_holds_under_mutation() =>
        Campaign("flowlogs", FlowLogSeeds(), (m, seed, seeds) => m.FlowLog(seed, seeds), FuzzTargets.FlowLog);

    public static TheoryData<string, string> Corpus()
    {
        var data = new TheoryData<string, string>();
        foreach (var target in new[] { "snapshot", "flowlogs" })
            if (Directory.Exists(Path.Combine(CorpusRoot, target)))
                foreach (var file in Directory.GetFiles(Path.Combine(CorpusRoot, target)).Order(StringComparer.Ordinal))
                    data.Add(target, Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Every_corpus_input_holds_the_invariant(string target, string file)
    {
        var input = File.ReadAllBytes(Path.Combine(CorpusRoot, target, file));
        (target == "snapshot" ? (Action<byte[]>)FuzzTargets.Snapshot : FuzzTargets.FlowLog)(input);
    }

    private async Task Campaign(string target, IReadOnlyList<byte[]> seeds, Func<Mutator, byte[], IReadOnlyList<byte[]>, byte[]> mutate, Action<byte[]> run)
    {
        // CI (which runs with CI=true) gives each target a minute, about two in all; a developer's dotnet test, 3 seconds.
        double seconds = double.TryParse(Environment.GetEnvironmentVariable("VPCSEC_FUZZ_SECONDS"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s
            : Environment.GetEnvironmentVariable("CI") == "true" ? 60 : 3;
        int seed = int.TryParse(Environment.GetEnvironmentVariable("VPCSEC_FUZZ_SEED"), out var given) ? given : Environment.TickCount;
        var mutator = new Mutator(new Random(seed));
        var pick = new Random(seed);
        var known = KnownFailures(target, run);
        var clock = Stopwatch.StartNew();
        long executions = 0, knownHits = 0;
        foreach (var input in seeds.Concat(Enumerable.Repeat(0, int.MaxValue).Select(_ => mutate(mutator, seeds[pick.Next(seeds.Count)], seeds))))
        {
            if (executions >= seeds.Count && clock.Elapsed.TotalSeconds >= seconds) break;
            executions++;
            var failure = await Execute(run, input);
            if (failure is null) continue;
            var signature = FuzzTargets.Signature(failure);
            // A failure already kept under pending/ waits for its owner's fix: count it, do not fail on it again.
            if (known.ContainsKey(signature)) { knownHits++; continue; }
            var shrunk = failure is TimeoutException ? input : Shrink(input, run, signature);
            var saved = Save(target, shrunk);
            Assert.Fail($"{target}: input {executions} (seed {seed}) breaks the invariant: {signature}: {failure.Message}\n" +
                        $"saved as {saved} ({shrunk.Length} bytes; replayed by {nameof(Every_corpus_input_holds_the_invariant)}): {FuzzTargets.Preview(shrunk)}\n{failure}");
        }
        output.WriteLine($"{target}: {executions - knownHits} of {executions} executions ran clean in {clock.Elapsed.TotalSeconds:F0} s ({seeds.Count} seeds, seed {seed})");
        foreach (var (signature, file) in known)
            output.WriteLine($"  known, pending a fix elsewhere: {signature} (tests/fuzz-corpus/pending/{target}/{file})");
    }

    /// <summary>The failures of the inputs kept under <c>pending/&lt;target&gt;</c>, by signature.</summary>
    private static Dictionary<string, string> KnownFailures(string target, Action<byte[]> run)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        var folder = Path.Combine(CorpusRoot, "pending", target);
        if (!Directory.Exists(folder)) return known;
        foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
        {
            try { run(File.ReadAllBytes(file)); }
            catch (Exception e) { known.TryAdd(FuzzTargets.Signature(e), Path.GetFileName(file)); }
        }
        return known;
    }

    /// <summary>Runs one input; a hang past a minute is a failure too (its thread is left behind).</summary>
    private static async Task<Exception?> Execute(Action<byte[]> run, byte[] input)
    {
        try
        {
            await Task.Run(() => run(input)).WaitAsync(TimeSpan.FromMinutes(1));
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>
    /// Makes a failing input small while it fails the same way, within 60 s: JSON first by members and items (as UTF-8),
    /// then by byte ranges (delta debugging).
    /// </summary>
    private static byte[] Shrink(byte[] input, Action<byte[]> run, string signature)
    {
        var clock = Stopwatch.StartNew();
        input = ShrinkJson(input, run, signature, clock);
        for (int chunk = input.Length / 2; chunk >= 1 && clock.Elapsed.TotalSeconds < 60; chunk /= 2)
            for (int at = 0; at + chunk <= input.Length && clock.Elapsed.TotalSeconds < 60;)
            {
                byte[] candidate = [.. input[..at], .. input[(at + chunk)..]];
                if (FailsAs(candidate, run, signature)) input = candidate;
                else at += chunk;
            }
        return input;
    }

    private static byte[] ShrinkJson(byte[] input, Action<byte[]> run, string signature, Stopwatch clock)
    {
        JsonNode? root;
        try
        {
            var utf8 = SnapshotEncoding.ToUtf8(input, "shrink");
            root = JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (root is null || !FailsAs(utf8, run, signature)) return input;
            input = utf8;
        }
        catch (Exception e) when (e is JsonException or SnapshotFormatException or InvalidOperationException)
        {
            return input;
        }
        // Breadth first: whole sections and items go before their members.
        try { Prune(); }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException) { } // a value JsonNode cannot write
        return input;

        void Prune()
        {
        for (bool removed = true; removed && clock.Elapsed.TotalSeconds < 40;)
        {
            removed = false;
            var queue = new Queue<JsonNode>([root]);
            while (queue.Count > 0 && clock.Elapsed.TotalSeconds < 40)
            {
                var node = queue.Dequeue();
                var children = node switch
                {
                    JsonObject o => o.Select(p => p.Value).ToList(),
                    JsonArray a => a.ToList(),
                    _ => [],
                };
                foreach (var child in children)
                {
                    if (child is null) continue;
                    var parent = child.Parent!;
                    int index = parent is JsonArray pa ? pa.IndexOf(child) : -1;
                    string? key = parent is JsonObject ? child.GetPropertyName() : null;
                    if (parent is JsonArray arr) arr.RemoveAt(index); else ((JsonObject)parent).Remove(key!);
                    var candidate = System.Text.Encoding.UTF8.GetBytes(root.ToJsonString());
                    if (FailsAs(candidate, run, signature)) { input = candidate; removed = true; continue; }
                    if (parent is JsonArray back) back.Insert(index, child); else ((JsonObject)parent)[key!] = child;
                    queue.Enqueue(child);
                }
            }
        }
        }
    }

    private static bool FailsAs(byte[] input, Action<byte[]> run, string signature)
    {
        try { run(input); return false; }
        catch (Exception e) { return FuzzTargets.Signature(e) == signature; }
    }

    private static string Save(string target, byte[] input)
    {
        var folder = Environment.GetEnvironmentVariable("VPCSEC_FUZZ_CORPUS") is { Length: > 0 } given ? given : Path.Combine(CorpusRoot, target);
        Directory.CreateDirectory(folder);
        var extension = target == "snapshot" ? ".json" : input is [0x1f, 0x8b, ..] ? ".log.gz" : ".log";
        var path = Path.Combine(folder, Convert.ToHexStringLower(SHA256.HashData(input))[..16] + extension);
        File.WriteAllBytes(path, input);
        return path;
    }

    /// <summary>Every describe file of the demo and the Batfish scenarios, and both as snapshot files.</summary>
    private static IReadOnlyList<byte[]> SnapshotSeeds()
    {
        var files = Directory.GetFiles(Path.Combine(TestPaths.Demo, "aws_configs"), "*.json", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "batfish-aws"), "*.json", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        foreach (var source in new[] { TestPaths.Demo, TestPaths.Batfish("test-nat-gateway"), TestPaths.Batfish("eni-attribution") })
        {
            using var stream = new MemoryStream();
            SnapshotFile.Write(SnapshotLoader.Load(source), stream);
            files.Add(stream.ToArray());
        }
        return files;
    }

    /// <summary>The flow-log fixtures of every version and the demo's first hour, as text.</summary>
    private static IReadOnlyList<byte[]> FlowLogSeeds()
    {
        var seeds = Directory.GetFiles(Path.Combine(TestPaths.Fixtures, "flowlogs")).Where(f => !f.EndsWith(".txt", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var demo = Directory.GetFiles(Path.Combine(TestPaths.Demo, "flowlogs"), "*.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        using (var gz = new GZipStream(File.OpenRead(demo), CompressionMode.Decompress))
        using (var text = new MemoryStream())
        {
            gz.CopyTo(text);
            seeds.Add(text.ToArray()[..Math.Min((int)text.Length, 64 << 10)]);
        }
        return seeds;
    }
}
