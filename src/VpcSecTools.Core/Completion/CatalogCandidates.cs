using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Completion;

/// <summary>
/// Candidates from the engine's own tables rather than a snapshot: protocols, flow-log fields (for <c>-GroupBy</c>)
/// and audit check ids. A typed word matches the start of the value, or of its other name (<c>srcaddr</c>).
/// </summary>
public static class CatalogCandidates
{
    private static readonly (string Value, string Other, string ToolTip)[] ProtocolNames =
    [
        ("tcp", "6", "TCP (protocol 6)"),
        ("udp", "17", "UDP (protocol 17)"),
        ("icmp", "1", "ICMP (protocol 1)"),
        ("icmpv6", "58", "ICMPv6 (protocol 58)"),
        ("-1", "all", "all protocols and ports (security groups' -1)"),
    ];

    private static readonly (string Value, string Other, string ToolTip)[] DurationNames =
    [
        ("5m", "5m", "5 minutes"),
        ("1h", "1h", "1 hour"),
        ("6h", "6h", "6 hours"),
        ("1d", "1d", "1 day"),
        ("7d", "7d", "7 days"),
        ("30d", "30d", "30 days"),
    ];

    /// <summary>
    /// Durations as <c>-Last</c> and <c>-Bin</c> take them (<see cref="FlowQueryArguments.ParseDuration"/>); any number with
    /// s, m, h, d or w, or a TimeSpan, is also accepted.
    /// </summary>
    public static IReadOnlyList<CompletionCandidate> Durations(string? wordToComplete) =>
        Matching(DurationNames, wordToComplete);

    /// <summary>Protocol names as <c>-Protocol</c> takes them; any number 0-255 is also accepted.</summary>
    public static IReadOnlyList<CompletionCandidate> Protocols(string? wordToComplete) =>
        Matching(ProtocolNames, wordToComplete);

    /// <summary>Flow-log fields by their property name (the AWS name in the tooltip), in the order AWS documents them.</summary>
    public static IReadOnlyList<CompletionCandidate> FlowFields(string? wordToComplete) =>
        Matching(FlowFieldCatalog.All.Select(f => (f.PropertyName, f.AwsName, $"{f.AwsName} (flow-log version {f.Version})")), wordToComplete);

    /// <summary>Audit check ids, with the check's title.</summary>
    public static IReadOnlyList<CompletionCandidate> CheckIds(string? wordToComplete) =>
        Matching(Checks.All.Select(c => (c.Id, c.Id, $"{c.Title} ({c.BaseSeverity})")), wordToComplete);

    private static IReadOnlyList<CompletionCandidate> Matching(IEnumerable<(string Value, string Other, string ToolTip)> entries, string? wordToComplete)
    {
        var word = SnapshotIdCandidates.Unquote(wordToComplete);
        return entries
            .Where(e => e.Value.StartsWith(word, StringComparison.OrdinalIgnoreCase) || e.Other.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(e => new CompletionCandidate(e.Value, e.Value, e.ToolTip))
            .ToArray();
    }
}
