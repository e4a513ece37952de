using VpcSecTools.Aws;
using VpcSecTools.Aws.Logs;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>Where and how <see cref="InsightsFlowLogQuery"/> runs.</summary>
public sealed record InsightsFlowLogOptions : RemoteFlowLogOptions
{
    /// <summary>The log groups the flow logs deliver to (at most 50 per query).</summary>
    public required IReadOnlyList<string> LogGroupNames { get; init; }
    /// <summary>The flow log's fields in order (its LogFormat); the default format uses Insights' discovered fields.</summary>
    public FlowLogFormat Format { get; init; } = FlowLogFormat.Default;
    /// <summary>The clock, for the default window (the last day).</summary>
    public Func<DateTimeOffset> Now { get; init; } = () => DateTimeOffset.UtcNow;
}

/// <summary>
/// Runs a flow-log query in CloudWatch Logs Insights: translate (<see cref="InsightsQuery"/>), StartQuery over the
/// window, poll GetQueryResults with backoff until Complete (Failed/Cancelled/Timeout are errors), and StopQuery
/// when cancelled. Says so when the answer reaches Insights' 10,000-row limit.
/// </summary>
public static class InsightsFlowLogQuery
{
    public const int MaxLogGroups = 50;
    /// <summary>Default window when the query gives no <c>Since</c>.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(1);
    /// <summary>
    /// How far an event's timestamp may lie from its record's capture window (the aggregation interval is up to 10
    /// minutes); the StartQuery window is widened by it and the exact bounds are filters in the query text.
    /// </summary>
    public static readonly TimeSpan EventTimeMargin = TimeSpan.FromMinutes(15);

    /// <summary>The query text that <see cref="RunAsync"/> would run (for <c>-ShowQuery</c>).</summary>
    public static string Translate(FlowLogQuery query, FlowLogFormat format) => InsightsQuery.Translate(query, format);

    /// <exception cref="ArgumentException">The query is invalid, or there are no or too many log groups.</exception>
    /// <exception cref="RemoteQueryFailedException">Insights ended the query Failed, Cancelled or Timeout.</exception>
    /// <exception cref="AwsCallException">A call failed (denied: names the IAM action).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the query was stopped on the service.</exception>
    public static async Task<RemoteFlowLogResult> RunAsync(FlowLogQuery query, InsightsFlowLogOptions options,
        IProgress<RemoteQueryProgress>? progress = null, CancellationToken cancel = default)
    {
        if (options.LogGroupNames.Count is 0 or > MaxLogGroups)
            throw new ArgumentException($"Logs Insights queries 1 to {MaxLogGroups} log groups at a time, not {options.LogGroupNames.Count}");
        var text = InsightsQuery.Translate(query, options.Format);
        var notes = new List<string>();
        var until = query.Filter.Until ?? options.Now();
        var since = query.Filter.Since ?? until - DefaultWindow;
        if (query.Filter.Since is null) notes.Add($"No start time was given: the query covers the last {DefaultWindow.TotalHours:0} hours before {until:u}.");

        using var client = options.Connection.CreateCloudWatchLogsClient(options.Region);
        var id = await client.StartQueryAsync(new InsightsQueryRequest(options.LogGroupNames, since - EventTimeMargin, until + EventTimeMargin,
            text, InsightsQuery.RowLimit(query)), cancel).ConfigureAwait(false);
        var results = await RemoteQueryLoop.PollAsync(id, c => client.GetQueryResultsAsync(id, c),
            r => r.Status is not ("Scheduled" or "Running" or "Unknown"),
            (r, polls) => new RemoteQueryProgress(id, r.Status, polls, (long?)r.Statistics?.BytesScanned, (long?)r.Statistics?.RecordsMatched),
            c => client.StopQueryAsync(id, c), options.Polling, progress, cancel).ConfigureAwait(false);
        if (results.Status != "Complete") throw new RemoteQueryFailedException("GetQueryResults", client.Region, results.Status, id, null);

        bool truncated = results.Rows.Count >= InsightsQuery.MaxRows && InsightsQuery.MayExceedLimit(query);
        if (truncated)
            notes.Add($"Logs Insights returns at most {InsightsQuery.MaxRows:N0} rows and this answer reached that limit, so it is incomplete: narrow the window or the filters, use -Top, or run it in Athena.");
        var rows = results.Rows.Select(r => (IReadOnlyDictionary<string, string?>)r.ToDictionary(kv => kv.Key, kv => (string?)kv.Value, StringComparer.Ordinal)).ToList();
        return new RemoteFlowLogResult
        {
            Engine = "LogsInsights", QueryText = text, QueryId = id, Truncated = truncated, Notes = notes,
            BytesScanned = (long?)results.Statistics?.BytesScanned, RecordsScanned = (long?)results.Statistics?.RecordsScanned,
            Groups = query.IsAggregate
                ? rows.Select(r => RemoteRows.ToGroup(r, query, f => InsightsQuery.FieldName(f, options.Format),
                    query.Bin is { } bin ? InsightsQuery.BinExpression(bin) : null)).ToList()
                : [],
            Records = query.IsAggregate ? [] : rows,
        };
    }
}
