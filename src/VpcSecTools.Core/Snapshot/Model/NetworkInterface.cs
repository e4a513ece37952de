namespace VpcSecTools.Snapshot;

/// <summary>describe-network-interfaces: every ENI, whoever created it.</summary>
public sealed record NetworkInterface
{
    public string NetworkInterfaceId { get; init; } = "";
    public string? SubnetId { get; init; }
    public string? VpcId { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? OwnerId { get; init; }
    public string? Description { get; init; }
    /// <summary>Real data spells values such as <c>nat_gateway</c>, <c>network_load_balancer</c>, <c>lambda</c> (SEMANTICS 23).</summary>
    public string? InterfaceType { get; init; }
    public string? RequesterId { get; init; }
    public bool? RequesterManaged { get; init; }
    /// <summary>Absent means the EC2 default, true.</summary>
    public bool? SourceDestCheck { get; init; }
    public string? Status { get; init; }
    public string? MacAddress { get; init; }
    public string? PrivateDnsName { get; init; }
    public string? PrivateIpAddress { get; init; }
    public IReadOnlyList<NetworkInterfacePrivateIpAddress> PrivateIpAddresses { get; init; } = [];
    public IReadOnlyList<Ipv4PrefixSpecification> Ipv4Prefixes { get; init; } = [];
    public IReadOnlyList<Ipv6PrefixSpecification> Ipv6Prefixes { get; init; } = [];
    public IReadOnlyList<NetworkInterfaceIpv6Address> Ipv6Addresses { get; init; } = [];
    public NetworkInterfaceAssociation? Association { get; init; }
    public NetworkInterfaceAttachment? Attachment { get; init; }
    public IReadOnlyList<GroupIdentifier> Groups { get; init; } = [];
    public bool? DenyAllIgwTraffic { get; init; }
    public bool? Ipv6Native { get; init; }
    public string? OutpostArn { get; init; }
    public IReadOnlyList<Tag> TagSet { get; init; } = [];
}

public sealed record NetworkInterfacePrivateIpAddress
{
    public bool? Primary { get; init; }
    public string PrivateIpAddress { get; init; } = "";
    public string? PrivateDnsName { get; init; }
    public NetworkInterfaceAssociation? Association { get; init; }
}

/// <summary>A public IPv4 address (auto-assigned or Elastic IP) mapped to a private one.</summary>
public sealed record NetworkInterfaceAssociation
{
    public string? AllocationId { get; init; }
    public string? AssociationId { get; init; }
    /// <summary><c>amazon</c> for auto-assigned addresses, an account id for Elastic IPs.</summary>
    public string? IpOwnerId { get; init; }
    public string? PublicDnsName { get; init; }
    public string? PublicIp { get; init; }
    public string? CustomerOwnedIp { get; init; }
    public string? CarrierIp { get; init; }
}

public sealed record NetworkInterfaceAttachment
{
    public string? AttachmentId { get; init; }
    public string? AttachTime { get; init; }
    public bool? DeleteOnTermination { get; init; }
    public int? DeviceIndex { get; init; }
    public int? NetworkCardIndex { get; init; }
    public string? InstanceId { get; init; }
    public string? InstanceOwnerId { get; init; }
    public string? Status { get; init; }
}

public sealed record NetworkInterfaceIpv6Address
{
    public string Ipv6Address { get; init; } = "";
}

public sealed record Ipv4PrefixSpecification
{
    public string Ipv4Prefix { get; init; } = "";
}

public sealed record Ipv6PrefixSpecification
{
    public string Ipv6Prefix { get; init; } = "";
}
