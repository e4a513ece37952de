using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>What each network ACL admits from the internet, in rule order, and ACLs no subnet uses.</summary>
internal sealed class NetworkAclChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } =
        [Checks.NaclAllFromInternet, Checks.NaclSshFromInternet, Checks.NaclRdpFromInternet, Checks.UnusedNetworkAcl];

    public void Run(AuditContext audit)
    {
        foreach (var acl in audit.Acls)
        {
            if (acl.IsDefault != true && acl.Associations.Count(a => a.SubnetId is not null) == 0)
                audit.Add(new AclFindingDraft(Checks.UnusedNetworkAcl, acl) { Detail = "It is associated with no subnet." });

            foreach (var ipv6 in new[] { false, true })
            {
                var entries = NetworkAclEvaluation.Entries(acl, false, ipv6, audit.Notes);
                if (entries.Count == 0) continue;
                string family = ipv6 ? "::/0" : "0.0.0.0/0";
                if (NetworkAclEvaluation.AllTrafficOpen(entries, ipv6, out var all))
                    audit.Add(new AclFindingDraft(Checks.NaclAllFromInternet, acl)
                    {
                        Opening = all, Protocol = "all", Ports = "all", Source = family,
                        Detail = $"Every protocol and port is admitted from {family}{Shadowed(all)}.",
                    });
                foreach (var (check, port) in new[] { (Checks.NaclSshFromInternet, 22), (Checks.NaclRdpFromInternet, 3389) })
                    foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
                    {
                        var opening = NetworkAclEvaluation.OpenToInternet(entries, protocol, new PortRange(port, port), ipv6);
                        if (opening.IsEmpty) continue;
                        audit.Add(new AclFindingDraft(check, acl)
                        {
                            Opening = opening, Protocol = protocol.ToString(), Ports = $"{port}", Source = family,
                            Detail = $"{protocol} {port} is admitted from {family} by {string.Join(", ", opening.Allowing)}{Shadowed(opening)}.",
                        });
                        break;
                    }
            }
        }
    }

    private static string Shadowed(AclOpening o) =>
        o.Shadowing.Count == 0 ? "" : $" ({string.Join(", ", o.Shadowing)} first)";
}
