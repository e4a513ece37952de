using VpcSecTools.AwsIpRanges;
using VpcSecTools.Net;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

namespace VpcSecTools.IpMap;

/// <summary>
/// Says who an arbitrary address could be, as seen from a VPC (SEMANTICS 24): an ENI of the VPC, a reserved
/// address, unassigned space of the VPC, a peered VPC (active and routed), a transit-gateway attachment, a VPN,
/// an AWS service range, the public internet, or Unknown with the missing fact. Candidates that overlap give
/// Ambiguous with every one listed.
/// </summary>
/// <remarks>All indexes are built in the constructor; <see cref="Attribute(IpAddress, string?)"/> only reads, from any thread.</remarks>
public sealed class AddressAttributor
{
    private readonly SnapshotIndex _index;
    private readonly AwsIpRangeSet _ranges;
    private readonly Dictionary<string, VpcView> _vpcs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TransitGatewayRouteTableLookup> _tgwTables = new(StringComparer.Ordinal);
    private readonly HashSet<string> _eniOnlyVpcs;

    public PrivateIpMap Map { get; }
    public AwsIpRangeSet Ranges => _ranges;

    /// <summary>The route-table tries of a VPC, by VPC id.</summary>
    public IReadOnlyList<RouteTableLookup> RouteTablesOf(string vpcId) => _vpcs.GetValueOrDefault(vpcId)?.Tables ?? [];

    /// <summary>The transit-gateway route tables the VPC's attachments are associated with.</summary>
    public IEnumerable<TransitGatewayRouteTableLookup> TransitGatewayRouteTablesOf(string vpcId) =>
        _index.TransitGatewayAttachmentsOf(vpcId).Select(a => a.RouteTableId)
            .OfType<string>().Distinct().Select(id => _tgwTables.GetValueOrDefault(id)).OfType<TransitGatewayRouteTableLookup>();

    /// <summary>The transit-gateway route tables, by id.</summary>
    public IReadOnlyDictionary<string, TransitGatewayRouteTableLookup> TransitGatewayRouteTables => _tgwTables;

    public AddressAttributor(SnapshotIndex index, AwsIpRangeSet ranges, PrivateIpMap? map = null)
    {
        _index = index;
        _ranges = ranges;
        Map = map ?? new PrivateIpMap(index);
        _eniOnlyVpcs = Map.Entries.Select(e => e.VpcId).OfType<string>().Where(v => !index.Vpcs.ContainsKey(v)).ToHashSet(StringComparer.Ordinal);
        foreach (var region in index.Snapshot.Regions)
            foreach (var vpc in region.Vpcs) _vpcs[vpc.VpcId] = new VpcView(vpc, region, index, Map);
        foreach (var id in index.TransitGatewayRouteTableIds) _tgwTables.TryAdd(id, index.TransitGatewayRouteLookupOf(id));
        MarkOverlappingVpcs();
    }

    /// <summary>Parses and attributes; a malformed address throws <see cref="InvalidIpAddressException"/> naming it.</summary>
    public AddressAttribution Attribute(string address, string? fromVpcId = null) =>
        IpAddress.TryParse(address, out var ip, out var error) ? Attribute(ip, fromVpcId) : throw new InvalidIpAddressException(address, error);

    /// <summary>
    /// Attributes <paramref name="address"/> as seen from <paramref name="fromVpcId"/>; without one, from the VPC
    /// whose ENI holds it, else the VPC whose CIDR contains it, else the only VPC, else from every VPC (Ambiguous
    /// when they disagree).
    /// </summary>
    public AddressAttribution Attribute(IpAddress address, string? fromVpcId = null)
    {
        var holders = Map.At(address);
        // One of our ENIs' public IPv4 (SEMANTICS 23): its owner first, whatever AWS range it also lies in.
        if (holders.Count == 0 && Map.AtPublicIp(address) is { } own) return OwnPublicAddress(address, own, fromVpcId);
        if (fromVpcId is not null) return SeenFrom(address, fromVpcId);
        // The common case: one ENI holds it, in a VPC whose CIDRs overlap no other VPC's.
        if (holders.Count == 1 && holders[0].VpcId is { } holderVpc && _vpcs.TryGetValue(holderVpc, out var holderView) && !holderView.OverlapsAnotherVpc)
            return From(address, holderView);
        if (holders.Count > 0)
        {
            var holderVpcs = holders.Select(h => h.VpcId).OfType<string>().Distinct().ToArray();
            if (holderVpcs.Length == 1 && !_vpcs.ContainsKey(holderVpcs[0])) return EniOnly(address, holderVpcs[0]);
            holderVpcs = holderVpcs.Where(_vpcs.ContainsKey).ToArray();
            if (holderVpcs.Length == 1)
            {
                var result = From(address, _vpcs[holderVpcs[0]]);
                var others = _index.VpcsContaining(address).Where(v => v.VpcId != holderVpcs[0]).Select(v => v.VpcId).ToArray();
                return others.Length == 0 ? result
                    : result with { Reason = Join(result.Reason, $"the address is also inside the CIDRs of {string.Join(", ", others)} (overlap): pass -FromVpcId to see it from there") };
            }
            if (holderVpcs.Length > 1)
                return Ambiguous(address, null, holderVpcs.Select(v => From(address, _vpcs[v])).ToArray(),
                    $"ENIs in {holderVpcs.Length} VPCs hold this address (overlapping CIDRs)");
        }
        var containing = _index.VpcsContaining(address).Select(v => v.VpcId).Where(_vpcs.ContainsKey).ToArray();
        if (containing.Length == 1) return From(address, _vpcs[containing[0]]);
        if (containing.Length > 1)
            return Ambiguous(address, null, containing.Select(v => From(address, _vpcs[v])).ToArray(),
                $"the address is inside the CIDRs of {containing.Length} VPCs ({string.Join(", ", containing)}) and no ENI holds it");
        if (_vpcs.Count == 1) return From(address, _vpcs.Values.First());
        if (_vpcs.Count == 0) return NotRouted(address, null, "the snapshot holds no VPC to see it from");
        var views = _vpcs.Values.Select(v => From(address, v)).ToArray();
        var distinct = views.GroupBy(Key).Select(g => g.First()).ToArray();
        if (distinct.Length == 1)
            return distinct[0] with { FromVpcId = null, Reason = Join(distinct[0].Reason, $"the same from each of the {views.Length} VPCs") };
        return Ambiguous(address, null, views, $"seen from the {views.Length} VPCs of the snapshot the answers differ: pass -FromVpcId");
    }

    private AddressAttribution SeenFrom(IpAddress address, string fromVpcId)
    {
        if (_vpcs.TryGetValue(fromVpcId, out var from)) return From(address, from);
        if (!_eniOnlyVpcs.Contains(fromVpcId)) throw new VpcNotInSnapshotException(fromVpcId);
        return EniOnly(address, fromVpcId);
    }

    /// <summary>
    /// The public IPv4 of one of our ENIs: from its own VPC (or no VPC given) it is that ENI's, like its private address;
    /// from another VPC it is reached as that VPC's routes say, and it is still that ENI's.
    /// </summary>
    private AddressAttribution OwnPublicAddress(IpAddress address, PrivateIpMapEntry own, string? fromVpcId)
    {
        var whose = $"the public IPv4 address of {own.NetworkInterfaceId} (Association.PublicIp of {own.IpAddress})";
        if (fromVpcId is null || fromVpcId == own.VpcId)
            return new AddressAttribution
            {
                Address = address, FromVpcId = own.VpcId, Scope = AttributionScope.ThisVpc, VpcId = own.VpcId, SubnetId = own.SubnetId, Owner = own, Reason = whose,
            };
        var seen = SeenFrom(address, fromVpcId);
        return seen with { VpcId = own.VpcId, SubnetId = own.SubnetId, Owner = own, Reason = Join(seen.Reason, whose) };
    }

    /// <summary>A VPC the snapshot knows only through its ENIs (describe-vpcs not captured): owners, nothing else.</summary>
    private AddressAttribution EniOnly(IpAddress address, string vpcId)
    {
        var start = new AddressAttribution { Address = address, FromVpcId = vpcId };
        var owner = Map.At(vpcId, address);
        const string note = "the VPC itself (CIDRs, route tables) is not in the snapshot, only its network interfaces";
        return owner is not null
            ? start with { Scope = AttributionScope.ThisVpc, VpcId = vpcId, SubnetId = owner.SubnetId, Owner = owner, Reason = note }
            : start with { Scope = AttributionScope.Unknown, Reason = $"no ENI of {vpcId} holds it and {note}" };
    }

    private AddressAttribution From(IpAddress address, VpcView from)
    {
        if (from.Contains(address)) return Inside(address, from, new AddressAttribution { Address = address, FromVpcId = from.Vpc.VpcId, Route = "local" });
        var start = new AddressAttribution { Address = address, FromVpcId = from.Vpc.VpcId };
        if (LinkLocalService(address) is { } service)
            return start with { Scope = AttributionScope.ReservedAddress, ReservedRole = service, Reason = "an AWS link-local service, answered by the Nitro host of every instance" };
        if (!from.Region.Has(Section.RouteTables))
            return start with { Scope = AttributionScope.Unknown, Reason = $"route tables of {from.Region.Region} were not captured: cannot tell where {from.Vpc.VpcId} sends it" };
        if (from.Tables.Count == 0)
            return start with { Scope = AttributionScope.Unknown, Reason = $"no route table of {from.Vpc.VpcId} is in the snapshot" };

        AddressAttribution? only = null;
        List<AddressAttribution>? outcomes = null;
        List<string>? notRouted = null;
        foreach (var table in from.Tables)
        {
            var match = table.Find(address);
            var route = match.Route;
            var outcome = Undecided(table, match, address) is { } why
                ? start with { Scope = AttributionScope.Unknown, RouteTableId = table.Table.RouteTableId, Route = route?.Evidence, Reason = why }
                : route is null ? null : Routed(address, start, from, route);
            if (outcome is null)
            {
                (notRouted ??= []).Add(route is null ? $"no route in {table.Table.RouteTableId}" : $"{route.Evidence} leads nowhere for this address");
                continue;
            }
            if (only is null) only = outcome;
            else (outcomes ??= [only]).Add(outcome);
        }
        if (only is null) return NotRouted(address, from.Vpc.VpcId, string.Join("; ", notRouted ?? []));
        var routedNote = notRouted is null ? null : $"not routed from every table: {string.Join("; ", notRouted)}";
        if (outcomes is null) return only with { Reason = Join(only.Reason, routedNote) };
        var groups = outcomes.GroupBy(Key).ToArray();
        if (groups.Length == 1)
        {
            var merged = groups[0].ToArray();
            return merged[0] with
            {
                RouteTableId = string.Join(",", merged.Select(m => m.RouteTableId).Distinct()),
                Route = string.Join("; ", merged.Select(m => m.Route).Distinct()),
                Reason = Join(merged[0].Reason, routedNote),
            };
        }
        return Ambiguous(address, from.Vpc.VpcId, groups.Select(g => g.First()).ToArray(),
            Join($"the route tables of {from.Vpc.VpcId} send it to different places", routedNote) ?? "");
    }

    /// <summary>An address inside one of the VPC's CIDRs: its ENI, a reserved address, or unassigned.</summary>
    private AddressAttribution Inside(IpAddress address, VpcView vpc, AddressAttribution start)
    {
        var vpcId = vpc.Vpc.VpcId;
        var owner = vpc.Addresses.TryGetValue(address, out var exact) ? exact : Map.HasDelegatedPrefixes ? Map.At(vpcId, address) : null;
        if (owner is not null)
        {
            var found = start with { Scope = AttributionScope.ThisVpc, VpcId = vpcId, SubnetId = owner.SubnetId, Owner = owner };
            // Two interfaces of the VPC holding it (a capture taken while it moved): each is a candidate, none is picked.
            var others = Map.At(address).Where(e => e.VpcId == vpcId && e.NetworkInterfaceId != owner.NetworkInterfaceId).ToArray();
            return others.Length == 0 ? found
                : Ambiguous(address, start.FromVpcId, others.Prepend(owner).Select(o => found with { SubnetId = o.SubnetId, Owner = o }).ToArray(),
                    $"{1 + others.Length} interfaces of {vpcId} hold this address: {string.Join(", ", others.Prepend(owner).Select(o => o.NetworkInterfaceId))}");
        }
        var subnet = _index.SubnetContaining(vpcId, address);
        var role = ReservedRole(address, subnet, vpc);
        if (role is not null)
            return start with { Scope = AttributionScope.ReservedAddress, VpcId = vpcId, SubnetId = subnet?.SubnetId, ReservedRole = role };
        if (subnet is null && !vpc.Region.Has(Section.Subnets))
            return start with { Scope = AttributionScope.Unknown, VpcId = vpcId, Reason = $"Subnets of {vpc.Region.Region} were not captured: whether it is a subnet's reserved address is Unknown" };
        if (!vpc.Region.Has(Section.NetworkInterfaces))
            return start with { Scope = AttributionScope.Unknown, VpcId = vpcId, SubnetId = subnet?.SubnetId, Reason = $"network interfaces of {vpc.Region.Region} were not captured: cannot tell who holds it" };
        return start with
        {
            Scope = AttributionScope.UnassignedInVpc, VpcId = vpcId, SubnetId = subnet?.SubnetId,
            Reason = subnet is null ? $"inside {vpcId}'s CIDRs but in no subnet of the snapshot" : $"in {subnet.SubnetId}, held by no ENI of the snapshot",
        };
    }

    /// <summary>What a route leads to; null when it is a dead end for this address (blackhole, private address to the internet).</summary>
    private AddressAttribution? Routed(IpAddress address, AddressAttribution start, VpcView from, RouteChoice route)
    {
        if (route.IsBlackhole) return null;
        var r = start with { RouteTableId = route.RouteTableId, Route = route.Evidence };
        var target = route.Target;
        switch (route.Kind)
        {
            case RouteTargetKind.VpcPeeringConnection: return Peered(address, r, from, target);
            case RouteTargetKind.TransitGateway: return ViaTransitGateway(address, r, from, target);
            case RouteTargetKind.VirtualPrivateGateway: return ViaVpn(r, from, target);
            case RouteTargetKind.GatewayEndpoint:
            {
                var endpoint = _index.VpcEndpoints.GetValueOrDefault(target);
                var hit = _ranges.Find(address);
                return r with
                {
                    Scope = AttributionScope.AwsService,
                    Service = hit?.Service ?? endpoint?.ServiceName,
                    Region = hit?.Region ?? from.Region.Region,
                    NetworkBorderGroup = hit?.NetworkBorderGroup,
                    AwsPrefix = hit?.Prefix.ToString(),
                    Reason = $"through gateway endpoint {target}{(endpoint?.ServiceName is { } s ? $" ({s})" : "")}",
                };
            }
            case RouteTargetKind.InternetGateway or RouteTargetKind.NatGateway or RouteTargetKind.EgressOnlyInternetGateway:
                return Outside(address, r);
            case RouteTargetKind.NetworkInterface or RouteTargetKind.Instance:
                return r with { Scope = AttributionScope.Unknown, Reason = $"routed to the appliance {target}: what lies beyond it is not in the snapshot" };
            default:
                // A local route covers only the VPC's associated CIDRs, which never get here (Inside answers them).
                return r with { Scope = AttributionScope.Unknown, Reason = $"routed to {target}, a target this analysis does not model" };
        }
    }

    private AddressAttribution? Outside(IpAddress address, AddressAttribution r)
    {
        if (_ranges.Find(address) is { } hit) return AwsService(r, hit);
        if (AddressScope.IsInternet(address)) return r with { Scope = AttributionScope.Public };
        return null;
    }

    private static AddressAttribution AwsService(AddressAttribution r, AwsIpPrefix hit) => r with
    {
        Scope = AttributionScope.AwsService, Service = hit.Service, Region = hit.Region,
        NetworkBorderGroup = hit.NetworkBorderGroup, AwsPrefix = hit.Prefix.ToString(),
    };

    /// <summary>No route of the VPC covers it (or every one is a dead end): AWS range, public, or Unknown.</summary>
    private AddressAttribution NotRouted(IpAddress address, string? fromVpcId, string why)
    {
        var r = new AddressAttribution { Address = address, FromVpcId = fromVpcId };
        if (_ranges.Find(address) is { } hit) return AwsService(r, hit) with { Reason = Join("not routed from the VPC", why) };
        if (AddressScope.IsInternet(address)) return r with { Scope = AttributionScope.Public, Reason = Join("not routed from the VPC", why) };
        return r with { Scope = AttributionScope.Unknown, Reason = Join("a private or special-use address no peering, transit gateway or VPN route covers", why) };
    }

    private AddressAttribution Peered(IpAddress address, AddressAttribution r, VpcView from, string pcxId)
    {
        var pcx = _index.PeeringOf(pcxId);
        if (pcx is null)
            return r with
            {
                Scope = AttributionScope.Unknown, VpcPeeringConnectionId = pcxId,
                Reason = from.Region.Has(Section.VpcPeeringConnections)
                    ? $"{pcxId} is not in the snapshot (deleted, or shared from elsewhere)"
                    : $"peering connections of {from.Region.Region} were not captured",
            };
        if (!pcx.IsActive)
            return r with { Scope = AttributionScope.Unknown, VpcPeeringConnectionId = pcxId, Reason = $"{pcxId} is {pcx.Connection.Status?.Code ?? "of unknown status"}, not active: no traffic flows" };
        var peer = pcx.Requester.VpcId == from.Vpc.VpcId ? pcx.Accepter : pcx.Requester;
        var peerVpcId = peer.VpcId;
        var peerView = peerVpcId is null ? null : _vpcs.GetValueOrDefault(peerVpcId);
        var result = r with { Scope = AttributionScope.PeeredVpc, VpcId = peerVpcId, VpcPeeringConnectionId = pcxId };
        if (peerView is not null)
        {
            if (!peerView.Contains(address))
                return result with { Scope = AttributionScope.Unknown, Reason = $"not inside {peerVpcId}'s CIDRs: a peering carries only addresses of the peer VPC (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR)" };
            return FarSide(result, Inside(address, peerView, new AddressAttribution()));
        }
        var peerCidrs = peer.Cidrs;
        if (peerCidrs.Count > 0 && !peerCidrs.Any(c => c.Contains(address)))
            return result with { Scope = AttributionScope.Unknown, Reason = $"not inside the CIDRs {peerVpcId} shares over {pcxId} (PCX_REQUIRES_ADDRESS_IN_VPC_CIDR)" };
        return result with { Reason = $"{peerVpcId} (account {peer.OwnerId}, {peer.Region}) is not in the snapshot: its owner is unknown" };
    }

    private AddressAttribution ViaTransitGateway(IpAddress address, AddressAttribution r, VpcView from, string tgwId)
    {
        r = r with { TransitGatewayId = tgwId };
        var vpcId = from.Vpc.VpcId;
        if (_index.TransitGatewayAttachmentOf(tgwId, vpcId) is not { } own)
            return r with
            {
                Scope = AttributionScope.Unknown,
                Reason = from.Region.Has(Section.TransitGatewayAttachments) || from.Region.Has(Section.TransitGatewayVpcAttachments)
                    ? $"no attachment of {vpcId} to {tgwId} is in the snapshot (the transit gateway may belong to another account)"
                    : $"transit gateway attachments of {from.Region.Region} were not captured",
            };
        if (own.RouteTableId is not { } rtbId)
            return r with { Scope = AttributionScope.Unknown, Reason = $"{own.AttachmentId} has no associated transit gateway route table in the snapshot" };
        r = r with { TransitGatewayRouteTableId = rtbId };
        var table = _index.TransitGatewayRouteLookupOf(rtbId);
        if (table.Unreadable is { } unreadable) return r with { Scope = AttributionScope.Unknown, Reason = unreadable };
        var (choice, unknown) = table.Find(address);
        if (choice is not null) r = r with { Route = $"{r.Route}; {choice.Evidence}" };
        if (unknown is not null) return r with { Scope = AttributionScope.Unknown, Reason = unknown };
        if (choice is null) return r with { Scope = AttributionScope.Unknown, Reason = $"no route in {rtbId}: the transit gateway drops it" };
        if (choice.Blackhole) return r with { Scope = AttributionScope.Unknown, Reason = $"a blackhole route in {rtbId} drops it" };
        var attachments = choice.AttachmentIds.Select(id => _index.TransitGatewayAttachments.GetValueOrDefault(id)).ToArray();
        var first = attachments.FirstOrDefault();
        var result = r with
        {
            Scope = AttributionScope.TransitGateway,
            TransitGatewayAttachmentId = string.Join(",", choice.AttachmentIds),
            TransitGatewayAttachmentType = first?.ResourceType ?? AttachmentTypeFromVpcAttachments(choice.AttachmentIds),
            TransitGatewayAttachmentResourceId = first?.ResourceId ?? VpcOfAttachment(choice.AttachmentIds.FirstOrDefault()),
            Reason = choice.AttachmentIds.Count > 1 ? "equal-cost routes over several attachments" : null,
        };
        if (result.TransitGatewayAttachmentType == "vpc" && result.TransitGatewayAttachmentResourceId is { } farVpc && _vpcs.TryGetValue(farVpc, out var far))
        {
            result = result with { VpcId = farVpc };
            return far.Contains(address)
                ? FarSide(result, Inside(address, far, new AddressAttribution()))
                : Beyond(address, result with { VpcId = null }, far, choice.AttachmentIds);
        }
        return result;
    }

    /// <summary>
    /// An address outside the VPC a transit gateway sends it to: where that VPC's attachment subnets route it. With
    /// centralised egress (SEMANTICS 20) that is a NAT gateway or an internet gateway there: the internet or an AWS
    /// service, reached through the transit gateway. Anything else beyond that VPC is not followed.
    /// </summary>
    private AddressAttribution Beyond(IpAddress address, AddressAttribution viaTgw, VpcView far, IReadOnlyList<string> attachmentIds)
    {
        var farVpc = far.Vpc.VpcId;
        var through = $"reached through {viaTgw.TransitGatewayId} and {farVpc}";
        var tables = AttachmentSubnets(farVpc, attachmentIds).Select(s => _index.RouteTableOf(s).Table).OfType<RouteTable>()
            .DistinctBy(t => t.RouteTableId).Select(_index.RouteLookupOf).ToArray();
        if (tables.Length == 0)
            return viaTgw with
            {
                Scope = AttributionScope.Unknown,
                Reason = Join(viaTgw.Reason, $"not inside {farVpc}'s CIDRs, and the route table of {string.Join(",", attachmentIds)}'s subnets in {farVpc} is not in the snapshot: where {farVpc} sends it is Unknown"),
            };
        var outcomes = new List<AddressAttribution>();
        foreach (var table in tables)
        {
            var match = table.Find(address);
            var route = match.Route;
            var id = table.Table.RouteTableId;
            var hop = viaTgw with { Route = route is null ? viaTgw.Route : $"{viaTgw.Route}; {route.Evidence}" };
            string? dropped = Undecided(table, match, address) is { } why ? $"in {farVpc}: {why}"
                : route is null ? $"no route in {id} of {farVpc}: it is dropped there"
                : route.IsBlackhole ? $"a blackhole route in {id} of {farVpc} drops it" : null;
            var outcome = dropped is not null ? hop with { Scope = AttributionScope.Unknown, Reason = Join(viaTgw.Reason, dropped) }
                : route!.Kind switch
                {
                    RouteTargetKind.InternetGateway or RouteTargetKind.NatGateway or RouteTargetKind.EgressOnlyInternetGateway =>
                        Outside(address, hop) ?? hop with { Scope = AttributionScope.Unknown, Reason = Join(viaTgw.Reason, $"{route.Evidence} in {farVpc} leads nowhere for a private or special-use address") },
                    RouteTargetKind.GatewayEndpoint => Routed(address, hop, far, route)! with { RouteTableId = hop.RouteTableId, Route = hop.Route },
                    _ => hop with { Scope = AttributionScope.Unknown, Reason = Join(viaTgw.Reason, $"{through}, {route.Evidence} leads on to {route.Target}: not followed") },
                };
            outcomes.Add(outcome.Scope == AttributionScope.Unknown ? outcome : outcome with { Reason = Join(outcome.Reason, $"{through} ({id})") });
        }
        var distinct = outcomes.GroupBy(Key).Select(g => g.First()).ToArray();
        if (distinct.Length == 1)
            return distinct[0] with { Route = string.Join("; ", outcomes.Select(o => o.Route).Distinct()) };
        return Ambiguous(address, viaTgw.FromVpcId, distinct, $"the route tables of the transit gateway attachment's subnets in {farVpc} send it to different places");
    }

    /// <summary>The subnets of a VPC a transit gateway attachment uses: from describe-transit-gateway-vpc-attachments, else from its ENIs.</summary>
    private IEnumerable<string> AttachmentSubnets(string vpcId, IReadOnlyList<string> attachmentIds)
    {
        foreach (var id in attachmentIds)
        {
            if (_index.TransitGatewayVpcAttachments.GetValueOrDefault(id) is { } a && a.VpcId == vpcId)
                foreach (var subnet in a.SubnetIds) yield return subnet;
            else
                foreach (var e in Map.Entries)
                    if (e.VpcId == vpcId && e.OwnerType == OwnerType.TransitGatewayAttachment && e.OwnerResourceId == id && e.SubnetId is { } subnet) yield return subnet;
        }
    }

    private AddressAttribution ViaVpn(AddressAttribution r, VpcView from, string vgwId)
    {
        var connections = _index.VpnConnectionsOf(vgwId).Select(c => c.VpnConnectionId).ToArray();
        var vgw = _index.VpnGateways.GetValueOrDefault(vgwId);
        return r with
        {
            Scope = AttributionScope.Vpn,
            VpnGatewayId = vgwId,
            VpnConnectionIds = connections,
            Reason = !from.Region.Has(Section.VpnConnections) ? "VPN connections were not captured: on-premises behind the gateway (VPN or Direct Connect)"
                : connections.Length == 0 ? $"no VPN connection uses {vgwId}: Direct Connect or on-premises behind the gateway{(vgw?.State is { } s ? $" ({s})" : "")}"
                : null,
        };
    }

    /// <summary>
    /// Why a table's choice for the address cannot be told, or null: a route to a prefix list whose entries were not
    /// captured, or a route that cannot be read, might be the longest match (SEMANTICS 0, 12).
    /// </summary>
    private static string? Undecided(RouteTableLookup table, RouteMatch match, IpAddress address) =>
        match.UnresolvedPrefixList is { } list ? $"{table.Table.RouteTableId} routes to prefix list {list}, whose entries were not captured: it might send {address} there"
        : match.Unreadable is { } unreadable ? $"{unreadable.Problem}: it could be the longest match for {address}"
        : null;

    /// <summary>Copies what the far VPC says about the address (owner, subnet, reserved role) onto a peering or TGW result.</summary>
    private static AddressAttribution FarSide(AddressAttribution result, AddressAttribution far) => result with
    {
        SubnetId = far.SubnetId,
        Owner = far.Owner,
        ReservedRole = far.ReservedRole,
        Reason = Join(result.Reason, far.Scope switch
        {
            AttributionScope.ThisVpc => null,
            AttributionScope.ReservedAddress => $"a reserved address ({far.ReservedRole}) of the far VPC",
            _ => $"{far.Scope} in {far.VpcId}: {far.Reason}",
        }),
    };

    private static AddressAttribution Ambiguous(IpAddress address, string? fromVpcId, IReadOnlyList<AddressAttribution> candidates, string reason) =>
        new() { Address = address, FromVpcId = fromVpcId, Scope = AttributionScope.Ambiguous, Candidates = candidates.ToValueList(), Reason = reason };

    /// <summary>Two outcomes are the same answer when they name the same place, whatever route led there.</summary>
    private static string Key(AddressAttribution a) =>
        $"{a.Scope}|{a.VpcId}|{a.Owner?.NetworkInterfaceId}|{a.ReservedRole}|{a.VpcPeeringConnectionId}|{a.TransitGatewayAttachmentId}|{a.VpnGatewayId}|{a.Service}|{a.Region}|{(a.Scope == AttributionScope.Unknown ? a.Reason : "")}";

    /// <summary>Reserved per subnet: network, +1 router, +2 DNS, +3 future use, last (IPv4 broadcast; AWS reserves it in IPv6 too).</summary>
    public static string? ReservedRole(IpAddress address, Cidr subnetCidr)
    {
        if (!subnetCidr.Contains(address)) return null;
        var offset = address.Value - subnetCidr.Network.Value;
        if (offset == 0) return "network address";
        if (offset == 1) return "VPC router";
        if (offset == 2) return "Amazon DNS";
        if (offset == 3) return "reserved by AWS";
        if (address == subnetCidr.Last) return subnetCidr.IsIPv6 ? "reserved by AWS (last address)" : "broadcast";
        return null;
    }

    private string? ReservedRole(IpAddress address, Subnet? subnet, VpcView vpc)
    {
        if (subnet is not null)
            foreach (var cidr in _index.SubnetCidrs(subnet.SubnetId))
                if (ReservedRole(address, cidr) is { } role) return role;
        // The resolver answers at the primary CIDR's base + 2 even where no subnet starts there.
        if (vpc.PrimaryCidr is { } primary && !address.IsIPv6 && address == AddressScope.ResolverOf(primary)) return "Amazon DNS";
        return null;
    }

    /// <summary>The link-local services every instance reaches without routing: DNS, metadata, time.</summary>
    public static string? LinkLocalService(IpAddress address) => AddressScope.AwsLinkLocalService(address);

    private string? AttachmentTypeFromVpcAttachments(IReadOnlyList<string> ids) =>
        ids.Any(id => _index.TransitGatewayVpcAttachments.ContainsKey(id)) ? "vpc" : null;

    private string? VpcOfAttachment(string? id) => id is null ? null : _index.TransitGatewayVpcAttachments.GetValueOrDefault(id)?.VpcId;

    /// <summary>Flags VPCs whose CIDRs overlap another VPC's, so lookups elsewhere can skip the overlap check.</summary>
    private void MarkOverlappingVpcs()
    {
        var trie = new PrefixTrie<List<VpcView>>();
        foreach (var view in _vpcs.Values)
            foreach (var c in view.Cidrs)
            {
                if (!trie.TryGetExact(c, out var list)) trie.Set(c, list = []);
                list.Add(view);
            }
        foreach (var view in _vpcs.Values)
            view.OverlapsAnotherVpc = view.Cidrs.Any(c => trie.Overlapping(c).Any(m => m.Value.Any(v => v != view)));
    }

    private static string? Join(string? a, string? b) =>
        string.IsNullOrEmpty(a) ? b : string.IsNullOrEmpty(b) ? a : $"{a}; {b}";

    /// <summary>A VPC's CIDRs and the route tables its subnets use, ready for lookups.</summary>
    private sealed class VpcView
    {
        public Vpc Vpc { get; }
        public RegionInventory Region { get; }
        public Cidr[] Cidrs { get; }
        public Cidr? PrimaryCidr { get; }
        public IReadOnlyList<RouteTableLookup> Tables { get; }
        public IReadOnlyDictionary<IpAddress, PrivateIpMapEntry> Addresses { get; }
        /// <summary>Set once by the attributor's constructor, before any lookup.</summary>
        public bool OverlapsAnotherVpc { get; set; }

        public VpcView(Vpc vpc, RegionInventory region, SnapshotIndex index, PrivateIpMap map)
        {
            Addresses = map.AddressesIn(vpc.VpcId);
            Vpc = vpc;
            Region = region;
            Cidrs = index.VpcCidrs(vpc.VpcId).ToArray();
            PrimaryCidr = index.PrimaryCidr(vpc.VpcId);
            var used = index.SubnetsOf(vpc.VpcId).Select(s => index.RouteTableOf(s.SubnetId).Table)
                .Append(index.MainRouteTable(vpc.VpcId)).OfType<RouteTable>()
                .DistinctBy(t => t.RouteTableId);
            Tables = used.Select(index.RouteLookupOf).ToArray();
        }

        public bool Contains(IpAddress address)
        {
            foreach (var c in Cidrs) if (c.Contains(address)) return true;
            return false;
        }
    }
}
