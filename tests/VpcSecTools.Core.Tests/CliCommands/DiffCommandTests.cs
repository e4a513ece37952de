using System.Text.Json;
using VpcSecTools.Drift;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Drift;

namespace VpcSecTools.Tests.CliCommands;

public class DiffCommandTests
{
    /// <summary>The demo yesterday and today as snapshot files in a capture folder, named by their capture time.</summary>
    private static TestPaths.TempDir Captures()
    {
        var dir = new TestPaths.TempDir();
        SnapshotFile.Write(DemoChanges.Yesterday, dir.File("2026-12-05T030000Z.snapshot.json"));
        SnapshotFile.Write(DemoChanges.Today, dir.File("2026-12-06T030000Z.snapshot.json"));
        return dir;
    }

    [Fact]
    public void The_gate_fails_on_the_new_internet_exposure_and_the_table_names_its_cause()
    {
        using var dir = Captures();
        var (exit, stdout, stderr) = CliRunner.Run("diff", "--reference", dir.File("2026-12-05T030000Z.snapshot.json"),
            "--difference", dir.File("2026-12-06T030000Z.snapshot.json"), "--fail-on", "new-exposure");
        Assert.Equal(1, exit);
        Assert.Contains($"Internet -> {DemoChanges.BastionEni}", stdout);
        Assert.Contains("inbound rule added: inbound tcp 22 from 0.0.0.0/0", stdout);
        Assert.Contains("1 new internet exposure(s)", stdout);
        Assert.DoesNotContain("vpcsec:", stderr);
    }

    [Fact]
    public void The_same_capture_twice_passes_every_gate()
    {
        using var dir = Captures();
        var y = dir.File("2026-12-05T030000Z.snapshot.json");
        foreach (var gate in new[] { "new-exposure", "new-finding", "any-change" })
            Assert.Equal(0, CliRunner.Run("diff", "--reference", y, "--difference", y, "--fail-on", gate).Exit);
    }

    [Fact]
    public void The_folder_picks_the_latest_and_the_previous_capture_and_json_carries_every_kind()
    {
        using var dir = Captures();
        var (exit, stdout, stderr) = CliRunner.Run("diff", "--folder", dir.Path, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Contains("2026-12-05T030000Z.snapshot.json", stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.EndsWith("2026-12-06T030000Z.snapshot.json", json.GetProperty(nameof(DriftReport.Difference)).GetString());
        var changes = json.GetProperty(nameof(DriftReport.Changes)).EnumerateArray().ToArray();
        Assert.Contains(changes, c => c.GetProperty(nameof(DriftChange.Kind)).GetString() == "Reachability"
            && c.GetProperty(nameof(ReachabilityChange.CausingComponent)).GetString() == DemoChanges.MainTable
            && c.GetProperty(nameof(ReachabilityChange.After)).GetString() == "Reachable");
        Assert.Contains(changes, c => c.GetProperty(nameof(DriftChange.Kind)).GetString() == "Finding"
            && c.GetProperty(nameof(FindingChange.Finding)).GetProperty("CheckId").GetString() == "SG.SshFromInternet");
        Assert.Equal(6, changes.Count(c => c.GetProperty(nameof(DriftChange.Kind)).GetString() == "Configuration"));
    }

    [Theory]
    [InlineData("asff", "SchemaVersion")]
    [InlineData("ocsf", "class_uid")]
    public void Exports_hold_the_new_findings_and_the_paths_the_later_capture_opened(string format, string field)
    {
        using var dir = Captures();
        var (exit, stdout, _) = CliRunner.Run("diff", "--folder", dir.Path, "--format", format);
        Assert.Equal(0, exit);
        var items = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToArray();
        // The audit's 4 new findings on the bastion, and the 3 opened paths (internet and the VPC to its SSH, the peer to the replica).
        Assert.Equal(7, items.Length);
        Assert.All(items, i => Assert.True(i.TryGetProperty(field, out _)));
        Assert.Equal(3, items.Count(i => i.GetRawText().Contains("Drift.ReachabilityOpened", StringComparison.Ordinal)));
    }

    [Fact]
    public void Markdown_is_written_for_a_ticket()
    {
        using var dir = Captures();
        var (_, stdout, _) = CliRunner.Run("diff", "--folder", dir.Path, "--format", "markdown");
        Assert.StartsWith("## Network drift: ", stdout);
        Assert.Contains($"| **Opened** | Internet | {DemoChanges.BastionEni}", stdout);
    }

    [Fact]
    public void A_missing_section_makes_the_answer_unknown_exit_3()
    {
        using var dir = Captures();
        var today = DemoChanges.Today with { Regions = DemoChanges.Today.Regions.Select(r => r with { CapturedSections = r.CapturedSections.Where(s => s != Section.NetworkAcls).ToHashSet(), NetworkAcls = [] }).ToArray() };
        SnapshotFile.Write(today, dir.File("2026-12-06T030000Z.snapshot.json"));
        var (exit, _, stderr) = CliRunner.Run("diff", "--folder", dir.Path, "--fail-on", "new-finding");
        // New findings are still certain (the bastion's SSH rule): the gate fails; without a gate the answer is Unknown.
        Assert.Equal(1, exit);
        Assert.Contains("vpcsec: warning: NetworkAcls", stderr);
        Assert.Equal(3, CliRunner.Run("diff", "--folder", dir.Path).Exit);
    }

    [Theory]
    [InlineData("--reference", "nope.json", "--difference", "nope.json")]
    [InlineData("--folder", ".", "--since", "fortnight")]
    [InlineData("--reference", "nope.json")]
    public void Bad_input_is_one_line_and_exit_2(params string[] args)
    {
        using var dir = Captures();
        var (exit, stdout, stderr) = CliRunner.Run(["diff", .. args.Select(a => a == "." ? dir.Path : a == "nope.json" ? dir.File(a) : a)]);
        Assert.Equal(2, exit);
        Assert.Single(stderr.Trim().Split('\n'));
        Assert.StartsWith("vpcsec: ", stderr);
        Assert.Equal("", stdout);
    }
}
