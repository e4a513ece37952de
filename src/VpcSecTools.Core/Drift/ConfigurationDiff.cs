using System.Collections;
using System.Text.Json;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>
/// The configuration changes between two snapshots, section by section of the snapshot catalogue (<see cref="Section.All"/>),
/// so a section added to the catalogue is compared too. Regions are matched by account and region. A section (or a region)
/// that either snapshot lacks is a gap, Unknown, never "unchanged".
/// </summary>
internal static class ConfigurationDiff
{
    public static List<DriftChange> Compare(SnapshotIndex before, SnapshotIndex after)
    {
        var changes = new List<DriftChange>();
        var earlier = before.Snapshot.Regions.ToLookup(RegionKey);
        var later = after.Snapshot.Regions.ToLookup(RegionKey);
        foreach (var key in earlier.Select(g => g.Key).Concat(later.Select(g => g.Key)).Distinct().Order())
        {
            var (a, b) = (earlier[key].FirstOrDefault(), later[key].FirstOrDefault());
            if (a is null || b is null)
            {
                var region = (a ?? b)!;
                changes.Add(Gap(DriftKind.Configuration, region, "*", a is null ? "reference" : "difference",
                    $"{Where(region)} is only in the {(a is null ? "difference" : "reference")} snapshot: what changed there is Unknown"));
                continue;
            }
            foreach (var section in Section.All)
            {
                if (a.Has(section.Key) && b.Has(section.Key)) Compare(section, a, b, before, after, changes);
                else changes.Add(Gap(DriftKind.Configuration, b, section.Key, MissingIn(a, b, section.Key),
                    $"{section.Key} of {Where(b)} is not in {MissingText(a, b, section.Key)}: its changes are Unknown"));
            }
        }
        return changes;
    }

    /// <summary>A region's match key: its account (when known) and name.</summary>
    public static string RegionKey(RegionInventory r) => $"{r.AccountId}/{r.Region}";

    public static string Where(RegionInventory r) => r.AccountId is null ? r.Region : $"{r.Region} of {r.AccountId}";

    /// <summary>Which snapshot lacks the section: <c>reference</c>, <c>difference</c> or <c>both</c>.</summary>
    public static string MissingIn(RegionInventory a, RegionInventory b, string section) =>
        !a.Has(section) && !b.Has(section) ? "both" : !a.Has(section) ? "reference" : "difference";

    private static string MissingText(RegionInventory a, RegionInventory b, string section) => MissingIn(a, b, section) switch
    {
        "both" => "either snapshot",
        "reference" => "the reference snapshot",
        _ => "the difference snapshot",
    };

    public static DriftGap Gap(DriftKind kind, RegionInventory region, string section, string missingIn, string summary) => new(kind)
    {
        Change = DriftChangeKind.Unknown, AccountId = region.AccountId, Region = region.Region, Subject = section == "*" ? Where(region) : section,
        Section = section, MissingIn = missingIn, Summary = summary,
    };

    private static void Compare(Section section, RegionInventory a, RegionInventory b, SnapshotIndex before, SnapshotIndex after, List<DriftChange> changes)
    {
        var earlier = ById(section, section.Get(a));
        var later = ById(section, section.Get(b));
        foreach (var (id, item) in earlier)
            if (!later.ContainsKey(id)) Whole(section, b, id, item, before, added: false, changes);
        foreach (var (id, item) in later)
        {
            if (!earlier.TryGetValue(id, out var old)) { Whole(section, b, id, item, after, added: true, changes); continue; }
            // Most resources are unchanged: equal JSON means nothing to take apart.
            if (JsonSerializer.SerializeToUtf8Bytes(old, section.ItemType, SnapshotJson.Options).AsSpan()
                .SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(item, section.ItemType, SnapshotJson.Options))) continue;
            var was = Keyed(ResourceElements.Of(section, old, before));
            var now = Keyed(ResourceElements.Of(section, item, after));
            foreach (var e in Grouped(was.Where(p => !now.ContainsKey(p.Key)).Select(p => p.Value), now))
                changes.Add(Element(section, b, id, item, after, DriftChangeKind.Removed, e, e.Text, null));
            foreach (var e in Grouped(now.Where(p => !was.ContainsKey(p.Key)).Select(p => p.Value), was))
                changes.Add(Element(section, b, id, item, after, DriftChangeKind.Added, e, null, e.Text));
            foreach (var (key, e) in now)
                if (was.TryGetValue(key, out var prior) && prior.Text != e.Text)
                    changes.Add(Element(section, b, id, item, after, DriftChangeKind.Modified, e, prior.Text, e.Text));
        }
    }

    /// <summary>A resource only one snapshot holds, then the rules, entries or routes it brought or took away.</summary>
    private static void Whole(Section section, RegionInventory region, string id, object item, SnapshotIndex index, bool added, List<DriftChange> changes)
    {
        var kind = added ? DriftChangeKind.Added : DriftChangeKind.Removed;
        var text = Describe(item, id);
        var resource = new ResourceElement("resource", "resource", text);
        changes.Add(Element(section, region, id, item, index, kind, resource, added ? null : text, added ? text : null));
        foreach (var e in ResourceElements.RulesOf(item, index))
            changes.Add(Element(section, region, id, item, index, kind, e, added ? null : e.Text, added ? e.Text : null));
    }

    private static ConfigurationChange Element(Section section, RegionInventory region, string id, object item, SnapshotIndex index,
        DriftChangeKind kind, ResourceElement e, string? before, string? after)
    {
        var name = NameOf(item);
        var change = e.Label == "resource"
            ? $"{section.ItemType.Name} {(kind == DriftChangeKind.Added ? "added" : "removed")}: {before ?? after}"
            : kind switch
            {
                DriftChangeKind.Added => $"{e.Label} added: {after}",
                DriftChangeKind.Removed => $"{e.Label} removed: {before}",
                _ => $"{e.Label}: {before} -> {after}",
            };
        return new ConfigurationChange
        {
            Change = kind, AccountId = region.AccountId, Region = region.Region, Subject = name is null ? id : $"{id} {name}",
            Summary = change, Section = section.Key, ResourceType = section.ItemType.Name, ResourceId = id, ResourceName = name, VpcId = VpcOf(item),
            Element = e.Label, Before = before, After = after, UsedBy = UsedBy(item, index).ToValueList(), Rule = e.Rule,
        };
    }

    /// <summary>
    /// Values that came (or went) together under a member the other snapshot does not have at all are one change:
    /// <c>Attachment added: InstanceId=i-1, Status=attached</c> rather than one line per value.
    /// </summary>
    private static IEnumerable<ResourceElement> Grouped(IEnumerable<ResourceElement> only, Dictionary<string, ResourceElement> other)
    {
        var groups = new List<(string Parent, List<(string Path, ResourceElement Element)> Members)>();
        foreach (var e in only)
        {
            // Rules, entries, routes and set items are changes of their own; only values found by their path are grouped.
            var parent = e.Key.Contains('|', StringComparison.Ordinal) || e.Key.Contains("[]", StringComparison.Ordinal) ? null
                : Ancestors(e.Key).FirstOrDefault(a => !other.Keys.Any(k => k == a || k.StartsWith(a + ".", StringComparison.Ordinal) || k.StartsWith(a + "[", StringComparison.Ordinal)));
            if (parent is null) { yield return e; continue; }
            var group = groups.Find(g => g.Parent == parent);
            if (group.Members is null) groups.Add(group = (parent, []));
            group.Members.Add((e.Key[(parent.Length + 1)..], e));
        }
        foreach (var (parent, members) in groups)
            yield return new ResourceElement(parent, parent, string.Join(", ", members.Select(m => $"{m.Path}={m.Element.Text}")));
    }

    /// <summary>The member paths above a value's path, outermost first (<c>A</c>, <c>A.B</c> for <c>A.B.C</c>); brackets are not split.</summary>
    private static IEnumerable<string> Ancestors(string path)
    {
        int depth = 0;
        for (int i = 0; i < path.Length; i++)
        {
            if (path[i] == '[') depth++;
            else if (path[i] == ']') depth--;
            else if (path[i] == '.' && depth == 0) yield return path[..i];
        }
    }

    private static Dictionary<string, object> ById(Section section, IList items)
    {
        var map = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var item in items)
            if (section.IdOf(item) is { Length: > 0 } id) map.TryAdd(id, item);
        return map;
    }

    /// <summary>Elements by key; one that occurs twice (the same rule written twice) keeps both, numbered.</summary>
    private static Dictionary<string, ResourceElement> Keyed(IEnumerable<ResourceElement> elements)
    {
        var map = new Dictionary<string, ResourceElement>(StringComparer.Ordinal);
        foreach (var e in elements)
        {
            var key = e.Key;
            for (int n = 2; map.ContainsKey(key); n++) key = $"{e.Key}#{n}";
            map[key] = e;
        }
        return map;
    }

    /// <summary>What a group, table or NACL serves, so a reader sees what a rule change touches.</summary>
    private static IReadOnlyList<string> UsedBy(object item, SnapshotIndex index) => item switch
    {
        SecurityGroup g => index.EnisInGroup(g.GroupId).Select(e => e.NetworkInterfaceId).ToArray(),
        RouteTable t when index.RouteTables.ContainsKey(t.RouteTableId) => index.SubnetsUsing(t).Select(s => s.SubnetId).ToArray(),
        NetworkAcl acl => index.SubnetsOf(acl.VpcId).Where(s => index.NetworkAclOf(s.SubnetId).Acl?.NetworkAclId == acl.NetworkAclId).Select(s => s.SubnetId).ToArray(),
        _ => [],
    };

    private static string? NameOf(object item) => item switch
    {
        SecurityGroup g => g.GroupName ?? g.Tags.NameTag(),
        NetworkInterface e => e.TagSet.NameTag(),
        _ => item.GetType().GetProperty("Tags")?.GetValue(item) is IReadOnlyList<Tag> tags ? tags.NameTag() : null,
    };

    private static string? VpcOf(object item) => item.GetType().GetProperty("VpcId")?.GetValue(item) as string;

    private static string Describe(object item, string id)
    {
        var parts = new List<string> { id };
        if (NameOf(item) is { } name) parts.Add($"({name})");
        if (VpcOf(item) is { } vpc) parts.Add($"in {vpc}");
        return string.Join(" ", parts);
    }
}
