using System.Collections.Frozen;

namespace VpcSecTools.FlowLogs;

/// <summary>The flow-log fields the reader understands by name; anything else is carried as text.</summary>
public enum FlowField
{
    Unknown = 0,
    Version, AccountId, InterfaceId, SourceAddress, DestinationAddress, SourcePort, DestinationPort, Protocol,
    Packets, Bytes, Start, End, Action, LogStatus,
    VpcId, SubnetId, InstanceId, TcpFlags, Type, PacketSourceAddress, PacketDestinationAddress,
    Region, AzId, SublocationType, SublocationId,
    PacketSourceAwsService, PacketDestinationAwsService, FlowDirection, TrafficPath,
    EcsClusterArn, EcsClusterName, EcsContainerInstanceArn, EcsContainerInstanceId, EcsContainerId,
    EcsSecondContainerId, EcsServiceName, EcsTaskDefinitionArn, EcsTaskArn, EcsTaskId,
    RejectReason,
}

/// <summary>How a field's text is interpreted when a record is materialised or aggregated.</summary>
public enum FlowFieldKind { Text, Integer, Counter, Address, Time }

/// <summary>One known field: its AWS name (<c>srcaddr</c>), the version that introduced it, and its property name.</summary>
public sealed record FlowFieldInfo(FlowField Field, string AwsName, int Version, FlowFieldKind Kind)
{
    /// <summary>The PowerShell / JSON property name (<c>SourceAddress</c>).</summary>
    public string PropertyName => Field.ToString();

    /// <summary>The column name in the Athena / Parquet schema (hyphens become underscores).</summary>
    public string ColumnName => AwsName.Replace('-', '_');
}

/// <summary>The catalogue of flow-log fields by version (FLOWLOGS.md), and name lookups in both spellings.</summary>
public static class FlowFieldCatalog
{
    /// <summary>Known fields in the order AWS documents them.</summary>
    public static IReadOnlyList<FlowFieldInfo> All { get; } =
    [
        new(FlowField.Version, "version", 2, FlowFieldKind.Integer),
        new(FlowField.AccountId, "account-id", 2, FlowFieldKind.Text),
        new(FlowField.InterfaceId, "interface-id", 2, FlowFieldKind.Text),
        new(FlowField.SourceAddress, "srcaddr", 2, FlowFieldKind.Address),
        new(FlowField.DestinationAddress, "dstaddr", 2, FlowFieldKind.Address),
        new(FlowField.SourcePort, "srcport", 2, FlowFieldKind.Integer),
        new(FlowField.DestinationPort, "dstport", 2, FlowFieldKind.Integer),
        new(FlowField.Protocol, "protocol", 2, FlowFieldKind.Integer),
        new(FlowField.Packets, "packets", 2, FlowFieldKind.Counter),
        new(FlowField.Bytes, "bytes", 2, FlowFieldKind.Counter),
        new(FlowField.Start, "start", 2, FlowFieldKind.Time),
        new(FlowField.End, "end", 2, FlowFieldKind.Time),
        new(FlowField.Action, "action", 2, FlowFieldKind.Text),
        new(FlowField.LogStatus, "log-status", 2, FlowFieldKind.Text),
        new(FlowField.VpcId, "vpc-id", 3, FlowFieldKind.Text),
        new(FlowField.SubnetId, "subnet-id", 3, FlowFieldKind.Text),
        new(FlowField.InstanceId, "instance-id", 3, FlowFieldKind.Text),
        new(FlowField.TcpFlags, "tcp-flags", 3, FlowFieldKind.Integer),
        new(FlowField.Type, "type", 3, FlowFieldKind.Text),
        new(FlowField.PacketSourceAddress, "pkt-srcaddr", 3, FlowFieldKind.Address),
        new(FlowField.PacketDestinationAddress, "pkt-dstaddr", 3, FlowFieldKind.Address),
        new(FlowField.Region, "region", 4, FlowFieldKind.Text),
        new(FlowField.AzId, "az-id", 4, FlowFieldKind.Text),
        new(FlowField.SublocationType, "sublocation-type", 4, FlowFieldKind.Text),
        new(FlowField.SublocationId, "sublocation-id", 4, FlowFieldKind.Text),
        new(FlowField.PacketSourceAwsService, "pkt-src-aws-service", 5, FlowFieldKind.Text),
        new(FlowField.PacketDestinationAwsService, "pkt-dst-aws-service", 5, FlowFieldKind.Text),
        new(FlowField.FlowDirection, "flow-direction", 5, FlowFieldKind.Text),
        new(FlowField.TrafficPath, "traffic-path", 5, FlowFieldKind.Integer),
        new(FlowField.EcsClusterArn, "ecs-cluster-arn", 7, FlowFieldKind.Text),
        new(FlowField.EcsClusterName, "ecs-cluster-name", 7, FlowFieldKind.Text),
        new(FlowField.EcsContainerInstanceArn, "ecs-container-instance-arn", 7, FlowFieldKind.Text),
        new(FlowField.EcsContainerInstanceId, "ecs-container-instance-id", 7, FlowFieldKind.Text),
        new(FlowField.EcsContainerId, "ecs-container-id", 7, FlowFieldKind.Text),
        new(FlowField.EcsSecondContainerId, "ecs-second-container-id", 7, FlowFieldKind.Text),
        new(FlowField.EcsServiceName, "ecs-service-name", 7, FlowFieldKind.Text),
        new(FlowField.EcsTaskDefinitionArn, "ecs-task-definition-arn", 7, FlowFieldKind.Text),
        new(FlowField.EcsTaskArn, "ecs-task-arn", 7, FlowFieldKind.Text),
        new(FlowField.EcsTaskId, "ecs-task-id", 7, FlowFieldKind.Text),
        new(FlowField.RejectReason, "reject-reason", 8, FlowFieldKind.Text),
    ];

    /// <summary>
    /// Version 6 transit-gateway fields: known to exist, carried as text (they have no dedicated property),
    /// listed so a header naming them is recognised as a header.
    /// </summary>
    public static IReadOnlySet<string> TransitGatewayFields { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "resource-type", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id", "tgw-dst-vpc-account-id",
        "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id", "tgw-src-eni", "tgw-dst-eni",
        "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "packets-lost-no-route",
        "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
    };

    private static readonly FrozenDictionary<string, FlowFieldInfo> ByName = All
        .SelectMany(f => new[] { (f.AwsName, f), (f.PropertyName, f), (f.ColumnName, f) })
        .DistinctBy(p => p.Item1, StringComparer.OrdinalIgnoreCase)
        .ToFrozenDictionary(p => p.Item1, p => p.f, StringComparer.OrdinalIgnoreCase);

    private static readonly FlowFieldInfo[] ByField = All.OrderBy(f => f.Field).Prepend(null!).ToArray();

    public static FlowFieldInfo Info(FlowField field) =>
        field == FlowField.Unknown ? throw new ArgumentException("Unknown has no catalogue entry") : ByField[(int)field];

    /// <summary>Finds a known field by AWS name (<c>srcaddr</c>), property name (<c>SourceAddress</c>) or column name.</summary>
    public static FlowFieldInfo? Find(string name) => ByName.GetValueOrDefault(name.Trim());

    /// <summary>The AWS name for any field name the user may give; unknown names pass through unchanged.</summary>
    public static string ToAwsName(string name) => Find(name)?.AwsName ?? name.Trim();

    /// <summary>The version 2 default format, in its fixed order.</summary>
    public static IReadOnlyList<string> DefaultFields { get; } =
        ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol",
         "packets", "bytes", "start", "end", "action", "log-status"];

    /// <summary>A field name as AWS spells them: lower case letters, digits and hyphens, starting with a letter.</summary>
    public static bool LooksLikeFieldName(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty || s[0] < 'a' || s[0] > 'z') return false;
        foreach (var c in s)
            if (!(c is >= 'a' and <= 'z' or >= '0' and <= '9' or '-')) return false;
        return true;
    }

    internal static bool IsKnownName(string s) => ByName.ContainsKey(s) && Find(s)!.AwsName == s || TransitGatewayFields.Contains(s);
}
