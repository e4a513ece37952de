namespace VpcSecTools.TransferCost;

/// <summary>How a byte crossed the network, as AWS charges for it (one flow may pay several: through a NAT gateway in another zone).</summary>
public enum TransferPath
{
    /// <summary>Processed by a NAT gateway, whichever direction (the NAT attribution's count: each flow once).</summary>
    NatGateway,
    /// <summary>Sent into a transit gateway by an attachment: data processing, per GB.</summary>
    TransitGateway,
    /// <summary>Between two Availability Zones of one VPC (a NAT gateway in another zone included): charged in each direction.</summary>
    CrossAz,
    /// <summary>Over a VPC peering between two Availability Zones (zone ids, so across accounts too): charged in each direction.</summary>
    PeeringCrossAz,
    /// <summary>Sent to another AWS region (an AWS address of another region in ip-ranges): charged to the sender.</summary>
    CrossRegion,
    /// <summary>Over a VPC peering inside one Availability Zone: free.</summary>
    PeeringSameAz,
    /// <summary>Inside one Availability Zone of a VPC: free.</summary>
    SameAz,
    /// <summary>To S3 or DynamoDB of the region through a gateway endpoint: free.</summary>
    GatewayEndpoint,
    /// <summary>To or from the internet (or the region's public AWS services) through an internet gateway: internet rates, not priced here.</summary>
    Internet,
    /// <summary>Logged as sent, but dropped before any charged hop (towards a transit gateway from a zone its attachment has no subnet in): not charged.</summary>
    Dropped,
    /// <summary>Could not be placed on a path (the notes say why); not priced.</summary>
    Unattributed,
}

/// <summary>Two ends that exchanged bytes on one path, each named when the snapshot (or ip-ranges) knows it.</summary>
/// <param name="Address1">One end's address (the interface whose records counted the bytes, or a NAT gateway's client).</param>
/// <param name="Name1">Who it is: an instance's Name tag, an AWS service's interface, or null.</param>
/// <param name="Address2">The other end.</param>
/// <param name="Name2">Who it is, or the AWS service and region of a public address.</param>
/// <param name="Bytes">Bytes between them on this path in the window, both directions, each flow once.</param>
public sealed record TransferTalker(string Address1, string? Name1, string Address2, string? Name2, long Bytes)
{
    public override string ToString() => $"{Name1 ?? Address1} <-> {Name2 ?? Address2}";

    /// <summary>Bytes as GB (2^30 bytes).</summary>
    public decimal Gigabytes => Math.Round(Bytes / (1024m * 1024m * 1024m), 3);
}

/// <summary>
/// One path class of one region: the bytes the flow logs saw on it (each flow counted once), scaled to a month, what a GB
/// costs there and what the month costs; the talkers that sent most. GB are 2^30 bytes as AWS bills them.
/// </summary>
public sealed record TransferCostLine
{
    public string Region { get; init; } = "";
    public TransferPath Path { get; init; }
    /// <summary>What the path is and how it is charged, in a few words.</summary>
    public string Description { get; init; } = "";
    public long Bytes { get; init; }
    public decimal Gigabytes { get; init; }
    public decimal GbPerMonth { get; init; }
    /// <summary>The price of a GB on this path; null when the price table does not give it (or the path is not priced here).</summary>
    public decimal? PricePerGb { get; init; }
    /// <summary>GB per month times the price (per destination region for cross-region); null when not priced.</summary>
    public decimal? CostPerMonth { get; init; }
    public string Currency { get; init; } = "USD";
    public ValueList<TransferTalker> TopTalkers { get; init; } = [];

    /// <summary>The largest talker as text, for tables and CSV.</summary>
    public string? TopTalker => TopTalkers.Count == 0 ? null : TopTalkers[0].ToString();
}

/// <summary>The data-transfer cost of the flow logs read, by path class, with the window, the prices and what limited it.</summary>
public sealed record TransferCostReport
{
    public IReadOnlyList<TransferCostLine> Lines { get; init; } = [];
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    /// <summary>Observed bytes are multiplied by this to give a month (hours per month / hours observed).</summary>
    public decimal MonthlyFactor { get; init; }
    public string PriceSource { get; init; } = "";
    public string IpRangesSource { get; init; } = "";
    /// <summary>Bytes logged by interfaces the snapshot does not hold: on no path, so the answer is incomplete when above 0.</summary>
    public long UnknownInterfaceBytes { get; init; }
    /// <summary>What the answer leaves out or cannot vouch for, one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    public decimal TotalCostPerMonth => Lines.Sum(l => l.CostPerMonth ?? 0);
}
