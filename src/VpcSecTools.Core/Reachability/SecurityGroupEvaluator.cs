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
/// Being a union of allows, a rule can only add permission: a rule that might match but cannot be resolved (a
/// value that cannot be read, a prefix list without entries, a group of ENIs not in the snapshot) makes the answer
/// Unknown, naming it, unless another rule allows for sure (SEMANTICS 0).
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
        // A Network Load Balancer created without security groups filters nothing: its targets' groups do.
        if (eni.Groups.Count == 0 && eni.InterfaceType == "network_load_balancer")
            return new(HopResult.Allowed, null, null, "no security groups", "a Network Load Balancer created without security groups does not filter traffic", null);
        SecurityGroupDecision? unknown = null;
        foreach (var g in eni.Groups)
        {
            if (index.PermissionsOf(g.GroupId) is not { } group)
            {
                unknown ??= new(HopResult.Unknown, g.GroupId, null, g.GroupId, $"{g.GroupId} is on the ENI but not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
                continue;
            }
            foreach (var p in group.Of(ingress))
            {
                var covers = Covers(p, traffic);
                if (covers == false) continue;
                var (result, what, why, code) = MatchPeer(index, p, peer);
                if (result == HopResult.Denied) continue;
                if (result == HopResult.Allowed && covers == true)
                    return new(HopResult.Allowed, p.GroupId, p.Index, Describe(p, what), $"{p.GroupId} permission {p.Index} allows {traffic} {direction} {peer.Address}", null);
                // Which traffic the permission covers could not be read: it may allow.
                if (covers is null) (why, code) = (p.CoverageProblem!.ToString(), ExplanationCodes.UninterpretableEntry);
                unknown ??= new(HopResult.Unknown, p.GroupId, p.Index, Describe(p, what), $"{why}: permission {p.Index} of {p.GroupId} may allow {traffic} {direction} {peer.Address}", code);
            }
        }
        if (unknown is not null) return unknown;
        var groups = string.Join(", ", eni.Groups.Select(g => g.GroupId));
        return new(HopResult.Denied, groups, null, $"no {(ingress ? "inbound" : "outbound")} rule of {(groups.Length == 0 ? "(no groups)" : groups)} allows it",
            $"no rule allows {traffic} {direction} {peer.Address}", ExplanationCodes.SecurityGroupRules);
    }

    /// <summary>AWS-managed interfaces that carry no security groups and are not filtered by them.</summary>
    public static bool IsUnfiltered(NetworkInterface eni) => eni.InterfaceType is "nat_gateway" or "natGateway" or "transit_gateway" or "gateway_load_balancer_endpoint";

    /// <summary>Whether the permission's protocol and ports (or ICMP type/code) allow all of the traffic; null when they could not be read.</summary>
    public static bool? Covers(GroupPermission p, Traffic traffic)
    {
        if (p.Protocol is not { } protocol) return null;
        if (protocol.IsAll) return true;
        if (traffic.Protocol.IsAll || protocol.Number != traffic.Protocol.Number) return false;
        if (protocol.HasPorts) return p.Ports is { } ports ? ports.Contains(traffic.Ports ?? PortRange.All) : null;
        if (protocol.IsIcmp)
        {
            if (p.Icmp is not var (type, code)) return null;
            if (type != -1 && traffic.IcmpType != type) return false;
            return code == -1 || traffic.IcmpCode == code;
        }
        return true;
    }

    /// <summary>
    /// Whether the permission names the peer: by a CIDR of its family, a prefix list, or a group it is in (only where its
    /// identity is preserved and only its private address: SEMANTICS 4). Unknown, with why and the code, when a part that
    /// could name it cannot be resolved: a value not read, a prefix list without entries, a group whose ENIs are not seen.
    /// </summary>
    private static (HopResult Result, string What, string Why, string? Code) MatchPeer(SnapshotIndex index, GroupPermission p, SecurityGroupPeer peer)
    {
        var address = peer.Address;
        var (cidrs, problems) = p.Family(address.IsIPv6);
        foreach (var c in cidrs)
            if (c.Cidr.Contains(address)) return (HopResult.Allowed, c.Text, "", null);
        (HopResult, string, string, string?)? unknown = null;
        if (problems.Count > 0) unknown = (HopResult.Unknown, problems[0].Field, problems[0].ToString(), ExplanationCodes.UninterpretableEntry);
        foreach (var pl in p.PrefixListIds)
        {
            var listed = index.PrefixListCidrs(pl);
            if (listed is not null && listed.Any(c => c.Contains(address))) return (HopResult.Allowed, pl, "", null);
            if (listed is null) unknown ??= (HopResult.Unknown, pl, "the prefix list's entries were not captured", ExplanationCodes.PrefixListEntriesMissing);
            else if (index.ProblemsOf(pl) is [var broken, ..]) unknown ??= (HopResult.Unknown, pl, broken.ToString(), ExplanationCodes.UninterpretableEntry);
        }
        if (!peer.ReferencesPreserved) return unknown ?? (HopResult.Denied, "", "", null);
        foreach (var pair in p.References)
        {
            var groupId = pair.GroupId!;
            if (peer.NetworkInterface is { } eni)
            {
                if (eni.Groups.Any(g => g.GroupId == groupId)) return (HopResult.Allowed, groupId, "", null);
                continue;
            }
            // No ENI of the snapshot holds the address: it is in no group of this snapshot, but a group whose members
            // the snapshot cannot see (another account's, across a peering) may hold it (SEMANTICS 0, 4).
            bool membersSeen = index.SecurityGroups.ContainsKey(groupId) && index.Captured(groupId, Section.NetworkInterfaces);
            if (!membersSeen)
                unknown ??= (HopResult.Unknown, pair.UserId is null ? groupId : $"{pair.UserId}/{groupId}", "the referenced group's ENIs are not in the snapshot", ExplanationCodes.UnknownPeeredGroups);
        }
        if (p.ReferenceProblems.Count > 0) unknown ??= (HopResult.Unknown, p.ReferenceProblems[0].Field, p.ReferenceProblems[0].ToString(), ExplanationCodes.UninterpretableEntry);
        return unknown ?? (HopResult.Denied, "", "", null);
    }

    private static string Describe(GroupPermission p, string peer)
    {
        var raw = p.Permission;
        var protocol = p.Protocol?.ToString() ?? $"'{raw.IpProtocol}'";
        var ports = p.Protocol is { HasPorts: true } || p.Protocol is null && raw.FromPort is not null
            ? " " + (p.Ports?.ToString() ?? string.Create(CultureInfo.InvariantCulture, $"{raw.FromPort}-{raw.ToPort}"))
            : p.Protocol is { IsIcmp: true } ? string.Create(CultureInfo.InvariantCulture, $" type {raw.FromPort ?? -1} code {raw.ToPort ?? -1}") : "";
        return $"{(p.Ingress ? "inbound" : "outbound")} allow {protocol}{ports} {(p.Ingress ? "from" : "to")} {peer}";
    }
}
