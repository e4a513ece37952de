using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// The port checks of each opening of a group to the whole internet (all traffic, the allow-list, SSH, RDP, the
/// high-risk lists), rated by the exposure of the ENIs that carry the group.
/// </summary>
internal sealed class InternetIngressChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } =
    [
        Checks.AllTrafficFromInternet, Checks.PortOutsideAllowList, Checks.SshFromInternet, Checks.RdpFromInternet,
        Checks.HighRiskPortFromInternet, Checks.ExtendedHighRiskPortFromInternet, Checks.PrefixListUnknown,
    ];

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
        {
            foreach (var r in audit.Ingress(g).Where(r => r.Kind == RuleSourceKind.PrefixList && r.Cidrs is null))
                audit.Add(new GroupFindingDraft(Checks.PrefixListUnknown, g)
                {
                    Rules = [r],
                    Detail = $"{r.Source} has no captured entries, so whether this rule opens {r.ProtocolText} {r.PortsText} to the internet is Unknown.",
                });
            var enis = audit.Index.EnisInGroup(g.GroupId);
            foreach (var opening in audit.Openings(g))
                Report(audit, g, opening, audit.Exposure.Of(enis, opening));
        }
    }

    private static void Report(AuditContext audit, SecurityGroup g, InternetOpening opening, ExposureSummary exposure)
    {
        string where = $"from {opening.SourceText} (the whole {(opening.IsIPv6 ? "IPv6" : "IPv4")} internet)";
        if (opening.IsAllTraffic)
            audit.Add(new GroupFindingDraft(Checks.AllTrafficFromInternet, g)
            {
                Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = opening.PortsText, Exposure = exposure,
                Detail = $"Every {(opening.Protocol.IsAll ? "protocol and port" : opening.ProtocolText + " port")} is open {where}.",
            });

        var allowed = audit.Options.AllowedPorts;
        var notAllowed = OpenPortAudit.Subtract(opening.Ports, allowed);
        if (notAllowed.Count > 0)
            audit.Add(new GroupFindingDraft(Checks.PortOutsideAllowList, g)
            {
                Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = string.Join(",", notAllowed), Exposure = exposure,
                Detail = $"{opening.ProtocolText} {string.Join(",", notAllowed)} open {where}; allowed ports are {string.Join(",", allowed)}.",
            });

        PortCheck(audit, Checks.SshFromInternet, g, opening, [22], where, exposure);
        PortCheck(audit, Checks.RdpFromInternet, g, opening, [3389], where, exposure);
        PortCheck(audit, Checks.HighRiskPortFromInternet, g, opening, audit.Options.HighRiskPorts, where, exposure);
        PortCheck(audit, Checks.ExtendedHighRiskPortFromInternet, g, opening, audit.Options.ExtendedHighRiskPorts, where, exposure);
    }

    private static void PortCheck(AuditContext audit, CheckDefinition check, SecurityGroup g, InternetOpening opening, IReadOnlyList<int> ports,
        string where, ExposureSummary exposure)
    {
        var open = ports.Where(p => opening.Ports.Contains(p)).Distinct().Order().ToArray();
        if (open.Length == 0) return;
        var protocol = opening.Protocol.IsAll ? IpProtocol.Tcp : opening.Protocol;
        string range = opening.Ports.From == opening.Ports.To || opening.Protocol.IsAll ? "" : $" (through the range {opening.Ports})";
        audit.Add(new GroupFindingDraft(check, g)
        {
            Rules = opening.RulesFor(protocol, open[0]), Protocol = opening.ProtocolText, Ports = string.Join(",", open), Exposure = exposure,
            Detail = $"{opening.ProtocolText} {string.Join(",", open)} open {where}{range}.",
        });
    }
}
