namespace VpcSecTools.Snapshot;

/// <summary>describe-vpcs: a VPC with its IPv4 and IPv6 CIDR associations.</summary>
public sealed record Vpc
{
    public string VpcId { get; init; } = "";
    public string? OwnerId { get; init; }
    public string? CidrBlock { get; init; }
    public string? State { get; init; }
    public string? DhcpOptionsId { get; init; }
    public string? InstanceTenancy { get; init; }
    public bool? IsDefault { get; init; }
    public IReadOnlyList<VpcCidrBlockAssociation> CidrBlockAssociationSet { get; init; } = [];
    public IReadOnlyList<VpcIpv6CidrBlockAssociation> Ipv6CidrBlockAssociationSet { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record VpcCidrBlockAssociation
{
    public string? AssociationId { get; init; }
    public string CidrBlock { get; init; } = "";
    public StateWithMessage? CidrBlockState { get; init; }
}

public sealed record VpcIpv6CidrBlockAssociation
{
    public string? AssociationId { get; init; }
    public string Ipv6CidrBlock { get; init; } = "";
    public StateWithMessage? Ipv6CidrBlockState { get; init; }
    public string? NetworkBorderGroup { get; init; }
    public string? Ipv6Pool { get; init; }
}

/// <summary>describe-subnets.</summary>
public sealed record Subnet
{
    public string SubnetId { get; init; } = "";
    public string VpcId { get; init; } = "";
    public string? OwnerId { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? AvailabilityZoneId { get; init; }
    public string? CidrBlock { get; init; }
    public int? AvailableIpAddressCount { get; init; }
    public bool? DefaultForAz { get; init; }
    public bool? MapPublicIpOnLaunch { get; init; }
    public bool? AssignIpv6AddressOnCreation { get; init; }
    public bool? Ipv6Native { get; init; }
    public string? State { get; init; }
    public string? SubnetArn { get; init; }
    public string? OutpostArn { get; init; }
    public IReadOnlyList<SubnetIpv6CidrBlockAssociation> Ipv6CidrBlockAssociationSet { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record SubnetIpv6CidrBlockAssociation
{
    public string? AssociationId { get; init; }
    public string Ipv6CidrBlock { get; init; } = "";
    public StateWithMessage? Ipv6CidrBlockState { get; init; }
}
