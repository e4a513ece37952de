using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>Ports open to one family's internet and not to the other's (the IPv6 blind spot of other auditors).</summary>
internal sealed class Ipv6ParityChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.Ipv6OnlyOpening, Checks.Ipv4OnlyOpening];

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
        {
            var openings = audit.Openings(g);
            bool dualStack = g.VpcId is not null && audit.Index.VpcCidrs(g.VpcId).Any(c => c.IsIPv6);
            foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
            {
                var v4 = openings.Where(o => !o.IsIPv6 && (o.Protocol.IsAll || o.Protocol == protocol)).ToArray();
                var v6 = openings.Where(o => o.IsIPv6 && (o.Protocol.IsAll || o.Protocol == protocol)).ToArray();
                foreach (var (only, other, check) in new[] { (v6, v4, Checks.Ipv6OnlyOpening), (v4, v6, Checks.Ipv4OnlyOpening) })
                {
                    if (check == Checks.Ipv4OnlyOpening && !dualStack) continue;
                    foreach (var o in only)
                    {
                        var gaps = OpenPortAudit.Subtract(o.Ports, other.Select(x => x.Ports));
                        if (gaps.Count == 0) continue;
                        string onFamily = o.IsIPv6 ? "IPv6" : "IPv4", offFamily = o.IsIPv6 ? "IPv4" : "IPv6";
                        audit.Add(new GroupFindingDraft(check, g)
                        {
                            Rules = o.Rules, Protocol = protocol.ToString(), Ports = string.Join(",", gaps),
                            Detail = $"{protocol} {string.Join(",", gaps)} is open to the whole {onFamily} internet ({o.SourceText}) but not to the {offFamily} internet.",
                        });
                    }
                }
            }
        }
    }
}
