using System.Collections;

namespace VpcSecTools.Snapshot;

/// <summary>
/// The sections of an inventory, keyed by the top-level key of the AWS response that holds them
/// (<c>Vpcs</c>, <c>SecurityGroups</c>, <c>Reservations</c>...). Loaders recognise files by that key,
/// the snapshot file uses it, and live capture fills it: one table for all three.
/// </summary>
public sealed class Section
{
    public const string Vpcs = nameof(Vpcs), Subnets = nameof(Subnets), RouteTables = nameof(RouteTables),
        NetworkAcls = nameof(NetworkAcls), SecurityGroups = nameof(SecurityGroups), NetworkInterfaces = nameof(NetworkInterfaces),
        Reservations = nameof(Reservations), InternetGateways = nameof(InternetGateways),
        EgressOnlyInternetGateways = nameof(EgressOnlyInternetGateways), NatGateways = nameof(NatGateways),
        VpcEndpoints = nameof(VpcEndpoints), VpcPeeringConnections = nameof(VpcPeeringConnections),
        TransitGateways = nameof(TransitGateways), TransitGatewayAttachments = nameof(TransitGatewayAttachments),
        TransitGatewayVpcAttachments = nameof(TransitGatewayVpcAttachments), TransitGatewayRouteTables = nameof(TransitGatewayRouteTables),
        TransitGatewayRouteTableAssociations = nameof(TransitGatewayRouteTableAssociations),
        TransitGatewayPropagations = nameof(TransitGatewayPropagations), TransitGatewayStaticRoutes = nameof(TransitGatewayStaticRoutes),
        TransitGatewayPropagatedRoutes = nameof(TransitGatewayPropagatedRoutes), PrefixLists = nameof(PrefixLists),
        PrefixListEntries = nameof(PrefixListEntries), VpnGateways = nameof(VpnGateways), VpnConnections = nameof(VpnConnections),
        CustomerGateways = nameof(CustomerGateways),
        FlowLogs = nameof(FlowLogs), DBSubnetGroups = nameof(DBSubnetGroups);

    private readonly Func<RegionInventory, IList> _get;
    private readonly Func<RegionInventory, IList, RegionInventory> _set;
    private readonly Func<object, string?> _idOf;

    private Section(string key, Type itemType, string idName, Func<object, string?> idOf,
        Func<RegionInventory, IList> get, Func<RegionInventory, IList, RegionInventory> set)
    {
        Key = key; ItemType = itemType; IdName = idName; _idOf = idOf; _get = get; _set = set;
    }

    /// <summary>The top-level key in AWS output and in the snapshot file.</summary>
    public string Key { get; }
    public Type ItemType { get; }
    /// <summary>The member that identifies an item (<c>VpcId</c>...), used to merge pages and spot conflicts.</summary>
    public string IdName { get; }

    public string? IdOf(object item) => _idOf(item);
    public IList Get(RegionInventory inventory) => _get(inventory);
    public RegionInventory With(RegionInventory inventory, IList items) => _set(inventory, items);

    private static Section Of<T>(string key, string idName, Func<T, string?> id,
        Func<RegionInventory, IReadOnlyList<T>> get, Func<RegionInventory, IReadOnlyList<T>, RegionInventory> set) =>
        new(key, typeof(T), idName, o => id((T)o), inv => (IList)get(inv),
            (inv, items) => set(inv, items.Cast<T>().ToArray()));

    /// <summary>All sections, in snapshot-file order.</summary>
    public static readonly IReadOnlyList<Section> All =
    [
        Of<Vpc>(Vpcs, "VpcId", x => x.VpcId, i => i.Vpcs, (i, v) => i with { Vpcs = v }),
        Of<Subnet>(Subnets, "SubnetId", x => x.SubnetId, i => i.Subnets, (i, v) => i with { Subnets = v }),
        Of<RouteTable>(RouteTables, "RouteTableId", x => x.RouteTableId, i => i.RouteTables, (i, v) => i with { RouteTables = v }),
        Of<NetworkAcl>(NetworkAcls, "NetworkAclId", x => x.NetworkAclId, i => i.NetworkAcls, (i, v) => i with { NetworkAcls = v }),
        Of<SecurityGroup>(SecurityGroups, "GroupId", x => x.GroupId, i => i.SecurityGroups, (i, v) => i with { SecurityGroups = v }),
        Of<NetworkInterface>(NetworkInterfaces, "NetworkInterfaceId", x => x.NetworkInterfaceId, i => i.NetworkInterfaces, (i, v) => i with { NetworkInterfaces = v }),
        Of<Reservation>(Reservations, "ReservationId", x => x.ReservationId ?? x.Instances.FirstOrDefault()?.InstanceId, i => i.Reservations, (i, v) => i with { Reservations = v }),
        Of<InternetGateway>(InternetGateways, "InternetGatewayId", x => x.InternetGatewayId, i => i.InternetGateways, (i, v) => i with { InternetGateways = v }),
        Of<EgressOnlyInternetGateway>(EgressOnlyInternetGateways, "EgressOnlyInternetGatewayId", x => x.EgressOnlyInternetGatewayId, i => i.EgressOnlyInternetGateways, (i, v) => i with { EgressOnlyInternetGateways = v }),
        Of<NatGateway>(NatGateways, "NatGatewayId", x => x.NatGatewayId, i => i.NatGateways, (i, v) => i with { NatGateways = v }),
        Of<VpcEndpoint>(VpcEndpoints, "VpcEndpointId", x => x.VpcEndpointId, i => i.VpcEndpoints, (i, v) => i with { VpcEndpoints = v }),
        Of<VpcPeeringConnection>(VpcPeeringConnections, "VpcPeeringConnectionId", x => x.VpcPeeringConnectionId, i => i.VpcPeeringConnections, (i, v) => i with { VpcPeeringConnections = v }),
        Of<TransitGateway>(TransitGateways, "TransitGatewayId", x => x.TransitGatewayId, i => i.TransitGateways, (i, v) => i with { TransitGateways = v }),
        Of<TransitGatewayAttachment>(TransitGatewayAttachments, "TransitGatewayAttachmentId", x => x.TransitGatewayAttachmentId, i => i.TransitGatewayAttachments, (i, v) => i with { TransitGatewayAttachments = v }),
        Of<TransitGatewayVpcAttachment>(TransitGatewayVpcAttachments, "TransitGatewayAttachmentId", x => x.TransitGatewayAttachmentId, i => i.TransitGatewayVpcAttachments, (i, v) => i with { TransitGatewayVpcAttachments = v }),
        Of<TransitGatewayRouteTable>(TransitGatewayRouteTables, "TransitGatewayRouteTableId", x => x.TransitGatewayRouteTableId, i => i.TransitGatewayRouteTables, (i, v) => i with { TransitGatewayRouteTables = v }),
        Of<TransitGatewayRouteTableAssociations>(TransitGatewayRouteTableAssociations, "TransitGatewayRouteTableId", x => x.TransitGatewayRouteTableId, i => i.TransitGatewayRouteTableAssociations, (i, v) => i with { TransitGatewayRouteTableAssociations = v }),
        Of<TransitGatewayPropagationsOfTable>(TransitGatewayPropagations, "TransitGatewayRouteTableId", x => x.TransitGatewayRouteTableId, i => i.TransitGatewayPropagations, (i, v) => i with { TransitGatewayPropagations = v }),
        Of<TransitGatewayRouteTableRoutes>(TransitGatewayStaticRoutes, "TransitGatewayRouteTableId", x => x.TransitGatewayRouteTableId, i => i.TransitGatewayStaticRoutes, (i, v) => i with { TransitGatewayStaticRoutes = v }),
        Of<TransitGatewayRouteTableRoutes>(TransitGatewayPropagatedRoutes, "TransitGatewayRouteTableId", x => x.TransitGatewayRouteTableId, i => i.TransitGatewayPropagatedRoutes, (i, v) => i with { TransitGatewayPropagatedRoutes = v }),
        Of<ManagedPrefixList>(PrefixLists, "PrefixListId", x => x.PrefixListId, i => i.PrefixLists, (i, v) => i with { PrefixLists = v }),
        Of<PrefixListEntries>(PrefixListEntries, "PrefixListId", x => x.PrefixListId, i => i.PrefixListEntries, (i, v) => i with { PrefixListEntries = v }),
        Of<VpnGateway>(VpnGateways, "VpnGatewayId", x => x.VpnGatewayId, i => i.VpnGateways, (i, v) => i with { VpnGateways = v }),
        Of<VpnConnection>(VpnConnections, "VpnConnectionId", x => x.VpnConnectionId, i => i.VpnConnections, (i, v) => i with { VpnConnections = v }),
        Of<CustomerGateway>(CustomerGateways, "CustomerGatewayId", x => x.CustomerGatewayId, i => i.CustomerGateways, (i, v) => i with { CustomerGateways = v }),
        Of<FlowLog>(FlowLogs, "FlowLogId", x => x.FlowLogId, i => i.FlowLogs, (i, v) => i with { FlowLogs = v }),
        Of<DBSubnetGroup>(DBSubnetGroups, "DBSubnetGroupName", x => x.DBSubnetGroupName, i => i.DBSubnetGroups, (i, v) => i with { DBSubnetGroups = v }),
    ];

    private static readonly Dictionary<string, Section> ByKey = All.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The section of a top-level key, matched without regard to case.</summary>
    public static bool TryGet(string key, out Section section) => ByKey.TryGetValue(key, out section!);

    public override string ToString() => Key;
}
