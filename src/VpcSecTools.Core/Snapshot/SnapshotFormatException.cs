using VpcSecTools.Errors;

namespace VpcSecTools.Snapshot;

/// <summary>
/// Input that is not a usable snapshot. The message is one line that names the place:
/// <c>file:line:column</c> for bad JSON, <c>file: JSON path</c> for a wrong shape.
/// </summary>
public sealed class SnapshotFormatException : VpcSecToolsException
{
    public SnapshotFormatException(string place, string problem, Exception? inner = null)
        : this(ErrorCatalog.SnapshotInvalid, ErrorKind.InvalidData, place, problem, inner)
    {
    }

    // No target of its own: the place may be file:line:column, while the offending value is the path the user gave.
    private SnapshotFormatException(string errorId, ErrorKind kind, string place, string problem, Exception? inner)
        : base(errorId, kind, $"{place}: {problem}", null, inner)
    {
        Place = place;
        Problem = problem;
    }

    /// <summary>The path names no file or folder.</summary>
    public static SnapshotFormatException NotFound(string place) =>
        new(ErrorCatalog.SnapshotNotFound, ErrorKind.ObjectNotFound, place, "no such file or folder", null);

    /// <summary>File (and line/column or JSON path) where the problem is.</summary>
    public string Place { get; }
    public string Problem { get; }
}
