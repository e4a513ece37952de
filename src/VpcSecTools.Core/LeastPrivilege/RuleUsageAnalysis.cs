using System.Globalization;
using VpcSecTools.Aws;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>What a rule-usage analysis covers and how far its proposals go.</summary>
public sealed record RuleUsageOptions
{
    /// <summary>Only the groups and NACLs of these VPCs (all when empty).</summary>
    public IReadOnlyCollection<string> VpcIds { get; init; } = [];
    /// <summary>Only these groups (and no NACL) when not empty.</summary>
    public IReadOnlyCollection<string> GroupIds { get; init; } = [];
    /// <summary>Peers listed per rule.</summary>
    public int MaxPeers { get; init; } = 10;
    /// <summary>
    /// The most CIDRs a proposal may put in place of one rule: past it (500 internet clients) the observed addresses do not
    /// make a tighter rule and the rule's own source stays.
    /// </summary>
    public int MaxCidrs { get; init; } = 16;
    /// <summary>The most port ranges a proposal may narrow a rule to; past it the rule's own ports stay.</summary>
    public int MaxPortRanges { get; init; } = 8;
    /// <summary>AWS ip-ranges, to name the peers (the bundled copy by default).</summary>
    public AwsIpRangeSet? IpRanges { get; init; }
    /// <summary>
    /// False: every proposal the straightforward way (its exposure computed on its own, its drops judged over all its flows,
    /// nothing remembered across proposals), the reference the shortcuts are held to.
    /// </summary>
    internal bool Shortcuts { get; init; } = true;
}

/// <summary>What a rule-usage read reads: the snapshot, the flow logs (or none: the VPCs' own), the window, how.</summary>
public sealed record RuleUsageRequest
{
    public required SnapshotIndex Index { get; init; }
    /// <summary>Files, folders, wildcards, <c>s3://</c> locations.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>CloudWatch Logs groups read with FilterLogEvents.</summary>
    public IReadOnlyList<string> LogGroups { get; init; } = [];
    /// <summary>Flow logs of the snapshot to read where they deliver; with paths, their format is that of input without a header.</summary>
    public IReadOnlyList<string> FlowLogIds { get; init; } = [];
    /// <summary>The format of input without a header.</summary>
    public FlowLogFormat? Format { get; init; }
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public FlowLogProgress? Progress { get; init; }
    public RuleUsageOptions Options { get; init; } = new();
}

/// <summary>
/// Rule usage from the evidence, the one operation the cmdlet and the CLI call: the window's flows (a flow-log run, or
/// groups of a query) attributed to the security-group rules and NACL entries that let them through (or stopped them), a
/// verdict per rule that says "unused" only where every flow the rule could have matched was logged and read, and the
/// tightening proposals the traffic supports (<see cref="RuleTightening"/>).
/// </summary>
public static class RuleUsageAnalysis
{
    /// <summary>The group-by fields groups piped in must have, and those that make the answer surer.</summary>
    public static readonly IReadOnlyList<string> GroupFields = ["interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "action"],
        OptionalGroupFields = ["tcp-flags", "flow-direction", "log-status", "pkt-srcaddr", "pkt-dstaddr"];

    /// <summary>
    /// Reads the window's flow logs through the one local run (paths, <c>s3://</c>, log groups, or with none of them the
    /// flow logs of <see cref="RuleUsageOptions.VpcIds"/> where the snapshot's describe-flow-logs says they go) and analyses
    /// them. What the read met (paths matching nothing, files not read to their end, skipped lines) goes to
    /// <paramref name="events"/> as the flow-log query reports it, and makes the verdicts it could change Unknown.
    /// </summary>
    public static RuleUsageReport Read(RuleUsageRequest request, Func<AwsConnection> connect, FlowLogRunEvents events, CancellationToken cancel = default)
    {
        var options = request.Options;
        bool discover = request.Paths.Count == 0 && request.LogGroups.Count == 0 && request.FlowLogIds.Count == 0;
        if (discover && options.VpcIds.Count == 0)
            throw new ArgumentException("nothing to read: give flow-log paths or log groups, or VPC ids to read those VPCs' own flow logs where the snapshot says they go");
        // With paths, a VPC chooses whose rules are judged, not which records are read: the default format has no vpc-id.
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = request.Since, Until = request.Until, VpcId = discover ? [.. options.VpcIds] : [] } };
        var runRequest = new FlowLogRunRequest
        {
            Paths = request.Paths, LogGroups = request.LogGroups, Index = request.Index, FlowLogIds = request.FlowLogIds, Format = request.Format,
            Threads = request.Threads, Progress = request.Progress,
        };
        using var run = FlowLogRun.Open(runRequest, query, connect, events, cancel);
        var result = FromRun(run, request.Index, options, run.Incomplete, cancel);
        run.Finish(result.Read!);
        return result;
    }

    /// <summary>
    /// Reads the run's inputs into per-kind flow sums, one sink per file or slice, and analyses them. The window is the
    /// query's Since/Until.
    /// </summary>
    internal static RuleUsageReport FromRun(FlowLogRun run, SnapshotIndex index, RuleUsageOptions options, bool pathsUnmatched, CancellationToken cancel = default)
    {
        var book = new SourceRules(index, index.SecurityGroups.Values);
        var scope = new FlowScope(index, book);
        var shared = new RuleUsageSink.Shared(scope);
        // The sinks match interfaces themselves: the scanner's gate turns other interfaces away.
        var (sinks, report) = run.Reader.Run(run.Inputs, run.Query.Filter with { InterfaceId = [] }, format => new RuleUsageSink(format, shared), cancel);
        var traffic = new ObservedTraffic(scope);
        foreach (var sink in sinks) sink.AddTo(traffic);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        bool unidentified = false;
        foreach (var input in run.Inputs)
        {
            if (FlowLogIdOf(index, input.Name) is { } id) ids.Add(id);
            else unidentified = true;
        }
        var facts = new FlowReadFacts
        {
            Since = run.Query.Filter.Since, Until = run.Query.Filter.Until, FlowLogIdsRead = ids, UnidentifiedInputs = unidentified,
            SkippedLines = report.SkippedLines, FirstSkipped = report.Skipped.FirstOrDefault() is { } k ? $"{k.File}:{k.Line} {k.Reason}" : null,
            FileErrors = report.FileErrors.Select(e => $"{e.File}: {e.Message}").Concat(pathsUnmatched ? ["a flow-log path matched no file"] : []).ToList(),
        };
        var notes = new[] { $"read {report.Files} file(s), {report.Records} records, {report.SkippedLines} skipped, in {report.Elapsed.TotalSeconds:F2} s; flow logs read: {(ids.Count == 0 ? "not named by the inputs" : string.Join(", ", ids.Order(StringComparer.Ordinal)))}" };
        var result = Analyse(index, book, traffic, facts, options, notes);
        return result with { Read = report };
    }

    /// <summary>
    /// Analyses flow-log groups (Invoke-FlowLogQuery's, grouped by at least <see cref="GroupFields"/>): each group is one
    /// kind of flow with its counts. Lines the query skipped are not known here; SKIPDATA is seen only when the groups are
    /// grouped by log-status too.
    /// </summary>
    public static RuleUsageReport FromGroups(IEnumerable<FlowGroup> groups, SnapshotIndex index, RuleUsageOptions options, DateTimeOffset? since = null,
        DateTimeOffset? until = null)
    {
        var book = new SourceRules(index, index.SecurityGroups.Values);
        var scope = new FlowScope(index, book);
        var traffic = new ObservedTraffic(scope);
        bool hasStatus = false;
        long count = 0;
        foreach (var g in groups)
        {
            if (count++ == 0)
            {
                var missing = GroupFields.Where(f => !g.Fields.Contains(f)).ToList();
                if (missing.Count > 0)
                    throw new ArgumentException($"flow-log groups must be grouped by {string.Join(",", GroupFields)} (and {string.Join(",", OptionalGroupFields)} where the logs have them); these lack {string.Join(", ", missing)}");
                hasStatus = g.Fields.Contains("log-status");
            }
            AddGroup(traffic, g);
        }
        var facts = new FlowReadFacts { Since = since, Until = until, FromGroups = true, GroupsHaveLogStatus = hasStatus };
        return Analyse(index, book, traffic, facts, options, [$"{count} flow-log group(s) piped in"]);
    }

    /// <summary>One group as the sink would have summed its records: the same side rules, per group instead of per line.</summary>
    private static void AddGroup(ObservedTraffic traffic, FlowGroup g)
    {
        var scope = traffic.Scope;
        int eni = g["interface-id"] is { } id ? scope.NumberOf(id) : -1;
        if (eni < 0) { traffic.ForeignRecords += g.Count; return; }
        ref var facts = ref traffic.Enis[eni];
        long first = g.FirstSeen is { } f ? FlowText.ToMilliseconds(f) : long.MaxValue, last = g.LastSeen is { } l ? FlowText.ToMilliseconds(l) : long.MinValue;
        traffic.Seen(first, last);
        switch (g["log-status"])
        {
            case "SKIPDATA":
                facts.SkipData += g.Count;
                facts.SkipFirstMs = Math.Min(facts.SkipFirstMs, first);
                facts.SkipLastMs = Math.Max(facts.SkipLastMs, last);
                return;
            case "NODATA":
                facts.NoData += g.Count;
                return;
        }
        var self = scope.Enis[eni];
        bool accepted = g["action"] switch
        {
            "ACCEPT" => true,
            "REJECT" => false,
            var text => throw new ArgumentException($"group '{g.Key}': action '{text}' is neither ACCEPT nor REJECT"),
        };
        int protocol = Number(g, "protocol") ?? throw new ArgumentException($"group '{g.Key}': protocol is missing");
        facts.Records += g.Count;
        IpAddress? src = Address(g, "srcaddr"), dst = Address(g, "dstaddr");
        bool ingress;
        switch (g["flow-direction"])
        {
            case "ingress": ingress = true; break;
            case "egress": ingress = false; break;
            default:
                if (src is { } s && scope.Index.EnisAt(s).Contains(self)) ingress = false;
                else if (dst is { } d && scope.Index.EnisAt(d).Contains(self)) ingress = true;
                else { facts.Unplaced += g.Count; return; }
                break;
        }
        var peer = ingress ? Address(g, "pkt-srcaddr") ?? src : Address(g, "pkt-dstaddr") ?? dst;
        if (peer is null) { facts.Unplaced += g.Count; return; }
        int srcPort = Number(g, "srcport") ?? -1, dstPort = Number(g, "dstport") ?? -1;
        int local = ingress ? dstPort : srcPort, remote = ingress ? srcPort : dstPort;
        var holders = scope.Index.EnisAt(peer.Value);
        int peerEni = holders.Count == 1 ? scope.NumberOf(holders[0].NetworkInterfaceId) : -1;
        var (side, request, evidence) = ConnectionSides.Decide(ingress, protocol, local, remote, Number(g, "tcp-flags") ?? -1,
            scope.Listens(eni, protocol, local), scope.Listens(peerEni, protocol, remote));
        int service = side == ConnectionSide.Inbound ? local : remote, other = side == ConnectionSide.Inbound ? remote : local;
        var sums = FlowSums.New;
        sums.Add(g.Count, g.Packets, g.Bytes, first, last, other < 0 ? int.MaxValue : other, other);
        traffic.Add(new FlowKey(eni, peer.Value, protocol, Math.Max(service, 0), side, accepted, request, evidence), sums);
    }

    private static int? Number(FlowGroup g, string field) => g[field] switch
    {
        null => null,
        var text when int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) => n,
        var text => throw new ArgumentException($"group '{g.Key}': {field} '{text}' is not a number"),
    };

    private static IpAddress? Address(FlowGroup g, string field) => g[field] switch
    {
        null => null,
        var text when IpAddress.TryParse(text, out var ip) => ip,
        var text => throw new ArgumentException($"group '{g.Key}': {field} '{text}' is not an IP address"),
    };

    /// <summary>The flow log an input is: the <c>fl-</c> id in an S3 object's name, or the log group a flow log delivers to.</summary>
    private static string? FlowLogIdOf(SnapshotIndex index, string name)
    {
        int at = name.IndexOf("_fl-", StringComparison.Ordinal);
        if (at >= 0)
        {
            int end = name.IndexOf('_', at + 1);
            if (end > at) return name[(at + 1)..end];
        }
        return index.FlowLogs.Values.FirstOrDefault(f => f.LogGroupName is { } group && name.Contains(group, StringComparison.Ordinal))?.FlowLogId;
    }

    internal static RuleUsageReport Analyse(SnapshotIndex index, SourceRules book, ObservedTraffic traffic, FlowReadFacts facts, RuleUsageOptions options,
        IEnumerable<string>? readNotes = null)
    {
        foreach (var vpc in options.VpcIds)
            if (!index.Vpcs.ContainsKey(vpc)) throw new IpMap.VpcNotInSnapshotException(vpc);
        foreach (var g in options.GroupIds)
            if (!index.SecurityGroups.ContainsKey(g)) throw ResourceNotInSnapshotException.SecurityGroup(g);
        traffic.SettleSides();
        var peers = new FlowPeers(index, options.IpRanges ?? AwsIpRangeSet.Bundled);
        var coverage = new WindowCoverage(index, traffic, facts);
        var attribution = new RuleAttribution(book, peers, traffic);
        var groups = index.SecurityGroups.Values
            .Where(g => options.GroupIds.Count == 0 ? options.VpcIds.Count == 0 || options.VpcIds.Contains(g.VpcId ?? "") : options.GroupIds.Contains(g.GroupId))
            .OrderBy(g => g.VpcId, StringComparer.Ordinal).ThenBy(g => g.GroupId, StringComparer.Ordinal).ToList();

        var rules = new List<RuleUsage>();
        var verdicts = new Dictionary<int, UsageVerdict>();
        foreach (var g in groups)
            foreach (var ingress in new[] { true, false })
                foreach (var rule in book.Of(g.GroupId, ingress))
                {
                    var usage = Usage(index, rule, attribution, coverage, options.MaxPeers);
                    verdicts[rule.Id] = usage.Verdict;
                    rules.Add(usage);
                }
        var warnings = new List<string>();
        if (options.GroupIds.Count == 0)
        {
            var acls = index.NetworkAcls.Values.Where(a => options.VpcIds.Count == 0 || options.VpcIds.Contains(a.VpcId))
                .OrderBy(a => a.VpcId, StringComparer.Ordinal).ThenBy(a => a.NetworkAclId, StringComparer.Ordinal);
            var aclUsage = new NetworkAclUsage(index, peers, traffic);
            rules.AddRange(aclUsage.Usage(acls, coverage, options.MaxPeers));
            warnings.AddRange(aclUsage.Contradictions);
        }
        foreach (var (eni, flows, example) in attribution.AllUnexplained.OrderBy(u => u.Eni, StringComparer.Ordinal))
            warnings.Add($"{eni}: {flows} ACCEPTed flow(s) no rule of its groups allows (e.g. {example}): the rules that admitted them are not the snapshot's");
        if (traffic.ForeignRecords > 0)
            warnings.Add($"{traffic.ForeignRecords} record(s) of network interfaces the snapshot does not hold were not attributed");
        if (coverage.Global is { } global) warnings.Add(global);

        var proposals = new RuleTightening(index, book, attribution, coverage, verdicts, options).Propose(groups);
        var notes = new List<string>(readNotes ?? []) { $"window {coverage.Window}; {traffic.Flows.Count} distinct flow kind(s), {attribution.Flows.Count} ACCEPTed ones attributed" };
        return new RuleUsageReport
        {
            WindowStart = coverage.Start, WindowEnd = coverage.End, Rules = rules.ToValueList(), Proposals = proposals.ToValueList(), FlowKinds = traffic.Flows.Count,
            Warnings = warnings.ToValueList(), Notes = notes.ToValueList(),
        };
    }

    private static RuleUsage Usage(SnapshotIndex index, SourceRule rule, RuleAttribution attribution, WindowCoverage coverage, int maxPeers)
    {
        var t = attribution.TallyOf(rule);
        var r = rule.Rule;
        var (verdict, reason) = Judge(index, rule, t, attribution, coverage);
        return new RuleUsage
        {
            Verdict = verdict, Kind = RuleKind.SecurityGroup, ResourceId = rule.GroupId, Name = r.Group.GroupName, VpcId = r.Group.VpcId,
            Region = index.RegionOf(rule.GroupId)?.Region ?? "", Direction = r.Direction, Protocol = r.ProtocolText, Ports = r.PortsText, Source = r.Source,
            Rule = rule.Text, Path = r.Path, Flows = t?.Flows ?? 0, Packets = t?.Packets ?? 0, Bytes = t?.Bytes ?? 0, NarrowestFlows = t?.Narrowest ?? 0,
            PeerCount = t?.Peers.Count ?? 0,
            FirstSeen = t is { FirstMs: not long.MaxValue } ? FlowText.FromMilliseconds(t.FirstMs) : null,
            LastSeen = t is { LastMs: not long.MinValue } ? FlowText.FromMilliseconds(t.LastMs) : null,
            Peers = t is null ? [] : t.Peers.OrderByDescending(p => p.Value.Bytes).ThenBy(p => p.Key).Take(maxPeers)
                .Select(p => Peer(p.Key, p.Value.Flows, p.Value.Bytes, p.Value.Peer)).ToValueList(),
            PortsUsed = t is null ? [] : t.Ports.Select(p => PortText(p.Protocol, p.Ports)).Distinct().Order(StringComparer.Ordinal).ToValueList(),
            NetworkInterfaces = index.EnisInGroup(rule.GroupId).Count, Reason = reason,
        };
    }

    /// <summary>
    /// Used when flows matched it. Otherwise, in order: a rule that cannot be read, flows that may have used it, members not
    /// captured, no member, a stale reference (unused), then any ENI of the group whose flows the window may lack: Unknown.
    /// </summary>
    private static (UsageVerdict, string) Judge(SnapshotIndex index, SourceRule rule, RuleTally? t, RuleAttribution attribution, WindowCoverage coverage)
    {
        if (t is { Flows: > 0 })
        {
            // Who used it first: the busiest peers by name, then the ports, then how often it was the narrowest rule.
            var top = t.Peers.OrderByDescending(p => p.Value.Bytes).ThenBy(p => p.Key).Take(2).Select(p => $"{p.Key} ({p.Value.Peer.Owner})").ToList();
            var more = t.Peers.Count > top.Count ? $" and {t.Peers.Count - top.Count} more" : "";
            var ports = string.Join(", ", t.Ports.Select(p => PortText(p.Protocol, p.Ports)).Distinct().Order(StringComparer.Ordinal).Take(5));
            return (UsageVerdict.Used, string.Create(CultureInfo.InvariantCulture,
                $"by {string.Join(", ", top)}{more} on {ports}; the narrowest allowing rule for {t.Narrowest} of its {t.Flows} flow(s)"));
        }
        if (rule.Problem is { } problem) return (UsageVerdict.Unknown, $"the rule cannot be read: {problem}");
        if (t is { Maybe: > 0 }) return (UsageVerdict.Unknown, $"{t.Maybe} flow(s) may have used it: {t.MaybeWhy}");
        if (!index.Captured(rule.GroupId, Section.NetworkInterfaces))
            return (UsageVerdict.Unknown, $"NetworkInterfaces of {index.RegionOf(rule.GroupId)?.Region ?? "its region"} were not captured: which interfaces carry {rule.GroupId} is unknown");
        var enis = index.EnisInGroup(rule.GroupId);
        if (enis.Count == 0) return (UsageVerdict.Unused, $"{rule.GroupId} is on no network interface of the snapshot");
        if (rule.IsStale) return (UsageVerdict.Unused, $"it references {rule.Rule.Source} across deleted peering {rule.Pair!.VpcPeeringConnectionId}: it matches nothing");
        foreach (var eni in enis)
        {
            if (coverage.GapOf(eni, accept: true, reject: false) is { } gap) return (UsageVerdict.Unknown, gap);
            if (coverage.Unplaced(eni) is > 0 and var n)
                return (UsageVerdict.Unknown, $"{eni.NetworkInterfaceId} logged {n} record(s) with neither address its own: which rules they used is unknown");
            if (attribution.Unexplained(eni.NetworkInterfaceId) is { } u)
                return (UsageVerdict.Unknown, $"{eni.NetworkInterfaceId} has {u.Flows} ACCEPTed flow(s) no rule of the snapshot allows (e.g. {u.Example}): its rules in the window were not these");
        }
        return (UsageVerdict.Unused, $"no ACCEPTed flow of its {enis.Count} network interface(s) used it in {coverage.Window}, and all of them were logged and read");
    }

    internal static string PortText(int protocol, PortRange? ports) => ports is { } p ? $"{new IpProtocol(protocol)}/{p}" : new IpProtocol(protocol).ToString();

    internal static RulePeer Peer(IpAddress address, long flows, long bytes, FlowPeer peer) => new()
    {
        Address = address.ToString(), Owner = peer.Owner, NetworkInterfaceId = peer.NetworkInterface?.NetworkInterfaceId,
        SecurityGroups = peer.NetworkInterface?.Groups.Select(g => g.GroupId).ToValueList() ?? [], Flows = flows, Bytes = bytes,
    };
}
