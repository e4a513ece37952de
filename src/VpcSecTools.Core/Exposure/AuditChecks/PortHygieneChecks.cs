using System.Globalization;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// Port hygiene (low severity, off with <see cref="AuditOptions.PortHygiene"/>): admin ports open to anything but a
/// bastion group, services on their default port open to an address range, one port opened by unrelated tiers.
/// </summary>
internal sealed class PortHygieneChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.AdminPortNotFromBastion, Checks.DefaultServicePort, Checks.PortSharedByTiers];

    public bool RunsWith(AuditOptions options, AuditScope scope) => options.PortHygiene;

    public void Run(AuditContext audit)
    {
        foreach (var g in audit.Groups)
            foreach (var r in audit.Ingress(g)) RuleHygiene(audit, g, r);
        SharedPorts(audit);
    }

    private static void RuleHygiene(AuditContext audit, SecurityGroup g, SecurityGroupRule r)
    {
        if (r.Cidrs is null || !(r.Protocol.IsAll || r.Protocol.HasPorts)) return;
        var options = audit.Options;
        bool internet = r.Cidrs.Any(c => c.Prefix == 0);
        var admin = PortsOf(r, options.AdminPorts);
        // A group referencing itself (the default group's peers) is a cluster, not an admin path from elsewhere.
        if (admin.Length > 0 && !internet && !IsBastionSource(audit, r) && r.Source != g.GroupId)
            audit.Add(new GroupFindingDraft(Checks.AdminPortNotFromBastion, g)
            {
                Rules = [r], Protocol = r.ProtocolText, Ports = string.Join(",", admin),
                Detail = $"Admin port {string.Join(",", admin)} is open to {r.Source}, which is not a bastion security group.",
            });
        var services = PortsOf(r, options.DefaultServicePorts);
        if (services.Length > 0 && r.Kind != RuleSourceKind.SecurityGroup && !internet && !r.OpensAllPorts && r.Ports.Count <= options.WidePortRangeThreshold)
            audit.Add(new GroupFindingDraft(Checks.DefaultServicePort, g)
            {
                Rules = [r], Protocol = r.ProtocolText, Ports = string.Join(",", services),
                Detail = $"Service port {string.Join(",", services)} (its well-known default) is open to the address range {r.Source}.",
            });
    }

    private static bool IsBastionSource(AuditContext audit, SecurityGroupRule r)
    {
        if (r.Kind != RuleSourceKind.SecurityGroup) return false;
        var id = r.Source.Contains('/') ? r.Source[(r.Source.IndexOf('/') + 1)..] : r.Source;
        if (audit.Options.BastionGroupIds.Contains(id)) return true;
        var g = audit.Index.SecurityGroups.GetValueOrDefault(id);
        return g is not null && ((g.GroupName?.Contains("bastion", StringComparison.OrdinalIgnoreCase) ?? false)
            || (g.Tags.NameTag()?.Contains("bastion", StringComparison.OrdinalIgnoreCase) ?? false));
    }

    private static int[] PortsOf(SecurityGroupRule r, IReadOnlyList<int> ports) =>
        ports.Where(p => r.Protocol.IsAll || (r.Protocol.HasPorts && r.Ports.Contains(p))).Distinct().Order().ToArray();

    /// <summary>One port opened by groups that have nothing to do with each other.</summary>
    private static void SharedPorts(AuditContext audit)
    {
        var byPort = new Dictionary<(string Vpc, int Protocol, int Port), List<SecurityGroupRule>>();
        foreach (var g in audit.Groups)
        {
            if (g.VpcId is null) continue;
            foreach (var r in audit.Ingress(g))
            {
                if (!r.Protocol.HasPorts || r.Ports.From != r.Ports.To) continue;
                int port = r.Ports.From;
                if (audit.Options.AllowedPorts.Contains(port) || audit.Options.AdminPorts.Contains(port)) continue;
                var key = (g.VpcId, r.Protocol.Number, port);
                if (!byPort.TryGetValue(key, out var list)) byPort[key] = list = [];
                // Rules of one group arrive together: comparing with the last one keeps one rule per group.
                if (list.Count == 0 || list[^1].GroupId != r.GroupId) list.Add(r);
            }
        }
        Dictionary<string, HashSet<string>>? referrers = null;
        foreach (var ((_, _, port), rules) in byPort)
        {
            if (rules.Count < 2) continue;
            var openers = rules.Select(o => o.GroupId).ToHashSet(StringComparer.Ordinal);
            foreach (var r in rules)
            {
                // Related groups are few (references both ways, groups sharing an ENI): count the rest by
                // subtraction and name the first few, so a port opened by thousands of groups stays linear.
                var related = RelatedGroups(audit.Index, referrers ??= Referrers(audit.Index), r.Group);
                related.Remove(r.GroupId);
                int unrelatedCount = rules.Count - 1 - related.Count(openers.Contains);
                if (unrelatedCount == 0) continue;
                var named = rules.Where(o => o.GroupId != r.GroupId && !related.Contains(o.GroupId)).Take(5).Select(o => o.GroupId).ToArray();
                string more = unrelatedCount > named.Length ? $" and {unrelatedCount - named.Length} more" : "";
                audit.Add(new GroupFindingDraft(Checks.PortSharedByTiers, r.Group)
                {
                    Rules = [r], Protocol = r.ProtocolText, Ports = port.ToString(CultureInfo.InvariantCulture), RelatedGroupIds = named,
                    Detail = $"{r.ProtocolText} {port} is also opened by {string.Join(", ", named)}{more}, which neither reference this group nor share its network interfaces.",
                });
            }
        }
    }

    /// <summary>For each group, the groups whose rules reference it.</summary>
    private static Dictionary<string, HashSet<string>> Referrers(SnapshotIndex index)
    {
        var referrers = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var other in index.SecurityGroups.Values)
            foreach (var id in GroupUsageChecks.ReferencedBy(other))
            {
                if (!referrers.TryGetValue(id, out var set)) referrers[id] = set = new(StringComparer.Ordinal);
                set.Add(other.GroupId);
            }
        return referrers;
    }

    /// <summary>Groups this one references, groups referencing it, and groups on the same ENIs.</summary>
    private static HashSet<string> RelatedGroups(SnapshotIndex index, Dictionary<string, HashSet<string>> referrers, SecurityGroup g)
    {
        var related = new HashSet<string>(GroupUsageChecks.ReferencedBy(g), StringComparer.Ordinal);
        if (referrers.TryGetValue(g.GroupId, out var referring)) related.UnionWith(referring);
        foreach (var eni in index.EnisInGroup(g.GroupId)) foreach (var x in eni.Groups) related.Add(x.GroupId);
        return related;
    }
}
