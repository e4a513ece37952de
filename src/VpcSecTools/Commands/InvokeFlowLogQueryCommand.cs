using System.Diagnostics;
using System.Management.Automation;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Reads VPC flow logs (files, folders, wildcards; plain, .gz or Parquet) and returns the matching records or aggregates.</para>
/// <para type="description">Filters on addresses or CIDRs, ports, protocol, action, log status, interface, VPC, subnet,
/// instance, flow direction and time window (which also limits the S3 prefixes listed for s3:// paths), evaluated on the raw text before anything is materialised. With -GroupBy
/// or -Bin the engine aggregates (count, packets, bytes, first and last seen) and returns only the groups. With -VpcId or
/// -FlowLogId and no path, it reads those flow logs where describe-flow-logs (-Snapshot, or live) says they go (S3 or
/// CloudWatch Logs), in their format; -Attribute names who each address is; -ThroughNatGateway sums the NAT gateways' traffic by destination service,
/// each flow once.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "FlowLogQuery", DefaultParameterSetName = "Records")]
[OutputType(typeof(FlowRecord), ParameterSetName = ["Records"])]
[OutputType(typeof(FlowGroup), ParameterSetName = ["Groups"])]
[OutputType(typeof(FlowLogResult), ParameterSetName = ["Count"])]
[OutputType(typeof(Endpoints.NatTrafficTotal), ParameterSetName = ["NatGateway"])]
[OutputType(typeof(string))]
public sealed class InvokeFlowLogQueryCommand : FlowLogCmdlet
{
    /// <summary>Source address or CIDR (any of several).</summary>
    [Parameter] public string[]? SourceAddress { get; set; }
    /// <summary>Destination address or CIDR.</summary>
    [Parameter] public string[]? DestinationAddress { get; set; }
    /// <summary>Address or CIDR on either side.</summary>
    [Parameter] public string[]? Address { get; set; }
    /// <summary>Source port or range (1024-65535).</summary>
    [Parameter] public string[]? SourcePort { get; set; }
    /// <summary>Destination port or range.</summary>
    [Parameter] public string[]? DestinationPort { get; set; }
    /// <summary>Port or range on either side.</summary>
    [Parameter] public string[]? Port { get; set; }
    /// <summary>Protocol by name (tcp, udp, icmp) or number.</summary>
    [Parameter] public string[]? Protocol { get; set; }
    /// <summary>ACCEPT or REJECT.</summary>
    [Parameter][ValidateSet("ACCEPT", "REJECT")] public string[]? Action { get; set; }
    /// <summary>OK, NODATA or SKIPDATA.</summary>
    [Parameter][ValidateSet("OK", "NODATA", "SKIPDATA")] public string[]? LogStatus { get; set; }
    /// <summary>ENI id; from the pipeline by property name (NetworkInterfaceId, as AWS.Tools' ENI objects have), each object's added.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)][Alias("NetworkInterfaceId")] public string[]? InterfaceId { get; set; }
    /// <summary>VPC id: with no -Path, read this VPC's own flow logs (found in -Snapshot); otherwise a filter on the vpc-id field (version 3+).</summary>
    [Parameter] public string[]? VpcId { get; set; }
    /// <summary>Subnet id (version 3+).</summary>
    [Parameter] public string[]? SubnetId { get; set; }
    /// <summary>Instance id (version 3+).</summary>
    [Parameter] public string[]? InstanceId { get; set; }
    /// <summary>ingress or egress (version 5+).</summary>
    [Parameter][ValidateSet("ingress", "egress")] public string[]? FlowDirection { get; set; }

    /// <summary>Fields to aggregate by (srcaddr or SourceAddress, ...).</summary>
    [Parameter(ParameterSetName = "Groups")] public string[]? GroupBy { get; set; }
    /// <summary>Time-bin width (5m, 1h, 1d, 00:05:00, or a TimeSpan), as -Last takes it.</summary>
    [Parameter(ParameterSetName = "Groups")] public string? Bin { get; set; }
    /// <summary>Only the N largest groups (or NAT totals).</summary>
    [Parameter(ParameterSetName = "Groups")]
    [Parameter(ParameterSetName = "NatGateway")]
    [ValidateRange(1, int.MaxValue)] public int? Top { get; set; }
    /// <summary>Rank groups by Bytes, Packets or Count.</summary>
    [Parameter(ParameterSetName = "Groups")][ValidateSet("Bytes", "Packets", "Count")] public string By { get; set; } = "Bytes";
    /// <summary>Only the first N records.</summary>
    [Parameter(ParameterSetName = "Records")][ValidateRange(0, int.MaxValue)] public int? First { get; set; }
    /// <summary>Return only the count and read report.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Count")] public SwitchParameter Count { get; set; }
    /// <summary>Add who each address is (SourceOwner, DestinationOwner; on groups, one per address field), from -Snapshot and AWS ip-ranges.</summary>
    [Parameter(ParameterSetName = "Records")]
    [Parameter(ParameterSetName = "Groups")]
    public SwitchParameter Attribute { get; set; }
    /// <summary>Bytes through the snapshot's NAT gateways by destination service and region, each flow counted once.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "NatGateway")] public SwitchParameter ThroughNatGateway { get; set; }

    /// <summary>Bytes the groups of a -GroupBy may hold in memory before they spill to disk (e.g. 256MB; default: half the machine's memory).</summary>
    [Parameter(ParameterSetName = "Groups")][ValidateRange(1L << 20, long.MaxValue)] public long? MaxMemory { get; set; }

    /// <summary>Where the query runs: Local (the paths), Athena or LogsInsights.</summary>
    [Parameter] public FlowLogEngine Engine { get; set; } = FlowLogEngine.Local;
    /// <summary>Return the Athena SQL and table DDL, or the Logs Insights query, instead of running it.</summary>
    [Parameter] public SwitchParameter ShowQuery { get; set; }
    /// <summary>Athena: database.table over the flow logs.</summary>
    [Parameter][ValidateNotNullOrEmpty] public string AthenaTable { get; set; } = "default.vpc_flow_logs";
    /// <summary>Athena: the s3://bucket/prefix/ that holds AWSLogs/.</summary>
    [Parameter][ValidateNotNullOrEmpty] public string? AthenaLocation { get; set; }
    /// <summary>Athena: the account ids whose logs are under the location.</summary>
    [Parameter][ValidateNotNullOrEmpty] public string[]? AthenaAccount { get; set; }
    /// <summary>Athena: the regions whose logs are under the location (default: the region queried).</summary>
    [Parameter][ValidateNotNullOrEmpty] public string[]? AthenaLogRegion { get; set; }
    /// <summary>Athena: the flow log uses Hive-compatible S3 prefixes.</summary>
    [Parameter] public SwitchParameter Hive { get; set; }
    /// <summary>Athena: the flow log partitions per hour.</summary>
    [Parameter] public SwitchParameter PerHour { get; set; }
    /// <summary>Athena: the flow log delivers Parquet.</summary>
    [Parameter] public SwitchParameter Parquet { get; set; }
    /// <summary>Athena: run the table DDL (CREATE EXTERNAL TABLE IF NOT EXISTS) first.</summary>
    [Parameter] public SwitchParameter CreateTable { get; set; }
    /// <summary>Athena: the workgroup (default primary).</summary>
    [Parameter][ValidateNotNullOrEmpty] public string? AthenaWorkGroup { get; set; }
    /// <summary>Athena: the s3:// location for results (default: the workgroup's).</summary>
    [Parameter][ValidateNotNullOrEmpty] public string? AthenaOutputLocation { get; set; }

    /// <summary>Finding a VPC's flow logs needs only that VPC's resources; naming addresses or NAT traffic needs the whole network.</summary>
    protected override IReadOnlyList<string> LiveVpcIds => Attribute || ThroughNatGateway ? [] : VpcId ?? [];

    private readonly List<string> _interfaces = [];
    private readonly ScopeIds _interfacesGiven = new();

    private protected override string VpcsecCommand => "vpcsec flowlogs query";

    protected override void Process()
    {
        base.Process();
        // Piped ENI objects each bring one id: the query covers them all.
        if (InterfaceId is not null) _interfaces.AddRange(InterfaceId);
        _interfacesGiven.Add(InterfaceId);
    }

    protected override void End()
    {
        // An empty pipeline reads nothing, never the VPCs' own flow logs.
        if (PipedNoPath(_interfacesGiven)) return;
        var query = Arguments().ToQuery();
        bool discover = Paths.Count == 0 && LogGroupName is null;
        // The network is read (or captured live) only when the question needs it.
        var index = Snapshot is not null || FlowLogId is not null || Attribute || ThroughNatGateway || (discover && VpcId is not null) ? Index : null;
        if (Engine != FlowLogEngine.Local || ShowQuery) { PushDown(query, LogFormat(index)); return; }
        if (discover && VpcId is null && FlowLogId is null)
            throw new ArgumentException("give -Path or -LogGroupName, -VpcId or -FlowLogId to read those flow logs, or -Engine Athena|LogsInsights");
        var progress = new FlowLogProgress();
        using var run = FlowLogRun.Open(RunRequest(index, progress) with { MaxMemory = MaxMemory }, query, Connect, RunEvents, Cancellation);
        if (run.Inputs.Count == 0) return;
        var attribution = Attribute ? run.Attribution() : null;
        FlowLogReadReport report;
        if (ParameterSetName == "Records") report = StreamRecords(run, progress, attribution);
        else if (ThroughNatGateway)
        {
            (var totals, report) = OnWorker(progress, (_, _) => run.ThroughNatGateways(Top, Cancellation));
            foreach (var t in totals) WriteObject(t);
        }
        else
        {
            var result = OnWorker(progress, (_, _) => run.Aggregate(Cancellation));
            report = result.Report;
            if (Count) WriteObject(result);
            else foreach (var g in result.Groups) WriteObject(ToObject(g, attribution, Bin is not null));
        }
        run.Finish(report);
    }

    /// <summary>Translates (-ShowQuery) or runs the query in Athena or Logs Insights, through the code the CLI uses.</summary>
    private void PushDown(FlowLogQuery query, FlowLogFormat? format)
    {
        var request = new FlowLogPushDown
        {
            Engine = Engine, Format = format ?? FlowLogFormat.Default, LogGroupNames = LogGroupName ?? [],
            AthenaTable = AthenaTable, AthenaLocation = AthenaLocation, Accounts = AthenaAccount ?? [], LogRegions = AthenaLogRegion ?? [],
            Hive = Hive, PerHour = PerHour, Parquet = Parquet, CreateTable = CreateTable, WorkGroup = AthenaWorkGroup, OutputLocation = AthenaOutputLocation,
        };
        if (ShowQuery)
        {
            WriteObject(request.QueryText(query, Region?.FirstOrDefault() ?? "us-east-1"));
            return;
        }
        var connection = Connect();
        var latest = new LatestProgress();
        var task = Task.Run(() => request.RunAsync(query, connection, latest, Cancellation));
        var activity = $"{Engine} query";
        while (!task.Wait(250))
            if (latest.Value is { } p)
                WriteProgress(new ProgressRecord(2, activity, $"{p.QueryId}: {p.State}" +
                    (p.BytesScanned is { } b ? $", {b / 1e6:F0} MB scanned" : "") + (p.RecordsMatched is { } m ? $", {m} matched" : "")));
        WriteProgress(new ProgressRecord(2, activity, "Done") { RecordType = ProgressRecordType.Completed });
        var result = task.GetAwaiter().GetResult();
        foreach (var note in result.Notes) WriteWarning(note);
        WriteVerbose($"{result.Engine} query {result.QueryId}: {result.QueryText}");
        // Remote groups have the local engine's shape, so -Attribute names their addresses the same way.
        var attribution = Attribute && query.IsAggregate ? new FlowAttribution(Index) : null;
        if (query.IsAggregate) foreach (var g in result.Groups) WriteObject(ToObject(g, attribution, query.Bin is not null));
        else foreach (var row in result.Records) WriteObject(ToObject(row));
    }

    /// <summary>A raw remote row, column name to value, as an object with one property per column.</summary>
    private static PSObject ToObject(IReadOnlyDictionary<string, string?> row)
    {
        var o = new PSObject();
        foreach (var (name, value) in row) o.Properties.Add(new PSNoteProperty(name, value));
        return o;
    }

    private FlowQueryArguments Arguments() => new()
    {
        SourceAddress = SourceAddress, DestinationAddress = DestinationAddress, Address = Address,
        SourcePort = SourcePort, DestinationPort = DestinationPort, Port = Port, Protocol = Protocol,
        Action = Action, LogStatus = LogStatus, InterfaceId = _interfaces.Count > 0 ? _interfaces : null, VpcId = VpcId, SubnetId = SubnetId,
        InstanceId = InstanceId, FlowDirection = FlowDirection,
        Since = Window.Since, Until = Window.Until,
        // -Top ranks the NAT totals too, but they are not a group-by.
        GroupBy = GroupBy, Top = ThroughNatGateway ? null : Top, By = By, Bin = Bin, First = First,
    };

    private FlowLogReadReport StreamRecords(FlowLogRun run, FlowLogProgress progress, FlowAttribution? attribution)
    {
        var report = new FlowLogReadReport();
        var clock = Stopwatch.StartNew();
        foreach (var record in run.Records(report, Cancellation))
        {
            if (attribution is null) WriteObject(record);
            else
            {
                var (source, destination) = attribution.Of(record);
                var o = new PSObject(record);
                o.TypeNames.Insert(0, FlowAttribution.RecordTypeName);
                o.Properties.Add(new PSNoteProperty("SourceOwner", source));
                o.Properties.Add(new PSNoteProperty("DestinationOwner", destination));
                WriteObject(o);
            }
            if (clock.ElapsedMilliseconds > 250) { WriteReadProgress(progress); clock.Restart(); }
        }
        WriteReadProgress(progress, done: true);
        return report;
    }

    /// <summary>
    /// A group with its field values as properties (SourceAddress, DestinationPort...) for Sort-Object and Export-Csv;
    /// with attribution, each address field's owner after it (SourceAddressOwner...). Every group of a binned query has
    /// the binned view, attributed or not (one table, even for a group of records without a start time and so without a bin).
    /// </summary>
    private static PSObject ToObject(FlowGroup group, FlowAttribution? attribution, bool binned)
    {
        var o = new PSObject(group);
        var owners = attribution?.Of(group);
        var view = (owners is not null, binned) switch
        {
            (true, true) => FlowAttribution.BinnedGroupTypeName,
            (true, false) => FlowAttribution.GroupTypeName,
            (false, true) => FlowGroup.BinnedTypeName,
            _ => null,
        };
        if (view is not null) o.TypeNames.Insert(0, view);
        for (int i = 0; i < group.Fields.Count; i++)
        {
            var name = FlowGroup.ColumnName(group.Fields[i]);
            o.Properties.Add(new PSNoteProperty(name, group.TypedValue(i)));
            if (owners?[i] is { } owner) o.Properties.Add(new PSNoteProperty(name + "Owner", owner));
        }
        return o;
    }

    /// <summary>Keeps the latest remote-query state for the pipeline thread to show (progress arrives on other threads).</summary>
    private sealed class LatestProgress : IProgress<RemoteQueryProgress>
    {
        private RemoteQueryProgress? _value;
        public RemoteQueryProgress? Value => Volatile.Read(ref _value);
        public void Report(RemoteQueryProgress value) => Volatile.Write(ref _value, value);
    }
}
