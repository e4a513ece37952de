using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Bench;

/// <summary>
/// Issue 20's questions, ours against DuckDB, each run as a whole process (as a user runs either), the engines
/// interleaved round by round; wall time, CPU time and peak RSS come from GNU time, and the answers are compared.
/// <list type="bullet">
/// <item><c>flowlogs parquet</c>: writes bench/data/flow-v2.parquet from flow-v2.log in AWS's Parquet schema (the field names
/// with underscores, INT_32 / INT_64 / STRING as the VPC guide lists them) with gzip pages, by DuckDB's writer.</item>
/// <item><c>flowlogs versus [--rounds N] [--threads T] [--only text] [--before bench.dll]</c>: the table; with --before, our
/// engine as another build (an earlier commit's bench) runs too, interleaved with the two, for a before-and-after in one run.</item>
/// <item><c>flowlogs one &lt;engine&gt; &lt;query&gt; &lt;input&gt; &lt;threads&gt; [max-memory MiB]</c>: one run in this process.</item>
/// </list>
/// </summary>
public static class FlowLogsVersusDuckDb
{
    private static string Data => FlowLogsBench.DataFolder;

    private static readonly Dictionary<string, string> Inputs = new()
    {
        ["text"] = "flow-v2.log",
        ["gzip"] = "flow-v2.log.gz",
        ["parquet"] = "flow-v2.parquet",
    };

    /// <summary>The questions: ours as a query, DuckDB's as SQL over a source with the same aggregates (count, packets, bytes, first, last).</summary>
    private static readonly Dictionary<string, (FlowLogQuery Ours, string Sql)> Queries = new()
    {
        ["reject22"] = (new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"], DestinationPort = [new Net.PortRange(22, 22)] } },
            "SELECT count(*) FROM {0} WHERE action = 'REJECT' AND dstport = 22"),
        ["talkers"] = (new FlowLogQuery { GroupBy = ["srcaddr"], Top = 10 },
            "SELECT srcaddr, sum(bytes) AS b, count(*) AS n, sum(packets), min(start), max(\"end\") FROM {0} GROUP BY srcaddr ORDER BY b DESC, n DESC LIMIT 10"),
        ["conversations"] = (new FlowLogQuery { GroupBy = ["srcaddr", "dstaddr", "dstport"], Top = 10 },
            "SELECT srcaddr, dstaddr, dstport, sum(bytes) AS b, count(*) AS n, sum(packets), min(start), max(\"end\") FROM {0} GROUP BY srcaddr, dstaddr, dstport ORDER BY b DESC, n DESC LIMIT 10"),
    };

    private const string TextColumns =
        "{'version':'INTEGER','account_id':'VARCHAR','interface_id':'VARCHAR','srcaddr':'VARCHAR','dstaddr':'VARCHAR','srcport':'INTEGER'," +
        "'dstport':'INTEGER','protocol':'INTEGER','packets':'BIGINT','bytes':'BIGINT','start':'BIGINT','end':'BIGINT','action':'VARCHAR','log_status':'VARCHAR'}";

    private static string Source(string input, string path) => input == "parquet"
        ? $"read_parquet('{path}')"
        : $"read_csv('{path}', delim=' ', header=false, nullstr='-', auto_detect=false, columns={TextColumns})";

    public static int Parquet()
    {
        var text = Path.Combine(Data, Inputs["text"]);
        var parquet = Path.Combine(Data, Inputs["parquet"]);
        var clock = Stopwatch.StartNew();
        using var db = new DuckDBConnection("Data Source=:memory:");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = $"COPY (SELECT * FROM {Source("text", text)}) TO '{parquet}' (FORMAT parquet, COMPRESSION gzip)";
        cmd.ExecuteNonQuery();
        Console.WriteLine($"wrote {parquet}: {new FileInfo(parquet).Length / 1e6:F0} MB in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    /// <summary>One query in this process: prints the answer on one line (count, or the top groups as key=bytes).</summary>
    public static int One(string[] args)
    {
        var (engine, query, input, threads) = (args[0], args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        long? maxMemory = args.Length > 4 ? long.Parse(args[4], CultureInfo.InvariantCulture) << 20 : null;
        var path = Path.Combine(Data, Inputs[input]);
        var (ours, sql) = Queries[query];
        string answer;
        if (engine == "ours")
        {
            var result = new FlowLogReader(new FlowLogReadOptions { Threads = threads, MaxMemory = maxMemory }).Run([FlowLogInput.FromFile(path)], ours);
            if (result.Report.FileErrors.Count > 0) throw new InvalidOperationException(result.Report.FileErrors[0].Message);
            Console.WriteLine($"read: {result.Report.Bytes} stored bytes, {result.Report.ChunksDecoded} column chunks decoded, {result.Report.Elapsed.TotalSeconds:F2} s in the reader");
            answer = ours.IsAggregate
                ? string.Join(';', result.Groups.Select(g => $"{g.Key}={g.Bytes}")) + $" ({result.GroupCount} groups, spilled {result.Report.SpilledBytes >> 20} MiB, {result.Report.Elapsed.TotalSeconds:F2} s in the reader)"
                : result.Matched.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            using var db = new DuckDBConnection("Data Source=:memory:");
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"SET threads = {threads}" + (maxMemory is { } m ? $"; SET memory_limit = '{m >> 20}MB'" : "");
            cmd.ExecuteNonQuery();
            cmd.CommandText = string.Format(CultureInfo.InvariantCulture, sql, Source(input, path));
            using var reader = cmd.ExecuteReader();
            var rows = new List<string>();
            while (reader.Read())
            {
                if (reader.FieldCount == 1) { rows.Add(Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture)!); continue; }
                int keys = query == "talkers" ? 1 : 3;
                var key = string.Join(' ', Enumerable.Range(0, keys).Select(i => reader.IsDBNull(i) ? "-" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture)));
                rows.Add($"{key}={Convert.ToString(reader.GetValue(keys), CultureInfo.InvariantCulture)}");
            }
            answer = string.Join(';', rows);
        }
        Console.WriteLine($"answer: {answer}");
        return 0;
    }

    private sealed record Run(double Wall, double Cpu, double PeakMiB, string Answer);

    public static int Versus(string[] args)
    {
        int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        int rounds = Option("--rounds", 3), threads = Option("--threads", 2);
        var only = Array.IndexOf(args, "--only") is var o and >= 0 && o + 1 < args.Length ? args[o + 1] : null;
        var before = Array.IndexOf(args, "--before") is var b and >= 0 && b + 1 < args.Length ? Path.GetFullPath(args[b + 1]) : null;
        foreach (var f in Inputs.Values)
            if (!File.Exists(Path.Combine(Data, f))) { Console.Error.WriteLine($"missing {f}: run 'flowlogs gen 1024' and 'flowlogs parquet' first"); return 2; }
        // The cases: every question on text, the count on gzip, and every question on the same data as Parquet.
        var cases = new List<(string Query, string Input, string? MaxMemory)>();
        foreach (var q in Queries.Keys) cases.Add((q, "text", null));
        foreach (var q in Queries.Keys) cases.Add((q, "gzip", null));
        foreach (var q in Queries.Keys) cases.Add((q, "parquet", null));
        // Under a 256 MiB budget: ours spills, DuckDB is given the same memory limit.
        cases.Add(("conversations", "text", "256"));
        cases = cases.Where(c => only is null || $"{c.Query} {c.Input}".Contains(only, StringComparison.Ordinal)).ToList();
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}, {threads} thread(s), {rounds} round(s)");
        var runs = cases.ToDictionary(c => c, _ => (Ours: new List<Run>(), DuckDb: new List<Run>(), Before: new List<Run>()));
        for (int round = 0; round < rounds; round++)
            foreach (var c in cases)
            {
                // Alternate which engine goes first, so neither always meets a warmer page cache or a quieter neighbour.
                var order = round % 2 == 0 ? new[] { "ours", "duckdb", "before" } : ["before", "duckdb", "ours"];
                foreach (var engine in order.Where(e => e != "before" || before is not null))
                {
                    var run = engine == "before" ? Child("ours", c.Query, c.Input, threads, c.MaxMemory, before) : Child(engine, c.Query, c.Input, threads, c.MaxMemory);
                    (engine == "ours" ? runs[c].Ours : engine == "before" ? runs[c].Before : runs[c].DuckDb).Add(run);
                    Console.WriteLine($"  {c.Query,-14} {c.Input,-8} {c.MaxMemory ?? "-",-4} {engine,-7} {run.Wall,6:F2} s wall {run.Cpu,6:F2} s cpu {run.PeakMiB,6:F0} MiB  {Short(run.Answer)}");
                }
            }
        Console.WriteLine($"load after: {File.ReadAllText("/proc/loadavg").Trim()}");
        Console.WriteLine();
        Console.WriteLine("| question | input | ours: wall s, CPU s, peak MiB | DuckDB: wall s, CPU s, peak MiB | wall ratio | CPU ratio | answers |" + (before is null ? "" : " before: wall s, CPU s, peak MiB |"));
        Console.WriteLine("| --- | --- | --- | --- | ---: | ---: | --- |" + (before is null ? "" : " --- |"));
        foreach (var c in cases)
        {
            var (ours, duck, earlier) = runs[c];
            double Median(List<Run> r, Func<Run, double> f) => r.Select(f).Order().ElementAt(r.Count / 2);
            string Cell(List<Run> r) => $"{Median(r, x => x.Wall):F2}, {Median(r, x => x.Cpu):F2}, {Median(r, x => x.PeakMiB):F0}";
            bool same = ours.Concat(duck).Concat(earlier).Select(r => Canonical(r.Answer)).Distinct().Count() == 1;
            Console.WriteLine($"| {c.Query}{(c.MaxMemory is { } m ? $" (max {m} MiB)" : "")} | {c.Input} | {Cell(ours)} | {Cell(duck)} | " +
                $"{Median(ours, x => x.Wall) / Median(duck, x => x.Wall):F2} | {Median(ours, x => x.Cpu) / Median(duck, x => x.Cpu):F2} | {(same ? "same" : "DIFFER")} |" + (before is null ? "" : $" {Cell(earlier)} |"));
        }
        // Issue 20's Parquet target: the same question at least twice as fast on Parquet as on gzip text (ours, by wall time).
        foreach (var q in Queries.Keys)
            if (runs.FirstOrDefault(r => r.Key == (q, "gzip", null)).Value is { Ours.Count: > 0 } gz && runs.FirstOrDefault(r => r.Key == (q, "parquet", null)).Value is { Ours.Count: > 0 } pq)
            {
                double Wall(List<Run> r) => r.Select(x => x.Wall).Order().ElementAt(r.Count / 2);
                Console.WriteLine($"ours, {q}: Parquet {Wall(pq.Ours):F2} s, gzip text {Wall(gz.Ours):F2} s: {Wall(gz.Ours) / Wall(pq.Ours):F2}x the speed");
            }
        return 0;
    }

    /// <summary>The answer without our note on groups and spilling, groups in key order (ties may come in another order).</summary>
    private static string Canonical(string answer)
    {
        int note = answer.IndexOf(" (", StringComparison.Ordinal);
        if (note >= 0) answer = answer[..note];
        return string.Join(';', answer.Split(';').Order(StringComparer.Ordinal));
    }

    private static string Short(string answer) => answer.Length > 90 ? answer[..90] + "..." : answer;

    private static Run Child(string engine, string query, string input, int threads, string? maxMemory, string? build = null)
    {
        var self = build ?? typeof(FlowLogsVersusDuckDb).Assembly.Location;
        var psi = new ProcessStartInfo("/usr/bin/time", ["-f", "%e %U %S %M", "dotnet", self, "flowlogs", "one", engine, query, input,
            threads.ToString(CultureInfo.InvariantCulture), .. maxMemory is null ? Array.Empty<string>() : [maxMemory]])
        { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd().Trim().Split('\n');
        p.WaitForExit();
        var t = error[^1].Split(' ').Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        // A run that fails (DuckDB out of memory under a limit) is shown as such, with its first error line.
        var answer = p.ExitCode != 0
            ? "FAILED: " + (error.FirstOrDefault(l => l.Contains("Error", StringComparison.Ordinal)) ?? $"exit {p.ExitCode}").Trim()
            : output.Split('\n').FirstOrDefault(l => l.StartsWith("answer: ", StringComparison.Ordinal))?["answer: ".Length..] ?? "(none)";
        return new Run(t[0], t[1] + t[2], t[3] / 1024, answer);
    }
}
