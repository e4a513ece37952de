namespace VpcSecTools.Tests.Pester;

/// <summary>
/// Every tests/*.Tests.ps1, one xunit test each, so <c>dotnet test VpcSecTools.sln</c> runs the Pester suite too. The
/// files run at once, a few child pwsh at a time (<see cref="PesterFiles"/>); a test fails with Pester's own messages
/// (test name, message, file:line) on any failed test, block or container, and when a test is skipped without
/// needing AWS.Tools (the only reason a Pester test may skip: it carries the tag <c>AWS.Tools</c>).
/// </summary>
public sealed class PesterSuiteTests(PesterFiles files, ITestOutputHelper output) : IClassFixture<PesterFiles>
{
    public const string MayBeSkippedTag = "AWS.Tools";

    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var file in PesterFiles.All) data.Add(Path.GetFileName(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Pester_file_passes(string file)
    {
        var run = await files.Run(file);
        output.WriteLine(run.Output);
        var report = run.Report;
        Assert.True(report is not null, $"{file}: Pester wrote no result (pwsh exit {run.ExitCode}):\n{run.Output}");
        var problems = report.Failures.Select(f => $"{f.Name}\n    {string.Join("\n    ", f.Messages)}")
            .Concat(report.SkippedTests.Where(s => !s.Tags.Contains(MayBeSkippedTag))
                .Select(s => $"{s.Name}\n    skipped: only tests that need AWS.Tools (tag {MayBeSkippedTag}) may skip"))
            .ToList();
        if (report.Result != "Passed" && problems.Count == 0) problems.Add($"Pester's result is {report.Result} (pwsh exit {run.ExitCode})");
        Assert.True(problems.Count == 0, $"{file}: {problems.Count} problem(s)\n{string.Join('\n', problems)}");
        Assert.True(report.Passed > 0, $"{file}: no Pester test passed");
    }
}

/// <summary>
/// Runs each Pester file once per test run, a few at a time: asking for one file starts it and the next few in
/// order (xunit asks for them in that order), so the whole suite runs in parallel and a filtered run starts little more.
/// </summary>
public sealed class PesterFiles
{
    public static IReadOnlyList<string> All { get; } =
        Directory.GetFiles(Path.Combine(TestTools.RepoRoot, "tests"), "*.Tests.ps1").Order(StringComparer.Ordinal).ToArray();

    // Each child pwsh imports the module and may start its own children: two per core keeps the machine busy, not swamped.
    private static readonly int Parallel = Math.Max(2, Environment.ProcessorCount);

    private readonly SemaphoreSlim _gate = new(Parallel);
    private readonly Dictionary<string, Task<PesterRun>> _runs = new(StringComparer.Ordinal);

    public Task<PesterRun> Run(string file)
    {
        var names = All.Select(f => Path.GetFileName(f)).ToList();
        int at = names.IndexOf(file);
        lock (_runs)
        {
            foreach (var next in names.Skip(at).Take(Parallel))
                if (!_runs.ContainsKey(next)) _runs[next] = Start(All[names.IndexOf(next)]);
            return _runs[file];
        }
    }

    private Task<PesterRun> Start(string path) => Task.Run(async () =>
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try { return await PesterRun.RunAsync(path).ConfigureAwait(false); }
        finally { _gate.Release(); }
    });
}
