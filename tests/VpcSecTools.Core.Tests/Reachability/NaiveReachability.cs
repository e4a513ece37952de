using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// A deliberately naive reference evaluator for one VPC of ENIs: security groups, NACLs (port by port)
/// and route tables read rule by rule straight from the model lists, with its own address arithmetic,
/// no index and no shared code with the analyser. Answers the verdict and the blocking component.
/// </summary>
public static class NaiveReachability
{
    public static (bool Reachable, string? Blocker) Evaluate(TestNetwork n, NetworkInterface src, NetworkInterface dst, int protocol, int port, bool windowsClient)
    {
        uint s = Ip(src.PrivateIpAddress!), d = Ip(dst.PrivateIpAddress!);
        if (!GroupsAllow(n, src, dst, egress: true, protocol, port)) return (false, string.Join(", ", src.Groups.Select(g => g.GroupId)));
        bool crosses = src.SubnetId != dst.SubnetId;
        if (crosses)
        {
            var table = TableOf(n, src.SubnetId!);
            if (IsBlackhole(table, d)) return (false, table.RouteTableId);
            var aclOut = AclOf(n, src.SubnetId!);
            if (!AclAllows(aclOut, egress: true, d, protocol, port)) return (false, aclOut.NetworkAclId);
            var aclIn = AclOf(n, dst.SubnetId!);
            if (!AclAllows(aclIn, egress: false, s, protocol, port)) return (false, aclIn.NetworkAclId);
        }
        if (!GroupsAllow(n, dst, src, egress: false, protocol, port)) return (false, string.Join(", ", dst.Groups.Select(g => g.GroupId)));
        if (crosses)
        {
            var table = TableOf(n, dst.SubnetId!);
            if (IsBlackhole(table, s)) return (false, table.RouteTableId);
            int from = windowsClient ? 49152 : 32768, to = windowsClient ? 65535 : 60999;
            var aclOut = AclOf(n, dst.SubnetId!);
            for (int p = from; p <= to; p++) if (!AclAllows(aclOut, egress: true, s, protocol, p)) return (false, aclOut.NetworkAclId);
            var aclIn = AclOf(n, src.SubnetId!);
            for (int p = from; p <= to; p++) if (!AclAllows(aclIn, egress: false, d, protocol, p)) return (false, aclIn.NetworkAclId);
        }
        return (true, null);
    }

    private static bool GroupsAllow(TestNetwork n, NetworkInterface self, NetworkInterface other, bool egress, int protocol, int port)
    {
        uint otherIp = Ip(other.PrivateIpAddress!);
        foreach (var g in self.Groups)
        {
            var group = n.SecurityGroups.First(x => x.GroupId == g.GroupId);
            foreach (var rule in egress ? group.IpPermissionsEgress : group.IpPermissions)
            {
                int ruleProtocol = ProtocolNumber(rule.IpProtocol);
                if (ruleProtocol != -1)
                {
                    if (ruleProtocol != protocol) continue;
                    if (rule.FromPort is not null && rule.FromPort != -1 && (port < rule.FromPort || port > rule.ToPort)) continue;
                }
                foreach (var r in rule.IpRanges) if (InCidr(otherIp, r.CidrIp)) return true;
                foreach (var pair in rule.UserIdGroupPairs)
                    foreach (var og in other.Groups) if (og.GroupId == pair.GroupId) return true;
            }
        }
        return false;
    }

    private static RouteTable TableOf(TestNetwork n, string subnet) =>
        n.RouteTables.FirstOrDefault(t => t.Associations.Any(a => a.SubnetId == subnet)) ?? n.RouteTables.First(t => t.Associations.Any(a => a.Main == true));

    private static NetworkAcl AclOf(TestNetwork n, string subnet) =>
        n.NetworkAcls.FirstOrDefault(a => a.Associations.Any(x => x.SubnetId == subnet)) ?? n.NetworkAcls.First(a => a.IsDefault == true);

    private static bool IsBlackhole(RouteTable table, uint ip)
    {
        Route? best = null; int bestLength = -1;
        foreach (var r in table.Routes)
        {
            if (r.DestinationCidrBlock is null || !InCidr(ip, r.DestinationCidrBlock)) continue;
            int length = int.Parse(r.DestinationCidrBlock.Split('/')[1]);
            if (length > bestLength) { best = r; bestLength = length; }
        }
        return best is null || best.State == "blackhole";
    }

    private static bool AclAllows(NetworkAcl acl, bool egress, uint remote, int protocol, int port)
    {
        var entries = acl.Entries.Where(e => e.Egress == egress && e.CidrBlock is not null).ToList();
        entries.Sort((a, b) => a.RuleNumber.CompareTo(b.RuleNumber));
        foreach (var e in entries)
        {
            if (!InCidr(remote, e.CidrBlock!)) continue;
            int p = ProtocolNumber(e.Protocol);
            if (p != -1 && p != protocol) continue;
            if (p != -1 && e.PortRange is not null && (port < e.PortRange.From || port > e.PortRange.To)) continue;
            return e.RuleAction == "allow";
        }
        return false;
    }

    private static int ProtocolNumber(string p) => p switch { "tcp" or "6" => 6, "udp" or "17" => 17, "-1" => -1, _ => int.Parse(p) };

    private static bool InCidr(uint ip, string cidr)
    {
        var parts = cidr.Split('/');
        int length = int.Parse(parts[1]);
        uint mask = length == 0 ? 0 : uint.MaxValue << (32 - length);
        return (ip & mask) == (Ip(parts[0]) & mask);
    }

    private static uint Ip(string text)
    {
        var o = text.Split('.').Select(uint.Parse).ToArray();
        return (o[0] << 24) | (o[1] << 16) | (o[2] << 8) | o[3];
    }
}
