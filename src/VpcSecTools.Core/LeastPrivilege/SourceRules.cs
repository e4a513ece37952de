using VpcSecTools.Exposure;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// One source of one permission of a security group: the unit EC2 authorizes and revokes (a security-group rule).
/// It carries the flattened rule (protocol, ports, whom it names, as the audit reads it), the permission it belongs to
/// as the reachability engine reads it, and for a group reference the pair itself.
/// </summary>
internal sealed class SourceRule
{
    public SourceRule(int id, SecurityGroupRule rule, GroupPermission? permission, UserIdGroupPair? pair)
    {
        Id = id; Rule = rule; Permission = permission; Pair = pair;
    }

    /// <summary>Its position in the <see cref="SourceRules"/> it belongs to.</summary>
    public int Id { get; }
    public SecurityGroupRule Rule { get; }
    /// <summary>The permission as the reachability engine reads it; null when the group is not the index's own.</summary>
    public GroupPermission? Permission { get; }
    /// <summary>For a group reference, the pair as captured.</summary>
    public UserIdGroupPair? Pair { get; }

    public string GroupId => Rule.GroupId;
    public bool Ingress => Rule.Direction == RuleDirection.Ingress;

    /// <summary>A reference across a deleted peering: it matches nothing (SEMANTICS 4).</summary>
    public bool IsStale => Pair is not null && ResourceState.Is(Pair.PeeringStatus, "deleted");

    /// <summary>Why the rule cannot be read (protocol, ports, CIDR), or null.</summary>
    public string? Problem => Rule.Problem ?? Permission?.CoverageProblem?.ToString()
        ?? (Pair is not null && string.IsNullOrEmpty(Pair.GroupId) ? $"{Rule.Path}.GroupId is missing: which group it means is unknown" : null);

    /// <summary>How many addresses the rule names (its breadth): a CIDR's or prefix list's size, a group's members; null when unknown.</summary>
    public UInt128? AddressCount(SnapshotIndex index)
    {
        if (Rule.Kind == RuleSourceKind.SecurityGroup) return Pair?.GroupId is { Length: > 0 } g ? (UInt128)Math.Max(1, index.EnisInGroup(g).Count) : null;
        if (Rule.Cidrs is null) return null;
        UInt128 total = 0;
        foreach (var c in Rule.Cidrs) total = UInt128.MaxValue - total < c.Size ? UInt128.MaxValue : total + c.Size;
        return total;
    }

    /// <summary>One line: <c>inbound allow tcp 5432 from 10.0.10.0/24</c>.</summary>
    public string Text => $"{(Ingress ? "inbound" : "outbound")} allow {Rule.ProtocolText}{(Rule.Protocol.IsAll ? "" : " " + Rule.PortsText)} {(Ingress ? "from" : "to")} {Rule.Source}";

    public override string ToString() => $"{GroupId} {Text}";
}

/// <summary>
/// The security-group rules of a snapshot, one per source of each permission, numbered once and kept by group and
/// direction: the rule book flow attribution and the tightening proposals share.
/// </summary>
internal sealed class SourceRules
{
    private readonly Dictionary<(string Group, bool Ingress), SourceRule[]> _byGroup = [];
    private readonly List<SourceRule> _all = [];

    public SourceRules(SnapshotIndex index, IEnumerable<SecurityGroup> groups)
    {
        Index = index;
        foreach (var g in groups)
            foreach (var ingress in new[] { true, false })
                _byGroup[(g.GroupId, ingress)] = Read(g, ingress);
    }

    public SnapshotIndex Index { get; }
    public IReadOnlyList<SourceRule> All => _all;

    /// <summary>The rules of one group and direction; empty for a group not in the book.</summary>
    public IReadOnlyList<SourceRule> Of(string groupId, bool ingress) => _byGroup.GetValueOrDefault((groupId, ingress)) ?? [];

    public bool Holds(string groupId) => _byGroup.ContainsKey((groupId, true));

    private SourceRule[] Read(SecurityGroup group, bool ingress)
    {
        var flattened = SecurityGroupRule.Of(group, ingress ? RuleDirection.Ingress : RuleDirection.Egress, Index);
        var own = Index.SecurityGroups.TryGetValue(group.GroupId, out var g) && ReferenceEquals(g, group) ? Index.PermissionsOf(group.GroupId) : null;
        var permissions = own?.Of(ingress);
        var raw = ingress ? group.IpPermissions : group.IpPermissionsEgress;
        var rules = new SourceRule[flattened.Count];
        // SecurityGroupRule.Of lists each permission's pairs last, in order: the k-th reference rule of a permission is its k-th pair.
        var pairIndex = new Dictionary<int, int>();
        for (int i = 0; i < rules.Length; i++)
        {
            var r = flattened[i];
            UserIdGroupPair? pair = null;
            if (r.Kind == RuleSourceKind.SecurityGroup)
            {
                int k = pairIndex.GetValueOrDefault(r.PermissionIndex);
                pairIndex[r.PermissionIndex] = k + 1;
                pair = raw[r.PermissionIndex].UserIdGroupPairs[k];
            }
            rules[i] = new SourceRule(_all.Count, r, permissions?[r.PermissionIndex], pair);
            _all.Add(rules[i]);
        }
        return rules;
    }
}

/// <summary>Ports of a protocol as sorted, disjoint ranges: the ports a set of rules opens.</summary>
internal sealed class PortSet
{
    private readonly PortRange[] _ranges;

    public PortSet(IEnumerable<PortRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r.From).ToList();
        var merged = new List<PortRange>();
        foreach (var r in sorted)
        {
            if (merged.Count > 0 && r.From <= merged[^1].To + 1) merged[^1] = new PortRange(merged[^1].From, Math.Max(merged[^1].To, r.To));
            else merged.Add(r);
        }
        _ranges = merged.ToArray();
    }

    public static readonly PortSet Empty = new([]);

    public IReadOnlyList<PortRange> Ranges => _ranges;

    public bool Contains(int port)
    {
        // A handful of ranges: a linear scan is as fast as a search.
        foreach (var r in _ranges)
        {
            if (port < r.From) return false;
            if (port <= r.To) return true;
        }
        return false;
    }
}
