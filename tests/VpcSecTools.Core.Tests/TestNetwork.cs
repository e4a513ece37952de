using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests;

/// <summary>
/// The one builder of small snapshots in code, from the model records, for every test that needs a network: each VPC
/// gets a main route table with its local routes and a default allow-all NACL; every section counts as captured unless
/// left out. Other tests' shorthands (the audit's <c>AuditNet</c>) fill its lists and build through it.
/// </summary>
public sealed class TestNetwork
{
    public List<Vpc> Vpcs { get; } = [];
    public List<Subnet> Subnets { get; } = [];
    public List<RouteTable> RouteTables { get; } = [];
    public List<NetworkAcl> NetworkAcls { get; } = [];
    public List<SecurityGroup> SecurityGroups { get; } = [];
    public List<NetworkInterface> Enis { get; } = [];
    public List<Reservation> Reservations { get; } = [];
    public List<InternetGateway> InternetGateways { get; } = [];
    public List<EgressOnlyInternetGateway> EgressOnly { get; } = [];
    public List<NatGateway> NatGateways { get; } = [];
    public List<VpcEndpoint> Endpoints { get; } = [];
    public List<VpcPeeringConnection> Peerings { get; } = [];
    public List<TransitGateway> TransitGateways { get; } = [];
    public List<TransitGatewayAttachment> TgwAttachments { get; } = [];
    public List<TransitGatewayVpcAttachment> TgwVpcAttachments { get; } = [];
    public List<TransitGatewayRouteTableRoutes> TgwStaticRoutes { get; } = [];
    public List<TransitGatewayPropagationsOfTable> TgwPropagations { get; } = [];
    public List<ManagedPrefixList> PrefixLists { get; } = [];
    public List<PrefixListEntries> PrefixListEntries { get; } = [];
    public List<VpnGateway> VpnGateways { get; } = [];
    public List<VpnConnection> VpnConnections { get; } = [];
    /// <summary>Sections left out of the capture; by default the propagated TGW routes, which the index derives from <see cref="TgwPropagations"/>.</summary>
    public HashSet<string> NotCaptured { get; } = [Section.TransitGatewayPropagatedRoutes];
    public List<FlowLog> FlowLogs { get; } = [];
    /// <summary>The account the region and the groups belong to.</summary>
    public string Account { get; init; } = "111111111111";
    public string Region { get; init; } = "us-east-1";

    public static readonly IpPermission AllTraffic = new() { IpProtocol = "-1", IpRanges = [new IpRange { CidrIp = "0.0.0.0/0" }], Ipv6Ranges = [new Ipv6Range { CidrIpv6 = "::/0" }] };

    public TestNetwork Vpc(string id, string cidr, string? ipv6 = null)
    {
        Vpcs.Add(new Vpc
        {
            VpcId = id, CidrBlock = cidr, CidrBlockAssociationSet = [new VpcCidrBlockAssociation { CidrBlock = cidr, CidrBlockState = new StateWithMessage { State = "associated" } }],
            Ipv6CidrBlockAssociationSet = ipv6 is null ? [] : [new VpcIpv6CidrBlockAssociation { Ipv6CidrBlock = ipv6, Ipv6CidrBlockState = new StateWithMessage { State = "associated" } }],
        });
        var routes = new List<Route> { new() { DestinationCidrBlock = cidr, GatewayId = "local", State = "active", Origin = "CreateRouteTable" } };
        if (ipv6 is not null) routes.Add(new Route { DestinationIpv6CidrBlock = ipv6, GatewayId = "local", State = "active", Origin = "CreateRouteTable" });
        RouteTables.Add(new RouteTable { RouteTableId = "rtb-main-" + id, VpcId = id, Associations = [new RouteTableAssociation { Main = true }], Routes = routes });
        NetworkAcls.Add(new NetworkAcl { NetworkAclId = "acl-default-" + id, VpcId = id, IsDefault = true, Entries = AllowAll() });
        return this;
    }

    public static List<NetworkAclEntry> AllowAll() =>
    [
        new() { RuleNumber = 100, Egress = false, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 100, Egress = true, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 101, Egress = false, Protocol = "-1", RuleAction = "allow", Ipv6CidrBlock = "::/0" },
        new() { RuleNumber = 101, Egress = true, Protocol = "-1", RuleAction = "allow", Ipv6CidrBlock = "::/0" },
        .. CatchAllDeny(),
    ];

    /// <summary>The entries every NACL ends with, as AWS lists them: rule 32767 denies IPv4 and 32768 IPv6, each direction.</summary>
    public static List<NetworkAclEntry> CatchAllDeny() =>
    [
        new() { RuleNumber = 32767, Egress = false, Protocol = "-1", RuleAction = "deny", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 32767, Egress = true, Protocol = "-1", RuleAction = "deny", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 32768, Egress = false, Protocol = "-1", RuleAction = "deny", Ipv6CidrBlock = "::/0" },
        new() { RuleNumber = 32768, Egress = true, Protocol = "-1", RuleAction = "deny", Ipv6CidrBlock = "::/0" },
    ];

    public TestNetwork Subnet(string id, string vpc, string cidr, string az = "us-east-1a", string? ipv6 = null)
    {
        Subnets.Add(new Subnet
        {
            SubnetId = id, VpcId = vpc, CidrBlock = cidr, AvailabilityZone = az,
            Ipv6CidrBlockAssociationSet = ipv6 is null ? [] : [new SubnetIpv6CidrBlockAssociation { Ipv6CidrBlock = ipv6 }],
        });
        return this;
    }

    /// <summary>A group with the given rules; null egress means the default allow-all outbound rule.</summary>
    public TestNetwork Group(string id, string vpc, IEnumerable<IpPermission>? ingress = null, IEnumerable<IpPermission>? egress = null)
    {
        SecurityGroups.Add(new SecurityGroup { GroupId = id, VpcId = vpc, OwnerId = Account, IpPermissions = (ingress ?? []).ToList(), IpPermissionsEgress = (egress ?? [AllTraffic]).ToList() });
        return this;
    }

    public static IpPermission Tcp(int port, string cidr) => new() { IpProtocol = "tcp", FromPort = port, ToPort = port, IpRanges = [new IpRange { CidrIp = cidr }] };
    public static IpPermission TcpFromGroup(int port, string groupId, string? peering = null, string? status = null) => new()
    {
        IpProtocol = "tcp", FromPort = port, ToPort = port,
        UserIdGroupPairs = [new UserIdGroupPair { GroupId = groupId, UserId = "111111111111", VpcPeeringConnectionId = peering, PeeringStatus = status }],
    };

    public TestNetwork Eni(string id, string subnet, string ip, string[] groups, string? instance = null, string? publicIp = null,
        string? ipv6 = null, bool? sourceDestCheck = null, string? platform = null, string? interfaceType = null)
    {
        var sub = Subnets.Single(s => s.SubnetId == subnet);
        var association = publicIp is null ? null : new NetworkInterfaceAssociation { PublicIp = publicIp };
        Enis.Add(new NetworkInterface
        {
            NetworkInterfaceId = id, SubnetId = subnet, VpcId = sub.VpcId, AvailabilityZone = sub.AvailabilityZone, PrivateIpAddress = ip,
            PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = ip, Primary = true, Association = association }],
            Association = association, Ipv6Addresses = ipv6 is null ? [] : [new NetworkInterfaceIpv6Address { Ipv6Address = ipv6 }],
            Groups = groups.Select(g => new GroupIdentifier { GroupId = g }).ToList(), SourceDestCheck = sourceDestCheck, InterfaceType = interfaceType ?? "interface",
            Attachment = instance is null ? null : new NetworkInterfaceAttachment { InstanceId = instance, DeviceIndex = 0 },
        });
        if (instance is not null)
            Reservations.Add(new Reservation { Instances = [new Instance { InstanceId = instance, Platform = platform, SubnetId = subnet, VpcId = sub.VpcId, PrivateIpAddress = ip }] });
        return this;
    }

    public TestNetwork Routes(string tableId, string vpc, string[] subnets, params Route[] routes)
    {
        var v = Vpcs.Single(x => x.VpcId == vpc);
        var all = new List<Route> { new() { DestinationCidrBlock = v.CidrBlock, GatewayId = "local", State = "active", Origin = "CreateRouteTable" } };
        foreach (var a in v.Ipv6CidrBlockAssociationSet) all.Add(new Route { DestinationIpv6CidrBlock = a.Ipv6CidrBlock, GatewayId = "local", State = "active" });
        all.AddRange(routes);
        RouteTables.Add(new RouteTable { RouteTableId = tableId, VpcId = vpc, Routes = all, Associations = subnets.Select(s => new RouteTableAssociation { SubnetId = s, RouteTableId = tableId }).ToList() });
        return this;
    }

    /// <summary>Adds routes to a VPC's main table.</summary>
    public TestNetwork MainRoutes(string vpc, params Route[] routes)
    {
        int i = RouteTables.FindIndex(t => t.RouteTableId == "rtb-main-" + vpc);
        RouteTables[i] = RouteTables[i] with { Routes = RouteTables[i].Routes.Concat(routes).ToList() };
        return this;
    }

    public TestNetwork Acl(string id, string vpc, string[] subnets, params NetworkAclEntry[] entries)
    {
        NetworkAcls.Add(new NetworkAcl { NetworkAclId = id, VpcId = vpc, IsDefault = false, Entries = entries, Associations = subnets.Select(s => new NetworkAclAssociation { SubnetId = s, NetworkAclId = id }).ToList() });
        return this;
    }

    public static NetworkAclEntry Entry(int number, bool egress, string action, string cidr = "0.0.0.0/0", string protocol = "-1", int? from = null, int? to = null) => new()
    {
        RuleNumber = number, Egress = egress, RuleAction = action, Protocol = protocol,
        CidrBlock = cidr.Contains(':') ? null : cidr, Ipv6CidrBlock = cidr.Contains(':') ? cidr : null,
        PortRange = from is null ? null : new NetworkAclPortRange { From = from, To = to ?? from },
    };

    public TestNetwork Igw(string id, string vpc)
    {
        InternetGateways.Add(new InternetGateway { InternetGatewayId = id, Attachments = [new InternetGatewayAttachment { VpcId = vpc, State = "available" }] });
        return this;
    }

    public TestNetwork Peering(string id, string requester, string accepter, string status = "active")
    {
        VpcPeeringConnection pcx = new()
        {
            VpcPeeringConnectionId = id, Status = new PeeringStatus { Code = status },
            RequesterVpcInfo = Info(requester), AccepterVpcInfo = Info(accepter),
        };
        Peerings.Add(pcx);
        return this;

        VpcPeeringConnectionVpcInfo Info(string vpc) => new() { VpcId = vpc, Region = "us-east-1", OwnerId = "111111111111", CidrBlock = Vpcs.Single(v => v.VpcId == vpc).CidrBlock };
    }

    public static Route To(string cidr, string? gateway = null, string? pcx = null, string? nat = null, string? tgw = null, string? eni = null,
        string? instance = null, string? eigw = null, string? prefixList = null, string state = "active", string origin = "CreateRoute") => new()
    {
        DestinationCidrBlock = cidr.Contains(':') || prefixList is not null ? null : cidr, DestinationIpv6CidrBlock = cidr.Contains(':') ? cidr : null,
        DestinationPrefixListId = prefixList, GatewayId = gateway, VpcPeeringConnectionId = pcx, NatGatewayId = nat, TransitGatewayId = tgw,
        NetworkInterfaceId = eni, InstanceId = instance, EgressOnlyInternetGatewayId = eigw, State = state, Origin = origin,
    };

    public SnapshotIndex Build()
    {
        var region = new RegionInventory
        {
            Region = Region, AccountId = Account, Vpcs = Vpcs, Subnets = Subnets, RouteTables = RouteTables, NetworkAcls = NetworkAcls,
            SecurityGroups = SecurityGroups, NetworkInterfaces = Enis, Reservations = Reservations, InternetGateways = InternetGateways,
            EgressOnlyInternetGateways = EgressOnly, NatGateways = NatGateways, VpcEndpoints = Endpoints, VpcPeeringConnections = Peerings,
            TransitGateways = TransitGateways, TransitGatewayAttachments = TgwAttachments, TransitGatewayVpcAttachments = TgwVpcAttachments,
            TransitGatewayStaticRoutes = TgwStaticRoutes, TransitGatewayPropagations = TgwPropagations, PrefixLists = PrefixLists, PrefixListEntries = PrefixListEntries,
            VpnGateways = VpnGateways, VpnConnections = VpnConnections, FlowLogs = FlowLogs,
            CapturedSections = Section.All.Select(s => s.Key).Where(k => !NotCaptured.Contains(k)).ToHashSet(),
        };
        return new SnapshotIndex(new VpcSnapshot { Regions = [region] });
    }

    public ReachabilityAnalyzer Analyzer() => new(Build());

    /// <summary>Two instances in one VPC (10.0.0.0/16): i-a in subnet-a (10.0.1.0/24), i-b in subnet-b (10.0.2.0/24); b's group opens TCP 5432 to the VPC.</summary>
    public static TestNetwork TwoSubnets() => new TestNetwork()
        .Vpc("vpc-a", "10.0.0.0/16")
        .Subnet("subnet-a", "vpc-a", "10.0.1.0/24").Subnet("subnet-b", "vpc-a", "10.0.2.0/24")
        .Group("sg-client", "vpc-a").Group("sg-db", "vpc-a", [Tcp(5432, "10.0.0.0/16")])
        .Eni("eni-a", "subnet-a", "10.0.1.10", ["sg-client"], "i-a")
        .Eni("eni-b", "subnet-b", "10.0.2.20", ["sg-db"], "i-b");
}

internal static class TestNetworkExtensions
{
    public static TestNetwork With(this TestNetwork n, Action<TestNetwork> change) { change(n); return n; }
}
