using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws;

/// <summary>What to capture live: regions (or all enabled ones), optionally only some VPCs, and how wide to fan out.</summary>
public sealed record InventoryRequest
{
    /// <summary>Regions to capture; empty = the connection's region.</summary>
    public IReadOnlyList<string> Regions { get; init; } = [];
    /// <summary>Every region enabled for the account (DescribeRegions), instead of <see cref="Regions"/>.</summary>
    public bool AllRegions { get; init; }
    /// <summary>Only these VPCs, where the API can filter by VPC; empty = every VPC.</summary>
    public IReadOnlyList<string> VpcIds { get; init; } = [];
    /// <summary>Regions captured at the same time.</summary>
    public int MaxParallelRegions { get; init; } = 4;
    /// <summary>Calls in flight at the same time within one region (the SDK retries throttling on top).</summary>
    public int MaxParallelCallsPerRegion { get; init; } = 6;
}

/// <summary>A step finished: <paramref name="Step"/> is a section key, or <c>region</c> when the whole region is done.</summary>
public sealed record InventoryProgress(string Region, string Step, int Completed, int Total);

/// <summary>
/// The result of a live capture: the snapshot (sections that could not be read are listed in each region's
/// MissingSections, never left looking empty), the access-denied and unreadable-response faults behind them,
/// and the number of calls made.
/// </summary>
public sealed record InventoryResult(VpcSnapshot Snapshot, IReadOnlyList<AwsCallException> Faults, int Calls);
