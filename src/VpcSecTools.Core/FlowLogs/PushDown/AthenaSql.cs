using System.Globalization;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>
/// Translates a <see cref="PushDownQuery"/> into Athena (Trino) SQL over an <see cref="AthenaFlowLogTable"/>:
/// partition predicates for the window, exact <c>start</c>/<c>end</c> bounds, the filters (CIDRs with
/// <c>contains(cidr, TRY_CAST(addr AS IPADDRESS))</c>), and for aggregates GROUP BY with count, sums and
/// first/last seen, ordered by the metric, with LIMIT for top-N.
/// </summary>
public static class AthenaSql
{
    /// <summary>Aliases of the aggregate columns, as the result rows name them.</summary>
    public const string Flows = "flows", TotalPackets = "total_packets", TotalBytes = "total_bytes", FirstSeen = "first_seen", LastSeen = "last_seen", BinStart = "bin_start";

    /// <summary>The SELECT statement for a query.</summary>
    /// <exception cref="ArgumentException">The query or table is invalid, or uses a field the format lacks.</exception>
    public static string Translate(PushDownQuery query, AthenaFlowLogTable table)
    {
        table.Check();
        query.Check(table.Fields);
        var sb = new StringBuilder("SELECT ");
        var groups = query.GroupBy.Select(Column).ToList();
        if (query.IsAggregate)
        {
            var select = new List<string>(groups.Select(Quote));
            if (query.Bin is { } bin) select.Add($"{BinExpression(bin)} AS {BinStart}");
            select.Add($"count(*) AS {Flows}");
            select.AddRange(PushDownDialect.Aggregates(table.Fields).Select(a => $"{a.Function}({Quote(a.Field)}) AS {a.Alias}"));
            sb.Append(string.Join(", ", select));
        }
        else sb.Append('*');
        sb.Append("\nFROM ").Append(table.QualifiedName);

        var where = new List<string>(table.PartitionPredicates(query.Since, query.Until));
        if (query.Since is { } since) where.Add($"\"end\" >= {since.ToUnixTimeSeconds()}");
        if (query.Until is { } until) where.Add($"start < {until.ToUnixTimeSeconds()}");
        where.AddRange(query.Criteria().Select(c => Dialect.Instance.Condition(c, Column)));
        if (where.Count > 0) sb.Append("\nWHERE ").Append(string.Join("\n  AND ", where));

        if (query.IsAggregate)
        {
            var groupBy = new List<string>(groups.Select(Quote));
            if (query.Bin is { } bin) groupBy.Add(BinExpression(bin));
            if (groupBy.Count > 0) sb.Append("\nGROUP BY ").Append(string.Join(", ", groupBy));
            var metric = PushDownDialect.MetricAlias(query.By, table.Fields);
            sb.Append("\nORDER BY ").Append(metric).Append(" DESC");
            if (query.Bin is not null) sb.Append(", ").Append(BinStart);
            if (query.Top is { } top) sb.Append("\nLIMIT ").Append(top.ToString(CultureInfo.InvariantCulture));
        }
        else if (query.Limit is { } limit) sb.Append("\nLIMIT ").Append(limit.ToString(CultureInfo.InvariantCulture));
        return sb.ToString();
    }

    /// <summary>The column of a field (<c>log-status</c> is <c>log_status</c>).</summary>
    public static string Column(string field) => field.Replace('-', '_');

    /// <summary>Quotes the identifiers Trino reserves (<c>end</c>).</summary>
    internal static string Quote(string column) => column is "end" ? "\"end\"" : column;

    private static string BinExpression(TimeSpan bin)
    {
        long seconds = (long)bin.TotalSeconds;
        return $"(start - start % {seconds})";
    }

    /// <summary>Trino's spelling of filters.</summary>
    private sealed class Dialect : PushDownDialect
    {
        public static readonly Dialect Instance = new();
        public override string Or => "OR";

        /// <summary>
        /// An exact IPv4 address compares as text (the log writes it canonically); anything else goes through
        /// IPADDRESS. TRY_CAST because NODATA/SKIPDATA lines hold <c>-</c>, which CAST would fail the query on.
        /// </summary>
        public override string Address(string column, Cidr cidr) => !cidr.IsIPv6 && cidr.Prefix == 32
            ? $"{column} = '{cidr.Network}'"
            : $"contains('{cidr}', TRY_CAST({column} AS IPADDRESS))";

        public override string NumberIn(string column, IReadOnlyList<int> values) =>
            values.Count == 1 ? $"{column} = {values[0]}" : $"{column} IN ({string.Join(", ", values)})";

        public override string Between(string column, int from, int to) => $"{column} BETWEEN {from} AND {to}";

        public override string TextIn(string column, IReadOnlyList<string> values) =>
            values.Count == 1 ? $"{column} = {Literal(values[0])}" : $"{column} IN ({string.Join(", ", values.Select(Literal))})";
    }

    /// <summary>A SQL string literal.</summary>
    internal static string Literal(string value) => "'" + value.Replace("'", "''") + "'";
}
