namespace VpcSecTools.Snapshot;

/// <summary>
/// One rule for reading the <c>State</c> strings of EC2 resources: compared without case (EC2 writes lower or camel
/// case, hand-edited snapshots do not always), and absent counts as the working state where the caller says so
/// (Batfish and older CLIs omit it).
/// </summary>
public static class ResourceState
{
    public static bool Is(string? state, string expected) => string.Equals(state, expected, StringComparison.OrdinalIgnoreCase);

    public static bool IsAny(string? state, params ReadOnlySpan<string> expected)
    {
        foreach (var e in expected) if (Is(state, e)) return true;
        return false;
    }

    /// <summary>True when the state is absent or one of <paramref name="expected"/>.</summary>
    public static bool IsAbsentOr(string? state, params ReadOnlySpan<string> expected) => state is null || IsAny(state, expected);
}
