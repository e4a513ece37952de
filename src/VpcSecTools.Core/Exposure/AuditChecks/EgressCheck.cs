using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// Outbound all traffic to every internet address (informational by default). An outbound rule that cannot be read,
/// or names a prefix list without entries, may be exactly that: it is reported unconfirmed.
/// </summary>
internal sealed class EgressCheck : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.EgressAllToAnywhere];

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
        {
            Report(audit, g, audit.Egress(g).ToArray(), null);
            foreach (var r in audit.Unresolved(g, RuleDirection.Egress))
                Report(audit, g, [r.WorstCase(audit.Index)], r.Problem ?? $"the entries of prefix list {r.Source}");
        }
    }

    private static void Report(AuditContext audit, SecurityGroup g, SecurityGroupRule[] egress, string? missing)
    {
        foreach (var opening in InternetCoverage.Openings(egress, false).Concat(InternetCoverage.Openings(egress, true)).Where(o => o.IsAllTraffic))
            audit.Add(new GroupFindingDraft(Checks.EgressAllToAnywhere, g)
            {
                Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = opening.PortsText, Severity = audit.Options.EgressAllSeverity, MissingData = missing,
                Detail = $"Outbound {opening.ProtocolText} {opening.PortsText} to {opening.SourceText}: every destination on the {(opening.IsIPv6 ? "IPv6" : "IPv4")} internet.",
            });
    }
}
