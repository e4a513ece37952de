using System.Text.RegularExpressions;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>What to rank aggregated groups by.</summary>
public enum PushDownMetric { Bytes, Packets, Count }

/// <summary>
/// A flow-log question as the remote engines (Athena, Logs Insights) receive it: filters, group-by fields (by AWS
/// field name: <c>srcaddr</c>, <c>dstport</c>, <c>log-status</c>), time bins, top-N and the time window. Each filter
/// is a list; a record matches a list when it matches any value in it, and the query when it matches every list
/// given. Deliberately values, not predicates, so it translates to SQL and to Insights text.
/// </summary>
public sealed partial record PushDownQuery
{
    /// <summary><c>srcaddr</c> in one of these.</summary>
    public IReadOnlyList<Cidr> SourceAddress { get; init; } = [];
    /// <summary><c>dstaddr</c> in one of these.</summary>
    public IReadOnlyList<Cidr> DestinationAddress { get; init; } = [];
    /// <summary><c>srcaddr</c> or <c>dstaddr</c> in one of these.</summary>
    public IReadOnlyList<Cidr> Address { get; init; } = [];
    /// <summary><c>srcport</c> in one of these.</summary>
    public IReadOnlyList<PortRange> SourcePort { get; init; } = [];
    /// <summary><c>dstport</c> in one of these.</summary>
    public IReadOnlyList<PortRange> DestinationPort { get; init; } = [];
    /// <summary><c>srcport</c> or <c>dstport</c> in one of these.</summary>
    public IReadOnlyList<PortRange> Port { get; init; } = [];
    /// <summary><c>protocol</c>: IANA numbers (6 tcp, 17 udp, 1 icmp).</summary>
    public IReadOnlyList<int> Protocol { get; init; } = [];
    /// <summary><c>action</c>: ACCEPT or REJECT.</summary>
    public IReadOnlyList<string> Action { get; init; } = [];
    /// <summary><c>log-status</c>: OK, NODATA or SKIPDATA.</summary>
    public IReadOnlyList<string> LogStatus { get; init; } = [];
    /// <summary><c>interface-id</c>.</summary>
    public IReadOnlyList<string> InterfaceId { get; init; } = [];
    /// <summary><c>vpc-id</c> (version 3 field).</summary>
    public IReadOnlyList<string> VpcId { get; init; } = [];
    /// <summary><c>subnet-id</c> (version 3 field).</summary>
    public IReadOnlyList<string> SubnetId { get; init; } = [];
    /// <summary><c>instance-id</c> (version 3 field).</summary>
    public IReadOnlyList<string> InstanceId { get; init; } = [];
    /// <summary><c>flow-direction</c>: ingress or egress (version 5 field).</summary>
    public IReadOnlyList<string> FlowDirection { get; init; } = [];
    /// <summary>Keep records whose capture window ends at or after this instant (<c>end &gt;= since</c>).</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Keep records whose capture window starts before this instant (<c>start &lt; until</c>).</summary>
    public DateTimeOffset? Until { get; init; }

    /// <summary>Fields to group by, by AWS name.</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    /// <summary>Width of time bins (by record start); groups are then per bin.</summary>
    public TimeSpan? Bin { get; init; }
    /// <summary>Keep only the N largest groups by <see cref="By"/>.</summary>
    public int? Top { get; init; }
    public PushDownMetric By { get; init; } = PushDownMetric.Bytes;
    /// <summary>For raw records: at most this many.</summary>
    public int? Limit { get; init; }

    /// <summary>True when the query asks for groups rather than records.</summary>
    public bool IsAggregate => GroupBy.Count > 0 || Bin is not null;

    /// <summary>The 14 fields of the default (version 2) format, in order.</summary>
    public static IReadOnlyList<string> DefaultFields { get; } =
        ["version", "account-id", "interface-id", "srcaddr", "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "action", "log-status"];

    /// <summary>
    /// The field names of a flow log's format: the <c>LogFormat</c> of DescribeFlowLogs (<c>${version} ${srcaddr}</c>)
    /// or plain names separated by spaces (an S3 object's header line).
    /// </summary>
    /// <exception cref="FormatException">A name is not a flow-log field name.</exception>
    public static IReadOnlyList<string> ParseFormat(string format)
    {
        var fields = new List<string>();
        foreach (var token in format.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var name = token.StartsWith("${", StringComparison.Ordinal) && token.EndsWith('}') ? token[2..^1] : token;
            if (!IsFieldName(name)) throw new FormatException($"'{token}' in the format '{format}' is not a flow-log field name");
            fields.Add(name);
        }
        if (fields.Count == 0) throw new FormatException("the flow-log format is empty");
        return fields;
    }

    /// <summary>Flow-log field names are lower case words joined by hyphens (unknown newer ones too).</summary>
    public static bool IsFieldName(string name) => FieldName().IsMatch(name);

    /// <summary>Checks the query against the fields of a format; returns the problem or null.</summary>
    public string? Validate(IReadOnlyList<string> fields)
    {
        if (Top is <= 0) return $"Top must be positive, not {Top}";
        if (Limit is < 0) return $"Limit must not be negative, not {Limit}";
        if (Bin is { } bin && (bin < TimeSpan.FromSeconds(1) || bin.Ticks % TimeSpan.TicksPerSecond != 0)) return $"Bin must be a whole number of seconds, not {bin}";
        if (Since is { } s && Until is { } u && u <= s) return $"Until ({u:u}) must be after Since ({s:u})";
        foreach (var g in GroupBy)
            if (!IsFieldName(g)) return $"'{g}' is not a flow-log field name";
        foreach (var field in ReferencedFields())
            if (!fields.Contains(field)) return $"the query uses '{field}' but the flow log's format has no such field ({string.Join(' ', fields)})";
        return null;
    }

    /// <summary>Throws <see cref="ArgumentException"/> with the problem <see cref="Validate"/> finds.</summary>
    internal void Check(IReadOnlyList<string> fields)
    {
        if (Validate(fields) is { } problem) throw new ArgumentException(problem);
    }

    /// <summary>Every field a translation will name: the filters', the window's and the group-by fields.</summary>
    private IEnumerable<string> ReferencedFields()
    {
        foreach (var c in Criteria()) foreach (var f in c.Fields) yield return f;
        if (Since is not null) yield return "end";
        if (Until is not null || Bin is not null) yield return "start";
        foreach (var g in GroupBy) yield return g;
    }

    /// <summary>The filters as criteria on named fields, in a fixed order so translations are stable.</summary>
    internal IReadOnlyList<PushDownCriterion> Criteria()
    {
        var list = new List<PushDownCriterion>();
        void Addresses(IReadOnlyList<Cidr> values, params string[] fields) { if (values.Count > 0) list.Add(new AddressCriterion(fields, values)); }
        void Ports(IReadOnlyList<PortRange> values, params string[] fields) { if (values.Count > 0) list.Add(new PortCriterion(fields, values)); }
        void Texts(IReadOnlyList<string> values, string field) { if (values.Count > 0) list.Add(new TextCriterion(field, values)); }
        Addresses(SourceAddress, "srcaddr");
        Addresses(DestinationAddress, "dstaddr");
        Addresses(Address, "srcaddr", "dstaddr");
        Ports(SourcePort, "srcport");
        Ports(DestinationPort, "dstport");
        Ports(Port, "srcport", "dstport");
        if (Protocol.Count > 0) list.Add(new PortCriterion(["protocol"], Protocol.Select(p => new PortRange(p, p)).ToList()));
        Texts(Action, "action");
        Texts(LogStatus, "log-status");
        Texts(InterfaceId, "interface-id");
        Texts(VpcId, "vpc-id");
        Texts(SubnetId, "subnet-id");
        Texts(InstanceId, "instance-id");
        Texts(FlowDirection, "flow-direction");
        return list;
    }

    [GeneratedRegex("^[a-z][a-z0-9]*(-[a-z0-9]+)*$")]
    private static partial Regex FieldName();
}

/// <summary>One filter of a query on one or more fields (several: either field may match).</summary>
internal abstract record PushDownCriterion(IReadOnlyList<string> Fields);

/// <summary>An address field in one of some CIDRs.</summary>
internal sealed record AddressCriterion(IReadOnlyList<string> Fields, IReadOnlyList<Cidr> Cidrs) : PushDownCriterion(Fields);

/// <summary>A numeric field (port, protocol) in one of some ranges.</summary>
internal sealed record PortCriterion(IReadOnlyList<string> Fields, IReadOnlyList<PortRange> Ranges) : PushDownCriterion(Fields)
{
    /// <summary>Single values, and the ranges that are more than one value.</summary>
    public (IReadOnlyList<int> Singles, IReadOnlyList<PortRange> Spans) Split() =>
        (Ranges.Where(r => r.From == r.To).Select(r => r.From).Distinct().ToList(), Ranges.Where(r => r.From != r.To).Distinct().ToList());
}

/// <summary>A text field equal to one of some values.</summary>
internal sealed record TextCriterion(string Field, IReadOnlyList<string> Values) : PushDownCriterion([Field]);

/// <summary>
/// One aggregate row from a remote engine, in the local engine's shape: the group-by values, the time bin, and
/// record count, packets, bytes and first/last seen.
/// </summary>
public sealed record PushDownGroup
{
    /// <summary>The group-by fields, by AWS name.</summary>
    public IReadOnlyList<string> Fields { get; init; } = [];
    /// <summary>The group's values of <see cref="Fields"/> (null where the record had <c>-</c>).</summary>
    public IReadOnlyList<string?> Values { get; init; } = [];
    public DateTimeOffset? Bin { get; init; }
    public long Count { get; init; }
    public long? Packets { get; init; }
    public long? Bytes { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The value of one group-by field.</summary>
    public string? this[string field] => Fields.ToList().IndexOf(field) is var i and >= 0 ? Values[i] : null;
}
