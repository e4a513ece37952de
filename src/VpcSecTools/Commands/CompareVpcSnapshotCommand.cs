using System.Management.Automation;
using VpcSecTools.Drift;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Compares two captures of a network: what changed, what became reachable, which findings are new.</para>
/// <para type="description">Returns the configuration changes by resource in AWS's terms, the reachability changes (every
/// source class to every network interface on every port range its rules name) with the change that caused each, and
/// Find-OverlyOpenPort's findings new, resolved or changed. What a snapshot lacks is Unknown, never unchanged.</para>
/// </summary>
[Cmdlet(VerbsData.Compare, "VpcSnapshot", DefaultParameterSetName = SnapshotsSet)]
[OutputType(typeof(ConfigurationChange), typeof(ReachabilityChange), typeof(FindingChange), typeof(DriftGap), typeof(string))]
public sealed class CompareVpcSnapshotCommand : VpcSecCmdlet
{
    private const string SnapshotsSet = "Snapshots", FolderSet = "Folder";

    /// <summary>The earlier capture: a snapshot file, a folder of describe-* outputs, or a snapshot object.</summary>
    [Parameter(ParameterSetName = SnapshotsSet, Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public SnapshotSource? ReferenceSnapshot { get; set; }

    /// <summary>The later capture, in the same forms.</summary>
    [Parameter(ParameterSetName = SnapshotsSet, Mandatory = true, Position = 1)]
    [ValidateNotNull]
    public SnapshotSource? DifferenceSnapshot { get; set; }

    /// <summary>A folder of scheduled captures named by their UTC time (2026-12-06T030000Z.snapshot.json): the latest is compared with an earlier one.</summary>
    [Parameter(ParameterSetName = FolderSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string SnapshotFolder { get; set; } = "";

    /// <summary>With -SnapshotFolder: compare with the latest capture at or before this time (yesterday, last-week, 36h, 2d, or a date); default: the capture before the latest.</summary>
    [Parameter(ParameterSetName = FolderSet)]
    [ValidateNotNullOrEmpty]
    public string? Since { get; set; }

    /// <summary>Object (default): one object per change. Markdown: one string for a ticket or chat message.</summary>
    [Parameter]
    [ValidateSet("Object", "Markdown")]
    public string Format { get; set; } = "Object";

    /// <summary>Also return the findings both audits have unchanged.</summary>
    [Parameter]
    public SwitchParameter IncludeUnchanged { get; set; }

    /// <summary>The audit's allow-list (as for Find-OverlyOpenPort), applied to both snapshots' findings.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AllowListPath { get; set; }

    protected override void End()
    {
        SnapshotSource reference, difference;
        if (ParameterSetName == FolderSet)
        {
            var folder = GetUnresolvedProviderPathFromPSPath(SnapshotFolder);
            DateTimeOffset? since = Since is null ? null : Concerning(Since, () => CaptureFolder.ParseSince(Since, DateTimeOffset.UtcNow));
            var (earlier, later) = Concerning(folder, () => CaptureFolder.Pick(folder, since));
            WriteVerbose($"Comparing {earlier.Path} (captured {earlier.CapturedAt:u}) with {later.Path} (captured {later.CapturedAt:u})");
            (reference, difference) = (earlier.Path, later.Path);
        }
        else (reference, difference) = (ReferenceSnapshot!, DifferenceSnapshot!);
        var before = Concerning(reference.Given, () => reference.Load(GetUnresolvedProviderPathFromPSPath, WriteVerbose, WriteLoaderNote));
        var after = Concerning(difference.Given, () => difference.Load(GetUnresolvedProviderPathFromPSPath, WriteVerbose, WriteLoaderNote));
        var audit = AllowListPath is null ? new AuditOptions()
            : Concerning(AllowListPath, () => new AuditOptions().WithFile(GetUnresolvedProviderPathFromPSPath(AllowListPath)));
        var report = SnapshotDrift.Compare(before, after, new DriftOptions
        {
            Audit = audit, IncludeUnchanged = IncludeUnchanged, ReferenceName = reference.Path, DifferenceName = difference.Path,
        });
        WriteVerbose($"{report.Work.Recomputed} of {report.Work.Destinations} destinations recomputed, {report.Work.Verdicts} verdicts; " +
            string.Join(", ", report.Milliseconds.Select(p => $"{p.Key} {p.Value} ms")));
        // What could not be compared is said, not only returned: it is why "no change" may not mean no change.
        foreach (var gap in report.Gaps.Where(g => g.MissingIn != "both")) WriteWarning(gap.Summary);
        if (Format == "Markdown") WriteObject(DriftMarkdown.Render(report));
        else WriteObject(report.Changes, enumerateCollection: true);
    }
}
