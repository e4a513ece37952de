using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>The recorded fixtures (tests/fixtures/flowlogs), each version and shape.</summary>
public class FlowLogFixtureTests
{
    internal static string Fixture(string name) => Path.Combine(TestPaths.Fixtures, "flowlogs", name);

    internal static (List<FlowRecord> Records, FlowLogReadReport Report) Read(string path, FlowLogQuery? query = null, FlowLogReadOptions? options = null)
    {
        var report = new FlowLogReadReport();
        var inputs = FlowLogPaths.Expand([path], out var unmatched);
        Assert.Empty(unmatched);
        var records = new FlowLogReader(options).Records(inputs, query ?? new FlowLogQuery(), report).ToList();
        return (records, report);
    }

    [Fact]
    public void V2_default_format_without_header_reads_accept_reject_nodata_and_skipdata()
    {
        var (records, report) = Read(Fixture("flowlogs-reader_v2_records.log"));
        Assert.Equal(5, records.Count);
        Assert.Equal(5, report.Records);
        Assert.Equal(0, report.SkippedLines);
        var first = records[0];
        Assert.Equal(2, first.Version);
        Assert.Equal("123456789010", first.AccountId);
        Assert.Equal("eni-102010ab", first.InterfaceId);
        Assert.Equal("198.51.100.1", first.SourceAddress);
        Assert.Equal("192.0.2.1", first.DestinationAddress);
        Assert.Equal(443, first.SourcePort);
        Assert.Equal(49152, first.DestinationPort);
        Assert.Equal(6, first.Protocol);
        Assert.Equal(10, first.Packets);
        Assert.Equal(840, first.Bytes);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387263), first.Start);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1439387264), first.End);
        Assert.Equal("ACCEPT", first.Action);
        Assert.Equal("OK", first.LogStatus);
        Assert.Equal("REJECT", records[2].Action);
        var nodata = records[3];
        Assert.Equal("NODATA", nodata.LogStatus);
        Assert.Null(nodata.SourceAddress);
        Assert.Null(nodata.Packets);
        Assert.Null(nodata.Action);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1431280876), nodata.Start);
        Assert.Equal("SKIPDATA", records[4].LogStatus);
        Assert.Equal(4, records[3].Line);
    }

    [Fact]
    public void V3_header_in_non_default_order_maps_every_field_by_name()
    {
        var (records, report) = Read(Fixture("flowlogs-reader_v3.log"));
        Assert.Equal(2, records.Count);
        Assert.Equal(3, report.Lines);
        var r = records[0];
        Assert.Equal(3, r.Version);
        Assert.Equal("000000000000", r.AccountId);
        Assert.Equal(6392, r.Bytes);
        Assert.Equal("172.18.160.93", r.DestinationAddress);
        Assert.Equal(47460, r.DestinationPort);
        Assert.Equal("i-06f9249b", r.InstanceId);
        Assert.Equal(10, r.Packets);
        Assert.Equal("172.18.160.93", r.PacketDestinationAddress);
        Assert.Equal("192.168.0.1", r.PacketSourceAddress);
        Assert.Equal("172.18.160.68", r.SourceAddress);
        Assert.Equal(443, r.SourcePort);
        Assert.Equal("subnet-089e7569", r.SubnetId);
        Assert.Equal(19, r.TcpFlags);
        Assert.Equal("IPv4", r.Type);
        Assert.Equal("vpc-0461a061", r.VpcId);
        Assert.Null(r.Action);
        Assert.Equal(2, r.Line);
    }

    [Fact]
    public void V5_reads_service_direction_and_path_and_reports_the_bogus_line()
    {
        var (records, report) = Read(Fixture("flowlogs-reader_v5.log"));
        Assert.Equal(2, records.Count);
        Assert.Equal("S3", records[0].PacketSourceAwsService);
        Assert.Null(records[0].PacketDestinationAwsService);
        Assert.Equal("ingress", records[0].FlowDirection);
        Assert.Null(records[0].TrafficPath);
        Assert.Equal("egress", records[1].FlowDirection);
        Assert.Equal(7, records[1].TrafficPath);
        Assert.Equal("us-east-2", records[1].Region);
        Assert.Equal("use2-az2", records[1].AzId);
        Assert.Equal(1, report.SkippedLines);
        var skipped = Assert.Single(report.Skipped);
        Assert.Equal(4, skipped.Line);
        Assert.EndsWith("flowlogs-reader_v5.log", skipped.File);
        Assert.Equal("expected 29 fields, found 2", skipped.Reason);
    }

    [Fact]
    public void Otel_s3_object_with_default_header()
    {
        var (records, report) = Read(Fixture("otel-contrib_valid_vpc_flow_log_multi.log"));
        Assert.Equal(["172.31.16.139", "172.31.9.69"], records.Select(r => r.SourceAddress));
        Assert.Equal([22, 3389], records.Select(r => r.DestinationPort ?? -1));
        Assert.Equal(3, report.Lines);
    }

    [Fact]
    public void Ecs_v7_fields_are_typed_properties()
    {
        var (records, _) = Read(Fixture("otel-contrib_valid_vpc_flow_log_ecs.log"));
        var r = Assert.Single(records);
        Assert.Equal("my-cluster", r.EcsClusterName);
        Assert.Equal("arn:aws:ecs:us-east-1:123456789012:cluster/my-cluster", r.EcsClusterArn);
        Assert.Equal("container-1", r.EcsContainerId);
        Assert.Equal("container-2", r.EcsSecondContainerId);
        Assert.Equal("my-service", r.EcsServiceName);
        Assert.Equal("abcdef1234567890", r.EcsTaskId);
        Assert.Equal("arn:aws:ecs:us-east-1:123456789012:task-definition/my-task:1", r.EcsTaskDefinitionArn);
        Assert.Equal(5, r.Version);
        Assert.Equal(22, r.DestinationPort);
    }

    [Fact]
    public void CloudWatch_subscription_payload_with_its_custom_format()
    {
        var options = new FlowLogReadOptions { Format = FlowLogFormat.Parse("${version} ${interface-id} ${srcaddr} ${dstaddr}") };
        var (records, report) = Read(Fixture("otel-contrib_valid_vpc_flow_cw_custom.json"), options: options);
        Assert.Equal(2, records.Count);
        Assert.Equal("eni-1235b8ca123456789", records[0].InterfaceId);
        Assert.Equal("172.31.9.12", records[1].DestinationAddress);
        Assert.Equal(0, report.SkippedLines);
    }

    [Fact]
    public void CloudWatch_payload_without_its_format_is_skipped_line_by_line_not_fatal()
    {
        var (records, report) = Read(Fixture("otel-contrib_valid_vpc_flow_cw_custom.json"));
        Assert.Empty(records);
        Assert.Equal(2, report.SkippedLines);
        Assert.All(report.Skipped, s => Assert.Equal("expected 14 fields, found 4", s.Reason));
    }

    [Fact]
    public void Folder_reads_every_fixture_and_counts_each_file()
    {
        var inputs = FlowLogPaths.Expand([Path.Combine(TestPaths.Fixtures, "flowlogs")], out var unmatched);
        Assert.Empty(unmatched);
        Assert.Equal(7, inputs.Count);
        var result = new FlowLogReader().Run(inputs, new FlowLogQuery { Filter = new FlowFilter { Action = ["REJECT"] } });
        Assert.Equal(7, result.Report.Files);
        // REJECT: one v2 line and one otel line; README and JSON lines are skipped as malformed, never fatal.
        Assert.Equal(2, result.Matched);
        Assert.True(result.Report.SkippedLines > 0);
        // The v3 file has no action field: its answer is unknown, said as a file error rather than "no match".
        var error = Assert.Single(result.Report.FileErrors);
        Assert.EndsWith("flowlogs-reader_v3.log", error.File);
        Assert.Contains("'action'", error.Message);
    }
}
