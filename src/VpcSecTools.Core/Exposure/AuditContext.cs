using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>One check, or a small family of checks, run over the audit's shared context.</summary>
internal interface IAuditCheck
{
    /// <summary>The checks this unit reports (each check belongs to exactly one unit).</summary>
    IReadOnlyList<CheckDefinition> Reports { get; }

    /// <summary>Whether the unit runs at all with these options and this scope.</summary>
    bool RunsWith(AuditOptions options, AuditScope scope) => true;

    void Run(AuditContext audit);
}

/// <summary>
/// What every audit check reads and writes: the snapshot index, the options and scope, the exposure analysis,
/// each group's flattened rules and internet openings (computed once, whichever check asks first), and the
/// findings and notes of the run. It also knows which checks cannot run in which region (a section they need is
/// missing): their findings there are dropped and one <c>Audit.ChecksNotRun</c> finding per region says so.
/// </summary>
internal sealed class AuditContext
{
    private readonly Dictionary<string, IReadOnlyList<SecurityGroupRule>> _ingress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<SecurityGroupRule>> _egress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<InternetOpening>> _openings = new(StringComparer.Ordinal);
    private readonly List<Finding> _findings = [];
    private readonly List<(RegionInventory Region, CheckDefinition[] Checks)> _gaps = [];

    public AuditContext(SnapshotIndex index, AuditOptions options, AuditScope scope, IEnumerable<CheckDefinition> checks)
    {
        Index = index;
        Options = options;
        Scope = scope;
        Exposure = new ExposureAnalysis(index);
        Groups = index.SecurityGroups.Values.Where(scope.IncludesGroup).ToArray();
        Acls = index.NetworkAcls.Values.Where(scope.IncludesAcl).ToArray();
        var running = checks.ToArray();
        foreach (var region in index.Snapshot.Regions.Where(InScope))
        {
            var notRun = running.Where(c => c.Requires.Any(s => !region.Has(s))).ToArray();
            if (notRun.Length > 0) _gaps.Add((region, notRun));
        }
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

    /// <summary>The group's inbound rules that can be read (a prefix list without entries is read, its addresses unknown).</summary>
    public IEnumerable<SecurityGroupRule> Ingress(SecurityGroup g) => Rules(_ingress, g, RuleDirection.Ingress).Where(r => r.Problem is null);

    public IEnumerable<SecurityGroupRule> Egress(SecurityGroup g) => Rules(_egress, g, RuleDirection.Egress).Where(r => r.Problem is null);

    /// <summary>Rules of one direction whose protocol, ports or addresses are not known: judged by their worst case.</summary>
    public IEnumerable<SecurityGroupRule> Unresolved(SecurityGroup g, RuleDirection direction) =>
        Rules(direction == RuleDirection.Ingress ? _ingress : _egress, g, direction).Where(r => !r.IsResolved);

    /// <summary>The group's own openings to the whole IPv4 and IPv6 internet.</summary>
    public IReadOnlyList<InternetOpening> Openings(SecurityGroup g)
    {
        if (!_openings.TryGetValue(g.GroupId, out var openings))
        {
            var rules = Ingress(g).ToArray();
            _openings[g.GroupId] = openings = [.. InternetCoverage.Openings(rules, false), .. InternetCoverage.Openings(rules, true)];
        }
        return openings;
    }

    private IReadOnlyList<SecurityGroupRule> Rules(Dictionary<string, IReadOnlyList<SecurityGroupRule>> cache, SecurityGroup g, RuleDirection direction)
    {
        if (!cache.TryGetValue(g.GroupId, out var rules)) cache[g.GroupId] = rules = SecurityGroupRule.Of(g, direction, Index, Notes);
        return rules;
    }

    /// <summary>
    /// Completes a group finding: region and account, severity after exposure (worst case when it is Unknown), rule
    /// evidence, allow-list, and what is missing when unconfirmed. Returns null when the check cannot run there.
    /// </summary>
    public Finding? Add(GroupFindingDraft d)
    {
        var g = d.Group;
        var region = Index.RegionOf(g.GroupId);
        if (!Runs(d.Check, region)) return null;
        var baseSeverity = d.Severity ?? d.Check.BaseSeverity;
        var severity = d.Exposure is not null && d.Check.SeverityFollowsExposure ? ExposureAnalysis.SeverityFor(d.Exposure.Verdict, baseSeverity) : baseSeverity;
        if (d.WorstCase is { } worst && worst > severity) severity = worst;
        var unknownExposure = d.Exposure is { Verdict: ExposureVerdict.Unknown } e && d.Check.SeverityFollowsExposure ? $"exposure is Unknown: {e.Evidence}" : null;
        var allowed = AllowListed(d.Rules);
        var finding = new Finding
        {
            CheckId = d.Check.Id, Severity = severity, BaseSeverity = baseSeverity, Title = d.Check.Title,
            ResourceType = d.Check.ResourceType, ResourceId = g.GroupId, ResourceName = g.GroupName, VpcId = g.VpcId,
            AccountId = region?.AccountId ?? g.OwnerId, Region = region?.Region,
            Direction = d.Rules.Count == 0 ? null : d.Rules[0].Direction.ToString(),
            Rule = d.Rules.Count == 0 ? null : string.Join("; ", d.Rules.Select(r => r.GroupId == g.GroupId ? r.Path : $"{r.GroupId} {r.Path}")),
            RuleIndex = d.Rules.Count == 0 ? null : d.Rules[0].PermissionIndex,
            Protocol = d.Protocol, Ports = d.Ports, Source = d.Source ?? (d.Rules.Count == 0 ? null : string.Join(" + ", d.Rules.Select(r => r.Source).Distinct())),
            Detail = $"{d.Detail}{(d.Exposure is null ? "" : $" Exposure: {d.Exposure.Evidence}.")}{(d.MissingData is null ? "" : $" Unconfirmed: {d.MissingData}.")}",
            Remediation = d.Check.Remediation, RelatedGroupIds = d.RelatedGroupIds.ToValueList(), Exposure = d.Exposure, References = d.Check.References.ToValueList(),
            Suppressed = allowed is not null,
            SuppressedBy = allowed is null ? null : $"allow-listed CIDR {allowed.Cidr}{(allowed.Reason is null ? "" : $" ({allowed.Reason})")}",
            MissingData = Join(d.MissingData, unknownExposure),
        };
        _findings.Add(finding);
        return finding;
    }

    /// <summary>Completes a network ACL finding: region and account, the entries that admit the traffic, what is missing.</summary>
    public void Add(AclFindingDraft d)
    {
        var acl = d.Acl;
        var region = Index.RegionOf(acl.NetworkAclId);
        if (!Runs(d.Check, region)) return;
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
            Detail = d.MissingData is null ? d.Detail : $"{d.Detail} Unconfirmed: {d.MissingData}.",
            Remediation = d.Check.Remediation, References = d.Check.References.ToValueList(),
            MissingData = d.MissingData,
        });
    }

    /// <summary>
    /// Completes a finding about any other resource as a group finding is completed: region and account, severity after
    /// exposure (worst case when it is Unknown), what is missing when unconfirmed. Returns null when the check cannot run there.
    /// </summary>
    public Finding? Add(ResourceFindingDraft d)
    {
        var region = d.Region ?? Index.RegionOf(d.ResourceId);
        if (!Runs(d.Check, region)) return null;
        var baseSeverity = d.Severity ?? d.Check.BaseSeverity;
        var severity = d.Exposure is not null && d.Check.SeverityFollowsExposure ? ExposureAnalysis.SeverityFor(d.Exposure.Verdict, baseSeverity) : baseSeverity;
        if (d.WorstCase is { } worst && worst > severity) severity = worst;
        var unknownExposure = d.Exposure is { Verdict: ExposureVerdict.Unknown } e && d.Check.SeverityFollowsExposure ? $"exposure is Unknown: {e.Evidence}" : null;
        var finding = new Finding
        {
            CheckId = d.Check.Id, Severity = severity, BaseSeverity = baseSeverity, Title = d.Check.Title,
            ResourceType = d.Check.ResourceType, ResourceId = d.ResourceId, ResourceName = d.ResourceName, VpcId = d.VpcId,
            AccountId = region?.AccountId, Region = region?.Region,
            Rule = d.Rule, Protocol = d.Protocol, Ports = d.Ports, Source = d.Source,
            Detail = $"{d.Detail}{(d.Exposure is null ? "" : $" Exposure: {d.Exposure.Evidence}.")}{(d.MissingData is null ? "" : $" Unconfirmed: {d.MissingData}.")}",
            Remediation = d.Remediation ?? d.Check.Remediation, RelatedGroupIds = d.RelatedGroupIds.ToValueList(), Exposure = d.Exposure, References = d.Check.References.ToValueList(),
            MissingData = Join(d.MissingData, unknownExposure),
        };
        _findings.Add(finding);
        return finding;
    }

    /// <summary>
    /// One <c>Audit.ChecksNotRun</c> finding per region (and account) of the scope where checks lack a section: unconfirmed,
    /// rated by the worst finding those checks could have given.
    /// </summary>
    public void AddChecksNotRun()
    {
        foreach (var (region, checks) in _gaps)
        {
            var missing = Section.All.Select(s => s.Key).Where(key => checks.Any(c => c.Requires.Contains(key)) && !region.Has(key)).ToArray();
            var why = missing.Select(key => region.MissingSections.FirstOrDefault(m => m.Section == key) is { } m ? $"{key}: {m.ErrorCode} ({m.Reason})" : key);
            var account = region.AccountId is null ? "" : $" (account {region.AccountId})";
            var ids = checks.Select(c => c.Id).ToArray();
            var check = Checks.ChecksNotRun;
            var severity = checks.Max(WorstSeverity);
            _findings.Add(new Finding
            {
                CheckId = check.Id, Severity = severity, BaseSeverity = severity, Title = check.Title,
                ResourceType = check.ResourceType, ResourceId = region.AccountId ?? "unknown-account", AccountId = region.AccountId, Region = region.Region,
                Detail = $"The snapshot has no {string.Join(", ", missing)} for {region.Region}{account}: {ids.Length} check(s) did not run there " +
                    $"({string.Join(", ", ids)}); what they would find is Unknown, not absent.",
                Remediation = $"Capture {string.Join(", ", missing.Select(DescribeCall))} for {region.Region} and run the audit again.",
                References = check.References.ToValueList(),
                MissingData = $"{string.Join("; ", why)} of {region.Region}{account}",
                ChecksNotRun = ids,
            });
        }
    }

    /// <summary>The most severe finding a check can give with these options.</summary>
    public Severity WorstSeverity(CheckDefinition check) => check == Checks.EgressAllToAnywhere ? Options.EgressAllSeverity : check.WorstSeverity;

    /// <summary>Whether the check has every section it needs in the region (a resource of no known region is judged).</summary>
    private bool Runs(CheckDefinition check, RegionInventory? region)
    {
        if (region is null) return true;
        foreach (var (r, checks) in _gaps)
            if (ReferenceEquals(r, region)) return !checks.Contains(check);
        return true;
    }

    /// <summary>Whether a region may hold what the scope names (a VPC or group the snapshot cannot place may be anywhere).</summary>
    private bool InScope(RegionInventory region)
    {
        var named = Scope.GroupIds.Count > 0 ? Scope.GroupIds : Scope.VpcIds;
        return named.Count == 0 || named.Any(id => Index.RegionOf(id) is not { } r || ReferenceEquals(r, region));
    }

    /// <summary>
    /// The AWS CLI call that captures a section: <c>SecurityGroups</c> is ec2 describe-security-groups; the sections named
    /// otherwise than their call, and RDS's one, are listed.
    /// </summary>
    internal static string DescribeCall(string section) => section switch
    {
        Section.Reservations => "describe-instances",
        Section.PrefixLists => "describe-managed-prefix-lists",
        Section.PrefixListEntries => "get-managed-prefix-list-entries",
        Section.TransitGatewayStaticRoutes or Section.TransitGatewayPropagatedRoutes => "search-transit-gateway-routes",
        Section.TransitGatewayRouteTableAssociations => "get-transit-gateway-route-table-associations",
        Section.TransitGatewayPropagations => "get-transit-gateway-route-table-propagations",
        Section.DBSubnetGroups => "rds describe-db-subnet-groups",
        _ => "describe-" + string.Concat(section.Select((c, i) => char.IsUpper(c) && i > 0 ? $"-{char.ToLowerInvariant(c)}" : $"{char.ToLowerInvariant(c)}")),
    };

    private static string? Join(string? a, string? b) => a is null ? b : b is null ? a : $"{a}; {b}";

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
