namespace VpcSecTools.Exposure;

/// <summary>Outbound all traffic to every internet address (informational by default).</summary>
internal sealed class EgressCheck : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.EgressAllToAnywhere];

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
        {
            var egress = audit.Egress(g);
            foreach (var opening in InternetCoverage.Openings(egress, false).Concat(InternetCoverage.Openings(egress, true)).Where(o => o.IsAllTraffic))
                audit.Add(new GroupFindingDraft(Checks.EgressAllToAnywhere, g)
                {
                    Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = opening.PortsText, Severity = audit.Options.EgressAllSeverity,
                    Detail = $"Outbound {opening.ProtocolText} {opening.PortsText} to {opening.SourceText}: every destination on the {(opening.IsIPv6 ? "IPv6" : "IPv4")} internet.",
                });
        }
    }
}
