using VpcSecTools.Net;

namespace VpcSecTools.IpMap;

/// <summary>
/// One address of one network interface, with the interface's place (subnet, VPC, AZ, account), its owner
/// and what filters it (security groups, source/destination check).
/// </summary>
public sealed record PrivateIpMapEntry
{
    /// <summary>The address, or the CIDR for a delegated prefix (named as on attributions, so entries pipe on by <c>IpAddress</c>).</summary>
    public string IpAddress { get; init; } = "";
    public AddressKind Kind { get; init; }
    public string NetworkInterfaceId { get; init; } = "";
    public string? SubnetId { get; init; }
    public string? VpcId { get; init; }
    public string? AvailabilityZone { get; init; }
    public string? Region { get; init; }
    /// <summary>The account that owns the ENI.</summary>
    public string? OwnerId { get; init; }
    public OwnerType OwnerType { get; init; }
    /// <summary>Load balancer kind (application, network, classic, gateway) or endpoint type.</summary>
    public string? OwnerSubtype { get; init; }
    /// <summary>The owning resource's id (instance, NAT gateway, endpoint, attachment, <c>net/name/id</c>...).</summary>
    public string? OwnerResourceId { get; init; }
    /// <summary>The owning resource's Name tag, or the name its description carries.</summary>
    public string? OwnerName { get; init; }
    /// <summary>The ENI field the owner was read from.</summary>
    public string OwnerEvidence { get; init; } = "";
    public string? InterfaceType { get; init; }
    public string? Description { get; init; }
    /// <summary>True for interfaces an AWS service created in your VPC (NAT gateways, load balancers, endpoints...).</summary>
    public bool RequesterManaged { get; init; }
    public string? RequesterId { get; init; }
    /// <summary>The public IPv4 (auto-assigned or Elastic IP) mapped to this private address.</summary>
    public string? PublicIp { get; init; }
    public ValueList<string> SecurityGroups { get; init; } = [];
    /// <summary>EC2's default when the field is absent is true.</summary>
    public bool SourceDestCheck { get; init; } = true;

    /// <summary>The address or delegated prefix as a CIDR (a /32 or /128 for a single address); the engine's, not the output's.</summary>
    internal Cidr Cidr { get; init; }
}
