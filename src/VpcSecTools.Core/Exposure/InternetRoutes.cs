using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Routing;

namespace VpcSecTools.Exposure;

/// <summary>Where a family's internet traffic goes from a route table: the route's target kind, or none (no route, a blackhole).</summary>
/// <param name="Kind">The target kind; null when there is no way out (or it is unknown).</param>
/// <param name="Evidence">The route as shown (<c>rtb-1: ::/0 -> igw-1 (active)</c>), or what is missing.</param>
/// <param name="Unknown">Why the route cannot be told (a prefix list without entries); null when it can.</param>
internal sealed record InternetRoute(RouteTargetKind? Kind, string Evidence, string? Unknown)
{
    public bool None => Kind is null && Unknown is null;

    /// <summary>Through an internet gateway: the subnet is public for this family (SEMANTICS 19).</summary>
    public bool Public => Kind == RouteTargetKind.InternetGateway;

    /// <summary>
    /// The family's default route in <paramref name="lookup"/>: its /0, else the route an internet address takes when it
    /// covers at least a /8 (a split default); a route to a prefix list whose entries were not captured may be it.
    /// </summary>
    public static InternetRoute Of(RouteTableLookup lookup, bool ipv6)
    {
        var family = ipv6 ? "::/0" : "0.0.0.0/0";
        var match = lookup.Find(ipv6 ? AddressScope.DefaultInternetIPv6 : AddressScope.DefaultInternetIPv4);
        var route = lookup.Routes.FirstOrDefault(r => r.Destination.Prefix == 0 && r.Destination.IsIPv6 == ipv6)
            ?? (match.Route is { Destination.Prefix: <= 8 } wide ? wide : null);
        if (route is null && match.UnresolvedPrefixList is { } pl)
            return new InternetRoute(null, $"no known route for {family}", $"{lookup.Table.RouteTableId} routes to prefix list {pl}, whose entries were not captured");
        if (route is null || route.Kind == RouteTargetKind.Local) return new InternetRoute(null, $"no route for {family}", null);
        if (route.IsBlackhole) return new InternetRoute(null, $"{route.Evidence}, a blackhole", null);
        return new InternetRoute(route.Kind, route.Evidence, null);
    }
}
