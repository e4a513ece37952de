using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>
/// What lets one packet into (or out of) a network interface at its own edge: the security-group permission that allows
/// it, and the entry of the subnet's network ACL, null when the other end is in the same subnet (NACLs filter only at the
/// subnet's edge, SEMANTICS 10). It does not follow routes: for a flow-log record, which was seen at the interface, it
/// names the rules that admitted it.
/// </summary>
/// <param name="SecurityGroup">The groups' decision: the permission that allows, or why none does.</param>
/// <param name="NetworkAcl">The subnet NACL's decision, null when it does not apply.</param>
/// <param name="NetworkAclId">The NACL that decided.</param>
public sealed record Admission(SecurityGroupDecision SecurityGroup, NetworkAclDecision? NetworkAcl, string? NetworkAclId)
{
    /// <summary>Both the groups and the NACL allow it.</summary>
    public bool Allowed => SecurityGroup.Result == HopResult.Allowed && NetworkAcl?.Result is null or HopResult.Allowed;

    /// <summary>
    /// Evaluates <paramref name="eni"/>'s groups and its subnet's NACL for a packet from (<paramref name="ingress"/>) or to
    /// <paramref name="peer"/>: the same evaluators as reachability, so both name the same permission and entry.
    /// </summary>
    public static Admission Of(SnapshotIndex index, NetworkInterface eni, bool ingress, SecurityGroupPeer peer, Traffic traffic)
    {
        var group = SecurityGroupEvaluator.Evaluate(index, eni, ingress, peer, traffic);
        if (eni.SubnetId is not { } subnet || index.SubnetCidrs(subnet).Any(c => c.Contains(peer.Address))) return new Admission(group, null, null);
        var acl = index.NetworkAclOf(subnet).Acl;
        return new Admission(group, acl is null ? null : NetworkAclEvaluator.Evaluate(index.RulesOf(acl).Of(!ingress, peer.Address.IsIPv6), !ingress, peer.Address, traffic),
            acl?.NetworkAclId);
    }

    /// <summary>E.g. <c>sg-1 IpPermissions[2] (inbound allow tcp 5432 from 10.0.0.0/16); acl-1 inbound 100 allow all 0.0.0.0/0</c>.</summary>
    public override string ToString()
    {
        var g = SecurityGroup;
        var group = g.Result == HopResult.Allowed && g.GroupId is { } id ? $"{id}{(g.PermissionIndex is { } n ? $" IpPermissions{(g.Rule.StartsWith("outbound", StringComparison.Ordinal) ? "Egress" : "")}[{n}]" : "")} ({g.Rule})"
            : $"{g.Rule}{(g.ExplanationCode is null ? "" : $" ({g.ExplanationCode})")}";
        return NetworkAcl is { } acl ? $"{group}; {Acl(acl)}" : group;
    }

    private string Acl(NetworkAclDecision d) => d.Result == HopResult.Unknown ? $"{NetworkAclId}: {d.Detail}" : $"{NetworkAclId} {d.Rule}";
}
