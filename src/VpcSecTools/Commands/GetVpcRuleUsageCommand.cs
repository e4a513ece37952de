using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Which security-group rules and NACL entries the flow logs of a window used, which are unused, and the tighter rules the traffic supports.</para>
/// <para type="description">Attributes every ACCEPTed flow recorded at an ENI to each rule of the ENI's security groups
/// that allowed it (and to the narrowest), and every flow crossing a subnet to the NACL entry that matched it first. A rule
/// is Used, Unused (only where every ENI it applies to was logged, read, and lost no records in the window), or Unknown,
/// saying what is missing. -Proposal writes the tightenings the traffic supports: remove unused or redundant rules,
/// replace CIDRs by security-group references or by the peers' own addresses, narrow ports; each with the flows it would
/// have dropped (a safe one drops none) and the exposure it removes, computed by the reachability engine. -As writes the
/// safe ones as AWS CLI commands, a CloudFormation template or Terraform. The flow logs are files, folders or s3://
/// locations, the VPCs' own flow logs (with -VpcId and no path), or Invoke-FlowLogQuery groups piped in. Changes nothing in AWS.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcRuleUsage", DefaultParameterSetName = FromFlowLogs)]
[OutputType(typeof(RuleUsage), typeof(RuleProposal), typeof(string))]
public sealed class GetVpcRuleUsageCommand : SnapshotCmdlet
{
    private const string FromFlowLogs = "FromFlowLogs", FromQuery = "FromQuery";

    /// <summary>Flow-log files, folders (searched recursively), wildcards, or s3://bucket/prefix locations; without them, the -VpcId VPCs' own flow logs.</summary>
    [Parameter(Position = 0, ParameterSetName = FromFlowLogs)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Groups from Invoke-FlowLogQuery grouped by interface-id, srcaddr, dstaddr, srcport, dstport, protocol and action (and tcp-flags, flow-direction, log-status, pkt-srcaddr, pkt-dstaddr when the logs have them).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromQuery)]
    public FlowGroup[] InputObject { get; set; } = [];

    /// <summary>Only the security groups and network ACLs of these VPCs; without -Path, read their own flow logs where the snapshot's describe-flow-logs says they go.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Only these security groups (and no network ACL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? GroupId { get; set; }

    /// <summary>CloudWatch Logs groups the flow logs deliver to, read with FilterLogEvents.</summary>
    [Parameter(ParameterSetName = FromFlowLogs)]
    [ValidateNotNullOrEmpty]
    public string[]? LogGroupName { get; set; }

    /// <summary>Flow logs of the snapshot: without -Path, read them where they deliver; with -Path, their LogFormat reads files without a header.</summary>
    [Parameter(ParameterSetName = FromFlowLogs)]
    [ValidateNotNullOrEmpty]
    public string[]? FlowLogId { get; set; }

    /// <summary>The record format of files without a header: an AWS LogFormat or a field list.</summary>
    [Parameter(ParameterSetName = FromFlowLogs)]
    [ValidateNotNullOrEmpty]
    public string? Format { get; set; }

    /// <summary>The window's start: records ending before it are not read.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>The window's end: records starting at or after it are not read.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    /// <summary>Shorthand for -Since: now minus this duration (30d, 24h, 00:30:00).</summary>
    [Parameter(ParameterSetName = FromFlowLogs)]
    [ValidateNotNullOrEmpty]
    public string? Last { get; set; }

    /// <summary>Write the tightening proposals instead of the rules.</summary>
    [Parameter]
    public SwitchParameter Proposal { get; set; }

    /// <summary>Write the safe proposals as AWS CLI commands, a CloudFormation template or Terraform.</summary>
    [Parameter]
    public RuleUsageFormat? As { get; set; }

    /// <summary>Peers listed per rule (default 10).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int MaxPeers { get; set; } = 10;

    /// <summary>The most CIDRs a proposal may name in place of a rule (default 16); past it the rule's own source stays, so hundreds of internet clients keep a public rule.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxCidrs { get; set; } = 16;

    /// <summary>Worker threads reading the flow logs (default: all cores).</summary>
    [Parameter(ParameterSetName = FromFlowLogs)]
    [ValidateRange(1, 256)]
    public int? ThrottleLimit { get; set; }

    /// <summary>A live capture needs only the VPCs asked about.</summary>
    protected override IReadOnlyList<string> LiveVpcIds => VpcId ?? [];

    protected override object? ErrorTarget => Path.FirstOrDefault() ?? base.ErrorTarget;

    private readonly List<FlowGroup> _groups = [];
    private readonly List<string> _paths = [];

    protected override void Process()
    {
        if (ParameterSetName == FromQuery)
        {
            _groups.AddRange(InputObject);
            return;
        }
        foreach (var p in Path)
        {
            if (p == FlowLogPaths.StandardInput)
                throw new Errors.InvalidValueException("'-' (standard input) is read by vpcsec, not by the cmdlet: save the stream to a file and give its path, or run vpcsec rule-usage -", p);
            _paths.AddRange(S3Aware(p));
        }
    }

    /// <summary>Provider paths for PowerShell wildcards; s3:// locations and paths that match nothing go to the engine as typed.</summary>
    private IEnumerable<string> S3Aware(string path)
    {
        if (FlowLogs.S3.S3Location.IsS3Uri(path)) return [path];
        try { return GetResolvedProviderPathFromPSPath(path, out _); }
        catch (ItemNotFoundException) { return [GetUnresolvedProviderPathFromPSPath(path)]; }
    }

    protected override void End()
    {
        // An empty pipeline answers nothing, never every rule of the snapshot.
        if (ParameterSetName == FromQuery && _groups.Count == 0) return;
        var vpcs = Held(ScopeIds.Of(VpcId), Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        var groups = Held(ScopeIds.Of(GroupId), Index.SecurityGroups, Section.SecurityGroups, ResourceNotInSnapshotException.SecurityGroup);
        if (vpcs is { Count: 0 } || groups is { Count: 0 }) return;
        var options = new RuleUsageOptions { VpcIds = vpcs ?? [], GroupIds = groups ?? [], MaxPeers = MaxPeers, MaxCidrs = MaxCidrs };
        var window = new FlowQueryArguments
        {
            Since = Since is { } s ? new DateTimeOffset(s.ToUniversalTime()) : null, Until = Until is { } u ? new DateTimeOffset(u.ToUniversalTime()) : null, Last = Last,
        }.ToQuery().Filter;
        var report = ParameterSetName == FromQuery
            ? RuleUsageAnalysis.FromGroups(_groups, Index, options, window.Since, window.Until)
            : Read(options, window);
        foreach (var note in report.Notes) WriteVerbose(note);
        foreach (var warning in report.Warnings) WriteWarning(warning);
        if (As is { } format) WriteObject(RuleUsageRendering.Render(report, format));
        else if (Proposal) WriteObject(report.Proposals, enumerateCollection: true);
        else WriteObject(report.Rules, enumerateCollection: true);
    }

    /// <summary>
    /// The engine reads on worker threads while this thread shows progress; what the read reports (notes, warnings, files
    /// it could not read) is written here, after it, as PowerShell writes only from the pipeline's thread.
    /// </summary>
    private RuleUsageReport Read(RuleUsageOptions options, FlowFilter window)
    {
        var said = new ConcurrentQueue<Action>();
        var events = new FlowLogRunEvents
        {
            Note = n => said.Enqueue(() => WriteVerbose(n)),
            Warning = w => said.Enqueue(() => WriteWarning(w)),
            Error = e => said.Enqueue(() => WriteClassifiedError(e)),
        };
        var progress = new FlowLogProgress();
        var request = new RuleUsageRequest
        {
            Index = Index, Paths = _paths, LogGroups = LogGroupName ?? [], FlowLogIds = FlowLogId ?? [],
            Format = FlowLogRun.FormatOf(Index, FlowLogId ?? [], Format is null ? null : FlowLogFormat.Parse(Format)),
            Since = window.Since, Until = window.Until, Threads = ThrottleLimit ?? Environment.ProcessorCount, Progress = progress, Options = options,
        };
        var task = Task.Run(() => RuleUsageAnalysis.Read(request, Connect, events, Cancellation));
        while (!task.Wait(250))
        {
            var record = new ProgressRecord(1, "Reading flow logs", $"{progress.BytesRead / 1e6:F0} MB of {progress.TotalBytes / 1e6:F0} MB");
            if (progress.TotalBytes > 0) record.PercentComplete = (int)Math.Min(100, progress.BytesRead * 100 / progress.TotalBytes);
            WriteProgress(record);
            while (said.TryDequeue(out var say)) say();
        }
        WriteProgress(new ProgressRecord(1, "Reading flow logs", "Done") { RecordType = ProgressRecordType.Completed });
        while (said.TryDequeue(out var say)) say();
        return task.GetAwaiter().GetResult();
    }
}
