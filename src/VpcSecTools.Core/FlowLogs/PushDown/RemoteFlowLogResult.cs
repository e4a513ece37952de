using System.Globalization;
using VpcSecTools.Aws;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>What every remote engine needs: credentials and endpoint, the region, and how to poll.</summary>
public abstract record RemoteFlowLogOptions
{
    public required AwsConnection Connection { get; init; }
    public required string Region { get; init; }
    public QueryPolling Polling { get; init; } = new();
}

/// <summary>What a remote engine (Athena, Logs Insights) answered for a flow-log query.</summary>
public sealed record RemoteFlowLogResult
{
    /// <summary><c>Athena</c> or <c>LogsInsights</c>.</summary>
    public required string Engine { get; init; }
    /// <summary>The SQL or Insights text that ran (what <c>-ShowQuery</c> prints).</summary>
    public required string QueryText { get; init; }
    /// <summary>The service's id of the query (Athena QueryExecutionId, Insights queryId).</summary>
    public required string QueryId { get; init; }
    /// <summary>For aggregate queries: the groups, in the engine's order (largest first).</summary>
    public IReadOnlyList<FlowGroup> Groups { get; init; } = [];
    /// <summary>For raw queries: each row, column name to value (null for SQL NULL).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, string?>> Records { get; init; } = [];
    /// <summary>True when the answer was cut by a row limit (Insights' 10,000, or the caller's maximum).</summary>
    public bool Truncated { get; init; }
    /// <summary>What the user should know about this answer (limits hit, defaults taken).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    public long? BytesScanned { get; init; }
    public long? RecordsScanned { get; init; }
}

/// <summary>Reads result rows (column name to text) into <see cref="FlowGroup"/>s, the local engine's shape.</summary>
internal static class RemoteRows
{
    /// <summary>
    /// One aggregate row: the group-by values by <paramref name="columnOf"/> (the engine's name of each field), the
    /// bin from <paramref name="binColumn"/>, and the aggregate aliases shared by both translations.
    /// </summary>
    public static FlowGroup ToGroup(IReadOnlyDictionary<string, string?> row, FlowLogQuery query, Func<string, string> columnOf, string? binColumn)
    {
        string? Get(string column) => row.TryGetValue(column, out var v) && !string.IsNullOrEmpty(v) && v != "-" ? v : null;
        var fields = PushDownPlan.GroupFields(query);
        return new FlowGroup
        {
            Fields = fields.ToValueList(),
            Values = fields.Select(f => Get(columnOf(f))).ToList(),
            Bin = binColumn is null ? null : Time(Get(binColumn)),
            Count = Number(Get(AthenaSql.Flows)) ?? 0,
            Packets = Number(Get(AthenaSql.TotalPackets)) ?? 0,
            Bytes = Number(Get(AthenaSql.TotalBytes)) ?? 0,
            FirstSeen = Time(Get(AthenaSql.FirstSeen)),
            LastSeen = Time(Get(AthenaSql.LastSeen)),
        };
    }

    /// <summary>An integer as either engine prints it (Insights may print sums as <c>1.2E9</c> or <c>1200.0</c>).</summary>
    public static long? Number(string? text) =>
        text is null ? null
        : long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var l) ? l
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? (long)Math.Round(d)
        : null;

    /// <summary>
    /// A time as either engine prints it: Unix seconds (<c>min(start)</c>; milliseconds when above 1e11, as some
    /// logs write) or Insights' <c>2026-11-21 10:05:00.000</c> (bins).
    /// </summary>
    public static DateTimeOffset? Time(string? text)
    {
        if (Number(text) is { } n && !text!.Contains('-')) return n > 100_000_000_000 ? DateTimeOffset.FromUnixTimeMilliseconds(n) : DateTimeOffset.FromUnixTimeSeconds(n);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }
}
