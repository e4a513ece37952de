using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// A deliberately naive reference evaluator for one VPC of ENIs: security groups, NACLs (port by port)
/// and route tables read rule by rule straight from the model lists, with its own address arithmetic,
/// no index and no shared code with the analyser. Answers the verdict and the blocking component.
/// A value it cannot read (a CIDR past /32, an unknown protocol or action, a port out of range) makes
/// its rule "maybe": a group answers Unknown if only a maybe rule could allow; a NACL keeps every
/// outcome a maybe entry before the deciding one could give; a route table is Unknown if a maybe route
/// could be the longest match. The walk stops at the first hop that does not allow, as the analyser's does.
/// </summary>
public static class NaiveReachability
{
    private enum Tri { No, Maybe, Yes }

    public static (Verdict Verdict, string? Blocker) Evaluate(TestNetwork n, NetworkInterface src, NetworkInterface dst, int protocol, int port, bool windowsClient)
    {
        uint s = Ip(src.PrivateIpAddress!), d = Ip(dst.PrivateIpAddress!);
        bool crosses = src.SubnetId != dst.SubnetId;
        var egress = Groups(n, src, dst, egress: true, protocol, port);
        if (egress.Verdict == Verdict.NotReachable) return egress;
        if (crosses)
        {
            var stop = FirstStop(
                () => Route(TableOf(n, src.SubnetId!), d),
                () => Acl(AclOf(n, src.SubnetId!), egress: true, d, protocol, port, port),
                () => Acl(AclOf(n, dst.SubnetId!), egress: false, s, protocol, port, port));
            if (stop is { Verdict: Verdict.NotReachable }) return stop.Value;
            // The request stops at an unknown hop: the first unknown of the request names it.
            if (stop is { } unknown) return egress.Verdict == Verdict.Unknown ? egress : unknown;
        }
        var ingress = Groups(n, dst, src, egress: false, protocol, port);
        if (ingress.Verdict == Verdict.NotReachable) return ingress;
        if (crosses)
        {
            int from = windowsClient ? 49152 : 32768, to = windowsClient ? 65535 : 60999;
            var stop = FirstStop(
                () => Route(TableOf(n, dst.SubnetId!), s),
                () => Acl(AclOf(n, dst.SubnetId!), egress: true, s, protocol, from, to),
                () => Acl(AclOf(n, src.SubnetId!), egress: false, d, protocol, from, to));
            if (stop is { } back) return back;
        }
        if (egress.Verdict == Verdict.Unknown) return egress;
        if (ingress.Verdict == Verdict.Unknown) return ingress;
        return (Verdict.Reachable, null);
    }

    private static (Verdict Verdict, string? Blocker)? FirstStop(params Func<(Verdict Verdict, string? Blocker)>[] hops)
    {
        foreach (var hop in hops)
        {
            var r = hop();
            if (r.Verdict != Verdict.Reachable) return r;
        }
        return null;
    }

    private static (Verdict Verdict, string? Blocker) Groups(TestNetwork n, NetworkInterface self, NetworkInterface other, bool egress, int protocol, int port)
    {
        uint otherIp = Ip(other.PrivateIpAddress!);
        string? maybe = null;
        foreach (var g in self.Groups)
        {
            var group = n.SecurityGroups.First(x => x.GroupId == g.GroupId);
            foreach (var rule in egress ? group.IpPermissionsEgress : group.IpPermissions)
            {
                var covers = Covers(rule, protocol, port);
                if (covers == Tri.No) continue;
                var whom = Tri.No;
                foreach (var r in rule.IpRanges) whom = Max(whom, InCidr(otherIp, r.CidrIp));
                foreach (var pair in rule.UserIdGroupPairs)
                    foreach (var og in other.Groups) if (og.GroupId == pair.GroupId) whom = Tri.Yes;
                if (covers == Tri.Yes && whom == Tri.Yes) return (Verdict.Reachable, null);
                if (whom != Tri.No) maybe ??= group.GroupId;
            }
        }
        return maybe is not null ? (Verdict.Unknown, maybe) : (Verdict.NotReachable, string.Join(", ", self.Groups.Select(g => g.GroupId)));
    }

    private static Tri Covers(IpPermission rule, int protocol, int port)
    {
        int? ruleProtocol = ProtocolNumber(rule.IpProtocol);
        if (ruleProtocol is null) return Tri.Maybe;
        if (ruleProtocol == -1) return Tri.Yes;
        if (ruleProtocol != protocol) return Tri.No;
        if (rule.FromPort is null or -1 || rule.ToPort is null or -1) return Tri.Yes;
        if (rule.FromPort is < 0 or > 65535 || rule.ToPort is < 0 or > 65535 || rule.FromPort > rule.ToPort) return Tri.Maybe;
        return port >= rule.FromPort && port <= rule.ToPort ? Tri.Yes : Tri.No;
    }

    private static RouteTable TableOf(TestNetwork n, string subnet) =>
        n.RouteTables.FirstOrDefault(t => t.Associations.Any(a => a.SubnetId == subnet)) ?? n.RouteTables.First(t => t.Associations.Any(a => a.Main == true));

    private static NetworkAcl AclOf(TestNetwork n, string subnet) =>
        n.NetworkAcls.FirstOrDefault(a => a.Associations.Any(x => x.SubnetId == subnet)) ?? n.NetworkAcls.First(a => a.IsDefault == true);

    /// <summary>Longest prefix, local before static at one length; a route that cannot be read could be any prefix up to /32.</summary>
    private static (Verdict Verdict, string? Blocker) Route(RouteTable table, uint ip)
    {
        Route? best = null; int bestLength = -1;
        bool unreadable = false;
        foreach (var r in table.Routes)
        {
            if (r.DestinationCidrBlock is null) continue;
            var match = InCidr(ip, r.DestinationCidrBlock);
            if (match == Tri.Maybe) { unreadable = true; continue; }
            if (match == Tri.No) continue;
            int length = int.Parse(r.DestinationCidrBlock.Split('/')[1]);
            if (length > bestLength || length == bestLength && r.GatewayId == "local") { best = r; bestLength = length; }
        }
        if (unreadable && bestLength < 32) return (Verdict.Unknown, table.RouteTableId);
        return best is null || best.State == "blackhole" ? (Verdict.NotReachable, table.RouteTableId) : (Verdict.Reachable, null);
    }

    /// <summary>Port by port over <paramref name="from"/>-<paramref name="to"/>: denied if any port is, else unknown if any port is.</summary>
    private static (Verdict Verdict, string? Blocker) Acl(NetworkAcl acl, bool egress, uint remote, int protocol, int from, int to)
    {
        var entries = acl.Entries.Where(e => e.Egress == egress && e.CidrBlock is not null).ToList();
        entries.Sort((a, b) => a.RuleNumber.CompareTo(b.RuleNumber));
        bool unknown = false;
        for (int port = from; port <= to; port++)
        {
            bool mayAllow = false, mayDeny = false, decided = false;
            foreach (var e in entries)
            {
                var match = Min(InCidr(remote, e.CidrBlock!), EntryCovers(e, protocol, port));
                if (match == Tri.No) continue;
                bool? allow = e.RuleAction switch { "allow" => true, "deny" => false, _ => null };
                if (allow != false) mayAllow = true;
                if (allow != true) mayDeny = true;
                if (match == Tri.Yes) { decided = true; break; }
            }
            if (!decided) mayDeny = true;
            if (!mayAllow) return (Verdict.NotReachable, acl.NetworkAclId);
            if (mayDeny) unknown = true;
        }
        return unknown ? (Verdict.Unknown, acl.NetworkAclId) : (Verdict.Reachable, null);
    }

    private static Tri EntryCovers(NetworkAclEntry e, int protocol, int port)
    {
        int? p = ProtocolNumber(e.Protocol);
        if (p is null) return Tri.Maybe;
        if (p == -1) return Tri.Yes;
        if (p != protocol) return Tri.No;
        if (e.PortRange is null) return Tri.Yes;
        if (e.PortRange.From is not (>= 0 and <= 65535) || e.PortRange.To is not (>= 0 and <= 65535) || e.PortRange.From > e.PortRange.To) return Tri.Maybe;
        return port >= e.PortRange.From && port <= e.PortRange.To ? Tri.Yes : Tri.No;
    }

    private static int? ProtocolNumber(string p) => p switch { "tcp" or "6" => 6, "udp" or "17" => 17, "-1" => -1, _ => null };

    /// <summary>Whether the address is in the CIDR; Maybe when the text is not an IPv4 CIDR this evaluator can read.</summary>
    private static Tri InCidr(uint ip, string cidr)
    {
        var parts = cidr.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[1], out int length) || length is < 0 or > 32 || !TryIp(parts[0], out uint network)) return Tri.Maybe;
        uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
        return (ip & mask) == (network & mask) ? Tri.Yes : Tri.No;
    }

    private static Tri Max(Tri a, Tri b) => a > b ? a : b;
    private static Tri Min(Tri a, Tri b) => a < b ? a : b;

    private static uint Ip(string text) => TryIp(text, out var ip) ? ip : throw new FormatException(text);

    private static bool TryIp(string text, out uint ip)
    {
        ip = 0;
        var o = text.Split('.');
        if (o.Length != 4) return false;
        foreach (var part in o)
        {
            if (!uint.TryParse(part, out var octet) || octet > 255) return false;
            ip = (ip << 8) | octet;
        }
        return true;
    }
}
