using System.Globalization;
using System.Text.RegularExpressions;

namespace VpcSecTools.FlowLogs.S3;

/// <summary>
/// The key layouts AWS uses when it delivers flow logs to S3 (FLOWLOGS.md), so a time window lists only
/// the day or hour prefixes it needs:
/// default <c>AWSLogs/{account}/vpcflowlogs/{region}/YYYY/MM/DD/[HH/]</c>, Hive-compatible
/// <c>AWSLogs/aws-account-id={a}/aws-service=vpcflowlogs/aws-region={r}/year=YYYY/month=MM/day=DD/[hour=HH/]</c>.
/// </summary>
public static partial class FlowLogS3Layout
{
    /// <summary>How late after its last record an object can be delivered; widens the window so nothing is missed.</summary>
    public static readonly TimeSpan DeliveryMargin = TimeSpan.FromMinutes(30);

    /// <summary>The prefix that holds one account's flow logs for one region.</summary>
    public static string RegionPrefix(string basePrefix, string account, string region, bool hive) => hive
        ? $"{basePrefix}AWSLogs/aws-account-id={account}/aws-service=vpcflowlogs/aws-region={region}/"
        : $"{basePrefix}AWSLogs/{account}/vpcflowlogs/{region}/";

    /// <summary>The day prefix under a region prefix.</summary>
    public static string DayPrefix(string regionPrefix, DateOnly day, bool hive) => hive
        ? string.Create(CultureInfo.InvariantCulture, $"{regionPrefix}year={day.Year:D4}/month={day.Month:D2}/day={day.Day:D2}/")
        : string.Create(CultureInfo.InvariantCulture, $"{regionPrefix}{day.Year:D4}/{day.Month:D2}/{day.Day:D2}/");

    /// <summary>The hour prefix under a day prefix (when the flow log partitions per hour).</summary>
    public static string HourPrefix(string dayPrefix, int hour, bool hive) =>
        $"{dayPrefix}{(hive ? "hour=" : "")}{hour.ToString("D2", CultureInfo.InvariantCulture)}/";

    /// <summary>Every UTC day touched by [since, until + delivery margin].</summary>
    public static IEnumerable<DateOnly> Days(DateTimeOffset since, DateTimeOffset until)
    {
        var first = DateOnly.FromDateTime(since.UtcDateTime);
        var last = DateOnly.FromDateTime((until + DeliveryMargin).UtcDateTime);
        for (var d = first; d <= last; d = d.AddDays(1)) yield return d;
    }

    /// <summary>Hours of <paramref name="day"/> touched by the window (all 24 for inner days).</summary>
    public static IEnumerable<int> Hours(DateOnly day, DateTimeOffset since, DateTimeOffset until)
    {
        var start = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        for (int h = 0; h < 24; h++)
        {
            var hourStart = start.AddHours(h);
            if (hourStart.AddHours(1) > since && hourStart <= until + DeliveryMargin) yield return h;
        }
    }

    /// <summary>Whether a listed key is a flow-log object: text (plain or gzip) or Parquet (<c>.log.parquet</c>).</summary>
    public static bool IsLogObject(string key) =>
        key.EndsWith(".log.gz", StringComparison.Ordinal) || key.EndsWith(".log", StringComparison.Ordinal) || key.EndsWith(".log.parquet", StringComparison.Ordinal);

    /// <summary>The delivery time in an object name (<c>..._20261121T0005Z_hash.log.gz</c>), if present.</summary>
    public static DateTimeOffset? DeliveryTime(string key)
    {
        var m = DeliveryStamp().Match(key);
        return m.Success && DateTimeOffset.TryParseExact(m.Groups[1].Value, "yyyyMMdd'T'HHmm'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    /// <summary>Whether an object may hold records of the window: delivered after it starts, and not long after it ends.</summary>
    public static bool MayHoldWindow(string key, DateTimeOffset? since, DateTimeOffset? until)
    {
        var delivered = DeliveryTime(key);
        if (delivered is null) return true;
        return (since is null || delivered >= since) && (until is null || delivered <= until + DeliveryMargin);
    }

    /// <summary>Whether an object is one of this flow log's (<c>{account}_vpcflowlogs_{region}_{fl-id}_{time}_{hash}.log.gz</c>).</summary>
    public static bool IsOfFlowLog(string key, string flowLogId) =>
        key.AsSpan(key.LastIndexOf('/') + 1).IndexOf($"_{flowLogId}_", StringComparison.Ordinal) >= 0;

    /// <summary>Recognises a listed folder name as an hour partition (<c>07/</c> or <c>hour=07/</c>).</summary>
    public static bool IsHourFolder(string commonPrefix) => HourFolder().IsMatch(commonPrefix);

    [GeneratedRegex(@"_(\d{8}T\d{4}Z)_[^/]*$")]
    private static partial Regex DeliveryStamp();

    [GeneratedRegex(@"/(hour=)?\d{2}/$")]
    private static partial Regex HourFolder();
}
