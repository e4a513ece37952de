using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// The port checks of each opening of a group to the whole internet (all traffic, the allow-list, SSH, RDP, the
/// high-risk lists), rated by the exposure of the ENIs that carry the group. A rule whose source or protocol is not
/// known (a prefix list without entries, a rule that cannot be read) is judged by its worst case, the whole
/// internet: the same checks report it unconfirmed, and one finding on the rule names what is missing.
/// </summary>
internal sealed class InternetIngressChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } =
    [
        Checks.AllTrafficFromInternet, Checks.PortOutsideAllowList, Checks.SshFromInternet, Checks.RdpFromInternet,
        Checks.HighRiskPortFromInternet, Checks.ExtendedHighRiskPortFromInternet, Checks.PrefixListUnknown, Checks.RuleUnreadable,
    ];

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
        {
            foreach (var r in audit.Unresolved(g, RuleDirection.Ingress)) WorstCase(audit, g, r);
            foreach (var opening in audit.Openings(g))
                Report(audit, g, opening, audit.Exposure.OfGroup(g, opening), $"from {opening.SourceText} (the whole {Family(opening)} internet)", null);
        }
    }

    /// <summary>
    /// A rule whose addresses, protocol or ports are not known, judged as the whole internet on every port it might mean:
    /// the port checks it would fail, unconfirmed, and the rule's own finding at the worst of them.
    /// </summary>
    private static void WorstCase(AuditContext audit, SecurityGroup g, SecurityGroupRule r)
    {
        var entries = r.Kind == RuleSourceKind.PrefixList && r.Cidrs is null
            ? $"the entries of prefix list {r.Source} ({(audit.Index.Captured(g.GroupId, Section.PrefixListEntries) ? "not among the captured PrefixListEntries" : "PrefixListEntries not captured")})"
            : null;
        var missing = string.Join("; ", new[] { r.Problem, entries }.OfType<string>());
        var worst = r.WorstCase(audit.Index);
        bool anyAddress = worst.Cidrs!.Any(AddressScope.HoldsInternet);
        // An unknown source may be a wide public range (SG.WidePublicCidr); known private or group sources only risk hygiene.
        var severity = anyAddress ? Severity.Medium : Severity.Low;
        var failed = new List<string>();
        foreach (var ipv6 in new[] { false, true })
            foreach (var opening in InternetCoverage.Openings([worst], ipv6))
            {
                string where = r.Cidrs is null ? $"from {r.Source} (if it covers the whole {Family(opening)} internet)" : $"from {opening.SourceText} (the whole {Family(opening)} internet)";
                foreach (var f in Report(audit, g, opening, audit.Exposure.OfGroup(g, opening), where, missing))
                {
                    if (f.Severity > severity) severity = f.Severity;
                    if (!failed.Contains(f.CheckId)) failed.Add(f.CheckId);
                }
            }
        var atWorst = failed.Count == 0 ? "" : $" At worst it fails {string.Join(", ", failed)}.";
        audit.Add(r.Problem is null
            ? new GroupFindingDraft(Checks.PrefixListUnknown, g)
            {
                Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText, MissingData = missing, WorstCase = severity,
                Detail = $"{r.Source} has no captured entries, so whether this rule opens {r.ProtocolText} {r.PortsText} to the internet is Unknown.{atWorst}",
            }
            : new GroupFindingDraft(Checks.RuleUnreadable, g)
            {
                Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText, MissingData = missing, Severity = anyAddress ? null : Severity.Low, WorstCase = severity,
                Detail = $"{r.Path} cannot be interpreted, so it is judged as {r.ProtocolText} {r.PortsText} from {(r.Cidrs is null ? "the whole internet" : r.Source)}, its worst case.{atWorst}",
            });
    }

    private static string Family(InternetOpening opening) => opening.IsIPv6 ? "IPv6" : "IPv4";

    /// <summary>The port checks of one opening; returns the findings made.</summary>
    private static List<Finding> Report(AuditContext audit, SecurityGroup g, InternetOpening opening, ExposureSummary exposure, string where, string? missing)
    {
        var made = new List<Finding>();
        void Add(GroupFindingDraft d) { if (audit.Add(d with { Exposure = exposure, MissingData = missing }) is { } f) made.Add(f); }

        if (opening.IsAllTraffic)
            Add(new GroupFindingDraft(Checks.AllTrafficFromInternet, g)
            {
                Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = opening.PortsText,
                Detail = $"Every {(opening.Protocol.IsAll ? "protocol and port" : opening.ProtocolText + " port")} is open {where}.",
            });

        var allowed = audit.Options.AllowedPorts;
        var notAllowed = OpenPortAudit.Subtract(opening.Ports, allowed);
        if (notAllowed.Count > 0)
            Add(new GroupFindingDraft(Checks.PortOutsideAllowList, g)
            {
                Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = string.Join(",", notAllowed),
                Detail = $"{opening.ProtocolText} {string.Join(",", notAllowed)} open {where}; allowed ports are {string.Join(",", allowed)}.",
            });

        foreach (var (check, ports) in new[]
        {
            (Checks.SshFromInternet, (IReadOnlyList<int>)[22]), (Checks.RdpFromInternet, [3389]),
            (Checks.HighRiskPortFromInternet, audit.Options.HighRiskPorts), (Checks.ExtendedHighRiskPortFromInternet, audit.Options.ExtendedHighRiskPorts),
        })
        {
            var open = ports.Where(p => opening.Ports.Contains(p)).Distinct().Order().ToArray();
            if (open.Length == 0) continue;
            var protocol = opening.Protocol.IsAll ? IpProtocol.Tcp : opening.Protocol;
            string range = opening.Ports.From == opening.Ports.To || opening.Protocol.IsAll ? "" : $" (through the range {opening.Ports})";
            Add(new GroupFindingDraft(check, g)
            {
                Rules = opening.RulesFor(protocol, open[0]), Protocol = opening.ProtocolText, Ports = string.Join(",", open),
                Detail = $"{opening.ProtocolText} {string.Join(",", open)} open {where}{range}.",
            });
        }
        return made;
    }
}
