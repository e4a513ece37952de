using System.Globalization;
using System.Text;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>
/// Small networks (built with <see cref="TestNetwork"/>) with describe-flow-logs entries, and flow logs written as S3
/// delivers them (a header line, the object named with its flow log's id), read through the one rule-usage operation.
/// </summary>
internal sealed class UsageNet : IDisposable
{
    /// <summary>2026-11-21 00:00:00 UTC, in Unix seconds.</summary>
    public const long Day = 1_795_219_200;

    /// <summary>The fields of a v5 custom format that rule usage reads, plus the ones that make it surer.</summary>
    public const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags flow-direction pkt-srcaddr pkt-dstaddr";

    private readonly string _folder = Directory.CreateTempSubdirectory("rule-usage-").FullName;
    private readonly List<FlowLog> _flowLogs = [];

    public UsageNet(TestNetwork network) => Network = network;

    public TestNetwork Network { get; }

    /// <summary>An ACTIVE flow log on a VPC, subnet or ENI, delivering to S3, created long before the window.</summary>
    public UsageNet FlowLog(string id, string resource, string trafficType = "ALL", string created = "2025-01-01 00:00:00+00:00")
    {
        _flowLogs.Add(new FlowLog
        {
            FlowLogId = id, ResourceId = resource, TrafficType = trafficType, FlowLogStatus = "ACTIVE", DeliverLogsStatus = "SUCCESS",
            LogDestinationType = "s3", LogDestination = "arn:aws:s3:::logs-111111111111", CreationTime = created,
            LogFormat = string.Join(' ', Header.Split(' ').Select(f => "${" + f + "}")),
        });
        return this;
    }

    public SnapshotIndex Index()
    {
        var built = Network.Build();
        var region = built.Snapshot.Regions[0] with { FlowLogs = _flowLogs };
        return new SnapshotIndex(new VpcSnapshot { Regions = [region] });
    }

    /// <summary>Writes one object of flow log <paramref name="flowLogId"/> (header, then the lines) and returns its path.</summary>
    public string Log(string flowLogId, params string[] lines) => LogWithHeader(flowLogId, Header, lines);

    public string LogWithHeader(string flowLogId, string header, params string[] lines)
    {
        var path = Path.Combine(_folder, $"111111111111_vpcflowlogs_us-east-1_{flowLogId}_20261121T0000Z_{Guid.NewGuid():N}.log");
        File.WriteAllText(path, header + "\n" + string.Join("\n", lines) + "\n", Encoding.ASCII);
        return path;
    }

    /// <summary>
    /// One record: the interface that logged it, the packet's addresses and ports, counts, the minute of the day it
    /// started (it lasts a minute), action, TCP flags (-1: '-') and which way the packets went at the interface.
    /// </summary>
    public static string Record(string eni, string src, string dst, int srcPort, int dstPort, long packets, long bytes, int minute,
        string action = "ACCEPT", int flags = 0, string? direction = null, int protocol = 6)
    {
        long start = Day + minute * 60L;
        var f = flags < 0 ? "-" : flags.ToString(CultureInfo.InvariantCulture);
        return string.Create(CultureInfo.InvariantCulture,
            $"5 111111111111 {eni} {src} {dst} {srcPort} {dstPort} {protocol} {packets} {bytes} {start} {start + 59} {action} OK {f} {direction ?? "-"} {src} {dst}");
    }

    /// <summary>A SKIPDATA line of an interface: records of its window were lost.</summary>
    public static string SkipData(string eni, int minute)
    {
        long start = Day + minute * 60L;
        return string.Create(CultureInfo.InvariantCulture, $"5 111111111111 {eni} - - - - - - - {start} {start + 599} - SKIPDATA - - - -");
    }

    public static RuleUsageReport Read(SnapshotIndex index, IEnumerable<string> paths, RuleUsageOptions? options = null, DateTimeOffset? since = null, DateTimeOffset? until = null)
    {
        var request = new RuleUsageRequest
        {
            Index = index, Paths = paths.ToList(), Threads = 1, Options = options ?? new RuleUsageOptions(),
            Since = since ?? DateTimeOffset.FromUnixTimeSeconds(Day), Until = until ?? DateTimeOffset.FromUnixTimeSeconds(Day + 86_400),
        };
        return RuleUsageAnalysis.Read(request, () => throw new InvalidOperationException("no AWS here"), new FlowLogRunEvents());
    }

    public void Dispose()
    {
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { }
    }
}

internal static class RuleUsageAssertions
{
    public static RuleUsage Rule(this RuleUsageReport report, string groupId, string rule) =>
        report.Rules.SingleOrDefault(r => r.ResourceId == groupId && r.Rule == rule)
        ?? throw new Xunit.Sdk.XunitException($"no rule '{rule}' of {groupId} in:\n{string.Join("\n", report.Rules.Select(r => $"{r.ResourceId} {r.Rule}"))}");

    public static RuleProposal Proposal(this RuleUsageReport report, string groupId, string rule) =>
        report.Proposals.SingleOrDefault(p => p.GroupId == groupId && p.Rule == rule)
        ?? throw new Xunit.Sdk.XunitException($"no proposal for '{rule}' of {groupId} in:\n{string.Join("\n", report.Proposals.Select(p => $"{p.GroupId} {p.Rule}: {p.Change}"))}");
}
