using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs;

/// <summary>What to rank aggregated groups by.</summary>
public enum FlowMetric { Bytes, Packets, Count }

/// <summary>
/// Which records a query keeps. Every criterion is a list: a record matches a criterion when it matches any
/// value in it, and matches the filter when it matches every criterion given. Empty lists match everything.
/// </summary>
/// <remarks>
/// Deliberately declarative (values, not predicates) so the same filter translates to an Athena
/// <c>WHERE</c> clause or a Logs Insights <c>filter</c> as well as it compiles to the local scan.
/// </remarks>
public sealed record FlowFilter
{
    public IReadOnlyList<Cidr> SourceAddress { get; init; } = [];
    public IReadOnlyList<Cidr> DestinationAddress { get; init; } = [];
    /// <summary>Either side: source or destination is in one of these.</summary>
    public IReadOnlyList<Cidr> Address { get; init; } = [];
    public IReadOnlyList<PortRange> SourcePort { get; init; } = [];
    public IReadOnlyList<PortRange> DestinationPort { get; init; } = [];
    /// <summary>Either side: source or destination port is in one of these.</summary>
    public IReadOnlyList<PortRange> Port { get; init; } = [];
    /// <summary>IANA protocol numbers (6 tcp, 17 udp, 1 icmp).</summary>
    public IReadOnlyList<int> Protocol { get; init; } = [];
    /// <summary><c>ACCEPT</c> or <c>REJECT</c>.</summary>
    public IReadOnlyList<string> Action { get; init; } = [];
    /// <summary><c>OK</c>, <c>NODATA</c> or <c>SKIPDATA</c>.</summary>
    public IReadOnlyList<string> LogStatus { get; init; } = [];
    public IReadOnlyList<string> InterfaceId { get; init; } = [];
    public IReadOnlyList<string> VpcId { get; init; } = [];
    public IReadOnlyList<string> SubnetId { get; init; } = [];
    public IReadOnlyList<string> InstanceId { get; init; } = [];
    /// <summary><c>ingress</c> or <c>egress</c> (version 5 field).</summary>
    public IReadOnlyList<string> FlowDirection { get; init; } = [];
    /// <summary>Keep records whose capture window ends at or after this instant.</summary>
    public DateTimeOffset? Since { get; init; }
    /// <summary>Keep records whose capture window starts before this instant.</summary>
    public DateTimeOffset? Until { get; init; }

    public bool IsEmpty =>
        SourceAddress.Count + DestinationAddress.Count + Address.Count + SourcePort.Count + DestinationPort.Count
        + Port.Count + Protocol.Count + Action.Count + LogStatus.Count + InterfaceId.Count + VpcId.Count
        + SubnetId.Count + InstanceId.Count + FlowDirection.Count == 0 && Since is null && Until is null;
}

/// <summary>
/// A flow-log question: a filter, then either the matching records or aggregates grouped by fields and/or time
/// bins, optionally only the top N groups.
/// </summary>
public sealed record FlowLogQuery
{
    public FlowFilter Filter { get; init; } = new();
    /// <summary>Fields to group by, by AWS name (<c>srcaddr</c>) or property name (<c>SourceAddress</c>).</summary>
    public IReadOnlyList<string> GroupBy { get; init; } = [];
    /// <summary>Width of time bins (by record start); groups are then per bin.</summary>
    public TimeSpan? Bin { get; init; }
    /// <summary>Keep only the N largest groups by <see cref="By"/>.</summary>
    public int? Top { get; init; }
    public FlowMetric By { get; init; } = FlowMetric.Bytes;
    /// <summary>For raw records: stop after this many matches.</summary>
    public int? Limit { get; init; }

    /// <summary>True when the query asks for groups rather than records.</summary>
    public bool IsAggregate => GroupBy.Count > 0 || Bin is not null;

    /// <summary>Checks the query against a format; returns the problem or null.</summary>
    public string? Validate()
    {
        if (Top is <= 0) return $"Top must be positive, not {Top}";
        if (Top is not null && !IsAggregate) return "Top ranks groups: give GroupBy fields or a Bin as well";
        if (Limit is < 0) return $"Limit must not be negative, not {Limit}";
        if (Bin is { } bin && bin <= TimeSpan.Zero) return $"Bin must be a positive duration, not {bin}";
        // Bins are cut in whole milliseconds (record times are): a finer width would be cut to another, or to none.
        if (Bin is { } width && width.Ticks % TimeSpan.TicksPerMillisecond != 0) return $"Bin must be a whole number of milliseconds, not {width}";
        if (Filter.Since is { } s && Filter.Until is { } u && u <= s) return $"Until ({u:u}) must be after Since ({s:u})";
        foreach (var g in GroupBy)
            if (!FlowFieldCatalog.LooksLikeFieldName(FlowFieldCatalog.ToAwsName(g)))
                return $"'{g}' is not a flow-log field name";
        // A field twice would be two columns of one name (and one value) in every answer.
        foreach (var same in GroupBy.GroupBy(FlowFieldCatalog.ToAwsName).Where(s => s.Count() > 1))
            return $"GroupBy names '{same.Key}' more than once ({string.Join(", ", same)})";
        return null;
    }
}
