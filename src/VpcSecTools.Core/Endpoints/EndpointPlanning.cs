using VpcSecTools.Aws;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.S3;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Endpoints;

/// <summary>
/// The one operation the cmdlet and the CLI call: flow logs (paths, or groups already read) plus a
/// snapshot, ip-ranges and prices in, an endpoint plan out. Says which ip-ranges copy and which
/// prices it used, and what the reader skipped.
/// </summary>
public static class EndpointPlanning
{
    /// <summary>Reads the flow-log files and folders at <paramref name="flowLogPaths"/> and plans.</summary>
    /// <remarks>With a <paramref name="window"/>, only records overlapping it are read and the month is scaled from its length.</remarks>
    public static EndpointPlan FromFlowLogs(SnapshotIndex index, IEnumerable<string> flowLogPaths, string? ipRangesPath, string? pricePath,
        FlowLogReadOptions? readOptions = null, PlanWindow? window = null, IpRangesDownload? download = null)
    {
        window = (window ?? PlanWindow.All).Validated();
        var found = FlowLogPaths.Find(flowLogPaths);
        if (found.Unmatched.Count > 0) throw new FlowLogPathNotFoundException(string.Join(", ", found.Unmatched));
        if (found.Inputs.Count == 0) throw new ArgumentException("no flow-log files given");
        return FromInputs(index, found.Inputs, found.Notes, ipRangesPath, pricePath, new FlowLogReader(readOptions), window, download);
    }

    /// <summary>
    /// Plans from the inputs a flow-log run found (<c>s3://</c> locations, log groups, flow logs named by id), read in its
    /// format and threads. A run that could not find all it was given (it reported each) makes no plan: a plan from part of
    /// the traffic would understate every saving.
    /// </summary>
    public static EndpointPlan FromRun(SnapshotIndex index, FlowLogRun run, string? ipRangesPath, string? pricePath, PlanWindow? window = null,
        IpRangesDownload? download = null)
    {
        window = (window ?? PlanWindow.All).Validated();
        if (run.Incomplete) throw new ArgumentException("no plan is made from a partial read: a flow-log source was not found (see the errors before this one)");
        if (run.Inputs.Count == 0) throw new ArgumentException("no flow-log input found: there is nothing to plan from");
        return FromInputs(index, run.Inputs, [], ipRangesPath, pricePath, run.Reader, window, download);
    }

    /// <summary>
    /// Reads the VPCs' own flow logs where the snapshot's describe-flow-logs says they go (S3 objects of the window,
    /// CloudWatch Logs groups) and plans. Without <paramref name="vpcIds"/>, the VPCs with NAT gateways or interface
    /// endpoints. A VPC whose flow logs cannot be found is a note; when none can, the first reason is thrown.
    /// </summary>
    public static EndpointPlan FromVpcFlowLogs(SnapshotIndex index, IReadOnlyCollection<string>? vpcIds, Func<AwsConnection> connect,
        string? ipRangesPath, string? pricePath, FlowLogReadOptions? readOptions = null, PlanWindow? window = null, IpRangesDownload? download = null,
        CancellationToken cancel = default)
    {
        window = (window ?? PlanWindow.All).Validated();
        // A blank id chooses nothing: it must not widen the plan to every VPC.
        if (vpcIds?.FirstOrDefault(string.IsNullOrWhiteSpace) is not null)
            throw new ArgumentException("an empty VPC id chooses no VPC: give an id, or leave it out to plan the VPCs with NAT gateways or interface endpoints");
        foreach (var vpc in vpcIds ?? [])
            if (!index.Vpcs.ContainsKey(vpc)) throw new IpMap.VpcNotInSnapshotException(vpc);
        var vpcs = vpcIds is { Count: > 0 } ? vpcIds
            : index.NatGateways.Values.Select(n => n.VpcId).Concat(index.VpcEndpoints.Values.Where(e => e.NetworkInterfaceIds.Count > 0).Select(e => e.VpcId))
                .OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (vpcs.Count == 0) throw new ArgumentException("the snapshot has no NAT gateway or interface endpoint: there is nothing to plan");
        var destinations = new List<FlowLogDestination>();
        var notes = new List<string>();
        FlowLogDestinationUnknownException? first = null;
        foreach (var vpc in vpcs)
        {
            try { destinations.AddRange(FlowLogDestinations.Of(index, [vpc])); }
            catch (FlowLogDestinationUnknownException e) when (vpcs.Count > 1)
            {
                first ??= e;
                notes.Add($"{vpc}: {e.Message}; its NAT traffic is not in this plan");
            }
        }
        if (destinations.Count == 0) throw first ?? new FlowLogDestinationUnknownException("no flow log found for " + string.Join(", ", vpcs));
        if (window.Since is null) notes.Add("no --since/-Since: every object of the flow logs was listed and read");
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = window.Since, Until = window.Until } };
        using var locations = FlowLogLocations.Discover(destinations, query, connect, cancel);
        notes.AddRange(locations.Notes);
        notes.AddRange(locations.Unmatched.Select(u => $"no flow-log object in the window at {u}"));
        if (locations.Inputs.Count == 0)
            throw new FlowLogPathNotFoundException(string.Join(", ", locations.Unmatched));
        return FromInputs(index, locations.Inputs, notes, ipRangesPath, pricePath, new FlowLogReader(readOptions), window, download);
    }

    private static EndpointPlan FromInputs(SnapshotIndex index, IReadOnlyList<FlowLogInput> inputs, IEnumerable<string> readNotes, string? ipRangesPath,
        string? pricePath, FlowLogReader reader, PlanWindow window, IpRangesDownload? download)
    {
        var (ranges, update, rangeNotes) = Ranges(ipRangesPath, download);
        var (traffic, report) = NatTrafficAttribution.Observe(reader, inputs, index, ranges,
            new FlowFilter { Since = window.Since, Until = window.Until }, window);
        // A plan from part of the traffic would understate every saving: the read's failure is the answer.
        if (report.FileErrors.Count > 0)
        {
            var e = report.FileErrors[0];
            throw new FlowLogFileException(e with
            {
                Message = $"{e.Message}; no plan is made from a partial read ({report.Files} file(s), {report.Records} records read, " +
                    $"{report.FileErrors.Count} file(s) not to their end)",
            });
        }
        var notes = new List<string>(readNotes);
        if (report.SkippedLines > 0)
            notes.Add($"{report.SkippedLines} malformed flow-log lines skipped (first: {report.Skipped.FirstOrDefault()?.File}:{report.Skipped.FirstOrDefault()?.Line} {report.Skipped.FirstOrDefault()?.Reason})");
        notes.AddRange(report.FileErrors.Select(e => $"{e.File}: {e.Message} (after {e.LinesRead} lines)"));
        notes.Add($"read {report.Files} files, {report.Records} records");
        if (!window.IsOpen) notes.Add($"window {window}: only records overlapping it are counted, and the month is scaled from its length");
        traffic = traffic with { Notes = [.. notes, .. rangeNotes, .. traffic.Notes] };
        return Plan(index, traffic, ranges, update, pricePath);
    }

    /// <summary>Plans from flow-log groups keyed by one of <see cref="NatTrafficAttribution.GroupFieldSets"/>.</summary>
    public static EndpointPlan FromGroups(SnapshotIndex index, IEnumerable<FlowGroup> groups, string? ipRangesPath, string? pricePath,
        IEnumerable<string>? notes = null, PlanWindow? window = null, IpRangesDownload? download = null)
    {
        var list = groups as IReadOnlyList<FlowGroup> ?? groups.ToList();
        if (list.Count > 0 && !list[0].Fields.Contains("interface-id"))
            throw new ArgumentException($"flow-log groups must be grouped by at least {string.Join(",", NatTrafficAttribution.GroupFieldSets[^1])}, not {string.Join(",", list[0].Fields)}");
        var (ranges, update, rangeNotes) = Ranges(ipRangesPath, download);
        // Without the action a REJECT group cannot be told apart, and would be counted as NAT traffic.
        string[] action = list.Count > 0 && !list[0].Fields.Contains("action")
            ? ["the groups are not grouped by action: any REJECT records among them are counted as NAT traffic (query with -Action ACCEPT, or group by action too)"] : [];
        var traffic = NatTrafficAttribution.Attribute(index, list, ranges, [.. notes ?? [], .. rangeNotes, .. action], window);
        return Plan(index, traffic, ranges, update, pricePath);
    }

    /// <summary>The ip-ranges copy to use: the given file, a download (falling back to the bundled copy whole, with the reason), or the bundled one.</summary>
    private static (AwsIpRangeSet Ranges, IpRangesUpdate? Update, List<string> Notes) Ranges(string? ipRangesPath, IpRangesDownload? download)
    {
        if (download is not null && !string.IsNullOrEmpty(ipRangesPath))
            throw new ArgumentException($"give either an ip-ranges file ({ipRangesPath}) or a download ({download.Url}), not both");
        var update = download?.Fetch();
        var ranges = update?.Ranges ?? AwsIpRangeSet.LoadOrBundled(ipRangesPath);
        var notes = new List<string> { $"ip-ranges {ranges.Source}: syncToken {ranges.SyncToken}, createDate {ranges.CreateDate}" };
        if (update?.CachePath is { } cached) notes.Add($"ip-ranges downloaded from {download!.Url}, cached at {cached}");
        return (ranges, update, notes);
    }

    private static EndpointPlan Plan(SnapshotIndex index, ObservedTraffic traffic, AwsIpRangeSet ranges, IpRangesUpdate? update, string? pricePath) =>
        EndpointPlanner.Plan(index, traffic, PriceTable.LoadOrBundled(pricePath)) with
        {
            IpRangesSource = ranges.Source, IpRangesSyncToken = ranges.SyncToken, IpRangesCreateDate = ranges.CreateDate,
            Warnings = update?.Warning is { } warning ? [warning] : [],
        };
}
