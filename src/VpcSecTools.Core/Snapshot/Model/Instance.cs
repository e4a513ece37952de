namespace VpcSecTools.Snapshot;

/// <summary>describe-instances: a reservation and its instances.</summary>
public sealed record Reservation
{
    public string? ReservationId { get; init; }
    public string? OwnerId { get; init; }
    public string? RequesterId { get; init; }
    public IReadOnlyList<GroupIdentifier> Groups { get; init; } = [];
    public IReadOnlyList<Instance> Instances { get; init; } = [];
}

/// <summary>The network-relevant fields of an instance; the rest of describe-instances is ignored.</summary>
public sealed record Instance
{
    public string InstanceId { get; init; } = "";
    public string? InstanceType { get; init; }
    public string? ImageId { get; init; }
    public string? KeyName { get; init; }
    public string? LaunchTime { get; init; }
    public string? Platform { get; init; }
    public string? PlatformDetails { get; init; }
    public InstanceState? State { get; init; }
    public Placement? Placement { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string? PrivateIpAddress { get; init; }
    public string? PrivateDnsName { get; init; }
    public string? PublicIpAddress { get; init; }
    public string? PublicDnsName { get; init; }
    public bool? SourceDestCheck { get; init; }
    public IamInstanceProfile? IamInstanceProfile { get; init; }
    public InstanceMetadataOptions? MetadataOptions { get; init; }
    public IReadOnlyList<GroupIdentifier> SecurityGroups { get; init; } = [];
    public IReadOnlyList<InstanceNetworkInterface> NetworkInterfaces { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record InstanceState
{
    public int? Code { get; init; }
    /// <summary><c>pending</c>, <c>running</c>, <c>stopping</c>, <c>stopped</c>, <c>shutting-down</c>, <c>terminated</c>.</summary>
    public string? Name { get; init; }
}

public sealed record Placement
{
    public string? AvailabilityZone { get; init; }
    public string? Tenancy { get; init; }
    public string? GroupName { get; init; }
}

public sealed record IamInstanceProfile
{
    public string? Arn { get; init; }
    public string? Id { get; init; }
}

/// <summary>The instance metadata service's settings (IMDS): whether it answers, and whether it requires session tokens (IMDSv2).</summary>
public sealed record InstanceMetadataOptions
{
    /// <summary><c>pending</c> while a change is being applied, else <c>applied</c>.</summary>
    public string? State { get; init; }
    /// <summary><c>required</c> (IMDSv2 only) or <c>optional</c> (IMDSv1 accepted too).</summary>
    public string? HttpTokens { get; init; }
    /// <summary>How many network hops the token's PUT response may travel (1: the instance itself).</summary>
    public int? HttpPutResponseHopLimit { get; init; }
    /// <summary><c>enabled</c> or <c>disabled</c>.</summary>
    public string? HttpEndpoint { get; init; }
    public string? HttpProtocolIpv6 { get; init; }
    public string? InstanceMetadataTags { get; init; }
}

/// <summary>An ENI as describe-instances nests it; describe-network-interfaces is the fuller source.</summary>
public sealed record InstanceNetworkInterface
{
    public string NetworkInterfaceId { get; init; } = "";
    public string? SubnetId { get; init; }
    public string? VpcId { get; init; }
    public string? PrivateIpAddress { get; init; }
    public string? InterfaceType { get; init; }
    public bool? SourceDestCheck { get; init; }
    public string? Status { get; init; }
    public IReadOnlyList<GroupIdentifier> Groups { get; init; } = [];
}
