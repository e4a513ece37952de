namespace VpcSecTools.Snapshot;

/// <summary>
/// Loads a snapshot from what a user has at hand: our snapshot file, a folder of
/// <c>aws ec2 describe-*</c> outputs (recognised by their top-level key, whatever the file name;
/// paging fragments merged), a folder of region folders, or the Batfish
/// <c>aws_configs/[accounts/&lt;id&gt;/]&lt;region&gt;/*.json</c> layout.
/// </summary>
public static class SnapshotLoader
{
    /// <param name="path">A file or folder.</param>
    /// <param name="verbose">Receives notes about what was skipped or ignored.</param>
    public static VpcSnapshot Load(string path, Action<string>? verbose = null)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full)) return LoadFile(full, verbose);
        if (!Directory.Exists(full)) throw SnapshotFormatException.NotFound(path);

        var regions = new List<RegionInventory>();
        var batfish = Path.GetFileName(full) == "aws_configs" ? full : Path.Combine(full, "aws_configs");
        if (Directory.Exists(batfish)) LoadRegionsOf(batfish, null, regions, verbose);
        else LoadRegionsOf(full, null, regions, verbose);
        if (regions.Count == 0)
            throw new SnapshotFormatException(path, "no AWS describe output found (expected *.json files with keys such as \"Vpcs\" or \"SecurityGroups\", or a snapshot file)");
        return new VpcSnapshot
        {
            Metadata = new SnapshotMetadata { Source = path },
            Regions = regions,
        };
    }

    private static VpcSnapshot LoadFile(string file, Action<string>? verbose)
    {
        using var doc = SnapshotJson.Parse(ReadAll(file), file);
        if (SnapshotFile.LooksLikeSnapshot(doc.RootElement)) return SnapshotFile.Read(doc.RootElement, file, verbose);
        var builder = new InventoryBuilder();
        AddFile(builder, file, doc, verbose);
        if (builder.IsEmpty) throw new SnapshotFormatException(file, "neither a snapshot file nor an AWS describe output with a known key");
        return new VpcSnapshot { Metadata = new SnapshotMetadata { Source = file }, Regions = [builder.Build()] };
    }

    /// <summary>A folder is one region if it holds JSON, and/or a parent of region or account folders.</summary>
    private static void LoadRegionsOf(string folder, string? account, List<RegionInventory> regions, Action<string>? verbose)
    {
        var files = Directory.GetFiles(folder, "*.json").OrderBy(f => f, StringComparer.Ordinal).ToArray();
        if (files.Length > 0)
        {
            var name = Path.GetFileName(folder);
            var builder = new InventoryBuilder(InventoryBuilder.IsRegionName(name) ? name : null, account);
            foreach (var file in files)
            {
                using var doc = SnapshotJson.Parse(ReadAll(file), file);
                AddFile(builder, file, doc, verbose);
            }
            if (!builder.IsEmpty) regions.Add(builder.Build());
        }
        foreach (var sub in Directory.GetDirectories(folder).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(sub);
            if (InventoryBuilder.IsRegionName(name)) LoadRegionsOf(sub, account, regions, verbose);
            else if (name == "accounts")
                foreach (var acct in Directory.GetDirectories(sub).OrderBy(d => d, StringComparer.Ordinal))
                    LoadRegionsOf(acct, Path.GetFileName(acct), regions, verbose);
        }
    }

    private static void AddFile(InventoryBuilder builder, string file, System.Text.Json.JsonDocument doc, Action<string>? verbose)
    {
        if (SnapshotFile.LooksLikeSnapshot(doc.RootElement))
            throw new SnapshotFormatException(file, "a snapshot file inside a folder of describe outputs; load it on its own");
        var unknown = verbose is null ? null : new SortedSet<string>(StringComparer.Ordinal);
        var ignored = builder.AddDocument(doc.RootElement, file, unknown);
        if (verbose is null) return;
        if (ignored.Count > 0) verbose($"{file}: skipped keys that are not snapshot sections: {string.Join(", ", ignored)}");
        if (unknown!.Count > 0) verbose($"{file}: ignored members the model does not use: {string.Join(", ", unknown)}");
    }

    private static byte[] ReadAll(string file)
    {
        try { return File.ReadAllBytes(file); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new SnapshotFormatException(file, $"cannot read: {e.Message}", e); }
    }
}
