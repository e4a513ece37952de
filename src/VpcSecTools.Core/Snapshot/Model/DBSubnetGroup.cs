namespace VpcSecTools.Snapshot;

/// <summary>
/// rds describe-db-subnet-groups: the subnets an RDS database may be placed in (and fail over to) in one VPC. Member
/// names are the AWS CLI's (<c>DBSubnetGroups[].Subnets[].SubnetAvailabilityZone.Name</c>).
/// </summary>
public sealed record DBSubnetGroup
{
    public string DBSubnetGroupName { get; init; } = "";
    public string? DBSubnetGroupDescription { get; init; }
    public string? VpcId { get; init; }
    /// <summary><c>Complete</c> when every subnet is usable.</summary>
    public string? SubnetGroupStatus { get; init; }
    public IReadOnlyList<DBSubnetGroupSubnet> Subnets { get; init; } = [];
    public string? DBSubnetGroupArn { get; init; }
    /// <summary><c>IPV4</c> or <c>DUAL</c>.</summary>
    public IReadOnlyList<string> SupportedNetworkTypes { get; init; } = [];
}

/// <summary>One subnet of a DB subnet group, as RDS reports it.</summary>
public sealed record DBSubnetGroupSubnet
{
    public string? SubnetIdentifier { get; init; }
    public DBSubnetAvailabilityZone? SubnetAvailabilityZone { get; init; }
    public DBSubnetOutpost? SubnetOutpost { get; init; }
    /// <summary><c>Active</c>, or another state when the subnet cannot take a database.</summary>
    public string? SubnetStatus { get; init; }
}

/// <summary>The Availability Zone of a DB subnet group's subnet.</summary>
public sealed record DBSubnetAvailabilityZone
{
    public string? Name { get; init; }
}

/// <summary>The Outpost of a DB subnet group's subnet (RDS on Outposts), empty otherwise.</summary>
public sealed record DBSubnetOutpost
{
    public string? Arn { get; init; }
}
