using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// What each network ACL admits from the internet, in rule order, and ACLs no subnet uses. An inbound entry that
/// cannot be read may be an allow of everything: what that worst case would admit is reported unconfirmed, and so
/// is what the readable entries admit behind it (it may be a deny).
/// </summary>
internal sealed class NetworkAclChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } =
        [Checks.NaclAllFromInternet, Checks.NaclSshFromInternet, Checks.NaclRdpFromInternet, Checks.UnusedNetworkAcl];

    public bool RunsWith(AuditOptions options, AuditScope scope) => scope.GroupIds.Count == 0;

    public void Run(AuditContext audit)
    {
        foreach (var acl in audit.Acls)
        {
            if (acl.IsDefault != true && acl.Associations.Count(a => a.SubnetId is not null) == 0)
                audit.Add(new AclFindingDraft(Checks.UnusedNetworkAcl, acl) { Detail = "It is associated with no subnet." });

            foreach (var ipv6 in new[] { false, true })
            {
                var entries = NetworkAclEvaluation.Entries(audit.Index, acl, false, ipv6, audit.Notes);
                var unreadable = Unreadable(audit.Index, acl, ipv6);
                if (entries.Count == 0 && unreadable.Length == 0) continue;
                var family = ipv6 ? "::/0" : "0.0.0.0/0";
                // The worst case of each unreadable entry: an allow of every protocol and port from the whole internet.
                var worst = entries.Concat(unreadable.Select(e => new AclEntryView(e.RuleNumber, true, IpProtocol.All, PortRange.All, Cidr.Parse(family))))
                    .OrderBy(e => e.RuleNumber).ToArray();
                var missing = unreadable.Length == 0 ? null
                    : $"inbound {string.Join(", ", unreadable.Select(e => $"entry {e.RuleNumber} ({e.Protocol} {e.CidrBlock ?? e.Ipv6CidrBlock ?? "no CIDR"})"))} cannot be read";
                // A finding stands when every entry that admits it comes before the first unreadable one.
                int firstUnreadable = unreadable.Length == 0 ? int.MaxValue : unreadable.Min(e => e.RuleNumber);
                string? Unless(IEnumerable<AclEntryView> allowing) => allowing.All(entries.Contains) && allowing.All(a => a.RuleNumber < firstUnreadable) ? null : missing;

                // All traffic is judged protocol by protocol, so the evidence names one protocol's entries: every readable allow may take part.
                if (NetworkAclEvaluation.AllTrafficOpen(entries, ipv6, out var all) || (unreadable.Length > 0 && NetworkAclEvaluation.AllTrafficOpen(worst, ipv6, out all)))
                    audit.Add(new AclFindingDraft(Checks.NaclAllFromInternet, acl)
                    {
                        Opening = all, Protocol = "all", Ports = "all", Source = family, MissingData = Unless(all.Allowing.Concat(entries.Where(e => e.Allow && !e.IsDefaultDeny))),
                        Detail = $"Every protocol and port is admitted from {family}{Shadowed(all)}.",
                    });
                foreach (var (check, port) in new[] { (Checks.NaclSshFromInternet, 22), (Checks.NaclRdpFromInternet, 3389) })
                    foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
                    {
                        var opening = NetworkAclEvaluation.OpenToInternet(entries, protocol, new PortRange(port, port), ipv6);
                        if (opening.IsEmpty && unreadable.Length > 0) opening = NetworkAclEvaluation.OpenToInternet(worst, protocol, new PortRange(port, port), ipv6);
                        if (opening.IsEmpty) continue;
                        audit.Add(new AclFindingDraft(check, acl)
                        {
                            Opening = opening, Protocol = protocol.ToString(), Ports = $"{port}", Source = family, MissingData = Unless(opening.Allowing),
                            Detail = $"{protocol} {port} is admitted from {family} by {string.Join(", ", opening.Allowing)}{Shadowed(opening)}.",
                        });
                        break;
                    }
            }
        }
    }

    /// <summary>
    /// Inbound entries of one family that the index's reading could not read (bad CIDR or protocol), as it lists them: an
    /// entry whose family cannot be told (no CIDR, both, or one of the other family in the field) stands in both families.
    /// </summary>
    private static NetworkAclEntry[] Unreadable(SnapshotIndex index, NetworkAcl acl, bool ipv6) =>
        index.RulesOf(acl).Of(false, ipv6).Where(r => !r.IsReadable && r.RuleNumber < 32767).Select(r => r.Entry).ToArray();

    private static string Shadowed(AclOpening o) =>
        o.Shadowing.Count == 0 ? "" : $" ({string.Join(", ", o.Shadowing)} first)";
}
