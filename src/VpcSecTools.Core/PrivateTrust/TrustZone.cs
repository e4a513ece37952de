using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>Whose private address space a source is in, as the receiving VPC's routes and the snapshot's owners say.</summary>
public enum TrustZone
{
    /// <summary>The receiving VPC itself, or a VPC of the same account across a peering or transit gateway.</summary>
    OwnAccount,
    /// <summary>A VPC of another account: a peer, a transit-gateway attachment, or a participant's ENI in a shared VPC.</summary>
    OtherAccount,
    /// <summary>Behind a site-to-site VPN or Direct Connect (a virtual private gateway, or such a transit-gateway attachment).</summary>
    OnPremises,
    /// <summary>Nothing in the snapshot holds it: unassigned space of the VPC (or of a peer the snapshot sees whole), or no route covers it.</summary>
    NoOwner,
    /// <summary>The snapshot cannot tell: <see cref="ZoneOf.Reason"/> says what it lacks.</summary>
    Unknown,
}

/// <summary>A source's zone, the account it belongs to when known, and why.</summary>
public sealed record ZoneOf(TrustZone Zone, string? AccountId, string Reason);

/// <summary>
/// Places an attributed address in a trust zone (SEMANTICS 24 gives the attribution; this compares its owner account
/// with the receiving VPC's): never a guess, so an owner account the snapshot does not record, an ambiguous address,
/// or a path not followed (transit-gateway peering, Connect) is Unknown with the reason.
/// </summary>
public static class TrustZones
{
    public static ZoneOf Of(AddressAttribution source, SnapshotIndex index)
    {
        var receiving = source.FromVpcId is { } from ? index.Vpcs.GetValueOrDefault(from) : null;
        var own = receiving?.OwnerId;
        switch (source.Scope)
        {
            case AttributionScope.ThisVpc:
            {
                var account = source.Owner?.OwnerId;
                // A VPC shared with other accounts holds their ENIs: the ENI's owner says whose it is.
                if (account is not null && own is not null && account != own)
                    return new(TrustZone.OtherAccount, account, $"an ENI of {source.VpcId} owned by account {account} (a participant of the shared VPC)");
                return new(TrustZone.OwnAccount, account ?? own, $"an ENI of {source.VpcId}");
            }
            case AttributionScope.ReservedAddress:
                return new(TrustZone.OwnAccount, own, $"the {source.ReservedRole} address of {source.SubnetId ?? source.VpcId}");
            case AttributionScope.UnassignedInVpc:
                return new(TrustZone.NoOwner, null, $"inside {source.VpcId}'s CIDRs, held by no ENI of the snapshot");
            case AttributionScope.PeeredVpc:
            {
                var peer = source.VpcPeeringConnectionId is { } pcx ? index.PeeringOf(pcx)?.From(source.FromVpcId)?.Remote : null;
                var via = $"{source.VpcId ?? "a peered VPC"} across {source.VpcPeeringConnectionId}";
                if (source.Owner is null && source.ReservedRole is null && FarVpcHoldsNoEni(source.VpcId, index))
                    return new(TrustZone.NoOwner, null, $"inside {via}, held by no ENI of the snapshot");
                return Compare(source.Owner?.OwnerId ?? peer?.OwnerId, own, via);
            }
            case AttributionScope.TransitGateway:
                return ThroughTransitGateway(source, index, own);
            case AttributionScope.Vpn:
                return new(TrustZone.OnPremises, null, $"behind {source.VpnGatewayId} (site-to-site VPN or Direct Connect)");
            case AttributionScope.Ambiguous:
                return new(TrustZone.Unknown, null, source.Reason ?? "several owners fit");
            case AttributionScope.Unknown when NotRouted(source, index):
                return new(TrustZone.NoOwner, null, $"no route of {source.FromVpcId} covers it: nothing in the snapshot holds it, and the VPC has no way back to it");
            default:
                return new(TrustZone.Unknown, null, source.Reason ?? $"{source.Scope}");
        }
    }

    private static ZoneOf ThroughTransitGateway(AddressAttribution source, SnapshotIndex index, string? own)
    {
        var attachmentId = source.TransitGatewayAttachmentId?.Split(',')[0];
        var attachment = attachmentId is null ? null : index.TransitGatewayAttachments.GetValueOrDefault(attachmentId);
        var via = $"{source.TransitGatewayAttachmentType ?? "an"} attachment {source.TransitGatewayAttachmentId} of {source.TransitGatewayId}";
        switch (source.TransitGatewayAttachmentType)
        {
            case "vpn" or "direct-connect-gateway":
                return new(TrustZone.OnPremises, attachment?.ResourceOwnerId, $"behind the {via} ({source.TransitGatewayAttachmentResourceId})");
            case "vpc":
                if (source.Owner is null && source.ReservedRole is null && FarVpcHoldsNoEni(source.VpcId, index))
                    return new(TrustZone.NoOwner, null, $"inside {source.VpcId} behind the {via}, held by no ENI of the snapshot");
                return Compare(source.Owner?.OwnerId ?? attachment?.ResourceOwnerId, own, $"{source.TransitGatewayAttachmentResourceId} behind the {via}");
            default:
                // Peering and Connect attachments lead to networks whose own attachments the snapshot does not hold.
                return new(TrustZone.Unknown, attachment?.ResourceOwnerId,
                    $"behind the {via}: what lies beyond a {source.TransitGatewayAttachmentType ?? "such"} attachment is not in the snapshot");
        }
    }

    private static ZoneOf Compare(string? account, string? own, string via) =>
        account is null ? new(TrustZone.Unknown, null, $"{via}: the snapshot does not record its owner account")
        : own is null ? new(TrustZone.Unknown, account, $"{via} (account {account}): the snapshot does not record the receiving VPC's owner account")
        : account == own ? new(TrustZone.OwnAccount, account, $"{via}, account {account} (the receiving VPC's own)")
        : new(TrustZone.OtherAccount, account, $"{via}, account {account}");

    /// <summary>The far VPC is in the snapshot with its ENIs, so an address of it that no ENI holds is unassigned there.</summary>
    private static bool FarVpcHoldsNoEni(string? vpcId, SnapshotIndex index) =>
        vpcId is not null && index.Vpcs.ContainsKey(vpcId) && index.Captured(vpcId, Section.NetworkInterfaces);

    /// <summary>
    /// The receiving VPC's route tables were read and none sends the address anywhere: the attributor's Unknown with no route,
    /// peering or transit gateway named, as opposed to an Unknown for want of data.
    /// </summary>
    private static bool NotRouted(AddressAttribution source, SnapshotIndex index) =>
        source.Route is null && source.RouteTableId is null && source.VpcPeeringConnectionId is null && source.TransitGatewayId is null
        && source.VpnGatewayId is null && source.FromVpcId is { } from && index.Captured(from, Section.RouteTables)
        && (index.MainRouteTable(from) is not null || index.SubnetsOf(from).Any(s => index.RouteTableOf(s.SubnetId).Table is not null));
}
