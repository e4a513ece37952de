using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Drift;

/// <summary>
/// The changes a day brings to a network, at random (seeded) and in the EC2 shapes: rules of groups added and removed on
/// either side, NACL entries added and deleted, routes added and removed, subnets moved to another route table or NACL,
/// ENIs given or stripped of groups and public addresses, created and deleted, an instance's platform changed, an internet
/// gateway detached, a peering's status or a transit-gateway route changed. Each says what it did, for a failing seed.
/// </summary>
public static class SnapshotMutator
{
    private static readonly string[] Cidrs = ["0.0.0.0/0", "10.0.0.0/16", "10.0.10.0/24", "10.0.12.0/24", "10.0.0.0/22", "10.100.0.0/16", "172.16.0.0/12", "203.0.113.0/24", "10.0.1.0/24", "10.0.2.0/24"];
    private static readonly (string Protocol, int? From, int? To)[] Services =
        [("tcp", 22, 22), ("tcp", 443, 443), ("tcp", 5432, 5432), ("tcp", 8080, 8080), ("tcp", 1024, 65535), ("udp", 53, 53), ("-1", null, null), ("tcp", 0, 1023)];

    public static (VpcSnapshot Snapshot, List<string> Done) Mutate(VpcSnapshot snapshot, int seed, int count)
    {
        var rnd = new Random(seed);
        var done = new List<string>();
        var region = snapshot.Regions[0];
        for (int i = 0; i < count; i++) region = One(region, rnd, done);
        return (snapshot with { Regions = [region, .. snapshot.Regions.Skip(1)] }, done);
    }

    private static T Pick<T>(Random rnd, IReadOnlyList<T> items) => items[rnd.Next(items.Count)];

    /// <summary>One of the items at random; null when there is none to pick.</summary>
    private static T? TryPick<T>(Random rnd, IReadOnlyList<T> items) where T : class => items.Count == 0 ? null : items[rnd.Next(items.Count)];

    private static IpPermission Permission(Random rnd, RegionInventory r)
    {
        var (protocol, from, to) = Pick(rnd, Services);
        var p = new IpPermission { IpProtocol = protocol, FromPort = from, ToPort = to };
        return rnd.Next(4) == 0 && r.SecurityGroups.Count > 0
            ? p with { UserIdGroupPairs = [new UserIdGroupPair { GroupId = Pick(rnd, r.SecurityGroups).GroupId }] }
            : p with { IpRanges = [new IpRange { CidrIp = Pick(rnd, Cidrs) }] };
    }

    private static RegionInventory One(RegionInventory r, Random rnd, List<string> done)
    {
        switch (rnd.Next(16))
        {
            case 0 or 1:
            {
                var g = Pick(rnd, r.SecurityGroups);
                var p = Permission(rnd, r);
                bool inbound = rnd.Next(3) > 0;
                done.Add($"{g.GroupId}: {(inbound ? "inbound" : "outbound")} {p.IpProtocol} {p.FromPort}-{p.ToPort} {p.IpRanges.FirstOrDefault()?.CidrIp ?? p.UserIdGroupPairs.FirstOrDefault()?.GroupId} added");
                return r with { SecurityGroups = Replace(r.SecurityGroups, g, inbound ? g with { IpPermissions = [.. g.IpPermissions, p] } : g with { IpPermissionsEgress = [.. g.IpPermissionsEgress, p] }) };
            }
            case 2:
            {
                if (TryPick(rnd, r.SecurityGroups.Where(x => x.IpPermissions.Count + x.IpPermissionsEgress.Count > 0).ToArray()) is not { } g) return r;
                bool inbound = g.IpPermissions.Count > 0 && (g.IpPermissionsEgress.Count == 0 || rnd.Next(2) == 0);
                var list = inbound ? g.IpPermissions : g.IpPermissionsEgress;
                int at = rnd.Next(list.Count);
                done.Add($"{g.GroupId}: {(inbound ? "inbound" : "outbound")} permission {at} removed");
                var rest = list.Where((_, i) => i != at).ToArray();
                return r with { SecurityGroups = Replace(r.SecurityGroups, g, inbound ? g with { IpPermissions = rest } : g with { IpPermissionsEgress = rest }) };
            }
            case 3:
            {
                var acl = Pick(rnd, r.NetworkAcls);
                var entry = Pick(rnd, acl.Entries.Where(e => e.RuleNumber < 32767).DefaultIfEmpty(acl.Entries[0]).ToArray());
                done.Add($"{acl.NetworkAclId}: {(entry.Egress ? "outbound" : "inbound")} entry {entry.RuleNumber} deleted");
                return r with { NetworkAcls = Replace(r.NetworkAcls, acl, acl with { Entries = acl.Entries.Where(e => e != entry).ToArray() }) };
            }
            case 4:
            {
                var acl = Pick(rnd, r.NetworkAcls);
                var (protocol, from, to) = Pick(rnd, Services);
                bool egress = rnd.Next(2) == 0;
                int number;
                do number = rnd.Next(1, 40) * 5; while (acl.Entries.Any(e => e.Egress == egress && e.RuleNumber == number));
                var entry = new NetworkAclEntry
                {
                    RuleNumber = number, Egress = egress, Protocol = protocol == "-1" ? "-1" : protocol == "tcp" ? "6" : "17", RuleAction = rnd.Next(2) == 0 ? "deny" : "allow",
                    CidrBlock = Pick(rnd, Cidrs), PortRange = protocol == "-1" ? null : new NetworkAclPortRange { From = from, To = to },
                };
                done.Add($"{acl.NetworkAclId}: {(egress ? "outbound" : "inbound")} entry {number} {entry.RuleAction} {protocol} {from}-{to} {entry.CidrBlock} added");
                return r with { NetworkAcls = Replace(r.NetworkAcls, acl, acl with { Entries = [.. acl.Entries, entry] }) };
            }
            case 5:
            {
                var table = Pick(rnd, r.RouteTables);
                var target = rnd.Next(5);
                var route = new Route { DestinationCidrBlock = Pick(rnd, Cidrs), State = target == 4 ? "blackhole" : "active", Origin = "CreateRoute" };
                route = target switch
                {
                    0 when r.VpcPeeringConnections.Count > 0 => route with { VpcPeeringConnectionId = Pick(rnd, r.VpcPeeringConnections).VpcPeeringConnectionId },
                    1 when r.InternetGateways.Count > 0 => route with { GatewayId = Pick(rnd, r.InternetGateways).InternetGatewayId },
                    2 when r.NatGateways.Count > 0 => route with { NatGatewayId = Pick(rnd, r.NatGateways).NatGatewayId },
                    3 when r.TransitGateways.Count > 0 => route with { TransitGatewayId = Pick(rnd, r.TransitGateways).TransitGatewayId },
                    _ => route with { NatGatewayId = "nat-gone" },
                };
                if (table.Routes.Any(x => x.DestinationCidrBlock == route.DestinationCidrBlock)) table = table with { Routes = table.Routes.Where(x => x.DestinationCidrBlock != route.DestinationCidrBlock).ToArray() };
                done.Add($"{table.RouteTableId}: route {route.DestinationCidrBlock} -> {route.VpcPeeringConnectionId ?? route.GatewayId ?? route.NatGatewayId ?? route.TransitGatewayId} ({route.State}) set");
                return r with { RouteTables = Replace(r.RouteTables, r.RouteTables.Single(t => t.RouteTableId == table.RouteTableId), table with { Routes = [.. table.Routes, route] }) };
            }
            case 6:
            {
                if (TryPick(rnd, r.RouteTables.Where(t => t.Routes.Any(x => x.GatewayId != "local")).ToArray()) is not { } table) return r;
                var route = Pick(rnd, table.Routes.Where(x => x.GatewayId != "local").ToArray());
                done.Add($"{table.RouteTableId}: route {route.DestinationCidrBlock ?? route.DestinationPrefixListId ?? route.DestinationIpv6CidrBlock} removed");
                return r with { RouteTables = Replace(r.RouteTables, table, table with { Routes = table.Routes.Where(x => x != route).ToArray() }) };
            }
            case 7:
            {
                // A subnet moved to another table of its VPC (off its explicit association, or onto one).
                var subnet = Pick(rnd, r.Subnets);
                var tables = r.RouteTables.Where(t => t.VpcId == subnet.VpcId && t.Associations.All(a => a.Main != true)).ToArray();
                if (tables.Length == 0) return r;
                var to = Pick(rnd, tables);
                done.Add($"{subnet.SubnetId}: associated with {to.RouteTableId}");
                return r with
                {
                    RouteTables = r.RouteTables.Select(t => t with
                    {
                        Associations = t.Associations.Where(a => a.SubnetId != subnet.SubnetId)
                            .Concat(t.RouteTableId == to.RouteTableId ? [new RouteTableAssociation { SubnetId = subnet.SubnetId, RouteTableId = t.RouteTableId, AssociationState = new StateWithMessage { State = "associated" } }] : []).ToArray(),
                    }).ToArray(),
                };
            }
            case 8:
            {
                var subnet = Pick(rnd, r.Subnets);
                if (TryPick(rnd, r.NetworkAcls.Where(a => a.VpcId == subnet.VpcId).ToArray()) is not { } to) return r;
                done.Add($"{subnet.SubnetId}: NACL {to.NetworkAclId}");
                return r with
                {
                    NetworkAcls = r.NetworkAcls.Select(a => a with
                    {
                        Associations = a.Associations.Where(x => x.SubnetId != subnet.SubnetId)
                            .Concat(a.NetworkAclId == to.NetworkAclId ? [new NetworkAclAssociation { SubnetId = subnet.SubnetId, NetworkAclId = a.NetworkAclId }] : []).ToArray(),
                    }).ToArray(),
                };
            }
            case 9:
            {
                if (TryPick(rnd, r.NetworkInterfaces.Where(e => e.Groups.Count > 0).ToArray()) is not { } eni) return r;
                var groups = r.SecurityGroups.Where(g => g.VpcId == eni.VpcId).ToArray();
                var changed = rnd.Next(2) == 0 && eni.Groups.Count > 1
                    ? eni.Groups.Skip(1).ToArray()
                    : eni.Groups.Append(new GroupIdentifier { GroupId = Pick(rnd, groups).GroupId }).DistinctBy(g => g.GroupId).ToArray();
                done.Add($"{eni.NetworkInterfaceId}: groups {string.Join(",", changed.Select(g => g.GroupId))}");
                return r with { NetworkInterfaces = Replace(r.NetworkInterfaces, eni, eni with { Groups = changed }) };
            }
            case 10:
            {
                var eni = Pick(rnd, r.NetworkInterfaces);
                var association = eni.Association is null ? new NetworkInterfaceAssociation { PublicIp = $"3.91.{rnd.Next(256)}.{rnd.Next(1, 255)}", IpOwnerId = "amazon" } : null;
                done.Add($"{eni.NetworkInterfaceId}: public IP {association?.PublicIp ?? "removed"}");
                return r with
                {
                    NetworkInterfaces = Replace(r.NetworkInterfaces, eni, eni with
                    {
                        Association = association,
                        PrivateIpAddresses = eni.PrivateIpAddresses.Select(p => p.PrivateIpAddress == eni.PrivateIpAddress ? p with { Association = association } : p).ToArray(),
                    }),
                };
            }
            case 11:
            {
                var eni = Pick(rnd, r.NetworkInterfaces);
                done.Add($"{eni.NetworkInterfaceId}: deleted");
                return r with { NetworkInterfaces = r.NetworkInterfaces.Where(e => e != eni).ToArray() };
            }
            case 12:
            {
                // A new ENI beside an existing one, with its groups and the next free address of its subnet.
                if (TryPick(rnd, r.NetworkInterfaces.Where(e => e.SubnetId is not null && e.PrivateIpAddress is not null && e.Groups.Count > 0).ToArray()) is not { } like) return r;
                var taken = r.NetworkInterfaces.SelectMany(e => e.PrivateIpAddresses.Select(p => p.PrivateIpAddress)).ToHashSet();
                var prefix = like.PrivateIpAddress![..(like.PrivateIpAddress!.LastIndexOf('.') + 1)];
                var address = Enumerable.Range(4, 250).Select(i => prefix + i).First(a => !taken.Contains(a));
                var id = $"eni-0new{seedless(rnd)}";
                done.Add($"{id}: created in {like.SubnetId} at {address} with {string.Join(",", like.Groups.Select(g => g.GroupId))}");
                return r with
                {
                    NetworkInterfaces = [.. r.NetworkInterfaces, new NetworkInterface
                    {
                        NetworkInterfaceId = id, SubnetId = like.SubnetId, VpcId = like.VpcId, AvailabilityZone = like.AvailabilityZone, InterfaceType = "interface",
                        PrivateIpAddress = address, PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = address, Primary = true }], Groups = like.Groups,
                    }],
                };
            }
            case 13:
            {
                if (r.Reservations.SelectMany(x => x.Instances).FirstOrDefault() is null) return r;
                var reservation = Pick(rnd, r.Reservations.Where(x => x.Instances.Count > 0).ToArray());
                var instance = reservation.Instances[0];
                done.Add($"{instance.InstanceId}: platform {(instance.Platform is null ? "windows" : "linux")}");
                return r with { Reservations = Replace(r.Reservations, reservation, reservation with { Instances = [instance with { Platform = instance.Platform is null ? "windows" : null }, .. reservation.Instances.Skip(1)] }) };
            }
            case 14:
            {
                if (r.InternetGateways.Count == 0) return r;
                var igw = Pick(rnd, r.InternetGateways);
                done.Add($"{igw.InternetGatewayId}: detached");
                return r with { InternetGateways = Replace(r.InternetGateways, igw, igw with { Attachments = [] }) };
            }
            default:
            {
                if (r.VpcPeeringConnections.Count == 0) return r;
                var pcx = Pick(rnd, r.VpcPeeringConnections);
                var status = pcx.Status?.Code == "active" ? "deleted" : "active";
                done.Add($"{pcx.VpcPeeringConnectionId}: {status}");
                return r with { VpcPeeringConnections = Replace(r.VpcPeeringConnections, pcx, pcx with { Status = new PeeringStatus { Code = status } }) };
            }
        }

        static string seedless(Random rnd) => rnd.Next(0x10000000).ToString("x8", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static T[] Replace<T>(IReadOnlyList<T> items, T old, T with) where T : class =>
        items.Select(x => ReferenceEquals(x, old) ? with : x).ToArray();
}
