using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

namespace VpcSecTools.TransferCost;

/// <summary>
/// Which path a record's bytes took, from the interface that logged them: the other end inside the VPC (its zone decides
/// cross-AZ), else the route the interface's subnet uses for it (peering, transit gateway, NAT gateway, internet gateway,
/// gateway endpoint), and for AWS addresses of another region, cross-region. Read-only once built; the sinks of one read share it.
/// </summary>
internal sealed class TransferPaths
{
    /// <summary>
    /// A record's path (null: its bytes are counted on another interface, a NAT gateway's); <see cref="Sender"/> is the
    /// interface that sent them when that interface may have logged them too (-1: none).
    /// </summary>
    public readonly record struct Decision(TransferPath? Path, int Sender, string? DestinationRegion, string? Note);

    private readonly SnapshotIndex _index;
    private readonly Dictionary<string, int> _numbers = new(StringComparer.Ordinal);

    public TransferPaths(SnapshotIndex index, AwsIpRangeSet ranges)
    {
        _index = index;
        Ranges = ranges;
        Enis = index.NetworkInterfaces.Values.ToArray();
        for (int i = 0; i < Enis.Count; i++) _numbers[Enis[i].NetworkInterfaceId] = i;
        Nats = new NatTrafficAttribution.NatSides(index);
        IsNat = Enis.Select(e => Nats.NatByEni.ContainsKey(e.NetworkInterfaceId)).ToArray();
        IsTransit = Enis.Select(e => EniOwnerRules.Detect(e, index).Type == OwnerType.TransitGatewayAttachment).ToArray();
        _unknownNat = Enis.Select((e, i) => IsNat[i] || EniOwnerRules.Detect(e, index).Type != OwnerType.NatGateway ? null
            : $"{Lacking(e.NetworkInterfaceId)}{e.NetworkInterfaceId} is a NAT gateway's interface the snapshot's NAT gateways do not name: " +
              "its own records are not counted, and what its clients send through it is shown unplaced").ToArray();
    }

    /// <summary>Per interface: why it is a NAT gateway's interface the attribution cannot use (its NAT gateway is not in the snapshot), or null.</summary>
    private readonly string?[] _unknownNat;

    private string Lacking(string id) =>
        _index.RegionOf(id) is { } region && !region.Has(Section.NatGateways) ? $"{Section.NatGateways} of {region.Region} were not captured: " : "";

    public AwsIpRangeSet Ranges { get; }
    /// <summary>Every interface of the snapshot, numbered.</summary>
    public IReadOnlyList<NetworkInterface> Enis { get; }
    public NatTrafficAttribution.NatSides Nats { get; }
    /// <summary>A NAT gateway's interface: its records are counted by the NAT attribution's rules.</summary>
    public bool[] IsNat { get; }
    /// <summary>A transit gateway attachment's interface: it forwards other hosts' flows, counted where they start and end.</summary>
    public bool[] IsTransit { get; }

    public int NumberOf(string eniId) => _numbers.GetValueOrDefault(eniId, -1);

    public string? RegionOf(int eni) => _index.RegionOf(Enis[eni].NetworkInterfaceId)?.Region;

    /// <summary>Whether the address is one of the interface's own (the record is then its egress).</summary>
    public bool Owns(int eni, IpAddress address) => _index.EnisAt(address).Contains(Enis[eni]);

    /// <summary>The path of bytes between interface <paramref name="eni"/> and <paramref name="remote"/>, sent by the interface when <paramref name="egress"/>.</summary>
    public Decision Classify(int eni, IpAddress remote, bool egress)
    {
        var local = Enis[eni];
        if (_unknownNat[eni] is { } unknownNat) return new(null, -1, null, unknownNat);
        // Inside the VPC: in its CIDRs, or (when they were not captured) held by one of its interfaces.
        if (local.VpcId is { } vpc && (_index.VpcCidrs(vpc).Any(c => c.Contains(remote)) || _index.EnisAt(remote).Any(e => e.VpcId == vpc)))
        {
            var peer = _index.EnisAt(remote).FirstOrDefault(e => e.VpcId == vpc);
            if (peer is null) return new(TransferPath.Unattributed, -1, null, $"{remote} is in {vpc} but no interface of the snapshot holds it");
            return Zones(local, peer, TransferPath.CrossAz, TransferPath.SameAz, egress);
        }
        var (table, _) = local.SubnetId is null ? (null, false) : _index.RouteTableOf(local.SubnetId);
        if (table is null) return new(TransferPath.Unattributed, -1, null, $"the route table of {local.NetworkInterfaceId}'s subnet is not in the snapshot");
        var match = _index.RouteLookupOf(table).Find(remote);
        // A route that cannot be read (the local route of a VPC whose CIDRs were not captured) may be the one that applies.
        if (match.Unreadable is { } unreadable)
            return new(TransferPath.Unattributed, -1, null, $"{unreadable.Problem}: the path from {table.RouteTableId} to addresses it may cover is unknown");
        if (match.Route is not { } route)
            return match.UnresolvedPrefixList is { } pl
                ? new(TransferPath.Unattributed, -1, null, $"{table.RouteTableId} routes to prefix list {pl}, whose entries were not captured: the path to {remote} is unknown")
                : new(TransferPath.Dropped, -1, null, $"{table.RouteTableId} has no route for {remote}: what {local.NetworkInterfaceId} sends there is dropped (NO_ROUTE_TO_DESTINATION)");
        if (route.IsBlackhole)
            return new(TransferPath.Dropped, -1, null, $"{route.Evidence}: what {local.NetworkInterfaceId} sends to {remote} is dropped (BAD_STATE_ROUTE)");
        switch (route.Kind)
        {
            case RouteTargetKind.NatGateway:
                // Counted on the NAT gateway's own interface, once per flow; from the client, unplaced, when the attribution lacks that NAT gateway.
                return route.TargetId is { } nat && !_index.NatGateways.ContainsKey(nat)
                    ? new(TransferPath.Unattributed, -1, null, $"{Lacking(local.NetworkInterfaceId)}{table.RouteTableId} routes to {nat}, which is not in the snapshot: " +
                        "the NAT processing and the leg to it are unknown for what goes there")
                    : new(null, -1, null, null);
            case RouteTargetKind.VpcPeeringConnection:
                var peered = _index.EnisAt(remote).FirstOrDefault(e => e.VpcId != local.VpcId);
                return peered is null
                    ? new(TransferPath.Unattributed, -1, null, $"{remote} is across {route.TargetId}, but no interface of the snapshot holds it: its zone decides the charge")
                    : Zones(local, peered, TransferPath.PeeringCrossAz, TransferPath.PeeringSameAz, egress);
            case RouteTargetKind.TransitGateway:
                if (egress && EntersTransitGateway(local, route.TargetId!) is { } dropped) return new(TransferPath.Dropped, -1, null, dropped);
                var sender = egress ? -1 : _index.EnisAt(remote).FirstOrDefault() is { } s ? NumberOf(s.NetworkInterfaceId) : -1;
                return new(TransferPath.TransitGateway, sender, null, null);
            case RouteTargetKind.InternetGateway or RouteTargetKind.EgressOnlyInternetGateway:
                var home = RegionOf(eni);
                return egress && Ranges.Find(remote) is { Region: var r } && r != home && r != "GLOBAL"
                    ? new(TransferPath.CrossRegion, -1, r, null)
                    : new(TransferPath.Internet, -1, null, null);
            case RouteTargetKind.GatewayEndpoint:
                return new(TransferPath.GatewayEndpoint, -1, null, null);
            default:
                return new(TransferPath.Unattributed, -1, null, $"{route.Evidence}: a {route.Kind} path is not priced here");
        }
    }

    /// <summary>Why bytes sent towards a transit gateway never enter it (no attachment subnet in the sender's zone), or null.</summary>
    private string? EntersTransitGateway(NetworkInterface local, string tgw)
    {
        if (local.VpcId is null || _index.TransitGatewayAttachmentOf(tgw, local.VpcId) is not { Details: { } details } attachment) return null;
        var zones = details.SubnetIds.Select(id => _index.Subnets.GetValueOrDefault(id)).OfType<Subnet>().Select(s => s.AvailabilityZone).ToHashSet(StringComparer.Ordinal);
        var zone = local.SubnetId is null ? null : _index.Subnets.GetValueOrDefault(local.SubnetId)?.AvailabilityZone;
        return zone is null || zones.Contains(zone) ? null
            : $"sent to {tgw} from {zone}, where {attachment.AttachmentId} has no subnet: dropped before the transit gateway (TGW_ROUTE_AZ_RESTRICTION)";
    }

    /// <summary>Cross- or same-zone, by Availability Zone id (names differ between accounts); unknown zones are not guessed.</summary>
    private Decision Zones(NetworkInterface local, NetworkInterface peer, TransferPath cross, TransferPath same, bool egress)
    {
        var sender = egress ? -1 : NumberOf(peer.NetworkInterfaceId);
        var (a, b) = (ZoneOf(local), ZoneOf(peer));
        if (a is null || b is null)
            return new(TransferPath.Unattributed, -1, null, $"the Availability Zone of {(a is null ? local : peer).NetworkInterfaceId} is not known, so whether its traffic crosses zones is not");
        return new(a == b ? same : cross, sender, null, null);
    }

    /// <summary>The zone id of an interface's subnet, else the zone name qualified by the account (a name means another zone in another account).</summary>
    public string? ZoneOf(NetworkInterface eni)
    {
        var subnet = eni.SubnetId is null ? null : _index.Subnets.GetValueOrDefault(eni.SubnetId);
        if (subnet?.AvailabilityZoneId is { Length: > 0 } id) return id;
        var name = subnet?.AvailabilityZone ?? eni.AvailabilityZone;
        return name is null ? null : $"{eni.OwnerId ?? subnet?.OwnerId}/{name}";
    }

    /// <summary>Whether an interface of the snapshot holds the address.</summary>
    public bool Holds(IpAddress address) => _index.EnisAt(address).Count > 0;

    /// <summary>Who an address is: the owner of the interface holding it, else an AWS service and region, else null.</summary>
    public string? NameOf(IpAddress address)
    {
        if (_index.EnisAt(address).FirstOrDefault() is { } eni)
        {
            var owner = EniOwnerRules.Detect(eni, _index);
            return owner.Name ?? owner.ResourceId ?? $"{owner.Type} {eni.NetworkInterfaceId}";
        }
        return Ranges.Find(address) is { } p ? $"{p.Service} {p.Region}" : null;
    }
}
