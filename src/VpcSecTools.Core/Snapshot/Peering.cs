using VpcSecTools.Net;

namespace VpcSecTools.Snapshot;

/// <summary>A VPC peering connection with the CIDRs of each side read once (<see cref="SnapshotIndex.PeeringOf(string)"/>).</summary>
public sealed record Peering(VpcPeeringConnection Connection, PeeringSide Requester, PeeringSide Accepter)
{
    public string Id => Connection.VpcPeeringConnectionId;

    /// <summary>Only an active peering carries traffic.</summary>
    public bool IsActive => Active == true;

    /// <summary>
    /// Whether the peering carries traffic: true when <c>Status.Code</c> is active, false in a state EC2 documents as not carrying
    /// it, null when the status is absent or not one of EC2's states (which of them it means cannot be told: SEMANTICS 0).
    /// </summary>
    public bool? Active => ResourceState.Carries(Connection.Status?.Code, "active",
        "initiating-request", "pending-acceptance", "provisioning", "deleting", "deleted", "rejected", "failed", "expired");

    /// <summary>Why <see cref="Active"/> cannot be told, naming the value (null when it can).</summary>
    public string? StateProblem => Active is not null ? null
        : Connection.Status?.Code is { } code ? $"Status.Code '{code}' is not a peering state: whether it carries traffic cannot be told"
        : "Status.Code is missing: whether it carries traffic cannot be told";

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
