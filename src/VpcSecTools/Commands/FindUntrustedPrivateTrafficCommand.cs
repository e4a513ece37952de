using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Finds private-address traffic that a "10.x is mine" rule would wrongly trust: who really sent it, and what the flow logs saw that the network's model forbids.</para>
/// <para type="description">Reads a window of flow logs and attributes every private source seen at the snapshot's network
/// interfaces from the receiving VPC's point of view (its own ENIs, a peered VPC and its account, a transit-gateway
/// attachment and its account, a VPN or Direct Connect range, unassigned space, nobody), and places it in a trust zone:
/// OwnAccount, OtherAccount, OnPremises, NoOwner or Unknown. It returns findings with their evidence (records, bytes, first
/// and last seen, the peering or attachment it came through, the rule that admitted it): traffic ACCEPTed from another
/// account's or on-premises space to a sensitive port or a data store (Trust.SensitiveFromOutside); sources inside the
/// VPC's own CIDR that no ENI holds (Trust.UnownedSourceInVpc); traffic ACCEPTed although the reachability model says it
/// cannot flow, or REJECTed although it says it can (Trust.AcceptedButNotReachable, Trust.RejectedButReachable); and with a
/// baseline, conversations the baseline did not have (Trust.NewTalker). The findings pipe into ConvertTo-SecurityHubFinding
/// and ConvertTo-OcsfFinding. -Summary returns the sources by trust zone instead. Without -Path or -LogGroupName, the
/// flow logs of -FlowLogId, else of -VpcId, are read where the snapshot's describe-flow-logs says they go.</para>
/// </summary>
[Cmdlet(VerbsCommon.Find, "UntrustedPrivateTraffic", DefaultParameterSetName = Findings)]
[OutputType(typeof(Finding), ParameterSetName = [Findings])]
[OutputType(typeof(TrustZoneSummary), ParameterSetName = [SummarySet])]
public sealed class FindUntrustedPrivateTrafficCommand : SnapshotCmdlet
{
    private const string Findings = "Findings", SummarySet = "Summary";

    /// <summary>
    /// Flow-log files, folders (searched recursively), wildcards, or s3://bucket/prefix locations of the window. From the
    /// pipeline by property name only (FullName, as Get-ChildItem gives).
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>CloudWatch Logs groups the flow logs deliver to, read with FilterLogEvents.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? LogGroupName { get; set; }

    /// <summary>Flow logs of the snapshot: with no -Path, read these where they deliver; otherwise their LogFormat is the format of files without a header.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? FlowLogId { get; set; }

    /// <summary>Only traffic received by network interfaces of these VPCs; with no -Path, read their own flow logs. From the pipeline by property name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>The record format of files without a header: an AWS LogFormat or a field list.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Format { get; set; }

    /// <summary>The window: records whose capture window ends at or after this time.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>The window: records whose capture window starts before this time.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Shorthand for -Since: now minus this duration (30m, 6h, 1d, 2w, or a TimeSpan).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Last { get; set; }

    /// <summary>Flow logs of a baseline window: a source and interface that talk in the window but not in them are new talkers.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? BaselinePath { get; set; }

    /// <summary>The baseline window's start (of -BaselinePath, or else of the window's own flow logs).</summary>
    [Parameter]
    public DateTime? BaselineSince { get; set; }

    /// <summary>The baseline window's end.</summary>
    [Parameter]
    public DateTime? BaselineUntil { get; set; }

    /// <summary>A baseline file saved with -SaveBaseline by an earlier run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaselineFile { get; set; }

    /// <summary>Write this window's conversations (source, network interface) to a baseline file for later runs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SaveBaseline { get; set; }

    /// <summary>Ports that are sensitive (default: the audit's high-risk lists, Security Hub EC2.19 and the extended list).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, 65535)]
    public int[]? SensitivePort { get; set; }

    /// <summary>Wildcards on the Name of an ENI or its instance that mark a data store (default: *db*, *database*, *sql*, *redis*, *mongo*).</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? DataStoreName { get; set; }

    /// <summary>Tags that mark a data store on an ENI or its instance: Key=Value with wildcards, or Key for any value.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataStoreTag { get; set; }

    /// <summary>Only findings at or above this severity.</summary>
    [Parameter(ParameterSetName = Findings)]
    public Severity MinimumSeverity { get; set; } = Severity.Informational;

    /// <summary>Return each receiving VPC's private sources by trust zone instead of the findings.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    /// <summary>Worker threads (default: all cores).</summary>
    [Parameter]
    [ValidateRange(1, 256)]
    public int? ThrottleLimit { get; set; }

    private readonly List<string> _paths = [];
    private readonly ScopeIds _vpcIds = new(), _pathsGiven = new();

    protected override void Process()
    {
        _pathsGiven.Add(MyInvocation.BoundParameters.ContainsKey(nameof(Path)) ? Path : null);
        foreach (var p in Path)
        {
            if (p == FlowLogPaths.StandardInput)
                throw new Errors.InvalidValueException("'-' (standard input) is read by vpcsec, not by the cmdlet: save the stream to a file and give its path", p);
            _paths.AddRange(FlowLogs.S3.S3Location.IsS3Uri(p) ? [p] : ResolvePaths(p));
        }
        _vpcIds.Add(VpcId);
    }

    /// <summary>
    /// Provider paths for PowerShell wildcards; a path or wildcard that matches nothing goes to the engine as typed, which
    /// reports it (FlowLogPathNotFound) and reads the rest.
    /// </summary>
    private IEnumerable<string> ResolvePaths(string path)
    {
        try
        {
            var resolved = GetResolvedProviderPathFromPSPath(path, out _);
            return resolved.Count > 0 ? resolved : [GetUnresolvedProviderPathFromPSPath(path)];
        }
        catch (ItemNotFoundException) { return [GetUnresolvedProviderPathFromPSPath(path)]; }
    }

    protected override object? ErrorTarget => _paths.FirstOrDefault() ?? base.ErrorTarget;

    protected override void End()
    {
        if (PipedNothing(_vpcIds, _pathsGiven)) return;
        var vpcs = Held(_vpcIds, Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        if (vpcs is { Count: 0 }) return;
        var window = new FlowQueryArguments { Since = Utc(Since), Last = Last, Until = Utc(Until) }.ToQuery().Filter;
        var options = new PrivateTrustOptions { VpcIds = vpcs ?? [] };
        if (SensitivePort is not null) options = options with { SensitivePorts = SensitivePort };
        if (DataStoreName is not null) options = options with { DataStoreNames = DataStoreName };
        if (DataStoreTag is not null) options = options with { DataStoreTags = DataStoreTag };
        var progress = new FlowLogProgress();
        var request = new PrivateTrustRequest
        {
            Paths = _paths, LogGroups = LogGroupName ?? [], FlowLogIds = FlowLogId ?? [],
            Format = FlowLogRun.FormatOf(Index, FlowLogId ?? [], Format is null ? null : FlowLogFormat.Parse(Format)),
            Since = window.Since, Until = window.Until,
            BaselinePaths = BaselinePath?.SelectMany(ResolvePaths).ToArray() ?? [], BaselineSince = Utc(BaselineSince), BaselineUntil = Utc(BaselineUntil),
            BaselineFile = BaselineFile is null ? null : GetUnresolvedProviderPathFromPSPath(BaselineFile),
            Options = options, Threads = ThrottleLimit ?? Environment.ProcessorCount, Progress = progress,
        };
        var report = Run(request, progress);
        if (SaveBaseline is not null)
            new TrustBaseline { Talkers = report.Talkers, FirstSeen = report.FirstSeen, LastSeen = report.LastSeen }.Save(GetUnresolvedProviderPathFromPSPath(SaveBaseline));
        foreach (var note in report.Notes) WriteVerbose(note);
        foreach (var warning in report.Warnings) WriteWarning(warning);
        if (Summary)
        {
            WriteObject(report.Zones, enumerateCollection: true);
            return;
        }
        var findings = report.Select(MinimumSeverity).ToArray();
        if (findings.Count(f => !f.Confirmed) is > 0 and var unconfirmed)
            WriteWarning($"{unconfirmed} finding(s) are unconfirmed (Confirmed = $false): whose address space their source is in cannot be told; MissingData says why.");
        foreach (var f in findings)
        {
            // The traffic view, while the object stays a Finding for ConvertTo-SecurityHubFinding.
            var o = new PSObject(f);
            o.TypeNames.Insert(0, FlowEvidence.FindingTypeName);
            WriteObject(o);
        }
    }

    /// <summary>
    /// Runs the analysis on a worker thread; this thread writes its progress and, as they come, the run's notes, warnings
    /// and errors (PowerShell takes them only from here).
    /// </summary>
    private PrivateTrustReport Run(PrivateTrustRequest request, FlowLogProgress progress)
    {
        var pending = new ConcurrentQueue<Action>();
        var events = new FlowLogRunEvents
        {
            Note = n => pending.Enqueue(() => WriteVerbose(n)),
            Warning = w => pending.Enqueue(() => WriteWarning(w)),
            Error = e => pending.Enqueue(() => WriteClassifiedError(e)),
        };
        var index = Index;
        // Resolved here (it reads the session's stored credentials), connected on the worker when a read first needs AWS.
        var connectionRequest = ConnectionRequest();
        var connection = new Lazy<Aws.AwsConnection>(() =>
        {
            var c = AwsLoadContext.Connector.Connect(connectionRequest);
            pending.Enqueue(() => WriteVerbose(c.Describe()));
            return c;
        });
        var task = Task.Run(() => PrivateTrustAnalysis.Run(index, request, () => connection.Value, events, Cancellation));
        // Waits without Task.Wait, which throws a failed task's exception wrapped in an AggregateException.
        while (!((IAsyncResult)task).AsyncWaitHandle.WaitOne(250))
        {
            Drain(pending);
            var record = new ProgressRecord(1, "Reading flow logs", $"{progress.BytesRead / 1e6:F0} MB of {progress.TotalBytes / 1e6:F0} MB");
            if (progress.TotalBytes > 0) record.PercentComplete = (int)Math.Min(100, progress.BytesRead * 100 / progress.TotalBytes);
            WriteProgress(record);
        }
        Drain(pending);
        WriteProgress(new ProgressRecord(1, "Reading flow logs", "Done") { RecordType = ProgressRecordType.Completed });
        return task.GetAwaiter().GetResult();
    }

    private static void Drain(ConcurrentQueue<Action> pending)
    {
        while (pending.TryDequeue(out var write)) write();
    }

    private static DateTimeOffset? Utc(DateTime? t) => t is { } v ? new DateTimeOffset(v.ToUniversalTime()) : null;
}
