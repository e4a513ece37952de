using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.FlowLogs;

public class FlowLogCoverageTests
{
    private static SnapshotIndex Index(IReadOnlyList<FlowLog> flowLogs, bool captured = true) => new(new VpcSnapshot
    {
        Regions =
        [
            new RegionInventory
            {
                Region = "us-east-1",
                Vpcs = [new Vpc { VpcId = "vpc-a" }, new Vpc { VpcId = "vpc-b" }, new Vpc { VpcId = "vpc-c" }],
                Subnets = [new Subnet { SubnetId = "subnet-a1", VpcId = "vpc-a" }, new Subnet { SubnetId = "subnet-b1", VpcId = "vpc-b" },
                           new Subnet { SubnetId = "subnet-c1", VpcId = "vpc-c" }],
                NetworkInterfaces = [new NetworkInterface { NetworkInterfaceId = "eni-a1", SubnetId = "subnet-a1", VpcId = "vpc-a" },
                                     new NetworkInterface { NetworkInterfaceId = "eni-b1", SubnetId = "subnet-b1", VpcId = "vpc-b" },
                                     new NetworkInterface { NetworkInterfaceId = "eni-c1", SubnetId = "subnet-c1", VpcId = "vpc-c" }],
                FlowLogs = flowLogs,
                CapturedSections = new HashSet<string>(captured
                    ? [Section.Vpcs, Section.Subnets, Section.NetworkInterfaces, Section.FlowLogs]
                    : [Section.Vpcs, Section.Subnets, Section.NetworkInterfaces]),
            },
        ],
    });

    private static readonly FlowLog VpcAll = new()
    {
        FlowLogId = "fl-vpc-a", ResourceId = "vpc-a", TrafficType = "ALL", LogDestinationType = "s3", LogDestination = "arn:aws:s3:::logs",
        FlowLogStatus = "ACTIVE", DeliverLogsStatus = "SUCCESS",
    };

    [Fact]
    public void Vpc_flow_log_covers_its_subnets_and_enis_and_a_vpc_without_one_is_a_finding()
    {
        var subnetReject = new FlowLog
        {
            FlowLogId = "fl-subnet-b1", ResourceId = "subnet-b1", TrafficType = "REJECT", LogDestinationType = "cloud-watch-logs",
            LogGroupName = "/vpc/b", LogFormat = "${version} ${srcaddr} ${dstaddr} ${action}", FlowLogStatus = "ACTIVE",
        };
        var rows = FlowLogCoverageAnalysis.Analyse(Index([VpcAll, subnetReject])).ToDictionary(r => r.ResourceId);
        Assert.Equal(9, rows.Count);
        Assert.Equal(CoverageStatus.Covered, rows["eni-a1"].Status);
        Assert.Equal(["vpc-a"], rows["eni-a1"].AttachedTo);
        Assert.Equal(["s3:arn:aws:s3:::logs"], rows["eni-a1"].Destinations);
        Assert.Equal(["default"], rows["vpc-a"].Formats);
        Assert.Null(rows["vpc-a"].Finding);

        Assert.Equal(CoverageStatus.NotCovered, rows["vpc-b"].Status);
        Assert.Contains("no active flow log", rows["vpc-b"].Finding);
        Assert.Equal(CoverageStatus.Partial, rows["subnet-b1"].Status);
        Assert.Equal("REJECT", rows["eni-b1"].TrafficType);
        Assert.Equal(["${version} ${srcaddr} ${dstaddr} ${action}"], rows["eni-b1"].Formats);
        Assert.Equal(["cloud-watch-logs:/vpc/b"], rows["eni-b1"].Destinations);
        Assert.Equal("only REJECT traffic is logged", rows["eni-b1"].Finding);

        Assert.Equal(CoverageStatus.NotCovered, rows["eni-c1"].Status);
        Assert.Null(rows["eni-c1"].Finding);
        Assert.Equal(1, FlowLogsCliExit(rows.Values.ToList()));
    }

    [Fact]
    public void Accept_plus_reject_logs_cover_all_traffic_and_inactive_or_failing_logs_are_said()
    {
        var accept = VpcAll with { FlowLogId = "fl-acc", ResourceId = "vpc-c", TrafficType = "ACCEPT" };
        var reject = VpcAll with { FlowLogId = "fl-rej", ResourceId = "eni-c1", TrafficType = "REJECT", DeliverLogsStatus = "FAILED", DeliverLogsErrorMessage = "Access error" };
        var inactive = VpcAll with { FlowLogId = "fl-old", ResourceId = "vpc-b", FlowLogStatus = "DELETING" };
        var rows = FlowLogCoverageAnalysis.Analyse(Index([accept, reject, inactive])).ToDictionary(r => r.ResourceId);
        Assert.Equal(CoverageStatus.Covered, rows["eni-c1"].Status);
        Assert.Equal("ALL", rows["eni-c1"].TrafficType);
        Assert.Equal(["fl-rej", "fl-acc"], rows["eni-c1"].FlowLogIds);
        Assert.Equal("flow log fl-rej delivery status is FAILED: Access error", rows["eni-c1"].Finding);
        Assert.Equal(CoverageStatus.Partial, rows["subnet-c1"].Status);
        Assert.Equal(CoverageStatus.NotCovered, rows["vpc-b"].Status);
        Assert.Contains("fl-old are not ACTIVE", rows["vpc-b"].Reason);
    }

    [Fact]
    public void Without_describe_flow_logs_every_row_is_unknown()
    {
        var rows = FlowLogCoverageAnalysis.Analyse(Index([], captured: false));
        Assert.All(rows, r => Assert.Equal(CoverageStatus.Unknown, r.Status));
        Assert.Equal(3, FlowLogsCliExit(rows));
        var batfish = FlowLogCoverageAnalysis.Analyse(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway"))));
        Assert.NotEmpty(batfish);
        Assert.All(batfish, r => Assert.Equal(CoverageStatus.Unknown, r.Status));
    }

    [Fact]
    public void Only_the_vpcs_asked_for()
    {
        var rows = FlowLogCoverageAnalysis.Analyse(Index([VpcAll]), ["vpc-a"]);
        Assert.Equal(["vpc-a", "subnet-a1", "eni-a1"], rows.Select(r => r.ResourceId));
    }

    /// <summary>The three-VPC region with one section left out (and its items dropped, as a capture without it has none).</summary>
    private static SnapshotIndex Lacking(string section, params FlowLog[] flowLogs)
    {
        var region = Index(flowLogs).Snapshot.Regions[0];
        region = Section.All.Single(x => x.Key == section).With(region, Array.Empty<object>());
        return new SnapshotIndex(new VpcSnapshot { Regions = [region with { CapturedSections = region.CapturedSections.Where(x => x != section).ToHashSet() }] });
    }

    [Fact]
    public void Unknown_rows_are_findings_so_findings_only_keeps_them()
    {
        var rows = FlowLogCoverageAnalysis.Analyse(Index([], captured: false));
        Assert.All(rows, r => Assert.Contains("Unknown", r.Finding));
        using var json = new StringWriter();
        Assert.Equal(3, Cli.Commands.FlowLogsCommand.WriteCoverage(rows, findingsOnly: true, "json", json));
        Assert.Equal(rows.Count, System.Text.Json.JsonDocument.Parse(json.ToString()).RootElement.GetArrayLength());
    }

    [Theory]
    [InlineData(Section.Vpcs)]
    [InlineData(Section.Subnets)]
    [InlineData(Section.NetworkInterfaces)]
    public void A_region_without_the_sections_that_list_resources_says_what_is_not_listed(string section)
    {
        var rows = FlowLogCoverageAnalysis.Analyse(Lacking(section));
        var region = rows.Single(r => r.ResourceType == "Region");
        Assert.Equal((CoverageStatus.Unknown, "us-east-1"), (region.Status, region.ResourceId));
        Assert.Contains(section, region.Finding);
        // What the other sections show is still listed: the VPCs, from their subnets and ENIs when describe-vpcs is missing.
        Assert.Equal(["vpc-a", "vpc-b", "vpc-c"], rows.Where(r => r.ResourceType == "VPC").Select(r => r.ResourceId));
        Assert.Equal(3, FlowLogsCliExit(rows));
    }

    [Fact]
    public void A_region_whose_vpcs_all_log_everything_needs_no_subnet_or_eni_list()
    {
        var all = new[] { "vpc-a", "vpc-b", "vpc-c" }.Select(v => VpcAll with { FlowLogId = "fl-" + v, ResourceId = v }).ToArray();
        var rows = FlowLogCoverageAnalysis.Analyse(Lacking(Section.NetworkInterfaces, all));
        Assert.DoesNotContain(rows, r => r.Status == CoverageStatus.Unknown);
        Assert.Contains(FlowLogCoverageAnalysis.Analyse(Lacking(Section.Vpcs, all)), r => r.ResourceType == "Region");
    }

    private static int FlowLogsCliExit(IReadOnlyList<FlowLogCoverage> rows) =>
        Cli.Commands.FlowLogsCommand.WriteCoverage(rows, findingsOnly: false, "table", TextWriter.Null);
}
