namespace VpcSecTools.Snapshot;

/// <summary>describe-route-tables.</summary>
public sealed record RouteTable
{
    public string RouteTableId { get; init; } = "";
    public string VpcId { get; init; } = "";
    public string? OwnerId { get; init; }
    public IReadOnlyList<RouteTableAssociation> Associations { get; init; } = [];
    public IReadOnlyList<PropagatingVgw> PropagatingVgws { get; init; } = [];
    public IReadOnlyList<Route> Routes { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>A route: one destination (IPv4, IPv6 or prefix list) and one target.</summary>
[RequiresOneOf(nameof(DestinationCidrBlock), nameof(DestinationIpv6CidrBlock), nameof(DestinationPrefixListId))]
public sealed record Route
{
    public string? DestinationCidrBlock { get; init; }
    public string? DestinationIpv6CidrBlock { get; init; }
    public string? DestinationPrefixListId { get; init; }
    public string? EgressOnlyInternetGatewayId { get; init; }
    /// <summary><c>local</c>, <c>igw-…</c>, <c>vgw-…</c> or a gateway endpoint <c>vpce-…</c>.</summary>
    public string? GatewayId { get; init; }
    public string? InstanceId { get; init; }
    public string? InstanceOwnerId { get; init; }
    public string? NatGatewayId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? LocalGatewayId { get; init; }
    public string? CarrierGatewayId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    /// <summary><c>CreateRouteTable</c>, <c>CreateRoute</c> or <c>EnableVgwRoutePropagation</c>.</summary>
    public string? Origin { get; init; }
    /// <summary><c>active</c> or <c>blackhole</c>.</summary>
    public string? State { get; init; }
    public string? VpcPeeringConnectionId { get; init; }
    public string? CoreNetworkArn { get; init; }
}

public sealed record RouteTableAssociation
{
    public bool? Main { get; init; }
    public string? RouteTableAssociationId { get; init; }
    public string? RouteTableId { get; init; }
    public string? SubnetId { get; init; }
    /// <summary>An edge association (IGW or VGW ingress routing).</summary>
    public string? GatewayId { get; init; }
    public StateWithMessage? AssociationState { get; init; }
}

public sealed record PropagatingVgw
{
    public string? GatewayId { get; init; }
}
