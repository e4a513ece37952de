using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>A NACL's decision for traffic: allowed or not, and the entry that decided (null = no entry matched).</summary>
public sealed record NetworkAclDecision(bool Allowed, NetworkAclEntry? Entry, string Detail)
{
    public int? RuleNumber => Entry?.RuleNumber;
    public string Rule => Entry is null ? "no matching entry (implicit deny)" : NetworkAclEvaluator.Describe(Entry);
}

/// <summary>
/// Network ACL evaluation (SEMANTICS 7-9): entries of one direction and one address family, by ascending
/// RuleNumber, first match wins. When the traffic is a port range (a client's ephemeral range on the
/// return path), the ACL allows it only if every port is allowed: a deny that catches any port blocks it.
/// </summary>
public static class NetworkAclEvaluator
{
    /// <summary>The decision of the NACL a subnet uses (explicit association, else the VPC's default); null when the snapshot has none.</summary>
    public static NetworkAclDecision? ForSubnet(SnapshotIndex index, string subnetId, bool egress, IpAddress remote, Traffic traffic) =>
        index.NetworkAclOf(subnetId).Acl is { } acl ? Evaluate(acl, egress, remote, traffic) : null;

    /// <param name="acl">The subnet's NACL.</param>
    /// <param name="egress">True for outbound entries (traffic leaving the subnet).</param>
    /// <param name="remote">The other end: the destination for outbound, the source for inbound.</param>
    /// <param name="traffic">Protocol and destination ports (or ICMP type/code) of the packet.</param>
    public static NetworkAclDecision Evaluate(NetworkAcl acl, bool egress, IpAddress remote, Traffic traffic)
    {
        // Port intervals still undecided; for protocols without ports a single pseudo-interval stands for "the packet".
        var open = new List<PortRange> { traffic.Protocol.HasPorts ? traffic.Ports ?? PortRange.All : PortRange.All };
        NetworkAclEntry? lastAllow = null;
        foreach (var entry in Ordered(acl, egress, remote.IsIPv6))
        {
            var cidrText = remote.IsIPv6 ? entry.Ipv6CidrBlock : entry.CidrBlock;
            if (!Cidr.TryParse(cidrText, out var cidr, HostBits.Normalise) || !cidr.Contains(remote)) continue;
            if (!IpProtocol.TryParse(entry.Protocol, out var protocol, out _)) continue;
            var match = Match(entry, protocol, traffic);
            if (match == Coverage.None) continue;
            bool allow = string.Equals(entry.RuleAction, "allow", StringComparison.OrdinalIgnoreCase);
            if (!allow) return new(false, entry, $"entry {entry.RuleNumber} denies {traffic} {(egress ? "to" : "from")} {remote}");
            if (match == Coverage.Partial) continue; // an allow for part of a "all protocols" query decides nothing
            if (traffic.Protocol.HasPorts)
            {
                var ports = protocol.IsAll || entry.PortRange is null ? PortRange.All : PortRange.FromRule(entry.PortRange.From, entry.PortRange.To);
                Subtract(open, ports);
                lastAllow = entry;
                if (open.Count > 0) continue;
            }
            return new(true, lastAllow ?? entry, $"entry {entry.RuleNumber} allows {traffic} {(egress ? "to" : "from")} {remote}");
        }
        return new(false, null, $"no entry allows {traffic} {(egress ? "to" : "from")} {remote}{(open.Count > 0 && lastAllow is not null ? " on ports " + string.Join(",", open) : "")}");
    }

    /// <summary>Entries of one direction and family in evaluation order (API order is not evaluation order).</summary>
    public static IEnumerable<NetworkAclEntry> Ordered(NetworkAcl acl, bool egress, bool ipv6) =>
        acl.Entries.Where(e => e.Egress == egress && (ipv6 ? e.Ipv6CidrBlock : e.CidrBlock) is not null).OrderBy(e => e.RuleNumber);

    private enum Coverage { None, Partial, Full }

    private static Coverage Match(NetworkAclEntry entry, IpProtocol protocol, Traffic traffic)
    {
        if (protocol.IsAll) return Coverage.Full;
        if (traffic.Protocol.IsAll) return Coverage.Partial;
        if (protocol.Number != traffic.Protocol.Number) return Coverage.None;
        if (traffic.Protocol.HasPorts)
        {
            var ports = entry.PortRange is null ? PortRange.All : PortRange.FromRule(entry.PortRange.From, entry.PortRange.To);
            return ports.Overlaps(traffic.Ports ?? PortRange.All) ? Coverage.Full : Coverage.None;
        }
        if (traffic.Protocol.IsIcmp)
        {
            int type = entry.IcmpTypeCode?.Type ?? -1, code = entry.IcmpTypeCode?.Code ?? -1;
            bool typeAll = type == -1, codeAll = code == -1;
            if (!typeAll && traffic.IcmpType is { } t && t != type) return Coverage.None;
            if (!codeAll && traffic.IcmpCode is { } c && c != code) return Coverage.None;
            bool full = (typeAll || traffic.IcmpType is not null) && (codeAll || traffic.IcmpCode is not null);
            return full ? Coverage.Full : Coverage.Partial;
        }
        return Coverage.Full;
    }

    private static void Subtract(List<PortRange> open, PortRange cut)
    {
        for (int i = open.Count - 1; i >= 0; i--)
        {
            var r = open[i];
            if (!r.Overlaps(cut)) continue;
            open.RemoveAt(i);
            if (r.From < cut.From) open.Add(new PortRange(r.From, cut.From - 1));
            if (r.To > cut.To) open.Add(new PortRange(cut.To + 1, r.To));
        }
    }

    /// <summary>An entry as one line: <c>inbound 100 allow tcp 22 0.0.0.0/0</c>.</summary>
    public static string Describe(NetworkAclEntry e)
    {
        var protocol = IpProtocol.TryParse(e.Protocol, out var p, out _) ? p.ToString() : e.Protocol;
        var ports = e.PortRange is null ? "" : " " + PortRange.FromRule(e.PortRange.From, e.PortRange.To);
        var icmp = e.IcmpTypeCode is null ? "" : string.Create(CultureInfo.InvariantCulture, $" type {e.IcmpTypeCode.Type} code {e.IcmpTypeCode.Code}");
        var number = e.RuleNumber == 32767 ? "*" : e.RuleNumber.ToString(CultureInfo.InvariantCulture);
        return $"{(e.Egress ? "outbound" : "inbound")} {number} {e.RuleAction} {protocol}{ports}{icmp} {e.CidrBlock ?? e.Ipv6CidrBlock}";
    }
}
