using System.Diagnostics;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.Snapshots;

/// <summary>Describe and Batfish folders with links, loops and files that are not regular files.</summary>
public class FolderTests
{
    /// <summary>A Batfish layout with the NAT-gateway scenario as us-east-2.</summary>
    private static string Layout(TestPaths.TempDir dir)
    {
        var region = Path.Combine(dir.Path, "aws_configs", "us-east-2");
        Directory.CreateDirectory(region);
        foreach (var f in Directory.GetFiles(TestPaths.Batfish("test-nat-gateway"))) File.Copy(f, Path.Combine(region, Path.GetFileName(f)));
        return region;
    }

    [Fact]
    public void A_region_linked_into_itself_loads_once()
    {
        using var dir = new TestPaths.TempDir();
        var region = Layout(dir);
        // A self-loop: followed blindly, the kernel's limit of 40 links would load the region 41 times.
        Directory.CreateSymbolicLink(Path.Combine(region, "us-east-2"), ".");
        var notes = new List<string>();
        var snapshot = SnapshotLoader.Load(dir.Path, notes.Add);
        var loaded = Assert.Single(snapshot.Regions);
        Assert.Equal(SnapshotFileTests.Canonical(SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway"))), SnapshotFileTests.Canonical(snapshot with { Regions = [loaded] }));
        Assert.Contains(notes, n => n.Contains("the same folder as"));
    }

    [Fact]
    public void A_region_reachable_twice_through_a_link_loads_once()
    {
        using var dir = new TestPaths.TempDir();
        var region = Layout(dir);
        // The same capture linked under an account folder as well.
        var account = Path.Combine(dir.Path, "aws_configs", "accounts", "554773406868");
        Directory.CreateDirectory(account);
        Directory.CreateSymbolicLink(Path.Combine(account, "us-east-2"), region);
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "aws_configs", "accounts", "554773406869"), account);
        var notes = new List<string>();
        var snapshot = SnapshotLoader.Load(dir.Path, notes.Add);
        Assert.Single(snapshot.Regions);
        Assert.Equal(2, notes.Count(n => n.Contains("the same folder as")));
    }

    [Fact]
    public void A_region_only_reachable_through_a_link_is_loaded()
    {
        using var dir = new TestPaths.TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "aws_configs"));
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "aws_configs", "us-east-2"), TestPaths.Batfish("test-nat-gateway"));
        Assert.Equal("us-east-2", Assert.Single(SnapshotLoader.Load(dir.Path).Regions).Region);
    }

    [Fact]
    public void A_loop_of_links_is_not_followed_round()
    {
        using var dir = new TestPaths.TempDir();
        Layout(dir);
        var configs = Path.Combine(dir.Path, "aws_configs");
        Directory.CreateSymbolicLink(Path.Combine(configs, "eu-west-1"), Path.Combine(configs, "eu-west-2"));
        Directory.CreateSymbolicLink(Path.Combine(configs, "eu-west-2"), Path.Combine(configs, "eu-west-1"));
        // Neither link leads to a folder, so neither is listed as one: the layout loads without them.
        Assert.Single(SnapshotLoader.Load(dir.Path).Regions);
        Assert.Null(VpcSecTools.Files.LocalFiles.RealPath(Path.Combine(configs, "eu-west-1", "x")));
    }

    [Fact]
    public async Task A_fifo_or_an_empty_file_in_a_folder_is_skipped_with_a_note()
    {
        if (!OperatingSystem.IsLinux()) return;
        using var dir = new TestPaths.TempDir();
        var region = Layout(dir);
        // Read, a FIFO with no writer blocks forever.
        using (var mkfifo = Process.Start("mkfifo", Path.Combine(region, "Pipe.json"))) mkfifo.WaitForExit();
        Assert.True(File.Exists(Path.Combine(region, "Pipe.json")));
        File.WriteAllText(Path.Combine(region, "Empty.json"), "");
        File.CreateSymbolicLink(Path.Combine(region, "Zero.json"), "/dev/zero");
        var notes = new List<string>();
        var snapshot = await Task.Run(() => SnapshotLoader.Load(dir.Path, notes.Add)).WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Single(snapshot.Regions);
        Assert.Equal(3, notes.Count(n => n.Contains("skipped, empty or not a regular file")));
    }

    [Fact]
    public void Two_folders_of_one_region_are_an_error_naming_both()
    {
        using var dir = new TestPaths.TempDir();
        var region = Layout(dir);
        // Files beside the region folders whose region (from their availability zones) is the same region.
        foreach (var f in Directory.GetFiles(region)) File.Copy(f, Path.Combine(dir.Path, "aws_configs", Path.GetFileName(f)));
        var e = Assert.Throws<SnapshotFormatException>(() => SnapshotLoader.Load(dir.Path));
        Assert.Contains("region us-east-2 of account 554773406868 is also loaded from", e.Message);
        Assert.Contains(Path.Combine(dir.Path, "aws_configs"), e.Message);
        Assert.Contains(region, e.Message);
    }
}

public class FolderCliTests
{
    /// <summary>One region's files copied into another's folder: the same ids twice, said once, where the index kept the first copy and the audit counted the rest twice.</summary>
    [Fact]
    public void A_region_copied_into_another_is_an_error_naming_an_id_and_both_regions()
    {
        using var dir = new TestPaths.TempDir();
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var folder = Path.Combine(dir.Path, "aws_configs", region);
            Directory.CreateDirectory(folder);
            foreach (var f in Directory.GetFiles(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1"))) File.Copy(f, Path.Combine(folder, Path.GetFileName(f)));
        }
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", dir.Path);
        Assert.Equal((2, ""), (exit, stdout));
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vpcsec: SnapshotInvalid: ", line);
        Assert.Matches(@"Id \S+ is in region us-west-2 and also in us-east-1 \(.*us-east-1\)", line);
        Assert.Contains("AWS ids are unique across regions", line);
    }

    /// <summary>A cross-region peering is described in both of its regions: the same pcx- id twice is no error.</summary>
    [Fact]
    public void A_peering_in_both_of_its_regions_loads()
    {
        using var dir = new TestPaths.TempDir();
        var peering = File.ReadAllText(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1", "VpcPeeringConnections.json"));
        foreach (var region in new[] { "us-east-1", "us-west-2" })
        {
            var folder = Path.Combine(dir.Path, "aws_configs", region);
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "VpcPeeringConnections.json"), peering);
        }
        Assert.Equal(2, SnapshotLoader.Load(dir.Path).Regions.Count);
    }

    [Fact]
    public void Snapshot_show_counts_a_self_linked_region_once()
    {
        using var dir = new TestPaths.TempDir();
        var region = Path.Combine(dir.Path, "aws_configs", "us-east-2");
        Directory.CreateDirectory(region);
        foreach (var f in Directory.GetFiles(TestPaths.Batfish("test-nat-gateway"))) File.Copy(f, Path.Combine(region, Path.GetFileName(f)));
        Directory.CreateSymbolicLink(Path.Combine(region, "us-east-2"), ".");
        var (exit, stdout, stderr) = CliRunner.Run("snapshot", "show", "--snapshot", dir.Path, "--format", "json");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.Single(System.Text.Json.JsonDocument.Parse(stdout).RootElement.EnumerateArray());
    }

    [Fact]
    public void Snapshot_show_names_both_folders_of_one_region_on_one_line()
    {
        using var dir = new TestPaths.TempDir();
        var region = Path.Combine(dir.Path, "aws_configs", "us-east-2");
        Directory.CreateDirectory(region);
        foreach (var f in Directory.GetFiles(TestPaths.Batfish("test-nat-gateway")))
        {
            File.Copy(f, Path.Combine(region, Path.GetFileName(f)));
            File.Copy(f, Path.Combine(dir.Path, "aws_configs", Path.GetFileName(f)));
        }
        var (exit, _, stderr) = CliRunner.Run("snapshot", "show", "--snapshot", dir.Path);
        Assert.Equal(2, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vpcsec: SnapshotInvalid: ", line);
        Assert.Contains("is also loaded from", line);
    }
}
