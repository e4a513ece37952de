using VpcSecTools.FlowLogs.S3;
using VpcSecTools.Snapshot;

namespace VpcSecTools.FlowLogs;

/// <summary>Where a flow log delivers.</summary>
public enum FlowLogDestinationKind { S3, CloudWatchLogs, KinesisDataFirehose }

/// <summary>
/// One active flow log of a VPC (on the VPC, one of its subnets or one of its ENIs) as describe-flow-logs shows
/// it: where its records are, in which format, and whether this reader can read them there.
/// </summary>
public sealed record FlowLogDestination
{
    public string FlowLogId { get; init; } = "";
    public string VpcId { get; init; } = "";
    /// <summary>The VPC, subnet or ENI the flow log is attached to.</summary>
    public string ResourceId { get; init; } = "";
    public string Region { get; init; } = "";
    /// <summary>The account that owns the flow log (it names the <c>AWSLogs/{account}/</c> folder in S3).</summary>
    public string? AccountId { get; init; }
    public FlowLogDestinationKind Kind { get; init; }
    /// <summary>S3: <c>s3://bucket/prefix/</c>; CloudWatch Logs: the log group name; Firehose: the stream ARN.</summary>
    public string Location { get; init; } = "";
    /// <summary>The flow log's LogFormat (the v2 default when it has none).</summary>
    public FlowLogFormat Format { get; init; } = FlowLogFormat.Default;
    /// <summary><c>ALL</c>, <c>ACCEPT</c> or <c>REJECT</c>.</summary>
    public string TrafficType { get; init; } = "ALL";
    /// <summary>S3 destinations delivering Parquet instead of text.</summary>
    public bool Parquet { get; init; }
    public bool HiveCompatiblePartitions { get; init; }
    public bool PerHourPartition { get; init; }
    /// <summary>Why the local reader cannot read this destination (Firehose, Parquet), or null when it can.</summary>
    public string? NotReadable { get; init; }
}

/// <summary>Finds where a VPC's flow logs go from the snapshot's describe-flow-logs (FLOWLOGS.md "Where flow logs live").</summary>
public static class FlowLogDestinations
{
    /// <summary>
    /// The active flow logs that record traffic of <paramref name="vpcIds"/>: attached to the VPC, a subnet of it or
    /// one of its ENIs. Throws when a VPC is not in the snapshot, when the snapshot lacks describe-flow-logs for its
    /// region (nothing can be said), or when a VPC has no active flow log.
    /// </summary>
    public static IReadOnlyList<FlowLogDestination> Of(SnapshotIndex index, IReadOnlyCollection<string> vpcIds)
    {
        var found = new List<FlowLogDestination>();
        foreach (var vpcId in vpcIds.Distinct(StringComparer.Ordinal))
        {
            if (!index.Vpcs.ContainsKey(vpcId)) throw new IpMap.VpcNotInSnapshotException(vpcId);
            var region = index.Snapshot.Regions.First(r => r.Vpcs.Any(v => v.VpcId == vpcId));
            if (!region.Has(Section.FlowLogs))
                throw new FlowLogDestinationUnknownException($"the snapshot has no describe-flow-logs for {region.Region}: where {vpcId}'s flow logs go is unknown");
            var resources = new HashSet<string>(StringComparer.Ordinal) { vpcId };
            resources.UnionWith(region.Subnets.Where(s => s.VpcId == vpcId).Select(s => s.SubnetId));
            resources.UnionWith(region.NetworkInterfaces.Where(e => e.VpcId == vpcId).Select(e => e.NetworkInterfaceId));
            var logs = region.FlowLogs.Where(f => f.ResourceId is { } r && resources.Contains(r)).ToList();
            var active = logs.Where(IsActive).OrderBy(f => f.FlowLogId, StringComparer.Ordinal).ToList();
            if (active.Count == 0)
                throw new FlowLogDestinationUnknownException(logs.Count == 0
                    ? $"{vpcId} has no flow log on the VPC, its subnets or its ENIs: its traffic is not recorded"
                    : $"{vpcId}'s flow logs ({string.Join(", ", logs.Select(l => l.FlowLogId))}) are not ACTIVE");
            found.AddRange(active.Select(f => Describe(f, vpcId, region)));
        }
        return found;
    }

    /// <summary>
    /// What to read when no path is given: the <paramref name="named"/> flow logs, else those of the query's VPCs. A
    /// VPC's own logs hold only its records, so its id chose the sources and is dropped from the returned query's
    /// filter (the default format has no vpc-id field to filter on).
    /// </summary>
    public static (IReadOnlyList<FlowLogDestination> Destinations, FlowLogQuery Query) ToRead(SnapshotIndex index, FlowLogQuery query,
        IReadOnlyList<FlowLogDestination>? named) =>
        named is not null ? (named, query) : (Of(index, query.Filter.VpcId.ToList()), query with { Filter = query.Filter with { VpcId = [] } });

    /// <summary>
    /// The flow logs named by id, active or not (the caller asked for them): where they deliver and in which format.
    /// An id the snapshot's describe-flow-logs lacks is an error naming it.
    /// </summary>
    public static IReadOnlyList<FlowLogDestination> ById(SnapshotIndex index, IReadOnlyCollection<string> flowLogIds) =>
        flowLogIds.Distinct(StringComparer.Ordinal).Select(id =>
        {
            var region = index.Snapshot.Regions.FirstOrDefault(r => r.FlowLogs.Any(f => f.FlowLogId == id))
                ?? throw new FlowLogDestinationUnknownException($"{id} is not in the snapshot's describe-flow-logs");
            var log = region.FlowLogs.First(f => f.FlowLogId == id);
            return Describe(log, VpcOf(index, log.ResourceId) ?? "", region);
        }).ToList();

    /// <summary>
    /// The one record format of the given flow logs, for input without a header; an error when they differ (the
    /// reader would not know which line is which).
    /// </summary>
    public static FlowLogFormat FormatOf(IReadOnlyList<FlowLogDestination> destinations)
    {
        var formats = destinations.Select(d => d.Format).DistinctBy(f => string.Join(' ', f.Fields)).ToList();
        return formats.Count == 1 ? formats[0]
            : throw new ArgumentException($"the flow logs {string.Join(", ", destinations.Select(d => d.FlowLogId))} have different formats: name one, or give -Format");
    }

    private static string? VpcOf(SnapshotIndex index, string? resourceId) => resourceId switch
    {
        null => null,
        _ when index.Vpcs.ContainsKey(resourceId) => resourceId,
        _ when index.Subnets.TryGetValue(resourceId, out var subnet) => subnet.VpcId,
        _ when index.NetworkInterfaces.TryGetValue(resourceId, out var eni) => eni.VpcId,
        _ => null,
    };

    private static bool IsActive(FlowLog f) => f.FlowLogStatus is null || f.FlowLogStatus.Equals("ACTIVE", StringComparison.OrdinalIgnoreCase);

    private static FlowLogDestination Describe(FlowLog log, string vpcId, RegionInventory region)
    {
        var type = log.LogDestinationType ?? "cloud-watch-logs";
        var destination = new FlowLogDestination
        {
            FlowLogId = log.FlowLogId, VpcId = vpcId, ResourceId = log.ResourceId ?? "", Region = region.Region,
            AccountId = region.AccountId ?? AccountOf(log.DeliverLogsPermissionArn),
            Format = FlowLogCoverageAnalysis.FormatOf(log), TrafficType = (log.TrafficType ?? "ALL").ToUpperInvariant(),
        };
        switch (type)
        {
            case "s3":
                bool parquet = string.Equals(log.DestinationOptions?.FileFormat, "parquet", StringComparison.OrdinalIgnoreCase);
                return destination with
                {
                    Kind = FlowLogDestinationKind.S3,
                    Location = S3Location.Parse(log.LogDestination ?? throw new FlowLogDestinationUnknownException($"{log.FlowLogId} delivers to S3 but names no bucket")).ToString(),
                    Parquet = parquet,
                    HiveCompatiblePartitions = log.DestinationOptions?.HiveCompatiblePartitions ?? false,
                    PerHourPartition = log.DestinationOptions?.PerHourPartition ?? false,
                };
            case "cloud-watch-logs":
                return destination with
                {
                    Kind = FlowLogDestinationKind.CloudWatchLogs,
                    Location = log.LogGroupName ?? LogGroupOf(log.LogDestination)
                        ?? throw new FlowLogDestinationUnknownException($"{log.FlowLogId} delivers to CloudWatch Logs but names no log group"),
                };
            default:
                return destination with
                {
                    Kind = FlowLogDestinationKind.KinesisDataFirehose, Location = log.LogDestination ?? "",
                    NotReadable = $"{log.FlowLogId} delivers to {type} ({log.LogDestination}); read the records where the stream lands",
                };
        }
    }

    /// <summary>The log group in <c>arn:aws:logs:region:account:log-group:NAME[:*]</c>.</summary>
    private static string? LogGroupOf(string? arn)
    {
        const string marker = ":log-group:";
        int at = arn?.IndexOf(marker, StringComparison.Ordinal) ?? -1;
        if (at < 0) return null;
        var name = arn![(at + marker.Length)..];
        return name.EndsWith(":*", StringComparison.Ordinal) ? name[..^2] : name;
    }

    private static string? AccountOf(string? arn) => arn?.Split(':') is { Length: >= 6 } parts && parts[4].Length > 0 ? parts[4] : null;
}

/// <summary>The snapshot cannot say where a VPC's flow logs are (or there are none to read).</summary>
public sealed class FlowLogDestinationUnknownException(string message)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.FlowLogDestinationUnknown, Errors.ErrorKind.ObjectNotFound, message, null);
