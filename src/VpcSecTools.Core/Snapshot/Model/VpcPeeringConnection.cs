namespace VpcSecTools.Snapshot;

/// <summary>describe-vpc-peering-connections.</summary>
public sealed record VpcPeeringConnection
{
    public string VpcPeeringConnectionId { get; init; } = "";
    public VpcPeeringConnectionVpcInfo? AccepterVpcInfo { get; init; }
    public VpcPeeringConnectionVpcInfo? RequesterVpcInfo { get; init; }
    /// <summary>Code: <c>active</c>, <c>pending-acceptance</c>, <c>deleted</c>, <c>rejected</c>, <c>expired</c>, <c>failed</c>, <c>provisioning</c>, <c>deleting</c>.</summary>
    public PeeringStatus? Status { get; init; }
    public string? ExpirationTime { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record PeeringStatus
{
    public string? Code { get; init; }
    public string? Message { get; init; }
}

/// <summary>One side of a peering: its VPC, owner, region and the CIDRs it exposes to the peer.</summary>
public sealed record VpcPeeringConnectionVpcInfo
{
    public string? VpcId { get; init; }
    public string? OwnerId { get; init; }
    public string? Region { get; init; }
    public string? CidrBlock { get; init; }
    public IReadOnlyList<CidrBlockEntry> CidrBlockSet { get; init; } = [];
    public IReadOnlyList<Ipv6CidrBlockEntry> Ipv6CidrBlockSet { get; init; } = [];
    public PeeringOptions? PeeringOptions { get; init; }
}

/// <summary>The API shape <c>CidrBlock</c>.</summary>
public sealed record CidrBlockEntry
{
    public string CidrBlock { get; init; } = "";
}

/// <summary>The API shape <c>Ipv6CidrBlock</c>.</summary>
public sealed record Ipv6CidrBlockEntry
{
    public string Ipv6CidrBlock { get; init; } = "";
}

public sealed record PeeringOptions
{
    public bool? AllowDnsResolutionFromRemoteVpc { get; init; }
}
