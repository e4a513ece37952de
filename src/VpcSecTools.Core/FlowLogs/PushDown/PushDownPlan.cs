using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>
/// What the translations need from a <see cref="FlowLogQuery"/>: its filters as criteria on named fields (in a fixed
/// order so the text is stable), its group-by fields by AWS name, and a check that the format has every field the
/// query names (a remote engine would fail on a missing column; better to say which one before any call).
/// </summary>
internal static class PushDownPlan
{
    /// <summary>The group-by fields by AWS name (<c>SourceAddress</c> becomes <c>srcaddr</c>).</summary>
    public static IReadOnlyList<string> GroupFields(FlowLogQuery query) => query.GroupBy.Select(FlowFieldCatalog.ToAwsName).ToList();

    /// <summary>The query's problem with a format, or null.</summary>
    public static string? Validate(FlowLogQuery query, FlowLogFormat format)
    {
        if (query.Validate() is { } problem) return problem;
        if (query.Bin is { } bin && bin.Ticks % TimeSpan.TicksPerSecond != 0) return $"Bin must be a whole number of seconds for a remote engine, not {bin}";
        foreach (var field in ReferencedFields(query))
            if (!format.Fields.Contains(field)) return $"the query uses '{field}' but the flow log's format has no such field ({format})";
        return null;
    }

    /// <exception cref="ArgumentException">The problem <see cref="Validate"/> finds.</exception>
    public static void Check(FlowLogQuery query, FlowLogFormat format)
    {
        if (Validate(query, format) is { } problem) throw new ArgumentException(problem);
    }

    private static IEnumerable<string> ReferencedFields(FlowLogQuery query)
    {
        foreach (var c in Criteria(query.Filter)) foreach (var f in c.Fields) yield return f;
        if (query.Filter.Since is not null) yield return "end";
        if (query.Filter.Until is not null || query.Bin is not null) yield return "start";
        foreach (var g in GroupFields(query)) yield return g;
    }

    /// <summary>The filters as criteria on named fields.</summary>
    public static IReadOnlyList<PushDownCriterion> Criteria(FlowFilter filter)
    {
        var list = new List<PushDownCriterion>();
        void Addresses(IReadOnlyList<Cidr> values, params string[] fields) { if (values.Count > 0) list.Add(new AddressCriterion(fields, values)); }
        void Ports(IReadOnlyList<PortRange> values, params string[] fields) { if (values.Count > 0) list.Add(new PortCriterion(fields, values)); }
        void Texts(IReadOnlyList<string> values, string field) { if (values.Count > 0) list.Add(new TextCriterion(field, values)); }
        Addresses(filter.SourceAddress, "srcaddr");
        Addresses(filter.DestinationAddress, "dstaddr");
        Addresses(filter.Address, "srcaddr", "dstaddr");
        Ports(filter.SourcePort, "srcport");
        Ports(filter.DestinationPort, "dstport");
        Ports(filter.Port, "srcport", "dstport");
        Ports(filter.Protocol.Select(p => new PortRange(p, p)).ToList(), "protocol");
        Texts(filter.Action, "action");
        Texts(filter.LogStatus, "log-status");
        Texts(filter.InterfaceId, "interface-id");
        Texts(filter.VpcId, "vpc-id");
        Texts(filter.SubnetId, "subnet-id");
        Texts(filter.InstanceId, "instance-id");
        Texts(filter.FlowDirection, "flow-direction");
        return list;
    }
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
