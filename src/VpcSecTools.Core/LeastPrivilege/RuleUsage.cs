using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>What the window's flow logs prove about a rule.</summary>
public enum UsageVerdict
{
    /// <summary>ACCEPTed flows (REJECTed ones for a NACL deny entry) in the window matched it.</summary>
    Used,
    /// <summary>None did, and every flow it could have matched was logged and read.</summary>
    Unused,
    /// <summary>Whether it was used cannot be told: <see cref="RuleUsage.Reason"/> says what is missing.</summary>
    Unknown,
}

/// <summary>Whose rule it is.</summary>
public enum RuleKind { SecurityGroup, NetworkAcl }

/// <summary>An address seen using a rule, with who it is (the IP map) and what it sent and received through it.</summary>
public sealed record RulePeer
{
    public string Address { get; init; } = "";
    /// <summary>Who the address is, seen from the ENI's VPC: an ENI's owner, a peered VPC, an AWS range, the internet...</summary>
    public string Owner { get; init; } = "";
    /// <summary>The ENI of the snapshot that holds the address, when one does.</summary>
    public string? NetworkInterfaceId { get; init; }
    /// <summary>That ENI's security groups.</summary>
    public ValueList<string> SecurityGroups { get; init; } = [];
    public long Flows { get; init; }
    public long Bytes { get; init; }

    public override string ToString() => $"{Address} ({Owner})";
}

/// <summary>
/// One security-group rule (one source of one permission) or one NACL entry, and what the window's flow logs say of it:
/// the verdict, the traffic it admitted (flows, bytes, peers, ports, when), and why.
/// </summary>
public sealed record RuleUsage
{
    public UsageVerdict Verdict { get; init; }
    public RuleKind Kind { get; init; }
    /// <summary>The security group or network ACL.</summary>
    public string ResourceId { get; init; } = "";
    /// <summary>The group's name, or the NACL's Name tag.</summary>
    public string? Name { get; init; }
    public string? VpcId { get; init; }
    public string Region { get; init; } = "";
    public RuleDirection Direction { get; init; }
    /// <summary>A NACL entry's rule number.</summary>
    public int? RuleNumber { get; init; }
    /// <summary><c>allow</c>, or <c>deny</c> for a NACL entry.</summary>
    public string Action { get; init; } = "allow";
    public string Protocol { get; init; } = "";
    public string Ports { get; init; } = "";
    /// <summary>What the rule names: a CIDR, a prefix list, a group (<c>account/sg-…</c> across accounts).</summary>
    public string Source { get; init; } = "";
    /// <summary>The rule in one line.</summary>
    public string Rule { get; init; } = "";
    /// <summary>Where the rule is in the snapshot: <c>IpPermissions[2].IpRanges[0]</c>, or the entry.</summary>
    public string Path { get; init; } = "";
    /// <summary>Flow-log records (one per direction and capture window) the rule admitted (or a deny entry stopped).</summary>
    public long Flows { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    /// <summary>Of <see cref="Flows"/>, those for which this rule was the narrowest of the rules that allowed them.</summary>
    public long NarrowestFlows { get; init; }
    /// <summary>Distinct peer addresses.</summary>
    public long PeerCount { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>The peers that used it most (by bytes), bounded.</summary>
    public ValueList<RulePeer> Peers { get; init; } = [];
    /// <summary>The protocol/ports the flows used, e.g. <c>tcp/5432</c> (a range where the side of a flow was told by its ports and is uncertain).</summary>
    public ValueList<string> PortsUsed { get; init; } = [];
    /// <summary>Network interfaces the rule applies to (carrying the group, or in the NACL's subnets).</summary>
    public int NetworkInterfaces { get; init; }
    /// <summary>Why the verdict: the traffic, or what proves it unused, or what is missing.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>What a proposal does to the rule.</summary>
public enum ProposalAction
{
    /// <summary>Revoke the rule: nothing needs it (unused, or every flow it admitted is admitted by rules that stay).</summary>
    Remove,
    /// <summary>Revoke it and authorize narrower rules that admit what it was seen to admit.</summary>
    Replace,
}

/// <summary>
/// A tightening of one security-group rule from the evidence: what to revoke and authorize (in the EC2 API's own
/// <c>IpPermission</c> shape), the traffic of the window it would have dropped, and the exposure it removes, computed by
/// the reachability engine. Only a proposal that drops nothing observed, on a group whose every ENI was logged, is safe.
/// </summary>
public sealed record RuleProposal
{
    /// <summary>True when it would have dropped no flow of the window and every flow it could affect was logged.</summary>
    public bool Safe { get; init; }
    public ProposalAction Action { get; init; }
    public string GroupId { get; init; } = "";
    public string? GroupName { get; init; }
    public string? VpcId { get; init; }
    public string Region { get; init; } = "";
    public RuleDirection Direction { get; init; }
    /// <summary>The rule it changes, in one line.</summary>
    public string Rule { get; init; } = "";
    /// <summary>The change in one sentence.</summary>
    public string Change { get; init; } = "";
    /// <summary>What to revoke: the rule itself.</summary>
    public ValueList<ProposedRule> Revoke { get; init; } = [];
    /// <summary>What to authorize first, one source each (rules the group already has are left out).</summary>
    public ValueList<ProposedRule> Authorize { get; init; } = [];
    /// <summary>The rule's flows and bytes in the window.</summary>
    public long Flows { get; init; }
    public long Bytes { get; init; }
    /// <summary>Flows of the window no rule would admit after the change (must be 0 for a safe proposal).</summary>
    public long DroppedFlows { get; init; }
    public long DroppedBytes { get; init; }
    public ValueList<string> DroppedPeers { get; init; } = [];
    /// <summary>ENI:port pairs the internet reaches through the rule's ports (inbound), or from which it is reached (outbound), before.</summary>
    public long InternetPairsBefore { get; init; }
    public long InternetPairsAfter { get; init; }
    /// <summary>The pairs the change closes, bounded (<c>eni-…:22 (i-…)</c>).</summary>
    public ValueList<string> InternetPairsRemoved { get; init; } = [];
    /// <summary>Sources (ENIs of the snapshot) that could reach the group's ENIs on the rule's ports before and cannot after.</summary>
    public long SourcesRemovedCount { get; init; }
    public ValueList<string> SourcesRemoved { get; init; } = [];
    /// <summary>How the exposure was computed, or what it leaves out.</summary>
    public string ExposureNote { get; init; } = "";
    /// <summary>Why it is not safe, or null.</summary>
    public string? Withheld { get; init; }
}

/// <summary>
/// One security-group rule to authorize or revoke, one source each, in the members EC2 names them with
/// (<c>SecurityGroupRuleRequest</c> of ModifySecurityGroupRules, and the reference's account and peering as a
/// <c>UserIdGroupPair</c> carries them). Its text is the rule in one line.
/// </summary>
public sealed record ProposedRule
{
    /// <summary><c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c>, <c>-1</c> (all), or a number.</summary>
    public string IpProtocol { get; init; } = "";
    /// <summary>The first port, or the ICMP type (-1 for all); null for protocols without ports.</summary>
    public int? FromPort { get; init; }
    /// <summary>The last port, or the ICMP code (-1 for all).</summary>
    public int? ToPort { get; init; }
    public string? CidrIpv4 { get; init; }
    public string? CidrIpv6 { get; init; }
    public string? PrefixListId { get; init; }
    public string? ReferencedGroupId { get; init; }
    /// <summary>The referenced group's account, when it is another account's (<c>account/sg-…</c>).</summary>
    public string? ReferencedUserId { get; init; }
    /// <summary>The peering a referenced group is reached across.</summary>
    public string? VpcPeeringConnectionId { get; init; }
    public string? Description { get; init; }
    /// <summary>The rule in one line: <c>inbound allow tcp 5432 from sg-…</c>.</summary>
    public string Text { get; init; } = "";

    public override string ToString() => Text;
}

/// <summary>Rule usage over one window: every rule's verdict, the tightening proposals, and what the read covered.</summary>
public sealed record RuleUsageReport
{
    public DateTimeOffset? WindowStart { get; init; }
    public DateTimeOffset? WindowEnd { get; init; }
    public ValueList<RuleUsage> Rules { get; init; } = [];
    public ValueList<RuleProposal> Proposals { get; init; } = [];
    /// <summary>Distinct flow kinds (interface, peer, protocol, port, side, action) the records were summed into.</summary>
    public long FlowKinds { get; init; }
    /// <summary>What limits the answer (a flow no rule explains, records of unknown interfaces).</summary>
    public ValueList<string> Warnings { get; init; } = [];
    /// <summary>What was read and how (verbose).</summary>
    public ValueList<string> Notes { get; init; } = [];
    /// <summary>The flow-log read's own report (files, records, skipped lines); null for groups piped in.</summary>
    public FlowLogs.FlowLogReadReport? Read { get; init; }
}
