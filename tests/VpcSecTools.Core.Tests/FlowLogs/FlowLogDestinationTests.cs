using System.Text.Json;
using VpcSecTools.Aws;
using VpcSecTools.Cli.Commands;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.S3;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>Where a VPC's flow logs go, from the snapshot's describe-flow-logs.</summary>
public class FlowLogDestinationTests
{
    internal const string ProdVpc = "vpc-04be895ea4d91bcbf", SharedVpc = "vpc-09d7bc1194c9e4030";
    internal static readonly SnapshotIndex Demo = new(SnapshotLoader.Load(TestPaths.Demo));

    /// <summary>The demo with its region's flow logs replaced.</summary>
    private static SnapshotIndex WithFlowLogs(params FlowLog[] logs)
    {
        var snapshot = Demo.Snapshot;
        return new SnapshotIndex(snapshot with { Regions = snapshot.Regions.Select(r => r with { FlowLogs = logs }).ToList() });
    }

    [Fact]
    public void The_prod_vpc_logs_to_s3_in_its_custom_format_and_shared_services_to_cloudwatch_logs()
    {
        var found = FlowLogDestinations.Of(Demo, [ProdVpc, SharedVpc]);
        Assert.Equal(2, found.Count);
        var prod = found[0];
        Assert.Equal(("fl-060305267e80e0e4c", ProdVpc, FlowLogDestinationKind.S3, "s3://demo-flow-logs-111122223333/"), (prod.FlowLogId, prod.VpcId, prod.Kind, prod.Location));
        Assert.Equal(("111122223333", "us-east-1", "ALL"), (prod.AccountId, prod.Region, prod.TrafficType));
        Assert.Equal(27, prod.Format.FieldCount);
        Assert.Equal("pkt-dst-aws-service", prod.Format.Fields[24]);
        Assert.Null(prod.NotReadable);
        var shared = found[1];
        Assert.Equal((FlowLogDestinationKind.CloudWatchLogs, "/vpc/flowlogs/shared-services", "REJECT"), (shared.Kind, shared.Location, shared.TrafficType));
        Assert.Equal(FlowLogFormat.Default.Fields, shared.Format.Fields);
    }

    [Fact]
    public void Flow_logs_on_a_subnet_or_eni_of_the_vpc_count_and_inactive_ones_do_not()
    {
        var subnet = Demo.Subnets.Values.First(s => s.VpcId == ProdVpc).SubnetId;
        var eni = Demo.NetworkInterfaces.Values.First(e => e.VpcId == ProdVpc).NetworkInterfaceId;
        var index = WithFlowLogs(
            new FlowLog { FlowLogId = "fl-0subnet", ResourceId = subnet, FlowLogStatus = "ACTIVE", LogDestinationType = "s3", LogDestination = "arn:aws:s3:::subnet-logs/team/" },
            new FlowLog { FlowLogId = "fl-0eni", ResourceId = eni, LogDestinationType = "cloud-watch-logs", LogDestination = "arn:aws:logs:us-east-1:111122223333:log-group:/eni/one:*" },
            new FlowLog { FlowLogId = "fl-0gone", ResourceId = ProdVpc, FlowLogStatus = "DELETING", LogDestinationType = "s3", LogDestination = "arn:aws:s3:::old" },
            new FlowLog { FlowLogId = "fl-0other", ResourceId = SharedVpc, LogDestinationType = "s3", LogDestination = "arn:aws:s3:::other" });
        var found = FlowLogDestinations.Of(index, [ProdVpc]);
        Assert.Equal(["fl-0eni", "fl-0subnet"], found.Select(d => d.FlowLogId));
        Assert.Equal("/eni/one", found[0].Location);
        Assert.Equal("s3://subnet-logs/team/", found[1].Location);
    }

    [Fact]
    public void Parquet_destinations_are_read_and_firehose_ones_named_as_not_readable_here()
    {
        var index = WithFlowLogs(
            new FlowLog { FlowLogId = "fl-0pq", ResourceId = ProdVpc, LogDestinationType = "s3", LogDestination = "arn:aws:s3:::pq-logs", DestinationOptions = new() { FileFormat = "parquet", HiveCompatiblePartitions = true } },
            new FlowLog { FlowLogId = "fl-0fh", ResourceId = ProdVpc, LogDestinationType = "kinesis-data-firehose", LogDestination = "arn:aws:firehose:us-east-1:111122223333:deliverystream/x" });
        var found = FlowLogDestinations.Of(index, [ProdVpc]);
        Assert.Null(found.Single(d => d.FlowLogId == "fl-0pq").NotReadable);
        Assert.True(found.Single(d => d.FlowLogId == "fl-0pq").Parquet);
        Assert.True(found.Single(d => d.FlowLogId == "fl-0pq").HiveCompatiblePartitions);
        Assert.Contains("kinesis-data-firehose", found.Single(d => d.FlowLogId == "fl-0fh").NotReadable);
        // Nothing readable: the discovery refuses, naming why, before any AWS call.
        var e = Assert.Throws<FlowLogDestinationUnknownException>(() =>
            FlowLogLocations.Discover([found.Single(d => d.FlowLogId == "fl-0fh")], new FlowLogQuery(), () => throw new InvalidOperationException("no AWS call expected")));
        Assert.Contains("fl-0fh", e.Message);
    }

    [Fact]
    public void A_vpc_without_flow_logs_an_unknown_vpc_and_a_snapshot_without_describe_flow_logs_are_errors()
    {
        var none = Assert.Throws<FlowLogDestinationUnknownException>(() => FlowLogDestinations.Of(WithFlowLogs(), [ProdVpc]));
        Assert.Contains("not recorded", none.Message);
        Assert.Throws<VpcNotInSnapshotException>(() => FlowLogDestinations.Of(Demo, ["vpc-0000000000000000f"]));
        var snapshot = Demo.Snapshot;
        var withoutSection = new SnapshotIndex(snapshot with
        {
            Regions = snapshot.Regions.Select(r => r with { FlowLogs = [], CapturedSections = r.CapturedSections.Where(s => s != Section.FlowLogs).ToHashSet() }).ToList(),
        });
        var unknown = Assert.Throws<FlowLogDestinationUnknownException>(() => FlowLogDestinations.Of(withoutSection, [ProdVpc]));
        Assert.Contains("no describe-flow-logs", unknown.Message);
        Assert.Equal(Errors.ErrorCatalog.FlowLogDestinationUnknown, Errors.ErrorCatalog.Classify(unknown).ErrorId);
    }

    [Fact]
    public void A_flow_log_named_by_id_gives_its_destination_its_vpc_and_its_format()
    {
        var found = FlowLogDestinations.ById(Demo, ["fl-0831ff70fbc4dc52f", "fl-060305267e80e0e4c"]);
        Assert.Equal([SharedVpc, ProdVpc], found.Select(d => d.VpcId));
        Assert.Equal(27, FlowLogDestinations.FormatOf([found[1]]).FieldCount);
        var mixed = Assert.Throws<ArgumentException>(() => FlowLogDestinations.FormatOf(found));
        Assert.Contains("different formats", mixed.Message);
        var unknown = Assert.Throws<FlowLogDestinationUnknownException>(() => FlowLogDestinations.ById(Demo, ["fl-0000000000000000a"]));
        Assert.Contains("fl-0000000000000000a", unknown.Message);
    }

    [Fact]
    public void Object_names_tell_which_flow_log_delivered_them()
    {
        const string key = "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/111122223333_vpcflowlogs_us-east-1_fl-060305267e80e0e4c_20261121T0000Z_4105afa4.log.gz";
        Assert.True(FlowLogS3Layout.IsOfFlowLog(key, "fl-060305267e80e0e4c"));
        Assert.False(FlowLogS3Layout.IsOfFlowLog(key, "fl-060305267e80e0e4"));
        Assert.False(FlowLogS3Layout.IsOfFlowLog("prefix_fl-060305267e80e0e4c_/x.log.gz", "fl-060305267e80e0e4c"));
    }
}

/// <summary><c>vpcsec flowlogs query --snapshot --vpc-id</c> with no path: the VPC's own S3 flow logs, against a loopback S3.</summary>
public sealed class FlowLogDiscoveryQueryTests : IDisposable
{
    private readonly string _demo = DemoFlowLogBucket.Folder;
    private readonly DemoFlowLogBucket _bucket = new();
    private const string OtherFlowLogKey = "AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/111122223333_vpcflowlogs_us-east-1_fl-0ffffffffffffffff_20261121T0700Z_00000000.log.gz";

    public FlowLogDiscoveryQueryTests()
    {
        // Another VPC's flow log delivers into the same bucket and folder: its objects are not this VPC's.
        _bucket.Objects[OtherFlowLogKey] = _bucket.Objects.Values.First();
    }

    private const string NoWindow = "vpcsec: warning: no window (since/last): every object of the flow logs is listed and read; give one to read only its days";

    private (int Exit, string Out, string Err) Query(string[] paths, FlowQueryArguments arguments, FlowLogsCommand.QueryNetwork? network)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = FlowLogsCommand.RunQuery(paths, arguments.ToQuery(), new FlowLogReadOptions { Threads = 2 }, countOnly: false, "json", stdout, stderr, _bucket.Connect, network: network);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void The_vpcs_own_flow_logs_give_the_local_folder_answer_and_skip_other_flow_logs_objects()
    {
        var arguments = new FlowQueryArguments { Action = ["REJECT"], GroupBy = ["srcaddr"], Top = 5, By = "count" };
        var local = Query([_demo], arguments, null);
        var own = Query([], arguments with { VpcId = [FlowLogDestinationTests.ProdVpc] }, new(FlowLogDestinationTests.Demo));
        // The one warning of a run without a window, as the cmdlet gives it.
        Assert.Equal((0, NoWindow), (own.Exit, own.Err.Trim()));
        Assert.Equal(local.Out, own.Out);
        Assert.Equal(5, JsonDocument.Parse(own.Out).RootElement.GetArrayLength());
        var fetched = _bucket.Downloads.Select(r => r.Path).ToList();
        Assert.Equal(24, fetched.Count);
        Assert.DoesNotContain(fetched, p => p.Contains("fl-0ffffffffffffffff"));
    }

    [Fact]
    public void A_flow_log_named_by_id_is_read_where_it_delivers()
    {
        var arguments = new FlowQueryArguments { DestinationPort = ["5432"], GroupBy = ["srcaddr"], By = "count" };
        var local = Query([_demo], arguments, null);
        var named = Query([], arguments, new(FlowLogDestinationTests.Demo, FlowLogIds: ["fl-060305267e80e0e4c"]));
        Assert.Equal((0, NoWindow, local.Out), (named.Exit, named.Err.Trim(), named.Out));
    }

    [Fact]
    public void A_window_lists_only_its_day_and_reads_only_its_objects()
    {
        var window = new FlowQueryArguments
        {
            VpcId = [FlowLogDestinationTests.ProdVpc], Port = ["5432"], GroupBy = ["srcaddr"],
            Since = new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2026, 11, 21, 8, 0, 0, TimeSpan.Zero),
        };
        var own = Query([], window, new(FlowLogDestinationTests.Demo));
        var local = Query([_demo], window with { VpcId = null }, null);
        Assert.Equal((0, local.Out), (own.Exit, own.Out));
        var fetched = _bucket.Downloads.Count();
        Assert.InRange(fetched, 1, 6);
        var listed = _bucket.Server.Requests.Where(r => r.Query.Contains("list-type") && !r.Query.Contains("delimiter")).Select(r => LoopbackS3.Param(r, "prefix")).Distinct();
        Assert.Equal(["AWSLogs/111122223333/vpcflowlogs/us-east-1/2026/11/21/"], listed);
    }

    public void Dispose() => _bucket.Dispose();
}

/// <summary>The new query options through the real command line.</summary>
public class FlowLogsNetworkCliTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    [Fact]
    public void Attribute_and_through_nat_gateway_need_a_snapshot_and_a_vpc_alone_needs_one_to_find_its_logs()
    {
        var attribute = CliCommands.CliRunner.Run("flowlogs", "query", Flows, "--attribute");
        Assert.Equal((2, "vpcsec: InvalidArgument: --attribute needs --snapshot"), (attribute.Exit, attribute.Err.Trim()));
        var nat = CliCommands.CliRunner.Run("flowlogs", "query", Flows, "--through-nat-gateway");
        Assert.Equal((2, "vpcsec: InvalidArgument: --through-nat-gateway needs --snapshot"), (nat.Exit, nat.Err.Trim()));
        var vpc = CliCommands.CliRunner.Run("flowlogs", "query", "--vpc-id", FlowLogDestinationTests.ProdVpc);
        Assert.Equal(2, vpc.Exit);
        Assert.Contains("--snapshot with --vpc-id", vpc.Err);
    }

    [Fact]
    public void Headerless_lines_are_read_in_the_named_flow_logs_format()
    {
        using var dir = new TestPaths.TempDir();
        var first = Directory.GetFiles(Flows, "*.log.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First();
        using (var reader = new StreamReader(new System.IO.Compression.GZipStream(File.OpenRead(first), System.IO.Compression.CompressionMode.Decompress)))
        {
            reader.ReadLine();
            File.WriteAllText(Path.Combine(dir.Path, "export.log"), reader.ReadToEnd());
        }
        var lines = File.ReadAllLines(Path.Combine(dir.Path, "export.log")).Length;
        var named = CliCommands.CliRunner.Run("flowlogs", "query", dir.Path, "--snapshot", TestPaths.Demo, "--flow-log-id", "fl-060305267e80e0e4c", "--count", "--format", "json");
        Assert.Equal((0, ""), (named.Exit, named.Err));
        var report = JsonDocument.Parse(named.Out).RootElement;
        Assert.Equal(lines, report.GetProperty("Matched").GetInt64());
        // Read as the default format instead, every 27-field line is malformed.
        var plain = CliCommands.CliRunner.Run("flowlogs", "query", dir.Path, "--count", "--format", "json");
        Assert.Equal(0, JsonDocument.Parse(plain.Out).RootElement.GetProperty("Matched").GetInt64());
        Assert.Contains($"{lines} malformed", plain.Err);
    }

    [Fact]
    public void A_vpc_the_snapshot_lacks_is_one_line_naming_it()
    {
        var (exit, _, err) = CliCommands.CliRunner.Run("flowlogs", "query", "--snapshot", TestPaths.Demo, "--vpc-id", "vpc-0123456789abcdef0");
        Assert.Equal(2, exit);
        Assert.StartsWith("vpcsec: VpcNotFound: ", err);
        Assert.Contains("vpc-0123456789abcdef0", err);
        Assert.Single(err.Trim().Split('\n'));
    }
}
