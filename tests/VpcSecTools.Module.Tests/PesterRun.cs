using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace VpcSecTools.Tests.Pester;

/// <summary>What RunPester.ps1 reports of one Pester file.</summary>
public sealed record PesterReport(string? Result, int Passed, int Failed, int Skipped, int NotRun,
    IReadOnlyList<PesterFailure> Failures, IReadOnlyList<PesterSkip> SkippedTests);

/// <summary>A failed test, block or container, with Pester's messages (each ending with its file:line).</summary>
public sealed record PesterFailure(string Name, IReadOnlyList<string> Messages);

public sealed record PesterSkip(string Name, IReadOnlyList<string> Tags);

/// <summary>One Pester file run in a child pwsh (the pinned .NET tool) against the module this build assembled.</summary>
public sealed record PesterRun(string Script, int ExitCode, string Output, PesterReport? Report)
{
    /// <summary>A run taking longer than this is stopped and fails.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromMinutes(15);

    public static string Runner => Path.Combine(AppContext.BaseDirectory, "RunPester.ps1");

    public static async Task<PesterRun> RunAsync(string file)
    {
        using var results = new TempFile();
        var start = new ProcessStartInfo(TestTools.PowerShell)
        {
            ArgumentList = { "-NoProfile", "-NonInteractive", "-File", Runner, "-PesterManifest", TestTools.PesterManifest, "-Path", file, "-ResultFile", results.Path },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestTools.RepoRoot,
        };
        // The isolation tests load AWSSDK.Core versions from the packages this build restored (tests/common.ps1).
        start.Environment["NUGET_PACKAGES"] = TestTools.NuGetPackageRoot;
        start.Environment["POWERSHELL_TELEMETRY_OPTOUT"] = "1";
        start.Environment["POWERSHELL_UPDATECHECK"] = "Off";
        using var pwsh = Process.Start(start) ?? throw new InvalidOperationException($"could not start {TestTools.PowerShell}");
        var output = new StringBuilder();
        var stdout = Pump(pwsh.StandardOutput, output);
        var stderr = Pump(pwsh.StandardError, output);
        using var limit = new CancellationTokenSource(Timeout);
        try
        {
            await pwsh.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            pwsh.Kill(entireProcessTree: true);
            await pwsh.WaitForExitAsync().ConfigureAwait(false);
            output.AppendLine($"(stopped after {Timeout.TotalMinutes} minutes)");
        }
        await Task.WhenAll(stdout, stderr).ConfigureAwait(false);
        var report = File.Exists(results.Path) && new FileInfo(results.Path).Length > 0
            ? JsonSerializer.Deserialize<PesterReport>(await File.ReadAllTextAsync(results.Path).ConfigureAwait(false), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })
            : null;
        return new PesterRun(file, pwsh.ExitCode, output.ToString(), report);
    }

    private static async Task Pump(StreamReader reader, StringBuilder into)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            lock (into) into.AppendLine(line);
    }

    private sealed class TempFile : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vpcsec-pester-{Guid.NewGuid():n}.json");
        public void Dispose() => File.Delete(Path);
    }
}
