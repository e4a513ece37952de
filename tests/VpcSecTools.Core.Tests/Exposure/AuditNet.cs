using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Exposure;

/// <summary>
/// Shorthands for audit tests over <see cref="TestNetwork"/>: one VPC 10.0.0.0/16 (optionally dual-stack) with a public
/// subnet (route 0.0.0.0/0 and ::/0 to an IGW unless told otherwise) whose NACL is the default allow-all unless given.
/// </summary>
internal static class AuditNet
{
    public const string Vpc = "vpc-1", SubnetA = "subnet-1", Account = "111122223333";

    public static SecurityGroup Sg(string id, params IpPermission[] ingress) =>
        new() { GroupId = id, GroupName = id + "-name", VpcId = Vpc, OwnerId = Account, IpPermissions = ingress };

    /// <summary>A permission; sources with ':' are IPv6, "pl-" prefix lists, "sg-" group references.</summary>
    public static IpPermission Perm(string protocol, int? from, int? to, params string[] sources) => new()
    {
        IpProtocol = protocol, FromPort = from, ToPort = to,
        IpRanges = sources.Where(s => !s.Contains(':') && !s.StartsWith("pl-") && !s.StartsWith("sg-")).Select(s => new IpRange { CidrIp = s }).ToArray(),
        Ipv6Ranges = sources.Where(s => s.Contains(':')).Select(s => new Ipv6Range { CidrIpv6 = s }).ToArray(),
        PrefixListIds = sources.Where(s => s.StartsWith("pl-")).Select(s => new PrefixListReference { PrefixListId = s }).ToArray(),
        UserIdGroupPairs = sources.Where(s => s.StartsWith("sg-")).Select(s => new UserIdGroupPair { GroupId = s, UserId = Account }).ToArray(),
    };

    public static IpPermission Tcp(int from, int to, params string[] sources) => Perm("tcp", from, to, sources);
    public static IpPermission All(params string[] sources) => Perm("-1", null, null, sources);

    public static NetworkInterface Eni(string id, string privateIp, string? publicIp, params string[] groups) => new()
    {
        NetworkInterfaceId = id, SubnetId = SubnetA, VpcId = Vpc, PrivateIpAddress = privateIp, InterfaceType = "interface",
        PrivateIpAddresses = [new() { PrivateIpAddress = privateIp, Primary = true }],
        Association = publicIp is null ? null : new NetworkInterfaceAssociation { PublicIp = publicIp },
        Attachment = new NetworkInterfaceAttachment { InstanceId = "i-" + id[4..] },
        Groups = groups.Select(g => new GroupIdentifier { GroupId = g }).ToArray(),
    };

    public static NetworkAclEntry Entry(int rule, bool egress, string protocol, string action, string cidr, int? from = null, int? to = null) => new()
    {
        RuleNumber = rule, Egress = egress, Protocol = protocol, RuleAction = action,
        CidrBlock = cidr.Contains(':') ? null : cidr, Ipv6CidrBlock = cidr.Contains(':') ? cidr : null,
        PortRange = from is null ? null : new NetworkAclPortRange { From = from, To = to ?? from },
    };

    public static NetworkAcl Acl(string id, bool isDefault, IEnumerable<string> subnets, params NetworkAclEntry[] entries) => new()
    {
        NetworkAclId = id, VpcId = Vpc, IsDefault = isDefault,
        Associations = subnets.Select(s => new NetworkAclAssociation { SubnetId = s, NetworkAclId = id }).ToArray(),
        Entries = [.. entries, .. TestNetwork.CatchAllDeny()],
    };

    public static NetworkAcl AllowAll(string id = "acl-default", bool isDefault = true) =>
        Acl(id, isDefault, [SubnetA], Entry(100, false, "-1", "allow", "0.0.0.0/0"), Entry(100, true, "-1", "allow", "0.0.0.0/0"),
            Entry(101, false, "-1", "allow", "::/0"), Entry(101, true, "-1", "allow", "::/0"));

    public static SnapshotIndex Index(IEnumerable<SecurityGroup> groups, IEnumerable<NetworkInterface>? enis = null,
        IEnumerable<NetworkAcl>? acls = null, bool igwRoute = true, bool dualStack = false,
        IEnumerable<PrefixListEntries>? prefixLists = null, IEnumerable<string>? missing = null)
    {
        var routes = new List<Route> { new() { DestinationCidrBlock = "10.0.0.0/16", GatewayId = "local", State = "active" } };
        if (igwRoute)
        {
            routes.Add(new() { DestinationCidrBlock = "0.0.0.0/0", GatewayId = "igw-1", State = "active" });
            routes.Add(new() { DestinationIpv6CidrBlock = "::/0", GatewayId = "igw-1", State = "active" });
        }
        var n = new TestNetwork { Account = Account };
        n.Vpcs.Add(new Vpc
        {
            VpcId = Vpc, CidrBlock = "10.0.0.0/16",
            Ipv6CidrBlockAssociationSet = dualStack ? [new VpcIpv6CidrBlockAssociation { Ipv6CidrBlock = "2600:1f18:1:100::/56" }] : [],
        });
        n.Subnets.Add(new Subnet { SubnetId = SubnetA, VpcId = Vpc, CidrBlock = "10.0.1.0/24" });
        n.RouteTables.Add(new RouteTable { RouteTableId = "rtb-1", VpcId = Vpc, Routes = routes, Associations = [new RouteTableAssociation { Main = true, RouteTableId = "rtb-1" }] });
        n.NetworkAcls.AddRange(acls ?? [AllowAll()]);
        n.SecurityGroups.AddRange(groups);
        n.Enis.AddRange(enis ?? []);
        if (igwRoute) n.Igw("igw-1", Vpc);
        n.PrefixListEntries.AddRange(prefixLists ?? []);
        n.NotCaptured.Clear();
        n.NotCaptured.UnionWith(missing ?? []);
        return n.Build();
    }

    public static AuditReport Audit(SnapshotIndex index, AuditOptions? options = null) => OpenPortAudit.Run(index, options);

    public static Finding[] Of(this AuditReport report, string checkId, string? resource = null) =>
        report.Findings.Where(f => f.CheckId == checkId && (resource is null || f.ResourceId == resource)).ToArray();
}
