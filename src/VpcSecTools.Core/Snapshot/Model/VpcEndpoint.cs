namespace VpcSecTools.Snapshot;

/// <summary>describe-vpc-endpoints: gateway endpoints attach to route tables, interface endpoints to subnets.</summary>
public sealed record VpcEndpoint
{
    public string VpcEndpointId { get; init; } = "";
    /// <summary><c>Gateway</c>, <c>Interface</c>, <c>GatewayLoadBalancer</c>, <c>Resource</c>, <c>ServiceNetwork</c>.</summary>
    public string? VpcEndpointType { get; init; }
    public string? VpcId { get; init; }
    public string? ServiceName { get; init; }
    public string? State { get; init; }
    public string? PolicyDocument { get; init; }
    public IReadOnlyList<string> RouteTableIds { get; init; } = [];
    public IReadOnlyList<string> SubnetIds { get; init; } = [];
    public IReadOnlyList<GroupIdentifier> Groups { get; init; } = [];
    public string? IpAddressType { get; init; }
    public bool? PrivateDnsEnabled { get; init; }
    public bool? RequesterManaged { get; init; }
    public IReadOnlyList<string> NetworkInterfaceIds { get; init; } = [];
    public IReadOnlyList<DnsEntry> DnsEntries { get; init; } = [];
    public string? CreationTimestamp { get; init; }
    public string? OwnerId { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record DnsEntry
{
    public string? DnsName { get; init; }
    public string? HostedZoneId { get; init; }
}
