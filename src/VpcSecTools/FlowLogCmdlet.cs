using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// The base of every cmdlet that reads flow logs: one declaration of where the logs are (-Path, -LogGroupName, -FlowLogId,
/// -Format, -ThrottleLimit) and of the window (-Since, -Until, -Last), so each cmdlet takes them with the same type, meaning,
/// validation, completion and help. The window is read once, before any input (-Last counts back from that moment), and
/// refused there when it cannot be one; paths are resolved as PowerShell resolves them.
/// </summary>
public abstract class FlowLogCmdlet : SnapshotCmdlet
{
    /// <summary>
    /// Flow-log files, folders (searched recursively), wildcards at any level of a local path (AWSLogs/*/vpcflowlogs/us-east-1/2026/11/*),
    /// or s3://bucket/prefix locations (listed for the window). From
    /// the pipeline by property name only (FullName, as Get-ChildItem gives): other objects are not file names.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "FlowLogPath")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>CloudWatch Logs groups the flow logs deliver to, read with FilterLogEvents (Invoke-FlowLogQuery -Engine LogsInsights queries them).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? LogGroupName { get; set; }

    /// <summary>Flow logs of the snapshot: with no -Path, read these where they deliver; otherwise their LogFormat is the format of files without a header.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? FlowLogId { get; set; }

    /// <summary>The record format of files without a header: an AWS LogFormat or a field list.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Format { get; set; }

    /// <summary>Worker threads reading the flow logs (default: all cores).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? ThrottleLimit { get; set; }

    /// <summary>
    /// The window's start: records whose capture window ends at or after this instant. A time without an offset is local time,
    /// as Get-Date's is; add Z or an offset for UTC ('2026-11-21T06:00Z').
    /// </summary>
    [Parameter]
    public DateTimeOffset? Since { get; set; }

    /// <summary>The window's end: records whose capture window starts before this instant.</summary>
    [Parameter]
    public DateTimeOffset? Until { get; set; }

    /// <summary>The window is the last this long, up to now (30m, 6h, 1d, 2w, 00:30:00, or a TimeSpan); instead of -Since.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Last { get; set; }

    private readonly List<string> _paths = [];
    private readonly ScopeIds _pathsGiven = new();
    private FlowFilter? _window;

    /// <summary>The window as the engine reads it: Since and Until (-Last made a Since, and an Until of now without -Until), fixed before the first input.</summary>
    protected FlowFilter Window => _window ?? throw new InvalidOperationException("the window is read in Begin");

    /// <summary>The paths given, resolved: wildcards expanded; s3:// locations and paths that match nothing as typed (the engine reports them).</summary>
    protected IReadOnlyList<string> Paths => _paths;

    /// <summary>True when no flow-log source was given: no path, no log group, no flow-log id.</summary>
    protected bool NoSource => _paths.Count == 0 && Path.Length == 0 && LogGroupName is null && FlowLogId is null;

    /// <summary>
    /// Groups piped in (from Invoke-FlowLogQuery) are the flow logs already read: a source given as well would be ignored,
    /// so it is refused.
    /// </summary>
    private protected void RefuseSourceWithGroups()
    {
        if (!NoSource)
            throw new ArgumentException("the flow-log groups piped in are the flow logs to use: give -Path, -LogGroupName or -FlowLogId, or pipe groups, not both");
    }

    /// <summary>The vpcsec command that reads '-' (standard input), for the error that says so.</summary>
    private protected abstract string VpcsecCommand { get; }

    protected override void Begin()
    {
        // Refused here, before any input is read, and naming the value that cannot make a window.
        _window = Concerning(Last ?? (object?)Since ?? Until, () => new FlowQueryArguments { Since = Since, Until = Until, Last = Last }.ToQuery().Filter);
    }

    protected override void Process()
    {
        _pathsGiven.Add(MyInvocation.BoundParameters.ContainsKey(nameof(Path)) ? Path : null);
        foreach (var p in Path)
        {
            // Standard input is vpcsec's: in PowerShell it is the console or the script's own input.
            if (p == FlowLogPaths.StandardInput)
                throw new Errors.InvalidValueException("'-' (standard input) is read by vpcsec, not by the cmdlet: save the stream to a file " +
                    $"(aws s3 cp s3://... ./logs/) and give its path, or run {VpcsecCommand} -", p);
            _paths.AddRange(Resolve(p));
        }
    }

    /// <summary>
    /// Provider paths for PowerShell wildcards; an s3:// location, or a path or wildcard that matches nothing, goes to the
    /// engine as typed, which reports it (FlowLogPathNotFound) and reads the rest.
    /// </summary>
    private protected IEnumerable<string> Resolve(string path)
    {
        if (FlowLogs.S3.S3Location.IsS3Uri(path)) return [path];
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out _);
            return resolved.Count > 0 ? resolved : [GetUnresolvedProviderPathFromPSPath(path)];
        }
        catch (ItemNotFoundException) { return [GetUnresolvedProviderPathFromPSPath(path)]; }
    }

    /// <summary>True when paths were to come from the pipeline and none did: the answer is then nothing, never the VPCs' own logs.</summary>
    private protected bool PipedNoPath(params ScopeIds[] others) => PipedNothing([_pathsGiven, .. others]);

    protected override object? ErrorTarget => _paths.FirstOrDefault() ?? base.ErrorTarget;

    /// <summary>The format of input without a header: -Format, else that of the -FlowLogId flow logs in the snapshot.</summary>
    protected FlowLogFormat? LogFormat(SnapshotIndex? index) =>
        FlowLogRun.FormatOf(index, FlowLogId ?? [], Format is null ? null : FlowLogFormat.Parse(Format));

    protected int Threads => ThrottleLimit ?? Environment.ProcessorCount;

    /// <summary>What a local run reads: the sources given, in the window's format, on the given threads.</summary>
    protected FlowLogRunRequest RunRequest(SnapshotIndex? index, FlowLogProgress? progress = null) => new()
    {
        Paths = _paths, LogGroups = LogGroupName ?? [], Index = index, FlowLogIds = FlowLogId ?? [], Format = LogFormat(index),
        Threads = Threads, Progress = progress,
    };

    /// <summary>The run's notes, warnings and errors written straight away: for a run opened on the pipeline's thread.</summary>
    protected FlowLogRunEvents RunEvents => new() { Note = WriteVerbose, Warning = WriteWarning, Error = e => WriteClassifiedError(e) };

    /// <summary>
    /// Runs a read on a worker thread while this thread writes its progress and, as they come, its notes, warnings and errors
    /// and the AWS connection it makes (PowerShell takes them only from here). The connection is resolved here (it reads the
    /// session's stored credentials) and made on the worker when a read first needs AWS.
    /// </summary>
    private protected T OnWorker<T>(FlowLogProgress progress, Func<FlowLogRunEvents, Func<AwsConnection>, T> read)
    {
        var pending = new ConcurrentQueue<Action>();
        var events = new FlowLogRunEvents
        {
            Note = n => pending.Enqueue(() => WriteVerbose(n)),
            Warning = w => pending.Enqueue(() => WriteWarning(w)),
            Error = e => pending.Enqueue(() => WriteClassifiedError(e)),
        };
        var connectionRequest = ConnectionRequest();
        var connection = new Lazy<AwsConnection>(() =>
        {
            var c = AwsLoadContext.Connector.Connect(connectionRequest);
            pending.Enqueue(() => WriteVerbose(c.Describe()));
            return c;
        });
        var task = Task.Run(() => read(events, () => connection.Value));
        // Waits without Task.Wait, which throws a failed task's exception wrapped in an AggregateException.
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
        {
            Drain(pending);
            WriteReadProgress(progress);
        }
        Drain(pending);
        WriteReadProgress(progress, done: true);
        return task.GetAwaiter().GetResult();
    }

    /// <summary>Bytes read of the bytes to read, or (<paramref name="done"/>) the end of the progress bar.</summary>
    private protected void WriteReadProgress(FlowLogProgress progress, bool done = false)
    {
        if (done)
        {
            WriteProgress(new ProgressRecord(1, "Reading flow logs", "Done") { RecordType = ProgressRecordType.Completed });
            return;
        }
        var record = new ProgressRecord(1, "Reading flow logs", $"{progress.BytesRead / 1e6:F0} MB of {progress.TotalBytes / 1e6:F0} MB");
        if (progress.TotalBytes > 0) record.PercentComplete = (int)Math.Min(100, progress.BytesRead * 100 / progress.TotalBytes);
        WriteProgress(record);
    }

    private static void Drain(ConcurrentQueue<Action> pending)
    {
        while (pending.TryDequeue(out var write)) write();
    }
}
