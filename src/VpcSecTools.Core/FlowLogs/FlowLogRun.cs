using VpcSecTools.Aws;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs.CloudWatch;
using VpcSecTools.FlowLogs.S3;
using VpcSecTools.Snapshot;

namespace VpcSecTools.FlowLogs;

/// <summary>What a local flow-log run reads: paths, log groups, or (with a snapshot) named flow logs or a VPC's own.</summary>
public sealed record FlowLogRunRequest
{
    /// <summary>Files, folders, wildcards, <c>s3://</c> locations, <c>-</c> for standard input.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>CloudWatch Logs groups read with FilterLogEvents.</summary>
    public IReadOnlyList<string> LogGroups { get; init; } = [];
    /// <summary>The network: where a VPC's or a named flow log's records are, and who the addresses are.</summary>
    public SnapshotIndex? Index { get; init; }
    /// <summary>Flow logs of the snapshot: read where they deliver when no path is given; their format is that of input without a header.</summary>
    public IReadOnlyList<string> FlowLogIds { get; init; } = [];
    /// <summary>The format of input without a header, given by the user (it wins over the named flow logs').</summary>
    public FlowLogFormat? Format { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>The bytes a group-by's tables may hold before groups spill to disk; null: half the memory the process may use.</summary>
    public long? MaxMemory { get; init; }
    public FlowLogProgress? Progress { get; init; }
}

/// <summary>
/// How a run tells its front end what it finds: each is called on the thread that called <see cref="FlowLogRun.Open"/>
/// or <see cref="FlowLogRun.Finish"/>, never on a worker, so a cmdlet can write them straight to its streams.
/// </summary>
public sealed class FlowLogRunEvents
{
    /// <summary>What was found where (verbose).</summary>
    public Action<string> Note { get; init; } = _ => { };
    /// <summary>What the answer leaves out or cannot vouch for.</summary>
    public Action<string> Warning { get; init; } = _ => { };
    /// <summary>A path or file that could not be read: reported, and the rest is still read.</summary>
    public Action<Exception> Error { get; init; } = _ => { };
}

/// <summary>
/// One local flow-log run, the same for the cmdlet and the CLI: which inputs (paths, log groups, or the flow logs a
/// snapshot names: one rule), the read (records, groups, a count, or the NAT totals), and one set of notes, warnings
/// and errors about it. Remote engines (Athena, Logs Insights) are <see cref="PushDown.FlowLogPushDown"/>.
/// </summary>
public sealed class FlowLogRun : IDisposable
{
    private readonly FlowLogLocations _locations;
    private readonly CloudWatchLogsFlowLogSource? _logs;
    private readonly FlowLogRunEvents _events;
    private readonly SnapshotIndex? _index;
    private readonly List<string> _warnings = [];

    private FlowLogRun(FlowLogQuery query, FlowLogLocations locations, CloudWatchLogsFlowLogSource? logs, IReadOnlyList<FlowLogInput> inputs,
        FlowLogReader reader, SnapshotIndex? index, FlowLogRunEvents events, string? viewpoint)
    {
        Query = query; _locations = locations; _logs = logs; Inputs = inputs; Reader = reader; _index = index; _events = events; _viewpoint = viewpoint;
    }

    /// <summary>The one VPC whose records are read, when the question names it (a VPC id, or flow logs of one VPC).</summary>
    private readonly string? _viewpoint;

    /// <summary>The query as read: a VPC whose own flow logs were chosen is no longer a filter (its logs hold only its records).</summary>
    public FlowLogQuery Query { get; }
    public IReadOnlyList<FlowLogInput> Inputs { get; }
    public FlowLogReader Reader { get; }
    /// <summary>True once a path matched nothing or a file could not be read to its end: the answer is partial.</summary>
    public bool Incomplete { get; private set; }

    /// <summary>
    /// The format of input without a header: the user's, else that of the flow logs named by id (which must agree).
    /// Throws when ids are given without a snapshot or the snapshot lacks one.
    /// </summary>
    public static FlowLogFormat? FormatOf(SnapshotIndex? index, IReadOnlyList<string> flowLogIds, FlowLogFormat? given)
    {
        if (flowLogIds.Count == 0) return given;
        if (index is null) throw new ArgumentException("flow-log ids are looked up in a snapshot: give one");
        var named = FlowLogDestinations.ById(index, flowLogIds);
        return given ?? FlowLogDestinations.FormatOf(named);
    }

    /// <summary>
    /// Finds the inputs. With no path and no log group, the flow logs named by id are read where they deliver, else
    /// the query's VPCs' own flow logs (with a snapshot); VPC ids the snapshot lacks are refused, never read as "every VPC".
    /// </summary>
    public static FlowLogRun Open(FlowLogRunRequest request, FlowLogQuery query, Func<AwsConnection> connect, FlowLogRunEvents events,
        CancellationToken cancel = default)
    {
        if (query.Validate() is { } problem) throw new ArgumentException(problem);
        var index = request.Index;
        if (index is not null)
            foreach (var vpc in query.Filter.VpcId)
                if (!index.Vpcs.ContainsKey(vpc)) throw new IpMap.VpcNotInSnapshotException(vpc);
        var named = request.FlowLogIds.Count > 0
            ? FlowLogDestinations.ById(index ?? throw new ArgumentException("flow-log ids are looked up in a snapshot: give one"), request.FlowLogIds)
            : null;
        var format = request.Format ?? (named is null ? null : FlowLogDestinations.FormatOf(named));
        bool discover = request.Paths.Count == 0 && request.LogGroups.Count == 0;
        var vpcs = query.Filter.VpcId.Concat(named?.Select(d => d.VpcId).Where(v => v.Length > 0) ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var g in query.GroupBy)
            if (!FlowFieldCatalog.IsKnownName(FlowFieldCatalog.ToAwsName(g)) && (format?.IndexOf(g) ?? -1) < 0)
                throw new ArgumentException($"'{g}' is not a flow-log field (such as srcaddr, dstport, interface-id, or a field of the format given)");
        if (discover && (index is null || (named is null && query.Filter.VpcId.Count == 0)))
            throw new ArgumentException("nothing to read: give flow-log paths or log groups, or a snapshot with VPC ids or flow-log ids to read those flow logs where they deliver");
        FlowLogLocations locations;
        if (discover)
        {
            (var destinations, query) = FlowLogDestinations.ToRead(index!, query, named);
            locations = FlowLogLocations.Discover(destinations, query, connect, cancel);
            foreach (var d in destinations.Where(d => d.NotReadable is not null)) events.Warning(d.NotReadable!);
            foreach (var note in locations.Notes) events.Note(note);
            if (query.Filter.Since is null && destinations.Any(d => d.Kind == FlowLogDestinationKind.S3))
                events.Warning("no window (since/last): every object of the flow logs is listed and read; give one to read only its days");
        }
        else
        {
            locations = FlowLogLocations.Expand(request.Paths, query.Filter.Since, query.Filter.Until, connect, format, cancel);
            // What the paths left out (special files, links to nothing) or read once though named twice.
            foreach (var note in locations.Notes) events.Warning(note);
        }
        CloudWatchLogsFlowLogSource? logs = null;
        try
        {
            if (request.LogGroups.Count > 0)
            {
                var connection = connect();
                logs = new CloudWatchLogsFlowLogSource(connection, connection.Region);
            }
            IReadOnlyList<FlowLogInput> inputs = [.. locations.Inputs, .. request.LogGroups.Select(g => logs!.Input(g, query, format, cancel))];
            var run = new FlowLogRun(query, locations, logs, inputs, new FlowLogReader(new FlowLogReadOptions
            {
                Format = format, Threads = request.Threads, Progress = request.Progress, MaxMemory = request.MaxMemory,
            }), index, events, vpcs.Count == 1 ? vpcs[0] : null);
            foreach (var u in locations.Unmatched)
            {
                run.Incomplete = true;
                events.Error(new FlowLogPathNotFoundException(u));
            }
            return run;
        }
        catch
        {
            logs?.Dispose();
            locations.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Who the addresses are, seen from the VPC the question names; groups that do not say which VPC saw them, when the
    /// question names none, are seen from the VPC that holds each address, and a warning says so.
    /// </summary>
    public FlowAttribution Attribution()
    {
        var index = _index ?? throw new ArgumentException("naming who the addresses are needs a snapshot: give one");
        if (Query.IsAggregate && _viewpoint is null && FlowAttribution.HasAddressField(Query.GroupBy.Select(FlowFieldCatalog.ToAwsName))
            && !FlowAttribution.HasViewpointField(Query.GroupBy.Select(FlowFieldCatalog.ToAwsName)))
            _events.Warning("the groups do not say which VPC saw them (no interface-id or vpc-id field), so each address is named as the VPC " +
                "that holds it sees it (FromVpcId): give a VPC id, or group by interface-id too, to see them from the VPC whose logs these are");
        return new FlowAttribution(index, viewpoint: _viewpoint);
    }

    /// <summary>The matching records, streamed; <paramref name="report"/> is complete when the enumeration ends.</summary>
    public IEnumerable<FlowRecord> Records(FlowLogReadReport report, CancellationToken cancel = default) =>
        Reader.Records(Inputs, Query, report, cancel);

    /// <summary>The count, and the groups when the query groups.</summary>
    public FlowLogResult Aggregate(CancellationToken cancel = default) => Reader.Run(Inputs, Query, cancel);

    /// <summary>Bytes through the snapshot's NAT gateways by destination service, each flow once; at most <paramref name="top"/>.</summary>
    public (IReadOnlyList<NatTrafficTotal> Totals, FlowLogReadReport Report) ThroughNatGateways(int? top = null, CancellationToken cancel = default)
    {
        var index = _index ?? throw new ArgumentException("the NAT gateways' traffic needs a snapshot: give one");
        var (totals, notes, report) = NatTrafficAttribution.ThroughNatGateways(Reader, Inputs, index, Query.Filter, AwsIpRangeSet.Bundled, cancel);
        lock (_warnings) _warnings.AddRange(notes);
        return (top is { } n ? totals.Take(n).ToList() : totals, report);
    }

    /// <summary>
    /// Reports what the read met: files not read to their end (errors), skipped lines (a warning with the first ten
    /// places), what limited the answer, and a summary (a note).
    /// </summary>
    public void Finish(FlowLogReadReport report)
    {
        lock (_warnings) foreach (var w in _warnings) _events.Warning(w);
        foreach (var error in report.FileErrors)
        {
            Incomplete = true;
            _events.Error(new FlowLogFileException(error));
        }
        if (report.SkippedLines > 0)
        {
            _events.Warning($"{report.SkippedLines} malformed line(s) skipped");
            foreach (var s in report.Skipped.Take(10)) _events.Warning($"{s.File}:{s.Line}: {s.Reason}");
        }
        _events.Note($"read {report.Files} file(s), {report.Bytes} bytes, {report.Lines} lines, {report.Records} records, " +
            $"{report.Matched} matched, {report.SkippedLines} skipped in {report.Elapsed.TotalSeconds:F2} s");
        if (report.SpilledBytes > 0)
            _events.Note($"the groups did not fit the memory budget: {report.SpilledBytes >> 20} MiB of them were spilled to disk and merged back");
    }

    public void Dispose()
    {
        _logs?.Dispose();
        _locations.Dispose();
    }
}
