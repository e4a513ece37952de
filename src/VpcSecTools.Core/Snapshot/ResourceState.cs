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

    /// <summary>
    /// Whether a resource in <paramref name="state"/> carries traffic: true in <paramref name="working"/>, false in one of the
    /// states EC2 documents as not (<paramref name="notWorking"/>), null when the state is absent or none of them: which it
    /// means cannot be told (SEMANTICS 0), and a verdict that depends on it is Unknown.
    /// </summary>
    public static bool? Carries(string? state, string working, params ReadOnlySpan<string> notWorking) =>
        Is(state, working) ? true : IsAny(state, notWorking) ? false : null;

    /// <summary>Why <see cref="Carries"/> could not tell, naming the value.</summary>
    public static string Unreadable(string? state, string kind) =>
        state is null ? "State is missing" : $"State '{state}' is not a {kind} state";

    /// <summary>True when the state is absent or one of <paramref name="expected"/>.</summary>
    public static bool IsAbsentOr(string? state, params ReadOnlySpan<string> expected) => state is null || IsAny(state, expected);
}
