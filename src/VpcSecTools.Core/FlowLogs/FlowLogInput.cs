namespace VpcSecTools.FlowLogs;

/// <summary>
/// One flow-log source the reader can open as a stream: a local file, or anything else (an S3 object, a
/// CloudWatch Logs export) a caller wraps. The reader decides plain/gzip/JSON from the bytes, not the name.
/// </summary>
public sealed class FlowLogInput
{
    private readonly Func<Stream> _open;

    private FlowLogInput(string name, string? path, long? length, FlowLogFormat? format, Func<Stream> open)
    {
        Name = name; FilePath = path; Length = length; Format = format; _open = open;
    }

    /// <summary>How reports name this input.</summary>
    public string Name { get; }
    /// <summary>The local file, when the input is one (the reader then may read slices of it in parallel).</summary>
    public string? FilePath { get; }
    /// <summary>The stored length in bytes, when known (for progress).</summary>
    public long? Length { get; }
    /// <summary>The format of this input when it has no header (e.g. the flow log's LogFormat); overrides the reader's.</summary>
    public FlowLogFormat? Format { get; }

    public Stream Open() => _open();

    public static FlowLogInput FromFile(string path, FlowLogFormat? format = null)
    {
        var full = Path.GetFullPath(path);
        return new FlowLogInput(full, full, new FileInfo(full).Length, format,
            () => new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan));
    }

    public static FlowLogInput FromStream(string name, Func<Stream> open, long? length = null, FlowLogFormat? format = null) =>
        new(name, null, length, format, open);
}

/// <summary>Expands what a user types (files, folders searched recursively, wildcards) into inputs.</summary>
public static class FlowLogPaths
{
    /// <summary>
    /// Returns the inputs in a stable order (each path's files sorted by name). Paths that match nothing are
    /// returned in <paramref name="unmatched"/>: the caller reports them without abandoning the others.
    /// </summary>
    public static IReadOnlyList<FlowLogInput> Expand(IEnumerable<string> paths, out IReadOnlyList<string> unmatched, FlowLogFormat? format = null)
    {
        var inputs = new List<FlowLogInput>();
        var missing = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var files = Files(path).ToList();
            if (files.Count == 0) missing.Add(path);
            foreach (var f in files.Order(StringComparer.Ordinal))
                if (seen.Add(f)) inputs.Add(FlowLogInput.FromFile(f, format));
        }
        unmatched = missing;
        return inputs;
    }

    private static IEnumerable<string> Files(string path)
    {
        if (File.Exists(path)) return [Path.GetFullPath(path)];
        if (Directory.Exists(path)) return Directory.EnumerateFiles(path, "*", Recursive).Select(Path.GetFullPath).Where(IsFlowLogFile);
        var name = Path.GetFileName(path);
        if (name.IndexOfAny(['*', '?']) < 0) return [];
        var dir = Path.GetDirectoryName(path);
        dir = string.IsNullOrEmpty(dir) ? "." : dir;
        if (!Directory.Exists(dir)) return [];
        return Directory.EnumerateFiles(dir, name, new EnumerationOptions { MatchType = MatchType.Simple, IgnoreInaccessible = true })
            .Select(Path.GetFullPath);
    }

    private static readonly EnumerationOptions Recursive = new() { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };

    /// <summary>In folders, skip what is evidently not a text flow log (Parquet needs the Athena push-down).</summary>
    private static bool IsFlowLogFile(string path) =>
        !path.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(path).StartsWith('.');
}
