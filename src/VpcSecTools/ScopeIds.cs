namespace VpcSecTools.Commands;

/// <summary>
/// Ids that limit a question (-VpcId, -GroupId...), given on the command line or bound from piped objects and
/// gathered over the whole pipeline. Given tells "none given" (no limit) from "given, and none matched" (nothing).
/// </summary>
internal sealed class ScopeIds
{
    private readonly List<string> _ids = [];

    /// <summary>Some value was bound, from the command line or from any piped object.</summary>
    public bool Given { get; private set; }

    /// <summary>Ids given on the command line only (the parameter takes nothing from the pipeline).</summary>
    public static ScopeIds Of(IEnumerable<string>? ids)
    {
        var scope = new ScopeIds();
        scope.Add(ids);
        return scope;
    }

    public void Add(IEnumerable<string>? ids)
    {
        if (ids is null) return;
        Given = true;
        _ids.AddRange(ids);
    }

    public IReadOnlyList<string> Distinct() => _ids.Distinct(StringComparer.Ordinal).ToArray();
}
