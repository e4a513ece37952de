using VpcSecTools.Aws;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>Where a flow-log query runs: on local (or downloaded) files, in Athena, or in CloudWatch Logs Insights.</summary>
public enum FlowLogEngine
{
    Local,
    Athena,
    LogsInsights,
}

/// <summary>
/// A push-down request as the CLI (<c>--engine</c>, <c>--athena-*</c>) and the cmdlet (<c>-Engine</c>, <c>-Athena*</c>)
/// both state it, so the two front ends translate and run a query through the same code.
/// </summary>
public sealed record FlowLogPushDown
{
    public required FlowLogEngine Engine { get; init; }
    /// <summary>The record format of the flow log (its LogFormat); the v2 default when not given.</summary>
    public FlowLogFormat Format { get; init; } = FlowLogFormat.Default;
    /// <summary>Insights: the log groups the flow logs deliver to.</summary>
    public IReadOnlyList<string> LogGroupNames { get; init; } = [];
    /// <summary>Athena: <c>database.table</c> over the flow logs.</summary>
    public string AthenaTable { get; init; } = "default.vpc_flow_logs";
    /// <summary>Athena: the <c>s3://bucket/prefix/</c> that holds <c>AWSLogs/</c>.</summary>
    public string? AthenaLocation { get; init; }
    /// <summary>Athena: the account ids whose logs are under the location.</summary>
    public IReadOnlyList<string> Accounts { get; init; } = [];
    /// <summary>Athena: the regions whose logs are under the location (default: the region queried).</summary>
    public IReadOnlyList<string> LogRegions { get; init; } = [];
    public bool Hive { get; init; }
    public bool PerHour { get; init; }
    public bool Parquet { get; init; }
    /// <summary>Athena: run the table DDL (CREATE EXTERNAL TABLE IF NOT EXISTS) first.</summary>
    public bool CreateTable { get; init; }
    public string? WorkGroup { get; init; }
    public string? OutputLocation { get; init; }

    /// <summary>The Athena table description; the messages name both spellings of the missing setting.</summary>
    /// <exception cref="ArgumentException">The table name, location or accounts are missing or malformed.</exception>
    public AthenaFlowLogTable Table(string region)
    {
        int dot = AthenaTable.IndexOf('.');
        if (dot <= 0 || dot == AthenaTable.Length - 1) throw new ArgumentException($"the Athena table '{AthenaTable}' must be database.table (--athena-table, -AthenaTable)");
        var location = AthenaLocation ?? throw new ArgumentException("the Athena engine needs the s3://bucket/prefix/ where AWSLogs/ is (--athena-location, -AthenaLocation)");
        var accounts = Split(Accounts);
        if (accounts.Count == 0) throw new ArgumentException("the Athena engine needs the account ids under AWSLogs/ (--athena-account, -AthenaAccount)");
        var regions = Split(LogRegions) is { Count: > 0 } given ? given : [region];
        return new AthenaFlowLogTable
        {
            Database = AthenaTable[..dot], Table = AthenaTable[(dot + 1)..], Location = location, Accounts = accounts, Regions = regions, Format = Format,
            Hive = Hive, PerHour = PerHour, Storage = Parquet ? AthenaStorage.Parquet : AthenaStorage.Text,
        };
    }

    /// <summary>What <c>--show-query</c>/<c>-ShowQuery</c> prints: the table DDL and the SQL, or the Insights text.</summary>
    public string QueryText(FlowLogQuery query, string region) => Engine switch
    {
        FlowLogEngine.Athena => Table(region).CreateTableStatement() + ";\n\n" + AthenaFlowLogQuery.Translate(query, Table(region)) + ";",
        FlowLogEngine.LogsInsights => InsightsFlowLogQuery.Translate(query, Format),
        _ => throw new ArgumentException("a push-down translation needs the Athena or LogsInsights engine (--engine athena|insights, -Engine Athena|LogsInsights)"),
    };

    /// <summary>Runs the query in the engine; cancelling stops the remote query.</summary>
    public Task<RemoteFlowLogResult> RunAsync(FlowLogQuery query, AwsConnection connection, IProgress<RemoteQueryProgress>? progress, CancellationToken cancel) =>
        Engine switch
        {
            FlowLogEngine.Athena => AthenaFlowLogQuery.RunAsync(query, new AthenaFlowLogOptions
            {
                Connection = connection, Region = connection.Region, Table = Table(connection.Region),
                WorkGroup = WorkGroup, OutputLocation = OutputLocation, CreateTable = CreateTable,
            }, progress, cancel),
            FlowLogEngine.LogsInsights => InsightsFlowLogQuery.RunAsync(query, new InsightsFlowLogOptions
            {
                Connection = connection, Region = connection.Region, Format = Format, LogGroupNames = Split(LogGroupNames),
            }, progress, cancel),
            _ => throw new ArgumentException("the local engine reads paths; it does not push down"),
        };

    /// <summary>Values given repeated or comma-separated.</summary>
    private static List<string> Split(IReadOnlyList<string> values) =>
        values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();
}
