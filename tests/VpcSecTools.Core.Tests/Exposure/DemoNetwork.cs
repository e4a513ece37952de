using System.Text.Json;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Exposure;

/// <summary>The demo network, its ground truth (expected.json), and copies of it with one thing changed, for audit tests.</summary>
internal static class DemoNetwork
{
    private static readonly Lazy<VpcSnapshot> Loaded = new(() => SnapshotLoader.Load(Path.Combine(TestPaths.Demo, "aws_configs")));
    private static readonly Lazy<JsonElement> Truth = new(() => JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement);
    private static readonly Lazy<AuditReport> AuditOfDemo = new(() => OpenPortAudit.Run(new SnapshotIndex(Loaded.Value)));

    public static JsonElement Expected => Truth.Value;
    public static AuditReport Audit => AuditOfDemo.Value;
    public static SnapshotIndex DemoIndex => new(Loaded.Value);

    public static string Id(string kind, string key) => Expected.GetProperty("ids").GetProperty(kind).GetProperty(key).GetString()!;
    public static string Id(string key) => Expected.GetProperty("ids").GetProperty(key).GetString()!;

    /// <summary>The demo with its one region changed by <paramref name="change"/>, audited.</summary>
    public static AuditReport AuditWith(Func<RegionInventory, RegionInventory> change) =>
        OpenPortAudit.Run(new SnapshotIndex(Loaded.Value with { Regions = [change(Loaded.Value.Regions.Single())] }));

    /// <summary>The region without a section, as a capture that could not read it.</summary>
    public static RegionInventory Without(this RegionInventory region, string section) =>
        region with { CapturedSections = region.CapturedSections.Where(s => s != section).ToHashSet() };

    /// <summary>The region with one instance changed.</summary>
    public static RegionInventory WithInstance(this RegionInventory region, string instanceId, Func<Instance, Instance> change) =>
        region with
        {
            Reservations = region.Reservations.Select(r => r with { Instances = r.Instances.Select(i => i.InstanceId == instanceId ? change(i) : i).ToArray() }).ToArray(),
        };
}
