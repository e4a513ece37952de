using System.Globalization;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>What a read of flow logs covered, beyond the flows themselves: the window, which flow logs, what it lost.</summary>
internal sealed record FlowReadFacts
{
    /// <summary>The window asked for; when open at an end, the records' own first start or last end closes it.</summary>
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    /// <summary>The flow logs whose records were read, as far as the inputs tell (S3 object names carry the id).</summary>
    public IReadOnlySet<string> FlowLogIdsRead { get; init; } = new HashSet<string>();
    /// <summary>Some inputs do not say which flow log they are: an ENI's log counts as read when records of the ENI were.</summary>
    public bool UnidentifiedInputs { get; init; }
    /// <summary>Malformed lines skipped: each could have been any ENI's flow.</summary>
    public long SkippedLines { get; init; }
    public string? FirstSkipped { get; init; }
    /// <summary>Inputs not read to their end.</summary>
    public IReadOnlyList<string> FileErrors { get; init; } = [];
    /// <summary>The flows came as groups of a query: SKIPDATA is seen only when they are grouped by log-status.</summary>
    public bool FromGroups { get; init; }
    public bool GroupsHaveLogStatus { get; init; }
}

/// <summary>
/// Whether the window's flow logs saw every flow of an ENI: an active flow log of the right traffic type on the ENI, its
/// subnet or its VPC (the coverage analysis), logging since before the window, among the logs read, with no lost records
/// (SKIPDATA) and none it could not place. A rule can be "unused" only where every ENI it applies to passes.
/// </summary>
internal sealed class WindowCoverage
{
    private readonly SnapshotIndex _index;
    private readonly ObservedTraffic _traffic;
    private readonly FlowReadFacts _facts;
    private readonly Dictionary<string, FlowLogCoverage> _rows;
    private readonly Dictionary<(string Eni, bool Accept, bool Reject), string?> _gaps = [];

    public WindowCoverage(SnapshotIndex index, ObservedTraffic traffic, FlowReadFacts facts)
    {
        _index = index; _traffic = traffic; _facts = facts;
        _rows = FlowLogCoverageAnalysis.Analyse(index).Where(r => r.ResourceType == "NetworkInterface")
            .GroupBy(r => r.ResourceId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        Start = facts.Since ?? (traffic.FirstMs == long.MaxValue ? null : FlowText.FromMilliseconds(traffic.FirstMs));
        End = facts.Until ?? (traffic.LastMs == long.MinValue ? null : FlowText.FromMilliseconds(traffic.LastMs));
    }

    public DateTimeOffset? Start { get; }
    public DateTimeOffset? End { get; }

    public string Window => Start is null ? "the window (no record read)" : $"{Start:u} .. {End:u}";

    /// <summary>
    /// Why the window's records of this ENI may lack flows of the given action (null when they cannot): the read as a whole
    /// (skipped lines, files not read to their end), then the ENI's own coverage.
    /// </summary>
    public string? GapOf(NetworkInterface eni, bool accept, bool reject) => Global ?? EniGap(eni, accept, reject);

    /// <summary>What the read lost that could be any ENI's flows.</summary>
    public string? Global =>
        _facts.SkippedLines > 0 ? $"{_facts.SkippedLines} malformed flow-log line(s) were skipped (first: {_facts.FirstSkipped}): any of them may have used it"
        : _facts.FileErrors.Count > 0 ? $"{_facts.FileErrors.Count} flow-log file(s) were not read to their end ({_facts.FileErrors[0]})"
        : _traffic.Scope.Enis.Count > 0 && Start is null ? "no flow-log record was read" : null;

    private string? EniGap(NetworkInterface eni, bool accept, bool reject)
    {
        var key = (eni.NetworkInterfaceId, accept, reject);
        if (!_gaps.TryGetValue(key, out var gap)) _gaps[key] = gap = Find(eni, accept, reject);
        return gap;
    }

    private string? Find(NetworkInterface eni, bool accept, bool reject)
    {
        var id = eni.NetworkInterfaceId;
        int n = _traffic.Scope.NumberOf(id);
        var facts = n >= 0 ? _traffic.Enis[n] : EniFacts.New;
        if (!_rows.TryGetValue(id, out var row))
            return $"{id}: the coverage analysis has no row for it (no subnet, or its region's sections are missing)";
        switch (row.Status)
        {
            case CoverageStatus.Unknown: return $"{id}: {row.Reason}";
            case CoverageStatus.NotCovered: return $"{id} has no active flow log ({row.Reason})";
            case CoverageStatus.Partial when accept && row.TrafficType == "REJECT" || reject && row.TrafficType == "ACCEPT":
                return $"{id}'s flow logs record only {row.TrafficType} traffic ({string.Join(", ", row.FlowLogIds)})";
        }
        var logs = row.FlowLogIds.Select(f => _index.FlowLogs.GetValueOrDefault(f)).OfType<FlowLog>()
            .Where(f => (f.TrafficType ?? "ALL").ToUpperInvariant() is var t && (t == "ALL" || accept && t == "ACCEPT" || reject && t == "REJECT")).ToList();
        // Only logs that were read count: a log of the ENI whose records were not among the inputs saw nothing here.
        var read = logs.Where(f => _facts.FlowLogIdsRead.Contains(f.FlowLogId)).ToList();
        bool seen = facts.Records + facts.NoData + facts.SkipData > 0;
        if (read.Count == 0 && !(seen && (_facts.UnidentifiedInputs || _facts.FromGroups)))
            return _facts.FromGroups
                ? $"{id}: no record of it is among the groups piped in, so whether its flow log ({string.Join(", ", logs.Select(f => f.FlowLogId))}) was read is unknown"
                : $"{id} is logged by {string.Join(", ", logs.Select(f => f.FlowLogId))}, whose records were not among the inputs read";
        if (Start is { } start && (read.Count > 0 ? read : logs).All(f => Created(f) is { } created && created > start))
            return $"{id}'s flow log {(read.Count > 0 ? read : logs)[0].FlowLogId} was created {Created((read.Count > 0 ? read : logs)[0]):u}, after the window's start {start:u}";
        if (facts.SkipData > 0)
            return $"{id} lost records in {facts.SkipData} capture window(s) (SKIPDATA, {FlowText.FromMilliseconds(facts.SkipFirstMs):u} .. {FlowText.FromMilliseconds(facts.SkipLastMs):u})";
        if (_facts.FromGroups && !_facts.GroupsHaveLogStatus)
            return "the groups piped in are not grouped by log-status, so lost records (SKIPDATA) cannot be ruled out";
        return null;
    }

    /// <summary>Records at the ENI whose addresses are neither its own (transit through it): their rules cannot be told.</summary>
    public long Unplaced(NetworkInterface eni) => _traffic.Scope.NumberOf(eni.NetworkInterfaceId) is >= 0 and var n ? _traffic.Enis[n].Unplaced : 0;

    private static DateTimeOffset? Created(FlowLog f) =>
        DateTimeOffset.TryParse(f.CreationTime, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
}
