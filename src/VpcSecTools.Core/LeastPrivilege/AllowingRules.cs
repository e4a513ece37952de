using System.Collections.Concurrent;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Exposure;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>How sure it is that a rule matches.</summary>
internal enum RuleMatch { No, Maybe, Yes }

/// <summary>What the snapshot can say about who a peer is.</summary>
internal enum PeerKind
{
    /// <summary>An ENI of the snapshot holds the address (privately, or as its public IPv4).</summary>
    Eni,
    /// <summary>No ENI could hold it: the internet, an AWS range, on premises, a subnet's reserved address.</summary>
    NoEni,
    /// <summary>Inside a VPC but held by no ENI now: an ENI deleted since (Lambda, ECS tasks come and go) may have held it.</summary>
    GoneEni,
    /// <summary>The snapshot cannot tell (overlapping candidates, a VPC it does not hold).</summary>
    Unresolved,
}

/// <summary>
/// The other end of a flow as a security group of the ENI sees it: the address in the packet and, when the routes from
/// the ENI's VPC lead to an ENI of the snapshot that holds it, that ENI and whether a group reference can match it
/// (same VPC, a same-region peering, a transit gateway with security-group referencing on: SEMANTICS 4).
/// </summary>
internal sealed record FlowPeer(IpAddress Address, PeerKind Kind, NetworkInterface? NetworkInterface, bool? IdentityPreserved, AddressAttribution? Attribution)
{
    /// <summary>Who the address is, in a few words (the IP map's label).</summary>
    public string Owner => Attribution?.ToString() ?? Kind.ToString();
}

/// <summary>
/// Who the peers of flows are, from the IP map seen from the ENI's VPC (its routes, peerings and transit gateways):
/// each distinct (address, VPC) is resolved once.
/// </summary>
internal sealed class FlowPeers(SnapshotIndex index, AwsIpRangeSet ranges)
{
    private readonly AddressAttributor _attributor = new(index, ranges);
    private readonly ConcurrentDictionary<(IpAddress, string?), FlowPeer> _seen = new();

    public SnapshotIndex Index => index;

    public FlowPeer Of(IpAddress address, NetworkInterface from) => _seen.GetOrAdd((address, from.VpcId), key => Resolve(key.Item1, key.Item2));

    private FlowPeer Resolve(IpAddress address, string? vpcId)
    {
        AddressAttribution attribution;
        try { attribution = _attributor.Attribute(address, vpcId is not null && index.Vpcs.ContainsKey(vpcId) ? vpcId : null); }
        catch (VpcNotInSnapshotException) { attribution = _attributor.Attribute(address); }
        var owner = attribution.Owner is { } o ? index.NetworkInterfaces.GetValueOrDefault(o.NetworkInterfaceId) : null;
        switch (attribution.Scope)
        {
            case AttributionScope.ThisVpc or AttributionScope.PeeredVpc or AttributionScope.TransitGateway when owner is not null:
                // A public IPv4 of one of our ENIs is not its identity: group references match private addresses only.
                bool holdsPrivately = index.EnisAt(address).Contains(owner);
                bool? preserved = !holdsPrivately ? false : attribution.Scope switch
                {
                    AttributionScope.ThisVpc => true,
                    AttributionScope.PeeredVpc => SameRegion(attribution.VpcPeeringConnectionId),
                    _ => Referencing(attribution.TransitGatewayId, vpcId, owner.VpcId),
                };
                return new FlowPeer(address, PeerKind.Eni, owner, preserved, attribution);
            case AttributionScope.TransitGateway when attribution.TransitGatewayAttachmentType is { } type && !ResourceState.Is(type, "vpc"):
                // Behind a VPN, Direct Connect or peered transit gateway: outside every VPC, in no security group.
                return new FlowPeer(address, PeerKind.NoEni, null, false, attribution);
            case AttributionScope.UnassignedInVpc or AttributionScope.PeeredVpc or AttributionScope.TransitGateway:
                // Inside a VPC, held by no ENI of the snapshot now: one that existed when the flow was logged may have.
                return new FlowPeer(address, attribution.VpcId is { } v && index.Vpcs.ContainsKey(v) || attribution.Scope == AttributionScope.UnassignedInVpc
                    ? PeerKind.GoneEni : PeerKind.Unresolved, null, null, attribution);
            case AttributionScope.Ambiguous or AttributionScope.Unknown:
                return new FlowPeer(address, PeerKind.Unresolved, null, null, attribution);
            default:
                return new FlowPeer(address, PeerKind.NoEni, null, false, attribution);
        }
    }

    private bool? SameRegion(string? peeringId)
    {
        if (peeringId is null || index.PeeringOf(peeringId) is not { } p) return null;
        var (a, b) = (p.Connection.RequesterVpcInfo?.Region, p.Connection.AccepterVpcInfo?.Region);
        return a is null || b is null || a == b;
    }

    /// <summary>Security-group referencing over a transit gateway needs it on the gateway and on both VPCs' attachments.</summary>
    private bool? Referencing(string? transitGatewayId, string? fromVpc, string? toVpc)
    {
        if (transitGatewayId is null || fromVpc is null || toVpc is null) return null;
        var tgw = index.TransitGateways.GetValueOrDefault(transitGatewayId);
        var a = index.TransitGatewayAttachmentOf(transitGatewayId, fromVpc)?.Details;
        var b = index.TransitGatewayAttachmentOf(transitGatewayId, toVpc)?.Details;
        if (tgw?.Options?.SecurityGroupReferencingSupport is null || a?.Options?.SecurityGroupReferencingSupport is null || b?.Options?.SecurityGroupReferencingSupport is null)
            return null;
        return Enabled(tgw.Options.SecurityGroupReferencingSupport) && Enabled(a.Options.SecurityGroupReferencingSupport) && Enabled(b.Options.SecurityGroupReferencingSupport);

        static bool Enabled(string? option) => ResourceState.Is(option, "enable");
    }
}

/// <summary>
/// Which security-group rules allow a connection: the rule's protocol and ports cover it and its source (or destination)
/// names the peer. Security groups are a union, so every rule of every group of the ENI that matches allowed it. A rule
/// that cannot be read, a prefix list without entries, a reference to a group whose members cannot be seen, or a flow
/// whose ICMP type the log does not carry, matches "maybe" (SEMANTICS 0): never counted as used, never proven unused.
/// This is the one place that maps a flow at an ENI to the rules that admitted it.
/// </summary>
internal static class AllowingRules
{
    /// <summary>
    /// The rules of <paramref name="eni"/>'s groups in one direction that allow the connection (<paramref name="yes"/>) or
    /// may (<paramref name="maybe"/>); <paramref name="except"/> leaves rules out and <paramref name="extra"/> adds rules of
    /// one group (a proposal's "after").
    /// </summary>
    public static void Find(SourceRules book, NetworkInterface eni, bool ingress, FlowPeer peer, IpProtocol protocol, PortRange? ports,
        List<SourceRule> yes, List<SourceRule>? maybe, Func<SourceRule, bool>? except = null, AddedRules? extra = null)
    {
        foreach (var g in eni.Groups)
        {
            foreach (var rule in book.Of(g.GroupId, ingress))
                Add(rule);
            if (extra is not null)
                foreach (var rule in extra.Of(g.GroupId, ingress))
                    Add(rule);
        }

        void Add(SourceRule rule)
        {
            // Most rules do not match: whether the change leaves the rule out is asked of those that do.
            switch (Match(book.Index, rule, peer, protocol, ports))
            {
                case RuleMatch.Yes when except?.Invoke(rule) != true: yes.Add(rule); break;
                case RuleMatch.Maybe when except?.Invoke(rule) != true: maybe?.Add(rule); break;
            }
        }
    }

    public static RuleMatch Match(SnapshotIndex index, SourceRule rule, FlowPeer peer, IpProtocol protocol, PortRange? ports)
    {
        var covers = Covers(rule, protocol, ports);
        if (covers == RuleMatch.No) return RuleMatch.No;
        var names = Names(index, rule, peer);
        return names == RuleMatch.No ? RuleMatch.No : covers == RuleMatch.Yes && names == RuleMatch.Yes ? RuleMatch.Yes : RuleMatch.Maybe;
    }

    /// <summary>Whether the rule's protocol and ports cover the traffic (every port of <paramref name="ports"/>: Yes; some: Maybe).</summary>
    public static RuleMatch Covers(SourceRule rule, IpProtocol protocol, PortRange? ports)
    {
        var r = rule.Rule;
        // Protocol or ports that cannot be read: the rule may cover any traffic of the protocol it might mean.
        bool unreadable = rule.Permission is { } p ? p.CoverageProblem is not null : r.Problem is not null && r.Cidrs is not null;
        if (unreadable)
            return r.Protocol.IsAll || r.Protocol == protocol ? RuleMatch.Maybe : RuleMatch.No;
        if (r.Protocol.IsAll) return RuleMatch.Yes;
        if (r.Protocol.Number != protocol.Number) return RuleMatch.No;
        if (protocol.HasPorts)
        {
            if (ports is not { } range) return r.Ports.IsAll ? RuleMatch.Yes : RuleMatch.Maybe;
            return r.Ports.Contains(range) ? RuleMatch.Yes : r.Ports.Overlaps(range) ? RuleMatch.Maybe : RuleMatch.No;
        }
        // Flow logs do not carry the ICMP type: only a rule for every type surely covers a flow.
        if (protocol.IsIcmp) return IcmpTypeOf(rule) is null or -1 ? RuleMatch.Yes : RuleMatch.Maybe;
        return RuleMatch.Yes;
    }

    private static int? IcmpTypeOf(SourceRule rule)
    {
        var raw = rule.Ingress ? rule.Rule.Group.IpPermissions : rule.Rule.Group.IpPermissionsEgress;
        return raw[rule.Rule.PermissionIndex].FromPort;
    }

    /// <summary>Whether the rule's source (ingress) or destination (egress) names the peer.</summary>
    public static RuleMatch Names(SnapshotIndex index, SourceRule rule, FlowPeer peer)
    {
        var r = rule.Rule;
        var address = peer.Address;
        switch (r.Kind)
        {
            case RuleSourceKind.Ipv4Cidr or RuleSourceKind.Ipv6Cidr:
                if (r.Cidrs is null) return RuleMatch.Maybe;
                return r.Cidrs.Any(c => c.IsIPv6 == address.IsIPv6 && c.Contains(address)) ? RuleMatch.Yes : RuleMatch.No;
            case RuleSourceKind.PrefixList:
                if (r.Cidrs is null) return RuleMatch.Maybe;
                if (r.Cidrs.Any(c => c.IsIPv6 == address.IsIPv6 && c.Contains(address))) return RuleMatch.Yes;
                return index.ProblemsOf(r.Source).Count > 0 ? RuleMatch.Maybe : RuleMatch.No;
            default:
                if (rule.IsStale) return RuleMatch.No;
                if (rule.Pair?.GroupId is not { Length: > 0 } groupId) return RuleMatch.Maybe;
                if (peer.IdentityPreserved == false) return RuleMatch.No;
                switch (peer.Kind)
                {
                    case PeerKind.Eni:
                        if (!peer.NetworkInterface!.Groups.Any(g => g.GroupId == groupId)) return RuleMatch.No;
                        return peer.IdentityPreserved == true ? RuleMatch.Yes : RuleMatch.Maybe;
                    case PeerKind.NoEni:
                        // Held by no ENI of the snapshot: in no group of it; a group whose members it cannot see may hold it.
                        return index.SecurityGroups.ContainsKey(groupId) && index.Captured(groupId, Section.NetworkInterfaces) ? RuleMatch.No : RuleMatch.Maybe;
                    default:
                        return RuleMatch.Maybe;
                }
        }
    }
}
