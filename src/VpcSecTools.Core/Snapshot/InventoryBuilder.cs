using System.Collections;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace VpcSecTools.Snapshot;

/// <summary>
/// Gathers the sections of one region from any number of files or pages. The same item twice is kept
/// once; the same id with different content is an error naming both places.
/// </summary>
public sealed partial class InventoryBuilder
{
    private readonly Dictionary<Section, Dictionary<string, (object Item, string Place)>> _items = [];
    private readonly List<MissingSection> _missing = [];

    public InventoryBuilder(string? region = null, string? accountId = null)
    {
        Region = region;
        AccountId = accountId;
    }

    public string? Region { get; set; }
    public string? AccountId { get; set; }

    /// <summary>Marks a section as captured even when it holds nothing.</summary>
    public void Capture(Section section)
    {
        if (!_items.ContainsKey(section)) _items[section] = new Dictionary<string, (object, string)>(StringComparer.Ordinal);
    }

    public void Add(Section section, object item, string place)
    {
        Capture(section);
        var id = section.IdOf(item);
        if (string.IsNullOrEmpty(id))
            throw new SnapshotFormatException(place, $"a {section.Key} item has no {section.IdName}");
        var byId = _items[section];
        if (byId.TryGetValue(id, out var existing))
        {
            if (!SameContent(existing.Item, item, section.ItemType))
                throw new SnapshotFormatException(place, $"{section.IdName} {id} also appears at {existing.Place} with different content");
            return;
        }
        byId[id] = (item, place);
    }

    public void AddMissing(MissingSection missing) => _missing.Add(missing);

    /// <summary>
    /// Sections whose items exist in one region only: a cross-region peering (and a transit-gateway peering attachment) is
    /// described in both of its regions, and DB subnet group names and prefix lists are not ids unique across regions.
    /// </summary>
    private static readonly Section[] Regional = Section.All.Where(s => s.Key is not (Section.VpcPeeringConnections or Section.TransitGatewayAttachments
        or Section.DBSubnetGroups or Section.PrefixLists or Section.PrefixListEntries)).ToArray();

    /// <summary>
    /// The same id in two regions is an error naming it and both: AWS ids are unique across regions, so it is a damaged capture
    /// or one region's files copied into another's, and keeping either copy would answer for a region with the other's
    /// resource (or count it twice). Within one region the same item twice is kept once; here the region is part of the item.
    /// </summary>
    /// <param name="regions">Each region with its place (a folder, or a path in <paramref name="file"/>).</param>
    /// <param name="file">The one file every place is in, when they are.</param>
    public static void EnsureRegionalIdsUnique(IEnumerable<(RegionInventory Inventory, string Place)> regions, string? file = null)
    {
        var seen = new Dictionary<(string Section, string Id), (string Region, string Place)>();
        foreach (var (inventory, place) in regions)
            foreach (var section in Regional)
                foreach (var item in section.Get(inventory))
                {
                    if (section.IdOf(item) is not { Length: > 0 } id) continue;
                    if (!seen.TryGetValue((section.Key, id), out var first)) seen[(section.Key, id)] = (inventory.Region, place);
                    else if (first.Region != inventory.Region)
                        throw new SnapshotFormatException(file is null ? place : $"{file}: {place}", $"{section.IdName} {id} is in region {inventory.Region} and also in {first.Region} ({first.Place}): " +
                            "AWS ids are unique across regions, so the capture is damaged or one region's copy of the other");
                }
    }

    /// <summary>
    /// Reads the sections of one parsed AWS response (or of one region of a snapshot file, at <paramref name="path"/>);
    /// returns the keys it did not recognise. Section keys match without regard to case, like every member name.
    /// </summary>
    public IReadOnlyList<string> AddDocument(JsonElement root, string file, ISet<string>? unknownMembers = null, string path = "$")
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SnapshotFormatException($"{file}: {path}", $"expected a JSON object with AWS response keys such as \"Vpcs\", found {root.ValueKind}");
        var ignored = new List<string>();
        var keys = new Dictionary<Section, string>();
        foreach (var property in root.EnumerateObject())
        {
            var name = SnapshotJson.NameOf(property, file, path);
            if (!Section.TryGet(name, out var section))
            {
                if (!name.Equals("NextToken", StringComparison.OrdinalIgnoreCase) && !name.Equals("ResponseMetadata", StringComparison.OrdinalIgnoreCase)) ignored.Add(name);
                continue;
            }
            string sectionPath = $"{path}.{name}";
            if (!keys.TryAdd(section, name))
                throw new SnapshotFormatException($"{file}: {sectionPath}", $"the section {section.Key} appears twice in one object (also as \"{keys[section]}\")");
            if (property.Value.ValueKind != JsonValueKind.Array)
                throw new SnapshotFormatException($"{file}: {sectionPath}", $"expected an array, found {property.Value.ValueKind}");
            Capture(section);
            int index = 0;
            foreach (var element in property.Value.EnumerateArray())
            {
                string itemPath = $"{sectionPath}[{index++}]";
                Add(section, SnapshotJson.ReadItem(element, section.ItemType, file, itemPath, unknownMembers, section.Key + "[]"), $"{file}: {itemPath}");
            }
        }
        return ignored;
    }

    public bool IsEmpty => _items.Count == 0 && _missing.Count == 0;

    public RegionInventory Build()
    {
        var inventory = new RegionInventory
        {
            Region = Region ?? InferRegion() ?? "unknown",
            AccountId = AccountId ?? InferAccount(),
            CapturedSections = _items.Keys.Select(s => s.Key).ToHashSet(StringComparer.Ordinal),
            MissingSections = _missing.OrderBy(m => m.Section, StringComparer.Ordinal).ToArray(),
        };
        foreach (var (section, byId) in _items)
        {
            // Ordinal id order: every source of the same network gives the same model and the same file.
            var list = (IList)Array.CreateInstance(section.ItemType, byId.Count);
            int i = 0;
            foreach (var id in byId.Keys.OrderBy(k => k, StringComparer.Ordinal)) list[i++] = byId[id].Item;
            inventory = section.With(inventory, list);
        }
        return inventory;
    }

    private static bool SameContent(object a, object b, Type type) =>
        JsonSerializer.Serialize(a, type, SnapshotJson.Options) == JsonSerializer.Serialize(b, type, SnapshotJson.Options);

    private IEnumerable<T> ItemsOf<T>(string key) =>
        Section.TryGet(key, out var s) && _items.TryGetValue(s, out var byId) ? byId.Values.Select(v => (T)v.Item) : [];

    /// <summary>The region from availability zones or ARNs, when the source did not say.</summary>
    private string? InferRegion()
    {
        var zones = ItemsOf<Subnet>(Section.Subnets).Select(s => s.AvailabilityZone)
            .Concat(ItemsOf<NetworkInterface>(Section.NetworkInterfaces).Select(n => n.AvailabilityZone));
        foreach (var zone in zones)
        {
            var m = zone is null ? null : RegionOfZone().Match(zone);
            if (m is { Success: true }) return m.Groups[1].Value;
        }
        var arns = ItemsOf<Subnet>(Section.Subnets).Select(s => s.SubnetArn)
            .Concat(ItemsOf<TransitGateway>(Section.TransitGateways).Select(t => t.TransitGatewayArn))
            .Concat(ItemsOf<ManagedPrefixList>(Section.PrefixLists).Select(p => p.PrefixListArn));
        foreach (var arn in arns)
        {
            var parts = arn?.Split(':');
            if (parts is { Length: > 4 } && IsRegionName(parts[3])) return parts[3];
        }
        return null;
    }

    private string? InferAccount() =>
        ItemsOf<Vpc>(Section.Vpcs).Select(v => v.OwnerId)
            .Concat(ItemsOf<SecurityGroup>(Section.SecurityGroups).Select(g => g.OwnerId))
            .Concat(ItemsOf<NetworkInterface>(Section.NetworkInterfaces).Select(n => n.OwnerId))
            .Where(o => !string.IsNullOrEmpty(o))
            .GroupBy(o => o).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.Key).FirstOrDefault();

    public static bool IsRegionName(string name) => RegionName().IsMatch(name);

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial Regex RegionName();

    [GeneratedRegex(@"^([a-z]{2}(?:-[a-z]+)+-\d+)[a-z]")]
    private static partial Regex RegionOfZone();
}
