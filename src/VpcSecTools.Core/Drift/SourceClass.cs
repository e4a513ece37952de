using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>Where the traffic of a reachability change comes from.</summary>
public enum SourceClassKind
{
    /// <summary>Any internet address, through the VPC's internet gateway, to the ENI's public IPv4 or global IPv6 address.</summary>
    Internet,
    /// <summary>The ENIs of a VPC of the snapshot (the destination's own VPC included), over IPv4.</summary>
    Vpc,
    /// <summary>A peered VPC the snapshot does not hold: addresses of its CIDRs, entering through the peering.</summary>
    PeerVpc,
    /// <summary>The ranges a transit gateway routes to a VPN or Direct Connect attachment: on-premises networks.</summary>
    TransitGatewayAttachment,
    /// <summary>The ranges of a Site-to-Site VPN on a virtual private gateway.</summary>
    VpnConnection,
}

/// <summary>
/// One class of sources of the reachability comparison: its key (<c>Internet</c>, <c>Internet IPv6</c>, a VPC, peering,
/// attachment or VPN id), what it is, and for an address class the ranges its addresses are taken from.
/// </summary>
internal sealed record SourceClass(string Key, SourceClassKind Kind, string Description, IReadOnlyList<Cidr> Ranges)
{
    public static readonly SourceClass InternetIPv4 = new("Internet", SourceClassKind.Internet, "any internet address (IPv4)", []);
    public static readonly SourceClass InternetIPv6 = new("Internet IPv6", SourceClassKind.Internet, "any internet address (IPv6)", []);

    /// <summary>Whether a rule's CIDR may name a source of the class (a rule without one, a group or prefix list, may name any).</summary>
    public bool Names(Cidr? cidr) => cidr is not { } c || Kind switch
    {
        SourceClassKind.Internet => c.IsIPv6 == (Key == InternetIPv6.Key) && AddressScope.HoldsInternet(c),
        _ => Ranges.Any(r => r.Overlaps(c)),
    };

    public bool IsAddressClass => Kind is SourceClassKind.PeerVpc or SourceClassKind.TransitGatewayAttachment or SourceClassKind.VpnConnection;

    /// <summary>
    /// The classes of addresses outside the snapshot's ENIs that a snapshot routes into its VPCs: the far side of a peering
    /// to a VPC it does not hold, what a transit gateway routes to a VPN or Direct Connect attachment, and the routes of a
    /// VPN on a virtual private gateway (IPv4; the reachability engine decides where each address enters).
    /// </summary>
    public static IEnumerable<SourceClass> AddressClassesOf(SnapshotIndex index)
    {
        foreach (var pcx in index.Peerings)
            foreach (var (local, remote) in new[] { (pcx.Requester, pcx.Accepter), (pcx.Accepter, pcx.Requester) })
                if (local.VpcId is { } l && index.Vpcs.ContainsKey(l) && remote.VpcId is { } r && !index.Vpcs.ContainsKey(r))
                    yield return Of(pcx.Id, SourceClassKind.PeerVpc, $"peer {r}{(remote.OwnerId is { } owner ? $" (account {owner})" : "")}", remote.Cidrs);

        var routed = new Dictionary<string, (string Type, string? Resource, List<Cidr> Ranges)>(StringComparer.Ordinal);
        foreach (var region in index.Snapshot.Regions)
            foreach (var table in region.TransitGatewayStaticRoutes.Concat(region.TransitGatewayPropagatedRoutes))
                foreach (var route in table.Routes)
                    foreach (var a in route.TransitGatewayAttachments)
                        if (a.TransitGatewayAttachmentId is { } id && a.ResourceType is "vpn" or "direct-connect-gateway"
                            && Cidr.TryParse(route.DestinationCidrBlock, out var c, HostBits.Normalise) && !c.IsIPv6)
                        {
                            if (!routed.TryGetValue(id, out var entry)) routed[id] = entry = (a.ResourceType, a.ResourceId, []);
                            entry.Ranges.Add(c);
                        }
        foreach (var (id, (type, resource, ranges)) in routed)
            yield return Of(id, SourceClassKind.TransitGatewayAttachment, $"{(type == "vpn" ? "VPN" : "Direct Connect")} attachment{(resource is null ? "" : $" {resource}")}", ranges);

        foreach (var vpn in index.VpnConnections.Values.Where(v => v.VpnGatewayId is not null))
        {
            var ranges = vpn.Routes.Select(r => r.DestinationCidrBlock)
                .Concat(index.RouteTables.Values.SelectMany(t => t.Routes).Where(r => r.GatewayId == vpn.VpnGatewayId).Select(r => r.DestinationCidrBlock))
                .Select(text => Cidr.TryParse(text, out var c, HostBits.Normalise) && !c.IsIPv6 ? c : (Cidr?)null).OfType<Cidr>();
            yield return Of(vpn.VpnConnectionId, SourceClassKind.VpnConnection, $"VPN on {vpn.VpnGatewayId}", ranges.ToArray());
        }
    }

    private static SourceClass Of(string key, SourceClassKind kind, string what, IEnumerable<Cidr> ranges)
    {
        var v4 = ranges.Where(c => !c.IsIPv6).Distinct().Order().ToArray();
        return new SourceClass(key, kind, $"{what}: {(v4.Length == 0 ? "no IPv4 range" : string.Join(", ", v4))}", v4);
    }

    /// <summary>One class per key across both snapshots: the ranges of both, the later description.</summary>
    public static IReadOnlyList<SourceClass> Union(IEnumerable<SourceClass> earlier, IEnumerable<SourceClass> later) =>
        earlier.Concat(later).GroupBy(c => c.Key, StringComparer.Ordinal)
            .Select(g => g.Count() == 1 ? g.First() : Of(g.Key, g.Last().Kind, g.Last().Description.Split(':')[0], g.SelectMany(c => c.Ranges)))
            .OrderBy(c => c.Key, StringComparer.Ordinal).ToArray();
}
