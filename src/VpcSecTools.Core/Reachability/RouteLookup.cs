using VpcSecTools.Net;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>The outcome of a route lookup: the chosen route (and its 0-based position) or why none applies.</summary>
/// <param name="Result">Allowed = a usable route; Denied = no route or a blackhole; Unknown = a prefix list could not be expanded, or a route could not be read.</param>
/// <param name="Route">The chosen route.</param>
/// <param name="Index">Its 0-based position in the table.</param>
/// <param name="Matched">The destination prefix that matched (a prefix-list entry for prefix-list routes).</param>
/// <param name="Target">The kind of target.</param>
/// <param name="TargetId">The target's id (<c>local</c>, <c>igw-…</c>, <c>pcx-…</c>...).</param>
/// <param name="Detail">One sentence for the user.</param>
/// <param name="ExplanationCode">Set when Result is not Allowed.</param>
public sealed record RouteDecision(HopResult Result, Route? Route, int? Index, Cidr? Matched, RouteTargetKind Target, string? TargetId, string Detail, string? ExplanationCode)
{
    public string Rule => Route is null ? "no route" : VpcRoutes.Describe(Route);
}

/// <summary>
/// A VPC route-table lookup as a reachability hop: the table's choice (<see cref="RouteTableLookup"/>, shared with
/// every other analysis) turned into Allowed, Denied (no route, blackhole) or Unknown (a prefix list not captured, a route
/// whose destination could not be read).
/// </summary>
public static class RouteLookup
{
    /// <summary>The route a subnet uses for <paramref name="destination"/>: its explicit table, else the VPC's main table; null when the snapshot has neither.</summary>
    public static RouteDecision? ForSubnet(SnapshotIndex index, string subnetId, IpAddress destination) =>
        index.RouteTableOf(subnetId).Table is { } table ? Find(index, table, destination) : null;

    public static RouteDecision Find(SnapshotIndex index, RouteTable table, IpAddress destination)
    {
        var match = index.RouteLookupOf(table).Find(destination);
        var (best, unknownList) = match;
        if (unknownList is not null)
            return new(HopResult.Unknown, best?.Route, best?.Index, best?.Destination, RouteTargetKind.Other, unknownList,
                $"a route to prefix list {unknownList} might match {destination} but its entries were not captured", ExplanationCodes.PrefixListEntriesMissing);
        // Longest prefix wins: a route whose destination cannot be read could be the longest match (SEMANTICS 0, 12).
        if (match.Unreadable is { } u)
            return new(HopResult.Unknown, u.Route, u.Index, null, RouteTargetKind.Other, null,
                $"{u.Problem}: it could be the longest match for {destination}", ExplanationCodes.UninterpretableEntry);
        if (best is null)
            return new(HopResult.Denied, null, null, null, RouteTargetKind.Other, null, $"{table.RouteTableId} has no route to {destination}", ExplanationCodes.NoRoute);
        if (best.IsBlackhole)
            return new(HopResult.Denied, best.Route, best.Index, best.Destination, best.Kind, best.TargetId, $"route {best.Destination} -> {best.TargetId} is a blackhole", ExplanationCodes.BadStateRoute);
        return new(HopResult.Allowed, best.Route, best.Index, best.Destination, best.Kind, best.TargetId, $"{destination} matches {best.Destination} -> {best.TargetId}", null);
    }
}
