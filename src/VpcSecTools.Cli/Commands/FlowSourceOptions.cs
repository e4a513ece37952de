using System.CommandLine;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// Where every command that reads flow logs finds them, declared once: the paths (positional or <c>--path</c>, whose older
/// name <c>--flow-logs</c> still works), <c>--log-group-name</c>, <c>--flow-log-id</c>, <c>--log-format</c>, <c>--threads</c>,
/// the window (<see cref="FlowWindowOptions"/>) and the AWS connection, made into the engine's one read request
/// (<see cref="FlowLogRunRequest"/>) as the cmdlets' -Path, -LogGroupName, -FlowLogId, -Format and -ThrottleLimit are.
/// </summary>
public sealed class FlowSourceOptions(string awsUsedFor = "For s3:// paths, log groups and the snapshot's flow logs")
{
    private readonly Argument<string[]> _paths = new("path")
    {
        Description = "Flow-log files, folders (recursive), wildcards (* and ?) at any level of a local path, quoted so that vpcsec expands them " +
            "('AWSLogs/*/vpcflowlogs/us-east-1/2026/11/*': every account's day folders, each file read once), or s3://bucket/prefix locations (listed for the window). " +
            "Without any path, log group or flow-log id, the --vpc-id VPCs' own flow logs are read where the snapshot's describe-flow-logs says they go.",
        Arity = ArgumentArity.ZeroOrMore,
    };
    private readonly Option<string[]> _pathOption = new("--path", "--flow-logs")
    {
        Description = "The same as the positional paths, as an option; --flow-logs is its older name and still works.",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string[]> _logGroups = new("--log-group-name")
    {
        Description = "CloudWatch Logs groups the flow logs deliver to, read with FilterLogEvents (flowlogs query --engine insights queries them); repeat or comma-separate.",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string[]> _flowLogIds = new("--flow-log-id")
    {
        Description = "Flow logs of the --snapshot: with no path or log group, read them where they deliver; otherwise their LogFormat is the format of input without a header.",
        AllowMultipleArgumentsPerToken = true,
    };
    private readonly Option<string?> _logFormat = new("--log-format")
    {
        Description = "The record format of input without a header (log groups, headerless files): an AWS LogFormat (${version} ${srcaddr} ...) or a field list.",
    };
    private readonly Option<int?> _threads = ThreadsOption();

    /// <summary>--since, --until and --last.</summary>
    public FlowWindowOptions Window { get; } = new();

    /// <summary>--region, --profile and --endpoint-url: resolved only when a source needs AWS.</summary>
    public AwsConnectionOptions Aws { get; } = new(awsUsedFor);

    public void AddTo(Command command)
    {
        command.Arguments.Add(_paths);
        foreach (var option in new Option[] { _pathOption, _logGroups, _flowLogIds, _logFormat, _threads }) command.Options.Add(option);
        Window.AddTo(command);
        Aws.AddTo(command);
    }

    private static Option<int?> ThreadsOption()
    {
        var threads = new Option<int?>("--threads") { Description = "Worker threads reading the flow logs, 1 to 256 (default: all cores)." };
        threads.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is { } n and (< 1 or > 256)) result.AddError($"--threads must be 1 to 256, not {n}");
        });
        return threads;
    }

    /// <summary>The paths given, positional and --path together, as typed (the engine expands and reports them).</summary>
    public IReadOnlyList<string> Paths(ParseResult parse) => [.. parse.GetValue(_paths) ?? [], .. parse.GetValue(_pathOption) ?? []];

    public IReadOnlyList<string> LogGroups(ParseResult parse) => CliOutput.Values(parse.GetValue(_logGroups));

    public IReadOnlyList<string> FlowLogIds(ParseResult parse) => CliOutput.Values(parse.GetValue(_flowLogIds));

    /// <summary>True when no source was given: no path, no log group, no flow-log id (the VPCs' own flow logs are then read).</summary>
    public bool NoSource(ParseResult parse) => Paths(parse).Count == 0 && LogGroups(parse).Count == 0 && FlowLogIds(parse).Count == 0;

    public int Threads(ParseResult parse) => parse.GetValue(_threads) ?? Environment.ProcessorCount;

    /// <summary>The format of input without a header: --log-format, else that of the --flow-log-id flow logs in the snapshot.</summary>
    public FlowLogFormat? Format(ParseResult parse, SnapshotIndex? index)
    {
        var ids = FlowLogIds(parse);
        if (ids.Count > 0 && index is null) throw new ArgumentException("--flow-log-id needs --snapshot");
        return FlowLogRun.FormatOf(index, ids, parse.GetValue(_logFormat) is { } text ? FlowLogFormat.Parse(text) : null);
    }

    /// <summary>What a local run reads: the sources given, in their format, on the given threads.</summary>
    public FlowLogRunRequest Request(ParseResult parse, SnapshotIndex? index) => new()
    {
        Paths = Paths(parse), LogGroups = LogGroups(parse), Index = index, FlowLogIds = FlowLogIds(parse), Format = Format(parse, index),
        Threads = Threads(parse),
    };

    public Func<AwsConnection> Connect(ParseResult parse) => Aws.Connect(parse);

    /// <summary>
    /// The run's warnings and errors as lines on stderr. A path that matches nothing is a bad argument: it is thrown, so the
    /// command stops before it reads with that one line and exit 2; a file not read to its end is written, the rest is
    /// read, and <paramref name="partial"/> is called (the command then exits 2).
    /// </summary>
    public static FlowLogRunEvents Events(TextWriter stderr, Action? partial = null) => new()
    {
        Warning = w => stderr.WriteLine($"vpcsec: warning: {w}"),
        Error = e =>
        {
            if (e is FlowLogPathNotFoundException) throw e;
            partial?.Invoke();
            stderr.WriteLine(CliOutput.ErrorLine(e));
        },
    };
}
