namespace VpcSecTools.IpMap;

/// <summary>What kind of resource owns a network interface, and so an address (SEMANTICS 23).</summary>
public enum OwnerType
{
    /// <summary>Nothing in the ENI says who made it (a detached interface, or a service we do not recognise).</summary>
    Unknown,
    Instance,
    NatGateway,
    /// <summary>Elastic Load Balancing; the subtype says application, network, classic or gateway.</summary>
    LoadBalancer,
    Lambda,
    Rds,
    /// <summary>An interface or Gateway Load Balancer endpoint.</summary>
    VpcEndpoint,
    TransitGatewayAttachment,
    ElastiCache,
    Efs,
    Ecs,
    Eks,
    Redshift,
    DirectoryService,
    Route53Resolver,
    ApiGateway,
    GlobalAccelerator,
    QuickSight,
}

/// <summary>Which address of an ENI a map entry is.</summary>
public enum AddressKind
{
    PrimaryIpv4,
    SecondaryIpv4,
    /// <summary>A delegated IPv4 prefix (prefix delegation): the entry's address is a CIDR.</summary>
    Ipv4Prefix,
    Ipv6Address,
    /// <summary>A delegated IPv6 prefix: the entry's address is a CIDR.</summary>
    Ipv6Prefix,
}
