namespace VpcSecTools.Snapshot;

/// <summary>describe-flow-logs: where a VPC's, subnet's or ENI's flow logs go and in what format.</summary>
public sealed record FlowLog
{
    public string FlowLogId { get; init; } = "";
    /// <summary>The VPC, subnet, ENI or TGW the log is for.</summary>
    public string? ResourceId { get; init; }
    /// <summary><c>ACCEPT</c>, <c>REJECT</c> or <c>ALL</c>.</summary>
    public string? TrafficType { get; init; }
    /// <summary><c>cloud-watch-logs</c>, <c>s3</c> or <c>kinesis-data-firehose</c>.</summary>
    public string? LogDestinationType { get; init; }
    public string? LogDestination { get; init; }
    public string? LogGroupName { get; init; }
    /// <summary>The custom format (<c>${version} ${account-id} ...</c>); absent means the default v2 format.</summary>
    public string? LogFormat { get; init; }
    public int? MaxAggregationInterval { get; init; }
    public string? FlowLogStatus { get; init; }
    public string? DeliverLogsStatus { get; init; }
    public string? DeliverLogsErrorMessage { get; init; }
    public string? DeliverLogsPermissionArn { get; init; }
    public string? CreationTime { get; init; }
    public FlowLogDestinationOptions? DestinationOptions { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

public sealed record FlowLogDestinationOptions
{
    /// <summary><c>plain-text</c> or <c>parquet</c>.</summary>
    public string? FileFormat { get; init; }
    public bool? HiveCompatiblePartitions { get; init; }
    public bool? PerHourPartition { get; init; }
}
