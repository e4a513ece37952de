using System.Text.Json;
using VpcSecTools.Aws;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Aws;
using VpcSecTools.Tests.FlowLogs;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// New-VpcEndpointPlan without flow-log paths: the VPCs' own flow logs, found in the snapshot's describe-flow-logs,
/// read from a loopback S3 holding the demo's objects, give the same plan as the local folder.
/// </summary>
public sealed class VpcFlowLogPlanTests : IDisposable
{
    private readonly DemoFlowLogBucket _bucket = new();
    private Func<AwsConnection> Connect => _bucket.Connect;

    private static string Figures(EndpointPlan plan) =>
        JsonSerializer.Serialize(new { plan.Recommendations, plan.Traffic, plan.Findings, plan.WindowStart, plan.WindowEnd, plan.TotalSavingPerMonth });

    [Fact]
    public void The_vpcs_own_flow_logs_plan_as_the_downloaded_folder_does()
    {
        var demo = FlowLogDestinationTests.Demo;
        var local = EndpointPlanning.FromFlowLogs(demo, [DemoPlanTests.Logs], DemoPlanTests.IpRangesFile, null);
        var own = EndpointPlanning.FromVpcFlowLogs(demo, null, Connect, DemoPlanTests.IpRangesFile, null);
        Assert.NotEmpty(local.Recommendations);
        Assert.Equal(Figures(local), Figures(own));
        Assert.Contains(own.Notes, n => n.Contains("fl-060305267e80e0e4c") && n.Contains("24 object(s)"));
        Assert.Contains(own.Notes, n => n.Contains("every object"));
    }

    [Fact]
    public void A_window_lists_and_reads_only_its_objects_and_plans_as_the_folder_with_that_window()
    {
        var window = new PlanWindow(new DateTimeOffset(2026, 11, 21, 6, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 21, 12, 0, 0, TimeSpan.Zero));
        var demo = FlowLogDestinationTests.Demo;
        var local = EndpointPlanning.FromFlowLogs(demo, [DemoPlanTests.Logs], DemoPlanTests.IpRangesFile, null, window: window);
        var own = EndpointPlanning.FromVpcFlowLogs(demo, [FlowLogDestinationTests.ProdVpc], Connect, DemoPlanTests.IpRangesFile, null, window: window);
        Assert.Equal(Figures(local), Figures(own));
        Assert.InRange(_bucket.Downloads.Count(), 6, 8);
    }

    [Fact]
    public void A_vpc_whose_flow_logs_cannot_be_found_is_a_note_when_others_can_and_an_error_alone()
    {
        var snapshot = FlowLogDestinationTests.Demo.Snapshot;
        // Only the shared-services VPC (CloudWatch Logs, no NAT) keeps a flow log: prod's NAT traffic cannot be read.
        var noProdLog = new SnapshotIndex(snapshot with
        {
            Regions = snapshot.Regions.Select(r => r with { FlowLogs = r.FlowLogs.Where(f => f.ResourceId != FlowLogDestinationTests.ProdVpc).ToList() }).ToList(),
        });
        var e = Assert.Throws<FlowLogDestinationUnknownException>(() =>
            EndpointPlanning.FromVpcFlowLogs(noProdLog, null, Connect, DemoPlanTests.IpRangesFile, null));
        Assert.Contains(FlowLogDestinationTests.ProdVpc, e.Message);
        Assert.Empty(_bucket.Server.Requests);
    }

    public void Dispose() => _bucket.Dispose();
}
