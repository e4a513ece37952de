using System.Diagnostics;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// What the user's paths expand to: each file once by its real path, folders linked into themselves walked once,
/// FIFOs and sockets inside folders left alone with a note, and an explicit FIFO or <c>-</c> read as a stream.
/// </summary>
public class FlowLogInputsTests
{
    private static readonly string[] Lines = Enumerable.Range(0, 200)
        .Select(i => $"2 123456789012 eni-0a1b2c3d 10.0.0.{i % 250 + 1} 10.0.1.9 {1024 + i} 443 6 2 120 1700000000 1700000060 ACCEPT OK").ToArray();

    private static FlowLogResult Count(FlowLogFiles files) => new FlowLogReader().Run(files.Inputs, new FlowLogQuery());

    private static void Mkfifo(string path)
    {
        using var p = Process.Start("mkfifo", [path])!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    [Fact]
    public void A_folder_linked_into_itself_is_read_once()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("a.log"), Lines);
        Directory.CreateSymbolicLink(dir.File("loop"), dir.Path);
        Directory.CreateDirectory(dir.File("sub"));
        Directory.CreateSymbolicLink(dir.File("sub/up"), "..");
        var files = FlowLogPaths.Find([dir.Path]);
        Assert.Single(files.Inputs);
        Assert.Equal(200, Count(files).Matched);
        Assert.Contains(files.Notes, n => n.Contains("already read: read once") && n.Contains("loop"));
    }

    [Fact]
    public void A_loop_of_links_is_skipped_with_a_note_naming_the_loop()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("a.log"), Lines);
        File.CreateSymbolicLink(dir.File("b.log"), dir.File("c.log"));
        File.CreateSymbolicLink(dir.File("c.log"), dir.File("b.log"));
        var files = FlowLogPaths.Find([dir.Path, dir.File("b.log")]);
        Assert.Equal(200, Count(files).Matched);
        // Not "a link to nothing": the links lead somewhere, round and round.
        Assert.Equal(3, files.Notes.Count(n => n.Contains("too many levels of symbolic links (a loop): skipped")));
        Assert.Empty(files.Unmatched);
    }

    /// <remarks>
    /// S3-delivered logs are laid out by account, region and date, and users glob across those levels: a wildcard in a
    /// folder level matched nothing (only the last level was matched, and only against files).
    /// </remarks>
    [Fact]
    public void Wildcards_in_folder_levels_match_the_folders_and_each_file_is_read_once()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var (account, day) in new[] { ("111122223333", "21"), ("111122223333", "22"), ("444455556666", "21"), ("444455556666", "30") })
        {
            var folder = dir.File(Path.Combine("AWSLogs", account, "vpcflowlogs", "us-east-1", "2026", "11", day));
            Directory.CreateDirectory(folder);
            File.WriteAllLines(Path.Combine(folder, $"{account}_vpcflowlogs_us-east-1_fl-1_202611{day}T0000Z_a.log"), Lines);
        }
        Directory.CreateDirectory(dir.File(Path.Combine("AWSLogs", "111122223333", "vpcflowlogs", "eu-west-1", "2026", "11", "21")));
        File.WriteAllLines(dir.File(Path.Combine("AWSLogs", "111122223333", "vpcflowlogs", "eu-west-1", "2026", "11", "21", "eu.log")), Lines);

        var files = FlowLogPaths.Find([dir.File(Path.Combine("AWSLogs", "*", "vpcflowlogs", "us-east-1", "2026", "11", "*")),
            dir.File(Path.Combine("AWSLogs", "111122223333", "vpcflowlogs", "us-east-1", "2026", "11", "21"))]);
        Assert.Equal(4, files.Inputs.Count);
        Assert.DoesNotContain(files.Inputs, i => i.Name.Contains("eu-west-1", StringComparison.Ordinal));
        Assert.Equal(800, Count(files).Matched);
        Assert.Empty(files.Unmatched);

        // Wildcards at any level, down to the files; a level that matches nothing leaves the path unmatched, as before.
        var named = FlowLogPaths.Find([dir.File(Path.Combine("AWSLogs", "4444*", "vpcflowlogs", "*", "2026", "1?", "3*", "*.log")),
            dir.File(Path.Combine("AWSLogs", "*", "vpcflowlogs", "ap-*", "2026"))]);
        Assert.Single(named.Inputs);
        Assert.EndsWith("20261130T0000Z_a.log", named.Inputs[0].Name, StringComparison.Ordinal);
        Assert.Equal([dir.File(Path.Combine("AWSLogs", "*", "vpcflowlogs", "ap-*", "2026"))], named.Unmatched);
    }

    [Fact]
    public void A_file_reached_by_two_paths_or_a_link_is_read_once()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TestPaths.TempDir();
        Directory.CreateDirectory(dir.File("logs"));
        File.WriteAllLines(dir.File("logs/a.log"), Lines);
        File.CreateSymbolicLink(dir.File("alias.log"), dir.File("logs/a.log"));
        Directory.CreateSymbolicLink(dir.File("same"), dir.File("logs"));
        var files = FlowLogPaths.Find([dir.File("logs"), dir.File("same"), dir.File("alias.log"), dir.File("logs/a.log"), dir.File("logs/*.log")]);
        Assert.Equal([dir.File("logs/a.log")], files.Inputs.Select(i => i.Name));
        Assert.Equal(200, Count(files).Matched);
        Assert.Empty(files.Unmatched);
        Assert.Equal(4, files.Notes.Count);
    }

    [Fact]
    public async Task A_fifo_or_a_dangling_link_inside_a_folder_is_skipped_with_a_note_and_never_opened()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TestPaths.TempDir();
        File.WriteAllLines(dir.File("a.log"), Lines);
        Mkfifo(dir.File("pipe.log"));
        File.CreateSymbolicLink(dir.File("gone.log"), dir.File("nowhere.log"));
        var read = Task.Run(() => Count(FlowLogPaths.Find([dir.Path])));
        var result = await read.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, result.Matched);
        var notes = FlowLogPaths.Find([dir.Path]).Notes;
        Assert.Contains(notes, n => n.Contains("pipe.log is a FIFO (named pipe), not a file: skipped"));
        Assert.Contains(notes, n => n.Contains("gone.log: a link to nothing"));
    }

    [Fact]
    public async Task A_fifo_named_on_its_own_is_read_as_a_stream()
    {
        if (OperatingSystem.IsWindows()) return;
        using var dir = new TestPaths.TempDir();
        Mkfifo(dir.File("in"));
        var writer = Task.Run(() => File.WriteAllLines(dir.File("in"), Lines));
        var files = FlowLogPaths.Find([dir.File("in")]);
        var input = Assert.Single(files.Inputs);
        Assert.Null(input.FilePath);
        Assert.Equal(200, Count(files).Matched);
        await writer.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Vpcsec_reads_standard_input_for_a_dash()
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "vpcsec.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "flowlogs", "query", "-", "--count", "--format", "json"])
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEndAsync();
        foreach (var line in Lines) await p.StandardInput.WriteLineAsync(line);
        p.StandardInput.Close();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal(0, p.ExitCode);
        using var json = System.Text.Json.JsonDocument.Parse(await output);
        Assert.Equal(200, json.RootElement.GetProperty("Matched").GetInt64());
    }
}
