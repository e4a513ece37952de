using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>One check, or a small family of checks, run over the audit's shared context.</summary>
internal interface IAuditCheck
{
    /// <summary>The checks this unit reports (each check belongs to exactly one unit).</summary>
    IReadOnlyList<CheckDefinition> Reports { get; }

    void Run(AuditContext audit);
}

/// <summary>
/// What every audit check reads and writes: the snapshot index, the options and scope, the exposure analysis,
/// each group's flattened rules and internet openings (computed once, whichever check asks first), and the
/// findings and notes of the run.
/// </summary>
internal sealed class AuditContext
{
    private readonly Dictionary<string, IReadOnlyList<SecurityGroupRule>> _ingress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<SecurityGroupRule>> _egress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<InternetOpening>> _openings = new(StringComparer.Ordinal);
    private readonly List<Finding> _findings = [];

    public AuditContext(SnapshotIndex index, AuditOptions options, AuditScope scope)
    {
        Index = index;
        Options = options;
        Scope = scope;
        Exposure = new ExposureAnalysis(index);
        Groups = index.SecurityGroups.Values.Where(scope.IncludesGroup).ToArray();
        Acls = index.NetworkAcls.Values.Where(scope.IncludesAcl).ToArray();
    }

    public SnapshotIndex Index { get; }
    public AuditOptions Options { get; }
    public AuditScope Scope { get; }
    public ExposureAnalysis Exposure { get; }

    /// <summary>The security groups in scope, in snapshot order.</summary>
    public IReadOnlyList<SecurityGroup> Groups { get; }

    /// <summary>The network ACLs in scope (none when the scope names groups).</summary>
    public IReadOnlyList<NetworkAcl> Acls { get; }

    /// <summary>What could not be judged, one sentence each.</summary>
    public List<string> Notes { get; } = [];

    public IReadOnlyList<Finding> Findings => _findings;

    public IReadOnlyList<SecurityGroupRule> Ingress(SecurityGroup g) => Rules(_ingress, g, RuleDirection.Ingress);

    public IReadOnlyList<SecurityGroupRule> Egress(SecurityGroup g) => Rules(_egress, g, RuleDirection.Egress);

    /// <summary>The group's own openings to the whole IPv4 and IPv6 internet.</summary>
    public IReadOnlyList<InternetOpening> Openings(SecurityGroup g)
    {
        if (!_openings.TryGetValue(g.GroupId, out var openings))
        {
            var rules = Ingress(g);
            _openings[g.GroupId] = openings = [.. InternetCoverage.Openings(rules, false), .. InternetCoverage.Openings(rules, true)];
        }
        return openings;
    }

    private IReadOnlyList<SecurityGroupRule> Rules(Dictionary<string, IReadOnlyList<SecurityGroupRule>> cache, SecurityGroup g, RuleDirection direction)
    {
        if (!cache.TryGetValue(g.GroupId, out var rules)) cache[g.GroupId] = rules = SecurityGroupRule.Of(g, direction, Index, Notes);
        return rules;
    }

    /// <summary>Completes a group finding: region and account, severity after exposure, rule evidence, allow-list.</summary>
    public void Add(GroupFindingDraft d)
    {
        var g = d.Group;
        var region = Index.RegionOf(g.GroupId);
        var baseSeverity = d.Severity ?? d.Check.BaseSeverity;
        var severity = d.Exposure is not null && d.Check.SeverityFollowsExposure ? ExposureAnalysis.SeverityFor(d.Exposure.Verdict, baseSeverity) : baseSeverity;
        var allowed = AllowListed(d.Rules);
        _findings.Add(new Finding
        {
            CheckId = d.Check.Id, Severity = severity, BaseSeverity = baseSeverity, Title = d.Check.Title,
            ResourceType = d.Check.ResourceType, ResourceId = g.GroupId, ResourceName = g.GroupName, VpcId = g.VpcId,
            AccountId = region?.AccountId ?? g.OwnerId, Region = region?.Region,
            Direction = d.Rules.Count == 0 ? null : d.Rules[0].Direction.ToString(),
            Rule = d.Rules.Count == 0 ? null : string.Join("; ", d.Rules.Select(r => r.GroupId == g.GroupId ? r.Path : $"{r.GroupId} {r.Path}")),
            RuleIndex = d.Rules.Count == 0 ? null : d.Rules[0].PermissionIndex,
            Protocol = d.Protocol, Ports = d.Ports, Source = d.Source ?? (d.Rules.Count == 0 ? null : string.Join(" + ", d.Rules.Select(r => r.Source).Distinct())),
            Detail = d.Exposure is null ? d.Detail : $"{d.Detail} Exposure: {d.Exposure.Evidence}.",
            Remediation = d.Check.Remediation, RelatedGroupIds = d.RelatedGroupIds, Exposure = d.Exposure, References = d.Check.References,
            Suppressed = allowed is not null,
            SuppressedBy = allowed is null ? null : $"allow-listed CIDR {allowed.Cidr}{(allowed.Reason is null ? "" : $" ({allowed.Reason})")}",
        });
    }

    /// <summary>Completes a network ACL finding: region and account, the entries that admit the traffic.</summary>
    public void Add(AclFindingDraft d)
    {
        var acl = d.Acl;
        var region = Index.RegionOf(acl.NetworkAclId);
        var allowing = d.Opening?.Allowing ?? [];
        _findings.Add(new Finding
        {
            CheckId = d.Check.Id, Severity = d.Check.BaseSeverity, BaseSeverity = d.Check.BaseSeverity, Title = d.Check.Title,
            ResourceType = d.Check.ResourceType, ResourceId = acl.NetworkAclId, ResourceName = acl.Tags.NameTag(), VpcId = acl.VpcId,
            AccountId = region?.AccountId ?? acl.OwnerId, Region = region?.Region,
            Direction = d.Opening is null ? null : "Ingress",
            Rule = allowing.Count == 0 ? null : string.Join("; ", allowing.Select(a => $"ingress entry {a.RuleNumber}")),
            RuleIndex = allowing.Count == 0 ? null : allowing[0].RuleNumber,
            Protocol = d.Protocol, Ports = d.Ports, Source = allowing.Count == 0 ? d.Source : string.Join(" + ", allowing.Select(a => a.Cidr.ToString()).Distinct()),
            Detail = d.Detail, Remediation = d.Check.Remediation, References = d.Check.References,
        });
    }

    /// <summary>The allow-list entry containing every address the rules name, if one does.</summary>
    private AllowedCidr? AllowListed(IReadOnlyList<SecurityGroupRule> rules)
    {
        if (Options.AllowedCidrs.Count == 0 || rules.Count == 0) return null;
        AllowedCidr? match = null;
        foreach (var r in rules)
        {
            if (r.Cidrs is not { Count: > 0 }) return null;
            foreach (var c in r.Cidrs)
            {
                var a = Options.AllowedCidrs.FirstOrDefault(x => x.Cidr.Contains(c));
                if (a is null) return null;
                match ??= a;
            }
        }
        return match;
    }
}
