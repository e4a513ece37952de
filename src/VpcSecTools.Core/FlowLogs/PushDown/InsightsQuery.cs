using System.Globalization;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>
/// Translates a <see cref="PushDownQuery"/> into CloudWatch Logs Insights query text: the default format's
/// discovered fields (<c>srcAddr</c>, <c>dstPort</c>, <c>startTime</c>...) or <c>parse @message</c> for a custom
/// format, <c>filter</c> (CIDRs with <c>isIpv4InSubnet</c>/<c>isIpv6InSubnet</c>), <c>stats ... by</c>,
/// <c>sort</c> and <c>limit</c>. Insights returns at most <see cref="MaxRows"/> rows.
/// </summary>
public static class InsightsQuery
{
    /// <summary>The most rows a Logs Insights query returns.</summary>
    public const int MaxRows = 10_000;

    /// <summary>
    /// The field names Logs Insights discovers in VPC flow logs of the default format (AWS: "Supported logs and
    /// discovered fields"); custom formats are parsed into the AWS names with underscores instead.
    /// </summary>
    public static IReadOnlyDictionary<string, string> DiscoveredFields { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["version"] = "version", ["account-id"] = "accountId", ["interface-id"] = "interfaceId", ["srcaddr"] = "srcAddr",
        ["dstaddr"] = "dstAddr", ["srcport"] = "srcPort", ["dstport"] = "dstPort", ["protocol"] = "protocol",
        ["packets"] = "packets", ["bytes"] = "bytes", ["start"] = "startTime", ["end"] = "endTime",
        ["action"] = "action", ["log-status"] = "logStatus",
    };

    /// <summary>The Insights name of a field in a format: discovered for the default format, parsed otherwise.</summary>
    public static string FieldName(string field, IReadOnlyList<string> format) =>
        IsDefault(format) ? DiscoveredFields[field] : field.Replace('-', '_');

    /// <summary>Whether a format is exactly the default one, so Insights discovers its fields without <c>parse</c>.</summary>
    public static bool IsDefault(IReadOnlyList<string> format) => format.SequenceEqual(PushDownQuery.DefaultFields);

    /// <summary>How many rows the query asks Insights for: top-N or the raw limit, capped at <see cref="MaxRows"/>.</summary>
    public static int RowLimit(PushDownQuery query) => Math.Min((query.IsAggregate ? query.Top : query.Limit) ?? MaxRows, MaxRows);

    /// <summary>Whether the answer may be cut by the row cap: the query asks for more rows than Insights returns.</summary>
    public static bool MayExceedLimit(PushDownQuery query) => ((query.IsAggregate ? query.Top : query.Limit) ?? int.MaxValue) > MaxRows;

    /// <summary>The query text. The window itself is passed to StartQuery; the exact start/end bounds are filters here.</summary>
    /// <exception cref="ArgumentException">The query uses a field the format lacks, or is otherwise invalid.</exception>
    public static string Translate(PushDownQuery query, IReadOnlyList<string> format)
    {
        query.Check(format);
        string Name(string field) => FieldName(field, format);
        var lines = new List<string>();
        if (!query.IsAggregate) lines.Add("fields @timestamp, @logStream, @message");
        if (!IsDefault(format))
            lines.Add($"parse @message \"{string.Join(' ', format.Select(_ => "*"))}\" as {string.Join(", ", format.Select(Name))}");
        var filters = new List<string>();
        if (query.Since is { } since) filters.Add($"{Name("end")} >= {since.ToUnixTimeSeconds()}");
        if (query.Until is { } until) filters.Add($"{Name("start")} < {until.ToUnixTimeSeconds()}");
        filters.AddRange(query.Criteria().Select(c => Dialect.Instance.Condition(c, Name)));
        if (filters.Count > 0) lines.Add("filter " + string.Join(" and ", filters));
        if (query.IsAggregate)
        {
            var stats = new List<string> { $"count(*) as {AthenaSql.Flows}" };
            stats.AddRange(PushDownDialect.Aggregates(format).Select(a => $"{a.Function}({Name(a.Field)}) as {a.Alias}"));
            var by = query.GroupBy.Select(Name).ToList();
            if (query.Bin is { } bin) by.Add(BinExpression(bin));
            lines.Add($"stats {string.Join(", ", stats)} by {string.Join(", ", by)}");
            lines.Add($"sort {PushDownDialect.MetricAlias(query.By, format)} desc");
        }
        else lines.Add("sort @timestamp asc");
        lines.Add("limit " + RowLimit(query).ToString(CultureInfo.InvariantCulture));
        return string.Join("\n| ", lines);
    }

    /// <summary>Insights bins by <c>@timestamp</c> (the event time), in whole seconds.</summary>
    public static string BinExpression(TimeSpan bin) => $"bin({(long)bin.TotalSeconds}s)";

    /// <summary>Insights' spelling of filters.</summary>
    private sealed class Dialect : PushDownDialect
    {
        public static readonly Dialect Instance = new();
        public override string Or => "or";

        public override string Address(string field, Cidr cidr) => !cidr.IsIPv6 && cidr.Prefix == 32
            ? $"{field} = \"{cidr.Network}\""
            : $"{(cidr.IsIPv6 ? "isIpv6InSubnet" : "isIpv4InSubnet")}({field}, \"{cidr}\")";

        public override string NumberIn(string field, IReadOnlyList<int> values) =>
            values.Count == 1 ? $"{field} = {values[0]}" : $"{field} in [{string.Join(", ", values)}]";

        public override string Between(string field, int from, int to) => $"({field} >= {from} and {field} <= {to})";

        public override string TextIn(string field, IReadOnlyList<string> values) =>
            values.Count == 1 ? $"{field} = {Literal(values[0])}" : $"{field} in [{string.Join(", ", values.Select(Literal))}]";
    }

    private static string Literal(string value)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in value) sb.Append(c is '"' or '\\' ? "\\" + c : c.ToString());
        return sb.Append('"').ToString();
    }
}
