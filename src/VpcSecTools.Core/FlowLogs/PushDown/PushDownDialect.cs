using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>
/// How one target language writes the pieces of a filter (Athena SQL, Logs Insights); the shape of a condition
/// (either field, any value) is the same for both and lives in <see cref="Condition"/>.
/// </summary>
internal abstract class PushDownDialect
{
    public abstract string Or { get; }
    public abstract string Address(string field, Cidr cidr);
    public abstract string NumberIn(string field, IReadOnlyList<int> values);
    public abstract string Between(string field, int from, int to);
    public abstract string TextIn(string field, IReadOnlyList<string> values);

    /// <summary>The alias of the column a query ranks by; the metric's field must be in the format.</summary>
    public static string MetricAlias(PushDownMetric by, IReadOnlyList<string> format) => by switch
    {
        PushDownMetric.Bytes when format.Contains("bytes") => AthenaSql.TotalBytes,
        PushDownMetric.Packets when format.Contains("packets") => AthenaSql.TotalPackets,
        PushDownMetric.Bytes or PushDownMetric.Packets => throw new ArgumentException($"ranking by {by} needs the '{by.ToString().ToLowerInvariant()}' field, which the flow log's format lacks"),
        _ => AthenaSql.Flows,
    };

    /// <summary>The aggregates after the count, for the fields the format has: sums of packets and bytes, first start, last end.</summary>
    public static IEnumerable<(string Function, string Field, string Alias)> Aggregates(IReadOnlyList<string> format) =>
        new[] { ("sum", "packets", AthenaSql.TotalPackets), ("sum", "bytes", AthenaSql.TotalBytes), ("min", "start", AthenaSql.FirstSeen), ("max", "end", AthenaSql.LastSeen) }
            .Where(a => format.Contains(a.Item2));

    /// <summary>One criterion: any of its fields matching any of its values.</summary>
    public string Condition(PushDownCriterion criterion, Func<string, string> name)
    {
        var parts = new List<string>();
        switch (criterion)
        {
            case AddressCriterion a:
                foreach (var field in a.Fields)
                    foreach (var cidr in a.Cidrs) parts.Add(Address(name(field), cidr));
                break;
            case PortCriterion p:
                var (singles, spans) = p.Split();
                foreach (var field in p.Fields)
                {
                    if (singles.Count > 0) parts.Add(NumberIn(name(field), singles));
                    parts.AddRange(spans.Select(r => Between(name(field), r.From, r.To)));
                }
                break;
            case TextCriterion t:
                parts.Add(TextIn(name(t.Field), t.Values));
                break;
        }
        return parts.Count == 1 ? parts[0] : $"({string.Join($" {Or} ", parts)})";
    }
}
