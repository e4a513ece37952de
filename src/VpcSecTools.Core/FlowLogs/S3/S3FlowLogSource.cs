using System.Runtime.CompilerServices;
using VpcSecTools.Aws;

namespace VpcSecTools.FlowLogs.S3;

/// <summary>A flow-log object found in S3.</summary>
public sealed record S3FlowLogObject(string Bucket, string Key, long Size, string? Account, string? Region)
{
    public override string ToString() => $"s3://{Bucket}/{Key}";
}

/// <summary>
/// Finds and opens flow-log objects under an S3 location, listing only the day and hour prefixes of the
/// time window, in both the default and the Hive-compatible layout. Accounts and regions under
/// <c>AWSLogs/</c> are discovered unless given.
/// </summary>
public sealed class S3FlowLogSource(IS3Client s3)
{
    /// <summary>The IAM actions this source needs: ListObjectsV2 is s3:ListBucket (the IAM policy test compares with this list).</summary>
    public static readonly IReadOnlyList<string> IamActions = ["s3:GetObject", "s3:ListBucket"];

    /// <summary>
    /// The flow-log objects (text or Parquet) under <paramref name="location"/> that may hold records of the window. A window
    /// open at its end runs to now. With <paramref name="flowLogId"/>, only that flow log's objects (a bucket is
    /// often shared by the flow logs of many VPCs).
    /// </summary>
    public async IAsyncEnumerable<S3FlowLogObject> ListAsync(S3Location location, DateTimeOffset? since, DateTimeOffset? until,
        string? account = null, string? region = null, string? flowLogId = null, [EnumeratorCancellation] CancellationToken cancel = default)
    {
        await foreach (var (regionPrefix, acct, reg, hive) in RegionPrefixesAsync(location, account, region, cancel))
        {
            IAsyncEnumerable<string> prefixes = since is null
                ? One(regionPrefix)
                : WindowPrefixesAsync(location.Bucket, regionPrefix, since.Value, until ?? DateTimeOffset.UtcNow, hive, cancel);
            await foreach (var prefix in prefixes)
                await foreach (var obj in ListObjectsAsync(location.Bucket, prefix, cancel))
                    if (FlowLogS3Layout.IsLogObject(obj.Key) && FlowLogS3Layout.MayHoldWindow(obj.Key, since, until)
                        && (flowLogId is null || FlowLogS3Layout.IsOfFlowLog(obj.Key, flowLogId)))
                        yield return new S3FlowLogObject(location.Bucket, obj.Key, obj.Size, acct, reg);
        }
    }

    public Task<Stream> OpenAsync(S3FlowLogObject obj, CancellationToken cancel = default) => s3.GetObjectAsync(obj.Bucket, obj.Key, cancel);

    /// <summary>Region prefixes under <c>AWSLogs/</c>: the given account/region, or every one found, in either layout.</summary>
    private async IAsyncEnumerable<(string Prefix, string Account, string Region, bool Hive)> RegionPrefixesAsync(
        S3Location location, string? account, string? region, [EnumeratorCancellation] CancellationToken cancel)
    {
        var root = $"{location.Prefix}AWSLogs/";
        var accounts = await FoldersAsync(location.Bucket, root, cancel).ConfigureAwait(false);
        foreach (var accountFolder in accounts)
        {
            bool hive = accountFolder.StartsWith("aws-account-id=", StringComparison.Ordinal);
            var acct = hive ? accountFolder["aws-account-id=".Length..] : accountFolder;
            if (account is not null && acct != account) continue;
            var servicePrefix = hive ? $"{root}{accountFolder}/aws-service=vpcflowlogs/" : $"{root}{accountFolder}/vpcflowlogs/";
            foreach (var regionFolder in await FoldersAsync(location.Bucket, servicePrefix, cancel).ConfigureAwait(false))
            {
                var reg = hive && regionFolder.StartsWith("aws-region=", StringComparison.Ordinal) ? regionFolder["aws-region=".Length..] : regionFolder;
                if (region is not null && reg != region) continue;
                yield return ($"{servicePrefix}{regionFolder}/", acct, reg, hive);
            }
        }
    }

    /// <summary>Day prefixes of the window; within a day, only its hours when the log partitions per hour.</summary>
    private async IAsyncEnumerable<string> WindowPrefixesAsync(string bucket, string regionPrefix, DateTimeOffset since, DateTimeOffset until,
        bool hive, [EnumeratorCancellation] CancellationToken cancel)
    {
        foreach (var day in FlowLogS3Layout.Days(since, until))
        {
            var dayPrefix = FlowLogS3Layout.DayPrefix(regionPrefix, day, hive);
            var folders = await FoldersAsync(bucket, dayPrefix, cancel).ConfigureAwait(false);
            bool perHour = folders.Count > 0 && folders.All(f => FlowLogS3Layout.IsHourFolder($"/{f}/"));
            if (!perHour) { yield return dayPrefix; continue; }
            var present = folders.ToHashSet(StringComparer.Ordinal);
            foreach (var hour in FlowLogS3Layout.Hours(day, since, until))
            {
                var hourPrefix = FlowLogS3Layout.HourPrefix(dayPrefix, hour, hive);
                if (present.Contains(hourPrefix[dayPrefix.Length..].TrimEnd('/'))) yield return hourPrefix;
            }
        }
    }

    /// <summary>Immediate sub-folder names under a prefix (delimiter listing).</summary>
    private async Task<IReadOnlyList<string>> FoldersAsync(string bucket, string prefix, CancellationToken cancel)
    {
        var names = new List<string>();
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(bucket, prefix, "/", token, cancel).ConfigureAwait(false);
            foreach (var p in page.CommonPrefixes) names.Add(p[prefix.Length..].TrimEnd('/'));
            token = page.NextContinuationToken;
        } while (token is not null);
        return names;
    }

    private async IAsyncEnumerable<S3ObjectSummary> ListObjectsAsync(string bucket, string prefix, [EnumeratorCancellation] CancellationToken cancel)
    {
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(bucket, prefix, null, token, cancel).ConfigureAwait(false);
            foreach (var o in page.Objects) yield return o;
            token = page.NextContinuationToken;
        } while (token is not null);
    }

    private static async IAsyncEnumerable<string> One(string value)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return value;
    }
}
