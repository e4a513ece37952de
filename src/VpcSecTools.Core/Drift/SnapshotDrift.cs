using System.Diagnostics;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>What to compare besides the configuration.</summary>
public sealed record DriftOptions
{
    /// <summary>The audit's allow-list and settings, for both snapshots' findings.</summary>
    public AuditOptions Audit { get; init; } = new();
    /// <summary>Also list the findings both audits have unchanged.</summary>
    public bool IncludeUnchanged { get; init; }
    /// <summary>Compute every reachability verdict on both snapshots, not only those a change can move (same answer, slower).</summary>
    public bool FullReachability { get; init; }
    /// <summary>What to call the earlier snapshot in the report (its path); default: its recorded source and capture time.</summary>
    public string? ReferenceName { get; init; }
    public string? DifferenceName { get; init; }
}

/// <summary>
/// The drift between two captures: every change (configuration, reachability, findings, and what could not be compared),
/// in that order, with what was compared and how much work the reachability comparison did.
/// </summary>
public sealed record DriftReport
{
    /// <summary>Where the earlier snapshot came from and when it was captured.</summary>
    public string Reference { get; init; } = "";
    public string Difference { get; init; } = "";
    public IReadOnlyList<DriftChange> Changes { get; init; } = [];
    public ReachabilityWork Work { get; init; } = new(0, 0, 0, false);
    /// <summary>Milliseconds spent per part: configuration, reachability, findings.</summary>
    public IReadOnlyDictionary<string, long> Milliseconds { get; init; } = new Dictionary<string, long>();

    public IEnumerable<ConfigurationChange> Configuration => Changes.OfType<ConfigurationChange>();
    public IEnumerable<ReachabilityChange> Reachability => Changes.OfType<ReachabilityChange>();
    public IEnumerable<FindingChange> Findings => Changes.OfType<FindingChange>();
    public IEnumerable<DriftGap> Gaps => Changes.OfType<DriftGap>();

    /// <summary>What a scheduled run sends to Security Hub: the new findings of the audit and the reachability the later capture opened.</summary>
    public IEnumerable<Finding> NewFindings =>
        Changes.Select(c => c switch { FindingChange { Change: DriftChangeKind.New } f => f.Finding, ReachabilityChange r => r.Finding, _ => null }).OfType<Finding>();

    /// <summary>ENIs the internet reaches now and did not before: the changes a nightly gate fails on.</summary>
    public IEnumerable<ReachabilityChange> NewExposures =>
        Reachability.Where(c => c.Change == DriftChangeKind.Opened && c.SourceKind == SourceClassKind.Internet);

    /// <summary>Whether something could not be compared, or may have opened but cannot be told (Unknown now).</summary>
    public bool IsIncomplete => Gaps.Any(g => g.MissingIn != "both") || Reachability.Any(c => c.Change == DriftChangeKind.BecameUnknown)
        || Findings.Any(f => f.Change == DriftChangeKind.Unknown);
}

/// <summary>
/// Compare-VpcSnapshot: what changed between two captures of a network, and whether it matters. The configuration is
/// compared section by section of the snapshot catalogue; reachability from every source class to every ENI on every port
/// range its rules name, with the configuration change that moved each verdict; and Find-OverlyOpenPort's findings by
/// identity. A section either snapshot lacks makes what depends on it Unknown, never "unchanged".
/// </summary>
public static class SnapshotDrift
{
    public static DriftReport Compare(SnapshotIndex reference, SnapshotIndex difference, DriftOptions? options = null)
    {
        options ??= new DriftOptions();
        var clock = Stopwatch.StartNew();
        var configuration = ConfigurationDiff.Compare(reference, difference);
        long configurationMs = clock.ElapsedMilliseconds;
        var reachability = ReachabilityDrift.Compare(reference, difference, configuration.OfType<ConfigurationChange>().ToArray(), options.FullReachability, out var work);
        long reachabilityMs = clock.ElapsedMilliseconds - configurationMs;
        var findings = FindingDrift.Compare(OpenPortAudit.Run(reference, options.Audit), OpenPortAudit.Run(difference, options.Audit), options.IncludeUnchanged);
        long findingsMs = clock.ElapsedMilliseconds - configurationMs - reachabilityMs;
        return new DriftReport
        {
            Reference = options.ReferenceName ?? Describe(reference), Difference = options.DifferenceName ?? Describe(difference),
            Changes = [.. Ordered(configuration), .. reachability.Select(Exposed), .. findings],
            Work = work,
            Milliseconds = new Dictionary<string, long> { ["Configuration"] = configurationMs, ["Reachability"] = reachabilityMs, ["Findings"] = findingsMs },
        };
    }

    /// <summary>An opened reachability carries its finding, so new exposures export as the new findings do.</summary>
    private static DriftChange Exposed(DriftChange c) =>
        c is ReachabilityChange { Change: DriftChangeKind.Opened } opened ? opened with { Finding = DriftChecks.Of(opened) } : c;

    /// <summary>Gaps first, then by region and resource, so a resource's changes read together.</summary>
    private static IEnumerable<DriftChange> Ordered(IEnumerable<DriftChange> configuration) =>
        configuration.OrderBy(c => c is DriftGap ? 0 : 1).ThenBy(c => c.Region, StringComparer.Ordinal)
            .ThenBy(c => Array.FindIndex(Section.All.ToArray(), s => s.Key == ((c as ConfigurationChange)?.Section ?? (c as DriftGap)?.Section)))
            .ThenBy(c => (c as ConfigurationChange)?.ResourceId, StringComparer.Ordinal);

    private static string Describe(SnapshotIndex index)
    {
        var m = index.Snapshot.Metadata;
        return $"{m.Source ?? "(snapshot object)"}{(m.CapturedAt is null ? "" : $" captured {m.CapturedAt}")}";
    }
}
