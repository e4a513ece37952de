using VpcSecTools.Files;

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

        var walk = new FolderWalk(verbose);
        var batfish = Path.GetFileName(full) == "aws_configs" ? full : Path.Combine(full, "aws_configs");
        walk.LoadRegionsOf(Directory.Exists(batfish) ? batfish : full, null);
        if (walk.Regions.Count == 0)
            throw new SnapshotFormatException(path, "no AWS describe output found (expected *.json files with keys such as \"Vpcs\" or \"SecurityGroups\", or a snapshot file)");
        InventoryBuilder.EnsureRegionalIdsUnique(walk.Regions);
        return new VpcSnapshot
        {
            Metadata = new SnapshotMetadata { Source = path },
            Regions = walk.Regions.Select(r => r.Inventory).ToArray(),
        };
    }

    private static VpcSnapshot LoadFile(string file, Action<string>? verbose) => Read(ReadAll(file), file, verbose);

    /// <summary>A snapshot file or one describe output, from its bytes (the fuzz harness feeds it without a disk).</summary>
    internal static VpcSnapshot Read(byte[] bytes, string file, Action<string>? verbose = null)
    {
        using var doc = SnapshotJson.Parse(bytes, file);
        if (SnapshotFile.LooksLikeSnapshot(doc.RootElement)) return SnapshotFile.Read(doc.RootElement, file, verbose);
        var builder = new InventoryBuilder();
        AddFile(builder, file, doc, verbose);
        if (builder.IsEmpty) throw new SnapshotFormatException(file, "neither a snapshot file nor an AWS describe output with a known key");
        return new VpcSnapshot { Metadata = new SnapshotMetadata { Source = file }, Regions = [builder.Build()] };
    }

    /// <summary>
    /// One walk over a folder tree. Folders are known by their real path (links resolved), so a region reachable
    /// twice, or a link back to a parent, is loaded once.
    /// </summary>
    private sealed class FolderWalk(Action<string>? verbose)
    {
        private readonly Dictionary<string, string> _visited = new(StringComparer.Ordinal);

        public List<(RegionInventory Inventory, string Folder)> Regions { get; } = [];

        /// <summary>A folder is one region if it holds JSON, and/or a parent of region or account folders.</summary>
        public void LoadRegionsOf(string folder, string? account)
        {
            var real = LocalFiles.RealPath(folder) ?? throw new SnapshotFormatException(folder, LocalFiles.LinkLoop);
            if (!_visited.TryAdd(real, folder))
            {
                verbose?.Invoke($"{folder}: skipped, the same folder as {_visited[real]} (a link)");
                return;
            }
            var files = Listed(folder, () => Directory.GetFiles(folder, "*.json"));
            if (files.Length > 0)
            {
                var name = Path.GetFileName(folder);
                var builder = new InventoryBuilder(InventoryBuilder.IsRegionName(name) ? name : null, account);
                foreach (var file in files)
                {
                    // FIFOs, sockets and devices would block or never end; an empty file holds no section; a link to nothing is an error.
                    if (LocalFiles.TypeOf(file) is not (FileType.Regular or FileType.Missing) || Io(file, () => SizeOf(file)) == 0)
                    {
                        verbose?.Invoke($"{file}: skipped, empty or not a regular file");
                        continue;
                    }
                    using var doc = SnapshotJson.Parse(ReadAll(file), file);
                    AddFile(builder, file, doc, verbose);
                }
                if (!builder.IsEmpty) Add(builder.Build(), folder);
            }
            foreach (var sub in Listed(folder, () => Directory.GetDirectories(folder)))
            {
                var name = Path.GetFileName(sub);
                if (InventoryBuilder.IsRegionName(name)) LoadRegionsOf(sub, account);
                else if (name == "accounts")
                    foreach (var acct in Listed(sub, () => Directory.GetDirectories(sub)))
                        LoadRegionsOf(acct, Path.GetFileName(acct));
            }
        }

        private void Add(RegionInventory inventory, string folder)
        {
            // Two folders of one account and region would be two captures merged silently.
            var twin = Regions.FirstOrDefault(r => r.Inventory.Region == inventory.Region && r.Inventory.AccountId == inventory.AccountId);
            if (twin.Inventory is not null)
                throw new SnapshotFormatException(folder, $"region {inventory.Region} of account {inventory.AccountId ?? "(none)"} is also loaded from {twin.Folder}");
            Regions.Add((inventory, folder));
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

    /// <summary>The size of the file a path leads to (through links: a link's own size is that of its text).</summary>
    private static long SizeOf(string file)
    {
        var info = new FileInfo(file);
        return (info.LinkTarget is null ? info : info.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? info).Length;
    }

    /// <summary>
    /// The whole file. Read as a stream, so a FIFO or <c>/dev/stdin</c> named on its own works; a document larger than
    /// one array can hold is an error rather than running out of memory.
    /// </summary>
    private static byte[] ReadAll(string file) => Io(file, () =>
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length is > 0 and var length)
        {
            if (length > Array.MaxLength) throw new IOException($"larger than {Array.MaxLength:N0} bytes, the most one document can hold");
            var bytes = new byte[length];
            stream.ReadExactly(bytes);
            return bytes;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[1 << 16];
        for (int n; (n = stream.Read(chunk)) > 0;)
        {
            if (buffer.Length + n > Array.MaxLength) throw new IOException($"larger than {Array.MaxLength:N0} bytes, the most one document can hold");
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    });

    /// <summary>File-system facts with I/O failures named by path; listings in ordinal order, so every run reads alike.</summary>
    private static string[] Listed(string path, Func<string[]> list) => Io(path, () => list().Order(StringComparer.Ordinal).ToArray());

    private static T Io<T>(string path, Func<T> read)
    {
        try { return read(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new SnapshotFormatException(path, $"cannot read: {e.Message}", e); }
    }
}
