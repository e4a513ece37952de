using VpcSecTools.Exposure;

namespace VpcSecTools.Drift;

/// <summary>
/// Find-OverlyOpenPort's findings on both snapshots, matched by <see cref="Finding.Identity"/> (check, resource and rule
/// content; any check id, present or future): new, resolved, changed (severity, exposure, confirmation or suppression) or
/// unchanged. A finding of a check that did not run on the other side (a section missing there) is Unknown, not new or
/// resolved.
/// </summary>
internal static class FindingDrift
{
    public static List<DriftChange> Compare(AuditReport before, AuditReport after, bool includeUnchanged)
    {
        var changes = new List<DriftChange>();
        var (notRunBefore, notRunAfter) = (NotRun(before), NotRun(after));
        var was = before.Findings.GroupBy(f => f.Identity, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.Severity).ToList(), StringComparer.Ordinal);
        var now = after.Findings.GroupBy(f => f.Identity, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderByDescending(f => f.Severity).ToList(), StringComparer.Ordinal);
        foreach (var identity in was.Keys.Union(now.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var earlier = was.GetValueOrDefault(identity) ?? [];
            var later = now.GetValueOrDefault(identity) ?? [];
            for (int i = 0; i < Math.Max(earlier.Count, later.Count); i++)
            {
                var (a, b) = (i < earlier.Count ? earlier[i] : null, i < later.Count ? later[i] : null);
                var kind = a is null ? DriftChangeKind.New : b is null ? DriftChangeKind.Resolved : Differs(a, b) ? DriftChangeKind.Changed : DriftChangeKind.Unchanged;
                var f = (b ?? a)!;
                // Absent on one side only because the check could not run there: what it would say is Unknown.
                if (kind == DriftChangeKind.New && notRunBefore.Contains((f.AccountId, f.Region, f.CheckId))
                    || kind == DriftChangeKind.Resolved && notRunAfter.Contains((f.AccountId, f.Region, f.CheckId)))
                    kind = DriftChangeKind.Unknown;
                if (kind == DriftChangeKind.Unchanged && !includeUnchanged) continue;
                changes.Add(Change(kind, a, b, f));
            }
        }
        return changes.OrderBy(c => c.Change).ThenByDescending(c => ((FindingChange)c).Severity).ThenBy(c => c.Subject, StringComparer.Ordinal).ToList();
    }

    private static bool Differs(Finding a, Finding b) =>
        a.Severity != b.Severity || a.ExposureVerdict != b.ExposureVerdict || a.Confirmed != b.Confirmed || a.Suppressed != b.Suppressed;

    private static FindingChange Change(DriftChangeKind kind, Finding? a, Finding? b, Finding f)
    {
        var what = $"{f.Severity.Label()} {f.CheckId}{(f.Protocol is null ? "" : $" {f.Protocol}")}{(f.Ports is null ? "" : $" {f.Ports}")}{(f.Source is null ? "" : $" from {f.Source}")}";
        var summary = kind switch
        {
            DriftChangeKind.Changed => $"{f.CheckId}: {Describe(a!)} -> {Describe(b!)}",
            DriftChangeKind.Unknown => $"{what}: the check did not run on the {(a is null ? "reference" : "difference")} snapshot (a section is missing), so whether it is {(a is null ? "new" : "resolved")} is Unknown",
            _ => $"{what}: {f.Title}",
        };
        return new FindingChange
        {
            Change = kind, AccountId = f.AccountId, Region = f.Region, Subject = f.ResourceName is null ? f.ResourceId : $"{f.ResourceId} {f.ResourceName}",
            Summary = summary, CheckId = f.CheckId, Severity = f.Severity, SeverityBefore = a?.Severity, ResourceId = f.ResourceId, ResourceName = f.ResourceName,
            ExposureBefore = a?.ExposureVerdict, ExposureAfter = b?.ExposureVerdict, Identity = f.Identity, Finding = f,
        };
    }

    private static string Describe(Finding f) =>
        $"{f.Severity.Label()}{(f.ExposureVerdict is null ? "" : $" ({f.ExposureVerdict})")}{(f.Confirmed ? "" : " unconfirmed")}{(f.Suppressed ? " suppressed" : "")}";

    /// <summary>The checks that did not run, by account and region (from the audit's <c>Audit.ChecksNotRun</c> findings).</summary>
    private static HashSet<(string?, string?, string)> NotRun(AuditReport report) =>
        report.Findings.Where(f => f.CheckId == Checks.ChecksNotRun.Id).SelectMany(f => f.ChecksNotRun.Select(c => (f.AccountId, f.Region, c))).ToHashSet();
}
