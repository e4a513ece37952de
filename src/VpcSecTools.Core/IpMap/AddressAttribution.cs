
namespace VpcSecTools.IpMap;

/// <summary>Where an address lies as seen from a VPC (SEMANTICS 24), in the order they are tried.</summary>
public enum AttributionScope
{
    /// <summary>An ENI of the VPC holds the address; the owner is given.</summary>
    ThisVpc,
    /// <summary>A subnet's reserved address (network, router +1, DNS +2, +3, broadcast) or an AWS link-local service.</summary>
    ReservedAddress,
    /// <summary>Inside the VPC's CIDRs but held by no ENI in the snapshot.</summary>
    UnassignedInVpc,
    /// <summary>In a peered VPC: the peering is active and the VPC's route table sends the address there.</summary>
    PeeredVpc,
    /// <summary>Routed to a transit gateway, whose route table sends it to the attachment named.</summary>
    TransitGateway,
    /// <summary>Routed to a virtual private gateway (site-to-site VPN or Direct Connect).</summary>
    Vpn,
    /// <summary>An AWS public range (ip-ranges.json): the most specific service and its region.</summary>
    AwsService,
    /// <summary>A public address AWS does not publish as its own.</summary>
    Public,
    /// <summary>Several candidates fit (overlapping CIDRs, or route tables that disagree): all are listed.</summary>
    Ambiguous,
    /// <summary>The snapshot cannot say; <see cref="AddressAttribution.Reason"/> says why.</summary>
    Unknown,
}

/// <summary>
/// Who an address could be, as seen from one VPC, with the evidence: the route that led there and the
/// peering, transit-gateway attachment, VPN or AWS range it resolved to.
/// </summary>
public sealed record AddressAttribution
{
    private string? _text;

    /// <summary>The address asked about; the engine's, while the output carries <see cref="IpAddress"/>.</summary>
    internal VpcSecTools.Net.IpAddress Address { get; init; }

    /// <summary>The address in canonical form (so results pipe on by <c>IpAddress</c>); formatted on first use.</summary>
    public string IpAddress { get => _text ??= Address.ToString(); init => _text = value; }
    /// <summary>The VPC it is seen from (null when none could be chosen).</summary>
    public string? FromVpcId { get; init; }
    public AttributionScope Scope { get; init; }
    /// <summary>The VPC the address is in (this VPC, the peer, or the VPC behind a TGW attachment), when known.</summary>
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    /// <summary>The ENI address holding it (ThisVpc, and PeeredVpc / TransitGateway when the far VPC is in the snapshot).</summary>
    public PrivateIpMapEntry? Owner { get; init; }
    /// <summary>For ReservedAddress: network, router, DNS, reserved, broadcast, or the AWS link-local service.</summary>
    public string? ReservedRole { get; init; }
    public string? VpcPeeringConnectionId { get; init; }
    public string? TransitGatewayId { get; init; }
    public string? TransitGatewayRouteTableId { get; init; }
    public string? TransitGatewayAttachmentId { get; init; }
    /// <summary><c>vpc</c>, <c>vpn</c>, <c>direct-connect-gateway</c>, <c>peering</c>, <c>connect</c>...</summary>
    public string? TransitGatewayAttachmentType { get; init; }
    /// <summary>The attachment's resource (a VPC, VPN connection, DX gateway or peer TGW).</summary>
    public string? TransitGatewayAttachmentResourceId { get; init; }
    public string? VpnGatewayId { get; init; }
    public ValueList<string> VpnConnectionIds { get; init; } = [];
    /// <summary>AwsService: the most specific service listing the address (S3, DYNAMODB, EC2, AMAZON...).</summary>
    public string? Service { get; init; }
    public string? Region { get; init; }
    public string? NetworkBorderGroup { get; init; }
    /// <summary>AwsService: the ip-ranges.json CIDR that matched.</summary>
    public string? AwsPrefix { get; init; }
    /// <summary>The route table(s) whose route led here.</summary>
    public string? RouteTableId { get; init; }
    /// <summary>The route that led here, e.g. <c>192.168.1.0/24 -> pcx-0b89b559e3319d6cf</c>; TGW routes follow after <c>; </c>.</summary>
    public string? Route { get; init; }
    /// <summary>Why: for Unknown the missing fact, for Ambiguous the overlap, otherwise a short explanation.</summary>
    public string? Reason { get; init; }
    /// <summary>For Ambiguous: every candidate, each with its own evidence.</summary>
    public ValueList<AddressAttribution> Candidates { get; init; } = [];

    /// <summary>
    /// A short label of who the address is (<c>app-1 (Instance i-0a1b...)</c>, <c>S3 us-east-1</c>, <c>internet</c>):
    /// what a table of flow records shows in an owner column; the properties hold the evidence.
    /// </summary>
    public override string ToString() => Scope switch
    {
        _ when Owner is { } o => $"{o.OwnerName ?? o.OwnerResourceId ?? o.NetworkInterfaceId} ({o.OwnerType}{(o.OwnerSubtype is null ? "" : "/" + o.OwnerSubtype)}" +
            $"{(o.OwnerName is not null && o.OwnerResourceId is not null ? " " + o.OwnerResourceId : "")}{(Scope == AttributionScope.ThisVpc ? "" : " in " + VpcId)})",
        AttributionScope.ReservedAddress => $"reserved: {ReservedRole} of {SubnetId}",
        AttributionScope.UnassignedInVpc => $"unassigned in {VpcId}",
        AttributionScope.PeeredVpc => $"peered {VpcId ?? "VPC"} via {VpcPeeringConnectionId}",
        AttributionScope.TransitGateway => $"{TransitGatewayAttachmentType} {TransitGatewayAttachmentResourceId} via {TransitGatewayId}",
        AttributionScope.Vpn => $"VPN via {VpnGatewayId}",
        AttributionScope.AwsService => $"{Service} {Region}",
        AttributionScope.Public => "internet",
        AttributionScope.Ambiguous => $"ambiguous: {string.Join(" | ", Candidates.Select(c => c.ToString()))}",
        _ => $"unknown: {Reason}",
    };
}
