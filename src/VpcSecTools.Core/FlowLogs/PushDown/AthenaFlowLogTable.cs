using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VpcSecTools.FlowLogs.S3;

namespace VpcSecTools.FlowLogs.PushDown;

/// <summary>How the flow log delivers to S3: text (gzip, header line) or Parquet.</summary>
public enum AthenaStorage { Text, Parquet }

/// <summary>
/// An Athena table over flow logs in S3, partitioned by account, region, day (and hour) with partition
/// projection, so Athena reads only the prefixes a query's time window touches and no partitions need loading.
/// The partition columns are <c>aws_account</c>, <c>aws_region</c>, <c>day</c> and <c>hour</c>, named apart from the
/// flow-log fields (<c>region</c> is a version 4 field).
/// </summary>
public sealed partial record AthenaFlowLogTable
{
    public required string Database { get; init; }
    public required string Table { get; init; }
    /// <summary>The bucket and prefix that holds <c>AWSLogs/</c> (<c>s3://bucket/prefix/</c>).</summary>
    public required string Location { get; init; }
    /// <summary>Accounts whose logs are under the location (projected as an enum).</summary>
    public required IReadOnlyList<string> Accounts { get; init; }
    /// <summary>Regions whose logs are under the location (projected as an enum).</summary>
    public required IReadOnlyList<string> Regions { get; init; }
    /// <summary>The flow log's fields in order (its LogFormat).</summary>
    public IReadOnlyList<string> Fields { get; init; } = PushDownQuery.DefaultFields;
    public AthenaStorage Storage { get; init; } = AthenaStorage.Text;
    /// <summary>Hive-compatible S3 prefixes (<c>aws-account-id=/aws-service=vpcflowlogs/aws-region=/year=/month=/day=</c>).</summary>
    public bool Hive { get; init; }
    /// <summary>The flow log partitions its objects per hour.</summary>
    public bool PerHour { get; init; }
    /// <summary>The first day the projection covers.</summary>
    public DateOnly FirstDay { get; init; } = new(2020, 1, 1);

    /// <summary>The <c>"database"."table"</c> reference used in queries.</summary>
    public string QualifiedName => $"\"{Database}\".\"{Table}\"";

    /// <summary>The Java date pattern of the <c>day</c> partition: it is the day's S3 path, so projection builds the key from it.</summary>
    public string DayFormat => Hive ? "'year='yyyy'/month='MM'/day='dd" : "yyyy/MM/dd";

    /// <summary>A day as the <c>day</c> partition holds it (<c>2026/11/21</c>, Hive <c>year=2026/month=11/day=21</c>).</summary>
    public string DayValue(DateOnly day) => Hive
        ? string.Create(CultureInfo.InvariantCulture, $"year={day.Year:D4}/month={day.Month:D2}/day={day.Day:D2}")
        : string.Create(CultureInfo.InvariantCulture, $"{day.Year:D4}/{day.Month:D2}/{day.Day:D2}");

    /// <summary>Checks names, location and lists; returns the problem or null.</summary>
    public string? Validate()
    {
        if (!Identifier().IsMatch(Database)) return $"the Athena database name '{Database}' must be letters, digits and underscores";
        if (!Identifier().IsMatch(Table)) return $"the Athena table name '{Table}' must be letters, digits and underscores";
        if (!Location.StartsWith("s3://", StringComparison.Ordinal) || Location.Contains('\'') || Location.Contains('"'))
            return $"the table location '{Location}' must be an s3:// URL";
        if (Accounts.Count == 0 || Accounts.Any(a => !AccountId().IsMatch(a))) return $"accounts must be 12-digit AWS account ids: {string.Join(",", Accounts)}";
        if (Regions.Count == 0 || Regions.Any(r => !Snapshot.InventoryBuilder.IsRegionName(r))) return $"regions must be region names such as eu-west-1: {string.Join(",", Regions)}";
        if (Fields.Count == 0 || Fields.Any(f => !PushDownQuery.IsFieldName(f))) return $"the format has fields that are not flow-log field names: {string.Join(' ', Fields)}";
        if (Fields.Distinct().Count() != Fields.Count) return $"the format names a field twice: {string.Join(' ', Fields)}";
        return null;
    }

    internal void Check()
    {
        if (Validate() is { } problem) throw new ArgumentException(problem);
    }

    /// <summary>
    /// The <c>CREATE EXTERNAL TABLE</c> statement: one column per field of the format (hyphens become underscores,
    /// types as AWS documents them), space-delimited text skipping the header line or Parquet, and partition
    /// projection on account, region, day (and hour) with the S3 key template of the layout.
    /// </summary>
    public string CreateTableStatement()
    {
        Check();
        var sb = new StringBuilder();
        sb.Append("CREATE EXTERNAL TABLE IF NOT EXISTS `").Append(Database).Append("`.`").Append(Table).Append("` (\n");
        sb.Append(string.Join(",\n", Fields.Select(f => $"  `{AthenaSql.Column(f)}` {ColumnType(f)}")));
        sb.Append("\n)\nPARTITIONED BY (`aws_account` string, `aws_region` string, `day` string");
        if (PerHour) sb.Append(", `hour` string");
        sb.Append(")\n");
        sb.Append(Storage == AthenaStorage.Parquet
            ? "ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'\n"
              + "STORED AS INPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat'\n"
              + "OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat'\n"
            : "ROW FORMAT DELIMITED\nFIELDS TERMINATED BY ' '\n");
        var root = Location.EndsWith('/') ? Location : Location + "/";
        sb.Append("LOCATION '").Append(root).Append("AWSLogs/'\n");
        var properties = new List<(string, string)>();
        if (Storage == AthenaStorage.Text) properties.Add(("skip.header.line.count", "1"));
        properties.AddRange(
        [
            ("projection.enabled", "true"),
            ("projection.aws_account.type", "enum"),
            ("projection.aws_account.values", string.Join(",", Accounts)),
            ("projection.aws_region.type", "enum"),
            ("projection.aws_region.values", string.Join(",", Regions)),
            ("projection.day.type", "date"),
            ("projection.day.format", DayFormat),
            ("projection.day.range", $"{DayValue(FirstDay)},NOW"),
            ("projection.day.interval", "1"),
            ("projection.day.interval.unit", "DAYS"),
        ]);
        if (PerHour)
            properties.AddRange([("projection.hour.type", "integer"), ("projection.hour.range", "0,23"), ("projection.hour.digits", "2")]);
        var regionPath = FlowLogS3Layout.RegionPrefix($"{root}", "${aws_account}", "${aws_region}", Hive);
        properties.Add(("storage.location.template", regionPath + "${day}" + (PerHour ? Hive ? "/hour=${hour}" : "/${hour}" : "")));
        sb.Append("TBLPROPERTIES (\n");
        sb.Append(string.Join(",\n", properties.Select(p => $"  \"{p.Item1}\"=\"{p.Item2}\"")));
        sb.Append("\n)");
        return sb.ToString();
    }

    /// <summary>The column type AWS documents for a field (counters and times bigint, ports int); unknown fields are strings.</summary>
    public static string ColumnType(string field) => field switch
    {
        "version" or "srcport" or "dstport" or "tcp-flags" or "traffic-path" => "int",
        "protocol" or "packets" or "bytes" or "start" or "end" => "bigint",
        _ => "string",
    };

    /// <summary>
    /// Partition predicates for a time window: the days (and, for a window inside one day, the hours) whose prefixes
    /// can hold its records, widened by the delivery margin as the S3 listing is (<see cref="FlowLogS3Layout"/>).
    /// </summary>
    internal IEnumerable<string> PartitionPredicates(DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since is null && until is null) yield break;
        var days = since is { } s && until is { } u ? FlowLogS3Layout.Days(s, u).ToList() : null;
        if (days is not null)
        {
            yield return days.Count == 1 ? $"day = '{DayValue(days[0])}'" : $"day BETWEEN '{DayValue(days[0])}' AND '{DayValue(days[^1])}'";
            if (PerHour && days.Count == 1)
            {
                var hours = FlowLogS3Layout.Hours(days[0], since!.Value, until!.Value).ToList();
                if (hours.Count < 24) yield return $"hour BETWEEN '{hours[0]:D2}' AND '{hours[^1]:D2}'";
            }
        }
        else if (since is { } from) yield return $"day >= '{DayValue(DateOnly.FromDateTime(from.UtcDateTime))}'";
        else yield return $"day <= '{DayValue(DateOnly.FromDateTime((until!.Value + FlowLogS3Layout.DeliveryMargin).UtcDateTime))}'";
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Identifier();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountId();
}
