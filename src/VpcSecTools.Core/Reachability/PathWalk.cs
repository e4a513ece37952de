using VpcSecTools.Net;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;
using Kind = VpcSecTools.Reachability.ComponentKind;

namespace VpcSecTools.Reachability;

/// <summary>Where a walk ended.</summary>
internal enum WalkOutcome { Walking, Delivered, Internet, Service, Remote, Blocked, Unknown }

/// <summary>A NAT gateway translation made on the forward path, reversed by the response.</summary>
internal sealed record NatTranslation(string NatGatewayId, IpAddress NatAddress, IpAddress OriginalSource);

/// <summary>
/// One direction of a path through the network (routes, NACLs, gateways; security groups are checked by
/// the analyser at the two ENIs). Mutable while it walks, then read once: one instance per walk.
/// </summary>
internal sealed class PathWalk
{
    private const int MaxHops = 16;
    private readonly SnapshotIndex _ix;
    private readonly PathDirection _direction;
    private int _routeLookups;

    public PathWalk(SnapshotIndex index, PathDirection direction, IpAddress src, IpAddress dst, Traffic traffic)
    {
        _ix = index; _direction = direction; Src = src; Dst = dst; Traffic = traffic; ClientTraffic = traffic;
    }

    public IpAddress Src { get; private set; }
    public IpAddress Dst { get; private set; }
    public Traffic Traffic { get; private set; }
    /// <summary>On a return walk through a NAT gateway: the traffic after translating back (to the client's ephemeral range).</summary>
    public Traffic ClientTraffic { get; init; }
    /// <summary>False once the packet's identity is lost (NAT, internet gateway, TGW without referencing support...).</summary>
    public bool ReferencesPreserved { get; private set; } = true;
    public bool ViaEgressOnly { get; set; }
    /// <summary>True once the packet has crossed a transit gateway (a NAT gateway then serves it: centralised egress).</summary>
    public bool ViaTransitGateway { get; private set; }
    public List<NatTranslation> Nats { get; init; } = [];
    public List<PathHop> Hops { get; } = [];
    public WalkOutcome Outcome { get; private set; }
    public NetworkInterface? DeliveredTo { get; private set; }
    public string? ServiceVpcId { get; private set; }
    public List<string> Notes { get; } = [];

    /// <summary>The query's source is an address outside the snapshot's VPCs (on premises, or a peer VPC the snapshot does not hold).</summary>
    public bool RemoteSource { get; init; }

    public bool Reached => Outcome is WalkOutcome.Delivered or WalkOutcome.Internet or WalkOutcome.Service or WalkOutcome.Remote;

    // ---- entry points ----

    public void FromEni(NetworkInterface eni)
    {
        if (eni.SubnetId is null) { NoSubnet(eni); return; }
        RouteFrom(eni.SubnetId);
    }

    /// <summary>The packet is on the internet, addressed to <see cref="Dst"/>.</summary>
    public void FromInternet()
    {
        var eni = Dst.IsIPv6 ? _ix.EnisAt(Dst).FirstOrDefault() : _ix.EniByPublicIp(Dst);
        if (eni is null)
        {
            if (!AddressScope.IsInternet(Dst)) { Block(Kind.Internet, "internet", $"{Dst} is not an internet address", ExplanationCodes.NoRoute); return; }
            Allow(Kind.Internet, "internet", $"{Dst} is an internet address outside the snapshot");
            Outcome = WalkOutcome.Internet;
            return;
        }
        var vpc = eni.VpcId ?? "";
        if (Dst.IsIPv6 && _direction == PathDirection.Return && ViaEgressOnly)
            Allow(Kind.EgressOnlyInternetGateway, vpc, "response to a connection opened through the egress-only internet gateway");
        else
        {
            if (!SectionCaptured(eni.NetworkInterfaceId, Section.InternetGateways)) return;
            var igw = _ix.InternetGateways.Values.FirstOrDefault(g => IsAttached(g.Attachments, vpc));
            if (igw is null)
            {
                Block(Kind.Vpc, vpc, $"{vpc} has no attached internet gateway, so nothing from the internet reaches {Dst}", ExplanationCodes.NoInternetGateway);
                return;
            }
            var edge = _ix.RouteTables.Values.FirstOrDefault(t => t.VpcId == vpc && t.Associations.Any(a => a.GatewayId == igw.InternetGatewayId));
            if (edge is not null)
            {
                Unknown(Kind.RouteTable, edge.RouteTableId, $"ingress routing (gateway route table of {igw.InternetGatewayId}) is not modelled",
                    ExplanationCodes.ComponentNotModelled);
                return;
            }
            var publicIp = Dst;
            if (!Dst.IsIPv6)
            {
                var text = Dst.ToString();
                var mapped = eni.PrivateIpAddresses.FirstOrDefault(p => p.Association?.PublicIp == text)?.PrivateIpAddress ?? eni.PrivateIpAddress;
                if (mapped is null || !IpAddress.TryParse(mapped, out var privateIp))
                {
                    Unknown(Kind.NetworkInterface, eni.NetworkInterfaceId, $"no private address maps to {Dst}", ExplanationCodes.ComponentNotInSnapshot);
                    return;
                }
                Dst = privateIp;
            }
            ReferencesPreserved = false;
            Allow(Kind.InternetGateway, igw.InternetGatewayId, Dst.IsIPv6 ? $"inbound to {Dst}" : $"inbound: destination {publicIp} translated to {Dst}");
        }
        if (eni.SubnetId is null) { NoSubnet(eni); return; }
        if (!Nacl(eni.SubnetId, egress: false)) return;
        Arrive(eni);
    }

    /// <summary>A gateway endpoint's service answers: the packet enters the VPC towards <see cref="Dst"/>.</summary>
    public void FromService(string vpcId) => DeliverInVpc(vpcId, null);

    // ---- routing ----

    private void RouteFrom(string subnetId)
    {
        if (++_routeLookups > MaxHops) { Unknown(Kind.RouteTable, subnetId, "routing loop", ExplanationCodes.ComponentNotModelled); return; }
        if (!_ix.Subnets.TryGetValue(subnetId, out var subnet))
        {
            Unknown(Kind.Subnet, subnetId, $"{subnetId} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (_ix.SubnetCidrs(subnetId).Any(c => c.Contains(Dst)))
        {
            // Within one subnet traffic is delivered directly: no route table, no NACL.
            Allow(Kind.Subnet, subnetId, $"{Dst} is in the same subnet: delivered without routing");
            DeliverInVpc(subnet.VpcId, subnetId);
            return;
        }
        if (Unreadable(Kind.Subnet, subnetId, "whether the destination is in the same subnet (delivered without routing) cannot be told")) return;
        if (!SectionCaptured(subnetId, Section.RouteTables)) return;
        var (table, isExplicit) = _ix.RouteTableOf(subnetId);
        if (table is null)
        {
            Unknown(Kind.Subnet, subnetId, $"no route table for {subnetId} (no main table of {subnet.VpcId} in the snapshot)",
                ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        var d = RouteLookup.Find(_ix, table, Dst);
        var detail = $"{d.Detail} ({(isExplicit ? "associated with" : "main table for")} {subnetId})";
        Add(Kind.RouteTable, table.RouteTableId, d.Result, detail, d.ExplanationCode, d.Route is null ? null : d.Rule, d.Index);
        if (d.Result != HopResult.Allowed) return;
        var id = d.TargetId ?? "";
        switch (d.Target)
        {
            case RouteTargetKind.Local: DeliverInVpc(subnet.VpcId, subnetId); break;
            case RouteTargetKind.InternetGateway: if (Nacl(subnetId, true)) ToInternetGateway(id, subnet); break;
            case RouteTargetKind.EgressOnlyInternetGateway: if (Nacl(subnetId, true)) ToEgressOnly(id, subnet); break;
            case RouteTargetKind.NatGateway: ToNat(id, subnet); break;
            case RouteTargetKind.VpcPeeringConnection: ToPeering(id, subnet); break;
            case RouteTargetKind.TransitGateway: ToTransitGateway(id, subnet); break;
            case RouteTargetKind.GatewayEndpoint: if (Nacl(subnetId, true)) ToGatewayEndpoint(id, subnet); break;
            case RouteTargetKind.NetworkInterface or RouteTargetKind.Instance: ToAppliance(d.Target, id); break;
            case RouteTargetKind.VirtualPrivateGateway: ToVpnGateway(id, subnet, d.Route?.Origin); break;
            default: Unknown(KindOf(d.Target), id, $"{d.Target} targets ({id}) are not modelled", ExplanationCodes.ComponentNotModelled); break;
        }
    }

    private void DeliverInVpc(string vpcId, string? fromSubnetId)
    {
        var dstSubnet = _ix.SubnetContaining(vpcId, Dst);
        if (dstSubnet is null)
        {
            if (!SectionCaptured(vpcId, Section.Subnets)) return;
            // A subnet whose CIDR could not be read might hold the address.
            foreach (var s in _ix.SubnetsOf(vpcId))
                if (Unreadable(Kind.Subnet, s.SubnetId, $"it might hold {Dst}")) return;
            Block(Kind.Vpc, vpcId, $"no subnet of {vpcId} holds {Dst}", ExplanationCodes.AddressUnassigned);
            return;
        }
        if (fromSubnetId != dstSubnet.SubnetId)
        {
            // NACLs filter only where traffic crosses a subnet boundary, never within one subnet (SEMANTICS 10).
            if (fromSubnetId is not null && !Nacl(fromSubnetId, true)) return;
            if (!Nacl(dstSubnet.SubnetId, false)) return;
        }
        var eni = _ix.EniAt(vpcId, Dst);
        if (eni is not null && _ix.EnisAt(Dst).Where(e => e.VpcId == vpcId).Skip(1).Any())
        {
            // Two interfaces of one VPC holding one address (a capture taken while it moved): which one receives it cannot be told.
            Unknown(Kind.Subnet, dstSubnet.SubnetId, $"{Dst} is held by {string.Join(", ", _ix.EnisAt(Dst).Where(e => e.VpcId == vpcId).Select(e => e.NetworkInterfaceId))} in {vpcId}: which one receives it cannot be told",
                ExplanationCodes.UninterpretableEntry);
            return;
        }
        if (eni is null)
        {
            if (!SectionCaptured(vpcId, Section.NetworkInterfaces)) return;
            foreach (var other in _ix.EnisInSubnet(dstSubnet.SubnetId))
                if (Unreadable(Kind.NetworkInterface, other.NetworkInterfaceId, $"it might hold {Dst}")) return;
            Block(Kind.Subnet, dstSubnet.SubnetId, $"no ENI holds {Dst}", ExplanationCodes.AddressUnassigned);
            return;
        }
        Arrive(eni);
    }

    private void Arrive(NetworkInterface eni)
    {
        var nat = _ix.NatGatewayOfEni(eni.NetworkInterfaceId);
        if (nat is not null) { ReverseNat(nat); return; }
        Allow(Kind.NetworkInterface, eni.NetworkInterfaceId, $"delivered to {Dst}{(eni.Attachment?.InstanceId is { } i ? " on " + i : "")}");
        DeliveredTo = eni;
        Outcome = WalkOutcome.Delivered;
    }

    // ---- targets ----

    private void ToInternetGateway(string igwId, Subnet from)
    {
        var vpcId = from.VpcId;
        if (!SectionCaptured(from.SubnetId, Section.InternetGateways)) return;
        if (!_ix.InternetGateways.TryGetValue(igwId, out var igw) || !IsAttached(igw.Attachments, vpcId))
        {
            if (igw is not null && UnreadableAttachment(igw.Attachments, vpcId) is { } why) Unknown(Kind.InternetGateway, igwId, $"{igwId}: {why}", ExplanationCodes.UninterpretableEntry);
            else Block(Kind.InternetGateway, igwId, $"{igwId} is not attached to {vpcId}", ExplanationCodes.BadStateRoute);
            return;
        }
        if (!AddressScope.IsInternet(Dst)) { Block(Kind.InternetGateway, igwId, $"{Dst} is not an internet address", ExplanationCodes.NoRoute); return; }
        var before = Src;
        if (!Src.IsIPv6)
        {
            var publicIp = PublicIpOf(vpcId, Src);
            if (publicIp is null)
            {
                Block(Kind.InternetGateway, igwId, $"{Src} has no public IPv4 or Elastic IP, so the internet gateway cannot send it",
                    ExplanationCodes.IgwPublicIpForEgress);
                return;
            }
            Src = publicIp.Value;
        }
        else if (!AddressScope.IsInternet(Src))
        {
            Block(Kind.InternetGateway, igwId, $"{Src} is not a global IPv6 address", ExplanationCodes.IgwPublicIpForEgress);
            return;
        }
        ReferencesPreserved = false;
        Allow(Kind.InternetGateway, igwId, Src == before ? $"outbound from {Src}" : $"outbound: source {before} translated to {Src}");
        FromInternet();
    }

    private void ToEgressOnly(string eigwId, Subnet from)
    {
        var vpcId = from.VpcId;
        if (!SectionCaptured(from.SubnetId, Section.EgressOnlyInternetGateways)) return;
        if (!_ix.EgressOnlyInternetGateways.TryGetValue(eigwId, out var eigw) || !IsAttached(eigw.Attachments, vpcId))
        {
            if (eigw is not null && UnreadableAttachment(eigw.Attachments, vpcId) is { } why) Unknown(Kind.EgressOnlyInternetGateway, eigwId, $"{eigwId}: {why}", ExplanationCodes.UninterpretableEntry);
            else Block(Kind.EgressOnlyInternetGateway, eigwId, $"{eigwId} is not attached to {vpcId}", ExplanationCodes.BadStateRoute);
            return;
        }
        if (!Dst.IsIPv6 || !AddressScope.IsInternet(Dst))
        {
            Block(Kind.EgressOnlyInternetGateway, eigwId, $"{Dst} is not a global IPv6 address", ExplanationCodes.NoRoute);
            return;
        }
        ReferencesPreserved = false;
        ViaEgressOnly = true;
        Allow(Kind.EgressOnlyInternetGateway, eigwId, "outbound IPv6 (responses allowed back, nothing unsolicited)");
        FromInternet();
    }

    private void ToNat(string natId, Subnet from)
    {
        if (!SectionCaptured(from.SubnetId, Section.NatGateways)) return;
        var carries = _ix.NatGateways.TryGetValue(natId, out var nat) ? ResourceState.Carries(nat.State, "available", "pending", "failed", "deleting", "deleted") : false;
        if (carries != true || nat is null)
        {
            if (carries is null) Unknown(Kind.NatGateway, natId, $"{natId}: {ResourceState.Unreadable(nat?.State, "NAT gateway")}: whether it forwards cannot be told", ExplanationCodes.UninterpretableEntry);
            else Block(Kind.NatGateway, natId, $"{natId} is {(nat is null ? "not in the snapshot" : nat.State)}", ExplanationCodes.BadStateRoute);
            return;
        }
        if (Traffic.Protocol.Number is not (6 or 17 or 1))
        {
            Block(Kind.NatGateway, natId, $"a NAT gateway forwards only TCP, UDP and ICMP, not {Traffic.Protocol}", ExplanationCodes.NatProtocol);
            return;
        }
        // Sources of other VPCs are translated when they arrive over a transit gateway (centralised egress);
        // peering, VPN and Direct Connect allow no edge-to-edge use of a NAT gateway.
        if (!ViaTransitGateway && nat.VpcId is not null && !_ix.Vpcs.ContainsKey(nat.VpcId))
        {
            Unknown(Kind.NatGateway, natId, $"{nat.VpcId} is not in the snapshot: whether {Src} is inside it cannot be told", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (nat.VpcId is null || !ViaTransitGateway && !_ix.VpcCidrs(nat.VpcId).Any(c => c.Contains(Src)))
        {
            Block(Kind.NatGateway, natId, $"source {Src} is not inside {nat.VpcId}", ExplanationCodes.NatSourceNotInVpc);
            return;
        }
        if (nat.SubnetId is null) { Unknown(Kind.NatGateway, natId, "the NAT gateway has no subnet", ExplanationCodes.ComponentNotInSnapshot); return; }
        if (from.SubnetId != nat.SubnetId && !(Nacl(from.SubnetId, true) && Nacl(nat.SubnetId, false))) return;
        var address = nat.NatGatewayAddresses.FirstOrDefault(a => a.IsPrimary != false && a.PrivateIp is not null);
        if (address?.PrivateIp is null || !IpAddress.TryParse(address.PrivateIp, out var natIp))
        {
            Unknown(Kind.NatGateway, natId, "the NAT gateway's private address is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        Nats.Add(new NatTranslation(natId, natIp, Src));
        Allow(Kind.NatGateway, natId, $"source {Src} translated to {natIp}");
        Src = natIp;
        ReferencesPreserved = false;
        RouteFrom(nat.SubnetId);
    }

    private void ReverseNat(NatGateway nat)
    {
        var t = Nats.FirstOrDefault(n => n.NatGatewayId == nat.NatGatewayId && n.NatAddress == Dst);
        if (_direction == PathDirection.Forward || t is null)
        {
            Block(Kind.NatGateway, nat.NatGatewayId, "a NAT gateway drops connections opened from outside", ExplanationCodes.NatUnsolicitedInbound);
            return;
        }
        Allow(Kind.NatGateway, nat.NatGatewayId, $"response: destination {Dst} translated back to {t.OriginalSource}");
        Dst = t.OriginalSource;
        Traffic = ClientTraffic;
        if (nat.SubnetId is null)
        {
            Unknown(Kind.NatGateway, nat.NatGatewayId, "the NAT gateway has no subnet", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        RouteFrom(nat.SubnetId);
    }

    private void ToPeering(string pcxId, Subnet from)
    {
        if (!SectionCaptured(from.SubnetId, Section.VpcPeeringConnections)) return;
        if (_ix.PeeringOf(pcxId) is not { } pcx)
        {
            Block(Kind.VpcPeeringConnection, pcxId, $"{pcxId} is not in the snapshot (deleted)", ExplanationCodes.PeeringNotActive);
            return;
        }
        if (pcx.StateProblem is { } unreadable)
        {
            Unknown(Kind.VpcPeeringConnection, pcxId, $"{pcxId}: {unreadable}", ExplanationCodes.UninterpretableEntry);
            return;
        }
        if (!pcx.IsActive)
        {
            Block(Kind.VpcPeeringConnection, pcxId, $"{pcxId} is {pcx.Connection.Status?.Code ?? "in an unknown state"}", ExplanationCodes.PeeringNotActive);
            return;
        }
        if (pcx.From(from.VpcId) is not ({ } self, { VpcId: not null } peer))
        {
            Block(Kind.VpcPeeringConnection, pcxId, $"{pcxId} does not connect {from.VpcId}", ExplanationCodes.BadStateRoute);
            return;
        }
        switch (peer.Holds(Dst))
        {
            case null:
                Unknown(Kind.VpcPeeringConnection, pcxId, $"{peer.Problems[0]}: it might hold {Dst}", ExplanationCodes.UninterpretableEntry);
                return;
            case false:
                Block(Kind.VpcPeeringConnection, pcxId, $"{Dst} is not in {peer.VpcId}'s CIDRs ({string.Join(", ", peer.Cidrs)}): peering is not transitive",
                    ExplanationCodes.PeeringCidr);
                return;
        }
        if (self.Region is not null && peer.Region is not null && self.Region != peer.Region) ReferencesPreserved = false;
        Allow(Kind.VpcPeeringConnection, pcxId, $"to {peer.VpcId}");
        if (!Nacl(from.SubnetId, true)) return;
        if (!_ix.Vpcs.ContainsKey(peer.VpcId))
        {
            // A response to a source in a peer VPC the snapshot does not hold leaves here; what happens inside the peer is assumed.
            if (_direction == PathDirection.Return && RemoteSource)
            {
                Notes.Add($"assumed: the route tables, network ACLs and security groups of peer {peer.VpcId} (account {peer.OwnerId}) pass the traffic "
                    + "(not in the snapshot)");
                Outcome = WalkOutcome.Remote;
                return;
            }
            Unknown(Kind.Vpc, peer.VpcId, $"peer {peer.VpcId} (account {peer.OwnerId}) is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        // Arriving over a peering, only the peer's own addresses are delivered: no edge-to-edge routing.
        DeliverInVpc(peer.VpcId, null);
    }

    private void ToTransitGateway(string tgwId, Subnet from)
    {
        if (!SectionCaptured(from.SubnetId, Section.TransitGatewayVpcAttachments)) return;
        var attachment = _ix.TransitGatewayAttachmentOf(tgwId, from.VpcId);
        if (attachment is null)
        {
            if (_ix.UnreadableAttachmentsOf(tgwId, from.VpcId) is [var unreadable, ..])
                Unknown(Kind.TransitGateway, tgwId, $"{unreadable} is not one of EC2's attachment states: whether {from.VpcId} sends through it cannot be told",
                    ExplanationCodes.UninterpretableEntry);
            else Block(Kind.TransitGateway, tgwId, $"{from.VpcId} has no available attachment to {tgwId}", ExplanationCodes.TgwAttachmentMissing);
            return;
        }
        var attachmentId = attachment.AttachmentId;
        if (attachment.Details is not { } details)
        {
            Unknown(Kind.TransitGatewayAttachment, attachmentId, $"the subnets of {attachmentId} are not in the snapshot",
                ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        var entry = details.SubnetIds.Select(id => _ix.Subnets.GetValueOrDefault(id)).FirstOrDefault(s => s?.AvailabilityZone == from.AvailabilityZone);
        if (entry is null)
        {
            Block(Kind.TransitGatewayAttachment, attachmentId,
                $"{attachmentId} has no subnet in {from.AvailabilityZone} (it uses {string.Join(", ", details.SubnetIds)}), "
                + $"so {from.SubnetId} cannot send to {tgwId}",
                ExplanationCodes.TgwAzRestriction);
            return;
        }
        // To the TGW: the sender's subnet outbound rules and the attachment subnet's inbound rules apply (AWS TGW NACL rules).
        if (!Nacl(from.SubnetId, true) || !Nacl(entry.SubnetId, false)) return;
        Allow(Kind.TransitGatewayAttachment, attachmentId, $"enters {tgwId} through {entry.SubnetId} ({entry.AvailabilityZone})");
        TransitGatewayForward(tgwId, attachmentId, from.SubnetId, details.Options?.SecurityGroupReferencingSupport);
    }

    /// <summary>Through the transit gateway from an attachment (a VPC's, or a VPN's / Direct Connect gateway's), by its associated route table.</summary>
    private void TransitGatewayForward(string tgwId, string fromAttachmentId, string regionAnchor, string? fromReferencing)
    {
        if (!SectionCaptured(regionAnchor, Section.TransitGatewayAttachments)) return;
        if (_ix.TransitGatewayRouteTableOf(fromAttachmentId) is not { } tableId)
        {
            Block(Kind.TransitGatewayAttachment, fromAttachmentId, "the attachment is associated with no transit gateway route table",
                ExplanationCodes.NoRoute);
            return;
        }
        var (choice, unknown) = _ix.TransitGatewayRouteLookupOf(tableId).Find(Dst);
        if (unknown is not null) { Unknown(Kind.TransitGatewayRouteTable, tableId, unknown, ExplanationCodes.SectionNotCaptured); return; }
        if (choice is null) { Block(Kind.TransitGatewayRouteTable, tableId, $"{tableId} has no route to {Dst}", ExplanationCodes.NoRoute); return; }
        var rule = $"{choice.Destination} -> {(choice.Blackhole ? "blackhole" : choice.AttachmentId)} ({choice.Type})";
        if (choice.Blackhole)
        {
            Block(Kind.TransitGatewayRouteTable, tableId, $"{choice.Destination} is a blackhole route", ExplanationCodes.BadStateRoute, rule);
            return;
        }
        if (choice.ResourceType is "vpn" or "direct-connect-gateway" && choice.AttachmentId is not null)
        {
            Allow(Kind.TransitGatewayRouteTable, tableId, $"{Dst} matches {choice.Destination}", rule);
            LeaveToRemote(tgwId, choice.AttachmentId, choice.ResourceType, choice.ResourceId);
            return;
        }
        if (!ResourceState.Is(choice.ResourceType, "vpc"))
        {
            Unknown(Kind.TransitGatewayAttachment, choice.AttachmentId ?? tableId, $"{choice.ResourceType} attachments are not modelled",
                ExplanationCodes.ComponentNotModelled, rule);
            return;
        }
        var target = choice.AttachmentId is null ? null : _ix.TransitGatewayVpcAttachments.GetValueOrDefault(choice.AttachmentId);
        if (target?.VpcId is null)
        {
            Unknown(Kind.TransitGatewayAttachment, choice.AttachmentId ?? tableId, "the target attachment is not in the snapshot",
                ExplanationCodes.ComponentNotInSnapshot, rule);
            return;
        }
        if (!SnapshotIndex.IsKnownAttachmentState(target.State))
        {
            Unknown(Kind.TransitGatewayAttachment, target.TransitGatewayAttachmentId, $"State '{target.State}' of {target.TransitGatewayAttachmentId} is not one of EC2's attachment states",
                ExplanationCodes.UninterpretableEntry, rule);
            return;
        }
        if (!SnapshotIndex.IsUsableAttachmentState(target.State))
        {
            Block(Kind.TransitGatewayAttachment, target.TransitGatewayAttachmentId, $"{target.TransitGatewayAttachmentId} is {target.State}",
                ExplanationCodes.TgwAttachmentMissing, rule);
            return;
        }
        Allow(Kind.TransitGatewayRouteTable, tableId, $"{Dst} matches {choice.Destination}", rule);
        var tgw = _ix.TransitGateways.GetValueOrDefault(tgwId);
        bool referencing = Enabled(tgw?.Options?.SecurityGroupReferencingSupport) && Enabled(fromReferencing)
            && Enabled(target.Options?.SecurityGroupReferencingSupport);
        if (!referencing) ReferencesPreserved = false;
        // Traffic from a TGW reaches every subnet: it enters through the attachment subnet of the destination's AZ, else any.
        var dstSubnet = _ix.SubnetContaining(target.VpcId, Dst);
        var subnets = target.SubnetIds.Select(id => _ix.Subnets.GetValueOrDefault(id)).OfType<Subnet>().ToList();
        var exit = subnets.FirstOrDefault(s => s.AvailabilityZone == dstSubnet?.AvailabilityZone) ?? subnets.FirstOrDefault();
        if (exit is null)
        {
            Unknown(Kind.TransitGatewayAttachment, target.TransitGatewayAttachmentId, "the attachment's subnets are not in the snapshot",
                ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        Allow(Kind.TransitGatewayAttachment, target.TransitGatewayAttachmentId, $"leaves {tgwId} into {target.VpcId} through {exit.SubnetId}");
        ViaTransitGateway = true;
        RouteFrom(exit.SubnetId);
    }

    // ---- networks outside the VPCs: on premises behind a VPN or Direct Connect ----

    /// <summary>
    /// The packet comes from <see cref="Src"/>, an address outside every VPC of the snapshot. It enters where the
    /// network routes that address: a transit gateway's VPN / Direct Connect attachment whose route covers it, or a
    /// virtual private gateway whose VPN connection routes (static or propagated into a VPC route table) cover it.
    /// More than one entry, or none, is Unknown with the candidates: never a silent pick.
    /// </summary>
    public void FromRemote()
    {
        var entries = RemoteEntries(Src, out var doubts);
        if (entries.Count == 0)
        {
            Unknown(Kind.Address, Src.ToString(),
                $"{Src} is outside every VPC of the snapshot and no transit gateway route to a VPN or Direct Connect attachment, nor any VPN connection route "
                + "of a virtual private gateway, covers it: where it enters the network is unknown" + string.Concat(doubts.Select(d => $"; {d.Text}")),
                doubts.Count > 0 ? doubts[0].Code : ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (entries.Count > 1)
        {
            Unknown(Kind.Address, Src.ToString(), $"{Src} may enter through any of {string.Join(", ", entries.Select(e => e.Id))}: say which",
                ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (doubts.Count > 0)
        {
            // A route the snapshot cannot read may send the address in elsewhere: the one entry found is not proved the only one.
            Unknown(Kind.Address, Src.ToString(), $"{Src} enters through {entries[0].Id} as far as the snapshot shows, but {string.Join("; ", doubts.Select(d => d.Text))}",
                doubts[0].Code);
            return;
        }
        var entry = entries[0];
        if (entry.Peering is ({ } peering, { VpcId: { } localVpc } local, { } remote))
        {
            // A same-region peering keeps the source's identity: its groups may be referenced (SEMANTICS 4).
            ReferencesPreserved = local.Region is null || remote.Region is null || local.Region == remote.Region;
            Allow(Kind.VpcPeeringConnection, peering.Id, $"from {remote.VpcId} (account {remote.OwnerId}, not in the snapshot) into {local.VpcId}");
            Notes.Add($"assumed: the route tables, network ACLs and security groups of peer {remote.VpcId} (account {remote.OwnerId}) let {Src} send "
                + "(not in the snapshot)");
            DeliverInVpc(localVpc, null);
            return;
        }
        ReferencesPreserved = false;
        if (entry.TransitGatewayId is { } tgw)
        {
            if (!RemoteAttachmentUsable(entry.Id, entry.ResourceType, entry.ResourceId, tgw, inbound: true)) return;
            TransitGatewayForward(tgw, entry.Id, tgw, null);
            return;
        }
        if (!VpnGatewayUsable(entry.Id, Src, inbound: true, out var vpcId)) return;
        // From a virtual private gateway the VPC's local routing delivers; the destination subnet's NACL applies.
        DeliverInVpc(vpcId!, null);
    }

    private sealed record RemoteEntry(string Id, string? TransitGatewayId, string? ResourceType, string? ResourceId,
        (Peering Connection, PeeringSide Local, PeeringSide Remote)? Peering = null);

    /// <summary>Why the entries found may not be all of them: a route that cannot be read, or was not captured, could cover the address.</summary>
    private sealed record RemoteDoubt(string Text, string Code);

    private List<RemoteEntry> RemoteEntries(IpAddress address, out List<RemoteDoubt> doubts)
    {
        var entries = new List<RemoteEntry>();
        doubts = [];
        foreach (var tableId in _ix.TransitGatewayRouteTableIds)
        {
            var match = _ix.TransitGatewayRouteLookupOf(tableId).Find(address);
            // Routes of the table the snapshot lacks matter where the transit gateway has a way out to a network outside the VPCs.
            if (match.Unknown is { } unknown && RemoteAttachmentsOf(tableId) is { Count: > 0 } ways)
                doubts.Add(new($"{unknown} (and {string.Join(", ", ways)} could be where it enters)", ExplanationCodes.ComponentNotInSnapshot));
            var choice = match.Route;
            if (choice?.AttachmentId is null || choice.Blackhole || choice.ResourceType is not ("vpn" or "direct-connect-gateway")) continue;
            var tgw = _ix.TransitGatewayAttachments.GetValueOrDefault(choice.AttachmentId)?.TransitGatewayId
                ?? _ix.TransitGatewayRouteTables.GetValueOrDefault(tableId)?.TransitGatewayId;
            if (tgw is not null && entries.All(e => e.Id != choice.AttachmentId))
                entries.Add(new(choice.AttachmentId, tgw, choice.ResourceType, choice.ResourceId));
        }
        // A peer VPC the snapshot does not hold: an active peering whose peer CIDRs hold the address and a route of its local side to it.
        foreach (var pcx in _ix.Peerings)
        {
            if (pcx.Active == false) continue;
            foreach (var (local, remote) in new[] { (pcx.Requester, pcx.Accepter), (pcx.Accepter, pcx.Requester) })
            {
                if (local.VpcId is null || remote.VpcId is null || _ix.Vpcs.ContainsKey(remote.VpcId) || !_ix.Vpcs.ContainsKey(local.VpcId)) continue;
                if (remote.Holds(address) != true) continue;
                bool routed = _ix.RouteTables.Values.Any(t => t.VpcId == local.VpcId
                    && _ix.RouteLookupOf(t).Routes.Any(r => r.TargetId == pcx.Id && r.Destination.Contains(address)));
                if (!routed) continue;
                // A peering whose state cannot be read may be where the address enters: a doubt naming it, not an entry nor nothing.
                if (pcx.StateProblem is { } unreadable)
                    doubts.Add(new($"{pcx.Id}: {unreadable}, and {remote.VpcId} behind it holds {address}", ExplanationCodes.UninterpretableEntry));
                else if (entries.All(e => e.Id != pcx.Id)) entries.Add(new(pcx.Id, null, "peering", local.VpcId, (pcx, local, remote)));
            }
        }
        foreach (var vgw in _ix.VpnGateways.Values)
            if (VgwCovers(vgw.VpnGatewayId, address, origin: null) && entries.All(e => e.Id != vgw.VpnGatewayId))
                entries.Add(new(vgw.VpnGatewayId, null, "vpn", null));
        // A static route of a VPN connection whose destination cannot be read may cover the address, unless its gateway is the entry already.
        foreach (var route in _ix.UnreadableVpnRoutes)
        {
            var gateway = _ix.GatewayOfVpnRoute(route);
            if (gateway is not null && entries.Count == 1 && entries[0].Id == gateway) continue;
            doubts.Add(new($"the static route {route.Field} of {route.ResourceId}{(gateway is null ? "" : $" ({gateway})")} cannot be read ({route.Reason}) and might cover {address}",
                ExplanationCodes.UninterpretableEntry));
        }
        return entries;
    }

    /// <summary>
    /// The VPN and Direct Connect attachments of the transit gateway of a route table, as the snapshot lists them (of every
    /// transit gateway when the table's own record is missing).
    /// </summary>
    private List<string> RemoteAttachmentsOf(string tableId)
    {
        var tgw = _ix.TransitGatewayRouteTables.GetValueOrDefault(tableId)?.TransitGatewayId;
        return _ix.TransitGatewayAttachments.Values
            .Where(a => (tgw is null || a.TransitGatewayId == tgw) && a.ResourceType is ("vpn" or "direct-connect-gateway"))
            .Select(a => a.TransitGatewayAttachmentId).OfType<string>().ToList();
    }

    /// <summary>
    /// The network behind the gateway holds the address: the route that chose the gateway was propagated from it, or the
    /// index finds a VPN connection route (or, when no VPC route chose it, a route propagated from it) that covers it.
    /// </summary>
    private bool VgwCovers(string vgwId, IpAddress address, string? origin) =>
        origin is null ? _ix.VpnGatewayCovers(vgwId, address) : VpcRoutes.IsPropagated(new Route { Origin = origin }) || _ix.VpnRouteCovers(vgwId, address);

    /// <summary>The VPC routes <see cref="Dst"/> to a virtual private gateway: it leaves for the network behind the VPN connection.</summary>
    private void ToVpnGateway(string vgwId, Subnet from, string? origin)
    {
        if (!VgwCovers(vgwId, Dst, origin))
        {
            var unreadable = _ix.UnreadableVpnRoutes.Where(r => _ix.GatewayOfVpnRoute(r) == vgwId).ToList();
            Unknown(Kind.VpnGateway, vgwId,
                $"traffic leaves through {vgwId}, but no VPN connection route of it covers {Dst}: the network behind it is outside the snapshot"
                + string.Concat(unreadable.Select(r => $"; the static route {r.Field} of {r.ResourceId} cannot be read ({r.Reason})")),
                unreadable.Count > 0 ? ExplanationCodes.UninterpretableEntry : ExplanationCodes.ComponentNotModelled);
            return;
        }
        if (!Nacl(from.SubnetId, true)) return;
        if (!VpnGatewayUsable(vgwId, Dst, inbound: false, out _)) return;
        Outcome = WalkOutcome.Remote;
    }

    private bool VpnGatewayUsable(string vgwId, IpAddress remote, bool inbound, out string? vpcId)
    {
        vpcId = null;
        if (!SectionCaptured(vgwId, Section.VpnGateways) || !SectionCaptured(vgwId, Section.VpnConnections)) return false;
        var carries = _ix.VpnGateways.TryGetValue(vgwId, out var vgw) ? ResourceState.Carries(vgw.State, "available", "pending", "deleting", "deleted") : false;
        if (carries != true || vgw is null)
        {
            if (carries is null)
                Unknown(Kind.VpnGateway, vgwId, $"{vgwId}: {ResourceState.Unreadable(vgw?.State, "virtual private gateway")}: whether it carries traffic cannot be told",
                    ExplanationCodes.UninterpretableEntry);
            else Block(Kind.VpnGateway, vgwId, $"{vgwId} is {(vgw is null ? "not in the snapshot" : vgw.State)}", ExplanationCodes.VpnNotAvailable);
            return false;
        }
        vpcId = vgw.VpcAttachments.FirstOrDefault(a => ResourceState.IsAbsentOr(a.State, "attached"))?.VpcId;
        if (vpcId is null) { Block(Kind.VpnGateway, vgwId, $"{vgwId} is attached to no VPC", ExplanationCodes.VpnNotAvailable); return false; }
        var connections = _ix.VpnConnections.Values.Where(v => v.VpnGatewayId == vgwId).ToList();
        var what = $"{(inbound ? "enters " + vpcId + " from" : "leaves " + vpcId + " through")} {vgwId}";
        return VpnConnectionsUsable(Kind.VpnGateway, vgwId, connections, remote, inbound, what);
    }

    private bool RemoteAttachmentUsable(string attachmentId, string? resourceType, string? resourceId, string tgwId, bool inbound)
    {
        var att = _ix.TransitGatewayAttachments.GetValueOrDefault(attachmentId);
        // Read as every attachment's state is (SnapshotIndex): absent carries traffic, one EC2 does not have is Unknown.
        if (att is not null && !SnapshotIndex.IsKnownAttachmentState(att.State))
        {
            Unknown(Kind.TransitGatewayAttachment, attachmentId, $"State '{att.State}' of {attachmentId} is not one of EC2's attachment states", ExplanationCodes.UninterpretableEntry);
            return false;
        }
        if (att is not null && !SnapshotIndex.IsUsableAttachmentState(att.State))
        {
            Block(Kind.TransitGatewayAttachment, attachmentId, $"{attachmentId} is {att.State}", ExplanationCodes.VpnNotAvailable);
            return false;
        }
        var what = inbound ? $"enters {tgwId} from {resourceType} {resourceId}" : $"leaves {tgwId} to {resourceType} {resourceId}";
        if (resourceType != "vpn")
        {
            Allow(Kind.TransitGatewayAttachment, attachmentId, what);
            Notes.Add($"assumed: the Direct Connect gateway {resourceId} and the network behind it carry {(inbound ? Src : Dst)} (not in the snapshot)");
            return true;
        }
        if (!SectionCaptured(tgwId, Section.VpnConnections)) return false;
        var connections = _ix.VpnConnections.Values.Where(v => v.VpnConnectionId == resourceId || v.TransitGatewayId == tgwId && resourceId is null).ToList();
        return VpnConnectionsUsable(Kind.TransitGatewayAttachment, attachmentId, connections, inbound ? Src : Dst, inbound, what);
    }

    /// <summary>A VPN connection that is not 'available' blocks; tunnel state and the customer side are assumptions, named in the notes.</summary>
    private bool VpnConnectionsUsable(Kind kind, string id, List<VpnConnection> connections, IpAddress remote, bool inbound, string detail)
    {
        if (connections.Count == 0) { Block(kind, id, $"no VPN connection of {id} is in the snapshot", ExplanationCodes.VpnNotAvailable); return false; }
        var up = connections.Where(v => ResourceState.Is(v.State, "available")).ToList();
        if (up.Count == 0 && connections.FirstOrDefault(v => ResourceState.Carries(v.State, "available", "pending", "deleting", "deleted") is null) is { } unread)
        {
            Unknown(kind, id, $"{unread.VpnConnectionId}: {ResourceState.Unreadable(unread.State, "VPN connection")}: whether it carries traffic cannot be told",
                ExplanationCodes.UninterpretableEntry);
            return false;
        }
        if (up.Count == 0)
        {
            Block(kind, id, string.Join(", ", connections.Select(v => $"{v.VpnConnectionId} is {v.State ?? "in an unknown state"}")),
                ExplanationCodes.VpnNotAvailable);
            return false;
        }
        var names = string.Join(", ", up.Select(v => v.VpnConnectionId));
        Allow(kind, id, detail.Contains(names, StringComparison.Ordinal) ? detail : $"{detail} ({names})");
        Notes.Add($"assumed: a tunnel of {names} is up and the customer gateway{(up[0].CustomerGatewayId is { } cg ? " " + cg : "")} routes {remote} over it "
            + "and passes the traffic (tunnel state and the customer side are not in the snapshot)");
        return true;
    }

    private void LeaveToRemote(string tgwId, string attachmentId, string? resourceType, string? resourceId)
    {
        ReferencesPreserved = false;
        if (RemoteAttachmentUsable(attachmentId, resourceType, resourceId, tgwId, inbound: false)) Outcome = WalkOutcome.Remote;
    }

    private void ToGatewayEndpoint(string vpceId, Subnet from)
    {
        var vpcId = from.VpcId;
        if (!SectionCaptured(from.SubnetId, Section.VpcEndpoints)) return;
        if (!_ix.VpcEndpoints.TryGetValue(vpceId, out var ep))
        {
            Unknown(Kind.VpcEndpoint, vpceId, $"{vpceId} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (!ResourceState.Is(ep.VpcEndpointType, "Gateway"))
        {
            Unknown(Kind.VpcEndpoint, vpceId, $"{ep.VpcEndpointType} endpoints (e.g. Gateway Load Balancer) are not modelled",
                ExplanationCodes.ComponentNotModelled);
            return;
        }
        Allow(Kind.VpcEndpoint, vpceId, $"to {ep.ServiceName}");
        Notes.Add($"{vpceId}'s endpoint policy and the service's own policies are not evaluated");
        ServiceVpcId = vpcId;
        Outcome = WalkOutcome.Service;
    }

    private void ToAppliance(RouteTargetKind kind, string id)
    {
        var eni = kind == RouteTargetKind.NetworkInterface ? _ix.NetworkInterfaces.GetValueOrDefault(id)
            : _ix.EnisOfInstance(id).OrderBy(e => e.Attachment?.DeviceIndex ?? int.MaxValue).FirstOrDefault();
        if (eni is null) { Unknown(KindOf(kind), id, $"route target {id} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        var eniId = eni.NetworkInterfaceId;
        if (eni.SourceDestCheck != false)
        {
            Block(Kind.NetworkInterface, eniId, $"{eniId} is a route target but has source/destination check enabled, so it drops traffic not addressed to it",
                ExplanationCodes.SourceDestCheck);
            return;
        }
        Unknown(Kind.NetworkInterface, eniId,
            $"appliance {eniId}{(eni.Attachment?.InstanceId is { } i ? " (" + i + ")" : "")} forwards the traffic; what it does is not modelled",
            ExplanationCodes.ComponentNotModelled);
    }

    // ---- checks shared by the steps ----

    private bool Nacl(string subnetId, bool egress)
    {
        if (!SectionCaptured(subnetId, Section.NetworkAcls)) return false;
        var (acl, _) = _ix.NetworkAclOf(subnetId);
        if (acl is null)
        {
            Unknown(Kind.Subnet, subnetId, $"no network ACL for {subnetId} in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return false;
        }
        var remote = egress ? Dst : Src;
        var d = NetworkAclEvaluator.Evaluate(_ix.RulesOf(acl).Of(egress, remote.IsIPv6), egress, remote, Traffic);
        var code = d.Result switch { HopResult.Denied => ExplanationCodes.SubnetAcl, HopResult.Unknown => ExplanationCodes.UninterpretableEntry, _ => null };
        Add(Kind.NetworkAcl, acl.NetworkAclId, d.Result, $"{(egress ? "leaving" : "entering")} {subnetId}: {d.Detail}", code, d.Rule, d.RuleNumber);
        return d.Allowed;
    }

    private bool SectionCaptured(string id, string section)
    {
        if (_ix.Captured(id, section)) return true;
        Unknown(Kind.Section, section, $"the snapshot did not capture {section}{(_ix.RegionOf(id) is { } r ? " for " + r.Region : "")}",
            ExplanationCodes.SectionNotCaptured);
        return false;
    }

    /// <summary>A value of the resource (a CIDR, an address) the index could not read: the step that needs it is Unknown, naming it.</summary>
    private bool Unreadable(Kind kind, string id, string why)
    {
        if (_ix.ProblemsOf(id) is not [var problem, ..]) return false;
        Unknown(kind, id, $"{problem}: {why}", ExplanationCodes.UninterpretableEntry);
        return true;
    }

    private void NoSubnet(NetworkInterface eni) =>
        Unknown(Kind.NetworkInterface, eni.NetworkInterfaceId,
            $"{eni.NetworkInterfaceId} has no SubnetId in the snapshot: its routes and network ACL cannot be told",
            ExplanationCodes.ComponentNotInSnapshot);

    private IpAddress? PublicIpOf(string vpcId, IpAddress privateIp)
    {
        var eni = _ix.EniAt(vpcId, privateIp);
        if (eni is null) return null;
        var text = privateIp.ToString();
        var pub = eni.PrivateIpAddresses.FirstOrDefault(p => p.PrivateIpAddress == text)?.Association?.PublicIp
            ?? (eni.PrivateIpAddress == text ? eni.Association?.PublicIp : null);
        return pub is not null && IpAddress.TryParse(pub, out var ip) ? ip : null;
    }

    private static bool IsAttached(IEnumerable<InternetGatewayAttachment> attachments, string vpcId) =>
        attachments.Any(a => a.VpcId == vpcId && ResourceState.IsAbsentOr(a.State, "available", "attached"));

    /// <summary>Why an attachment to the VPC in a state EC2 does not have (attaching, detaching, detached) cannot be told attached.</summary>
    private static string? UnreadableAttachment(IEnumerable<InternetGatewayAttachment> attachments, string vpcId) =>
        attachments.FirstOrDefault(a => a.VpcId == vpcId && !ResourceState.IsAbsentOr(a.State, "available", "attached", "attaching", "detaching", "detached")) is { } a
            ? $"its attachment to {vpcId} is in State '{a.State}', not one of EC2's: whether it is attached cannot be told" : null;

    private static bool Enabled(string? option) => ResourceState.Is(option, "enable");

    /// <summary>The component kind of a route target the walk does not model.</summary>
    private static Kind KindOf(RouteTargetKind target) => target switch
    {
        RouteTargetKind.NetworkInterface => Kind.NetworkInterface,
        RouteTargetKind.Instance => Kind.Instance,
        RouteTargetKind.LocalGateway => Kind.LocalGateway,
        RouteTargetKind.CarrierGateway => Kind.CarrierGateway,
        RouteTargetKind.CoreNetwork => Kind.CoreNetwork,
        _ => Kind.RouteTarget,
    };

    // ---- the hop builder ----

    /// <summary>A hop as the analyser records it: what decided, why, and the rule or route (with its number) where one did.</summary>
    internal static PathHop Hop(PathDirection direction, Kind kind, string id, HopResult result, string detail,
        string? code = null, string? rule = null, int? number = null) => new()
    {
        Direction = direction, ComponentType = kind, ComponentId = id, Result = result, Detail = detail,
        ExplanationCode = code, Rule = rule, RuleNumber = number,
    };

    private void Add(Kind kind, string id, HopResult result, string detail, string? code = null, string? rule = null, int? number = null)
    {
        Hops.Add(Hop(_direction, kind, id, result, detail, code, rule, number));
        if (result == HopResult.Denied) Outcome = WalkOutcome.Blocked;
        else if (result == HopResult.Unknown) Outcome = WalkOutcome.Unknown;
    }

    private void Allow(Kind kind, string id, string detail, string? rule = null) => Add(kind, id, HopResult.Allowed, detail, null, rule);

    private void Block(Kind kind, string id, string detail, string code, string? rule = null) => Add(kind, id, HopResult.Denied, detail, code, rule);

    private void Unknown(Kind kind, string id, string detail, string code, string? rule = null) => Add(kind, id, HopResult.Unknown, detail, code, rule);
}
