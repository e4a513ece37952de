using VpcSecTools.Drift;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;

namespace VpcSecTools.Tests.Drift;

/// <summary>
/// The shortcut is the full recomputation's answer: for random changes to the demo network (peering, transit gateway, VPN,
/// NAT gateways, endpoints) and to small random networks with rules, entries and routes that cannot be read, the
/// reachability changes computed only where the configuration changes can move a verdict equal, field by field, those of
/// every verdict computed on both snapshots.
/// </summary>
public class IncrementalTests
{
    private static readonly Lazy<VpcSnapshot> Demo = new(() => DemoChanges.Yesterday);

    [Theory]
    [MemberData(nameof(Seeds), 40)]
    public void Shortcut_equals_full_recomputation_on_the_demo(int seed)
    {
        var (today, done) = SnapshotMutator.Mutate(Demo.Value, seed, 1 + seed % 3);
        AssertSame(Demo.Value, today, $"seed {seed}: {string.Join("; ", done)}");
    }

    [Theory]
    [MemberData(nameof(Seeds), 60)]
    public void Shortcut_equals_full_recomputation_on_random_networks(int seed)
    {
        var yesterday = VpcOf(ReferenceComparisonTests.Generate(seed, broken: seed % 2 == 0).Network.Build());
        var (today, done) = SnapshotMutator.Mutate(yesterday, seed, 1 + seed % 3);
        AssertSame(yesterday, today, $"seed {seed}: {string.Join("; ", done)}");
    }

    public static IEnumerable<object[]> Seeds(int count) => Enumerable.Range(1, count).Select(i => new object[] { i });

    private static VpcSnapshot VpcOf(SnapshotIndex index) => index.Snapshot;

    private static void AssertSame(VpcSnapshot yesterday, VpcSnapshot today, string context)
    {
        var (before, after) = (new SnapshotIndex(yesterday), new SnapshotIndex(today));
        var configuration = ConfigurationDiff.Compare(before, after).OfType<ConfigurationChange>().ToArray();
        var shortcut = ReachabilityDrift.Compare(before, after, configuration, full: false, out var work);
        var full = ReachabilityDrift.Compare(new SnapshotIndex(yesterday), new SnapshotIndex(today), configuration, full: true, out _);
        Assert.Equal(Lines(full), Lines(shortcut));
        // A change that moves nothing needs no verdict at all; one that moves something is found by both.
        Assert.True(configuration.Length > 0 || work.Verdicts == 0, context);

        static string[] Lines(IEnumerable<DriftChange> changes) => changes.Select(c => c is ReachabilityChange r
            ? $"{r.Change} {r.Source} -> {r.DestinationId} {r.Protocol}/{r.Ports} {r.Before}->{r.After} ({r.ReachingBefore}->{r.ReachingAfter}) moved {string.Join(",", r.Moved)} " +
              $"witness {r.Witness} blocked {r.BlockedBefore} / {r.BlockedAfter} allowed {r.AllowedBy} cause {r.Cause}"
            : $"{c.Change} {c.Subject} {c.Summary}").ToArray();
    }
}
