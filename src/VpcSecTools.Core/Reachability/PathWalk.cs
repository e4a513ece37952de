using VpcSecTools.Net;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

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
        if (eni.SubnetId is null) { Unknown("NetworkInterface", eni.NetworkInterfaceId, null, null, "the ENI has no subnet", ExplanationCodes.ComponentNotInSnapshot); return; }
        RouteFrom(eni.SubnetId);
    }

    /// <summary>The packet is on the internet, addressed to <see cref="Dst"/>.</summary>
    public void FromInternet()
    {
        var eni = Dst.IsIPv6 ? _ix.EnisAt(Dst).FirstOrDefault() : _ix.EniByPublicIp(Dst);
        if (eni is null)
        {
            if (!AddressScope.IsInternet(Dst)) { Block("Internet", "internet", null, null, $"{Dst} is not an internet address", ExplanationCodes.NoRoute); return; }
            Allow("Internet", "internet", null, null, $"{Dst} is an internet address outside the snapshot");
            Outcome = WalkOutcome.Internet;
            return;
        }
        var vpc = eni.VpcId ?? "";
        if (Dst.IsIPv6 && _direction == PathDirection.Return && ViaEgressOnly)
            Allow("EgressOnlyInternetGateway", vpc, null, null, "response to a connection opened through the egress-only internet gateway");
        else
        {
            if (!SectionCaptured(vpc, Section.InternetGateways)) return;
            var igw = _ix.InternetGateways.Values.FirstOrDefault(g => IsAttached(g.Attachments, vpc));
            if (igw is null) { Block("Vpc", vpc, null, null, $"{vpc} has no attached internet gateway, so nothing from the internet reaches {Dst}", ExplanationCodes.NoInternetGateway); return; }
            var edge = _ix.RouteTables.Values.FirstOrDefault(t => t.VpcId == vpc && t.Associations.Any(a => a.GatewayId == igw.InternetGatewayId));
            if (edge is not null) { Unknown("RouteTable", edge.RouteTableId, null, null, $"ingress routing (gateway route table of {igw.InternetGatewayId}) is not modelled", ExplanationCodes.ComponentNotModelled); return; }
            var publicIp = Dst;
            if (!Dst.IsIPv6)
            {
                var text = Dst.ToString();
                var mapped = eni.PrivateIpAddresses.FirstOrDefault(p => p.Association?.PublicIp == text)?.PrivateIpAddress ?? eni.PrivateIpAddress;
                if (mapped is null || !IpAddress.TryParse(mapped, out var privateIp)) { Unknown("NetworkInterface", eni.NetworkInterfaceId, null, null, $"no private address maps to {Dst}", ExplanationCodes.ComponentNotInSnapshot); return; }
                Dst = privateIp;
            }
            ReferencesPreserved = false;
            Allow("InternetGateway", igw.InternetGatewayId, null, null, Dst.IsIPv6 ? $"inbound to {Dst}" : $"inbound: destination {publicIp} translated to {Dst}");
        }
        if (eni.SubnetId is null || !Nacl(eni.SubnetId, egress: false)) return;
        Arrive(eni);
    }

    /// <summary>A gateway endpoint's service answers: the packet enters the VPC towards <see cref="Dst"/>.</summary>
    public void FromService(string vpcId) => DeliverInVpc(vpcId, null);

    // ---- routing ----

    private void RouteFrom(string subnetId)
    {
        if (++_routeLookups > MaxHops) { Unknown("RouteTable", subnetId, null, null, "routing loop", ExplanationCodes.ComponentNotModelled); return; }
        if (!_ix.Subnets.TryGetValue(subnetId, out var subnet)) { Unknown("Subnet", subnetId, null, null, $"{subnetId} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        if (_ix.SubnetCidrs(subnetId).Any(c => c.Contains(Dst)))
        {
            // Within one subnet traffic is delivered directly: no route table, no NACL.
            Allow("Subnet", subnetId, null, null, $"{Dst} is in the same subnet: delivered without routing");
            DeliverInVpc(subnet.VpcId, subnetId);
            return;
        }
        if (!SectionCaptured(subnetId, Section.RouteTables)) return;
        var (table, isExplicit) = _ix.RouteTableOf(subnetId);
        if (table is null) { Unknown("Subnet", subnetId, null, null, $"no route table for {subnetId} (no main table of {subnet.VpcId} in the snapshot)", ExplanationCodes.ComponentNotInSnapshot); return; }
        var d = RouteLookup.Find(_ix, table, Dst);
        var detail = $"{d.Detail} ({(isExplicit ? "associated with" : "main table for")} {subnetId})";
        Add("RouteTable", table.RouteTableId, d.Result, d.Route is null ? null : d.Rule, d.Index, detail, d.ExplanationCode);
        if (d.Result != HopResult.Allowed) return;
        var id = d.TargetId ?? "";
        switch (d.Target)
        {
            case RouteTargetKind.Local: DeliverInVpc(subnet.VpcId, subnetId); break;
            case RouteTargetKind.InternetGateway: if (Nacl(subnetId, true)) ToInternetGateway(id, subnet.VpcId); break;
            case RouteTargetKind.EgressOnlyInternetGateway: if (Nacl(subnetId, true)) ToEgressOnly(id, subnet.VpcId); break;
            case RouteTargetKind.NatGateway: ToNat(id, subnet); break;
            case RouteTargetKind.VpcPeeringConnection: ToPeering(id, subnet); break;
            case RouteTargetKind.TransitGateway: ToTransitGateway(id, subnet); break;
            case RouteTargetKind.GatewayEndpoint: if (Nacl(subnetId, true)) ToGatewayEndpoint(id, subnet.VpcId); break;
            case RouteTargetKind.NetworkInterface or RouteTargetKind.Instance: ToAppliance(d.Target, id); break;
            case RouteTargetKind.VirtualPrivateGateway: ToVpnGateway(id, subnet, d.Route?.Origin); break;
            default:
                Unknown(d.Target.ToString(), id, null, null, $"{d.Target} targets ({id}) are not modelled", ExplanationCodes.ComponentNotModelled); break;
        }
    }

    private void DeliverInVpc(string vpcId, string? fromSubnetId)
    {
        var dstSubnet = _ix.SubnetContaining(vpcId, Dst);
        if (dstSubnet is null) { Block("Vpc", vpcId, null, null, $"no subnet of {vpcId} holds {Dst}", ExplanationCodes.AddressUnassigned); return; }
        if (fromSubnetId != dstSubnet.SubnetId)
        {
            // NACLs filter only where traffic crosses a subnet boundary, never within one subnet (SEMANTICS 10).
            if (fromSubnetId is not null && !Nacl(fromSubnetId, true)) return;
            if (!Nacl(dstSubnet.SubnetId, false)) return;
        }
        var eni = _ix.EniAt(vpcId, Dst);
        if (eni is null)
        {
            if (!SectionCaptured(vpcId, Section.NetworkInterfaces)) return;
            Block("Subnet", dstSubnet.SubnetId, null, null, $"no ENI holds {Dst}", ExplanationCodes.AddressUnassigned);
            return;
        }
        Arrive(eni);
    }

    private void Arrive(NetworkInterface eni)
    {
        var nat = _ix.NatGatewayOfEni(eni.NetworkInterfaceId);
        if (nat is not null) { ReverseNat(nat); return; }
        Allow("NetworkInterface", eni.NetworkInterfaceId, null, null, $"delivered to {Dst}{(eni.Attachment?.InstanceId is { } i ? " on " + i : "")}");
        DeliveredTo = eni;
        Outcome = WalkOutcome.Delivered;
    }

    // ---- targets ----

    private void ToInternetGateway(string igwId, string vpcId)
    {
        if (!SectionCaptured(vpcId, Section.InternetGateways)) return;
        if (!_ix.InternetGateways.TryGetValue(igwId, out var igw) || !IsAttached(igw.Attachments, vpcId))
        { Block("InternetGateway", igwId, null, null, $"{igwId} is not attached to {vpcId}", ExplanationCodes.BadStateRoute); return; }
        if (!AddressScope.IsInternet(Dst)) { Block("InternetGateway", igwId, null, null, $"{Dst} is not an internet address", ExplanationCodes.NoRoute); return; }
        var before = Src;
        if (!Src.IsIPv6)
        {
            var publicIp = PublicIpOf(vpcId, Src);
            if (publicIp is null)
            { Block("InternetGateway", igwId, null, null, $"{Src} has no public IPv4 or Elastic IP, so the internet gateway cannot send it", ExplanationCodes.IgwPublicIpForEgress); return; }
            Src = publicIp.Value;
        }
        else if (!AddressScope.IsInternet(Src)) { Block("InternetGateway", igwId, null, null, $"{Src} is not a global IPv6 address", ExplanationCodes.IgwPublicIpForEgress); return; }
        ReferencesPreserved = false;
        Allow("InternetGateway", igwId, null, null, Src == before ? $"outbound from {Src}" : $"outbound: source {before} translated to {Src}");
        FromInternet();
    }

    private void ToEgressOnly(string eigwId, string vpcId)
    {
        if (!SectionCaptured(vpcId, Section.EgressOnlyInternetGateways)) return;
        if (!_ix.EgressOnlyInternetGateways.TryGetValue(eigwId, out var eigw) || !IsAttached(eigw.Attachments, vpcId))
        { Block("EgressOnlyInternetGateway", eigwId, null, null, $"{eigwId} is not attached to {vpcId}", ExplanationCodes.BadStateRoute); return; }
        if (!Dst.IsIPv6 || !AddressScope.IsInternet(Dst)) { Block("EgressOnlyInternetGateway", eigwId, null, null, $"{Dst} is not a global IPv6 address", ExplanationCodes.NoRoute); return; }
        ReferencesPreserved = false;
        ViaEgressOnly = true;
        Allow("EgressOnlyInternetGateway", eigwId, null, null, "outbound IPv6 (responses allowed back, nothing unsolicited)");
        FromInternet();
    }

    private void ToNat(string natId, Subnet from)
    {
        if (!SectionCaptured(from.VpcId, Section.NatGateways)) return;
        if (!_ix.NatGateways.TryGetValue(natId, out var nat) || !string.Equals(nat.State, "available", StringComparison.OrdinalIgnoreCase))
        { Block("NatGateway", natId, null, null, $"{natId} is {(nat is null ? "not in the snapshot" : nat.State)}", ExplanationCodes.BadStateRoute); return; }
        if (Traffic.Protocol.Number is not (6 or 17 or 1))
        { Block("NatGateway", natId, null, null, $"a NAT gateway forwards only TCP, UDP and ICMP, not {Traffic.Protocol}", ExplanationCodes.NatProtocol); return; }
        // Sources of other VPCs are translated when they arrive over a transit gateway (centralised egress);
        // peering, VPN and Direct Connect allow no edge-to-edge use of a NAT gateway.
        if (nat.VpcId is null || !ViaTransitGateway && !_ix.VpcCidrs(nat.VpcId).Any(c => c.Contains(Src)))
        { Block("NatGateway", natId, null, null, $"source {Src} is not inside {nat.VpcId}", ExplanationCodes.NatSourceNotInVpc); return; }
        if (nat.SubnetId is null) { Unknown("NatGateway", natId, null, null, "the NAT gateway has no subnet", ExplanationCodes.ComponentNotInSnapshot); return; }
        if (from.SubnetId != nat.SubnetId && !(Nacl(from.SubnetId, true) && Nacl(nat.SubnetId, false))) return;
        var address = nat.NatGatewayAddresses.FirstOrDefault(a => a.IsPrimary != false && a.PrivateIp is not null);
        if (address?.PrivateIp is null || !IpAddress.TryParse(address.PrivateIp, out var natIp))
        { Unknown("NatGateway", natId, null, null, "the NAT gateway's private address is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        Nats.Add(new NatTranslation(natId, natIp, Src));
        Allow("NatGateway", natId, null, null, $"source {Src} translated to {natIp}");
        Src = natIp;
        ReferencesPreserved = false;
        RouteFrom(nat.SubnetId);
    }

    private void ReverseNat(NatGateway nat)
    {
        var t = Nats.FirstOrDefault(n => n.NatGatewayId == nat.NatGatewayId && n.NatAddress == Dst);
        if (_direction == PathDirection.Forward || t is null)
        { Block("NatGateway", nat.NatGatewayId, null, null, "a NAT gateway drops connections opened from outside", ExplanationCodes.NatUnsolicitedInbound); return; }
        Allow("NatGateway", nat.NatGatewayId, null, null, $"response: destination {Dst} translated back to {t.OriginalSource}");
        Dst = t.OriginalSource;
        Traffic = ClientTraffic;
        if (nat.SubnetId is not null) RouteFrom(nat.SubnetId);
    }

    private void ToPeering(string pcxId, Subnet from)
    {
        if (!SectionCaptured(from.VpcId, Section.VpcPeeringConnections)) return;
        if (!_ix.VpcPeeringConnections.TryGetValue(pcxId, out var pcx))
        { Block("VpcPeeringConnection", pcxId, null, null, $"{pcxId} is not in the snapshot (deleted)", ExplanationCodes.PeeringNotActive); return; }
        if (!string.Equals(pcx.Status?.Code, "active", StringComparison.OrdinalIgnoreCase))
        { Block("VpcPeeringConnection", pcxId, null, null, $"{pcxId} is {pcx.Status?.Code ?? "in an unknown state"}", ExplanationCodes.PeeringNotActive); return; }
        var (self, peer) = pcx.RequesterVpcInfo?.VpcId == from.VpcId ? (pcx.RequesterVpcInfo, pcx.AccepterVpcInfo)
            : pcx.AccepterVpcInfo?.VpcId == from.VpcId ? (pcx.AccepterVpcInfo, pcx.RequesterVpcInfo) : (null, null);
        if (peer?.VpcId is null) { Block("VpcPeeringConnection", pcxId, null, null, $"{pcxId} does not connect {from.VpcId}", ExplanationCodes.BadStateRoute); return; }
        var peerCidrs = PeeredCidrs(peer);
        if (!peerCidrs.Any(c => c.Contains(Dst)))
        { Block("VpcPeeringConnection", pcxId, null, null, $"{Dst} is not in {peer.VpcId}'s CIDRs ({string.Join(", ", peerCidrs)}): peering is not transitive", ExplanationCodes.PeeringCidr); return; }
        if (self?.Region is not null && peer.Region is not null && self.Region != peer.Region) ReferencesPreserved = false;
        Allow("VpcPeeringConnection", pcxId, null, null, $"to {peer.VpcId}");
        if (!Nacl(from.SubnetId, true)) return;
        if (!_ix.Vpcs.ContainsKey(peer.VpcId))
        {
            // A response to a source in a peer VPC the snapshot does not hold leaves here; what happens inside the peer is assumed.
            if (_direction == PathDirection.Return && RemoteSource)
            {
                Notes.Add($"assumed: the route tables, network ACLs and security groups of peer {peer.VpcId} (account {peer.OwnerId}) pass the traffic (not in the snapshot)");
                Outcome = WalkOutcome.Remote;
                return;
            }
            Unknown("Vpc", peer.VpcId, null, null, $"peer {peer.VpcId} (account {peer.OwnerId}) is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        // Arriving over a peering, only the peer's own addresses are delivered: no edge-to-edge routing.
        DeliverInVpc(peer.VpcId, null);
    }

    private IReadOnlyList<Cidr> PeeredCidrs(VpcPeeringConnectionVpcInfo info)
    {
        var cidrs = new List<Cidr>();
        foreach (var t in info.CidrBlockSet.Select(c => c.CidrBlock).Append(info.CidrBlock).Concat(info.Ipv6CidrBlockSet.Select(c => c.Ipv6CidrBlock)))
            if (Cidr.TryParse(t, out var c, HostBits.Normalise) && !cidrs.Contains(c)) cidrs.Add(c);
        return cidrs.Count > 0 || info.VpcId is null ? cidrs : _ix.VpcCidrs(info.VpcId);
    }

    private void ToTransitGateway(string tgwId, Subnet from)
    {
        if (!SectionCaptured(from.VpcId, Section.TransitGatewayVpcAttachments)) return;
        var attachment = VpcAttachment(tgwId, from.VpcId);
        if (attachment is null) { Block("TransitGateway", tgwId, null, null, $"{from.VpcId} has no available attachment to {tgwId}", ExplanationCodes.TgwAttachmentMissing); return; }
        var entry = attachment.SubnetIds.Select(id => _ix.Subnets.GetValueOrDefault(id)).FirstOrDefault(s => s?.AvailabilityZone == from.AvailabilityZone);
        if (entry is null)
        {
            Block("TransitGatewayAttachment", attachment.TransitGatewayAttachmentId, null, null,
                $"{attachment.TransitGatewayAttachmentId} has no subnet in {from.AvailabilityZone} (it uses {string.Join(", ", attachment.SubnetIds)}), so {from.SubnetId} cannot send to {tgwId}", ExplanationCodes.TgwAzRestriction);
            return;
        }
        // To the TGW: the sender's subnet outbound rules and the attachment subnet's inbound rules apply (AWS TGW NACL rules).
        if (!Nacl(from.SubnetId, true) || !Nacl(entry.SubnetId, false)) return;
        Allow("TransitGatewayAttachment", attachment.TransitGatewayAttachmentId, null, null, $"enters {tgwId} through {entry.SubnetId} ({entry.AvailabilityZone})");
        TransitGatewayForward(tgwId, attachment);
    }

    private void TransitGatewayForward(string tgwId, TransitGatewayVpcAttachment fromAttachment) =>
        TransitGatewayForward(tgwId, fromAttachment.TransitGatewayAttachmentId, fromAttachment.VpcId ?? "", fromAttachment.Options?.SecurityGroupReferencingSupport);

    /// <summary>Through the transit gateway from an attachment (a VPC's, or a VPN's / Direct Connect gateway's), by the route table it is associated with.</summary>
    private void TransitGatewayForward(string tgwId, string fromAttachmentId, string regionAnchor, string? fromReferencing)
    {
        if (!SectionCaptured(regionAnchor, Section.TransitGatewayAttachments)) return;
        var tableId = _ix.TransitGatewayAttachments.GetValueOrDefault(fromAttachmentId)?.Association?.TransitGatewayRouteTableId
            ?? _ix.RegionOf(regionAnchor)?.TransitGatewayRouteTableAssociations.FirstOrDefault(a => a.Associations.Any(x => x.TransitGatewayAttachmentId == fromAttachmentId))?.TransitGatewayRouteTableId;
        if (tableId is null)
        { Block("TransitGatewayAttachment", fromAttachmentId, null, null, "the attachment is associated with no transit gateway route table", ExplanationCodes.NoRoute); return; }
        var (choice, unknown) = _ix.TransitGatewayRouteLookupOf(tableId).Find(Dst);
        if (unknown is not null) { Unknown("TransitGatewayRouteTable", tableId, null, null, unknown, ExplanationCodes.SectionNotCaptured); return; }
        if (choice is null) { Block("TransitGatewayRouteTable", tableId, null, null, $"{tableId} has no route to {Dst}", ExplanationCodes.NoRoute); return; }
        var rule = $"{choice.Destination} -> {(choice.Blackhole ? "blackhole" : choice.AttachmentId)} ({choice.Type})";
        if (choice.Blackhole) { Block("TransitGatewayRouteTable", tableId, rule, null, $"{choice.Destination} is a blackhole route", ExplanationCodes.BadStateRoute); return; }
        if (choice.ResourceType is "vpn" or "direct-connect-gateway" && choice.AttachmentId is not null)
        {
            Add("TransitGatewayRouteTable", tableId, HopResult.Allowed, rule, null, $"{Dst} matches {choice.Destination}", null);
            LeaveToRemote(tgwId, choice.AttachmentId, choice.ResourceType, choice.ResourceId);
            return;
        }
        if (!string.Equals(choice.ResourceType, "vpc", StringComparison.OrdinalIgnoreCase))
        { Unknown("TransitGatewayAttachment", choice.AttachmentId ?? tableId, rule, null, $"{choice.ResourceType} attachments are not modelled", ExplanationCodes.ComponentNotModelled); return; }
        var target = choice.AttachmentId is null ? null : _ix.TransitGatewayVpcAttachments.GetValueOrDefault(choice.AttachmentId);
        if (target?.VpcId is null) { Unknown("TransitGatewayAttachment", choice.AttachmentId ?? tableId, rule, null, "the target attachment is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        Add("TransitGatewayRouteTable", tableId, HopResult.Allowed, rule, null, $"{Dst} matches {choice.Destination}", null);
        var tgw = _ix.TransitGateways.GetValueOrDefault(tgwId);
        bool referencing = Enabled(tgw?.Options?.SecurityGroupReferencingSupport) && Enabled(fromReferencing) && Enabled(target.Options?.SecurityGroupReferencingSupport);
        if (!referencing) ReferencesPreserved = false;
        // Traffic from a TGW reaches every subnet: it enters through the attachment subnet of the destination's AZ, else any.
        var dstSubnet = _ix.SubnetContaining(target.VpcId, Dst);
        var subnets = target.SubnetIds.Select(id => _ix.Subnets.GetValueOrDefault(id)).OfType<Subnet>().ToList();
        var exit = subnets.FirstOrDefault(s => s.AvailabilityZone == dstSubnet?.AvailabilityZone) ?? subnets.FirstOrDefault();
        if (exit is null) { Unknown("TransitGatewayAttachment", target.TransitGatewayAttachmentId, null, null, "the attachment's subnets are not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        Allow("TransitGatewayAttachment", target.TransitGatewayAttachmentId, null, null, $"leaves {tgwId} into {target.VpcId} through {exit.SubnetId}");
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
        var entries = RemoteEntries(Src);
        if (entries.Count == 0)
        {
            Unknown("Address", Src.ToString(), null, null,
                $"{Src} is outside every VPC of the snapshot and no transit gateway route to a VPN or Direct Connect attachment, nor any VPN connection route of a virtual private gateway, covers it: where it enters the network is unknown",
                ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        if (entries.Count > 1)
        {
            Unknown("Address", Src.ToString(), null, null, $"{Src} may enter through any of {string.Join(", ", entries.Select(e => e.Id))}: say which", ExplanationCodes.ComponentNotInSnapshot);
            return;
        }
        var entry = entries[0];
        ReferencesPreserved = false;
        if (entry.TransitGatewayId is { } tgw)
        {
            if (!RemoteAttachmentUsable(entry.Id, entry.ResourceType, entry.ResourceId, tgw, inbound: true)) return;
            TransitGatewayForward(tgw, entry.Id, tgw, null);
            return;
        }
        if (entry.ResourceType == "peering")
        {
            var pcx = _ix.VpcPeeringConnections[entry.Id];
            var peer = pcx.RequesterVpcInfo?.VpcId == entry.ResourceId ? pcx.AccepterVpcInfo : pcx.RequesterVpcInfo;
            Allow("VpcPeeringConnection", entry.Id, null, null, $"from {peer?.VpcId} (account {peer?.OwnerId}, not in the snapshot) into {entry.ResourceId}");
            Notes.Add($"assumed: the route tables, network ACLs and security groups of peer {peer?.VpcId} (account {peer?.OwnerId}) let {Src} send (not in the snapshot)");
            DeliverInVpc(entry.ResourceId!, null);
            return;
        }
        if (!VpnGatewayUsable(entry.Id, Src, inbound: true, out var vpcId)) return;
        // From a virtual private gateway the VPC's local routing delivers; the destination subnet's NACL applies.
        DeliverInVpc(vpcId!, null);
    }

    private sealed record RemoteEntry(string Id, string? TransitGatewayId, string? ResourceType, string? ResourceId);

    private List<RemoteEntry> RemoteEntries(IpAddress address)
    {
        var entries = new List<RemoteEntry>();
        // Every TGW route table the snapshot knows of: described, associated with an attachment, or holding captured routes.
        var tables = _ix.TransitGatewayRouteTables.Keys
            .Concat(_ix.TransitGatewayAttachments.Values.Select(a => a.Association?.TransitGatewayRouteTableId).OfType<string>())
            .Concat(_ix.Snapshot.Regions.SelectMany(r => r.TransitGatewayStaticRoutes.Select(t => t.TransitGatewayRouteTableId)))
            .Distinct();
        foreach (var tableId in tables)
        {
            var choice = _ix.TransitGatewayRouteLookupOf(tableId).Find(address).Route;
            if (choice?.AttachmentId is null || choice.Blackhole || choice.ResourceType is not ("vpn" or "direct-connect-gateway")) continue;
            var tgw = _ix.TransitGatewayAttachments.GetValueOrDefault(choice.AttachmentId)?.TransitGatewayId ?? _ix.TransitGatewayRouteTables.GetValueOrDefault(tableId)?.TransitGatewayId;
            if (tgw is not null && entries.All(e => e.Id != choice.AttachmentId)) entries.Add(new(choice.AttachmentId, tgw, choice.ResourceType, choice.ResourceId));
        }
        // A peer VPC the snapshot does not hold: an active peering whose peer CIDRs hold the address and a route of its local side to it.
        foreach (var pcx in _ix.VpcPeeringConnections.Values)
        {
            if (!string.Equals(pcx.Status?.Code, "active", StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var (local, remote) in new[] { (pcx.RequesterVpcInfo, pcx.AccepterVpcInfo), (pcx.AccepterVpcInfo, pcx.RequesterVpcInfo) })
            {
                if (local?.VpcId is null || remote?.VpcId is null || _ix.Vpcs.ContainsKey(remote.VpcId) || !_ix.Vpcs.ContainsKey(local.VpcId)) continue;
                if (!PeeredCidrs(remote).Any(c => c.Contains(address))) continue;
                bool routed = _ix.RouteTables.Values.Any(t => t.VpcId == local.VpcId && t.Routes.Any(r => r.VpcPeeringConnectionId == pcx.VpcPeeringConnectionId
                    && Cidr.TryParse(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, out var c, HostBits.Normalise) && c.Contains(address)));
                if (routed && entries.All(e => e.Id != pcx.VpcPeeringConnectionId)) entries.Add(new(pcx.VpcPeeringConnectionId, null, "peering", local.VpcId));
            }
        }
        foreach (var vgw in _ix.VpnGateways.Values)
            if (VgwCovers(vgw.VpnGatewayId, address, origin: null) && entries.All(e => e.Id != vgw.VpnGatewayId)) entries.Add(new(vgw.VpnGatewayId, null, "vpn", null));
        return entries;
    }

    /// <summary>A VPN connection route of the gateway covers the address, or a VPC route table holds a route to the gateway for it.</summary>
    private bool VgwCovers(string vgwId, IpAddress address, string? origin)
    {
        foreach (var vpn in _ix.VpnConnections.Values.Where(v => v.VpnGatewayId == vgwId))
            foreach (var r in vpn.Routes)
                if (r.State is null or "available" && Cidr.TryParse(r.DestinationCidrBlock, out var c, HostBits.Normalise) && c.Contains(address)) return true;
        if (origin is not null) return VpcRoutes.IsPropagated(new Route { Origin = origin });
        return _ix.RouteTables.Values.SelectMany(t => t.Routes).Any(r => r.GatewayId == vgwId && VpcRoutes.IsPropagated(r)
            && Cidr.TryParse(r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock, out var c, HostBits.Normalise) && c.Contains(address));
    }

    /// <summary>The VPC routes <see cref="Dst"/> to a virtual private gateway: it leaves for the network behind the VPN connection.</summary>
    private void ToVpnGateway(string vgwId, Subnet from, string? origin)
    {
        if (!VgwCovers(vgwId, Dst, origin))
        {
            Unknown("VpnGateway", vgwId, null, null, $"traffic leaves through {vgwId}, but no VPN connection route of it covers {Dst}: the network behind it is outside the snapshot", ExplanationCodes.ComponentNotModelled);
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
        if (!_ix.VpnGateways.TryGetValue(vgwId, out var vgw) || !string.Equals(vgw.State, "available", StringComparison.OrdinalIgnoreCase))
        { Block("VpnGateway", vgwId, null, null, $"{vgwId} is {(vgw is null ? "not in the snapshot" : vgw.State)}", ExplanationCodes.VpnNotAvailable); return false; }
        vpcId = vgw.VpcAttachments.FirstOrDefault(a => a.State is null or "attached")?.VpcId;
        if (vpcId is null) { Block("VpnGateway", vgwId, null, null, $"{vgwId} is attached to no VPC", ExplanationCodes.VpnNotAvailable); return false; }
        var connections = _ix.VpnConnections.Values.Where(v => v.VpnGatewayId == vgwId).ToList();
        return VpnConnectionsUsable("VpnGateway", vgwId, connections, remote, inbound, $"{(inbound ? "enters " + vpcId + " from" : "leaves " + vpcId + " through")} {vgwId}");
    }

    private bool RemoteAttachmentUsable(string attachmentId, string? resourceType, string? resourceId, string tgwId, bool inbound)
    {
        var att = _ix.TransitGatewayAttachments.GetValueOrDefault(attachmentId);
        if (att is not null && !string.Equals(att.State, "available", StringComparison.OrdinalIgnoreCase))
        { Block("TransitGatewayAttachment", attachmentId, null, null, $"{attachmentId} is {att.State}", ExplanationCodes.VpnNotAvailable); return false; }
        var what = inbound ? $"enters {tgwId} from {resourceType} {resourceId}" : $"leaves {tgwId} to {resourceType} {resourceId}";
        if (resourceType != "vpn")
        {
            Allow("TransitGatewayAttachment", attachmentId, null, null, what);
            Notes.Add($"assumed: the Direct Connect gateway {resourceId} and the network behind it carry {(inbound ? Src : Dst)} (not in the snapshot)");
            return true;
        }
        if (!SectionCaptured(tgwId, Section.VpnConnections)) return false;
        var connections = _ix.VpnConnections.Values.Where(v => v.VpnConnectionId == resourceId || v.TransitGatewayId == tgwId && resourceId is null).ToList();
        return VpnConnectionsUsable("TransitGatewayAttachment", attachmentId, connections, inbound ? Src : Dst, inbound, what);
    }

    /// <summary>A VPN connection that is not 'available' blocks; tunnel state and the customer side are assumptions, named in the notes.</summary>
    private bool VpnConnectionsUsable(string type, string id, List<VpnConnection> connections, IpAddress remote, bool inbound, string detail)
    {
        if (connections.Count == 0) { Block(type, id, null, null, $"no VPN connection of {id} is in the snapshot", ExplanationCodes.VpnNotAvailable); return false; }
        var up = connections.Where(v => string.Equals(v.State, "available", StringComparison.OrdinalIgnoreCase)).ToList();
        if (up.Count == 0)
        {
            Block(type, id, null, null, $"{string.Join(", ", connections.Select(v => $"{v.VpnConnectionId} is {v.State ?? "in an unknown state"}"))}", ExplanationCodes.VpnNotAvailable);
            return false;
        }
        var names = string.Join(", ", up.Select(v => v.VpnConnectionId));
        Allow(type, id, null, null, detail.Contains(names, StringComparison.Ordinal) ? detail : $"{detail} ({names})");
        Notes.Add($"assumed: a tunnel of {names} is up and the customer gateway{(up[0].CustomerGatewayId is { } cg ? " " + cg : "")} routes {remote} over it and passes the traffic (tunnel state and the customer side are not in the snapshot)");
        return true;
    }

    private void LeaveToRemote(string tgwId, string attachmentId, string? resourceType, string? resourceId)
    {
        ReferencesPreserved = false;
        if (RemoteAttachmentUsable(attachmentId, resourceType, resourceId, tgwId, inbound: false)) Outcome = WalkOutcome.Remote;
    }

    private TransitGatewayVpcAttachment? VpcAttachment(string tgwId, string vpcId) =>
        _ix.TransitGatewayVpcAttachments.Values.FirstOrDefault(a => a.TransitGatewayId == tgwId && a.VpcId == vpcId && a.State is null or "available" or "modifying");

    private void ToGatewayEndpoint(string vpceId, string vpcId)
    {
        if (!SectionCaptured(vpcId, Section.VpcEndpoints)) return;
        if (!_ix.VpcEndpoints.TryGetValue(vpceId, out var ep)) { Unknown("VpcEndpoint", vpceId, null, null, $"{vpceId} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        if (!string.Equals(ep.VpcEndpointType, "Gateway", StringComparison.OrdinalIgnoreCase))
        { Unknown("VpcEndpoint", vpceId, null, null, $"{ep.VpcEndpointType} endpoints (e.g. Gateway Load Balancer) are not modelled", ExplanationCodes.ComponentNotModelled); return; }
        Allow("VpcEndpoint", vpceId, null, null, $"to {ep.ServiceName}");
        Notes.Add($"{vpceId}'s endpoint policy and the service's own policies are not evaluated");
        ServiceVpcId = vpcId;
        Outcome = WalkOutcome.Service;
    }

    private void ToAppliance(RouteTargetKind kind, string id)
    {
        var eni = kind == RouteTargetKind.NetworkInterface ? _ix.NetworkInterfaces.GetValueOrDefault(id)
            : _ix.EnisOfInstance(id).OrderBy(e => e.Attachment?.DeviceIndex ?? int.MaxValue).FirstOrDefault();
        if (eni is null) { Unknown(kind.ToString(), id, null, null, $"route target {id} is not in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return; }
        if (eni.SourceDestCheck != false)
        { Block("NetworkInterface", eni.NetworkInterfaceId, null, null, $"{eni.NetworkInterfaceId} is a route target but has source/destination check enabled, so it drops traffic not addressed to it", ExplanationCodes.SourceDestCheck); return; }
        Unknown("NetworkInterface", eni.NetworkInterfaceId, null, null, $"appliance {eni.NetworkInterfaceId}{(eni.Attachment?.InstanceId is { } i ? " (" + i + ")" : "")} forwards the traffic; what it does is not modelled", ExplanationCodes.ComponentNotModelled);
    }

    // ---- helpers ----

    private bool Nacl(string subnetId, bool egress)
    {
        if (!SectionCaptured(subnetId, Section.NetworkAcls)) return false;
        var (acl, _) = _ix.NetworkAclOf(subnetId);
        if (acl is null) { Unknown("Subnet", subnetId, null, null, $"no network ACL for {subnetId} in the snapshot", ExplanationCodes.ComponentNotInSnapshot); return false; }
        var d = NetworkAclEvaluator.Evaluate(acl, egress, egress ? Dst : Src, Traffic);
        Add("NetworkAcl", acl.NetworkAclId, d.Allowed ? HopResult.Allowed : HopResult.Denied, d.Rule, d.RuleNumber,
            $"{(egress ? "leaving" : "entering")} {subnetId}: {d.Detail}", d.Allowed ? null : ExplanationCodes.SubnetAcl);
        return d.Allowed;
    }

    private bool SectionCaptured(string id, string section)
    {
        if (_ix.Captured(id, section)) return true;
        Unknown("Section", section, null, null, $"the snapshot did not capture {section}{(_ix.RegionOf(id) is { } r ? " for " + r.Region : "")}", ExplanationCodes.SectionNotCaptured);
        return false;
    }

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
        attachments.Any(a => a.VpcId == vpcId && a.State is null or "available" or "attached");

    private static bool Enabled(string? option) => string.Equals(option, "enable", StringComparison.OrdinalIgnoreCase);

    private void Add(string type, string id, HopResult result, string? rule, int? number, string? detail, string? code)
    {
        Hops.Add(new PathHop { Direction = _direction, ComponentType = type, ComponentId = id, Result = result, Rule = rule, RuleNumber = number, Detail = detail, ExplanationCode = code });
        if (result == HopResult.Denied) Outcome = WalkOutcome.Blocked;
        else if (result == HopResult.Unknown) Outcome = WalkOutcome.Unknown;
    }

    private void Allow(string type, string id, string? rule, int? number, string detail) => Add(type, id, HopResult.Allowed, rule, number, detail, null);

    private void Block(string type, string id, string? rule, int? number, string detail, string code) =>
        Add(type, id, HopResult.Denied, rule, number, detail, code);

    private void Unknown(string type, string id, string? rule, int? number, string detail, string code) =>
        Add(type, id, HopResult.Unknown, rule, number, detail, code);
}
