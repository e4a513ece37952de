using System.Text.Json;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Snapshots;

/// <summary>The bundled demo network loads whole and agrees with its own ground truth (samples/demo/expected.json).</summary>
public class DemoTests
{
    private static readonly JsonElement Expected = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement;

    [Fact]
    public void Demo_loads_every_file_as_a_section()
    {
        var notes = new List<string>();
        var snapshot = SnapshotLoader.Load(TestPaths.Demo, notes.Add);
        var region = Assert.Single(snapshot.Regions);
        Assert.Equal("us-east-1", region.Region);
        Assert.Equal(Expected.GetProperty("account").GetString(), region.AccountId);
        Assert.DoesNotContain(notes, n => n.Contains("skipped keys"));
        var files = Directory.GetFiles(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1"), "*.json").Select(Path.GetFileNameWithoutExtension);
        Assert.Equal(files.Order(), region.CapturedSections.Order());
    }

    [Fact]
    public void Every_expected_address_belongs_to_an_indexed_eni()
    {
        var index = new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo));
        Assert.Empty(index.Notes);
        foreach (var owner in Expected.GetProperty("addresses").EnumerateObject())
            foreach (var ip in owner.Value.GetProperty("private").EnumerateArray())
                Assert.NotEmpty(index.EnisAt(VpcSecTools.Net.IpAddress.Parse(ip.GetString()!)));
    }

    [Fact]
    public void Demo_round_trips_through_a_snapshot_file()
    {
        using var dir = new TestPaths.TempDir();
        var fromFolder = SnapshotLoader.Load(TestPaths.Demo);
        SnapshotFile.Write(fromFolder, dir.File("demo.json"));
        Assert.Equal(SnapshotFileTests.Canonical(fromFolder), SnapshotFileTests.Canonical(SnapshotLoader.Load(dir.File("demo.json"))));
    }
}
