using System.Diagnostics;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// The module folder build.sh assembles, built once per test run into a temporary output root, in the
/// configuration these tests were built in (so the nested build is incremental).
/// </summary>
public sealed class AssembledModule : IDisposable
{
    private readonly TestPaths.TempDir _output = new();

    public string Folder { get; }
    public string BuildLog { get; }

    public AssembledModule()
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}") ? "Release" : "Debug";
        var start = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(TestPaths.RepoRoot, "build.sh"), "-c", configuration, "-o", _output.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        // The test host's MSBuild settings belong to the outer build; the nested one finds its own.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToArray())
            start.Environment.Remove(name);
        using var build = Process.Start(start)!;
        var stderr = build.StandardError.ReadToEndAsync();
        var stdout = build.StandardOutput.ReadToEnd();
        build.WaitForExit();
        BuildLog = stdout + stderr.Result;
        if (build.ExitCode != 0) throw new InvalidOperationException($"build.sh failed (exit {build.ExitCode}):\n{BuildLog}");
        Folder = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Last();
    }

    public string File(params string[] parts) => Path.Combine([Folder, .. parts]);

    public void Dispose() => _output.Dispose();
}
