using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// A dual-stack subnet whose route table treats the IPv4 and the IPv6 internet differently (route tables apply the two
/// families separately). Public over IPv6 where IPv4 is private (::/0 to the internet gateway, 0.0.0.0/0 to a NAT gateway
/// or nowhere) is the classic mistake the egress-only gateway exists for, rated high; one family with a way out and the
/// other with none is low.
/// </summary>
internal sealed class RouteParityChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.RouteFamilyParity];

    public bool RunsWith(AuditOptions options, AuditScope scope) => scope.GroupIds.Count == 0;

    public void Run(AuditContext audit)
    {
        foreach (var subnet in audit.Index.Subnets.Values)
        {
            if (!audit.Scope.IncludesVpc(subnet.VpcId) || !audit.Index.SubnetCidrs(subnet.SubnetId).Any(c => c.IsIPv6)) continue;
            var (table, isExplicit) = audit.Index.RouteTableOf(subnet.SubnetId);
            var name = subnet.Tags.NameTag();
            if (table is null)
            {
                audit.Add(new ResourceFindingDraft(Checks.RouteFamilyParity, subnet.SubnetId)
                {
                    ResourceName = name, VpcId = subnet.VpcId,
                    MissingData = $"neither an explicit route table of {subnet.SubnetId} nor the main table of {subnet.VpcId} is in the snapshot",
                    Detail = $"{subnet.SubnetId} has an IPv6 CIDR, but its route table is not in the snapshot: whether it is public over IPv6 is Unknown.",
                });
                continue;
            }
            var lookup = audit.Index.RouteLookupOf(table);
            var v4 = InternetRoute.Of(lookup, ipv6: false);
            var v6 = InternetRoute.Of(lookup, ipv6: true);
            var missing = v4.Unknown ?? v6.Unknown;
            string uses = $"{table.RouteTableId}{(isExplicit ? "" : " (the main table, used implicitly)")}";
            Severity? severity;
            string what;
            if (v6.Public && !v4.Public)
            {
                severity = null;
                what = $"is public over IPv6 but not over IPv4: {uses} sends {v6.Evidence}, while {(v4.None ? $"IPv4 has no way out ({v4.Evidence})" : $"IPv4 goes {v4.Evidence}")}. " +
                    $"Anything in it with an IPv6 address can be reached from the whole IPv6 internet as far as its security groups and NACL allow.{Occupants(audit, subnet)}";
            }
            else if (v4.None != v6.None && missing is null)
            {
                severity = Severity.Low;
                var (with, without) = v4.None ? ("IPv6", "IPv4") : ("IPv4", "IPv6");
                what = $"has a way to the {with} internet but none to the {without} internet: {uses} sends {(v4.None ? v6.Evidence : v4.Evidence)}, and {(v4.None ? v4.Evidence : v6.Evidence)}. " +
                    $"Dual-stack clients in it fail or fall back when a name resolves to {without} first.";
            }
            else if (missing is not null && (v6.Public || v4.Public || v4.None || v6.None))
            {
                severity = null;
                what = $"may route the two families differently: {missing}.";
            }
            else continue;
            audit.Add(new ResourceFindingDraft(Checks.RouteFamilyParity, subnet.SubnetId)
            {
                ResourceName = name, VpcId = subnet.VpcId, Severity = severity, MissingData = missing,
                Rule = $"{v4.Evidence}; {v6.Evidence}",
                Source = table.RouteTableId,
                Detail = $"{name ?? subnet.SubnetId} ({subnet.SubnetId}) {what}",
            });
        }
    }

    /// <summary>The interfaces in the subnet that have an IPv6 address today, as evidence of what is public.</summary>
    private static string Occupants(AuditContext audit, Subnet subnet)
    {
        var withV6 = audit.Index.EnisInSubnet(subnet.SubnetId).Where(e => e.Ipv6Addresses.Count > 0).ToArray();
        return withV6.Length == 0
            ? " No interface in it has an IPv6 address today; the next one launched with one is public."
            : $" Interfaces with IPv6 addresses in it: {string.Join(", ", withV6.Take(5).Select(e => $"{e.NetworkInterfaceId} ({ExposureAnalysis.OwnerOf(e)}, {e.Ipv6Addresses[0].Ipv6Address})"))}{(withV6.Length > 5 ? $" and {withV6.Length - 5} more" : "")}.";
    }
}
