using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// What a check says about a security group: the rules, ports and source it found, and the exposure of the
/// ENIs behind them. <see cref="AuditContext"/> turns it into a <see cref="Finding"/> (severity after exposure,
/// region, allow-lists), so every check builds its findings the same way.
/// </summary>
internal sealed record GroupFindingDraft(CheckDefinition Check, SecurityGroup Group)
{
    /// <summary>The rules that cause it; empty for findings about the whole group.</summary>
    public IReadOnlyList<SecurityGroupRule> Rules { get; init; } = [];
    public string Detail { get; init; } = "";
    public string? Protocol { get; init; }
    public string? Ports { get; init; }
    /// <summary>The source to show; by default the rules' sources joined.</summary>
    public string? Source { get; init; }
    public ExposureSummary? Exposure { get; init; }
    public IReadOnlyList<string> RelatedGroupIds { get; init; } = [];
    /// <summary>A severity other than the check's own (a configurable check).</summary>
    public Severity? Severity { get; init; }
    /// <summary>The worst severity the missing data allows, when above the check's own.</summary>
    public Severity? WorstCase { get; init; }
    /// <summary>What the snapshot lacks or cannot read for the finding to be proven; null when it is proven.</summary>
    public string? MissingData { get; init; }
}

/// <summary>What a check says about a network ACL: the inbound entries that open it and what they admit.</summary>
internal sealed record AclFindingDraft(CheckDefinition Check, NetworkAcl Acl)
{
    public string Detail { get; init; } = "";
    /// <summary>The entries that admit the traffic; null for findings about the whole ACL.</summary>
    public AclOpening? Opening { get; init; }
    public string? Protocol { get; init; }
    public string? Ports { get; init; }
    /// <summary>The source to show when no entry is named.</summary>
    public string? Source { get; init; }
    /// <summary>The entries that cannot be read and may change the answer; null when it is proven.</summary>
    public string? MissingData { get; init; }
}

/// <summary>
/// What a check says about any other resource (an instance, a subnet, a DB subnet group): its id and name, the setting
/// or route that causes it, and the exposure that rates it.
/// </summary>
internal sealed record ResourceFindingDraft(CheckDefinition Check, string ResourceId)
{
    public string? ResourceName { get; init; }
    public string? VpcId { get; init; }
    /// <summary>The region inventory that holds it; by default the region the index files its id under.</summary>
    public RegionInventory? Region { get; init; }
    public string Detail { get; init; } = "";
    /// <summary>The setting, route or entry that causes it (<c>MetadataOptions.HttpTokens = optional</c>).</summary>
    public string? Rule { get; init; }
    public string? Protocol { get; init; }
    public string? Ports { get; init; }
    public string? Source { get; init; }
    public ExposureSummary? Exposure { get; init; }
    public IReadOnlyList<string> RelatedGroupIds { get; init; } = [];
    /// <summary>A severity below the check's own (the milder case of a check).</summary>
    public Severity? Severity { get; init; }
    /// <summary>The fix for this resource (the command with its id), when it says more than the check's own.</summary>
    public string? Remediation { get; init; }
    /// <summary>The worst severity the missing data allows, when above the check's own.</summary>
    public Severity? WorstCase { get; init; }
    /// <summary>What the snapshot lacks or cannot read for the finding to be proven; null when it is proven.</summary>
    public string? MissingData { get; init; }
}
