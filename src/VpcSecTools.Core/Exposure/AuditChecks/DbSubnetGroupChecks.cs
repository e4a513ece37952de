using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// RDS DB subnet groups (describe-db-subnet-groups): RDS may place a database, or fail it over, in any of the group's
/// subnets, so every one must be fit for it. A group spanning one Availability Zone, one that includes a public subnet
/// (routed to an internet gateway), and one whose subnets' NACLs would cut the database off from clients that reach it
/// today (the reachability fan-out names them) are findings.
/// </summary>
internal sealed class DbSubnetGroupChecks : IAuditCheck
{
    /// <summary>The ephemeral ports of every documented client (SEMANTICS 9): the responses of the database go there.</summary>
    private static readonly Traffic Responses = new(IpProtocol.Tcp, PortRange.AwsServiceEphemeral);

    public IReadOnlyList<CheckDefinition> Reports { get; } =
        [Checks.DbSubnetGroupSingleAz, Checks.DbSubnetGroupPublicSubnet, Checks.DbSubnetGroupNaclBlocksClients];

    public bool RunsWith(AuditOptions options, AuditScope scope) => scope.GroupIds.Count == 0;

    public void Run(AuditContext audit)
    {
        ReachabilityFanOut? fanOut = null;
        foreach (var region in audit.Index.Snapshot.Regions)
            foreach (var group in region.DBSubnetGroups)
            {
                if (!audit.Scope.IncludesVpc(group.VpcId)) continue;
                var usable = group.Subnets.Where(s => s.SubnetIdentifier is not null && ResourceState.IsAbsentOr(s.SubnetStatus, "Active")).ToArray();
                Zones(audit, region, group, usable);
                PublicSubnets(audit, region, group, usable);
                Clients(audit, region, group, usable, fanOut ??= new ReachabilityFanOut(new ReachabilityAnalyzer(audit.Index)));
            }
    }

    private static ResourceFindingDraft Draft(CheckDefinition check, RegionInventory region, DBSubnetGroup group) =>
        new(check, group.DBSubnetGroupName) { Region = region, VpcId = group.VpcId };

    private static void Zones(AuditContext audit, RegionInventory region, DBSubnetGroup group, DBSubnetGroupSubnet[] usable)
    {
        var zones = usable.Select(s => (s.SubnetIdentifier!, Zone: s.SubnetAvailabilityZone?.Name ?? audit.Index.Subnets.GetValueOrDefault(s.SubnetIdentifier!)?.AvailabilityZone)).ToArray();
        var known = zones.Where(z => !string.IsNullOrEmpty(z.Zone)).Select(z => z.Zone!).Distinct(StringComparer.Ordinal).ToArray();
        if (known.Length >= 2) return;
        var unknown = zones.Where(z => string.IsNullOrEmpty(z.Zone)).Select(z => z.Item1).ToArray();
        var inactive = group.Subnets.Count - usable.Length;
        audit.Add(Draft(Checks.DbSubnetGroupSingleAz, region, group) with
        {
            Rule = string.Join("; ", zones.Select(z => $"{z.Item1} ({z.Zone ?? "zone unknown"})")),
            MissingData = unknown.Length == 0 ? null : $"the Availability Zone of {string.Join(", ", unknown)} is neither in the group nor in the snapshot's Subnets",
            Detail = $"{group.DBSubnetGroupName} has {usable.Length} usable subnet(s){(inactive > 0 ? $" ({inactive} more not Active)" : "")}, " +
                (known.Length == 0 ? "in no known Availability Zone" : $"all in {known[0]}") +
                ": RDS creates no new DB instance in it, and a Multi-AZ database has no other zone to fail over to.",
        });
    }

    private static void PublicSubnets(AuditContext audit, RegionInventory region, DBSubnetGroup group, DBSubnetGroupSubnet[] usable)
    {
        var routes = new List<string>();
        var missing = new List<string>();
        foreach (var id in usable.Select(s => s.SubnetIdentifier!))
        {
            if (!audit.Index.Subnets.TryGetValue(id, out var subnet)) { missing.Add($"subnet {id} is not in the snapshot's Subnets"); continue; }
            var (table, _) = audit.Index.RouteTableOf(id);
            if (table is null) { missing.Add($"the route table of {id} is not in the snapshot"); continue; }
            var lookup = audit.Index.RouteLookupOf(table);
            var ways = new[] { InternetRoute.Of(lookup, ipv6: false), InternetRoute.Of(lookup, ipv6: true) };
            if (ways.Any(w => w.Public)) routes.Add($"{subnet.Tags.NameTag() ?? id} ({id}): {string.Join(", ", ways.Where(w => w.Public).Select(w => w.Evidence))}");
            missing.AddRange(ways.Select(w => w.Unknown).OfType<string>());
        }
        if (routes.Count == 0 && missing.Count == 0) return;
        audit.Add(Draft(Checks.DbSubnetGroupPublicSubnet, region, group) with
        {
            Rule = routes.Count == 0 ? null : string.Join("; ", routes),
            MissingData = routes.Count > 0 || missing.Count == 0 ? null : string.Join("; ", missing),
            Detail = routes.Count > 0
                ? $"{group.DBSubnetGroupName} includes public subnet(s) routed to an internet gateway: {string.Join("; ", routes)}. RDS may place a database there, where the PubliclyAccessible setting alone decides whether the internet reaches it."
                : $"Whether {group.DBSubnetGroupName} includes a public subnet is Unknown.",
        });
    }

    /// <summary>
    /// For each RDS interface in the group's subnets and each single TCP port its groups open: the clients that reach it
    /// today (those its groups admit, confirmed by the fan-out through routes and NACLs), and every other subnet of the
    /// group whose NACL would refuse one of them what the database's own subnet lets through.
    /// </summary>
    private static void Clients(AuditContext audit, RegionInventory region, DBSubnetGroup group, DBSubnetGroupSubnet[] usable, ReachabilityFanOut fanOut)
    {
        var index = audit.Index;
        var subnets = usable.Select(s => s.SubnetIdentifier!).Distinct(StringComparer.Ordinal).ToArray();
        var databases = subnets.SelectMany(index.EnisInSubnet).Where(e => EniOwnerRules.Detect(e, index).Type == OwnerType.Rds).ToArray();
        if (databases.Length == 0)
        {
            audit.Notes.Add($"DB subnet group {group.DBSubnetGroupName}: no RDS network interface is in its subnets, so the port and clients its NACLs must admit are not known; they were not compared");
            return;
        }
        // (blocking subnet, port) -> the clients it would cut off, with the entry that does it.
        var blocked = new Dictionary<(string Subnet, int Port), List<(string Client, string Entry, string Database)>>();
        var unknown = new List<string>();
        foreach (var db in databases)
        {
            if (db.SubnetId is not { } home) { unknown.Add($"{db.NetworkInterfaceId} has no SubnetId in the snapshot"); continue; }
            // A database interface captured without its address (a damaged capture): what reaches it cannot be asked. An IPv6-only one is
            // reached at its IPv6 address (ReachabilityAnalyzer.AddressToReach).
            if (ReachabilityAnalyzer.AddressToReach(db) is null) { unknown.Add($"{db.NetworkInterfaceId} has no private IPv4 address in the snapshot (nor an IPv6 one), so what reaches it is Unknown"); continue; }
            foreach (var (port, admitted) in PortsAndClients(audit, db))
            {
                foreach (var client in fanOut.WhoCanReach(db, Traffic.Tcp(port), admitted).Where(c => c.Verdict == Verdict.Reachable))
                {
                    if (client.PrivateIpAddress is null || !IpAddress.TryParse(client.PrivateIpAddress, out var address)) continue;
                    foreach (var other in subnets.Where(s => s != home && s != client.SubnetId))
                    {
                        foreach (var (egress, traffic) in new[] { (false, Traffic.Tcp(port)), (true, Responses) })
                        {
                            bool nowAllowed = client.SubnetId == home || NetworkAclEvaluator.ForSubnet(index, home, egress, address, traffic) is { Allowed: true };
                            var there = NetworkAclEvaluator.ForSubnet(index, other, egress, address, traffic);
                            if (there is null) { unknown.Add($"the NACL of {other} is not in the snapshot"); continue; }
                            if (!nowAllowed || there.Allowed) continue;
                            var key = (other, port);
                            if (!blocked.TryGetValue(key, out var list)) blocked[key] = list = [];
                            list.Add(($"{client.PrivateIpAddress} ({client.InstanceId ?? client.Source})", $"{index.NetworkAclOf(other).Acl?.NetworkAclId} {there.Rule}", db.NetworkInterfaceId));
                            break;
                        }
                    }
                }
            }
        }
        foreach (var ((subnet, port), list) in blocked.OrderBy(b => b.Key.Subnet, StringComparer.Ordinal).ThenBy(b => b.Key.Port))
        {
            var clients = list.Select(l => l.Client).Distinct().ToArray();
            var entries = list.Select(l => l.Entry).Distinct().ToArray();
            var name = index.Subnets.GetValueOrDefault(subnet)?.Tags.NameTag();
            audit.Add(Draft(Checks.DbSubnetGroupNaclBlocksClients, region, group) with
            {
                Rule = string.Join("; ", entries), Protocol = "tcp", Ports = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Source = string.Join(", ", clients.Take(10)) + (clients.Length > 10 ? $" and {clients.Length - 10} more" : ""),
                Detail = $"{clients.Length} client(s) reach the database on tcp {port} today ({string.Join(", ", list.Select(l => l.Database).Distinct())}), " +
                    $"but {name ?? subnet} ({subnet}), also in {group.DBSubnetGroupName}, would refuse them ({string.Join("; ", entries)}): " +
                    "a database RDS places or fails over there loses them.",
            });
        }
        foreach (var why in unknown.Distinct()) audit.Notes.Add($"DB subnet group {group.DBSubnetGroupName}: {why}; its clients there were not compared");
    }

    /// <summary>
    /// The single TCP ports the database's groups open, each with the interfaces those rules admit by address or by group
    /// (other databases left out): the clients to ask the fan-out about.
    /// </summary>
    private static IEnumerable<(int Port, IReadOnlyList<NetworkInterface> Clients)> PortsAndClients(AuditContext audit, NetworkInterface db)
    {
        var index = audit.Index;
        var rules = db.Groups.Select(g => index.SecurityGroups.GetValueOrDefault(g.GroupId)).OfType<SecurityGroup>()
            .SelectMany(audit.Ingress).Where(r => r.Protocol == IpProtocol.Tcp && r.Ports.From == r.Ports.To).ToArray();
        foreach (var port in rules.Select(r => r.Ports.From).Distinct().Order())
        {
            var clients = new HashSet<NetworkInterface>();
            foreach (var r in rules.Where(r => r.Ports.From == port))
            {
                if (r.Kind == RuleSourceKind.SecurityGroup)
                    clients.UnionWith(index.EnisInGroup(r.Source.Contains('/') ? r.Source[(r.Source.IndexOf('/') + 1)..] : r.Source));
                else if (r.Cidrs is { Count: > 0 } cidrs && cidrs.All(c => c.Prefix > 0))
                    clients.UnionWith(index.NetworkInterfaces.Values.Where(e => ReachabilityAnalyzer.PrivateAddressOf(e, ipv6: false) is { } a && cidrs.Any(c => c.Contains(a))));
            }
            clients.RemoveWhere(e => EniOwnerRules.Detect(e, index).Type == OwnerType.Rds);
            if (clients.Count > 0) yield return (port, clients.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray());
        }
    }
}
