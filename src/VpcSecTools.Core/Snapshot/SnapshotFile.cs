using System.Collections;
using System.Reflection;
using System.Text.Json;

namespace VpcSecTools.Snapshot;

/// <summary>
/// Our snapshot file: one JSON document, versioned, every region inside, keys in a fixed order and
/// items sorted by id, so the same network always writes the same bytes.
/// </summary>
public static class SnapshotFile
{
    public const int CurrentVersion = 1;

    public static string Generator =>
        $"VpcSecTools {typeof(SnapshotFile).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0"}";

    public static void Write(VpcSnapshot snapshot, string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            // Write beside and rename, so a failed export never leaves half a file behind.
            var temp = full + ".tmp";
            using (var stream = File.Create(temp)) Write(snapshot, stream);
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Errors.FileWriteException(path, e);
        }
    }

    public static void Write(VpcSnapshot snapshot, Stream stream)
    {
        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        var m = snapshot.Metadata;
        w.WriteNumber(nameof(SnapshotMetadata.SnapshotVersion), CurrentVersion);
        if (m.Source is not null) w.WriteString(nameof(SnapshotMetadata.Source), m.Source);
        if (m.CapturedAt is not null) w.WriteString(nameof(SnapshotMetadata.CapturedAt), m.CapturedAt);
        w.WriteString(nameof(SnapshotMetadata.Generator), m.Generator ?? Generator);
        w.WriteStartArray(nameof(VpcSnapshot.Regions));
        foreach (var region in snapshot.Regions.OrderBy(r => r.AccountId, StringComparer.Ordinal).ThenBy(r => r.Region, StringComparer.Ordinal))
        {
            w.WriteStartObject();
            w.WriteString(nameof(RegionInventory.Region), region.Region);
            if (region.AccountId is not null) w.WriteString(nameof(RegionInventory.AccountId), region.AccountId);
            if (region.MissingSections.Count > 0)
            {
                w.WritePropertyName(nameof(RegionInventory.MissingSections));
                JsonSerializer.Serialize(w, region.MissingSections, SnapshotJson.Options);
            }
            foreach (var section in Section.All)
            {
                if (!region.Has(section.Key)) continue;
                w.WritePropertyName(section.Key);
                w.WriteStartArray();
                foreach (var item in section.Get(region)) JsonSerializer.Serialize(w, item, section.ItemType, SnapshotJson.Options);
                w.WriteEndArray();
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    public static bool LooksLikeSnapshot(JsonElement root) =>
        root.ValueKind == JsonValueKind.Object && root.EnumerateObject().Any(p => IsNamed(p, nameof(SnapshotMetadata.SnapshotVersion)));

    public static VpcSnapshot Read(JsonElement root, string file, Action<string>? verbose = null)
    {
        SnapshotJson.TryGetMember(root, nameof(SnapshotMetadata.SnapshotVersion), file, "$", out var version);
        if (version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v) || v < 1)
            throw new SnapshotFormatException($"{file}: $.SnapshotVersion", "expected a positive integer");
        if (v > CurrentVersion)
            throw new SnapshotFormatException($"{file}: $.SnapshotVersion", $"version {v} was written by a newer VpcSecTools (this one reads up to {CurrentVersion})");
        if (!SnapshotJson.TryGetMember(root, nameof(VpcSnapshot.Regions), file, "$", out var regions) || regions.ValueKind != JsonValueKind.Array)
            throw new SnapshotFormatException($"{file}: $.Regions", "expected an array of regions");

        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        var inventories = new List<RegionInventory>();
        var places = new Dictionary<(string?, string), string>();
        int index = 0;
        foreach (var region in regions.EnumerateArray())
        {
            string path = $"$.Regions[{index++}]";
            if (region.ValueKind != JsonValueKind.Object)
                throw new SnapshotFormatException($"{file}: {path}", $"expected an object, found {region.ValueKind}");
            var builder = new InventoryBuilder(StringOf(region, "Region", file, path), StringOf(region, "AccountId", file, path));
            if (SnapshotJson.TryGetMember(region, nameof(RegionInventory.MissingSections), file, path, out var missing) && missing.ValueKind != JsonValueKind.Null)
            {
                if (missing.ValueKind != JsonValueKind.Array)
                    throw new SnapshotFormatException($"{file}: {path}.MissingSections", $"expected an array, found {missing.ValueKind}");
                int m = 0;
                foreach (var item in missing.EnumerateArray())
                    builder.AddMissing((MissingSection)SnapshotJson.ReadItem(item, typeof(MissingSection), file, $"{path}.MissingSections[{m++}]"));
            }
            foreach (var key in builder.AddDocument(region, file, unknown, path))
                if (!IsRegionMember(key)) unknown.Add(key);
            var inventory = builder.Build();
            if (inventory.MissingSections.FirstOrDefault(s => inventory.Has(s.Section)) is { } both)
                throw new SnapshotFormatException($"{file}: {path}.MissingSections", $"{both.Section} is listed as missing and also holds items");
            // The same region twice would be two captures of one network merged silently.
            if (!places.TryAdd((inventory.AccountId, inventory.Region), path))
                throw new SnapshotFormatException($"{file}: {path}", $"region {inventory.Region} of account {inventory.AccountId ?? "(none)"} also appears at {places[(inventory.AccountId, inventory.Region)]}");
            inventories.Add(inventory);
        }
        if (unknown.Count > 0) verbose?.Invoke($"{file}: ignored members the model does not use: {string.Join(", ", unknown)}");
        InventoryBuilder.EnsureRegionalIdsUnique(inventories.Select(r => (r, places[(r.AccountId, r.Region)])), file);
        return new VpcSnapshot
        {
            Metadata = new SnapshotMetadata
            {
                SnapshotVersion = v,
                Source = OptionalString(root, nameof(SnapshotMetadata.Source), file),
                CapturedAt = OptionalString(root, nameof(SnapshotMetadata.CapturedAt), file),
                Generator = OptionalString(root, nameof(SnapshotMetadata.Generator), file),
            },
            Regions = inventories,
        };
    }

    private static bool IsNamed(JsonProperty p, string name)
    {
        // A name with a broken \u escape is reported by the reader, with its place.
        try { return string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase); }
        catch (InvalidOperationException) { return false; }
    }

    private static bool IsRegionMember(string key) =>
        key.Equals("Region", StringComparison.OrdinalIgnoreCase) || key.Equals("AccountId", StringComparison.OrdinalIgnoreCase)
        || key.Equals(nameof(RegionInventory.MissingSections), StringComparison.OrdinalIgnoreCase);

    /// <summary>Descriptive metadata: kept when it is a string, otherwise left out (nothing depends on it).</summary>
    private static string? OptionalString(JsonElement e, string name, string file) =>
        SnapshotJson.TryGetMember(e, name, file, "$", out var p) && p.ValueKind == JsonValueKind.String ? SnapshotJson.StringOf(p, file, $"$.{name}") : null;

    private static string? StringOf(JsonElement e, string name, string file, string path)
    {
        if (!SnapshotJson.TryGetMember(e, name, file, path, out var p) || p.ValueKind == JsonValueKind.Null) return null;
        if (p.ValueKind != JsonValueKind.String) throw new SnapshotFormatException($"{file}: {path}.{name}", $"expected a string, found {p.ValueKind}");
        return SnapshotJson.StringOf(p, file, $"{path}.{name}");
    }
}
