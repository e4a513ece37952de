using System.Text;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// -UpdateIpRanges against a server on 127.0.0.1 serving the recorded subset: a whole file is validated,
/// cached and named on the plan; anything less falls back to the bundled copy whole, with the reason.
/// </summary>
public class IpRangesDownloadTests
{
    private static readonly string Subset = Path.Combine(TestPaths.Fixtures, "ip-ranges", "ip-ranges-subset-s3-ddb.json");

    // The recorded subset with a publication of its own, so the plan can be seen to use it and not the bundled copy.
    private static byte[] Fresh() => Encoding.UTF8.GetBytes(File.ReadAllText(Subset)
        .Replace($"\"{AwsIpRangeSet.Bundled.SyncToken}\"", "\"1795300000\"").Replace($"\"{AwsIpRangeSet.BundledCreateDate}\"", "\"2026-11-21-22-13-20\""));

    private static LoopbackServer Serve(byte[] body, int status = 200) => new(_ => new Reply(status, body, "application/json"));

    [Fact]
    public void Whole_download_is_used_cached_and_named()
    {
        var body = Fresh();
        using var server = Serve(body);
        using var cache = new TestPaths.TempDir();
        var update = new IpRangesDownload(server.Url + "/ip-ranges.json", cache.Path).Fetch();

        Assert.True(update.Downloaded);
        Assert.Null(update.Warning);
        Assert.Equal("1795300000", update.Ranges.SyncToken);
        Assert.Equal("2026-11-21-22-13-20", update.Ranges.CreateDate);
        Assert.Equal(AwsIpRangeSet.Parse(new MemoryStream(body), "x").Prefixes, update.Ranges.Prefixes);
        Assert.Equal(body, File.ReadAllBytes(update.CachePath!));
        Assert.Equal(Path.Combine(cache.Path, IpRangesDownload.CacheFileName), update.CachePath);
        Assert.Equal("GET", Assert.Single(server.Requests).Method);
    }

    [Fact]
    public void Truncated_body_falls_back_to_the_whole_bundled_copy_and_caches_nothing()
    {
        var body = Fresh();
        using var server = Serve(body[..(body.Length / 2)]);
        using var cache = new TestPaths.TempDir();
        var update = new IpRangesDownload(server.Url + "/ip-ranges.json", cache.Path).Fetch();

        Assert.False(update.Downloaded);
        Assert.Same(AwsIpRangeSet.Bundled, update.Ranges);
        Assert.Null(update.CachePath);
        Assert.Contains(server.Url, update.Warning);
        Assert.Contains("bundled copy of " + AwsIpRangeSet.BundledCreateDate, update.Warning);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cache.Path));
    }

    public static TheoryData<string, int, string> Broken => new()
    {
        { """{"syncToken":"1795300000","createDate":"2026-11-21-22-13-20","prefixes":[]}""", 200, "no prefixes" },
        { """{"createDate":"2026-11-21-22-13-20","prefixes":[{"ip_prefix":"3.5.0.0/19","region":"us-east-1","service":"S3","network_border_group":"us-east-1"}]}""", 200, "syncToken" },
        { """{"syncToken":"1795300000","createDate":"yesterday","prefixes":[{"ip_prefix":"3.5.0.0/19","region":"us-east-1","service":"S3","network_border_group":"us-east-1"}]}""", 200, "createDate 'yesterday'" },
        { "<html>Service Unavailable</html>", 503, "HTTP 503" },
    };

    [Theory]
    [MemberData(nameof(Broken))]
    public void Incomplete_or_failed_download_falls_back_naming_the_reason(string body, int status, string reason)
    {
        using var server = Serve(Encoding.UTF8.GetBytes(body), status);
        using var cache = new TestPaths.TempDir();
        var update = new IpRangesDownload(server.Url + "/ip-ranges.json", cache.Path).Fetch();
        Assert.Same(AwsIpRangeSet.Bundled, update.Ranges);
        Assert.Contains(reason, update.Warning);
    }

    [Fact]
    public void Nothing_listening_falls_back()
    {
        using var cache = new TestPaths.TempDir();
        var update = new IpRangesDownload($"http://127.0.0.1:{LoopbackServer.FreePort()}/ip-ranges.json", cache.Path) { Timeout = TimeSpan.FromSeconds(10) }.Fetch();
        Assert.Same(AwsIpRangeSet.Bundled, update.Ranges);
        Assert.StartsWith("could not update ip-ranges from http://127.0.0.1:", update.Warning);
    }

    [Fact]
    public void Plan_says_which_ip_ranges_it_used_and_warns_on_fallback()
    {
        var index = new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo));
        var logs = Path.Combine(TestPaths.Demo, "flowlogs");
        using var cache = new TestPaths.TempDir();

        using (var server = Serve(Fresh()))
        {
            var plan = EndpointPlanning.FromFlowLogs(index, [logs], null, null, download: new IpRangesDownload(server.Url + "/ip-ranges.json", cache.Path));
            Assert.Equal(("1795300000", "2026-11-21-22-13-20", server.Url + "/ip-ranges.json"), (plan.IpRangesSyncToken, plan.IpRangesCreateDate, plan.IpRangesSource));
            Assert.Empty(plan.Warnings);
            Assert.Contains(plan.Notes, n => n.Contains("syncToken 1795300000, createDate 2026-11-21-22-13-20", StringComparison.Ordinal));
            // The subset names S3 and DynamoDB: the same two gateway recommendations as with the full file.
            Assert.Equal(["DYNAMODB", "S3"], plan.Recommendations.Select(r => r.Service).Order());
        }
        using (var server = Serve(Fresh()[..100]))
        {
            var plan = EndpointPlanning.FromFlowLogs(index, [logs], null, null, download: new IpRangesDownload(server.Url + "/ip-ranges.json", cache.Path));
            Assert.Equal(("bundled", AwsIpRangeSet.Bundled.SyncToken), (plan.IpRangesSource, plan.IpRangesSyncToken));
            Assert.Contains("could not update ip-ranges", Assert.Single(plan.Warnings));
        }
    }
}
