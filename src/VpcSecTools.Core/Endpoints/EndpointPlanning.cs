using VpcSecTools.AwsIpRanges;
using VpcSecTools.FlowLogs;
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
        var inputs = FlowLogPaths.Expand(flowLogPaths, out var unmatched);
        if (unmatched.Count > 0) throw new ArgumentException($"no flow-log files at {string.Join(", ", unmatched)}");
        if (inputs.Count == 0) throw new ArgumentException("no flow-log files given");
        var (groups, report) = NatTrafficAttribution.Read(new FlowLogReader(readOptions), inputs, index, window);
        var notes = new List<string>();
        if (report.SkippedLines > 0)
            notes.Add($"{report.SkippedLines} malformed flow-log lines skipped (first: {report.Skipped.FirstOrDefault()?.File}:{report.Skipped.FirstOrDefault()?.Line} {report.Skipped.FirstOrDefault()?.Reason})");
        notes.AddRange(report.FileErrors.Select(e => $"{e.File}: {e.Message} (after {e.LinesRead} lines)"));
        notes.Add($"read {report.Files} files, {report.Records} records");
        if (!window.IsOpen) notes.Add($"window {window}: only records overlapping it are counted, and the month is scaled from its length");
        return FromGroups(index, groups, ipRangesPath, pricePath, notes, window, download);
    }

    /// <summary>Plans from flow-log groups keyed by one of <see cref="NatTrafficAttribution.GroupFieldSets"/>.</summary>
    public static EndpointPlan FromGroups(SnapshotIndex index, IEnumerable<FlowGroup> groups, string? ipRangesPath, string? pricePath,
        IEnumerable<string>? notes = null, PlanWindow? window = null, IpRangesDownload? download = null)
    {
        if (download is not null && !string.IsNullOrEmpty(ipRangesPath))
            throw new ArgumentException($"give either an ip-ranges file ({ipRangesPath}) or a download ({download.Url}), not both");
        // A failed download falls back to the bundled copy whole and says why (a warning, not an error).
        var update = download?.Fetch();
        var ranges = update?.Ranges ?? AwsIpRangeSet.LoadOrBundled(ipRangesPath);
        var prices = PriceTable.LoadOrBundled(pricePath);
        var list = groups as IReadOnlyList<FlowGroup> ?? groups.ToList();
        if (list.Count > 0 && !list[0].Fields.Contains("interface-id"))
            throw new ArgumentException($"flow-log groups must be grouped by at least {string.Join(",", NatTrafficAttribution.GroupFieldSets[^1])}, not {string.Join(",", list[0].Fields)}");
        var allNotes = new List<string>(notes ?? []) { $"ip-ranges {ranges.Source}: syncToken {ranges.SyncToken}, createDate {ranges.CreateDate}" };
        if (update?.CachePath is { } cached) allNotes.Add($"ip-ranges downloaded from {download!.Url}, cached at {cached}");
        var traffic = NatTrafficAttribution.Attribute(index, list, ranges, allNotes, window);
        return EndpointPlanner.Plan(index, traffic, prices) with
        {
            IpRangesSource = ranges.Source, IpRangesSyncToken = ranges.SyncToken, IpRangesCreateDate = ranges.CreateDate,
            Warnings = update?.Warning is { } warning ? [warning] : [],
        };
    }
}
