using VpcSecTools.Aws;
using VpcSecTools.Aws.Athena;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>Where and how <see cref="AthenaFlowLogQuery"/> runs.</summary>
public sealed record AthenaFlowLogOptions : RemoteFlowLogOptions
{
    /// <summary>The table over the flow logs (its database is the query's database).</summary>
    public required AthenaFlowLogTable Table { get; init; }
    public string? Catalog { get; init; }
    public string? WorkGroup { get; init; }
    /// <summary>Where Athena writes results; the workgroup's setting when null.</summary>
    public string? OutputLocation { get; init; }
    /// <summary>Run the table's <c>CREATE EXTERNAL TABLE IF NOT EXISTS</c> first.</summary>
    public bool CreateTable { get; init; }
    /// <summary>Stop reading results after this many rows (raw queries can be large); the result says it was cut.</summary>
    public int? MaxRows { get; init; }
}

/// <summary>
/// Runs a flow-log query in Amazon Athena: translate (<see cref="AthenaSql"/>), StartQueryExecution, poll
/// GetQueryExecution with backoff until it finishes, page GetQueryResults, and StopQueryExecution when cancelled.
/// </summary>
public static class AthenaFlowLogQuery
{
    /// <summary>The SQL that <see cref="RunAsync"/> would run (for <c>-ShowQuery</c>).</summary>
    public static string Translate(FlowLogQuery query, AthenaFlowLogTable table) => AthenaSql.Translate(query, table);

    /// <exception cref="ArgumentException">The query or table is invalid.</exception>
    /// <exception cref="RemoteQueryFailedException">Athena ended the query FAILED or CANCELLED.</exception>
    /// <exception cref="AwsCallException">A call failed (denied: names the IAM action).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; the query was stopped on the service.</exception>
    public static async Task<RemoteFlowLogResult> RunAsync(FlowLogQuery query, AthenaFlowLogOptions options,
        IProgress<RemoteQueryProgress>? progress = null, CancellationToken cancel = default)
    {
        var sql = AthenaSql.Translate(query, options.Table);
        using var client = options.Connection.CreateAthenaClient(options.Region);
        var context = new AthenaExecutionContext
        {
            Database = options.Table.Database, Catalog = options.Catalog, WorkGroup = options.WorkGroup, OutputLocation = options.OutputLocation,
        };
        if (options.CreateTable) await ExecuteAsync(client, options.Table.CreateTableStatement(), context, options.Polling, progress, cancel).ConfigureAwait(false);
        var (id, status) = await ExecuteAsync(client, sql, context, options.Polling, progress, cancel).ConfigureAwait(false);

        var columns = new List<AthenaColumn>();
        var rows = new List<IReadOnlyDictionary<string, string?>>();
        bool truncated = false, header = true;
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            var page = await client.GetQueryResultsAsync(id, token, cancel).ConfigureAwait(false);
            if (columns.Count == 0) columns.AddRange(page.Columns);
            foreach (var values in page.Rows)
            {
                // A SELECT's first row holds the column names.
                if (header) { header = false; continue; }
                if (options.MaxRows is { } max && rows.Count >= max) { truncated = true; break; }
                var row = new Dictionary<string, string?>(StringComparer.Ordinal);
                for (int i = 0; i < columns.Count && i < values.Count; i++) row[columns[i].Name] = values[i];
                rows.Add(row);
            }
            token = truncated ? null : page.NextToken;
            if (token is not null && !seen.Add(token))
                throw new AwsMalformedResponseException("GetQueryResults", client.Region, $"NextToken '{token}' was returned twice (the pages would never end)");
        } while (token is not null);

        var notes = new List<string>();
        if (truncated) notes.Add($"Only the first {options.MaxRows} rows were read; the query returned more.");
        return new RemoteFlowLogResult
        {
            Engine = "Athena", QueryText = sql, QueryId = id, Truncated = truncated, Notes = notes, BytesScanned = status.DataScannedInBytes,
            Groups = query.IsAggregate
                ? rows.Select(r => RemoteRows.ToGroup(r, query, AthenaSql.Column, query.Bin is null ? null : AthenaSql.BinStart)).ToList()
                : [],
            Records = query.IsAggregate ? [] : rows,
        };
    }

    /// <summary>Starts one statement and polls it to SUCCEEDED; stops it when cancelled.</summary>
    private static async Task<(string Id, AthenaQueryStatus Status)> ExecuteAsync(IAthenaClient client, string statement, AthenaExecutionContext context,
        QueryPolling polling, IProgress<RemoteQueryProgress>? progress, CancellationToken cancel)
    {
        var id = await client.StartQueryExecutionAsync(statement, context, cancel).ConfigureAwait(false);
        var status = await RemoteQueryLoop.PollAsync(id, c => client.GetQueryExecutionAsync(id, c), s => s.IsFinished,
            (s, polls) => new RemoteQueryProgress(id, s.State, polls, s.DataScannedInBytes, null),
            c => client.StopQueryExecutionAsync(id, c), polling, progress, cancel).ConfigureAwait(false);
        if (status.State != "SUCCEEDED") throw new RemoteQueryFailedException("GetQueryExecution", client.Region, status.State, id, status.StateChangeReason);
        return (id, status);
    }
}
