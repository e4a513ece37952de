using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>What kind of thing a VPC route sends traffic to (SEMANTICS 15).</summary>
public enum RouteTargetKind
{
    Local,
    InternetGateway,
    EgressOnlyInternetGateway,
    VirtualPrivateGateway,
    NatGateway,
    NetworkInterface,
    Instance,
    VpcPeeringConnection,
    TransitGateway,
    GatewayEndpoint,
    LocalGateway,
    CarrierGateway,
    CoreNetwork,
    Other,
}

/// <summary>The outcome of a route lookup: the chosen route (and its 0-based position) or why none applies.</summary>
/// <param name="Result">Allowed = a usable route; Denied = no route or a blackhole; Unknown = a prefix list could not be expanded.</param>
/// <param name="Route">The chosen route.</param>
/// <param name="Index">Its 0-based position in the table.</param>
/// <param name="Matched">The destination prefix that matched (a prefix-list entry for prefix-list routes).</param>
/// <param name="Target">The kind of target.</param>
/// <param name="TargetId">The target's id (<c>local</c>, <c>igw-…</c>, <c>pcx-…</c>...).</param>
/// <param name="Detail">One sentence for the user.</param>
/// <param name="ExplanationCode">Set when Result is not Allowed.</param>
public sealed record RouteDecision(HopResult Result, Route? Route, int? Index, Cidr? Matched, RouteTargetKind Target, string? TargetId, string Detail, string? ExplanationCode)
{
    public string Rule => Route is null ? "no route" : RouteLookup.Describe(Route);
}

/// <summary>
/// VPC route-table lookup (SEMANTICS 11-15): longest prefix match in the destination's family; a
/// <c>local</c> route counts only for the VPC's associated CIDRs; on equal prefixes static routes beat
/// prefix-list routes beat propagated ones; a propagated route never beats a matching <c>local</c>;
/// a blackhole route drops.
/// </summary>
public static class RouteLookup
{
    /// <summary>The route a subnet uses for <paramref name="destination"/>: its explicit table, else the VPC's main table; null when the snapshot has neither.</summary>
    public static RouteDecision? ForSubnet(SnapshotIndex index, string subnetId, IpAddress destination) =>
        index.RouteTableOf(subnetId).Table is { } table ? Find(index, table, destination) : null;

    public static RouteDecision Find(SnapshotIndex index, RouteTable table, IpAddress destination)
    {
        var vpcCidrs = index.VpcCidrs(table.VpcId);
        Route? best = null; int bestIndex = -1, bestPrefix = -1, bestRank = int.MaxValue; Cidr bestCidr = default;
        bool localMatches = false;
        string? unknownList = null;
        var candidates = new List<(Route Route, int Index, Cidr Cidr, int Rank)>();
        for (int i = 0; i < table.Routes.Count; i++)
        {
            var route = table.Routes[i];
            if (route.DestinationPrefixListId is { } pl)
            {
                var cidrs = index.PrefixListCidrs(pl);
                if (cidrs is null) { unknownList ??= pl; continue; }
                foreach (var c in cidrs) if (c.Contains(destination)) candidates.Add((route, i, c, 1));
                continue;
            }
            var text = destination.IsIPv6 ? route.DestinationIpv6CidrBlock : route.DestinationCidrBlock;
            if (!Cidr.TryParse(text, out var cidr, HostBits.Normalise) || !cidr.Contains(destination)) continue;
            if (route.GatewayId == "local")
            {
                // A local route stands only for associated CIDRs: a disassociated block routes nowhere.
                if (!vpcCidrs.Any(v => v.Contains(cidr) || cidr.Contains(v) && v.Contains(destination))) continue;
                localMatches = true;
            }
            candidates.Add((route, i, cidr, IsPropagated(route) ? 2 : 0));
        }
        foreach (var (route, i, cidr, rank) in candidates)
        {
            if (rank == 2 && localMatches) continue; // VPN/DX-propagated never overrides local
            if (cidr.Prefix > bestPrefix || cidr.Prefix == bestPrefix && rank < bestRank)
            { best = route; bestIndex = i; bestPrefix = cidr.Prefix; bestRank = rank; bestCidr = cidr; }
        }
        if (unknownList is not null && (best is null || bestPrefix < destination.Bits))
            return new(HopResult.Unknown, best, best is null ? null : bestIndex, best is null ? null : bestCidr, RouteTargetKind.Other, unknownList,
                $"a route to prefix list {unknownList} might match {destination} but its entries were not captured", ExplanationCodes.PrefixListEntriesMissing);
        if (best is null)
            return new(HopResult.Denied, null, null, null, RouteTargetKind.Other, null, $"{table.RouteTableId} has no route to {destination}", ExplanationCodes.NoRoute);
        var (kind, target) = TargetOf(best);
        if (string.Equals(best.State, "blackhole", StringComparison.OrdinalIgnoreCase))
            return new(HopResult.Denied, best, bestIndex, bestCidr, kind, target, $"route {bestCidr} -> {target} is a blackhole", ExplanationCodes.BadStateRoute);
        return new(HopResult.Allowed, best, bestIndex, bestCidr, kind, target, $"{destination} matches {bestCidr} -> {target}", null);
    }

    public static bool IsPropagated(Route route) => string.Equals(route.Origin, "EnableVgwRoutePropagation", StringComparison.OrdinalIgnoreCase);

    public static (RouteTargetKind Kind, string? Id) TargetOf(Route r)
    {
        if (r.GatewayId == "local") return (RouteTargetKind.Local, "local");
        if (r.VpcPeeringConnectionId is { } pcx) return (RouteTargetKind.VpcPeeringConnection, pcx);
        if (r.TransitGatewayId is { } tgw) return (RouteTargetKind.TransitGateway, tgw);
        if (r.NatGatewayId is { } nat) return (RouteTargetKind.NatGateway, nat);
        if (r.EgressOnlyInternetGatewayId is { } eigw) return (RouteTargetKind.EgressOnlyInternetGateway, eigw);
        if (r.NetworkInterfaceId is { } eni) return (RouteTargetKind.NetworkInterface, eni);
        if (r.InstanceId is { } instance) return (RouteTargetKind.Instance, instance);
        if (r.LocalGatewayId is { } lgw) return (RouteTargetKind.LocalGateway, lgw);
        if (r.CarrierGatewayId is { } cagw) return (RouteTargetKind.CarrierGateway, cagw);
        if (r.CoreNetworkArn is { } core) return (RouteTargetKind.CoreNetwork, core);
        if (r.GatewayId is { } gw)
        {
            if (gw.StartsWith("igw-", StringComparison.Ordinal)) return (RouteTargetKind.InternetGateway, gw);
            if (gw.StartsWith("vgw-", StringComparison.Ordinal)) return (RouteTargetKind.VirtualPrivateGateway, gw);
            if (gw.StartsWith("vpce-", StringComparison.Ordinal)) return (RouteTargetKind.GatewayEndpoint, gw);
            return (RouteTargetKind.Other, gw);
        }
        return (RouteTargetKind.Other, null);
    }

    /// <summary>A route as one line: <c>0.0.0.0/0 -> igw-0abc (active)</c>.</summary>
    public static string Describe(Route r) =>
        string.Create(CultureInfo.InvariantCulture, $"{r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId} -> {TargetOf(r).Id ?? "?"}{(r.State is null or "active" ? "" : " (" + r.State + ")")}");
}

/// <summary>A transit-gateway route as used for forwarding: where it goes, whether it drops, and how it was learned.</summary>
public sealed record TransitGatewayRouteChoice(Cidr Destination, string? AttachmentId, string? ResourceType, string? ResourceId, bool Blackhole, string Type, int Rank);

/// <summary>
/// Transit-gateway route-table lookup (SEMANTICS 18): longest prefix, then static before propagated
/// (VPC before VPN/DX/peering). Propagated routes come from the captured search results, or, when that
/// section is absent, are derived from the table's propagations and the attached VPCs' CIDRs.
/// </summary>
public static class TransitGatewayRouteLookup
{
    /// <summary>The route for <paramref name="destination"/>, null when none matches; <paramref name="unknown"/> says why the table cannot be read.</summary>
    public static TransitGatewayRouteChoice? Find(SnapshotIndex index, string routeTableId, IpAddress destination, out string? unknown)
    {
        unknown = null;
        TransitGatewayRouteChoice? best = null;
        foreach (var route in Routes(index, routeTableId, ref unknown))
        {
            if (!route.Destination.Contains(destination)) continue;
            if (best is null || route.Destination.Prefix > best.Destination.Prefix
                || route.Destination.Prefix == best.Destination.Prefix && route.Rank < best.Rank) best = route;
        }
        return best;
    }

    public static IEnumerable<TransitGatewayRouteChoice> Routes(SnapshotIndex index, string routeTableId, ref string? unknown)
    {
        // The table's own record may be missing while its routes were captured: find the region by either.
        var region = index.RegionOf(routeTableId) ?? index.Snapshot.Regions.FirstOrDefault(r =>
            r.TransitGatewayStaticRoutes.Any(s => s.TransitGatewayRouteTableId == routeTableId) || r.TransitGatewayPropagations.Any(s => s.TransitGatewayRouteTableId == routeTableId));
        var list = new List<TransitGatewayRouteChoice>();
        if (region is null) { unknown = $"transit gateway route table {routeTableId} is not in the snapshot"; return list; }
        if (!region.Has(Section.TransitGatewayStaticRoutes)) unknown = "TransitGatewayStaticRoutes not captured";
        foreach (var set in region.TransitGatewayStaticRoutes.Where(s => s.TransitGatewayRouteTableId == routeTableId))
            Add(list, set.Routes, ref unknown);
        if (region.Has(Section.TransitGatewayPropagatedRoutes))
        {
            foreach (var set in region.TransitGatewayPropagatedRoutes.Where(s => s.TransitGatewayRouteTableId == routeTableId))
                Add(list, set.Routes, ref unknown);
            return list;
        }
        if (!region.Has(Section.TransitGatewayPropagations)) { unknown ??= "neither TransitGatewayPropagatedRoutes nor TransitGatewayPropagations captured"; return list; }
        foreach (var set in region.TransitGatewayPropagations.Where(s => s.TransitGatewayRouteTableId == routeTableId))
            foreach (var p in set.TransitGatewayRouteTablePropagations)
            {
                if (!string.Equals(p.State, "enabled", StringComparison.OrdinalIgnoreCase)) continue;
                if (!string.Equals(p.ResourceType, "vpc", StringComparison.OrdinalIgnoreCase) || p.ResourceId is null)
                {
                    unknown ??= $"routes propagated by {p.ResourceType} attachment {p.TransitGatewayAttachmentId} were not captured";
                    continue;
                }
                if (!index.Vpcs.ContainsKey(p.ResourceId)) { unknown ??= $"propagating {p.ResourceId} is not in the snapshot"; continue; }
                foreach (var c in index.VpcCidrs(p.ResourceId))
                    list.Add(new(c, p.TransitGatewayAttachmentId, "vpc", p.ResourceId, false, "propagated", 3));
            }
        return list;
    }

    private static void Add(List<TransitGatewayRouteChoice> list, IEnumerable<TransitGatewayRoute> routes, ref string? unknown)
    {
        foreach (var r in routes)
        {
            if (r.State is "deleted" or "deleting" or "pending") continue;
            var cidrs = new List<Cidr>();
            if (r.PrefixListId is not null) { unknown ??= $"prefix-list route {r.PrefixListId} in a transit gateway route table is not expanded"; continue; }
            if (Cidr.TryParse(r.DestinationCidrBlock, out var c, HostBits.Normalise)) cidrs.Add(c);
            var att = r.TransitGatewayAttachments.FirstOrDefault();
            bool isStatic = string.Equals(r.Type, "static", StringComparison.OrdinalIgnoreCase);
            int rank = isStatic ? 0 : (att?.ResourceType) switch { "vpc" => 3, "direct-connect-gateway" => 4, "connect" => 5, "vpn" => 6, "peering" => 7, _ => 8 };
            foreach (var cidr in cidrs)
                list.Add(new(cidr, att?.TransitGatewayAttachmentId, att?.ResourceType, att?.ResourceId,
                    string.Equals(r.State, "blackhole", StringComparison.OrdinalIgnoreCase), r.Type ?? "static", rank));
        }
    }
}
