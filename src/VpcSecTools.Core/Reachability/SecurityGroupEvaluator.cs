using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>
/// The other end of a connection as a security group sees it: its address, and (when the address is
/// that ENI's own private address and nothing on the way erased its identity) the ENI itself, so that
/// group references can be matched (SEMANTICS 4).
/// </summary>
/// <param name="Address">The address in the packet (the source for ingress, the destination for egress).</param>
/// <param name="NetworkInterface">The ENI holding that private address, when known.</param>
/// <param name="ReferencesPreserved">
/// True when a group reference can match: same VPC, an active same-region peering, or a transit gateway
/// with security-group referencing enabled on it and its attachments; false after NAT, an internet gateway
/// or an appliance.
/// </param>
public sealed record SecurityGroupPeer(IpAddress Address, NetworkInterface? NetworkInterface, bool ReferencesPreserved);

/// <summary>A security-group decision: the group and permission (0-based index) that allowed, or why not.</summary>
public sealed record SecurityGroupDecision(HopResult Result, string? GroupId, int? PermissionIndex, string Rule, string Detail, string? ExplanationCode);

/// <summary>
/// Security-group evaluation (SEMANTICS 1-6): allow rules only, every group on the ENI unioned, one
/// direction (ingress at the destination, egress at the source; the response is always allowed).
/// A rule that might match but cannot be resolved (prefix list without entries, a group of ENIs not in
/// the snapshot) makes the answer Unknown unless another rule allows.
/// </summary>
public static class SecurityGroupEvaluator
{
    public static SecurityGroupDecision Evaluate(SnapshotIndex index, NetworkInterface eni, bool ingress, SecurityGroupPeer peer, Traffic traffic)
    {
        string direction = ingress ? "from" : "to";
        if (!index.Captured(eni.NetworkInterfaceId, Section.SecurityGroups) && eni.Groups.All(g => !index.SecurityGroups.ContainsKey(g.GroupId)))
            return new(HopResult.Unknown, null, null, "SecurityGroups not captured", "the snapshot has no security groups for this ENI's region", ExplanationCodes.SectionNotCaptured);
        if (eni.Groups.Count == 0 && IsUnfiltered(eni))
            return new(HopResult.Allowed, null, null, "no security groups", $"security groups do not apply to {eni.InterfaceType} interfaces", null);
        SecurityGroupDecision? unknown = null;
        foreach (var g in eni.Groups)
        {
            if (!index.SecurityGroups.TryGetValue(g.GroupId, out var group))
            {
                unknown ??= new(HopResult.Unknown, g.GroupId, null, g.GroupId, $"{g.GroupId} is on the ENI but not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
                continue;
            }
            var permissions = ingress ? group.IpPermissions : group.IpPermissionsEgress;
            for (int i = 0; i < permissions.Count; i++)
            {
                var p = permissions[i];
                if (!Covers(p, traffic)) continue;
                var (result, what, code) = MatchPeer(index, p, peer);
                if (result == HopResult.Allowed)
                    return new(HopResult.Allowed, group.GroupId, i, Describe(ingress, p, what), $"{group.GroupId} permission {i} allows {traffic} {direction} {peer.Address}", null);
                if (result == HopResult.Unknown)
                    unknown ??= new(HopResult.Unknown, group.GroupId, i, Describe(ingress, p, what), $"{group.GroupId} permission {i} may allow {traffic} {direction} {peer.Address}: {code switch { ExplanationCodes.UnknownPeeredGroups => "the referenced group's ENIs are not in the snapshot", _ => "the prefix list's entries were not captured" }}", code);
            }
        }
        if (unknown is not null) return unknown;
        var groups = string.Join(", ", eni.Groups.Select(g => g.GroupId));
        return new(HopResult.Denied, groups, null, $"no {(ingress ? "inbound" : "outbound")} rule of {(groups.Length == 0 ? "(no groups)" : groups)} allows it",
            $"no rule allows {traffic} {direction} {peer.Address}", ExplanationCodes.SecurityGroupRules);
    }

    /// <summary>AWS-managed interfaces that carry no security groups and are not filtered by them.</summary>
    public static bool IsUnfiltered(NetworkInterface eni) => eni.InterfaceType is "nat_gateway" or "natGateway" or "transit_gateway" or "gateway_load_balancer_endpoint";

    /// <summary>Whether the permission's protocol and ports (or ICMP type/code) allow all of the traffic.</summary>
    public static bool Covers(IpPermission p, Traffic traffic)
    {
        if (!IpProtocol.TryParse(p.IpProtocol, out var protocol, out _)) return false;
        if (protocol.IsAll) return true;
        if (traffic.Protocol.IsAll || protocol.Number != traffic.Protocol.Number) return false;
        if (protocol.HasPorts) return PortRange.FromRule(p.FromPort, p.ToPort).Contains(traffic.Ports ?? PortRange.All);
        if (protocol.IsIcmp)
        {
            int type = p.FromPort ?? -1, code = p.ToPort ?? -1;
            if (type != -1 && traffic.IcmpType != type) return false;
            return code == -1 || traffic.IcmpCode == code;
        }
        return true;
    }

    private static (HopResult, string, string?) MatchPeer(SnapshotIndex index, IpPermission p, SecurityGroupPeer peer)
    {
        var address = peer.Address;
        foreach (var r in address.IsIPv6 ? p.Ipv6Ranges.Select(r => r.CidrIpv6) : p.IpRanges.Select(r => r.CidrIp))
            if (Cidr.TryParse(r, out var c, HostBits.Normalise) && c.Contains(address)) return (HopResult.Allowed, r, null);
        (HopResult, string, string?)? unknown = null;
        foreach (var pl in p.PrefixListIds)
        {
            var cidrs = index.PrefixListCidrs(pl.PrefixListId);
            if (cidrs is null) { unknown ??= (HopResult.Unknown, pl.PrefixListId, ExplanationCodes.PrefixListEntriesMissing); continue; }
            if (cidrs.Any(c => c.Contains(address))) return (HopResult.Allowed, pl.PrefixListId, null);
        }
        foreach (var pair in p.UserIdGroupPairs)
        {
            if (pair.GroupId is null || string.Equals(pair.PeeringStatus, "deleted", StringComparison.OrdinalIgnoreCase)) continue;
            if (!peer.ReferencesPreserved) continue;
            if (peer.NetworkInterface is { } eni)
            {
                if (eni.Groups.Any(g => g.GroupId == pair.GroupId)) return (HopResult.Allowed, pair.GroupId, null);
                continue;
            }
            // No ENI of the snapshot holds the address: the reference decides only if we know the group's ENIs.
            bool known = index.SecurityGroups.ContainsKey(pair.GroupId) && index.Captured(pair.GroupId, Section.NetworkInterfaces);
            if (!known) unknown ??= (HopResult.Unknown, pair.UserId is null ? pair.GroupId : $"{pair.UserId}/{pair.GroupId}", ExplanationCodes.UnknownPeeredGroups);
        }
        return unknown ?? (HopResult.Denied, "", null);
    }

    private static string Describe(bool ingress, IpPermission p, string peer)
    {
        var protocol = IpProtocol.TryParse(p.IpProtocol, out var parsed, out _) ? parsed : IpProtocol.All;
        var ports = protocol.HasPorts ? " " + PortRange.FromRule(p.FromPort, p.ToPort)
            : protocol.IsIcmp ? string.Create(CultureInfo.InvariantCulture, $" type {p.FromPort ?? -1} code {p.ToPort ?? -1}") : "";
        return $"{(ingress ? "inbound" : "outbound")} allow {protocol}{ports} {(ingress ? "from" : "to")} {peer}";
    }
}
