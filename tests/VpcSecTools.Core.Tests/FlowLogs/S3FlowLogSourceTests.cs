using VpcSecTools.Aws;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using VpcSecTools.FlowLogs.S3;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.FlowLogs;

public class FlowLogS3LayoutTests
{
    [Theory]
    [InlineData("s3://demo-flow-logs/", "demo-flow-logs", "")]
    [InlineData("s3://demo-flow-logs", "demo-flow-logs", "")]
    [InlineData("s3://demo-flow-logs/team/a", "demo-flow-logs", "team/a/")]
    [InlineData("arn:aws:s3:::demo-flow-logs-111122223333", "demo-flow-logs-111122223333", "")]
    [InlineData("arn:aws:s3:::bucket.name/x/", "bucket.name", "x/")]
    public void Parses_uris_and_destination_arns(string text, string bucket, string prefix) =>
        Assert.Equal(new S3Location(bucket, prefix), S3Location.Parse(text));

    [Theory]
    [InlineData("s3://")]
    [InlineData("s3://UPPER/x")]
    [InlineData("https://bucket/x")]
    public void Refuses_what_is_not_a_bucket(string text) => Assert.Throws<FormatException>(() => S3Location.Parse(text));

    [Fact]
    public void Both_layouts_build_the_documented_prefixes()
    {
        var day = new DateOnly(2026, 11, 21);
        var plain = FlowLogS3Layout.RegionPrefix("logs/", "111122223333", "us-east-1", hive: false);
        Assert.Equal("logs/AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/07/",
            FlowLogS3Layout.HourPrefix(FlowLogS3Layout.DayPrefix(plain, day, false), 7, false));
        var hive = FlowLogS3Layout.RegionPrefix("", "111122223333", "us-east-1", hive: true);
        Assert.Equal("AWSLogs/aws-account-id=111122223333/aws-service=vpcflowlogs/aws-region=us-east-1/year=2026/month=11/day=21/hour=07/",
            FlowLogS3Layout.HourPrefix(FlowLogS3Layout.DayPrefix(hive, day, true), 7, true));
    }

    [Fact]
    public void A_window_touches_only_its_days_and_hours_plus_the_delivery_margin()
    {
        var since = new DateTimeOffset(2026, 11, 21, 22, 10, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2026, 11, 21, 23, 50, 0, TimeSpan.Zero);
        Assert.Equal([new DateOnly(2026, 11, 21), new DateOnly(2026, 11, 22)], FlowLogS3Layout.Days(since, until));
        Assert.Equal([22, 23], FlowLogS3Layout.Hours(new DateOnly(2026, 11, 21), since, until));
        Assert.Equal([0], FlowLogS3Layout.Hours(new DateOnly(2026, 11, 22), since, until));
    }

    [Fact]
    public void Reads_the_delivery_time_from_the_object_name()
    {
        var key = "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/111122223333_vpcflowlogs_us-east-1_fl-0a1b2c3d4e5f60718_20261121T0705Z_1a2b3c4d.log.gz";
        Assert.Equal(new DateTimeOffset(2026, 11, 21, 7, 5, 0, TimeSpan.Zero), FlowLogS3Layout.DeliveryTime(key));
        Assert.Null(FlowLogS3Layout.DeliveryTime("some/other/object.log.gz"));
        Assert.True(FlowLogS3Layout.MayHoldWindow("x/unknown-name.log.gz", DateTimeOffset.MinValue, DateTimeOffset.MinValue));
    }
}

/// <summary>The S3 source against a loopback S3 that answers ListObjectsV2 and GetObject in S3's own XML shapes.</summary>
public sealed class S3FlowLogSourceTests : IDisposable
{
    private const string Bucket = "demo-flow-logs-111122223333";
    private readonly SortedDictionary<string, byte[]> _objects = new(StringComparer.Ordinal);
    private readonly LoopbackServer _server;
    private readonly IS3Client _client;

    public S3FlowLogSourceTests()
    {
        // The demo's 24 hourly objects in the default layout (day partitions) ...
        var demo = Path.Combine(TestPaths.Demo, "flowlogs");
        foreach (var file in Directory.GetFiles(demo, "*.log.gz", SearchOption.AllDirectories))
            _objects[Path.GetRelativePath(demo, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        // ... and the same objects for another account in the Hive layout with hour partitions.
        foreach (var (key, bytes) in _objects.ToArray())
        {
            var name = key.Split('/').Last();
            var hour = FlowLogS3Layout.DeliveryTime(key)!.Value.Hour;
            _objects[$"AWSLogs/aws-account-id=444455556666/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=21/hour={hour:D2}/{name}"] = bytes;
        }
        _objects["AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/not-a-log.txt"] = [1];
        _server = new LoopbackServer(r => LoopbackS3.Answer(Bucket, _objects, r));
        _client = AwsSdkConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIDEXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Region = "us-east-1", EndpointUrl = _server.Url,
            Environment = _ => null,
        }).CreateS3Client();
    }

    [Fact]
    public async Task Lists_only_the_window_in_the_default_layout()
    {
        var source = new S3FlowLogSource(_client);
        var since = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero);
        var found = new List<S3FlowLogObject>();
        await foreach (var o in source.ListAsync(S3Location.Parse($"s3://{Bucket}"), since, until, account: "111122223333")) found.Add(o);

        var expected = _objects.Keys.Where(k => k.StartsWith("AWSLogs/111122223333/") && k.EndsWith(".log.gz"))
            .Where(k => FlowLogS3Layout.DeliveryTime(k) is { } t && t >= since && t <= until.AddMinutes(30)).ToArray();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, found.Select(o => o.Key));
        Assert.All(found, o => Assert.Equal(("111122223333", "us-east-1"), (o.Account, o.Region)));
        // Object listings asked only for the window's day prefix, never the whole bucket.
        var objectListings = _server.Requests.Where(r => r.Query.Contains("list-type=2") && !r.Query.Contains("delimiter")).Select(r => Param(r, "prefix")).Distinct();
        Assert.Equal(["AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/"], objectListings);
        Assert.All(_server.Requests, r => Assert.StartsWith("AWS4-HMAC-SHA256", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Lists_only_the_window_hours_in_the_hive_layout_and_discovers_accounts()
    {
        var source = new S3FlowLogSource(_client);
        var since = new DateTimeOffset(2026, 11, 21, 10, 0, 0, TimeSpan.Zero);
        var until = new DateTimeOffset(2026, 11, 21, 10, 59, 0, TimeSpan.Zero);
        var found = new List<S3FlowLogObject>();
        await foreach (var o in source.ListAsync(S3Location.Parse($"s3://{Bucket}"), since, until)) found.Add(o);

        Assert.Contains(found, o => o.Account == "444455556666" && o.Region == "eu-west-1");
        Assert.Contains(found, o => o.Account == "111122223333" && o.Region == "us-east-1");
        var hivePrefixes = _server.Requests.Where(r => !r.Query.Contains("delimiter")).Select(r => Param(r, "prefix")).Where(p => p.Contains("aws-account-id")).Distinct().Order();
        Assert.Equal(["AWSLogs/aws-account-id=444455556666/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=21/hour=10/",
                      "AWSLogs/aws-account-id=444455556666/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2026/month=11/day=21/hour=11/"], hivePrefixes);
    }

    [Fact]
    public async Task Opens_objects_byte_for_byte_across_list_pages()
    {
        var source = new S3FlowLogSource(_client);
        var found = new List<S3FlowLogObject>();
        await foreach (var o in source.ListAsync(S3Location.Parse($"s3://{Bucket}"), null, null, account: "111122223333")) found.Add(o);
        Assert.Equal(24, found.Count);
        Assert.Contains(_server.Requests, r => r.Query.Contains("continuation-token"));
        await using var stream = await source.OpenAsync(found[3]);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(_objects[found[3].Key], copy.ToArray());
        Assert.Equal(_objects[found[3].Key].Length, found[3].Size);
    }

    private static string Param(SeenRequest r, string name) => LoopbackS3.Param(r, name);

    public void Dispose()
    {
        _client.Dispose();
        _server.Dispose();
    }
}

/// <summary>
/// The demo's 24 flow-log objects in a loopback S3 bucket named as the demo's flow log says
/// (<c>demo-flow-logs-111122223333</c>), under an optional key prefix, with a connection that calls it.
/// </summary>
internal sealed class DemoFlowLogBucket : IDisposable
{
    public const string Bucket = "demo-flow-logs-111122223333";
    public static readonly string Folder = Path.Combine(TestPaths.Demo, "flowlogs");

    public SortedDictionary<string, byte[]> Objects { get; } = new(StringComparer.Ordinal);
    public LoopbackServer Server { get; }

    public DemoFlowLogBucket(string keyPrefix = "")
    {
        foreach (var file in Directory.GetFiles(Folder, "*.log.gz", SearchOption.AllDirectories))
            Objects[keyPrefix + Path.GetRelativePath(Folder, file).Replace('\\', '/')] = File.ReadAllBytes(file);
        Server = new LoopbackServer(r => LoopbackS3.Answer(Bucket, Objects, r));
    }

    /// <summary>Object downloads so far (GETs that are not listings).</summary>
    public IEnumerable<SeenRequest> Downloads => Server.Requests.Where(r => r.Method == "GET" && !r.Query.Contains("list-type"));

    public AwsConnection Connect() => AwsSdkConnection.Resolve(new AwsConnectionRequest
    {
        AccessKey = "AKIDEXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", Region = "us-east-1", EndpointUrl = Server.Url,
        Environment = _ => null,
    });

    public void Dispose() => Server.Dispose();
}

/// <summary>A loopback S3 over an in-memory bucket: ListObjectsV2 (pages of 5, delimiter listings) and GetObject in S3's XML shapes.</summary>
internal static class LoopbackS3
{
    public static string Param(SeenRequest r, string name) => HttpUtility.ParseQueryString(r.Query)[name] ?? "";

    /// <summary>ListObjectsV2 (pages of 5) and GetObject, as S3 answers them.</summary>
    public static Reply Answer(string bucket, IReadOnlyDictionary<string, byte[]> objects, SeenRequest r)
    {
        var path = r.Path.TrimStart('/');
        if (!path.StartsWith(bucket)) return Reply.Xml("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>", 404);
        var key = path.Length > bucket.Length ? path[(bucket.Length + 1)..] : "";
        if (key.Length > 0)
        {
            if (!objects.TryGetValue(key, out var bytes)) return Reply.Xml("<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>", 404);
            var etag = "\"" + Convert.ToHexStringLower(MD5.HashData(bytes)) + "\"";
            return new Reply(200, bytes, "application/octet-stream", new Dictionary<string, string> { ["ETag"] = etag, ["Last-Modified"] = "Sat, 21 Nov 2026 23:59:00 GMT" });
        }
        var q = HttpUtility.ParseQueryString(r.Query);
        string prefix = q["prefix"] ?? "", delimiter = q["delimiter"] ?? "";
        int start = int.TryParse(q["continuation-token"], out var s) ? s : 0;
        var entries = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var k in objects.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)))
        {
            int cut = delimiter.Length > 0 ? k.IndexOf(delimiter, prefix.Length, StringComparison.Ordinal) : -1;
            entries.Add(cut >= 0 ? "P:" + k[..(cut + 1)] : "K:" + k);
        }
        var page = entries.Skip(start).Take(5).ToArray();
        bool truncated = start + page.Length < entries.Count;
        var xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
        xml.Append($"<Name>{bucket}</Name><Prefix>{WebUtility.HtmlEncode(prefix)}</Prefix><KeyCount>{page.Length}</KeyCount><MaxKeys>5</MaxKeys>");
        if (delimiter.Length > 0) xml.Append($"<Delimiter>{delimiter}</Delimiter>");
        xml.Append($"<IsTruncated>{(truncated ? "true" : "false")}</IsTruncated>");
        if (truncated) xml.Append($"<NextContinuationToken>{start + page.Length}</NextContinuationToken>");
        foreach (var e in page.Where(e => e.StartsWith("K:")))
        {
            var k = e[2..];
            xml.Append($"<Contents><Key>{WebUtility.HtmlEncode(k)}</Key><LastModified>2026-11-21T23:59:00.000Z</LastModified><ETag>&quot;0&quot;</ETag><Size>{objects[k].Length}</Size><StorageClass>STANDARD</StorageClass></Contents>");
        }
        foreach (var e in page.Where(e => e.StartsWith("P:"))) xml.Append($"<CommonPrefixes><Prefix>{WebUtility.HtmlEncode(e[2..])}</Prefix></CommonPrefixes>");
        xml.Append("</ListBucketResult>");
        return Reply.Xml(xml.ToString());
    }
}
