namespace VpcSecTools.Snapshot;

/// <summary>
/// Everything captured from one account in one region, in the EC2 API's own shapes. A section that was
/// not captured (absent from the source, or denied) is empty and not in <see cref="CapturedSections"/>:
/// analyses must then say Unknown, never treat it as "there are none".
/// </summary>
public sealed record RegionInventory
{
    public string Region { get; init; } = "";
    public string? AccountId { get; init; }
    public IReadOnlyList<Vpc> Vpcs { get; init; } = [];
    public IReadOnlyList<Subnet> Subnets { get; init; } = [];
    public IReadOnlyList<RouteTable> RouteTables { get; init; } = [];
    public IReadOnlyList<NetworkAcl> NetworkAcls { get; init; } = [];
    public IReadOnlyList<SecurityGroup> SecurityGroups { get; init; } = [];
    public IReadOnlyList<NetworkInterface> NetworkInterfaces { get; init; } = [];
    public IReadOnlyList<Reservation> Reservations { get; init; } = [];
    public IReadOnlyList<InternetGateway> InternetGateways { get; init; } = [];
    public IReadOnlyList<EgressOnlyInternetGateway> EgressOnlyInternetGateways { get; init; } = [];
    public IReadOnlyList<NatGateway> NatGateways { get; init; } = [];
    public IReadOnlyList<VpcEndpoint> VpcEndpoints { get; init; } = [];
    public IReadOnlyList<VpcPeeringConnection> VpcPeeringConnections { get; init; } = [];
    public IReadOnlyList<TransitGateway> TransitGateways { get; init; } = [];
    public IReadOnlyList<TransitGatewayAttachment> TransitGatewayAttachments { get; init; } = [];
    public IReadOnlyList<TransitGatewayVpcAttachment> TransitGatewayVpcAttachments { get; init; } = [];
    public IReadOnlyList<TransitGatewayRouteTable> TransitGatewayRouteTables { get; init; } = [];
    public IReadOnlyList<TransitGatewayRouteTableAssociations> TransitGatewayRouteTableAssociations { get; init; } = [];
    public IReadOnlyList<TransitGatewayPropagationsOfTable> TransitGatewayPropagations { get; init; } = [];
    public IReadOnlyList<TransitGatewayRouteTableRoutes> TransitGatewayStaticRoutes { get; init; } = [];
    public IReadOnlyList<TransitGatewayRouteTableRoutes> TransitGatewayPropagatedRoutes { get; init; } = [];
    public IReadOnlyList<ManagedPrefixList> PrefixLists { get; init; } = [];
    public IReadOnlyList<PrefixListEntries> PrefixListEntries { get; init; } = [];
    public IReadOnlyList<VpnGateway> VpnGateways { get; init; } = [];
    public IReadOnlyList<VpnConnection> VpnConnections { get; init; } = [];
    public IReadOnlyList<CustomerGateway> CustomerGateways { get; init; } = [];
    public IReadOnlyList<FlowLog> FlowLogs { get; init; } = [];
    /// <summary>rds describe-db-subnet-groups (the one section that is not EC2's).</summary>
    public IReadOnlyList<DBSubnetGroup> DBSubnetGroups { get; init; } = [];

    /// <summary>Section keys (as in <see cref="Section"/>) that the source held, even if empty.</summary>
    public IReadOnlySet<string> CapturedSections { get; init; } = new HashSet<string>();

    /// <summary>Sections that could not be captured, and why (e.g. the IAM action that was denied).</summary>
    public IReadOnlyList<MissingSection> MissingSections { get; init; } = [];

    public bool Has(string section) => CapturedSections.Contains(section);

    /// <summary>Every instance of every reservation.</summary>
    public IEnumerable<Instance> Instances => Reservations.SelectMany(r => r.Instances);
}

/// <summary>A section the capture could not read: its key, the error code and a sentence for the user.</summary>
public sealed record MissingSection(string Section, string ErrorCode, string Reason);

/// <summary>A whole capture: one or more regions (and accounts) plus where and when it came from.</summary>
public sealed record VpcSnapshot
{
    public SnapshotMetadata Metadata { get; init; } = new();
    public IReadOnlyList<RegionInventory> Regions { get; init; } = [];
}

/// <summary>Where a snapshot came from.</summary>
public sealed record SnapshotMetadata
{
    /// <summary>Version of the snapshot file format.</summary>
    public int SnapshotVersion { get; init; } = SnapshotFile.CurrentVersion;
    /// <summary>A path, or <c>aws</c> for a live capture.</summary>
    public string? Source { get; init; }
    /// <summary>UTC, ISO 8601.</summary>
    public string? CapturedAt { get; init; }
    /// <summary>The tool and version that wrote it.</summary>
    public string? Generator { get; init; }
}
