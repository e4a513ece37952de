namespace VpcSecTools.Snapshot;

/// <summary>describe-transit-gateways.</summary>
public sealed record TransitGateway
{
    public string TransitGatewayId { get; init; } = "";
    public string? TransitGatewayArn { get; init; }
    public string? State { get; init; }
    public string? OwnerId { get; init; }
    public string? Description { get; init; }
    public string? CreationTime { get; init; }
    public TransitGatewayOptions? Options { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record TransitGatewayOptions
{
    public long? AmazonSideAsn { get; init; }
    public IReadOnlyList<string> TransitGatewayCidrBlocks { get; init; } = [];
    public string? AutoAcceptSharedAttachments { get; init; }
    public string? DefaultRouteTableAssociation { get; init; }
    public string? AssociationDefaultRouteTableId { get; init; }
    public string? DefaultRouteTablePropagation { get; init; }
    public string? PropagationDefaultRouteTableId { get; init; }
    public string? VpnEcmpSupport { get; init; }
    public string? DnsSupport { get; init; }
    /// <summary><c>enable</c> lets security groups reference groups across the TGW (SEMANTICS 4).</summary>
    public string? SecurityGroupReferencingSupport { get; init; }
    public string? MulticastSupport { get; init; }
}

/// <summary>describe-transit-gateway-attachments: every kind (vpc, vpn, direct-connect-gateway, peering, connect).</summary>
public sealed record TransitGatewayAttachment
{
    public string TransitGatewayAttachmentId { get; init; } = "";
    public string? TransitGatewayId { get; init; }
    public string? TransitGatewayOwnerId { get; init; }
    public string? ResourceOwnerId { get; init; }
    public string? ResourceType { get; init; }
    public string? ResourceId { get; init; }
    public string? State { get; init; }
    public TransitGatewayAttachmentAssociation? Association { get; init; }
    public string? CreationTime { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record TransitGatewayAttachmentAssociation
{
    public string? TransitGatewayRouteTableId { get; init; }
    public string? State { get; init; }
}

/// <summary>describe-transit-gateway-vpc-attachments: which subnet (one per AZ) the TGW uses in the VPC.</summary>
public sealed record TransitGatewayVpcAttachment
{
    public string TransitGatewayAttachmentId { get; init; } = "";
    public string? TransitGatewayId { get; init; }
    public string? VpcId { get; init; }
    public string? VpcOwnerId { get; init; }
    public string? State { get; init; }
    public IReadOnlyList<string> SubnetIds { get; init; } = [];
    public string? CreationTime { get; init; }
    public TransitGatewayVpcAttachmentOptions? Options { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record TransitGatewayVpcAttachmentOptions
{
    public string? DnsSupport { get; init; }
    public string? Ipv6Support { get; init; }
    public string? ApplianceModeSupport { get; init; }
    public string? SecurityGroupReferencingSupport { get; init; }
}

/// <summary>describe-transit-gateway-route-tables.</summary>
public sealed record TransitGatewayRouteTable
{
    public string TransitGatewayRouteTableId { get; init; } = "";
    public string? TransitGatewayId { get; init; }
    public string? State { get; init; }
    public bool? DefaultAssociationRouteTable { get; init; }
    public bool? DefaultPropagationRouteTable { get; init; }
    public string? CreationTime { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>A search-transit-gateway-routes result for one route table (Batfish's collector layout).</summary>
public sealed record TransitGatewayRouteTableRoutes
{
    public string TransitGatewayRouteTableId { get; init; } = "";
    public IReadOnlyList<TransitGatewayRoute> Routes { get; init; } = [];
    /// <summary>True when the search hit its 1,000-route limit: the list is incomplete.</summary>
    public bool? AdditionalRoutesAvailable { get; init; }
}

[RequiresOneOf(nameof(DestinationCidrBlock), nameof(PrefixListId))]
public sealed record TransitGatewayRoute
{
    public string? DestinationCidrBlock { get; init; }
    public string? PrefixListId { get; init; }
    public IReadOnlyList<TransitGatewayRouteAttachment> TransitGatewayAttachments { get; init; } = [];
    /// <summary><c>static</c> or <c>propagated</c>.</summary>
    public string? Type { get; init; }
    /// <summary><c>active</c>, <c>blackhole</c>, <c>deleting</c>, <c>deleted</c>, <c>pending</c>.</summary>
    public string? State { get; init; }
}

public sealed record TransitGatewayRouteAttachment
{
    public string? ResourceId { get; init; }
    public string? TransitGatewayAttachmentId { get; init; }
    public string? ResourceType { get; init; }
}

/// <summary>get-transit-gateway-route-table-propagations for one route table (Batfish's collector layout).</summary>
public sealed record TransitGatewayPropagationsOfTable
{
    public string TransitGatewayRouteTableId { get; init; } = "";
    public IReadOnlyList<TransitGatewayRouteTablePropagation> TransitGatewayRouteTablePropagations { get; init; } = [];
}

public sealed record TransitGatewayRouteTablePropagation
{
    public string? TransitGatewayAttachmentId { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceType { get; init; }
    public string? State { get; init; }
}

/// <summary>get-transit-gateway-route-table-associations for one route table.</summary>
public sealed record TransitGatewayRouteTableAssociations
{
    public string TransitGatewayRouteTableId { get; init; } = "";
    public IReadOnlyList<TransitGatewayRouteTableAssociation> Associations { get; init; } = [];
}

public sealed record TransitGatewayRouteTableAssociation
{
    public string? TransitGatewayAttachmentId { get; init; }
    public string? ResourceId { get; init; }
    public string? ResourceType { get; init; }
    public string? State { get; init; }
}
