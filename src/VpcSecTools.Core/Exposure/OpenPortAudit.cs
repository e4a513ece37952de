using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>What to audit: every resource, or only some VPCs or security groups.</summary>
public sealed record AuditScope
{
    public IReadOnlyList<string> VpcIds { get; init; } = [];
    /// <summary>When set, only these security groups are audited (and no NACLs).</summary>
    public IReadOnlyList<string> GroupIds { get; init; } = [];

    public bool IncludesVpc(string? vpcId) => VpcIds.Count == 0 || (vpcId is not null && VpcIds.Contains(vpcId));
    public bool IncludesGroup(SecurityGroup g) => IncludesVpc(g.VpcId) && (GroupIds.Count == 0 || GroupIds.Contains(g.GroupId));
    public bool IncludesAcl(NetworkAcl acl) => GroupIds.Count == 0 && IncludesVpc(acl.VpcId);
}

/// <summary>The audit's answer: every finding (suppressed ones flagged, not dropped) and what could not be judged.</summary>
public sealed record AuditReport(IReadOnlyList<Finding> Findings, IReadOnlyList<string> Notes)
{
    /// <summary>Findings at or above a severity, with or without the suppressed ones.</summary>
    public IEnumerable<Finding> Select(Severity minimum = Severity.Informational, bool includeSuppressed = false) =>
        Findings.Where(f => f.Severity >= minimum && (includeSuppressed || !f.Suppressed));
}

/// <summary>
/// Find-OverlyOpenPort: every security group and NACL rule that opens too much (AUDIT.md), with its exact
/// rule, source and ports, the real exposure of the ENIs behind it, and allow-lists applied.
/// </summary>
public sealed class OpenPortAudit
{
    private readonly SnapshotIndex _index;
    private readonly AuditOptions _options;
    private readonly AuditScope _scope;
    private readonly ExposureAnalysis _exposure;
    private readonly List<Finding> _findings = [];
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, IReadOnlyList<SecurityGroupRule>> _ingress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<InternetOpening>> _openings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (IpAddress Address, NetworkInterface Eni)[]> _addressesByVpc = new(StringComparer.Ordinal);

    private OpenPortAudit(SnapshotIndex index, AuditOptions options, AuditScope scope)
    {
        _index = index; _options = options; _scope = scope; _exposure = new ExposureAnalysis(index);
    }

    /// <summary>Runs every check over the snapshot.</summary>
    public static AuditReport Run(SnapshotIndex index, AuditOptions? options = null, AuditScope? scope = null)
    {
        var audit = new OpenPortAudit(index, options ?? new AuditOptions(), scope ?? new AuditScope());
        audit.RunAll();
        var findings = audit._findings.Select(audit.ApplyAcceptedFindings)
            .OrderByDescending(f => f.Severity).ThenBy(f => f.ResourceId, StringComparer.Ordinal).ThenBy(f => f.CheckId, StringComparer.Ordinal)
            .ToArray();
        return new AuditReport(findings, audit._notes.Distinct().ToArray());
    }

    private void RunAll()
    {
        var groups = _index.SecurityGroups.Values.Where(_scope.IncludesGroup).ToArray();
        foreach (var g in groups) AuditGroup(g);
        AuditCombinedGroups(groups);
        if (_options.PortHygiene) AuditSharedPorts(groups);
        foreach (var acl in _index.NetworkAcls.Values.Where(_scope.IncludesAcl)) AuditNetworkAcl(acl);
    }

    // ---------------------------------------------------------------- security groups

    private IReadOnlyList<SecurityGroupRule> Ingress(SecurityGroup g)
    {
        if (!_ingress.TryGetValue(g.GroupId, out var rules)) _ingress[g.GroupId] = rules = SecurityGroupRule.Of(g, RuleDirection.Ingress, _index, _notes);
        return rules;
    }

    private IReadOnlyList<InternetOpening> Openings(SecurityGroup g)
    {
        if (!_openings.TryGetValue(g.GroupId, out var openings))
        {
            var rules = Ingress(g);
            _openings[g.GroupId] = openings = [.. InternetCoverage.Openings(rules, false), .. InternetCoverage.Openings(rules, true)];
        }
        return openings;
    }

    private void AuditGroup(SecurityGroup g)
    {
        var ingress = Ingress(g);
        var enis = _index.EnisInGroup(g.GroupId);
        foreach (var r in ingress.Where(r => r.Kind == RuleSourceKind.PrefixList && r.Cidrs is null))
            Add(Checks.PrefixListUnknown, g, [r], $"{r.Source} has no captured entries, so whether this rule opens {r.ProtocolText} {r.PortsText} to the internet is Unknown.");

        foreach (var opening in Openings(g))
            InternetChecks(g, opening, _exposure.Of(enis, opening), []);

        Ipv6Parity(g);
        foreach (var r in ingress) RuleChecks(g, r);

        var egress = SecurityGroupRule.Of(g, RuleDirection.Egress, _index, _notes);
        foreach (var opening in InternetCoverage.Openings(egress, false).Concat(InternetCoverage.Openings(egress, true)).Where(o => o.IsAllTraffic))
            Add(Checks.EgressAllToAnywhere, g, opening.Rules,
                $"Outbound {opening.ProtocolText} {opening.PortsText} to {opening.SourceText}: every destination on the {(opening.IsIPv6 ? "IPv6" : "IPv4")} internet.",
                opening.ProtocolText, opening.PortsText, severity: _options.EgressAllSeverity);

        if (g.GroupName == "default" && (g.IpPermissions.Count > 0 || g.IpPermissionsEgress.Count > 0))
            Add(Checks.DefaultGroupHasRules, g, [],
                $"The default group of {g.VpcId} has {g.IpPermissions.Count} inbound and {g.IpPermissionsEgress.Count} outbound permissions; anything launched without a group gets them.");

        Unused(g);
    }

    /// <summary>The port checks of one internet opening: all traffic, allow-list, SSH, RDP, high-risk lists.</summary>
    private void InternetChecks(SecurityGroup g, InternetOpening opening, ExposureSummary exposure, IReadOnlyList<string> related)
    {
        string family = opening.IsIPv6 ? "IPv6" : "IPv4";
        string where = $"from {opening.SourceText} (the whole {family} internet)";
        if (related.Count > 0)
        {
            Add(Checks.CombinedGroupsOpenToInternet, g, opening.Rules,
                $"Together, {string.Join(" and ", opening.GroupIds)} open {opening.ProtocolText} {opening.PortsText} {where} on the interfaces that carry all of them; no single group does.",
                opening.ProtocolText, opening.PortsText, exposure, related);
            return;
        }
        if (opening.IsAllTraffic)
            Add(Checks.AllTrafficFromInternet, g, opening.Rules, $"Every {(opening.Protocol.IsAll ? "protocol and port" : opening.ProtocolText + " port")} is open {where}.",
                opening.ProtocolText, opening.PortsText, exposure);

        var notAllowed = Subtract(opening.Ports, _options.AllowedPorts);
        if (notAllowed.Count > 0)
            Add(Checks.PortOutsideAllowList, g, opening.Rules,
                $"{opening.ProtocolText} {string.Join(",", notAllowed)} open {where}; allowed ports are {string.Join(",", _options.AllowedPorts)}.",
                opening.ProtocolText, string.Join(",", notAllowed), exposure);

        PortCheck(Checks.SshFromInternet, g, opening, [22], where, exposure);
        PortCheck(Checks.RdpFromInternet, g, opening, [3389], where, exposure);
        PortCheck(Checks.HighRiskPortFromInternet, g, opening, _options.HighRiskPorts, where, exposure);
        PortCheck(Checks.ExtendedHighRiskPortFromInternet, g, opening, _options.ExtendedHighRiskPorts, where, exposure);
    }

    private void PortCheck(CheckDefinition check, SecurityGroup g, InternetOpening opening, IReadOnlyList<int> ports, string where, ExposureSummary exposure)
    {
        var open = ports.Where(p => opening.Ports.Contains(p)).Distinct().Order().ToArray();
        if (open.Length == 0) return;
        var protocol = opening.Protocol.IsAll ? IpProtocol.Tcp : opening.Protocol;
        var rules = opening.RulesFor(protocol, open[0]);
        string range = opening.Ports.From == opening.Ports.To || opening.Protocol.IsAll ? "" : $" (through the range {opening.Ports})";
        Add(check, g, rules, $"{opening.ProtocolText} {string.Join(",", open)} open {where}{range}.", opening.ProtocolText, string.Join(",", open), exposure);
    }

    /// <summary>Ports open to one family's internet and not to the other's (IPv6 blind spot).</summary>
    private void Ipv6Parity(SecurityGroup g)
    {
        var openings = Openings(g);
        bool dualStack = g.VpcId is not null && _index.VpcCidrs(g.VpcId).Any(c => c.IsIPv6);
        foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
        {
            var v4 = openings.Where(o => !o.IsIPv6 && (o.Protocol.IsAll || o.Protocol == protocol)).ToArray();
            var v6 = openings.Where(o => o.IsIPv6 && (o.Protocol.IsAll || o.Protocol == protocol)).ToArray();
            foreach (var (only, other, check) in new[] { (v6, v4, Checks.Ipv6OnlyOpening), (v4, v6, Checks.Ipv4OnlyOpening) })
            {
                if (check == Checks.Ipv4OnlyOpening && !dualStack) continue;
                foreach (var o in only)
                {
                    var gaps = Subtract(o.Ports, other.Select(x => x.Ports));
                    if (gaps.Count == 0) continue;
                    string onFamily = o.IsIPv6 ? "IPv6" : "IPv4", offFamily = o.IsIPv6 ? "IPv4" : "IPv6";
                    Add(check, g, o.Rules, $"{protocol} {string.Join(",", gaps)} is open to the whole {onFamily} internet ({o.SourceText}) but not to the {offFamily} internet.",
                        protocol.ToString(), string.Join(",", gaps));
                }
            }
        }
    }

    /// <summary>Checks of one rule on its own: wide public CIDR, public IP on every port, wide range, hygiene, CIDR vs group.</summary>
    private void RuleChecks(SecurityGroup g, SecurityGroupRule r)
    {
        if (r.Cidrs is null) return;
        foreach (var c in r.Cidrs)
        {
            if (c.Prefix == 0 || IsPrivate(c)) continue;
            int limit = c.IsIPv6 ? _options.WidePublicIPv6Prefix : _options.WidePublicIPv4Prefix;
            if (c.Prefix <= limit)
                Add(Checks.WidePublicCidr, g, [r], $"{r.ProtocolText} {r.PortsText} open to {c} ({c.Size} public addresses){Via(r, c)}.", r.ProtocolText, r.PortsText, source: c.ToString());
            if (c.Prefix == (c.IsIPv6 ? 128 : 32) && r.OpensAllPorts)
                Add(Checks.PublicIpAnyPort, g, [r], $"The public address {c.First} may reach every {(r.Protocol.IsAll ? "protocol and port" : r.ProtocolText + " port")}{Via(r, c)}.", r.ProtocolText, r.PortsText, source: c.ToString());
        }

        bool hasPorts = r.Protocol.IsAll || r.Protocol.HasPorts;
        int count = r.Protocol.IsAll ? PortRange.All.Count : r.Ports.Count;
        if (r.Kind != RuleSourceKind.SecurityGroup && hasPorts && count > _options.WidePortRangeThreshold && r.Cidrs.Count > 0)
            Add(Checks.WidePortRange, g, [r], $"{r.ProtocolText} {r.PortsText} ({count} ports) open to {r.Source}; the threshold is {_options.WidePortRangeThreshold}.", r.ProtocolText, r.PortsText);

        if (r.Kind != RuleSourceKind.SecurityGroup && r.Cidrs.Count > 0)
            CidrMatchesGroup(g, r);

        if (!_options.PortHygiene || !hasPorts) return;
        bool internet = r.Cidrs.Any(c => c.Prefix == 0);
        var admin = PortsOf(r, _options.AdminPorts);
        // A group referencing itself (the default group's peers) is a cluster, not an admin path from elsewhere.
        if (admin.Length > 0 && !internet && !IsBastionSource(r) && r.Source != g.GroupId)
            Add(Checks.AdminPortNotFromBastion, g, [r], $"Admin port {string.Join(",", admin)} is open to {r.Source}, which is not a bastion security group.", r.ProtocolText, string.Join(",", admin));
        var services = PortsOf(r, _options.DefaultServicePorts);
        if (services.Length > 0 && r.Kind != RuleSourceKind.SecurityGroup && !internet && !r.OpensAllPorts && r.Ports.Count <= _options.WidePortRangeThreshold)
            Add(Checks.DefaultServicePort, g, [r], $"Service port {string.Join(",", services)} (its well-known default) is open to the address range {r.Source}.", r.ProtocolText, string.Join(",", services));
    }

    private static string Via(SecurityGroupRule r, Cidr c) => r.Kind == RuleSourceKind.PrefixList ? $" through prefix list {r.Source}" : "";

    private bool IsBastionSource(SecurityGroupRule r)
    {
        if (r.Kind != RuleSourceKind.SecurityGroup) return false;
        var id = r.Source.Contains('/') ? r.Source[(r.Source.IndexOf('/') + 1)..] : r.Source;
        if (_options.BastionGroupIds.Contains(id)) return true;
        var g = _index.SecurityGroups.GetValueOrDefault(id);
        return g is not null && ((g.GroupName?.Contains("bastion", StringComparison.OrdinalIgnoreCase) ?? false)
            || (g.Tags.NameTag()?.Contains("bastion", StringComparison.OrdinalIgnoreCase) ?? false));
    }

    private static int[] PortsOf(SecurityGroupRule r, IReadOnlyList<int> ports) =>
        ports.Where(p => r.Protocol.IsAll || (r.Protocol.HasPorts && r.Ports.Contains(p))).Distinct().Order().ToArray();

    /// <summary>A private CIDR source whose ENIs are exactly the members of one group (suggest the reference).</summary>
    private void CidrMatchesGroup(SecurityGroup g, SecurityGroupRule r)
    {
        if (g.VpcId is null) return;
        var addresses = AddressesOf(g.VpcId);
        foreach (var c in r.Cidrs!)
        {
            if (c.Prefix == 0 || !IsPrivate(c)) continue;
            int lo = LowerBound(addresses, c.First), hi = LowerBound(addresses, c.Last, inclusive: true);
            if (hi <= lo) continue;
            foreach (var candidate in addresses[lo].Eni.Groups.Select(x => x.GroupId).Distinct())
            {
                var members = _index.EnisInGroup(candidate).Where(e => e.VpcId == g.VpcId).ToArray();
                int inside = members.Sum(m => AddressesOfEni(m).Count(a => c.Contains(a)));
                // Every address in the range belongs to a member, and every member has one in the range.
                if (inside != hi - lo || members.Any(m => !AddressesOfEni(m).Any(a => c.Contains(a)))) continue;
                Add(Checks.CidrMatchesGroup, g, [r],
                    $"{c} covers exactly the {members.Length} network interface(s) of {candidate}; referencing {candidate} would admit the same today and nothing else tomorrow.",
                    r.ProtocolText, r.PortsText, related: [candidate], source: c.ToString());
                break;
            }
        }
    }

    private (IpAddress Address, NetworkInterface Eni)[] AddressesOf(string vpcId)
    {
        if (_addressesByVpc.TryGetValue(vpcId, out var list)) return list;
        list = _index.NetworkInterfaces.Values.Where(e => e.VpcId == vpcId)
            .SelectMany(e => AddressesOfEni(e).Select(a => (a, e))).OrderBy(x => x.a).ToArray();
        return _addressesByVpc[vpcId] = list;
    }

    private static IEnumerable<IpAddress> AddressesOfEni(NetworkInterface e) =>
        e.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(e.PrivateIpAddress).Concat(e.Ipv6Addresses.Select(a => a.Ipv6Address))
            .Where(t => !string.IsNullOrEmpty(t)).Distinct().Select(t => IpAddress.TryParse(t, out var ip) ? (IpAddress?)ip : null)
            .Where(ip => ip is not null).Select(ip => ip!.Value);

    private static int LowerBound((IpAddress Address, NetworkInterface Eni)[] items, IpAddress key, bool inclusive = false)
    {
        int lo = 0, hi = items.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            int cmp = items[mid].Address.CompareTo(key);
            if (cmp < 0 || (inclusive && cmp == 0)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    private void Unused(SecurityGroup g)
    {
        if (g.GroupName == "default") return;
        if (!_index.Captured(g.GroupId, Section.NetworkInterfaces))
        {
            _notes.Add($"{g.GroupId}: NetworkInterfaces not captured, so whether it is used is Unknown");
            return;
        }
        if (_index.EnisInGroup(g.GroupId).Count > 0 || InUse.Contains(g.GroupId)) return;
        Add(Checks.UnusedSecurityGroup, g, [],
            "No network interface, instance or endpoint in the snapshot uses it and no other group references it. Lambda functions, ECS services, launch templates and other accounts are not in the snapshot: check them before deleting.");
    }

    private HashSet<string>? _inUse;

    /// <summary>Groups named by an instance, an endpoint or another group's rule (built once: the audit is linear).</summary>
    private HashSet<string> InUse => _inUse ??= BuildInUse();

    private HashSet<string> BuildInUse()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in _index.Instances.Values) foreach (var s in i.SecurityGroups) used.Add(s.GroupId);
        foreach (var v in _index.VpcEndpoints.Values) foreach (var s in v.Groups) used.Add(s.GroupId);
        foreach (var g in _index.SecurityGroups.Values)
            foreach (var id in ReferencedBy(g)) if (id != g.GroupId) used.Add(id);
        return used;
    }

    private static IEnumerable<string> ReferencedBy(SecurityGroup g) =>
        g.IpPermissions.Concat(g.IpPermissionsEgress).SelectMany(p => p.UserIdGroupPairs).Select(u => u.GroupId).OfType<string>();

    /// <summary>Openings that only the union of the groups on an ENI makes (coverage across groups).</summary>
    private void AuditCombinedGroups(IReadOnlyList<SecurityGroup> inScope)
    {
        var scoped = inScope.Select(g => g.GroupId).ToHashSet(StringComparer.Ordinal);
        var sets = new Dictionary<string, (string[] Groups, List<NetworkInterface> Enis)>(StringComparer.Ordinal);
        foreach (var eni in _index.NetworkInterfaces.Values)
        {
            if (eni.Groups.Count < 2) continue;
            var ids = eni.Groups.Select(x => x.GroupId).Distinct().Order(StringComparer.Ordinal).ToArray();
            if (ids.Length < 2 || !ids.Any(scoped.Contains)) continue;
            var key = string.Join(",", ids);
            if (!sets.TryGetValue(key, out var set)) sets[key] = set = (ids, []);
            set.Enis.Add(eni);
        }
        foreach (var (ids, enis) in sets.Values)
        {
            var groups = ids.Select(id => _index.SecurityGroups.GetValueOrDefault(id)).OfType<SecurityGroup>().ToArray();
            var rules = groups.SelectMany(Ingress).ToArray();
            // Only sources that are public can add up to the internet; most sets stop here.
            if (rules.Count(r => r.Cidrs is { Count: > 0 } c && c.Any(x => !IsPrivate(x))) < 2) continue;
            var single = groups.SelectMany(Openings).ToArray();
            foreach (var ipv6 in new[] { false, true })
                foreach (var opening in InternetCoverage.Openings(rules, ipv6))
                {
                    if (opening.GroupIds.Count < 2) continue;
                    if (single.Any(s => s.IsIPv6 == ipv6 && (s.Protocol.IsAll || s.Protocol == opening.Protocol) && s.Ports.Contains(opening.Ports))) continue;
                    var owner = groups.First(x => x.GroupId == opening.GroupIds[0]);
                    InternetChecks(owner, opening, _exposure.Of(enis, opening), opening.GroupIds.Skip(1).ToArray());
                }
        }
    }

    /// <summary>One port opened by groups that have nothing to do with each other (port hygiene).</summary>
    private void AuditSharedPorts(IReadOnlyList<SecurityGroup> groups)
    {
        var byPort = new Dictionary<(string Vpc, int Protocol, int Port), List<SecurityGroupRule>>();
        foreach (var g in groups)
        {
            if (g.VpcId is null) continue;
            foreach (var r in Ingress(g))
            {
                if (!r.Protocol.HasPorts || r.Ports.From != r.Ports.To) continue;
                int port = r.Ports.From;
                if (_options.AllowedPorts.Contains(port) || _options.AdminPorts.Contains(port)) continue;
                var key = (g.VpcId, r.Protocol.Number, port);
                if (!byPort.TryGetValue(key, out var list)) byPort[key] = list = [];
                // Rules of one group arrive together: comparing with the last one keeps one rule per group.
                if (list.Count == 0 || list[^1].GroupId != r.GroupId) list.Add(r);
            }
        }
        foreach (var ((_, _, port), rules) in byPort)
        {
            if (rules.Count < 2) continue;
            var openers = rules.Select(o => o.GroupId).ToHashSet(StringComparer.Ordinal);
            foreach (var r in rules)
            {
                // Related groups are few (references both ways, groups sharing an ENI): count the rest by
                // subtraction and name the first few, so a port opened by thousands of groups stays linear.
                var related = RelatedGroups(r.Group);
                related.Remove(r.GroupId);
                int unrelatedCount = rules.Count - 1 - related.Count(openers.Contains);
                if (unrelatedCount == 0) continue;
                var named = rules.Where(o => o.GroupId != r.GroupId && !related.Contains(o.GroupId)).Take(5).Select(o => o.GroupId).ToArray();
                string more = unrelatedCount > named.Length ? $" and {unrelatedCount - named.Length} more" : "";
                Add(Checks.PortSharedByTiers, r.Group, [r],
                    $"{r.ProtocolText} {port} is also opened by {string.Join(", ", named)}{more}, which neither reference this group nor share its network interfaces.",
                    r.ProtocolText, port.ToString(System.Globalization.CultureInfo.InvariantCulture), related: named);
            }
        }
    }

    private Dictionary<string, HashSet<string>>? _referencedByGroup;

    /// <summary>Groups this one references, groups referencing it, and groups on the same ENIs.</summary>
    private HashSet<string> RelatedGroups(SecurityGroup g)
    {
        if (_referencedByGroup is null)
        {
            _referencedByGroup = new(StringComparer.Ordinal);
            foreach (var other in _index.SecurityGroups.Values)
                foreach (var id in ReferencedBy(other))
                {
                    if (!_referencedByGroup.TryGetValue(id, out var set)) _referencedByGroup[id] = set = new(StringComparer.Ordinal);
                    set.Add(other.GroupId);
                }
        }
        var related = new HashSet<string>(ReferencedBy(g), StringComparer.Ordinal);
        if (_referencedByGroup.TryGetValue(g.GroupId, out var referrers)) related.UnionWith(referrers);
        foreach (var eni in _index.EnisInGroup(g.GroupId)) foreach (var x in eni.Groups) related.Add(x.GroupId);
        return related;
    }

    // ---------------------------------------------------------------- network ACLs

    private void AuditNetworkAcl(NetworkAcl acl)
    {
        if (acl.IsDefault != true && acl.Associations.Count(a => a.SubnetId is not null) == 0)
            AddAcl(Checks.UnusedNetworkAcl, acl, "It is associated with no subnet.", null, null, null, null);

        foreach (var ipv6 in new[] { false, true })
        {
            var entries = NetworkAclEvaluation.Entries(acl, false, ipv6, _notes);
            if (entries.Count == 0) continue;
            string family = ipv6 ? "::/0" : "0.0.0.0/0";
            if (NetworkAclEvaluation.AllTrafficOpen(entries, ipv6, out var all))
                AddAcl(Checks.NaclAllFromInternet, acl, $"Every protocol and port is admitted from {family}{Shadowed(all)}.", all, "all", "all", family);
            foreach (var (check, port) in new[] { (Checks.NaclSshFromInternet, 22), (Checks.NaclRdpFromInternet, 3389) })
                foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
                {
                    var opening = NetworkAclEvaluation.OpenToInternet(entries, protocol, new PortRange(port, port), ipv6);
                    if (opening.IsEmpty) continue;
                    AddAcl(check, acl, $"{protocol} {port} is admitted from {family} by {string.Join(", ", opening.Allowing)}{Shadowed(opening)}.", opening, protocol.ToString(), $"{port}", family);
                    break;
                }
        }
    }

    private static string Shadowed(AclOpening o) =>
        o.Shadowing.Count == 0 ? "" : $" ({string.Join(", ", o.Shadowing)} first)";

    private void AddAcl(CheckDefinition check, NetworkAcl acl, string detail, AclOpening? opening, string? protocol, string? ports, string? source)
    {
        var region = _index.RegionOf(acl.NetworkAclId);
        var allowing = opening?.Allowing ?? [];
        _findings.Add(new Finding
        {
            CheckId = check.Id, Severity = check.BaseSeverity, BaseSeverity = check.BaseSeverity, Title = check.Title,
            ResourceType = check.ResourceType, ResourceId = acl.NetworkAclId, ResourceName = acl.Tags.NameTag(), VpcId = acl.VpcId,
            AccountId = region?.AccountId ?? acl.OwnerId, Region = region?.Region,
            Direction = opening is null ? null : "Ingress",
            Rule = allowing.Count == 0 ? null : string.Join("; ", allowing.Select(a => $"ingress entry {a.RuleNumber}")),
            RuleIndex = allowing.Count == 0 ? null : allowing[0].RuleNumber,
            Protocol = protocol, Ports = ports, Source = allowing.Count == 0 ? source : string.Join(" + ", allowing.Select(a => a.Cidr.ToString()).Distinct()),
            Detail = detail, Remediation = check.Remediation, References = check.References.ToValueList(),
        });
    }

    // ---------------------------------------------------------------- findings

    private void Add(CheckDefinition check, SecurityGroup g, IReadOnlyList<SecurityGroupRule> rules, string detail,
        string? protocol = null, string? ports = null, ExposureSummary? exposure = null, IReadOnlyList<string>? related = null,
        Severity? severity = null, string? source = null)
    {
        var region = _index.RegionOf(g.GroupId);
        var baseSeverity = severity ?? check.BaseSeverity;
        var final = exposure is not null && check.SeverityFollowsExposure ? ExposureAnalysis.SeverityFor(exposure.Verdict, baseSeverity) : baseSeverity;
        var allowed = AllowListed(rules);
        _findings.Add(new Finding
        {
            CheckId = check.Id, Severity = final, BaseSeverity = baseSeverity, Title = check.Title,
            ResourceType = check.ResourceType, ResourceId = g.GroupId, ResourceName = g.GroupName, VpcId = g.VpcId,
            AccountId = region?.AccountId ?? g.OwnerId, Region = region?.Region,
            Direction = rules.Count == 0 ? null : rules[0].Direction.ToString(),
            Rule = rules.Count == 0 ? null : string.Join("; ", rules.Select(r => r.GroupId == g.GroupId ? r.Path : $"{r.GroupId} {r.Path}")),
            RuleIndex = rules.Count == 0 ? null : rules[0].PermissionIndex,
            Protocol = protocol, Ports = ports, Source = source ?? (rules.Count == 0 ? null : string.Join(" + ", rules.Select(r => r.Source).Distinct())),
            Detail = exposure is null ? detail : $"{detail} Exposure: {exposure.Evidence}.",
            Remediation = check.Remediation, RelatedGroupIds = related?.ToValueList() ?? [], Exposure = exposure, References = check.References.ToValueList(),
            Suppressed = allowed is not null,
            SuppressedBy = allowed is null ? null : $"allow-listed CIDR {allowed.Cidr}{(allowed.Reason is null ? "" : $" ({allowed.Reason})")}",
        });
    }

    /// <summary>The allow-list entry containing every address the rules name, if one does.</summary>
    private AllowedCidr? AllowListed(IReadOnlyList<SecurityGroupRule> rules)
    {
        if (_options.AllowedCidrs.Count == 0 || rules.Count == 0) return null;
        AllowedCidr? match = null;
        foreach (var r in rules)
        {
            if (r.Cidrs is not { Count: > 0 }) return null;
            foreach (var c in r.Cidrs)
            {
                var a = _options.AllowedCidrs.FirstOrDefault(x => x.Cidr.Contains(c));
                if (a is null) return null;
                match ??= a;
            }
        }
        return match;
    }

    private Finding ApplyAcceptedFindings(Finding f)
    {
        if (f.Suppressed) return f;
        var accepted = _options.AcceptedFindings.FirstOrDefault(a => a.Matches(f));
        return accepted is null ? f : f with { Suppressed = true, SuppressedBy = $"accepted finding {accepted.CheckId} {accepted.ResourceId}{(accepted.Reason is null ? "" : $" ({accepted.Reason})")}" };
    }

    // ---------------------------------------------------------------- small pure helpers

    private static readonly Cidr[] NonPublic =
    [
        .. Cidr.Rfc1918, Cidr.SharedAddressSpace, Cidr.Ipv6UniqueLocal,
        Cidr.Parse("127.0.0.0/8"), Cidr.Parse("169.254.0.0/16"), Cidr.Parse("fe80::/10"),
    ];

    /// <summary>Inside RFC 1918, carrier-grade NAT, loopback, link-local or IPv6 unique-local space.</summary>
    public static bool IsPrivate(Cidr c) => NonPublic.Any(p => p.Contains(c));

    /// <summary>The ports of <paramref name="range"/> outside <paramref name="excluded"/>, as ranges.</summary>
    public static IReadOnlyList<PortRange> Subtract(PortRange range, IEnumerable<int> excluded) =>
        Subtract(range, excluded.Select(p => new PortRange(p, p)));

    public static IReadOnlyList<PortRange> Subtract(PortRange range, IEnumerable<PortRange> excluded)
    {
        var result = new List<PortRange> { range };
        foreach (var x in excluded.OrderBy(p => p.From))
        {
            var next = new List<PortRange>();
            foreach (var r in result)
            {
                if (!r.Overlaps(x)) { next.Add(r); continue; }
                if (r.From < x.From) next.Add(new PortRange(r.From, x.From - 1));
                if (r.To > x.To) next.Add(new PortRange(x.To + 1, r.To));
            }
            result = next;
        }
        return result;
    }
}
