using System.Collections.Concurrent;
using VpcSecTools.Net;

namespace VpcSecTools.Snapshot;

/// <summary>
/// The network facts every analysis asks for, read once per snapshot and shared: parsed security-group permissions
/// and NACL entries (with what could not be read), the two sides of each peering, each VPC's transit-gateway
/// attachments and the route tables they use, the VPN connections' routes. Built on first use, then kept for every later query, from any thread.
/// </summary>
public sealed partial class SnapshotIndex
{
    private readonly ConcurrentDictionary<string, SecurityGroupPermissions> _permissions = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, NetworkAclRules> _aclRules = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Uninterpretable>> _problems = new(StringComparer.Ordinal);
    private Dictionary<string, Peering>? _peerings;
    private TransitGatewayFacts? _transit;
    private VpnFacts? _vpn;
    private Dictionary<string, Cidr>? _primaryCidrs;

    /// <summary>A group's permissions, parsed; null when the group is not in the snapshot.</summary>
    public SecurityGroupPermissions? PermissionsOf(string groupId) =>
        _permissions.TryGetValue(groupId, out var read) ? read
        : SecurityGroups.TryGetValue(groupId, out var group) ? _permissions.GetOrAdd(groupId, static (_, g) => new SecurityGroupPermissions(g), group) : null;

    /// <summary>A NACL's entries, parsed. One that is not this snapshot's own (a caller's edited copy) is read for the call and not kept.</summary>
    public NetworkAclRules RulesOf(NetworkAcl acl)
    {
        if (!NetworkAcls.TryGetValue(acl.NetworkAclId, out var own) || !ReferenceEquals(own, acl)) return new NetworkAclRules(acl);
        return _aclRules.GetOrAdd(acl.NetworkAclId, static (_, a) => new NetworkAclRules(a), acl);
    }

    /// <summary>Values of a VPC, subnet or ENI the index could not read (a CIDR, an address), each naming where it is.</summary>
    public IReadOnlyList<Uninterpretable> ProblemsOf(string resourceId) => _problems.GetValueOrDefault(resourceId) ?? (IReadOnlyList<Uninterpretable>)[];

    /// <summary>The VPC's primary IPv4 CIDR (<c>CidrBlock</c>), read once; null when absent or unreadable.</summary>
    public Cidr? PrimaryCidr(string vpcId)
    {
        var cidrs = _primaryCidrs ?? LazyInitializer.EnsureInitialized(ref _primaryCidrs, () =>
        {
            var map = new Dictionary<string, Cidr>(StringComparer.Ordinal);
            foreach (var vpc in Vpcs.Values)
                if (Cidr.TryParse(vpc.CidrBlock, out var c, HostBits.Normalise)) map[vpc.VpcId] = c;
            return map;
        });
        return cidrs.TryGetValue(vpcId, out var cidr) ? cidr : null;
    }

    /// <summary>A peering connection with both sides' CIDRs read; null when it is not in the snapshot.</summary>
    public Peering? PeeringOf(string peeringConnectionId) => PeeringsById.GetValueOrDefault(peeringConnectionId);

    /// <summary>Every peering connection of the snapshot, whatever its status.</summary>
    public IReadOnlyCollection<Peering> Peerings => PeeringsById.Values;

    private Dictionary<string, Peering> PeeringsById => _peerings ?? LazyInitializer.EnsureInitialized(ref _peerings, () =>
        VpcPeeringConnections.Values.ToDictionary(p => p.VpcPeeringConnectionId,
            p => new Peering(p, SideOf(p.VpcPeeringConnectionId, "RequesterVpcInfo", p.RequesterVpcInfo), SideOf(p.VpcPeeringConnectionId, "AccepterVpcInfo", p.AccepterVpcInfo)),
            StringComparer.Ordinal));

    private PeeringSide SideOf(string peeringId, string field, VpcPeeringConnectionVpcInfo? info)
    {
        if (info is null) return new PeeringSide(null, null, null, [], [new Uninterpretable(peeringId, field, "is missing")]);
        var cidrs = new List<Cidr>();
        var problems = new List<Uninterpretable>();
        var texts = info.CidrBlockSet.Select((c, i) => ($"{field}.CidrBlockSet[{i}].CidrBlock", (string?)c.CidrBlock))
            .Append(($"{field}.CidrBlock", info.CidrBlock))
            .Concat(info.Ipv6CidrBlockSet.Select((c, i) => ($"{field}.Ipv6CidrBlockSet[{i}].Ipv6CidrBlock", (string?)c.Ipv6CidrBlock)));
        foreach (var (at, text) in texts)
        {
            if (string.IsNullOrEmpty(text)) continue;
            if (!Cidr.TryParse(text, out var c, out var error, HostBits.Normalise)) problems.Add(new Uninterpretable(peeringId, at, error));
            else if (!cidrs.Contains(c)) cidrs.Add(c);
        }
        // Some sources describe a peering without its CIDRs: the VPC's own associated CIDRs, when the snapshot holds it.
        if (cidrs.Count == 0 && problems.Count == 0 && info.VpcId is not null) cidrs.AddRange(VpcCidrs(info.VpcId));
        return new PeeringSide(info.VpcId, info.OwnerId, info.Region, cidrs, problems);
    }

    /// <summary>
    /// The VPC's usable attachment to <paramref name="transitGatewayId"/> (state absent, available or modifying: one that is
    /// pending, failing or being deleted carries no traffic), with the route table it is associated with; null when none.
    /// </summary>
    public VpcTransitGatewayAttachment? TransitGatewayAttachmentOf(string transitGatewayId, string vpcId) =>
        Transit.ByVpc.GetValueOrDefault(vpcId)?.FirstOrDefault(a => a.TransitGatewayId == transitGatewayId);

    /// <summary>Every usable transit-gateway attachment of the VPC.</summary>
    public IReadOnlyList<VpcTransitGatewayAttachment> TransitGatewayAttachmentsOf(string vpcId) => Transit.ByVpc.GetValueOrDefault(vpcId) ?? [];

    /// <summary>
    /// The transit-gateway route table an attachment (VPC, VPN, Direct Connect...) is associated with: the attachment's own
    /// association, else the table's association list; only an association that is absent-state or associated counts.
    /// </summary>
    public string? TransitGatewayRouteTableOf(string attachmentId) => Transit.RouteTableOf.GetValueOrDefault(attachmentId);

    /// <summary>Every transit-gateway route table the snapshot knows of: described, associated, propagated to, or holding captured routes.</summary>
    public IReadOnlyList<string> TransitGatewayRouteTableIds => Transit.RouteTableIds;

    /// <summary>An attachment's state that carries traffic (absent counts: Batfish and older CLIs omit it).</summary>
    public static bool IsUsableAttachmentState(string? state) => ResourceState.IsAbsentOr(state, "available", "modifying");

    /// <summary>Whether an attachment's state is one of EC2's (a state that is not cannot be told to carry traffic or not: SEMANTICS 0).</summary>
    public static bool IsKnownAttachmentState(string? state) => IsUsableAttachmentState(state) || ResourceState.IsAny(state,
        "initiating", "initiatingRequest", "pendingAcceptance", "rollingBack", "pending", "deleting", "deleted", "failed", "rejected", "rejecting", "failing");

    /// <summary>The VPC's attachments to the transit gateway whose state is not one of EC2's, with it: any of them may carry traffic.</summary>
    public IReadOnlyList<string> UnreadableAttachmentsOf(string transitGatewayId, string vpcId) =>
        TransitGatewayVpcAttachments.Values.Where(a => a.TransitGatewayId == transitGatewayId && a.VpcId == vpcId && !IsKnownAttachmentState(a.State))
            .Select(a => (a.TransitGatewayAttachmentId, a.State))
            .Concat(TransitGatewayAttachments.Values.Where(a => ResourceState.Is(a.ResourceType, "vpc") && a.TransitGatewayId == transitGatewayId && a.ResourceId == vpcId
                && !IsKnownAttachmentState(a.State)).Select(a => (a.TransitGatewayAttachmentId, a.State)))
            .Select(a => $"{a.TransitGatewayAttachmentId} (State '{a.State}')").Distinct().ToArray();

    private TransitGatewayFacts Transit => _transit ?? LazyInitializer.EnsureInitialized(ref _transit, () => new TransitGatewayFacts(this));

    private sealed class TransitGatewayFacts
    {
        public Dictionary<string, List<VpcTransitGatewayAttachment>> ByVpc { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> RouteTableOf { get; } = new(StringComparer.Ordinal);
        public IReadOnlyList<string> RouteTableIds { get; }

        public TransitGatewayFacts(SnapshotIndex index)
        {
            foreach (var a in index.TransitGatewayAttachments.Values)
                if (a.Association?.TransitGatewayRouteTableId is { } table && ResourceState.IsAbsentOr(a.Association.State, "associated"))
                    RouteTableOf.TryAdd(a.TransitGatewayAttachmentId, table);
            foreach (var region in index.Snapshot.Regions)
                foreach (var table in region.TransitGatewayRouteTableAssociations)
                    foreach (var a in table.Associations)
                        if (a.TransitGatewayAttachmentId is { } id && ResourceState.IsAbsentOr(a.State, "associated"))
                            RouteTableOf.TryAdd(id, table.TransitGatewayRouteTableId);

            foreach (var a in index.TransitGatewayVpcAttachments.Values)
                if (IsUsableAttachmentState(a.State) && a.TransitGatewayId is { } tgw && a.VpcId is { } vpc)
                    Add(new VpcTransitGatewayAttachment(a.TransitGatewayAttachmentId, tgw, vpc, a, RouteTableOf.GetValueOrDefault(a.TransitGatewayAttachmentId)));
            foreach (var a in index.TransitGatewayAttachments.Values)
                if (ResourceState.Is(a.ResourceType, "vpc") && IsUsableAttachmentState(a.State) && a.TransitGatewayId is { } tgw && a.ResourceId is { } vpc
                    && !index.TransitGatewayVpcAttachments.ContainsKey(a.TransitGatewayAttachmentId))
                    Add(new VpcTransitGatewayAttachment(a.TransitGatewayAttachmentId, tgw, vpc, null, RouteTableOf.GetValueOrDefault(a.TransitGatewayAttachmentId)));

            RouteTableIds = index.TransitGatewayRouteTables.Keys
                .Concat(RouteTableOf.Values)
                .Concat(index.Snapshot.Regions.SelectMany(r => r.TransitGatewayRouteTableAssociations.Select(t => t.TransitGatewayRouteTableId)
                    .Concat(r.TransitGatewayStaticRoutes.Select(t => t.TransitGatewayRouteTableId))
                    .Concat(r.TransitGatewayPropagatedRoutes.Select(t => t.TransitGatewayRouteTableId))
                    .Concat(r.TransitGatewayPropagations.Select(t => t.TransitGatewayRouteTableId))))
                .Where(id => !string.IsNullOrEmpty(id)).Distinct(StringComparer.Ordinal).ToArray();
        }

        private void Add(VpcTransitGatewayAttachment a)
        {
            if (!ByVpc.TryGetValue(a.VpcId, out var list)) ByVpc[a.VpcId] = list = [];
            list.Add(a);
        }
    }

    /// <summary>
    /// A virtual private gateway's VPN connections that carry traffic or may again: every state but deleting and deleted
    /// (a deleted connection stays listed for a while, its routes gone).
    /// </summary>
    public IReadOnlyList<VpnConnection> VpnConnectionsOf(string vpnGatewayId) => Vpn.ByGateway.GetValueOrDefault(vpnGatewayId) ?? [];

    /// <summary>The static routes in effect (state absent or available) of every VPN connection not deleted, read once.</summary>
    public IReadOnlyList<VpnRoute> VpnRoutes => Vpn.Routes;

    /// <summary>Static routes of those connections whose destination could not be read, each naming where it is.</summary>
    public IReadOnlyList<Uninterpretable> UnreadableVpnRoutes => Vpn.Unreadable;

    /// <summary>
    /// The gateway a VPN connection of an unreadable static route belongs to (its virtual private gateway, else its transit
    /// gateway); null when the connection is not in the snapshot or names neither.
    /// </summary>
    public string? GatewayOfVpnRoute(Uninterpretable route) =>
        VpnConnections.GetValueOrDefault(route.ResourceId) is { } c ? c.VpnGatewayId ?? c.TransitGatewayId : null;

    /// <summary>A static route of a VPN connection of the gateway covers the address.</summary>
    public bool VpnRouteCovers(string vpnGatewayId, IpAddress address) =>
        Vpn.Routes.Any(r => r.Connection.VpnGatewayId == vpnGatewayId && r.Destination.Contains(address));

    /// <summary>
    /// The network behind a virtual private gateway holds the address as far as the snapshot shows: a static route of
    /// one of its VPN connections covers it, or a VPC route table holds a route propagated from the gateway (learned
    /// over BGP) that does.
    /// </summary>
    public bool VpnGatewayCovers(string vpnGatewayId, IpAddress address) =>
        VpnRouteCovers(vpnGatewayId, address)
        || RouteTables.Values.Any(t => RouteLookupOf(t).Routes.Any(r => r.TargetId == vpnGatewayId && Routing.VpcRoutes.IsPropagated(r.Route) && r.Destination.Contains(address)));

    private VpnFacts Vpn => _vpn ?? LazyInitializer.EnsureInitialized(ref _vpn, () => new VpnFacts(this));

    private sealed class VpnFacts
    {
        public Dictionary<string, IReadOnlyList<VpnConnection>> ByGateway { get; }
        public List<VpnRoute> Routes { get; } = [];
        public List<Uninterpretable> Unreadable { get; } = [];

        public VpnFacts(SnapshotIndex index)
        {
            var live = index.VpnConnections.Values.Where(c => !ResourceState.IsAny(c.State, "deleting", "deleted")).ToList();
            ByGateway = live.Where(c => c.VpnGatewayId is not null).GroupBy(c => c.VpnGatewayId!, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (IReadOnlyList<VpnConnection>)g.ToList(), StringComparer.Ordinal);
            foreach (var c in live)
                for (int i = 0; i < c.Routes.Count; i++)
                {
                    if (!ResourceState.IsAbsentOr(c.Routes[i].State, "available")) continue;
                    if (Cidr.TryParse(c.Routes[i].DestinationCidrBlock, out var cidr, out var error, HostBits.Normalise)) Routes.Add(new VpnRoute(c, cidr));
                    else Unreadable.Add(new Uninterpretable(c.VpnConnectionId, $"Routes[{i}].DestinationCidrBlock", error));
                }
        }
    }

    /// <summary>Records a value the index could not read, under the resource that holds it.</summary>
    private void Problem(string resourceId, string field, string reason)
    {
        if (!_problems.TryGetValue(resourceId, out var list)) _problems[resourceId] = list = [];
        list.Add(new Uninterpretable(resourceId, field, reason));
    }
}

/// <summary>A static route of a VPN connection, its destination read: the network behind the connection holds it.</summary>
public sealed record VpnRoute(VpnConnection Connection, Cidr Destination);
