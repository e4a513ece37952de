using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Routing;

/// <summary>One route of a transit-gateway route table: a CIDR to one or more attachments (ECMP), or a blackhole.</summary>
/// <param name="RouteTableId">The transit-gateway route table holding it.</param>
/// <param name="Destination">The CIDR (a prefix-list route is expanded to each of its CIDRs).</param>
/// <param name="AttachmentIds">The attachments the route sends to.</param>
/// <param name="ResourceType">The first attachment's type (<c>vpc</c>, <c>vpn</c>, <c>direct-connect-gateway</c>, <c>peering</c>...), when known.</param>
/// <param name="ResourceId">The first attachment's resource (VPC, VPN connection...), when known.</param>
/// <param name="Type"><c>static</c> or <c>propagated</c>.</param>
/// <param name="Blackhole">True when the route drops traffic.</param>
/// <param name="Source">Where the route came from (captured routes, or derived from a propagation).</param>
public sealed record TransitGatewayRouteChoice(string RouteTableId, Cidr Destination, IReadOnlyList<string> AttachmentIds, string? ResourceType, string? ResourceId,
    string Type, bool Blackhole, string Source)
{
    /// <summary>The attachment forwarding takes (the first of equal-cost ones).</summary>
    public string? AttachmentId => AttachmentIds.Count > 0 ? AttachmentIds[0] : null;

    /// <summary>E.g. <c>tgw-rtb-…: 10.10.0.0/16 -> tgw-attach-… (propagated, …)</c>; built once.</summary>
    public string Evidence { get; } =
        $"{RouteTableId}: {Destination} -> {(Blackhole ? "blackhole" : string.Join(",", AttachmentIds))} ({Type}{(Source.Length > 0 ? ", " + Source : "")})";
}

/// <summary>A lookup's answer: the chosen route (null when none covers the address), or why the answer is unknown.</summary>
/// <param name="Route">The most specific known route; it may be a blackhole.</param>
/// <param name="Unknown">Set when routes the snapshot does not hold could decide instead of <paramref name="Route"/>: one sentence naming them.</param>
public readonly record struct TransitGatewayRouteMatch(TransitGatewayRouteChoice? Route, string? Unknown);

/// <summary>
/// A transit-gateway route table as a trie (SEMANTICS 18): captured static routes, captured propagated routes or,
/// when those were not captured, the routes the propagations imply (a VPC attachment propagates its VPC's CIDRs; a
/// static-only VPN its connection's routes). Order at one prefix: static, prefix list, VPC, Direct Connect, Connect,
/// VPN, peering. Routes the snapshot cannot tell (a section not captured, a BGP propagation, a prefix list without
/// entries) are listed, and make an answer they might override Unknown. Built once per table
/// (<see cref="SnapshotIndex.TransitGatewayRouteLookupOf"/>), then read from any thread.
/// </summary>
public sealed class TransitGatewayRouteTableLookup
{
    private const int StaticRank = 0, PrefixListRank = 1;

    private readonly PrefixTrie<(TransitGatewayRouteChoice Route, int Rank)> _trie = new();
    private readonly List<string> _unknownRoutes = [];
    private int _bestUnknownRank = int.MaxValue;

    public string RouteTableId { get; }

    /// <summary>False when the table is not in the snapshot, or neither its static routes nor its propagations were captured.</summary>
    public bool RoutesKnown { get; }

    /// <summary>Why the table cannot be read at all (set when <see cref="RoutesKnown"/> is false).</summary>
    public string? Unreadable { get; }

    /// <summary>Routes of this table the snapshot does not hold: a section not captured, attachments propagating routes it cannot tell, prefix lists without entries.</summary>
    public IReadOnlyList<string> UnknownRoutes => _unknownRoutes;

    public TransitGatewayRouteTableLookup(string routeTableId, SnapshotIndex index)
    {
        RouteTableId = routeTableId;
        // The table's own record may be missing while its routes were captured: find the region by either.
        var region = index.RegionOf(routeTableId) ?? index.Snapshot.Regions.FirstOrDefault(r =>
            r.TransitGatewayStaticRoutes.Any(t => t.TransitGatewayRouteTableId == routeTableId)
            || r.TransitGatewayPropagatedRoutes.Any(t => t.TransitGatewayRouteTableId == routeTableId)
            || r.TransitGatewayPropagations.Any(t => t.TransitGatewayRouteTableId == routeTableId));
        if (region is null)
        {
            Unreadable = $"transit gateway route table {routeTableId} is not in the snapshot";
            return;
        }
        bool staticKnown = region.Has(Section.TransitGatewayStaticRoutes);
        if (staticKnown)
            foreach (var table in region.TransitGatewayStaticRoutes.Where(t => t.TransitGatewayRouteTableId == routeTableId))
                AddRoutes(table.Routes, index);
        else Unknown(StaticRank, "its static routes (TransitGatewayStaticRoutes not captured)");
        bool propagatedKnown = true;
        if (region.Has(Section.TransitGatewayPropagatedRoutes))
            foreach (var table in region.TransitGatewayPropagatedRoutes.Where(t => t.TransitGatewayRouteTableId == routeTableId))
                AddRoutes(table.Routes, index);
        else if (region.Has(Section.TransitGatewayPropagations))
        {
            foreach (var p in region.TransitGatewayPropagations.Where(t => t.TransitGatewayRouteTableId == routeTableId)
                         .SelectMany(t => t.TransitGatewayRouteTablePropagations))
                if (ResourceState.IsAbsentOr(p.State, "enabled")) Derive(p, index);
        }
        else
        {
            propagatedKnown = false;
            Unknown(RankOf("vpc"), "its propagated routes (neither TransitGatewayPropagatedRoutes nor TransitGatewayPropagations captured)");
        }
        RoutesKnown = staticKnown || propagatedKnown;
        if (!RoutesKnown) Unreadable = $"the routes of {routeTableId} were not captured (static routes or propagations)";
    }

    /// <summary>Every route the table holds (captured or derived), one per CIDR.</summary>
    public IEnumerable<TransitGatewayRouteChoice> Routes => _trie.All.Select(e => e.Value.Route);

    /// <summary>The route for <paramref name="address"/>, and whether routes the snapshot does not hold could override it.</summary>
    public TransitGatewayRouteMatch Find(IpAddress address)
    {
        bool found = _trie.TryLongestMatch(address, out _, out var hit);
        var route = found ? hit.Route : null;
        if (Unreadable is not null) return new(route, Unreadable);
        // An unknown route may be as specific as the address itself; at that length only a better-ranked route stands.
        bool mightLose = _unknownRoutes.Count > 0 && (!found || hit.Route.Destination.Prefix < address.Bits || hit.Rank > _bestUnknownRank);
        if (!mightLose) return new(route, null);
        return new(route, $"routes of {RouteTableId} not in the snapshot could {(found ? "be more specific for" : "cover")} {address}: {string.Join(", ", _unknownRoutes)}");
    }

    private void AddRoutes(IEnumerable<TransitGatewayRoute> routes, SnapshotIndex index)
    {
        foreach (var r in routes)
        {
            // Only active and blackhole routes forward (or drop); the others are coming or going.
            if (ResourceState.IsAny(r.State, "deleted", "deleting", "pending")) continue;
            var attachments = r.TransitGatewayAttachments.Select(a => a.TransitGatewayAttachmentId).OfType<string>().ToArray();
            var first = r.TransitGatewayAttachments.FirstOrDefault();
            bool isStatic = ResourceState.IsAbsentOr(r.Type, "static");
            bool blackhole = ResourceState.Is(r.State, "blackhole");
            IReadOnlyList<Cidr> cidrs = [];
            int rank = isStatic ? StaticRank : RankOf(first?.ResourceType);
            if (r.PrefixListId is { } pl && r.DestinationCidrBlock is null)
            {
                if (isStatic) rank = PrefixListRank;
                if (index.PrefixListCidrs(pl) is { } listed) cidrs = listed;
                else Unknown(rank, $"{pl} (prefix list entries not captured)");
            }
            else if (Cidr.TryParse(r.DestinationCidrBlock, out var c, out var error, HostBits.Normalise)) cidrs = [c];
            // A destination that cannot be read could be any prefix: it is listed with the routes the snapshot cannot tell.
            else Unknown(rank, $"a route whose DestinationCidrBlock cannot be read ({(r.DestinationCidrBlock is null ? "it is missing" : error)})");
            foreach (var cidr in cidrs)
                Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, attachments, first?.ResourceType, first?.ResourceId, r.Type ?? "static", blackhole, "captured"), rank);
        }
    }

    private void Derive(TransitGatewayRouteTablePropagation p, SnapshotIndex index)
    {
        string[] attachments = p.TransitGatewayAttachmentId is { } id ? [id] : [];
        var source = $"derived from the propagation of {p.ResourceType} {p.ResourceId}";
        if (p.ResourceType == "vpc" && p.ResourceId is { } vpcId && index.Vpcs.ContainsKey(vpcId))
        {
            foreach (var cidr in index.VpcCidrs(vpcId))
                Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, attachments, "vpc", vpcId, "propagated", false, source), RankOf("vpc"));
            return;
        }
        if (p.ResourceType == "vpn" && p.ResourceId is { } vpnId && index.VpnConnections.GetValueOrDefault(vpnId) is { } vpn)
        {
            foreach (var r in vpn.Routes)
            {
                if (!ResourceState.IsAbsentOr(r.State, "available")) continue;
                if (Cidr.TryParse(r.DestinationCidrBlock, out var cidr, out var error, HostBits.Normalise))
                    Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, attachments, "vpn", vpnId, "propagated", false, source), RankOf("vpn"));
                else Unknown(RankOf("vpn"), $"a route of {vpnId} whose DestinationCidrBlock cannot be read ({error})");
            }
            // A static-only VPN propagates exactly its connection's routes; with BGP the peer may announce more.
            if (vpn.Options?.StaticRoutesOnly == true) return;
        }
        Unknown(RankOf(p.ResourceType), $"{p.TransitGatewayAttachmentId} ({p.ResourceType} {p.ResourceId})");
    }

    private void Unknown(int rank, string what)
    {
        _unknownRoutes.Add(what);
        _bestUnknownRank = Math.Min(_bestUnknownRank, rank);
    }

    private void Offer(TransitGatewayRouteChoice route, int rank)
    {
        if (_trie.TryGetExact(route.Destination, out var existing) && existing.Rank <= rank) return;
        _trie.Set(route.Destination, (route, rank));
    }

    /// <summary>Propagated routes at one prefix: VPC, Direct Connect, Connect, VPN, then peering (SEMANTICS 18).</summary>
    private static int RankOf(string? resourceType) => resourceType switch
    {
        "vpc" => 2,
        "direct-connect-gateway" => 3,
        "connect" => 4,
        "vpn" => 5,
        "peering" => 6,
        _ => 7,
    };
}
