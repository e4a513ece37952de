using System.Globalization;

namespace VpcSecTools.Exposure;

/// <summary>
/// What flow logs saw that a finding rests on, for findings drawn from traffic rather than from rules alone: the
/// records of one source at one network interface, their counts and the window they span.
/// </summary>
public sealed record FlowEvidence
{
    /// <summary>
    /// The PowerShell type name of findings that carry traffic (a Finding with this name added), so the module's format
    /// file shows their traffic columns rather than an audit finding's exposure.
    /// </summary>
    public static readonly string FindingTypeName = typeof(Finding).FullName + "#Traffic";

    /// <summary>The sending address, as the packets carried it (<c>pkt-srcaddr</c> when the logs have it, else <c>srcaddr</c>).</summary>
    public string SourceAddress { get; init; } = "";
    /// <summary>Who the source is, as the receiving VPC sees it: an owner, a peering, an attachment, a VPN, nobody.</summary>
    public string? SourceOwner { get; init; }
    /// <summary>The address it was sent to, held by <see cref="NetworkInterfaceId"/>.</summary>
    public string DestinationAddress { get; init; } = "";
    /// <summary>The network interface whose flow log recorded it.</summary>
    public string NetworkInterfaceId { get; init; } = "";
    /// <summary>The route, peering or transit-gateway attachment the source comes in through, as the receiving VPC's routes say.</summary>
    public string? EnteredThrough { get; init; }
    /// <summary><c>ACCEPT</c>, <c>REJECT</c>, or both joined when the records disagree.</summary>
    public string Action { get; init; } = "";
    public long Records { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    /// <summary>Start of the first record.</summary>
    public DateTimeOffset? FirstSeen { get; init; }
    /// <summary>End of the last record.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>One line for a CSV cell or a string: action, counts and window.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Action} {Records} records {Bytes} bytes {Time(FirstSeen)}..{Time(LastSeen)}");

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "?";
}
