using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>
/// Which reachability verdicts a set of configuration changes can move, so the comparison recomputes only those. A verdict
/// from a source class to an ENI depends on the ENI, its groups, subnet, route table and NACL (the destination side), on the
/// sources the ENI's groups admit with theirs (the source side), and on what lies between: VPC-wide pieces (the VPC, its
/// gateways, NAT gateways, endpoints, attachment subnets, appliances, edge route tables) and network-wide ones (peerings,
/// transit gateways, VPNs, prefix lists, and any section this list does not know). A change to a network-wide piece means
/// everything is recomputed. The comparison's tests check that the answer equals the full recomputation's.
/// </summary>
internal sealed class ChangeImpact
{
    /// <summary>Sections the reachability engine does not read: their changes move no verdict.</summary>
    private static readonly HashSet<string> NotRead = new(StringComparer.Ordinal) { Section.FlowLogs };

    /// <summary>Sections whose resources belong to one VPC and can move the verdicts of all of it.</summary>
    private static readonly HashSet<string> VpcWide = new(StringComparer.Ordinal)
    {
        Section.Vpcs, Section.InternetGateways, Section.EgressOnlyInternetGateways, Section.NatGateways, Section.VpcEndpoints,
    };

    /// <summary>Sections read per resource below.</summary>
    private static readonly HashSet<string> PerResource = new(StringComparer.Ordinal)
    {
        Section.SecurityGroups, Section.NetworkInterfaces, Section.Subnets, Section.RouteTables, Section.NetworkAcls, Section.Reservations,
    };

    private readonly HashSet<string> _enis = new(StringComparer.Ordinal), _groups = new(StringComparer.Ordinal),
        _subnets = new(StringComparer.Ordinal), _vpcs = new(StringComparer.Ordinal);

    /// <summary>Everything is to be recomputed (a network-wide change, or the full recomputation asked for).</summary>
    public bool Everything { get; private set; }

    public static ChangeImpact All() => new() { Everything = true };

    public ChangeImpact(IEnumerable<ConfigurationChange> changes, SnapshotIndex before, SnapshotIndex after)
    {
        var bySection = changes.Where(c => !NotRead.Contains(c.Section)).ToLookup(c => c.Section, c => c.ResourceId);
        foreach (var section in bySection)
        {
            if (VpcWide.Contains(section.Key)) foreach (var id in section.Distinct()) MarkVpcOf(section.Key, id, before, after);
            else if (!PerResource.Contains(section.Key)) { Everything = true; return; }
        }
        foreach (var index in new[] { before, after })
        {
            foreach (var id in bySection[Section.NetworkInterfaces]) _enis.Add(id);
            foreach (var id in bySection[Section.Reservations])
                foreach (var r in index.Snapshot.Regions.SelectMany(r => r.Reservations).Where(r => (r.ReservationId ?? r.Instances.FirstOrDefault()?.InstanceId) == id))
                    foreach (var i in r.Instances) foreach (var e in index.EnisOfInstance(i.InstanceId)) _enis.Add(e.NetworkInterfaceId);
            foreach (var id in bySection[Section.SecurityGroups]) _groups.Add(id);
            foreach (var id in bySection[Section.Subnets]) _subnets.Add(id);
            foreach (var id in bySection[Section.RouteTables])
                if (index.RouteTables.TryGetValue(id, out var table))
                {
                    foreach (var s in index.SubnetsUsing(table)) _subnets.Add(s.SubnetId);
                    // An edge association (ingress routing from the internet or a VPN) steers traffic to every subnet of the VPC.
                    if (table.Associations.Any(a => a.GatewayId is not null)) _vpcs.Add(table.VpcId);
                }
            foreach (var id in bySection[Section.NetworkAcls])
                if (index.NetworkAcls.TryGetValue(id, out var acl))
                    foreach (var s in index.SubnetsOf(acl.VpcId).Where(s => index.NetworkAclOf(s.SubnetId).Acl?.NetworkAclId == id)) _subnets.Add(s.SubnetId);
        }
        // A reference names a group: a change of a group is one of every group that references it.
        foreach (var index in new[] { before, after })
            foreach (var g in index.SecurityGroups.Values)
                if (g.IpPermissions.Concat(g.IpPermissionsEgress).SelectMany(p => p.UserIdGroupPairs).Any(p => p.GroupId is { } id && _groups.Contains(id)))
                    _groups.Add(g.GroupId);
        // Pieces others' paths cross: a NAT gateway's, transit-gateway attachment's or appliance's ENI, and the subnets they sit in.
        foreach (var index in new[] { before, after })
        {
            var crossed = Crossed(index);
            foreach (var id in _enis.Where(crossed.Enis.Contains).ToArray()) MarkVpc(index.NetworkInterfaces.GetValueOrDefault(id)?.VpcId);
            foreach (var id in _subnets.Where(crossed.Subnets.Contains).ToArray()) MarkVpc(index.Subnets.GetValueOrDefault(id)?.VpcId);
        }
    }

    private ChangeImpact()
    {
    }

    /// <summary>Whether a verdict towards this ENI (as either snapshot has it) can have moved, whatever the source.</summary>
    public bool Destination(NetworkInterface? before, NetworkInterface? after) =>
        Everything || Touched(before) || Touched(after);

    /// <summary>Whether this ENI as a source may have changed: itself, its groups (egress), its subnet's routes and NACL.</summary>
    public bool Source(NetworkInterface eni) =>
        Everything || _enis.Contains(eni.NetworkInterfaceId) || eni.SubnetId is { } s && _subnets.Contains(s) || eni.Groups.Any(g => _groups.Contains(g.GroupId));

    /// <summary>Whether every verdict from or to this VPC can have moved.</summary>
    public bool Vpc(string? vpcId) => Everything || vpcId is not null && _vpcs.Contains(vpcId);

    private bool Touched(NetworkInterface? eni) => eni is not null && (Source(eni) || Vpc(eni.VpcId));

    private void MarkVpc(string? vpcId)
    {
        if (vpcId is not null) _vpcs.Add(vpcId);
    }

    private void MarkVpcOf(string section, string id, SnapshotIndex before, SnapshotIndex after)
    {
        foreach (var index in new[] { before, after })
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

    /// <summary>ENIs that forward others' traffic (unfiltered, or a route's target) and the subnets that hold them or a transit-gateway attachment.</summary>
    private static (HashSet<string> Enis, HashSet<string> Subnets) Crossed(SnapshotIndex index)
    {
        var enis = new HashSet<string>(StringComparer.Ordinal);
        var subnets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var eni in index.NetworkInterfaces.Values.Where(SecurityGroupEvaluator.IsUnfiltered)) enis.Add(eni.NetworkInterfaceId);
        foreach (var route in index.RouteTables.Values.SelectMany(t => t.Routes))
        {
            if (route.NetworkInterfaceId is { } eni) enis.Add(eni);
            if (route.InstanceId is { } instance) foreach (var e in index.EnisOfInstance(instance)) enis.Add(e.NetworkInterfaceId);
        }
        foreach (var id in enis) if (index.NetworkInterfaces.GetValueOrDefault(id)?.SubnetId is { } s) subnets.Add(s);
        foreach (var a in index.TransitGatewayVpcAttachments.Values) foreach (var s in a.SubnetIds) subnets.Add(s);
        return (enis, subnets);
    }
}
