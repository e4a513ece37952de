using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>Openings that only the union of the groups on an ENI makes (coverage across groups).</summary>
internal sealed class CombinedGroupsCheck : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.CombinedGroupsOpenToInternet];

    public void Run(AuditContext audit)
    {
        var scoped = audit.Groups.Select(g => g.GroupId).ToHashSet(StringComparer.Ordinal);
        var sets = new Dictionary<string, (string[] Groups, List<NetworkInterface> Enis)>(StringComparer.Ordinal);
        foreach (var eni in audit.Index.NetworkInterfaces.Values)
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
            var groups = ids.Select(id => audit.Index.SecurityGroups.GetValueOrDefault(id)).OfType<SecurityGroup>().ToArray();
            var rules = groups.SelectMany(audit.Ingress).ToArray();
            // Only sources that are public can add up to the internet; most sets stop here.
            if (rules.Count(r => r.Cidrs is { Count: > 0 } c && c.Any(AddressScope.HoldsInternet)) < 2) continue;
            var single = groups.SelectMany(audit.Openings).ToArray();
            foreach (var ipv6 in new[] { false, true })
                foreach (var opening in InternetCoverage.Openings(rules, ipv6))
                {
                    if (opening.GroupIds.Count < 2) continue;
                    if (single.Any(s => s.IsIPv6 == ipv6 && (s.Protocol.IsAll || s.Protocol == opening.Protocol) && s.Ports.Contains(opening.Ports))) continue;
                    var owner = groups.First(x => x.GroupId == opening.GroupIds[0]);
                    string where = $"from {opening.SourceText} (the whole {(opening.IsIPv6 ? "IPv6" : "IPv4")} internet)";
                    audit.Add(new GroupFindingDraft(Checks.CombinedGroupsOpenToInternet, owner)
                    {
                        Rules = opening.Rules, Protocol = opening.ProtocolText, Ports = opening.PortsText,
                        Exposure = audit.Exposure.Of(enis, opening), RelatedGroupIds = opening.GroupIds.Skip(1).ToArray(),
                        Detail = $"Together, {string.Join(" and ", opening.GroupIds)} open {opening.ProtocolText} {opening.PortsText} {where} on the interfaces that carry all of them; no single group does.",
                    });
                }
        }
    }
}
