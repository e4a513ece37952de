using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>A private CIDR source whose ENIs are exactly the members of one group: suggest referencing the group.</summary>
internal sealed class CidrMatchesGroupCheck : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.CidrMatchesGroup];

    public void Run(AuditContext audit)
    {
        var addressesByVpc = new Dictionary<string, (IpAddress Address, NetworkInterface Eni)[]>(StringComparer.Ordinal);
        foreach (var g in audit.Groups)
        {
            if (g.VpcId is null) continue;
            foreach (var r in audit.Ingress(g))
            {
                if (r.Cidrs is not { Count: > 0 } || r.Kind == RuleSourceKind.SecurityGroup) continue;
                if (!addressesByVpc.TryGetValue(g.VpcId, out var addresses))
                    addressesByVpc[g.VpcId] = addresses = audit.Index.NetworkInterfaces.Values.Where(e => e.VpcId == g.VpcId)
                        .SelectMany(e => AddressesOf(e).Select(a => (a, e))).OrderBy(x => x.a).ToArray();
                Check(audit, g, r, addresses);
            }
        }
    }

    private static void Check(AuditContext audit, SecurityGroup g, SecurityGroupRule r, (IpAddress Address, NetworkInterface Eni)[] addresses)
    {
        foreach (var c in r.Cidrs!)
        {
            if (c.Prefix == 0 || AddressScope.HoldsInternet(c)) continue;
            int lo = LowerBound(addresses, c.First), hi = LowerBound(addresses, c.Last, inclusive: true);
            if (hi <= lo) continue;
            foreach (var candidate in addresses[lo].Eni.Groups.Select(x => x.GroupId).Distinct())
            {
                // Each member needs an address in the range, so a group with more members than that cannot match: stop
                // counting there (a group every ENI of the VPC carries made this check quadratic).
                var members = audit.Index.EnisInGroup(candidate).Where(e => e.VpcId == g.VpcId).Take(hi - lo + 1).ToArray();
                if (members.Length > hi - lo) continue;
                int inside = members.Sum(m => AddressesOf(m).Count(a => c.Contains(a)));
                // Every address in the range belongs to a member, and every member has one in the range.
                if (inside != hi - lo || members.Any(m => !AddressesOf(m).Any(a => c.Contains(a)))) continue;
                audit.Add(new GroupFindingDraft(Checks.CidrMatchesGroup, g)
                {
                    Rules = [r], Protocol = r.ProtocolText, Ports = r.PortsText, RelatedGroupIds = [candidate], Source = c.ToString(),
                    Detail = $"{c} covers exactly the {members.Length} network interface(s) of {candidate}; referencing {candidate} would admit the same today and nothing else tomorrow.",
                });
                break;
            }
        }
    }

    private static IEnumerable<IpAddress> AddressesOf(NetworkInterface e) =>
        e.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(e.PrivateIpAddress).Concat(e.Ipv6Addresses.Select(a => a.Ipv6Address))
            .Where(t => !string.IsNullOrEmpty(t)).Distinct().Select(t => IpAddress.TryParse(t, out var ip) ? (IpAddress?)ip : null)
            .Where(ip => ip is not null).Select(ip => ip!.Value);

    private static int LowerBound((IpAddress Address, NetworkInterface Eni)[] items, IpAddress key, bool inclusive = false)
    {
        int lo = 0, hi = items.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            int cmp = items[mid].Address.CompareTo(key);
            if (cmp < 0 || (inclusive && cmp == 0)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
