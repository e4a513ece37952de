using System.Text;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// One flow-log record, typed. Fields the format lacks, and '-' values, are null. Fields the catalogue has no
/// property for (transit-gateway v6 fields, newer versions) are in <see cref="OtherFields"/> as text.
/// </summary>
public sealed class FlowRecord
{
    public int? Version { get; private set; }
    public string? AccountId { get; private set; }
    public string? InterfaceId { get; private set; }
    public string? SourceAddress { get; private set; }
    public string? DestinationAddress { get; private set; }
    public int? SourcePort { get; private set; }
    public int? DestinationPort { get; private set; }
    public int? Protocol { get; private set; }
    public long? Packets { get; private set; }
    public long? Bytes { get; private set; }
    public DateTimeOffset? Start { get; private set; }
    public DateTimeOffset? End { get; private set; }
    public string? Action { get; private set; }
    public string? LogStatus { get; private set; }
    public string? VpcId { get; private set; }
    public string? SubnetId { get; private set; }
    public string? InstanceId { get; private set; }
    public int? TcpFlags { get; private set; }
    public string? Type { get; private set; }
    public string? PacketSourceAddress { get; private set; }
    public string? PacketDestinationAddress { get; private set; }
    public string? Region { get; private set; }
    public string? AzId { get; private set; }
    public string? SublocationType { get; private set; }
    public string? SublocationId { get; private set; }
    public string? PacketSourceAwsService { get; private set; }
    public string? PacketDestinationAwsService { get; private set; }
    public string? FlowDirection { get; private set; }
    public int? TrafficPath { get; private set; }
    public string? EcsClusterArn { get; private set; }
    public string? EcsClusterName { get; private set; }
    public string? EcsContainerInstanceArn { get; private set; }
    public string? EcsContainerInstanceId { get; private set; }
    public string? EcsContainerId { get; private set; }
    public string? EcsSecondContainerId { get; private set; }
    public string? EcsServiceName { get; private set; }
    public string? EcsTaskDefinitionArn { get; private set; }
    public string? EcsTaskArn { get; private set; }
    public string? EcsTaskId { get; private set; }
    public string? RejectReason { get; private set; }
    /// <summary>
    /// Fields without a property, by AWS name, as written ('-' included), in the log's order. Its text is
    /// <c>name=value</c> pairs (<c>resource-id=vpc-1, tgw-id=tgw-123</c>), so Export-Csv writes the fields, not a type name.
    /// </summary>
    public IReadOnlyDictionary<string, string> OtherFields { get; private set; } = EmptyOther;
    /// <summary>Where the record came from.</summary>
    public string File { get; private set; } = "";
    public long Line { get; private set; }

    private static readonly IReadOnlyDictionary<string, string> EmptyOther = new FieldMap();

    /// <summary>The other fields: a map to scripts and JSON, <c>name=value</c> pairs as text (CSV, string conversion).</summary>
    private sealed class FieldMap() : Dictionary<string, string>(StringComparer.Ordinal)
    {
        public override string ToString() => string.Join(", ", this.Select(f => $"{f.Key}={f.Value}"));
    }

    /// <summary>Makes the typed record; returns null with <paramref name="problem"/> set when a field is malformed.</summary>
    internal static FlowRecord? From(scoped in RawLine line, FlowLogFormat format, string file, long lineNumber, ref string? problem)
    {
        var r = new FlowRecord { File = file, Line = lineNumber };
        FieldMap? other = null;
        for (int i = 0; i < format.FieldCount; i++)
        {
            var raw = line.Field(i);
            var field = format.FieldAt(i);
            if (field == FlowField.Unknown)
            {
                (other ??= new FieldMap())[format.Fields[i]] = Encoding.UTF8.GetString(raw);
                continue;
            }
            if (FlowText.IsDash(raw)) continue;
            var info = FlowFieldCatalog.Info(field);
            if (FlowText.Problem(info, raw) is { } bad) { problem = bad; return null; }
            switch (info.Kind)
            {
                case FlowFieldKind.Integer or FlowFieldKind.Counter:
                    FlowText.TryParseLong(raw, out long n);
                    r.SetNumber(field, n);
                    break;
                case FlowFieldKind.Time:
                    FlowText.TryParseTime(raw, out long ms);
                    if (field == FlowField.Start) r.Start = FlowText.FromMilliseconds(ms); else r.End = FlowText.FromMilliseconds(ms);
                    break;
                case FlowFieldKind.Address:
                    FlowText.TryParseAddress(raw, out var address);
                    r.SetText(field, address.ToString());
                    break;
                default:
                    r.SetText(field, Encoding.UTF8.GetString(raw));
                    break;
            }
        }
        if (other is not null) r.OtherFields = other;
        return r;
    }

    private void SetNumber(FlowField field, long n)
    {
        switch (field)
        {
            case FlowField.Version: Version = (int)n; break;
            case FlowField.SourcePort: SourcePort = (int)n; break;
            case FlowField.DestinationPort: DestinationPort = (int)n; break;
            case FlowField.Protocol: Protocol = (int)n; break;
            case FlowField.Packets: Packets = n; break;
            case FlowField.Bytes: Bytes = n; break;
            case FlowField.TcpFlags: TcpFlags = (int)n; break;
            case FlowField.TrafficPath: TrafficPath = (int)n; break;
            default: throw new ArgumentOutOfRangeException(nameof(field), field, "not a numeric field");
        }
    }

    private void SetText(FlowField field, string s)
    {
        switch (field)
        {
            case FlowField.AccountId: AccountId = s; break;
            case FlowField.InterfaceId: InterfaceId = s; break;
            case FlowField.SourceAddress: SourceAddress = s; break;
            case FlowField.DestinationAddress: DestinationAddress = s; break;
            case FlowField.Action: Action = s; break;
            case FlowField.LogStatus: LogStatus = s; break;
            case FlowField.VpcId: VpcId = s; break;
            case FlowField.SubnetId: SubnetId = s; break;
            case FlowField.InstanceId: InstanceId = s; break;
            case FlowField.Type: Type = s; break;
            case FlowField.PacketSourceAddress: PacketSourceAddress = s; break;
            case FlowField.PacketDestinationAddress: PacketDestinationAddress = s; break;
            case FlowField.Region: Region = s; break;
            case FlowField.AzId: AzId = s; break;
            case FlowField.SublocationType: SublocationType = s; break;
            case FlowField.SublocationId: SublocationId = s; break;
            case FlowField.PacketSourceAwsService: PacketSourceAwsService = s; break;
            case FlowField.PacketDestinationAwsService: PacketDestinationAwsService = s; break;
            case FlowField.FlowDirection: FlowDirection = s; break;
            case FlowField.EcsClusterArn: EcsClusterArn = s; break;
            case FlowField.EcsClusterName: EcsClusterName = s; break;
            case FlowField.EcsContainerInstanceArn: EcsContainerInstanceArn = s; break;
            case FlowField.EcsContainerInstanceId: EcsContainerInstanceId = s; break;
            case FlowField.EcsContainerId: EcsContainerId = s; break;
            case FlowField.EcsSecondContainerId: EcsSecondContainerId = s; break;
            case FlowField.EcsServiceName: EcsServiceName = s; break;
            case FlowField.EcsTaskDefinitionArn: EcsTaskDefinitionArn = s; break;
            case FlowField.EcsTaskArn: EcsTaskArn = s; break;
            case FlowField.EcsTaskId: EcsTaskId = s; break;
            case FlowField.RejectReason: RejectReason = s; break;
            default: throw new ArgumentOutOfRangeException(nameof(field), field, "not a text field");
        }
    }
}

/// <summary>
/// One group of an aggregate query: the values of the group-by fields (null for '-'), the time bin, and the
/// totals of its records.
/// </summary>
public sealed record FlowGroup
{
    /// <summary>The PowerShell type name the groups of a binned query carry: their table leads with the bin.</summary>
    public const string BinnedTypeName = "VpcSecTools.FlowLogs.FlowGroup#Binned";

    /// <summary>The group-by fields by AWS name, in query order.</summary>
    public ValueList<string> Fields { get; init; } = [];
    /// <summary>The group's value of each field in <see cref="Fields"/>; null where the records had '-'.</summary>
    public ValueList<string?> Values { get; init; } = [];
    /// <summary>The group's values joined by spaces, '-' for missing: a one-column label.</summary>
    public string Key => string.Join(' ', Values.Select(v => v ?? "-"));
    /// <summary>The start of the time bin, when the query bins by time.</summary>
    public DateTimeOffset? Bin { get; init; }
    public long Count { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    /// <summary>The earliest record start in the group.</summary>
    public DateTimeOffset? FirstSeen { get; init; }
    /// <summary>The latest record end in the group.</summary>
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>
    /// The value of field <paramref name="i"/> as its kind reads (ports, protocol and counts as numbers, times as
    /// instants), so scripts sort and sum it as a number; text for other fields and for a value that does not parse.
    /// </summary>
    public object? TypedValue(int i)
    {
        var value = Values[i];
        if (value is null || FlowFieldCatalog.Find(Fields[i]) is not { } info) return value;
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        return info.Kind switch
        {
            FlowFieldKind.Integer when FlowText.TryParseLong(bytes, out long n) && n <= int.MaxValue => (int)n,
            FlowFieldKind.Counter when FlowText.TryParseLong(bytes, out long n) => n,
            FlowFieldKind.Time when FlowText.TryParseTime(bytes, out long ms) => FlowText.FromMilliseconds(ms),
            _ => value,
        };
    }

    /// <summary>
    /// The name group-by field <paramref name="field"/> (an AWS name) goes by beside the group's own properties: its property
    /// name (SourceAddress), or with "Record" before it where that is a total's name (grouped by bytes, RecordBytes is the
    /// records' value and Bytes their sum), so the key never hides the totals.
    /// </summary>
    public static string ColumnName(string field)
    {
        var name = FlowFieldCatalog.Find(field)?.PropertyName ?? field;
        return OwnNames.Contains(name) ? "Record" + name : name;
    }

    private static readonly HashSet<string> OwnNames = new(
        typeof(FlowGroup).GetProperties().Select(p => p.Name), StringComparer.OrdinalIgnoreCase);

    /// <summary>A field's value by any of its names, or null.</summary>
    public string? this[string field]
    {
        get
        {
            var aws = FlowFieldCatalog.ToAwsName(field);
            for (int i = 0; i < Fields.Count; i++) if (Fields[i] == aws) return Values[i];
            return null;
        }
    }
}
