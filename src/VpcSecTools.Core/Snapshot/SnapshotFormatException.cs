namespace VpcSecTools.Snapshot;

/// <summary>
/// Input that is not a usable snapshot. The message is one line that names the place:
/// <c>file:line:column</c> for bad JSON, <c>file: JSON path</c> for a wrong shape.
/// </summary>
public sealed class SnapshotFormatException : Exception
{
    public SnapshotFormatException(string place, string problem, Exception? inner = null)
        : base($"{place}: {problem}", inner)
    {
        Place = place;
        Problem = problem;
    }

    /// <summary>File (and line/column or JSON path) where the problem is.</summary>
    public string Place { get; }
    public string Problem { get; }
}
