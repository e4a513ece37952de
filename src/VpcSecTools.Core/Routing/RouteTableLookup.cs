using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Routing;

/// <summary>The route a VPC route table chose for a destination, with the text that shows it as evidence.</summary>
/// <param name="RouteTableId">The table holding it.</param>
/// <param name="Route">The route as captured.</param>
/// <param name="Index">Its 0-based position in the table.</param>
/// <param name="Destination">The prefix that matched: the route's CIDR, a prefix-list entry, or the associated VPC CIDR a <c>local</c> route covers.</param>
/// <param name="Kind">The kind of target.</param>
/// <param name="TargetId">The target's id (<c>local</c>, <c>igw-…</c>, <c>pcx-…</c>...).</param>
public sealed record RouteChoice(string RouteTableId, Route Route, int Index, Cidr Destination, RouteTargetKind Kind, string? TargetId)
{
    public string Target => TargetId ?? "(no target)";
    public bool IsBlackhole => VpcRoutes.IsBlackhole(Route);

    /// <summary>E.g. <c>rtb-0891…: 192.168.1.0/24 -> pcx-0b89… (active)</c>; built once, shown with every answer the route gives.</summary>
    public string Evidence { get; } =
        $"{RouteTableId}: {(Route.DestinationPrefixListId is { } pl ? $"{pl} ({Destination})" : Destination.ToString())} -> {TargetId ?? "(no target)"} ({Route.State ?? "active"}{(VpcRoutes.IsPropagated(Route) ? ", propagated" : "")})";
}

/// <summary>A lookup's answer: the chosen route (null when none covers the address), or the prefix list that makes it unknown.</summary>
/// <param name="Route">The most specific usable route; it may be a blackhole.</param>
/// <param name="UnresolvedPrefixList">Set when a route to this prefix list, whose entries were not captured, might match more specifically than <paramref name="Route"/>.</param>
public readonly record struct RouteMatch(RouteChoice? Route, string? UnresolvedPrefixList)
{
    /// <summary>Set when a route whose destination could not be read might match more specifically than <see cref="Route"/>.</summary>
    public UnreadableRoute? Unreadable { get; init; }
}

/// <summary>A route of a table whose destination could not be read: it could be the longest match for any address of its family.</summary>
/// <param name="Route">The route as captured (null for a VPC CIDR that could not be read: the local route's reach is then unknown).</param>
/// <param name="Index">Its 0-based position in the table.</param>
/// <param name="Problem">What could not be read, and where.</param>
public sealed record UnreadableRoute(Route? Route, int? Index, Uninterpretable Problem);

/// <summary>
/// A VPC route table as a longest-prefix-match trie (SEMANTICS 11-15), IPv4 and IPv6 side by side: prefix lists
/// expanded; a <c>local</c> route stands only for the VPC's associated CIDRs (a disassociated block routes
/// nowhere); at one prefix local beats static beats prefix list beats propagated; a propagated route inside a
/// local range never applies, however specific. Built once per table (<see cref="SnapshotIndex.RouteLookupOf"/>),
/// then read from any thread.
/// </summary>
public sealed class RouteTableLookup
{
    private const int LocalRank = 0, StaticRank = 1, PrefixListRank = 2, PropagatedRank = 3;

    private readonly PrefixTrie<(RouteChoice Route, int Rank)> _trie = new();
    private readonly List<string> _unresolvedPrefixLists = [];
    // Scope: the CIDR an unreadable route is known to have (a local route of a VPC the snapshot does not hold), else null: any prefix.
    private readonly List<(UnreadableRoute Route, int Rank, bool Ipv4, bool Ipv6, Cidr? Scope)> _unreadable = [];

    public RouteTable Table { get; }

    /// <summary>Prefix lists this table routes to whose entries were not captured (their routes are missing here).</summary>
    public IReadOnlyList<string> UnresolvedPrefixLists => _unresolvedPrefixLists;

    /// <summary>Routes whose destination could not be read (and unreadable CIDRs of the VPC, which its local route covers).</summary>
    public IReadOnlyList<UnreadableRoute> UnreadableRoutes => _unreadable.Select(u => u.Route).ToArray();

    public RouteTableLookup(RouteTable table, SnapshotIndex index)
    {
        Table = table;
        var vpcCidrs = index.VpcCidrs(table.VpcId);
        var local = new List<Cidr>();
        var candidates = new List<(RouteChoice Route, int Rank)>();
        for (int i = 0; i < table.Routes.Count; i++)
        {
            var route = table.Routes[i];
            var (kind, target) = VpcRoutes.TargetOf(route);
            if (route.DestinationPrefixListId is { } pl)
            {
                if (index.PrefixListCidrs(pl) is not { } entries)
                {
                    if (!_unresolvedPrefixLists.Contains(pl)) _unresolvedPrefixLists.Add(pl);
                    continue;
                }
                foreach (var c in entries) candidates.Add((new RouteChoice(table.RouteTableId, route, i, c, kind, target), PrefixListRank));
                // An entry of the list that could not be read may be any prefix.
                foreach (var problem in index.ProblemsOf(pl)) _unreadable.Add((new UnreadableRoute(route, i, problem), PrefixListRank, true, true, null));
                continue;
            }
            int rank = kind == RouteTargetKind.Local ? LocalRank : VpcRoutes.IsPropagated(route) ? PropagatedRank : StaticRank;
            if (route.DestinationCidrBlock is null && route.DestinationIpv6CidrBlock is null)
                Unreadable(route, i, rank, "DestinationCidrBlock", "the route has no destination", true, true);
            var destinations = new[] { ("DestinationCidrBlock", route.DestinationCidrBlock, false), ("DestinationIpv6CidrBlock", route.DestinationIpv6CidrBlock, true) };
            foreach (var (field, text, ipv6) in destinations)
            {
                if (text is null) continue;
                if (!Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise))
                {
                    Unreadable(route, i, rank, field, string.IsNullOrWhiteSpace(text) ? "is empty" : error, !ipv6, ipv6);
                    continue;
                }
                if (cidr.IsIPv6 != ipv6)
                {
                    // A destination of the other family in the field: which family the route was meant for cannot be told.
                    Unreadable(route, i, rank, field, $"'{text}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR", true, true);
                    continue;
                }
                if (kind == RouteTargetKind.Local && !index.Vpcs.ContainsKey(table.VpcId))
                {
                    // Without the VPC its associated blocks are unknown: the local route may or may not cover this CIDR (SEMANTICS 12).
                    var problem = new Uninterpretable(Table.RouteTableId, $"Routes[{i}].{field}",
                        $"local route {cidr}: {table.VpcId} is not in the snapshot, so whether this block is associated cannot be told");
                    _unreadable.Add((new UnreadableRoute(route, i, problem), LocalRank, !cidr.IsIPv6, cidr.IsIPv6, cidr));
                    continue;
                }
                if (kind != RouteTargetKind.Local)
                {
                    candidates.Add((new RouteChoice(table.RouteTableId, route, i, cidr, kind, target), rank));
                    continue;
                }
                // A local route covers its CIDR only where an associated VPC block lies.
                foreach (var vpcCidr in vpcCidrs)
                {
                    var covered = vpcCidr.Contains(cidr) ? cidr : cidr.Contains(vpcCidr) ? vpcCidr : (Cidr?)null;
                    if (covered is not { } piece) continue;
                    local.Add(piece);
                    candidates.Add((new RouteChoice(table.RouteTableId, route, i, piece, kind, target), LocalRank));
                    if (piece == cidr) break;
                }
            }
        }
        // The local route covers the VPC's associated CIDRs: one of them that could not be read might hold the address.
        foreach (var problem in index.ProblemsOf(table.VpcId))
            _unreadable.Add((new UnreadableRoute(null, null, problem), LocalRank, true, true, null));
        foreach (var (choice, rank) in candidates)
        {
            // A VPN/DX-propagated route never overrides local (SEMANTICS 13): inside a local range it can never be chosen.
            if (rank == PropagatedRank && local.Exists(l => l.Contains(choice.Destination))) continue;
            if (_trie.TryGetExact(choice.Destination, out var existing) && existing.Rank <= rank) continue;
            _trie.Set(choice.Destination, (choice, rank));
        }
    }

    /// <summary>Every route the trie holds, one per prefix (the one chosen at that prefix).</summary>
    public IEnumerable<RouteChoice> Routes => _trie.All.Select(e => e.Value.Route);

    /// <summary>The route the table uses for <paramref name="address"/>, and whether an uncaptured prefix list could override it.</summary>
    public RouteMatch Find(IpAddress address)
    {
        bool found = _trie.TryLongestMatch(address, out _, out var hit);
        // An uncaptured list may hold any prefix, down to the address itself; at that length only a route that
        // outranks prefix lists is sure to stand.
        bool mightLose = _unresolvedPrefixLists.Count > 0
            && (!found || hit.Route.Destination.Prefix < address.Bits || hit.Rank > PrefixListRank);
        UnreadableRoute? unreadable = null;
        foreach (var u in _unreadable)
        {
            if (!(address.IsIPv6 ? u.Ipv6 : u.Ipv4)) continue;
            if (u.Scope is { } scope && !scope.Contains(address)) continue;
            // Any destination may hide behind it, down to the address itself (or its known prefix); propagated routes never beat local (SEMANTICS 13).
            int longest = u.Scope?.Prefix ?? address.Bits;
            bool couldWin = !found || hit.Route.Destination.Prefix < longest && !(hit.Rank == LocalRank && u.Rank == PropagatedRank)
                || hit.Route.Destination.Prefix == longest && hit.Rank > u.Rank || u.Scope is null && hit.Rank > u.Rank;
            if (couldWin) { unreadable = u.Route; break; }
        }
        return new RouteMatch(found ? hit.Route : null, mightLose ? _unresolvedPrefixLists[0] : null) { Unreadable = unreadable };
    }

    private void Unreadable(Route route, int index, int rank, string field, string reason, bool ipv4, bool ipv6) =>
        _unreadable.Add((new UnreadableRoute(route, index, new Uninterpretable(Table.RouteTableId, $"Routes[{index}].{field}", reason)), rank, ipv4, ipv6, null));
}
