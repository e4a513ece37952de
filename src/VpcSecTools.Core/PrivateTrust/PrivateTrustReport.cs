using VpcSecTools.Exposure;
using VpcSecTools.IpMap;

namespace VpcSecTools.PrivateTrust;

/// <summary>One private source address as a receiving VPC sees it: who it is, whose space it is in, and what it sent.</summary>
public sealed record PrivateSource
{
    /// <summary>The VPC whose network interfaces received it (and from whose routes it is attributed).</summary>
    public string VpcId { get; init; } = "";
    public string SourceAddress { get; init; } = "";
    /// <summary>Its owner's name (a Name tag, a service's name) or id when the snapshot knows it, else the address.</summary>
    public string Name { get; init; } = "";
    public TrustZone Zone { get; init; }
    /// <summary>The account the address belongs to, when the snapshot says.</summary>
    public string? AccountId { get; init; }
    /// <summary>Who it is, in short (<c>shared-monitoring-1 (Instance i-…) in vpc-…</c>, <c>VPN via vgw-…</c>, <c>unassigned in vpc-…</c>).</summary>
    public string Owner { get; init; } = "";
    /// <summary>The route, peering or attachment it comes in through, as the receiving VPC's routes say.</summary>
    public string? EnteredThrough { get; init; }
    /// <summary>Why it is in <see cref="Zone"/>.</summary>
    public string ZoneReason { get; init; } = "";
    /// <summary>The network interfaces it sent to.</summary>
    public ValueList<string> NetworkInterfaceIds { get; init; } = [];
    /// <summary>The ports at those interfaces it sent to (<c>tcp/5432</c>); responses to connections the interfaces opened are in <see cref="SourcePorts"/>.</summary>
    public ValueList<string> Ports { get; init; } = [];
    /// <summary>Its own ports that the interfaces connected to (the records are the responses).</summary>
    public ValueList<string> SourcePorts { get; init; } = [];
    public long Records { get; init; }
    public long AcceptedRecords { get; init; }
    public long RejectedRecords { get; init; }
    public long Bytes { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>The full attribution, with its evidence.</summary>
    public AddressAttribution Attribution { get; init; } = new();
}

/// <summary>What one receiving VPC saw from one trust zone: how many sources, their traffic, and the sources themselves.</summary>
public sealed record TrustZoneSummary
{
    public string VpcId { get; init; } = "";
    public TrustZone Zone { get; init; }
    public int SourceCount => Sources.Count;
    /// <summary>The network interfaces the zone's sources sent to.</summary>
    public int NetworkInterfaceCount { get; init; }
    public long Records { get; init; }
    public long AcceptedRecords { get; init; }
    public long RejectedRecords { get; init; }
    public long Bytes { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>Findings whose source is in this zone.</summary>
    public int FindingCount { get; init; }
    /// <summary>The sources, most records first.</summary>
    public ValueList<PrivateSource> Sources { get; init; } = [];
}

/// <summary>One conversation: a private source and a network interface it sent to. A baseline is a list of them.</summary>
public sealed record TrustTalker
{
    public string SourceAddress { get; init; } = "";
    public string NetworkInterfaceId { get; init; } = "";
    public string? VpcId { get; init; }
    public TrustZone? Zone { get; init; }
    public long Records { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
}

/// <summary>
/// The answer of Find-UntrustedPrivateTraffic: the findings (audit <see cref="Finding"/>s carrying their traffic, so they
/// export as the audit's do), each receiving VPC's sources by trust zone, the conversations (a baseline for next time),
/// the window the logs covered, and what could not be judged.
/// </summary>
public sealed record PrivateTrustReport
{
    public ValueList<Finding> Findings { get; init; } = [];
    public ValueList<TrustZoneSummary> Zones { get; init; } = [];
    public ValueList<PrivateSource> Sources { get; init; } = [];
    public ValueList<TrustTalker> Talkers { get; init; } = [];
    /// <summary>Start of the first record read and end of the last.</summary>
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>What the answer leaves out or cannot vouch for: traffic not compared with the model and why, interfaces the snapshot lacks.</summary>
    public ValueList<string> Warnings { get; init; } = [];
    /// <summary>What was read and how (counts, the baseline used).</summary>
    public ValueList<string> Notes { get; init; } = [];
    /// <summary>True when a path matched nothing or a file could not be read to its end: the answer covers part of the window.</summary>
    public bool PartialRead { get; init; }

    /// <summary>The findings at or above <paramref name="minimum"/>.</summary>
    public IEnumerable<Finding> Select(Severity minimum = Severity.Informational) => Findings.Where(f => f.Severity >= minimum);

    /// <summary>Whether a finding the snapshot proves reaches <paramref name="threshold"/>.</summary>
    public bool HasConfirmed(Severity threshold) => Findings.Any(f => f.Confirmed && f.Severity >= threshold);

    /// <summary>Whether a finding that may reach <paramref name="threshold"/> cannot be proven (whose space its source is in is unknown).</summary>
    public bool HasUnconfirmed(Severity threshold) => Findings.Any(f => !f.Confirmed && f.Severity >= threshold);
}

/// <summary>What Find-UntrustedPrivateTraffic reads: the window's flow logs, the baseline's (or its file), and the options.</summary>
public sealed record PrivateTrustRequest
{
    /// <summary>Files, folders, wildcards, <c>s3://</c> locations of the window's flow logs.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>CloudWatch Logs groups of the window's flow logs.</summary>
    public IReadOnlyList<string> LogGroups { get; init; } = [];
    /// <summary>Flow logs of the snapshot: read where they deliver when no path is given; their format is that of input without a header.</summary>
    public IReadOnlyList<string> FlowLogIds { get; init; } = [];
    /// <summary>The format of input without a header.</summary>
    public FlowLogs.FlowLogFormat? Format { get; init; }
    /// <summary>The window: records ending at or after <see cref="Since"/> and starting before <see cref="Until"/>.</summary>
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>The baseline window's flow logs; with none but a baseline window, the same flow logs as the window's are read for it.</summary>
    public IReadOnlyList<string> BaselinePaths { get; init; } = [];
    public DateTimeOffset? BaselineSince { get; init; }
    public DateTimeOffset? BaselineUntil { get; init; }
    /// <summary>A baseline saved by an earlier run (<see cref="TrustBaseline.Save"/>).</summary>
    public string? BaselineFile { get; init; }
    public PrivateTrustOptions Options { get; init; } = new();
    public int Threads { get; init; } = Environment.ProcessorCount;
    public FlowLogs.FlowLogProgress? Progress { get; init; }
}
