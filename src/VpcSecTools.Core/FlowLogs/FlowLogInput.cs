using VpcSecTools.Files;

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

/// <summary>What a user's flow-log paths expand to: the inputs, the paths that match nothing, and what was left out and why.</summary>
public sealed record FlowLogFiles(IReadOnlyList<FlowLogInput> Inputs, IReadOnlyList<string> Unmatched, IReadOnlyList<string> Notes);

/// <summary>
/// Expands what a user types (files, folders searched recursively, wildcards at any level, <c>-</c> for standard input) into inputs.
/// Each file is read once, however many paths or links lead to it (files and folders are compared by their real path,
/// so a folder linked into itself is walked once); FIFOs, sockets and devices met inside folders are skipped with a
/// note (opening one would wait for a writer), while one named explicitly, like <c>-</c>, is read as a stream.
/// </summary>
public static class FlowLogPaths
{
    /// <summary>The name standard input goes by in paths and reports.</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// Returns the inputs in a stable order (each path's files sorted by name). Paths that match nothing are
    /// returned in <paramref name="unmatched"/>: the caller reports them without abandoning the others.
    /// </summary>
    public static IReadOnlyList<FlowLogInput> Expand(IEnumerable<string> paths, out IReadOnlyList<string> unmatched, FlowLogFormat? format = null)
    {
        var found = Find(paths, format);
        unmatched = found.Unmatched;
        return found.Inputs;
    }

    /// <summary>The inputs, unmatched paths and notes (files read once, folders skipped, special files left out).</summary>
    public static FlowLogFiles Find(IEnumerable<string> paths, FlowLogFormat? format = null)
    {
        var walk = new Walk(format);
        foreach (var path in paths)
        {
            int before = walk.Inputs.Count, notes = walk.Notes.Count;
            // Files named (or matched by a wildcard) are read whatever they are; those found in folders only if regular.
            var files = new List<(string Shown, string? Real)>();
            var walked = new List<(string Shown, string? Real)>();
            if (path == StandardInput) walk.Add(StandardInput, StandardInput, explicitly: true);
            else if (Directory.Exists(path)) walk.Folder(Path.GetFullPath(path), walked);
            else if (File.Exists(path) || IsLink(path)) files.Add((Path.GetFullPath(path), LocalFiles.RealPath(path)));
            else if (path.IndexOfAny(Wildcards) >= 0)
                foreach (var match in Matches(path))
                    if (Directory.Exists(match)) walk.Folder(Path.GetFullPath(match), walked);
                    else files.Add((Path.GetFullPath(match), LocalFiles.RealPath(match)));
            foreach (var (shown, real) in files.OrderBy(f => f.Shown, StringComparer.Ordinal))
                walk.Add(shown, real, explicitly: true);
            foreach (var (shown, real) in walked.OrderBy(f => f.Shown, StringComparer.Ordinal))
                walk.Add(shown, real, explicitly: false);
            if (walk.Inputs.Count == before && walk.Notes.Count == notes && path != StandardInput) walk.Unmatched.Add(path);
        }
        return new FlowLogFiles(walk.Inputs, walk.Unmatched, walk.Notes);
    }

    private sealed class Walk(FlowLogFormat? format)
    {
        public List<FlowLogInput> Inputs { get; } = [];
        public List<string> Unmatched { get; } = [];
        public List<string> Notes { get; } = [];
        private readonly HashSet<string> _files = new(StringComparer.Ordinal), _folders = new(StringComparer.Ordinal);

        /// <summary>A file found (or named): read once; outside an explicit name, only regular files are opened.</summary>
        public void Add(string shown, string? real, bool explicitly)
        {
            if (real is null)
            {
                Notes.Add($"{shown}: {LocalFiles.LinkLoop}: skipped");
                return;
            }
            if (!_files.Add(real))
            {
                Notes.Add(shown == real ? $"{shown} is given twice: read once" : $"{shown} is {real}, already read: read once");
                return;
            }
            if (real == StandardInput)
            {
                Inputs.Add(FlowLogInput.FromStream("(standard input)", Console.OpenStandardInput, format: format));
                return;
            }
            switch (LocalFiles.TypeOf(real))
            {
                case FileType.Regular:
                    Inputs.Add(FlowLogInput.FromFile(shown, format));
                    break;
                case FileType.Missing:
                    Notes.Add($"{shown}: a link to nothing ({real}): skipped");
                    break;
                case var type when explicitly:
                    // Named on purpose (a FIFO fed by `aws s3 cp ... -`, a process substitution): read as a stream.
                    Inputs.Add(FlowLogInput.FromStream(shown, () => new FileStream(real, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1), format: format));
                    break;
                case var type:
                    Notes.Add($"{shown} is a {LocalFiles.Describe(type)}, not a file: skipped (name it on its own to read it as a stream)");
                    break;
            }
        }

        /// <summary>Files under a folder, each folder once by its real path (so a link back up the tree is not followed round).</summary>
        public void Folder(string folder, List<(string Shown, string? Real)> files)
        {
            if (LocalFiles.RealPath(folder) is not { } real)
            {
                Notes.Add($"folder {folder}: {LocalFiles.LinkLoop}: skipped");
                return;
            }
            if (!_folders.Add(real))
            {
                Notes.Add($"folder {folder} is {real}, already read: read once");
                return;
            }
            IEnumerable<FileSystemInfo> entries;
            try { entries = new DirectoryInfo(folder).EnumerateFileSystemInfos("*", Shallow).ToList(); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { Notes.Add($"folder {folder}: {e.Message}: skipped"); return; }
            foreach (var entry in entries)
            {
                var type = LocalFiles.TypeOf(entry.FullName);
                if (type == FileType.Folder) Folder(entry.FullName, files);
                else if (IsFlowLogFile(entry.FullName)) files.Add((entry.FullName, entry.LinkTarget is null ? Path.Combine(real, entry.Name) : LocalFiles.RealPath(entry.FullName)));
            }
        }

    }

    private static readonly char[] Wildcards = ['*', '?'];

    /// <summary>
    /// The files and folders a path with wildcards (<c>*</c>, <c>?</c>) in any of its levels names, level by level as
    /// PowerShell resolves a provider path: <c>AWSLogs/*/vpcflowlogs/us-east-1/2026/11/*</c> is every account's day folders
    /// of November. Hidden entries are not matched, as they are not in folders.
    /// </summary>
    private static IEnumerable<string> Matches(string path)
    {
        var root = Path.GetPathRoot(path) ?? "";
        var levels = path[root.Length..].Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
        IEnumerable<string> found = [root.Length > 0 ? root : "."];
        for (int i = 0; i < levels.Length; i++)
        {
            var (level, last) = (levels[i], i == levels.Length - 1);
            found = found.SelectMany(folder => Level(folder, level, last)).ToList();
        }
        return found;
    }

    /// <summary>What one level names in a folder: the entry of that name, or those its wildcard matches; above the last level, folders only.</summary>
    private static IEnumerable<string> Level(string folder, string level, bool last)
    {
        if (level.IndexOfAny(Wildcards) < 0)
        {
            var next = Path.Combine(folder, level);
            return (last ? Path.Exists(next) || IsLink(next) : Directory.Exists(next)) ? [next] : [];
        }
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFileSystemEntries(folder, level, WildcardLevel).Where(e => last || Directory.Exists(e)).Order(StringComparer.Ordinal);
    }

    private static readonly EnumerationOptions WildcardLevel = new()
    {
        MatchType = MatchType.Simple, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System,
    };

    private static readonly EnumerationOptions Shallow = new() { IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden | FileAttributes.System };

    /// <summary>In folders, skip hidden files; what a file holds (text, gzip, Parquet, JSON) is told from its bytes.</summary>
    private static bool IsFlowLogFile(string path) => !Path.GetFileName(path).StartsWith('.');

    private static bool IsLink(string path)
    {
        try { return new FileInfo(path).LinkTarget is not null; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return false; }
    }
}
