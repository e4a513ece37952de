using System.Text.Json;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.CliCommands;

public class SnapshotCommandTests
{
    [Fact]
    public void Export_writes_a_loadable_snapshot_and_prints_a_summary()
    {
        using var dir = new TestPaths.TempDir();
        var outFile = dir.File("tgw.json");
        var (exit, stdout, stderr) = CliRunner.Run("snapshot", "export", "--from", TestPaths.Batfish("test-transit-gateway"), "--out", outFile);
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Contains("554773406868", stdout);
        Assert.Contains("us-east-2", stdout);
        var snapshot = SnapshotLoader.Load(outFile);
        Assert.Equal(2, snapshot.Regions.Single().Vpcs.Count);
    }

    [Fact]
    public void Show_json_uses_the_summary_property_names()
    {
        var (exit, stdout, _) = CliRunner.Run("snapshot", "show", "--snapshot", TestPaths.Batfish("test-nat-gateway"), "--format", "json");
        Assert.Equal(0, exit);
        var summary = JsonDocument.Parse(stdout).RootElement.EnumerateArray().Single();
        Assert.Equal("us-east-2", summary.GetProperty(nameof(SnapshotSummary.Region)).GetString());
        Assert.Equal(1, summary.GetProperty(nameof(SnapshotSummary.Vpcs)).GetInt32());
        Assert.Contains(Section.VpcPeeringConnections, summary.GetProperty(nameof(SnapshotSummary.MissingSections)).EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void A_broken_file_gives_one_line_naming_the_place_and_exit_2()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("Vpcs.json"), "{\"Vpcs\": [ {\"VpcId\": } ]}");
        var (exit, stdout, stderr) = CliRunner.Run("snapshot", "export", "--from", dir.Path, "--out", dir.File("out.json"));
        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"^vpcsec: SnapshotInvalid: .*Vpcs\.json:1:\d+: invalid JSON", line);
        Assert.False(File.Exists(dir.File("out.json")));
    }

    [Fact]
    public void A_missing_source_is_not_found()
    {
        var (exit, _, stderr) = CliRunner.Run("snapshot", "show", "--snapshot", "/no/such/place");
        Assert.Equal(2, exit);
        Assert.StartsWith("vpcsec: SnapshotNotFound:", stderr);
    }
}

public class UsageTests
{
    [Fact]
    public void A_usage_error_exits_2_not_1()
    {
        var (exit, _, stderr) = CliRunner.Run("snapshot", "export", "--from", "x");
        Assert.Equal(2, exit);
        Assert.Contains("--out", stderr);
    }

    [Fact]
    public void Help_lists_every_command_on_the_writer_it_is_given()
    {
        var (exit, stdout, stderr) = CliRunner.Run("--help");
        Assert.Equal((0, ""), (exit, stderr));
        foreach (var command in Cli.Program.BuildRoot().Subcommands) Assert.Contains(command.Name, stdout);
    }

    [Fact]
    public void An_unknown_format_is_a_usage_error()
    {
        var (exit, _, stderr) = CliRunner.Run("snapshot", "show", "--snapshot", "x", "--format", "yaml");
        Assert.Equal(2, exit);
        Assert.StartsWith("vpcsec: UsageError:", stderr);
    }
}
