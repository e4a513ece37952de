using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>
/// Which reachability verdicts a set of configuration changes can move, so the comparison recomputes only those. A source's
/// verdict towards an ENI on one port depends on the destination's side (the ENI, its groups' inbound rules, its subnet's
/// NACL and routes), on the source's side (the source ENI, its groups' outbound rules, its subnet's NACL and routes), and on
/// what lies between: VPC-wide pieces (the VPC, its gateways, NAT gateways, endpoints, and the subnets and ENIs that forward
/// others' traffic: transit-gateway attachments, NAT gateways, appliances, edge route tables) and network-wide ones (peerings,
/// transit gateways, VPNs, prefix lists, and any section this class does not know), whose change means every verdict is
/// recomputed. A changed rule, entry or route concerns only the traffic it matches: its protocol and ports (requests; a
/// NACL entry on the reply's side, replies to ephemeral ports) and its CIDR (the sources or destination it names). The
/// comparison's tests check that the answer equals the full recomputation's.
/// </summary>
internal sealed class ChangeImpact
{
    /// <summary>Sections the reachability engine does not read: their changes move no verdict.</summary>
    private static readonly HashSet<string> NotRead = new(StringComparer.Ordinal) { Section.FlowLogs };

    /// <summary>Sections whose resources belong to one VPC and can move every verdict of it.</summary>
    private static readonly HashSet<string> VpcWide = new(StringComparer.Ordinal)
    {
        Section.Vpcs, Section.InternetGateways, Section.EgressOnlyInternetGateways, Section.NatGateways, Section.VpcEndpoints,
    };

    /// <summary>Sections read per resource below.</summary>
    private static readonly HashSet<string> PerResource = new(StringComparer.Ordinal)
    {
        Section.SecurityGroups, Section.NetworkInterfaces, Section.Subnets, Section.RouteTables, Section.NetworkAcls, Section.Reservations,
    };

    private readonly HashSet<string> _enis = new(StringComparer.Ordinal), _vpcs = new(StringComparer.Ordinal);
    // Per group and direction, and per subnet: the changed rules, entries and routes; a null item is a change of the whole.
    private readonly Dictionary<string, List<ChangedRule?>> _ingress = new(StringComparer.Ordinal), _egress = new(StringComparer.Ordinal),
        _subnets = new(StringComparer.Ordinal), _edges = new(StringComparer.Ordinal);
    private readonly List<(NetworkInterface Eni, bool After)> _everywhere = [];
    private readonly PrefixTrie<List<(NetworkInterface Eni, bool After)>> _scoped = new();

    /// <summary>Everything is to be recomputed (a network-wide change, or the full recomputation asked for).</summary>
    public bool Everything { get; private set; }

    public static ChangeImpact All() => new() { Everything = true };

    private ChangeImpact()
    {
    }

    public ChangeImpact(IEnumerable<ConfigurationChange> changes, SnapshotIndex before, SnapshotIndex after)
    {
        // Tags name things; no analysis reads them to decide.
        var relevant = changes.Where(c => !NotRead.Contains(c.Section)
            && !c.Element.StartsWith("Tags[", StringComparison.Ordinal) && !c.Element.StartsWith("TagSet[", StringComparison.Ordinal)).ToArray();
        if (relevant.Any(c => !VpcWide.Contains(c.Section) && !PerResource.Contains(c.Section))) { Everything = true; return; }
        var sides = new[] { before, after };
        foreach (var c in relevant)
        {
            if (VpcWide.Contains(c.Section)) { foreach (var index in sides) MarkVpcOf(c.Section, c.ResourceId, index); continue; }
            switch (c.Section)
            {
                case Section.NetworkInterfaces: _enis.Add(c.ResourceId); break;
                case Section.Reservations:
                    foreach (var index in sides)
                        foreach (var r in index.Snapshot.Regions.SelectMany(r => r.Reservations).Where(r => (r.ReservationId ?? r.Instances.FirstOrDefault()?.InstanceId) == c.ResourceId))
                            foreach (var i in r.Instances) foreach (var e in index.EnisOfInstance(i.InstanceId)) _enis.Add(e.NetworkInterfaceId);
                    break;
                case Section.Subnets: Add(_subnets, c.ResourceId, null); break;
                case Section.SecurityGroups: Group(c, sides); break;
                case Section.NetworkAcls: Acl(c, sides); break;
                case Section.RouteTables: Table(c, sides); break;
            }
        }
        // Pieces others' paths cross. An ENI that forwards others' traffic (NAT gateway, transit gateway, appliance), or the
        // subnet of an appliance, may be on any path of its VPC. A transit-gateway attachment's or NAT gateway's subnet is on the
        // paths that leave or enter the VPC through them: its entries and routes count for every pair across the VPC's edge.
        foreach (var index in sides)
        {
            var (forwarders, appliances, edges) = Crossed(index);
            foreach (var id in _enis.Where(forwarders.Contains)) MarkVpc(index.NetworkInterfaces.GetValueOrDefault(id)?.VpcId);
            foreach (var (id, rules) in _subnets)
            {
                if (index.Subnets.GetValueOrDefault(id)?.VpcId is not { } vpc) continue;
                if (appliances.Contains(id)) MarkVpc(vpc);
                else if (edges.Contains(id)) foreach (var r in rules) Add(_edges, vpc, r);
            }
        }
        IndexSources(before, after: false);
        IndexSources(after, after: true);
    }

    /// <summary>
    /// The ENIs (as each snapshot has them: <c>After</c> tells which) whose side changed in a way that may concern traffic to
    /// this address, on some port: <see cref="AtSource"/> then says which probes.
    /// </summary>
    public IEnumerable<(NetworkInterface Eni, bool After)> SourcesFor(IpAddress destination) =>
        _everywhere.Concat(_scoped.Matches(destination).SelectMany(m => m.Value)).Distinct();

    /// <summary>Whether a change concerns sources across some VPC's edge, or all of a VPC.</summary>
    public bool AtEdgesOrVpcs => Everything || _edges.Count > 0 || _vpcs.Count > 0;

    /// <summary>
    /// Indexes the sources whose side changed by the destinations the change can concern: any (the ENI itself, a change of
    /// the whole), or the CIDR a changed outbound rule, NACL entry or route names. A NACL inbound entry on the source's side
    /// sees only replies, to ephemeral ports: one that cannot match those concerns no destination.
    /// </summary>
    private void IndexSources(SnapshotIndex index, bool after)
    {
        var scopes = new Dictionary<NetworkInterface, List<Cidr?>>(ReferenceEqualityComparer.Instance);
        void Scope(NetworkInterface eni, Cidr? cidr)
        {
            if (!scopes.TryGetValue(eni, out var list)) scopes[eni] = list = [];
            list.Add(cidr);
        }
        foreach (var id in _enis) if (index.NetworkInterfaces.TryGetValue(id, out var eni)) Scope(eni, null);
        foreach (var (group, rules) in _egress)
            foreach (var eni in index.EnisInGroup(group)) foreach (var r in rules) Scope(eni, r?.Cidr);
        foreach (var (subnet, rules) in _subnets)
            foreach (var eni in index.EnisInSubnet(subnet))
                foreach (var r in rules)
                    if (r is null || r.Kind != RuleKind.NetworkAclInbound || r.MatchesReplies(IpProtocol.Tcp) || r.MatchesReplies(IpProtocol.Udp)) Scope(eni, r?.Cidr);
        foreach (var (eni, cidrs) in scopes)
        {
            if (cidrs.Contains(null)) { _everywhere.Add((eni, after)); continue; }
            foreach (var cidr in cidrs.OfType<Cidr>().Distinct())
            {
                if (!_scoped.TryGetExact(cidr, out var list)) _scoped.Set(cidr, list = []);
                list.Add((eni, after));
            }
        }
    }

    /// <summary>
    /// The changed entries and routes of the subnets where a VPC's traffic crosses its edge (transit-gateway attachment and
    /// NAT gateway subnets); a null item is a change of the whole.
    /// </summary>
    public IReadOnlyList<ChangedRule?> AtEdge(string? vpcId) =>
        Everything ? [null] : vpcId is not null && _edges.TryGetValue(vpcId, out var rules) ? rules : [];

    /// <summary>
    /// Whether an edge change can move a verdict of this probe between a class and a destination on either side of the edge:
    /// an entry that may match the request or the reply, or a route, naming a source of the class or the destination.
    /// </summary>
    public static bool ConcernsEdge(IReadOnlyList<ChangedRule?> atEdge, ReachabilityDrift.Probe probe, Func<Cidr?, bool> names, IpAddress? destination) =>
        atEdge.Any(r => r is null || (r.Kind == RuleKind.Route || r.Matches(probe.Protocol, probe.Ports.From) || r.MatchesReplies(probe.Protocol))
            && (names(r.Cidr) || destination is { } d && r.Holds(d)));

    /// <summary>Whether every verdict from or to this VPC can have moved.</summary>
    public bool Vpc(string? vpcId) => Everything || vpcId is not null && _vpcs.Contains(vpcId);

    /// <summary>
    /// The changes on the destination's side, as each snapshot has the ENI: null items for changes of the whole (the ENI,
    /// its VPC or subnet, a group added or removed), else its groups' changed inbound rules and its subnet's changed entries
    /// and routes.
    /// </summary>
    public IReadOnlyList<ChangedRule?> AtDestination(NetworkInterface? before, NetworkInterface? after)
    {
        if (Everything) return [null];
        var found = new List<ChangedRule?>();
        foreach (var eni in new[] { before, after })
        {
            if (eni is null) continue;
            if (_enis.Contains(eni.NetworkInterfaceId) || Vpc(eni.VpcId)) return [null];
            foreach (var g in eni.Groups) found.AddRange(_ingress.GetValueOrDefault(g.GroupId) ?? []);
            if (eni.SubnetId is not null) found.AddRange(_subnets.GetValueOrDefault(eni.SubnetId) ?? []);
        }
        return found.Contains(null) ? [null] : found.Distinct().ToArray();
    }

    /// <summary>
    /// Whether a destination-side change can move a verdict of this probe from sources in <paramref name="names"/> (a class's
    /// addresses): a change of the whole; a group's inbound rule or a NACL's inbound entry that matches the request and names
    /// such a source; a NACL's outbound entry that may match the reply to one; a route that may carry the reply to one.
    /// </summary>
    public static bool Concerns(IReadOnlyList<ChangedRule?> atDestination, ReachabilityDrift.Probe probe, Func<Cidr?, bool> names) =>
        atDestination.Any(r => r is null || r.Kind switch
        {
            RuleKind.SecurityGroupInbound or RuleKind.NetworkAclInbound => r.Matches(probe.Protocol, probe.Ports.From) && names(r.Cidr),
            RuleKind.NetworkAclOutbound => r.MatchesReplies(probe.Protocol) && names(r.Cidr),
            RuleKind.Route => names(r.Cidr),
            _ => false,
        });

    /// <summary>
    /// Whether the source's side changed in a way that concerns its traffic to <paramref name="destination"/> on this probe:
    /// the ENI itself; an outbound rule of its groups, or an outbound entry of its subnet's NACL, that matches the request;
    /// an inbound entry that may match the reply; a route that may hold the destination; a change of the whole.
    /// </summary>
    public bool AtSource(NetworkInterface source, IpAddress destination, ReachabilityDrift.Probe probe)
    {
        if (Everything || _enis.Contains(source.NetworkInterfaceId)) return true;
        foreach (var g in source.Groups)
            if (_egress.GetValueOrDefault(g.GroupId) is { } rules && rules.Any(r => r is null || r.Concerns(probe.Protocol, probe.Ports.From, [destination])))
                return true;
        return source.SubnetId is not null && _subnets.GetValueOrDefault(source.SubnetId) is { } changes && changes.Any(r => r is null || r.Kind switch
        {
            RuleKind.NetworkAclOutbound => r.Concerns(probe.Protocol, probe.Ports.From, [destination]),
            RuleKind.NetworkAclInbound => r.MatchesReplies(probe.Protocol) && r.Holds(destination),
            RuleKind.Route => r.Holds(destination),
            _ => false,
        });
    }

    /// <summary>A group's change: its rules one by one; its name and description move nothing; anything else (added, removed) is the whole group.</summary>
    private void Group(ConfigurationChange c, SnapshotIndex[] sides)
    {
        if (c.Element is "GroupName" or "Description") return;
        if (c.Rule is { } rule) { Add(rule.Kind == RuleKind.SecurityGroupInbound ? _ingress : _egress, c.ResourceId, rule); return; }
        Add(_ingress, c.ResourceId, null);
        Add(_egress, c.ResourceId, null);
        // A reference to a group that appears or goes may change meaning: so does every group that references it.
        foreach (var index in sides)
            foreach (var g in index.SecurityGroups.Values)
            {
                if (g.IpPermissions.SelectMany(p => p.UserIdGroupPairs).Any(p => MayName(p, c.ResourceId))) Add(_ingress, g.GroupId, null);
                if (g.IpPermissionsEgress.SelectMany(p => p.UserIdGroupPairs).Any(p => MayName(p, c.ResourceId))) Add(_egress, g.GroupId, null);
            }
    }

    /// <summary>Whether a reference may name the group: it does (<c>account/sg-…</c> too), or names none that can be read and may mean any.</summary>
    private static bool MayName(UserIdGroupPair pair, string groupId) => GroupPermission.Named(pair) is not { } named || named.GroupId == groupId;

    /// <summary>A NACL's change: an entry, for each subnet using it; an association, for that subnet; anything else, for each subnet using it.</summary>
    private void Acl(ConfigurationChange c, SnapshotIndex[] sides)
    {
        if (c.Element == "association")
        {
            foreach (var subnet in new[] { c.Before, c.After }) if (subnet is not null) Add(_subnets, subnet, null);
            return;
        }
        foreach (var index in sides)
            if (index.NetworkAcls.TryGetValue(c.ResourceId, out var acl))
                foreach (var s in index.SubnetsOf(acl.VpcId).Where(s => index.NetworkAclOf(s.SubnetId).Acl?.NetworkAclId == c.ResourceId))
                    Add(_subnets, s.SubnetId, c.Rule);
    }

    /// <summary>A route table's change: a route, for each subnet using it; an association, for its subnet (or every subnet of the VPC for the main one or an edge); else each subnet.</summary>
    private void Table(ConfigurationChange c, SnapshotIndex[] sides)
    {
        foreach (var index in sides)
        {
            if (!index.RouteTables.TryGetValue(c.ResourceId, out var table)) continue;
            // An edge association (ingress routing from an internet or virtual private gateway) steers traffic to every subnet of the VPC.
            if (table.Associations.Any(a => a.GatewayId is not null)) MarkVpc(table.VpcId);
            if (c.Element == "association" && (c.Before ?? c.After) is { } what && what.StartsWith("subnet-", StringComparison.Ordinal))
            {
                Add(_subnets, what.Split(' ')[0], null);
                continue;
            }
            if (c.Element == "association") { MarkVpc(table.VpcId); continue; }
            foreach (var s in index.SubnetsUsing(table)) Add(_subnets, s.SubnetId, c.Rule);
        }
    }

    private static void Add(Dictionary<string, List<ChangedRule?>> map, string id, ChangedRule? rule)
    {
        if (!map.TryGetValue(id, out var list)) map[id] = list = [];
        if (!list.Contains(rule)) list.Add(rule);
    }

    private void MarkVpc(string? vpcId)
    {
        if (vpcId is not null) _vpcs.Add(vpcId);
    }

    private void MarkVpcOf(string section, string id, SnapshotIndex index)
    {
        switch (section)
        {
            case Section.Vpcs: MarkVpc(id); break;
            case Section.InternetGateways:
                foreach (var a in index.InternetGateways.GetValueOrDefault(id)?.Attachments ?? []) MarkVpc(a.VpcId);
                break;
            case Section.EgressOnlyInternetGateways:
                foreach (var a in index.EgressOnlyInternetGateways.GetValueOrDefault(id)?.Attachments ?? []) MarkVpc(a.VpcId);
                break;
            case Section.NatGateways: MarkVpc(index.NatGateways.GetValueOrDefault(id)?.VpcId); break;
            case Section.VpcEndpoints: MarkVpc(index.VpcEndpoints.GetValueOrDefault(id)?.VpcId); break;
        }
    }

    /// <summary>
    /// ENIs that forward others' traffic (unfiltered, or a route's target), the subnets of the appliances among them, and the
    /// subnets of transit-gateway attachments and NAT gateways.
    /// </summary>
    private static (HashSet<string> Forwarders, HashSet<string> Appliances, HashSet<string> Edges) Crossed(SnapshotIndex index)
    {
        var forwarders = new HashSet<string>(StringComparer.Ordinal);
        var appliances = new HashSet<string>(StringComparer.Ordinal);
        var edges = new HashSet<string>(StringComparer.Ordinal);
        foreach (var eni in index.NetworkInterfaces.Values.Where(SecurityGroupEvaluator.IsUnfiltered))
        {
            forwarders.Add(eni.NetworkInterfaceId);
            if (eni.SubnetId is { } s) edges.Add(s);
        }
        foreach (var route in index.RouteTables.Values.SelectMany(t => t.Routes))
        {
            var targets = route.NetworkInterfaceId is { } id ? [id] : route.InstanceId is { } instance ? index.EnisOfInstance(instance).Select(e => e.NetworkInterfaceId) : [];
            foreach (var eni in targets)
            {
                forwarders.Add(eni);
                if (index.NetworkInterfaces.GetValueOrDefault(eni)?.SubnetId is { } s) appliances.Add(s);
            }
        }
        foreach (var a in index.TransitGatewayVpcAttachments.Values) foreach (var s in a.SubnetIds) edges.Add(s);
        foreach (var nat in index.NatGateways.Values) if (nat.SubnetId is { } s) edges.Add(s);
        return (forwarders, appliances, edges);
    }
}
