using VpcSecTools.Aws;
using VpcSecTools.Cli.Commands;
using VpcSecTools.FlowLogs;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary><c>vpcsec flowlogs query s3://...</c> end to end against a loopback S3 holding the demo's flow-log objects.</summary>
public sealed class S3FlowLogQueryTests : IDisposable
{
    private const string Bucket = DemoFlowLogBucket.Bucket;
    private readonly string _demo = DemoFlowLogBucket.Folder;
    private readonly DemoFlowLogBucket _bucket = new("logs/");

    private (int Exit, string Out, string Err) Query(string path, FlowQueryArguments arguments)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = FlowLogsCommand.RunQuery([path], arguments.ToQuery(), new FlowLogReadOptions { Threads = 2 }, countOnly: false, "json", stdout, stderr, _bucket.Connect);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Top_rejected_sources_from_s3_equal_the_local_folder_result()
    {
        var arguments = new FlowQueryArguments { Action = ["REJECT"], GroupBy = ["srcaddr"], Top = 10, By = "Count" };
        var local = Query(_demo, arguments);
        var s3 = Query($"s3://{Bucket}/logs", arguments);
        Assert.Equal((0, ""), (local.Exit, local.Err));
        Assert.Equal((0, ""), (s3.Exit, s3.Err));
        Assert.Contains("SourceAddress", local.Out);
        Assert.Equal(local.Out, s3.Out);
        Assert.Equal(_bucket.Objects.Count, _bucket.Downloads.Count());
        Assert.All(_bucket.Server.Requests, r => Assert.StartsWith("/" + Bucket, r.Path));
    }

    [Fact]
    public void Parquet_objects_answer_as_the_text_objects_do()
    {
        // The bucket delivers the same day as Parquet (AWS's *.log.parquet objects, gzip pages): read whole, then by column.
        using var dir = new TestPaths.TempDir();
        foreach (var (key, bytes) in _bucket.Objects.ToArray())
        {
            var gz = dir.File("x.log.gz");
            File.WriteAllBytes(gz, bytes);
            ParquetFiles.Convert(gz, dir.File("x.log.parquet"), new ParquetFiles.Options { RowGroupSize = 700 });
            _bucket.Objects.Remove(key);
            _bucket.Objects[key.Replace(".log.gz", ".log.parquet", StringComparison.Ordinal)] = File.ReadAllBytes(dir.File("x.log.parquet"));
        }
        var arguments = new FlowQueryArguments { Action = ["REJECT"], GroupBy = ["srcaddr"], Top = 10, By = "Count" };
        var local = Query(_demo, arguments);
        var s3 = Query($"s3://{Bucket}/logs", arguments);
        Assert.Equal((0, ""), (s3.Exit, s3.Err));
        Assert.Equal(local.Out, s3.Out);
        Assert.Equal(_bucket.Objects.Count, _bucket.Downloads.Count());
    }

    [Fact]
    public void A_window_reads_only_its_objects_and_gives_the_local_records()
    {
        var arguments = new FlowQueryArguments
        {
            Since = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero),
            Port = ["443"],
        };
        var local = Query(_demo, arguments);
        var s3 = Query($"s3://{Bucket}/logs/", arguments);
        Assert.Equal((0, 0), (local.Exit, s3.Exit));
        Assert.Contains("\"DestinationPort\"", local.Out);
        // Records name their source: the same object, by its local path or its S3 URI.
        Assert.Equal(local.Out.Replace(Path.GetFullPath(_demo) + Path.DirectorySeparatorChar, "logs/"), s3.Out.Replace($"s3://{Bucket}/", ""));
        var fetched = _bucket.Downloads.ToList();
        Assert.InRange(fetched.Count, 1, _bucket.Objects.Count - 1);
    }

    [Fact]
    public void An_s3_location_without_flow_logs_stops_the_query_naming_it()
    {
        // vpcsec's Guard writes it as one line with exit 2 (FlowSourceTests).
        var e = Assert.Throws<FlowLogPathNotFoundException>(() => Query($"s3://{Bucket}/elsewhere/", new FlowQueryArguments { GroupBy = ["srcaddr"] }));
        Assert.Equal($"s3://{Bucket}/elsewhere/", e.Path);
    }

    public void Dispose() => _bucket.Dispose();
}
