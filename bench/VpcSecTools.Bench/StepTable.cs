using System.Globalization;

namespace VpcSecTools.Bench;

/// <summary>
/// Steps over one generated file, each warmed once then timed best of <c>--runs</c> (default 5), printed as a Markdown
/// table against the plain group-by (the second step) of the same run.
/// </summary>
internal static class StepTable
{
    public static void Print(string[] args, string file, (string Name, Func<string> Body)[] steps, string machineNote = "")
    {
        int runsAt = Array.IndexOf(args, "--runs");
        int runs = runsAt >= 0 ? int.Parse(args[runsAt + 1], CultureInfo.InvariantCulture) : 5;
        Table(steps, Best(steps, runs), file, machineNote, baseline: 1, "group-by");
    }

    /// <summary>The machine line and the Markdown table of the steps' best runs, each against step <paramref name="baseline"/>.</summary>
    public static void Table(IReadOnlyList<(string Name, Func<string> Body)> steps, (double Wall, double Cpu, string Note)[] best, string file,
        string machineNote, int baseline, string baselineName)
    {
        var mb = new FileInfo(file).Length / 1e6;
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}{machineNote}");
        Console.WriteLine($"| step | wall s | MB/s | CPU s | vs {baselineName} (wall) | vs {baselineName} (CPU) | note |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | --- |");
        for (int k = 0; k < steps.Count; k++)
            Console.WriteLine($"| {steps[k].Name} | {best[k].Wall:F3} | {mb / best[k].Wall:F0} | {best[k].Cpu:F3} | {best[k].Wall / best[baseline].Wall:F2}x | " +
                $"{best[k].Cpu / best[baseline].Cpu:F2}x | {best[k].Note} |");
    }

    /// <summary>
    /// Each step warmed once, then timed <paramref name="runs"/> times, the steps interleaved so the page cache and JIT treat
    /// them alike; the fastest run of each (wall, CPU, its note). <paramref name="beforeEach"/> runs before every timed run.
    /// </summary>
    public static (double Wall, double Cpu, string Note)[] Best(IReadOnlyList<(string Name, Func<string> Body)> steps, int runs, Action? beforeEach = null)
    {
        foreach (var step in steps) step.Body();
        var best = steps.Select(_ => (Wall: double.MaxValue, Cpu: double.MaxValue, Note: "")).ToArray();
        for (int i = 0; i < runs; i++)
            for (int k = 0; k < steps.Count; k++)
            {
                beforeEach?.Invoke();
                var (wall, cpu, note) = EndpointsBench.Time(steps[k].Body);
                if (wall < best[k].Wall) best[k] = (wall, cpu, note);
            }
        return best;
    }
}
