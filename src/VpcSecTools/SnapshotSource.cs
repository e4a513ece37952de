using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// What <c>-Snapshot</c> takes: a path (a snapshot file, a folder of describe-* outputs or a Batfish aws_configs
/// folder, or a file or folder item from Get-Item), a snapshot, or the index Import-VpcSnapshot returns. Parameter
/// binding converts each of these; any other value is a binding error naming the parameter.
/// </summary>
public sealed class SnapshotSource
{
    private SnapshotSource(string? path, SnapshotIndex? index)
    {
        Path = path;
        Index = index;
    }

    public SnapshotSource(string path) : this(path, null)
    {
    }

    public SnapshotSource(FileSystemInfo item) : this(item.FullName, null)
    {
    }

    public SnapshotSource(VpcSnapshot snapshot) : this(null, new SnapshotIndex(snapshot))
    {
    }

    public SnapshotSource(SnapshotIndex index) : this(null, index)
    {
    }

    public static implicit operator SnapshotSource(string path) => new(path);

    public static implicit operator SnapshotSource(FileSystemInfo item) => new(item);

    public static implicit operator SnapshotSource(VpcSnapshot snapshot) => new(snapshot);

    public static implicit operator SnapshotSource(SnapshotIndex index) => new(index);

    /// <summary>The path as given (a PowerShell path, resolved when read); null for a snapshot object.</summary>
    public string? Path { get; }

    /// <summary>The snapshot object given; null for a path.</summary>
    public SnapshotIndex? Index { get; }

    /// <summary>What the user gave, for error records: the path, or the snapshot object.</summary>
    public object Given => (object?)Path ?? Index!;

    /// <summary>The snapshot, indexed: the object given, or the path read (resolved by <paramref name="resolvePath"/>).</summary>
    internal SnapshotIndex Load(Func<string, string> resolvePath, Action<string> verbose, Action<string> details) =>
        Index ?? Read(resolvePath(Path!), verbose, details);

    /// <summary>
    /// Reads and indexes a snapshot: one -Verbose line says what was read and what it lacks; the loader's notes on
    /// each file (members and keys it ignored) go to <paramref name="details"/>, where they do not drown the answer's own notes.
    /// </summary>
    internal static SnapshotIndex Read(string fullPath, Action<string> verbose, Action<string> details)
    {
        var index = new SnapshotIndex(SnapshotLoader.Load(fullPath, details));
        verbose(Describe(index.Summary, fullPath));
        foreach (var note in index.Notes) verbose(note);
        return index;
    }

    /// <summary>One line: the regions read, their VPCs and interfaces, and the sections each lacks.</summary>
    internal static string Describe(IReadOnlyList<SnapshotSummary> regions, string from)
    {
        var missing = regions.Where(r => r.MissingSections.Count > 0).Select(r => $"{r.Region}: {r.MissingSections}").ToArray();
        return $"Read snapshot {from}: {string.Join(", ", regions.Select(r => r.Region))}, {regions.Sum(r => r.Vpcs)} VPC(s), " +
            $"{regions.Sum(r => r.NetworkInterfaces)} network interface(s); " + (missing.Length == 0 ? "no section missing" : "missing " + string.Join("; ", missing));
    }

    public override string ToString() => Path ?? $"snapshot of {string.Join(", ", Index!.Snapshot.Regions.Select(r => r.Region))}";
}
