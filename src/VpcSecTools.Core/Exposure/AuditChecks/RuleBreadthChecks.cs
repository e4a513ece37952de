using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>How much one rule opens on its own: a wide public CIDR, one public address on every port, a wide port range.</summary>
internal sealed class RuleBreadthChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.WidePublicCidr, Checks.PublicIpAnyPort, Checks.WidePortRange];

    public void Run(AuditContext audit)
    {
        var options = audit.Options;
        foreach (var g in audit.Groups)
            foreach (var r in audit.Ingress(g))
            {
                if (r.Cidrs is null) continue;
                foreach (var c in r.Cidrs)
                {
                    if (c.Prefix == 0 || !AddressScope.HoldsInternet(c)) continue;
                    if (c.Prefix <= (c.IsIPv6 ? options.WidePublicIPv6Prefix : options.WidePublicIPv4Prefix))
                        audit.Add(new GroupFindingDraft(Checks.WidePublicCidr, g)
                        {
                            Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText, Source = c.ToString(),
                            Detail = $"{r.ProtocolText} {r.PortsText} open to {c} ({c.Size} public addresses){Via(r)}.",
                        });
                    if (c.Prefix == (c.IsIPv6 ? 128 : 32) && r.OpensAllPorts)
                        audit.Add(new GroupFindingDraft(Checks.PublicIpAnyPort, g)
                        {
                            Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText, Source = c.ToString(),
                            Detail = $"The public address {c.First} may reach every {(r.Protocol.IsAll ? "protocol and port" : r.ProtocolText + " port")}{Via(r)}.",
                        });
                }

                int count = r.Protocol.IsAll ? PortRange.All.Count : r.Ports.Count;
                if (r.Kind != RuleSourceKind.SecurityGroup && (r.Protocol.IsAll || r.Protocol.HasPorts) && count > options.WidePortRangeThreshold && r.Cidrs.Count > 0)
                    audit.Add(new GroupFindingDraft(Checks.WidePortRange, g)
                    {
                        Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText,
                        Detail = $"{r.ProtocolText} {r.PortsText} ({count} ports) open to {r.Source}; the threshold is {options.WidePortRangeThreshold}.",
                    });
            }
    }

    private static string Via(SecurityGroupRule r) => r.Kind == RuleSourceKind.PrefixList ? $" through prefix list {r.Source}" : "";
}
