namespace VpcSecTools.Exposure;

/// <summary>
/// One audit finding: which check, how severe (after exposure), the resource, the exact rule or entry that
/// causes it (rule reference, protocol, ports, source), its exposure, and how to fix it. A finding the snapshot
/// cannot prove is unconfirmed: it is rated by its worst case and <see cref="MissingData"/> says what is missing.
/// </summary>
public sealed record Finding
{
    public string CheckId { get; init; } = "";
    /// <summary>After exposure; for an unconfirmed finding, the worst the missing data allows.</summary>
    public Severity Severity { get; init; }
    /// <summary>The check's severity before exposure moved it.</summary>
    public Severity BaseSeverity { get; init; }
    public string Title { get; init; } = "";
    /// <summary><c>AwsEc2SecurityGroup</c> or <c>AwsEc2NetworkAcl</c> (ASFF resource types).</summary>
    public string ResourceType { get; init; } = "";
    public string ResourceId { get; init; } = "";
    public string? ResourceName { get; init; }
    public string? VpcId { get; init; }
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    /// <summary><c>Ingress</c> or <c>Egress</c>; null for findings about a whole resource.</summary>
    public string? Direction { get; init; }
    /// <summary>Where the rule is: <c>IpPermissions[0].IpRanges[1]</c>, or <c>ingress entry 100</c> of a NACL; several joined by "; ".</summary>
    public string? Rule { get; init; }
    /// <summary>The index of the permission in IpPermissions(Egress), or the NACL rule number.</summary>
    public int? RuleIndex { get; init; }
    public string? Protocol { get; init; }
    public string? Ports { get; init; }
    public string? Source { get; init; }
    /// <summary>What was found, with its evidence, in one or two sentences.</summary>
    public string Detail { get; init; } = "";
    public string Remediation { get; init; } = "";
    /// <summary>Other security groups that take part (combined openings, hygiene).</summary>
    public ValueList<string> RelatedGroupIds { get; init; } = [];
    /// <summary>Whether the opening really reaches the ENIs from the internet; null when the check is not about internet ingress.</summary>
    public ExposureSummary? Exposure { get; init; }
    /// <summary>Short form of <see cref="Exposure"/> for tables: Reachable, PublicIpNotReachable, PrivateOnly, NotAttached, Unknown.</summary>
    public string? ExposureVerdict => Exposure?.Verdict.ToString();
    public bool Suppressed { get; init; }
    /// <summary>Why the finding is suppressed (accepted finding or allow-listed CIDR, with the reason given).</summary>
    public string? SuppressedBy { get; init; }
    /// <summary>The incumbent checks this one covers.</summary>
    public ValueList<string> References { get; init; } = [];
    /// <summary>What the snapshot lacks or could not read for this finding to be proven (null when it is proven).</summary>
    public string? MissingData { get; init; }
    /// <summary>Whether the snapshot proves the finding at its severity; false when <see cref="MissingData"/> is set.</summary>
    public bool Confirmed => MissingData is null;
    /// <summary>For <c>Audit.ChecksNotRun</c>: the checks that did not run for lack of a section.</summary>
    public ValueList<string> ChecksNotRun { get; init; } = [];
    /// <summary>The same text for the same finding in every capture: check, resource and rule content, never list positions.</summary>
    public string Identity => FindingIdentity.Of(this);
    /// <summary>For findings drawn from flow logs: the traffic seen; null for findings about rules alone.</summary>
    public FlowEvidence? Traffic { get; init; }
}

/// <summary>How far an internet opening really reaches (Prowler's exposure levels, per ENI).</summary>
public enum ExposureVerdict
{
    /// <summary>The group is on no ENI in the snapshot: nothing is exposed today.</summary>
    NotAttached,
    /// <summary>Missing sections or an unresolvable subnet: exposure cannot be decided (rated as Reachable, unconfirmed).</summary>
    Unknown,
    /// <summary>No ENI has a public address.</summary>
    PrivateOnly,
    /// <summary>An ENI has a public address but no IGW route, or its subnet NACL blocks the opening.</summary>
    PublicIpNotReachable,
    /// <summary>An ENI has a public address, an IGW route, and its NACL admits the opening both ways.</summary>
    Reachable,
}

/// <summary>The exposure of one opening: the worst ENI verdict and every ENI with its evidence.</summary>
public sealed record ExposureSummary(ExposureVerdict Verdict, ValueList<EniExposure> NetworkInterfaces, string Evidence)
{
    /// <summary>ENIs really reachable from the internet.</summary>
    public IEnumerable<EniExposure> Exposed => NetworkInterfaces.Where(e => e.Verdict == ExposureVerdict.Reachable);

    /// <summary>The verdict and its evidence: what a CSV cell or a string shows.</summary>
    public override string ToString() => $"{Verdict}: {Evidence}";
}

/// <summary>One ENI's exposure: its owner, public address, subnet route and NACL evidence.</summary>
public sealed record EniExposure
{
    public string NetworkInterfaceId { get; init; } = "";
    /// <summary>The instance id, else the interface type, requester or description.</summary>
    public string? Owner { get; init; }
    public string? SubnetId { get; init; }
    /// <summary>The public IPv4 (or global IPv6) address traffic from the internet is addressed to.</summary>
    public string? PublicAddress { get; init; }
    public ExposureVerdict Verdict { get; init; }
    /// <summary>The route to the internet gateway used, e.g. <c>rtb-1: 0.0.0.0/0 -> igw-1</c>.</summary>
    public string? Route { get; init; }
    /// <summary>What the subnet NACL admits: inbound ports, and which client ephemeral ranges the response may use.</summary>
    public string? NetworkAcl { get; init; }
    public string Reason { get; init; } = "";
}
