using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.IpMap;

/// <summary>The route a table chose for a destination, with the text that shows it as evidence.</summary>
/// <param name="Destination">The route's CIDR (a prefix-list route is expanded to each of its CIDRs).</param>
/// <param name="Route">The route as captured.</param>
/// <param name="RouteTableId">The table holding it.</param>
/// <param name="Target">The target id (<c>local</c>, <c>igw-…</c>, <c>pcx-…</c>, <c>tgw-…</c>...).</param>
public sealed record ChosenRoute(Cidr Destination, Route Route, string RouteTableId, string Target)
{
    public bool IsBlackhole { get; } = string.Equals(Route.State, "blackhole", StringComparison.OrdinalIgnoreCase);

    /// <summary>E.g. <c>rtb-0891…: 192.168.1.0/24 -> pcx-0b89… (active)</c>; built once, shown with every answer the route gives.</summary>
    public string Evidence { get; } =
        $"{RouteTableId}: {(Route.DestinationPrefixListId is { } pl ? $"{pl} ({Destination})" : Destination.ToString())} -> {Target} ({Route.State ?? "active"}{(Route.Origin == "EnableVgwRoutePropagation" ? ", propagated" : "")})";

    /// <summary>The first target field set on the route: EC2 fills exactly one.</summary>
    public static string TargetOf(Route r) =>
        r.GatewayId ?? r.NatGatewayId ?? r.TransitGatewayId ?? r.VpcPeeringConnectionId ?? r.NetworkInterfaceId ?? r.InstanceId
        ?? r.EgressOnlyInternetGatewayId ?? r.LocalGatewayId ?? r.CarrierGatewayId ?? r.CoreNetworkArn ?? "(no target)";
}

/// <summary>
/// A VPC route table as a longest-prefix-match trie (SEMANTICS 12-13): IPv4 and IPv6 side by side, prefix
/// lists expanded, ties at one prefix broken static over prefix list over propagated.
/// </summary>
public sealed class RouteTableLookup
{
    private readonly PrefixTrie<(ChosenRoute Route, int Rank)> _trie = new();
    private readonly List<string> _unresolvedPrefixLists = [];

    public RouteTable Table { get; }

    /// <summary>Prefix lists this table routes to whose entries were not captured (their routes are missing here).</summary>
    public IReadOnlyList<string> UnresolvedPrefixLists => _unresolvedPrefixLists;

    public RouteTableLookup(RouteTable table, SnapshotIndex index)
    {
        Table = table;
        foreach (var route in table.Routes)
        {
            var target = ChosenRoute.TargetOf(route);
            if (route.DestinationPrefixListId is { } pl)
            {
                var cidrs = index.PrefixListCidrs(pl);
                if (cidrs is null) { _unresolvedPrefixLists.Add(pl); continue; }
                foreach (var c in cidrs) Offer(new ChosenRoute(c, route, table.RouteTableId, target), 2);
                continue;
            }
            foreach (var text in new[] { route.DestinationCidrBlock, route.DestinationIpv6CidrBlock })
                if (text is not null && Cidr.TryParse(text, out var cidr, HostBits.Normalise))
                    Offer(new ChosenRoute(cidr, route, table.RouteTableId, target), RankOf(route, target));
        }
    }

    /// <summary>The route the table uses for <paramref name="address"/>, or null when no route covers it.</summary>
    public ChosenRoute? Lookup(IpAddress address) =>
        _trie.TryLongestMatch(address, out _, out var hit) ? hit.Route : null;

    private void Offer(ChosenRoute route, int rank)
    {
        if (_trie.TryGetExact(route.Destination, out var existing) && existing.Rank <= rank) return;
        _trie.Set(route.Destination, (route, rank));
    }

    private static int RankOf(Route route, string target) =>
        target == "local" ? 0 : route.Origin == "EnableVgwRoutePropagation" ? 3 : 1;
}

/// <summary>One route of a transit-gateway route table: a CIDR to one or more attachments (ECMP), or a blackhole.</summary>
/// <param name="RouteTableId">The transit-gateway route table holding it.</param>
/// <param name="Destination">The CIDR.</param>
/// <param name="AttachmentIds">The attachments the route sends to.</param>
/// <param name="Type"><c>static</c> or <c>propagated</c>.</param>
/// <param name="Blackhole">True when the route drops traffic.</param>
/// <param name="Source">Where the route came from (captured routes, or derived from a propagation of a VPC's CIDRs).</param>
public sealed record TransitGatewayRouteChoice(string RouteTableId, Cidr Destination, IReadOnlyList<string> AttachmentIds, string Type, bool Blackhole, string Source)
{
    /// <summary>E.g. <c>tgw-rtb-…: 10.10.0.0/16 -> tgw-attach-… (propagated, …)</c>; built once.</summary>
    public string Evidence { get; } =
        $"{RouteTableId}: {Destination} -> {(Blackhole ? "blackhole" : string.Join(",", AttachmentIds))} ({Type}{(Source.Length > 0 ? ", " + Source : "")})";
}

/// <summary>
/// A transit-gateway route table as a trie: captured static routes, captured propagated routes or, when those
/// were not captured, the routes the propagations imply (a VPC attachment propagates its VPC's CIDRs; a VPN's
/// static routes). Propagations whose CIDRs the snapshot cannot tell are listed, so a miss says Unknown.
/// Order at one prefix: static, then VPC, Direct Connect, Connect, VPN, peering (SEMANTICS 18).
/// </summary>
public sealed class TransitGatewayRouteTableLookup
{
    private readonly PrefixTrie<(TransitGatewayRouteChoice Route, int Rank)> _trie = new();
    private readonly List<string> _unknownPropagations = [];

    public string RouteTableId { get; }

    /// <summary>False when neither the static routes nor the propagations of this table were captured.</summary>
    public bool RoutesKnown { get; }

    /// <summary>Attachments propagating routes the snapshot does not hold (BGP, peer VPC not captured...).</summary>
    public IReadOnlyList<string> UnknownPropagations => _unknownPropagations;

    public TransitGatewayRouteTableLookup(string routeTableId, RegionInventory region, SnapshotIndex index)
    {
        RouteTableId = routeTableId;
        bool staticKnown = region.Has(Section.TransitGatewayStaticRoutes);
        foreach (var table in region.TransitGatewayStaticRoutes.Where(t => t.TransitGatewayRouteTableId == routeTableId))
            AddRoutes(table.Routes, index, "captured");
        bool propagatedKnown = region.Has(Section.TransitGatewayPropagatedRoutes);
        if (propagatedKnown)
            foreach (var table in region.TransitGatewayPropagatedRoutes.Where(t => t.TransitGatewayRouteTableId == routeTableId))
                AddRoutes(table.Routes, index, "captured");
        else if (region.Has(Section.TransitGatewayPropagations))
        {
            propagatedKnown = true;
            foreach (var p in region.TransitGatewayPropagations.Where(t => t.TransitGatewayRouteTableId == routeTableId)
                         .SelectMany(t => t.TransitGatewayRouteTablePropagations))
                if (p.State is null or "enabled") Derive(p, index);
        }
        RoutesKnown = staticKnown || propagatedKnown;
    }

    /// <summary>Every route the table holds (captured or derived), one per CIDR.</summary>
    public IEnumerable<TransitGatewayRouteChoice> Routes => _trie.All.Select(e => e.Value.Route);

    /// <summary>The route for <paramref name="address"/>, or null when none covers it.</summary>
    public TransitGatewayRouteChoice? Lookup(IpAddress address) =>
        _trie.TryLongestMatch(address, out _, out var hit) ? hit.Route : null;

    private void AddRoutes(IEnumerable<TransitGatewayRoute> routes, SnapshotIndex index, string source)
    {
        foreach (var r in routes)
        {
            if (r.State is "deleted" or "deleting") continue;
            var attachments = r.TransitGatewayAttachments.Select(a => a.TransitGatewayAttachmentId).OfType<string>().ToArray();
            bool blackhole = r.State == "blackhole";
            int rank = r.Type == "static" ? 0 : RankOf(r.TransitGatewayAttachments.FirstOrDefault()?.ResourceType);
            IEnumerable<Cidr> cidrs = [];
            if (r.DestinationCidrBlock is { } text && Cidr.TryParse(text, out var c, HostBits.Normalise)) cidrs = [c];
            else if (r.PrefixListId is { } pl)
            {
                if (index.PrefixListCidrs(pl) is { } listed) cidrs = listed;
                else _unknownPropagations.Add($"{pl} (prefix list entries not captured)");
            }
            foreach (var cidr in cidrs)
                Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, attachments, r.Type ?? "static", blackhole, source), rank);
        }
    }

    private void Derive(TransitGatewayRouteTablePropagation p, SnapshotIndex index)
    {
        var attachment = p.TransitGatewayAttachmentId ?? "";
        var source = $"derived from the propagation of {p.ResourceType} {p.ResourceId}";
        if (p.ResourceType == "vpc" && p.ResourceId is { } vpcId && index.Vpcs.ContainsKey(vpcId))
        {
            foreach (var cidr in index.VpcCidrs(vpcId))
                Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, [attachment], "propagated", false, source), RankOf("vpc"));
            return;
        }
        if (p.ResourceType == "vpn" && p.ResourceId is { } vpnId && index.VpnConnections.GetValueOrDefault(vpnId) is { } vpn)
        {
            foreach (var r in vpn.Routes)
                if (r.State is null or "available" && Cidr.TryParse(r.DestinationCidrBlock, out var cidr, HostBits.Normalise))
                    Offer(new TransitGatewayRouteChoice(RouteTableId, cidr, [attachment], "propagated", false, source), RankOf("vpn"));
            if (vpn.Options?.StaticRoutesOnly == true) return;
        }
        _unknownPropagations.Add($"{attachment} ({p.ResourceType} {p.ResourceId})");
    }

    private void Offer(TransitGatewayRouteChoice route, int rank)
    {
        if (_trie.TryGetExact(route.Destination, out var existing) && existing.Rank <= rank) return;
        _trie.Set(route.Destination, (route, rank));
    }

    private static int RankOf(string? resourceType) => resourceType switch
    {
        "vpc" => 1,
        "direct-connect-gateway" => 2,
        "connect" => 3,
        "vpn" => 4,
        "peering" => 5,
        _ => 6,
    };
}
