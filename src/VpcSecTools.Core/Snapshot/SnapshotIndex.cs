using System.Collections.Concurrent;
using VpcSecTools.Net;
using VpcSecTools.Routing;

namespace VpcSecTools.Snapshot;

/// <summary>
/// Lookups every analysis needs, built once per snapshot and shared (read-only, thread-safe):
/// resources by id, ENIs by address and by security group, the route table and NACL each subnet
/// really uses, and CIDR tries of VPCs and subnets. Route-table tries are built on first use (an analysis
/// touches few of them) and then kept for every later query, from any thread.
/// </summary>
public sealed partial class SnapshotIndex
{
    private readonly Dictionary<string, RegionInventory> _regionOf = new(StringComparer.Ordinal);
    private readonly Dictionary<IpAddress, List<NetworkInterface>> _enisByAddress = [];
    private readonly PrefixTrie<List<NetworkInterface>> _enisByDelegatedPrefix = new();
    private readonly Dictionary<IpAddress, NetworkInterface> _eniByPublicIp = [];
    private readonly Dictionary<string, List<NetworkInterface>> _enisByGroup = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NetworkInterface>> _enisByInstance = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NetworkInterface>> _enisBySubnet = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Subnet>> _subnetsByVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _explicitRouteTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RouteTable> _mainRouteTable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _explicitAcl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NetworkAcl> _defaultAcl = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cidr[]> _vpcCidrs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Cidr[]> _subnetCidrs = new(StringComparer.Ordinal);
    private readonly PrefixTrie<List<Vpc>> _vpcTrie = new();
    private readonly PrefixTrie<List<Subnet>> _subnetTrie = new();
    private readonly Dictionary<string, Cidr[]> _prefixListCidrs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, NatGateway> _natByEni = new(StringComparer.Ordinal);
    private readonly List<string> _notes = [];
    private readonly ConcurrentDictionary<string, RouteTableLookup> _routeLookups = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TransitGatewayRouteTableLookup> _tgwRouteLookups = new(StringComparer.Ordinal);

    public VpcSnapshot Snapshot { get; }

    /// <summary>Per region: the counts and the sections the snapshot lacks, as Export-VpcSnapshot reports them.</summary>
    public IReadOnlyList<SnapshotSummary> Summary => SnapshotSummary.Of(Snapshot);

    public IReadOnlyDictionary<string, Vpc> Vpcs { get; }
    public IReadOnlyDictionary<string, Subnet> Subnets { get; }
    public IReadOnlyDictionary<string, RouteTable> RouteTables { get; }
    public IReadOnlyDictionary<string, NetworkAcl> NetworkAcls { get; }
    public IReadOnlyDictionary<string, SecurityGroup> SecurityGroups { get; }
    public IReadOnlyDictionary<string, NetworkInterface> NetworkInterfaces { get; }
    public IReadOnlyDictionary<string, Instance> Instances { get; }
    public IReadOnlyDictionary<string, InternetGateway> InternetGateways { get; }
    public IReadOnlyDictionary<string, EgressOnlyInternetGateway> EgressOnlyInternetGateways { get; }
    public IReadOnlyDictionary<string, NatGateway> NatGateways { get; }
    public IReadOnlyDictionary<string, VpcEndpoint> VpcEndpoints { get; }
    public IReadOnlyDictionary<string, VpcPeeringConnection> VpcPeeringConnections { get; }
    public IReadOnlyDictionary<string, TransitGateway> TransitGateways { get; }
    public IReadOnlyDictionary<string, TransitGatewayAttachment> TransitGatewayAttachments { get; }
    public IReadOnlyDictionary<string, TransitGatewayVpcAttachment> TransitGatewayVpcAttachments { get; }
    public IReadOnlyDictionary<string, TransitGatewayRouteTable> TransitGatewayRouteTables { get; }
    public IReadOnlyDictionary<string, ManagedPrefixList> PrefixLists { get; }
    public IReadOnlyDictionary<string, VpnGateway> VpnGateways { get; }
    public IReadOnlyDictionary<string, VpnConnection> VpnConnections { get; }
    public IReadOnlyDictionary<string, CustomerGateway> CustomerGateways { get; }
    public IReadOnlyDictionary<string, FlowLog> FlowLogs { get; }

    /// <summary>Data the index could not use (e.g. an unparsable CIDR), one sentence each.</summary>
    public IReadOnlyList<string> Notes => _notes;

    public SnapshotIndex(VpcSnapshot snapshot)
    {
        Snapshot = snapshot;
        Vpcs = ById(r => r.Vpcs, x => x.VpcId);
        Subnets = ById(r => r.Subnets, x => x.SubnetId);
        RouteTables = ById(r => r.RouteTables, x => x.RouteTableId);
        NetworkAcls = ById(r => r.NetworkAcls, x => x.NetworkAclId);
        SecurityGroups = ById(r => r.SecurityGroups, x => x.GroupId);
        NetworkInterfaces = ById(r => r.NetworkInterfaces, x => x.NetworkInterfaceId);
        Instances = ById(r => r.Instances, x => x.InstanceId);
        InternetGateways = ById(r => r.InternetGateways, x => x.InternetGatewayId);
        EgressOnlyInternetGateways = ById(r => r.EgressOnlyInternetGateways, x => x.EgressOnlyInternetGatewayId);
        NatGateways = ById(r => r.NatGateways, x => x.NatGatewayId);
        VpcEndpoints = ById(r => r.VpcEndpoints, x => x.VpcEndpointId);
        VpcPeeringConnections = ById(r => r.VpcPeeringConnections, x => x.VpcPeeringConnectionId);
        TransitGateways = ById(r => r.TransitGateways, x => x.TransitGatewayId);
        TransitGatewayAttachments = ById(r => r.TransitGatewayAttachments, x => x.TransitGatewayAttachmentId);
        TransitGatewayVpcAttachments = ById(r => r.TransitGatewayVpcAttachments, x => x.TransitGatewayAttachmentId);
        TransitGatewayRouteTables = ById(r => r.TransitGatewayRouteTables, x => x.TransitGatewayRouteTableId);
        PrefixLists = ById(r => r.PrefixLists, x => x.PrefixListId);
        VpnGateways = ById(r => r.VpnGateways, x => x.VpnGatewayId);
        VpnConnections = ById(r => r.VpnConnections, x => x.VpnConnectionId);
        CustomerGateways = ById(r => r.CustomerGateways, x => x.CustomerGatewayId);
        FlowLogs = ById(r => r.FlowLogs, x => x.FlowLogId);

        foreach (var region in snapshot.Regions)
        {
            IndexVpcs(region);
            IndexSubnets(region);
            IndexRouting(region);
            IndexNetworkInterfaces(region);
            IndexPrefixLists(region);
            foreach (var nat in region.NatGateways)
                foreach (var address in nat.NatGatewayAddresses)
                    if (address.NetworkInterfaceId is { } eni) _natByEni.TryAdd(eni, nat);
        }
    }

    /// <summary>The region inventory an id was found in (null if unknown).</summary>
    public RegionInventory? RegionOf(string id) => _regionOf.GetValueOrDefault(id);

    /// <summary>Whether the region holding <paramref name="id"/> captured <paramref name="section"/>.</summary>
    public bool Captured(string id, string section) => RegionOf(id)?.Has(section) ?? false;

    /// <summary>
    /// Whether an id a user gave (-VpcId, --subnet-id...) is known missing: every region captured the section and none holds it.
    /// Where a region did not capture the section, the id cannot be told missing.
    /// </summary>
    public bool Lacks<T>(string id, IReadOnlyDictionary<string, T> held, string section) =>
        !held.ContainsKey(id) && Snapshot.Regions.All(r => r.Has(section));

    /// <summary>ENIs holding this exact private address or a delegated prefix containing it (any VPC).</summary>
    public IReadOnlyList<NetworkInterface> EnisAt(IpAddress address)
    {
        if (_enisByAddress.TryGetValue(address, out var enis)) return enis;
        return _enisByDelegatedPrefix.TryLongestMatch(address, out _, out var delegated) ? delegated : [];
    }

    /// <summary>The ENI holding this private address in one VPC.</summary>
    public NetworkInterface? EniAt(string vpcId, IpAddress address) => EnisAt(address).FirstOrDefault(e => e.VpcId == vpcId);

    /// <summary>The ENI whose public IPv4 (auto-assigned or Elastic IP) this is.</summary>
    public NetworkInterface? EniByPublicIp(IpAddress address) => _eniByPublicIp.GetValueOrDefault(address);

    /// <summary>The NAT gateway an ENI belongs to (one of its NatGatewayAddresses), or null.</summary>
    public NatGateway? NatGatewayOfEni(string networkInterfaceId) => _natByEni.GetValueOrDefault(networkInterfaceId);

    public IReadOnlyList<NetworkInterface> EnisInGroup(string groupId) => _enisByGroup.GetValueOrDefault(groupId) ?? [];
    public IReadOnlyList<NetworkInterface> EnisOfInstance(string instanceId) => _enisByInstance.GetValueOrDefault(instanceId) ?? [];
    public IReadOnlyList<NetworkInterface> EnisInSubnet(string subnetId) => _enisBySubnet.GetValueOrDefault(subnetId) ?? [];
    public IReadOnlyList<Subnet> SubnetsOf(string vpcId) => _subnetsByVpc.GetValueOrDefault(vpcId) ?? [];

    /// <summary>The route table a subnet uses: its explicit association, else the VPC's main table (SEMANTICS 11).</summary>
    public (RouteTable? Table, bool Explicit) RouteTableOf(string subnetId)
    {
        if (_explicitRouteTable.TryGetValue(subnetId, out var table)) return (table, true);
        var vpc = Subnets.GetValueOrDefault(subnetId)?.VpcId;
        return (vpc is null ? null : _mainRouteTable.GetValueOrDefault(vpc), false);
    }

    public RouteTable? MainRouteTable(string vpcId) => _mainRouteTable.GetValueOrDefault(vpcId);

    /// <summary>
    /// The table as a longest-prefix trie (SEMANTICS 12-15), built once and shared by every analysis. A table that
    /// is not this snapshot's own (a caller's edited copy) is built for the call and not kept.
    /// </summary>
    public RouteTableLookup RouteLookupOf(RouteTable table)
    {
        if (!RouteTables.TryGetValue(table.RouteTableId, out var own) || !ReferenceEquals(own, table)) return new RouteTableLookup(table, this);
        // Two threads may build the same trie at once; one copy is kept, both are equal.
        return _routeLookups.GetOrAdd(table.RouteTableId, static (_, arg) => new RouteTableLookup(arg.Table, arg.Index), (Table: table, Index: this));
    }

    /// <summary>A transit-gateway route table as a trie (SEMANTICS 18), built once and shared; one not in the snapshot says so.</summary>
    public TransitGatewayRouteTableLookup TransitGatewayRouteLookupOf(string routeTableId) =>
        _tgwRouteLookups.GetOrAdd(routeTableId, static (id, index) => new TransitGatewayRouteTableLookup(id, index), this);

    /// <summary>Subnets that use this table, explicitly or (for the main table) implicitly.</summary>
    public IEnumerable<Subnet> SubnetsUsing(RouteTable table) =>
        SubnetsOf(table.VpcId).Where(s => RouteTableOf(s.SubnetId).Table?.RouteTableId == table.RouteTableId);

    /// <summary>The NACL a subnet uses: its explicit association, else the VPC's default NACL (SEMANTICS 7).</summary>
    public (NetworkAcl? Acl, bool Explicit) NetworkAclOf(string subnetId)
    {
        if (_explicitAcl.TryGetValue(subnetId, out var acl)) return (acl, true);
        var vpc = Subnets.GetValueOrDefault(subnetId)?.VpcId;
        return (vpc is null ? null : _defaultAcl.GetValueOrDefault(vpc), false);
    }

    public NetworkAcl? DefaultNetworkAcl(string vpcId) => _defaultAcl.GetValueOrDefault(vpcId);

    /// <summary>The VPC's associated IPv4 and IPv6 CIDRs; disassociated blocks are left out (SEMANTICS 12).</summary>
    public IReadOnlyList<Cidr> VpcCidrs(string vpcId) => _vpcCidrs.GetValueOrDefault(vpcId) ?? [];

    /// <summary>The subnet's IPv4 and IPv6 CIDRs.</summary>
    public IReadOnlyList<Cidr> SubnetCidrs(string subnetId) => _subnetCidrs.GetValueOrDefault(subnetId) ?? [];

    /// <summary>VPCs (any account or region in the snapshot) whose associated CIDRs contain the address.</summary>
    public IReadOnlyList<Vpc> VpcsContaining(IpAddress address) =>
        _vpcTrie.Matches(address).SelectMany(m => m.Value).Distinct().ToArray();

    /// <summary>The subnet of <paramref name="vpcId"/> containing the address.</summary>
    public Subnet? SubnetContaining(string vpcId, IpAddress address)
    {
        foreach (var (_, subnets) in _subnetTrie.Matches(address))
            foreach (var s in subnets) if (s.VpcId == vpcId) return s;
        return null;
    }

    /// <summary>A prefix list's CIDRs, or null when its entries were not captured (analyses say Unknown).</summary>
    public IReadOnlyList<Cidr>? PrefixListCidrs(string prefixListId) => _prefixListCidrs.GetValueOrDefault(prefixListId);

    private IReadOnlyDictionary<string, T> ById<T>(Func<RegionInventory, IEnumerable<T>> items, Func<T, string> id)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var region in Snapshot.Regions)
            foreach (var item in items(region))
            {
                var key = id(item);
                if (string.IsNullOrEmpty(key)) continue;
                map.TryAdd(key, item);
                _regionOf.TryAdd(key, region);
            }
        return map;
    }

    private void IndexVpcs(RegionInventory region)
    {
        foreach (var vpc in region.Vpcs)
        {
            var cidrs = new List<Cidr>();
            foreach (var a in vpc.CidrBlockAssociationSet)
                if (IsAssociated(a.CidrBlockState?.State)) AddCidr(cidrs, a.CidrBlock, vpc.VpcId);
            if (vpc.CidrBlockAssociationSet.Count == 0) AddCidr(cidrs, vpc.CidrBlock, vpc.VpcId);
            foreach (var a in vpc.Ipv6CidrBlockAssociationSet)
                if (IsAssociated(a.Ipv6CidrBlockState?.State)) AddCidr(cidrs, a.Ipv6CidrBlock, vpc.VpcId);
            _vpcCidrs[vpc.VpcId] = cidrs.Distinct().ToArray();
            foreach (var c in _vpcCidrs[vpc.VpcId]) AddToTrie(_vpcTrie, c, vpc);
        }
    }

    private void IndexSubnets(RegionInventory region)
    {
        foreach (var subnet in region.Subnets)
        {
            Add(_subnetsByVpc, subnet.VpcId, subnet);
            var cidrs = new List<Cidr>();
            AddCidr(cidrs, subnet.CidrBlock, subnet.SubnetId);
            foreach (var a in subnet.Ipv6CidrBlockAssociationSet)
                if (IsAssociated(a.Ipv6CidrBlockState?.State)) AddCidr(cidrs, a.Ipv6CidrBlock, subnet.SubnetId);
            _subnetCidrs[subnet.SubnetId] = cidrs.ToArray();
            foreach (var c in cidrs) AddToTrie(_subnetTrie, c, subnet);
        }
    }

    private void IndexRouting(RegionInventory region)
    {
        foreach (var table in region.RouteTables)
            foreach (var a in table.Associations)
            {
                if (!IsAssociated(a.AssociationState?.State)) continue;
                if (a.Main == true) _mainRouteTable[table.VpcId] = table;
                else if (a.SubnetId is not null) _explicitRouteTable[a.SubnetId] = table;
            }
        foreach (var acl in region.NetworkAcls)
        {
            if (acl.IsDefault == true) _defaultAcl[acl.VpcId] = acl;
            foreach (var a in acl.Associations)
                if (a.SubnetId is not null && acl.IsDefault != true) _explicitAcl[a.SubnetId] = acl;
        }
    }

    private void IndexNetworkInterfaces(RegionInventory region)
    {
        foreach (var eni in region.NetworkInterfaces)
        {
            foreach (var g in eni.Groups) Add(_enisByGroup, g.GroupId, eni);
            if (eni.Attachment?.InstanceId is { } instanceId) Add(_enisByInstance, instanceId, eni);
            if (eni.SubnetId is not null) Add(_enisBySubnet, eni.SubnetId, eni);

            var addresses = eni.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(eni.PrivateIpAddress)
                .Concat(eni.Ipv6Addresses.Select(a => a.Ipv6Address));
            foreach (var text in addresses.Distinct())
            {
                if (string.IsNullOrEmpty(text)) continue;
                if (IpAddress.TryParse(text, out var ip)) Add(_enisByAddress, ip, eni);
                else
                {
                    _notes.Add($"{eni.NetworkInterfaceId}: '{text}' is not an IP address");
                    Problem(eni.NetworkInterfaceId, "address", $"'{text}' is not an IP address");
                }
            }
            foreach (var p in eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix).Concat(eni.Ipv6Prefixes.Select(p => p.Ipv6Prefix)))
            {
                var cidrs = new List<Cidr>();
                AddCidr(cidrs, p, eni.NetworkInterfaceId);
                foreach (var c in cidrs) AddToTrie(_enisByDelegatedPrefix, c, eni);
            }
            var publicIps = eni.PrivateIpAddresses.Select(p => p.Association?.PublicIp).Append(eni.Association?.PublicIp);
            foreach (var text in publicIps.Distinct())
                if (text is not null && IpAddress.TryParse(text, out var pub)) _eniByPublicIp.TryAdd(pub, eni);
        }
    }

    private void IndexPrefixLists(RegionInventory region)
    {
        foreach (var list in region.PrefixLists)
            if (list.Cidrs is not null) _prefixListCidrs[list.PrefixListId] = ParseAll(list.Cidrs, list.PrefixListId);
        foreach (var entries in region.PrefixListEntries)
            _prefixListCidrs[entries.PrefixListId] = ParseAll(entries.Entries.Select(e => e.Cidr), entries.PrefixListId);
    }

    private Cidr[] ParseAll(IEnumerable<string> texts, string owner)
    {
        var cidrs = new List<Cidr>();
        foreach (var t in texts) AddCidr(cidrs, t, owner);
        return cidrs.ToArray();
    }

    private void AddCidr(List<Cidr> cidrs, string? text, string owner)
    {
        if (string.IsNullOrEmpty(text)) return;
        if (Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise)) cidrs.Add(cidr);
        else
        {
            _notes.Add($"{owner}: {error}");
            Problem(owner, "CIDR", error);
        }
    }

    /// <summary>EC2 omits the state on some sources (Batfish, older CLIs): absent means associated.</summary>
    private static bool IsAssociated(string? state) => state is null or "associated" or "associating";

    // An item adds itself to all its keys before the next item is indexed, so it is already in a key's list only if it
    // is the last one there. Searching the list instead (record equality comparing every member) made indexing
    // quadratic in the ENIs that share a group or subnet.
    private static void Add<TKey, T>(Dictionary<TKey, List<T>> map, TKey key, T value) where TKey : notnull where T : class
    {
        if (!map.TryGetValue(key, out var list)) map[key] = list = [];
        if (list.Count == 0 || !ReferenceEquals(list[^1], value)) list.Add(value);
    }

    private static void AddToTrie<T>(PrefixTrie<List<T>> trie, Cidr cidr, T value) where T : class
    {
        if (!trie.TryGetExact(cidr, out var list)) trie.Set(cidr, list = []);
        if (list.Count == 0 || !ReferenceEquals(list[^1], value)) list.Add(value);
    }
}
