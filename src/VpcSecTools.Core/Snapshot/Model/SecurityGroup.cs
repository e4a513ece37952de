namespace VpcSecTools.Snapshot;

/// <summary>describe-security-groups.</summary>
public sealed record SecurityGroup
{
    public string GroupId { get; init; } = "";
    public string? GroupName { get; init; }
    public string? Description { get; init; }
    public string? OwnerId { get; init; }
    public string? VpcId { get; init; }
    public IReadOnlyList<IpPermission> IpPermissions { get; init; } = [];
    public IReadOnlyList<IpPermission> IpPermissionsEgress { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>One rule block: a protocol and port range, and the sources (or destinations) it allows.</summary>
public sealed record IpPermission
{
    /// <summary><c>-1</c>, a name (<c>tcp</c>) or a number (<c>6</c>); both forms occur in real data.</summary>
    public string IpProtocol { get; init; } = "-1";
    /// <summary>Port, or ICMP type; -1 or absent for all.</summary>
    public int? FromPort { get; init; }
    /// <summary>Port, or ICMP code; -1 or absent for all.</summary>
    public int? ToPort { get; init; }
    public IReadOnlyList<IpRange> IpRanges { get; init; } = [];
    public IReadOnlyList<Ipv6Range> Ipv6Ranges { get; init; } = [];
    public IReadOnlyList<PrefixListReference> PrefixListIds { get; init; } = [];
    public IReadOnlyList<UserIdGroupPair> UserIdGroupPairs { get; init; } = [];
}

public sealed record IpRange
{
    public string CidrIp { get; init; } = "";
    public string? Description { get; init; }
}

public sealed record Ipv6Range
{
    public string CidrIpv6 { get; init; } = "";
    public string? Description { get; init; }
}

/// <summary>The API shape <c>PrefixListId</c>: a managed prefix list named by a rule.</summary>
public sealed record PrefixListReference
{
    public string? Description { get; init; }
    public string PrefixListId { get; init; } = "";
}

/// <summary>A reference to another security group, possibly in a peered VPC or another account.</summary>
public sealed record UserIdGroupPair
{
    public string? Description { get; init; }
    public string? GroupId { get; init; }
    public string? GroupName { get; init; }
    /// <summary>Set for references across a peering; <c>deleted</c> marks a stale rule.</summary>
    public string? PeeringStatus { get; init; }
    public string? UserId { get; init; }
    public string? VpcId { get; init; }
    public string? VpcPeeringConnectionId { get; init; }
}
