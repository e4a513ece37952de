using System.Globalization;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Routing;

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

/// <summary>Facts about one captured VPC route: its target, whether it was propagated, and how to show it.</summary>
public static class VpcRoutes
{
    /// <summary>Propagated by a virtual private gateway (VPN BGP or Direct Connect), not entered by hand.</summary>
    public static bool IsPropagated(Route route) => string.Equals(route.Origin, "EnableVgwRoutePropagation", StringComparison.OrdinalIgnoreCase);

    public static bool IsBlackhole(Route route) => ResourceState.Is(route.State, "blackhole");

    /// <summary>
    /// The route's target. EC2 fills one target field, except for instance routes, which carry the instance and its
    /// ENI: the ENI is what forwards, so it is named.
    /// </summary>
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
