using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>Whether a group is used at all, and whether a default group carries rules.</summary>
internal sealed class GroupUsageChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.DefaultGroupHasRules, Checks.UnusedSecurityGroup];

    public void Run(AuditContext audit)
    {
        (HashSet<string> Used, string? Unreadable)? inUse = null;
        foreach (var g in audit.Groups)
        {
            if (g.GroupName == "default")
            {
                if (g.IpPermissions.Count > 0 || g.IpPermissionsEgress.Count > 0)
                    audit.Add(new GroupFindingDraft(Checks.DefaultGroupHasRules, g)
                    {
                        Detail = $"The default group of {g.VpcId} has {g.IpPermissions.Count} inbound and {g.IpPermissionsEgress.Count} outbound permissions; anything launched without a group gets them.",
                    });
                continue;
            }
            // Built once, on first need: the audit stays linear in groups.
            if (audit.Index.EnisInGroup(g.GroupId).Count > 0 || (inUse ??= InUse(audit.Index)).Used.Contains(g.GroupId)) continue;
            audit.Add(new GroupFindingDraft(Checks.UnusedSecurityGroup, g)
            {
                Detail = "No network interface, instance or endpoint in the snapshot uses it and no other group references it. Lambda functions, ECS services, launch templates and other accounts are not in the snapshot: check them before deleting.",
                MissingData = inUse.Value.Unreadable,
            });
        }
    }

    /// <summary>
    /// Groups named by an instance, an endpoint or another group's rule; and the references whose group cannot be read
    /// (any group may be the one they mean, so no group is proven unused while they stand).
    /// </summary>
    private static (HashSet<string> Used, string? Unreadable) InUse(SnapshotIndex index)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var i in index.Instances.Values) foreach (var s in i.SecurityGroups) used.Add(s.GroupId);
        foreach (var v in index.VpcEndpoints.Values) foreach (var s in v.Groups) used.Add(s.GroupId);
        var unreadable = new List<string>();
        foreach (var g in index.SecurityGroups.Values)
        {
            foreach (var id in ReferencedBy(g)) if (id != g.GroupId) used.Add(id);
            foreach (var pair in g.IpPermissions.Concat(g.IpPermissionsEgress).SelectMany(p => p.UserIdGroupPairs))
                if (!string.IsNullOrEmpty(pair.GroupId) && GroupPermission.Named(pair) is null) unreadable.Add($"'{pair.GroupId}' in {g.GroupId}");
        }
        return (used, unreadable.Count == 0 ? null
            : $"a rule references {string.Join(", ", unreadable.Distinct().Take(5))}{(unreadable.Count > 5 ? " and more" : "")}, which names no readable group and may mean this one");
    }

    /// <summary>The groups a group's rules (either direction) reference, <c>account/sg-…</c> read as that group.</summary>
    public static IEnumerable<string> ReferencedBy(SecurityGroup g) =>
        g.IpPermissions.Concat(g.IpPermissionsEgress).SelectMany(p => p.UserIdGroupPairs).Select(u => GroupPermission.Named(u)?.GroupId).OfType<string>();
}
