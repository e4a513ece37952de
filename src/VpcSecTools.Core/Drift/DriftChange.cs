using VpcSecTools.Exposure;
using VpcSecTools.Reachability;

namespace VpcSecTools.Drift;

/// <summary>What a line of a drift answers about: the configuration, who can reach what, or the audit's findings.</summary>
public enum DriftKind
{
    Configuration,
    Reachability,
    Finding,
}

/// <summary>How a thing differs between the reference (earlier) and the difference (later) snapshot.</summary>
public enum DriftChangeKind
{
    /// <summary>A resource, rule, entry, route or value that only the later snapshot holds.</summary>
    Added,
    /// <summary>One that only the earlier snapshot holds.</summary>
    Removed,
    /// <summary>A value of one resource that differs (a route's target, a peering's status...).</summary>
    Modified,
    /// <summary>The source class reaches the destination now and did not before (or the destination is new).</summary>
    Opened,
    /// <summary>The source class reached the destination before and does not now (or the destination is gone).</summary>
    Closed,
    /// <summary>The later snapshot cannot tell whether the source class reaches the destination; the earlier one could.</summary>
    BecameUnknown,
    /// <summary>The earlier snapshot could not tell; the later one says it is not reachable.</summary>
    BecameNotReachable,
    /// <summary>A finding of the later audit that the earlier one did not have.</summary>
    New,
    /// <summary>A finding of the earlier audit that the later one does not have.</summary>
    Resolved,
    /// <summary>The same finding (same check, resource and rule content) with another severity, exposure or confirmation.</summary>
    Changed,
    /// <summary>The same finding, as it was.</summary>
    Unchanged,
    /// <summary>What changed cannot be told: a snapshot lacks the section (or region) the comparison needs.</summary>
    Unknown,
}

/// <summary>
/// One line of a drift between two snapshots. The three kinds share these columns, so one table reads all of them;
/// each kind adds its own evidence (<see cref="ConfigurationChange"/>, <see cref="ReachabilityChange"/>,
/// <see cref="FindingChange"/>, and <see cref="DriftGap"/> for what could not be compared).
/// </summary>
public abstract record DriftChange
{
    public abstract DriftKind Kind { get; }
    public DriftChangeKind Change { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    /// <summary>What the line is about: a resource (with its name), a source and destination, a finding's resource.</summary>
    public string Subject { get; init; } = "";
    /// <summary>The change in one line, in AWS's terms.</summary>
    public string Summary { get; init; } = "";
}

/// <summary>
/// A configuration difference of one resource, in the EC2 API's own terms: a resource added or removed, or one element of
/// it (a security-group rule, a NACL entry, a route, an association, a value) added, removed or modified.
/// </summary>
public sealed record ConfigurationChange : DriftChange
{
    public override DriftKind Kind => DriftKind.Configuration;
    /// <summary>The snapshot section (<c>SecurityGroups</c>, <c>RouteTables</c>...).</summary>
    public string Section { get; init; } = "";
    /// <summary>The EC2 shape of the resource (<c>SecurityGroup</c>, <c>RouteTable</c>...).</summary>
    public string ResourceType { get; init; } = "";
    public string ResourceId { get; init; } = "";
    /// <summary>Its Name tag, or a security group's GroupName.</summary>
    public string? ResourceName { get; init; }
    public string? VpcId { get; init; }
    /// <summary>Which part changed: <c>resource</c>, <c>inbound rule</c>, <c>route</c>, <c>entry</c>, or a field path (<c>Status.Code</c>).</summary>
    public string Element { get; init; } = "";
    /// <summary>The element in the earlier snapshot; null when it was not there.</summary>
    public string? Before { get; init; }
    /// <summary>The element in the later snapshot; null when it is not there.</summary>
    public string? After { get; init; }
    /// <summary>What the resource serves, in the later snapshot (else the earlier): a group's ENIs, a table's or NACL's subnets.</summary>
    public ValueList<string> UsedBy { get; init; } = [];

    /// <summary>The rule, entry or route that changed, read, so a reachability change can tell whether it concerns its traffic.</summary>
    internal ChangedRule? Rule { get; init; }
}

/// <summary>A source class that reaches (or no longer reaches) one ENI on one protocol and port range, and why.</summary>
public sealed record ReachabilityChange : DriftChange
{
    public override DriftKind Kind => DriftKind.Reachability;
    /// <summary><c>Internet</c>, a VPC, a peer VPC outside the snapshot, a VPN or Direct Connect attachment, a VPN connection.</summary>
    public SourceClassKind SourceKind { get; init; }
    /// <summary>The class: <c>Internet (IPv4)</c>, <c>vpc-…</c>, <c>pcx-…</c>, <c>tgw-attach-…</c>, <c>vpn-…</c>.</summary>
    public string Source { get; init; } = "";
    /// <summary>The class's name and the ranges it stands for.</summary>
    public string? SourceDescription { get; init; }
    public string DestinationId { get; init; } = "";
    /// <summary>What holds the ENI: an instance's Name tag, a load balancer's name...</summary>
    public string? DestinationName { get; init; }
    /// <summary>The address traffic is sent to: the ENI's public address from the internet, else its private IPv4.</summary>
    public string? DestinationAddress { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string Protocol { get; init; } = "";
    /// <summary>The ports the destination's groups and subnet NACL treat alike, judged at the first of them.</summary>
    public string Ports { get; init; } = "";
    /// <summary>Null when the destination was not in the earlier snapshot.</summary>
    public Verdict? Before { get; init; }
    /// <summary>Null when the destination is not in the later snapshot.</summary>
    public Verdict? After { get; init; }
    /// <summary>How many sources of the class reached it before (ENIs, or address ranges for the internet and outside classes).</summary>
    public int ReachingBefore { get; init; }
    public int ReachingAfter { get; init; }
    /// <summary>The sources whose verdict moved this way (ENIs with their address, or ranges), the witness first.</summary>
    public ValueList<string> Moved { get; init; } = [];
    /// <summary>The component whose change made the difference (a group, NACL, route table, ENI...), when the paths name one.</summary>
    public string? CausingComponent { get; init; }
    /// <summary>The configuration changes of the components on either path that concern this traffic, in one line.</summary>
    public string? Cause { get; init; }
    /// <summary>What stopped the witness in the earlier snapshot (component, rule, code); null when it reached or was absent.</summary>
    public string? BlockedBefore { get; init; }
    /// <summary>What stops the witness in the later snapshot; null when it reaches or is absent.</summary>
    public string? BlockedAfter { get; init; }
    /// <summary>The source whose paths are compared for the cause: the first that moved.</summary>
    public string? Witness { get; init; }
    /// <summary>The destination's inbound rule that admits the witness, when it reaches.</summary>
    public string? AllowedBy { get; init; }
    /// <summary>The configuration changes the cause names.</summary>
    public ValueList<ConfigurationChange> Causes { get; init; } = [];
    /// <summary>For an opened reachability, the exposure as a finding (<see cref="DriftChecks.ReachabilityOpened"/>), for ConvertTo-SecurityHubFinding; null otherwise.</summary>
    public Finding? Finding { get; init; }
}

/// <summary>One finding of Find-OverlyOpenPort compared across the two audits by its <see cref="Finding.Identity"/>.</summary>
public sealed record FindingChange : DriftChange
{
    public override DriftKind Kind => DriftKind.Finding;
    public string CheckId { get; init; } = "";
    /// <summary>In the later audit (in the earlier one for a resolved finding).</summary>
    public Severity Severity { get; init; }
    /// <summary>In the earlier audit; null for a new finding.</summary>
    public Severity? SeverityBefore { get; init; }
    public string ResourceId { get; init; } = "";
    public string? ResourceName { get; init; }
    public string? ExposureBefore { get; init; }
    public string? ExposureAfter { get; init; }
    /// <summary>The finding's identity across captures: check, resource and rule content, not list positions.</summary>
    public string Identity { get; init; } = "";
    /// <summary>The finding as the later audit has it (the earlier one's for a resolved finding), for ConvertTo-SecurityHubFinding.</summary>
    public Finding Finding { get; init; } = new();
}

/// <summary>
/// What could not be compared and why: a section (or a whole region) that one snapshot lacks, or that neither holds. The
/// comparisons that depend on it are Unknown, never "unchanged".
/// </summary>
public sealed record DriftGap : DriftChange
{
    private readonly DriftKind _kind;

    public DriftGap(DriftKind kind) => _kind = kind;

    public override DriftKind Kind => _kind;
    /// <summary>The section (or <c>*</c> for a whole region).</summary>
    public string Section { get; init; } = "";
    /// <summary><c>reference</c>, <c>difference</c> or <c>both</c>: the snapshot(s) that lack it.</summary>
    public string MissingIn { get; init; } = "";
}
