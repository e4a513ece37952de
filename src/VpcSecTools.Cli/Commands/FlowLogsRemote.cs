using System.CommandLine;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// The push-down part of <c>vpcsec flowlogs query</c>: <c>--engine athena|insights</c> runs the query where the data
/// lives, <c>--show-query</c> prints the SQL (with the table DDL) or the Insights text without calling AWS.
/// </summary>
public sealed class FlowLogsRemote(FlowSourceOptions source)
{
    private readonly Option<string> _engine = new("--engine") { Description = "Where the query runs: local (the paths), athena or insights.", DefaultValueFactory = _ => "local" };
    private readonly Option<bool> _showQuery = new("--show-query") { Description = "Print the Athena SQL and table DDL, or the Logs Insights query, instead of running it." };
    private readonly Option<string> _table = new("--athena-table") { Description = "Athena: database.table over the flow logs.", DefaultValueFactory = _ => "default.vpc_flow_logs" };
    private readonly Option<string?> _location = new("--athena-location") { Description = "Athena: the s3://bucket/prefix/ that holds AWSLogs/." };
    private readonly Option<string[]> _accounts = new("--athena-account") { Description = "Athena: account ids whose logs are under the location.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> _logRegions = new("--athena-log-region") { Description = "Athena: regions whose logs are under the location (default: --region).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<bool> _hive = new("--hive") { Description = "Athena: the flow log uses Hive-compatible S3 prefixes." };
    private readonly Option<bool> _perHour = new("--per-hour") { Description = "Athena: the flow log partitions per hour." };
    private readonly Option<bool> _parquet = new("--parquet") { Description = "Athena: the flow log delivers Parquet." };
    private readonly Option<bool> _createTable = new("--create-table") { Description = "Athena: run the table DDL (CREATE EXTERNAL TABLE IF NOT EXISTS) first." };
    private readonly Option<string?> _workGroup = new("--athena-workgroup") { Description = "Athena: the workgroup (default primary)." };
    private readonly Option<string?> _output = new("--athena-output") { Description = "Athena: s3:// location for results (default: the workgroup's)." };

    public void AddTo(Command command)
    {
        _engine.AcceptOnlyFromAmong("local", "athena", "insights");
        foreach (var option in new Option[] { _engine, _showQuery, _table, _location, _accounts, _logRegions,
                     _hive, _perHour, _parquet, _createTable, _workGroup, _output })
            command.Options.Add(option);
    }

    /// <summary>True when the command line asks for a remote engine or for the query text.</summary>
    public bool Applies(ParseResult parse) => parse.GetValue(_engine) is "athena" or "insights" || parse.GetValue(_showQuery);

    /// <summary>The push-down request the options state, in the form the cmdlet shares.</summary>
    private FlowLogPushDown Request(ParseResult parse, FlowLogFormat format) => new()
    {
        Engine = parse.GetValue(_engine) is "athena" ? FlowLogEngine.Athena : FlowLogEngine.LogsInsights, Format = format,
        LogGroupNames = source.LogGroups(parse), AthenaTable = parse.GetValue(_table)!, AthenaLocation = parse.GetValue(_location),
        Accounts = parse.GetValue(_accounts) ?? [], LogRegions = parse.GetValue(_logRegions) ?? [],
        Hive = parse.GetValue(_hive), PerHour = parse.GetValue(_perHour), Parquet = parse.GetValue(_parquet), CreateTable = parse.GetValue(_createTable),
        WorkGroup = parse.GetValue(_workGroup), OutputLocation = parse.GetValue(_output),
    };

    /// <summary>Translates, and prints or runs, the query; Ctrl+C stops the remote query.</summary>
    public int Run(ParseResult parse, FlowLogQuery query, FlowLogFormat? format, string outputFormat, TextWriter stdout, TextWriter stderr,
        FlowAttribution? attribution = null)
    {
        var engine = parse.GetValue(_engine);
        if (engine is "local") throw new ArgumentException("--show-query prints a push-down translation: add --engine athena or --engine insights");
        var request = Request(parse, format ?? FlowLogFormat.Default);
        if (parse.GetValue(_showQuery))
        {
            stdout.WriteLine(request.QueryText(query, source.Aws.Region(parse) ?? "us-east-1"));
            return Program.Ok;
        }

        var connection = source.Connect(parse)();
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        try
        {
            var progress = new Progress<RemoteQueryProgress>(p => stderr.WriteLine($"vpcsec: {engine} query {p.QueryId}: {p.State}"));
            var result = request.RunAsync(query, connection, progress, cancel.Token).GetAwaiter().GetResult();
            foreach (var note in result.Notes) stderr.WriteLine($"vpcsec: warning: {note}");
            if (query.IsAggregate) FlowLogsCommand.WriteGroups(result.Groups, query.Bin is not null, outputFormat, stdout, attribution);
            else WriteRows(result.Records, outputFormat, stdout);
            return Program.Ok;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static void WriteRows(IReadOnlyList<IReadOnlyDictionary<string, string?>> rows, string format, TextWriter w)
    {
        if (format == "json") { CliOutput.WriteJson(rows, w); return; }
        var headers = rows.FirstOrDefault()?.Keys.ToList() ?? [];
        CliOutput.WriteTable(headers, rows.Select(r => (IReadOnlyList<string>)headers.Select(h => r.GetValueOrDefault(h) ?? "-").ToList()), w);
    }
}
