using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>What to audit: every resource, or only some VPCs or security groups.</summary>
public sealed record AuditScope
{
    public IReadOnlyList<string> VpcIds { get; init; } = [];
    /// <summary>When set, only these security groups are audited (and no NACLs).</summary>
    public IReadOnlyList<string> GroupIds { get; init; } = [];

    public bool IncludesVpc(string? vpcId) => VpcIds.Count == 0 || (vpcId is not null && VpcIds.Contains(vpcId));
    public bool IncludesGroup(SecurityGroup g) => IncludesVpc(g.VpcId) && (GroupIds.Count == 0 || GroupIds.Contains(g.GroupId));
    public bool IncludesAcl(NetworkAcl acl) => GroupIds.Count == 0 && IncludesVpc(acl.VpcId);
}

/// <summary>
/// The audit's answer: every finding (suppressed ones flagged, not dropped; unconfirmed ones rated by their worst case,
/// including one <c>Audit.ChecksNotRun</c> per region that lacks a section) and notes on what could not be judged.
/// </summary>
public sealed record AuditReport(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Notes)
{
    /// <summary>
    /// Findings at or above a severity, with or without the suppressed ones, optionally of some checks only (a
    /// checks-not-run finding is kept when one of them did not run).
    /// </summary>
    public IEnumerable<Finding> Select(Severity minimum = Severity.Informational, bool includeSuppressed = false, IReadOnlyCollection<string>? checkIds = null) =>
        Findings.Where(f => f.Severity >= minimum && (includeSuppressed || !f.Suppressed)
            && (checkIds is not { Count: > 0 } || checkIds.Any(id => id.Equals(f.CheckId, StringComparison.OrdinalIgnoreCase)
                || f.ChecksNotRun.Contains(id, StringComparer.OrdinalIgnoreCase))));

    /// <summary>Whether an unsuppressed finding at or above the severity is proven by the snapshot.</summary>
    public bool HasConfirmed(Severity minimum) => Select(minimum).Any(f => f.Confirmed);

    /// <summary>
    /// Whether the answer at or above the severity is incomplete: an unsuppressed finding there is unconfirmed (data
    /// missing or unreadable, checks not run), so the truth may be worse than what is confirmed.
    /// </summary>
    public bool IsIncomplete(Severity minimum = Severity.Informational) => Select(minimum).Any(f => !f.Confirmed);
}

/// <summary>
/// Find-OverlyOpenPort: every security group and NACL rule that opens too much (AUDIT.md), with its exact
/// rule, source and ports, the real exposure of the ENIs behind it, and allow-lists applied. Each family of
/// checks is a unit over one <see cref="AuditContext"/>; this class runs them and orders what they found.
/// </summary>
public static class OpenPortAudit
{
    /// <summary>The check units, in the order they run.</summary>
    internal static readonly IReadOnlyList<IAuditCheck> Units =
    [
        new InternetIngressChecks(), new Ipv6ParityChecks(), new RuleBreadthChecks(), new CidrMatchesGroupCheck(),
        new EgressCheck(), new GroupUsageChecks(), new CombinedGroupsCheck(), new PortHygieneChecks(), new NetworkAclChecks(),
        new InstanceMetadataChecks(), new RouteParityChecks(), new DbSubnetGroupChecks(), new PrivateLinkCandidateChecks(),
    ];

    /// <summary>Runs every check over the snapshot.</summary>
    public static AuditReport Run(SnapshotIndex index, AuditOptions? options = null, AuditScope? scope = null)
    {
        options ??= new AuditOptions();
        scope ??= new AuditScope();
        var units = Units.Where(u => u.RunsWith(options, scope)).ToArray();
        var audit = new AuditContext(index, options, scope, units.SelectMany(u => u.Reports));
        foreach (var unit in units) unit.Run(audit);
        audit.AddChecksNotRun();
        var findings = audit.Findings.Select(f => Accept(f, options))
            .OrderByDescending(f => f.Severity).ThenBy(f => f.ResourceId, StringComparer.Ordinal).ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToArray();
        return new AuditReport(findings, audit.Notes.Distinct().ToArray());
    }

    private static Finding Accept(Finding f, AuditOptions options)
    {
        if (f.Suppressed) return f;
        var accepted = options.AcceptedFindings.FirstOrDefault(a => a.Matches(f));
        return accepted is null ? f : f with { Suppressed = true, SuppressedBy = $"accepted finding {accepted.CheckId} {accepted.ResourceId}{(accepted.Reason is null ? "" : $" ({accepted.Reason})")}" };
    }

    // ---------------------------------------------------------------- small pure helpers

    /// <summary>The ports of <paramref name="range"/> outside <paramref name="excluded"/>, as ranges.</summary>
    public static IReadOnlyList<PortRange> Subtract(PortRange range, IEnumerable<int> excluded) =>
        Subtract(range, excluded.Select(p => new PortRange(p, p)));

    public static IReadOnlyList<PortRange> Subtract(PortRange range, IEnumerable<PortRange> excluded)
    {
        var result = new List<PortRange> { range };
        foreach (var x in excluded.OrderBy(p => p.From))
        {
            var next = new List<PortRange>();
            foreach (var r in result)
            {
                if (!r.Overlaps(x)) { next.Add(r); continue; }
                if (r.From < x.From) next.Add(new PortRange(r.From, x.From - 1));
                if (r.To > x.To) next.Add(new PortRange(x.To + 1, r.To));
            }
            result = next;
        }
        return result;
    }
}
