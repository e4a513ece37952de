using VpcSecTools.Net;

namespace VpcSecTools.Snapshot;

/// <summary>A VPC peering connection with the CIDRs of each side read once (<see cref="SnapshotIndex.PeeringOf(string)"/>).</summary>
public sealed record Peering(VpcPeeringConnection Connection, PeeringSide Requester, PeeringSide Accepter)
{
    public string Id => Connection.VpcPeeringConnectionId;

    /// <summary>Only an active peering carries traffic.</summary>
    public bool IsActive => ResourceState.Is(Connection.Status?.Code, "active");

    /// <summary>Seen from <paramref name="vpcId"/>: its own side and the peer's; null when the peering does not connect it.</summary>
    public (PeeringSide Local, PeeringSide Remote)? From(string? vpcId) =>
        vpcId is null ? null : Requester.VpcId == vpcId ? (Requester, Accepter) : Accepter.VpcId == vpcId ? (Accepter, Requester) : null;
}

/// <summary>
/// One side of a peering: its VPC, owner, region and the CIDRs it exposes to the other side (from the peering's own
/// description, else the VPC's associated CIDRs when the snapshot holds it), with the CIDRs that could not be read.
/// </summary>
public sealed record PeeringSide(string? VpcId, string? OwnerId, string? Region, IReadOnlyList<Cidr> Cidrs, IReadOnlyList<Uninterpretable> Problems)
{
    /// <summary>Whether the address is in this side's CIDRs: null when it is not in the readable ones but an unreadable one might hold it.</summary>
    public bool? Holds(IpAddress address)
    {
        foreach (var c in Cidrs) if (c.Contains(address)) return true;
        return Problems.Count > 0 ? null : false;
    }
}
