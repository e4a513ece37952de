namespace VpcSecTools.Snapshot;

/// <summary>describe-network-acls.</summary>
public sealed record NetworkAcl
{
    public string NetworkAclId { get; init; } = "";
    public string VpcId { get; init; } = "";
    public string? OwnerId { get; init; }
    public bool? IsDefault { get; init; }
    public IReadOnlyList<NetworkAclAssociation> Associations { get; init; } = [];
    /// <summary>In API order, which is not evaluation order: sort by RuleNumber (SEMANTICS 8).</summary>
    public IReadOnlyList<NetworkAclEntry> Entries { get; init; } = [];
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record NetworkAclAssociation
{
    public string? NetworkAclAssociationId { get; init; }
    public string? NetworkAclId { get; init; }
    public string? SubnetId { get; init; }
}

[RequiresOneOf(nameof(CidrBlock), nameof(Ipv6CidrBlock))]
public sealed record NetworkAclEntry
{
    public int RuleNumber { get; init; }
    public bool Egress { get; init; }
    public string Protocol { get; init; } = "-1";
    /// <summary><c>allow</c> or <c>deny</c>.</summary>
    public string RuleAction { get; init; } = "";
    public string? CidrBlock { get; init; }
    public string? Ipv6CidrBlock { get; init; }
    public IcmpTypeCode? IcmpTypeCode { get; init; }
    public NetworkAclPortRange? PortRange { get; init; }
}

public sealed record IcmpTypeCode
{
    public int? Code { get; init; }
    public int? Type { get; init; }
}

/// <summary>A NACL entry's port range (the API shape <c>PortRange</c>: From/To).</summary>
public sealed record NetworkAclPortRange
{
    public int? From { get; init; }
    public int? To { get; init; }
}
