namespace VpcSecTools.Snapshot;

/// <summary>describe-internet-gateways.</summary>
public sealed record InternetGateway
{
    public string InternetGatewayId { get; init; } = "";
    public string? OwnerId { get; init; }
    public IReadOnlyList<InternetGatewayAttachment> Attachments { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>An IGW, egress-only IGW attachment: <c>available</c>/<c>attached</c> means in use.</summary>
public sealed record InternetGatewayAttachment
{
    public string? State { get; init; }
    public string? VpcId { get; init; }
}

/// <summary>describe-egress-only-internet-gateways.</summary>
public sealed record EgressOnlyInternetGateway
{
    public string EgressOnlyInternetGatewayId { get; init; } = "";
    public IReadOnlyList<InternetGatewayAttachment> Attachments { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>describe-nat-gateways.</summary>
public sealed record NatGateway
{
    public string NatGatewayId { get; init; } = "";
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    /// <summary><c>pending</c>, <c>failed</c>, <c>available</c>, <c>deleting</c>, <c>deleted</c>.</summary>
    public string? State { get; init; }
    /// <summary><c>public</c> (default) or <c>private</c>.</summary>
    public string? ConnectivityType { get; init; }
    public string? CreateTime { get; init; }
    public string? DeleteTime { get; init; }
    public IReadOnlyList<NatGatewayAddress> NatGatewayAddresses { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record NatGatewayAddress
{
    public string? AllocationId { get; init; }
    public string? NetworkInterfaceId { get; init; }
    public string? PrivateIp { get; init; }
    public string? PublicIp { get; init; }
    public bool? IsPrimary { get; init; }
    public string? Status { get; init; }
}

/// <summary>describe-vpn-gateways.</summary>
public sealed record VpnGateway
{
    public string VpnGatewayId { get; init; } = "";
    public string? State { get; init; }
    public string? Type { get; init; }
    public string? AvailabilityZone { get; init; }
    public long? AmazonSideAsn { get; init; }
    public IReadOnlyList<VpcAttachment> VpcAttachments { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record VpcAttachment
{
    public string? State { get; init; }
    public string? VpcId { get; init; }
}

/// <summary>describe-vpn-connections (the customer-gateway configuration is not kept).</summary>
public sealed record VpnConnection
{
    public string VpnConnectionId { get; init; } = "";
    public string? CustomerGatewayId { get; init; }
    public string? Category { get; init; }
    public string? State { get; init; }
    public string? Type { get; init; }
    public string? VpnGatewayId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? CoreNetworkArn { get; init; }
    public VpnConnectionOptions? Options { get; init; }
    public IReadOnlyList<VpnStaticRoute> Routes { get; init; } = [];
    public IReadOnlyList<VgwTelemetry> VgwTelemetry { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record VpnConnectionOptions
{
    public bool? StaticRoutesOnly { get; init; }
    public string? LocalIpv4NetworkCidr { get; init; }
    public string? RemoteIpv4NetworkCidr { get; init; }
    public string? LocalIpv6NetworkCidr { get; init; }
    public string? RemoteIpv6NetworkCidr { get; init; }
    public string? TunnelInsideIpVersion { get; init; }
    public string? TransportTransitGatewayAttachmentId { get; init; }
}

public sealed record VpnStaticRoute
{
    public string? DestinationCidrBlock { get; init; }
    public string? Source { get; init; }
    public string? State { get; init; }
}

public sealed record VgwTelemetry
{
    public int? AcceptedRouteCount { get; init; }
    public string? LastStatusChange { get; init; }
    public string? OutsideIpAddress { get; init; }
    public string? Status { get; init; }
    public string? StatusMessage { get; init; }
}

/// <summary>describe-customer-gateways: the on-premises end of a Site-to-Site VPN.</summary>
public sealed record CustomerGateway
{
    public string CustomerGatewayId { get; init; } = "";
    public string? BgpAsn { get; init; }
    public string? IpAddress { get; init; }
    public string? DeviceName { get; init; }
    public string? State { get; init; }
    public string? Type { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}
