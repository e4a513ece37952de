using System.Text.Json;
using VpcSecTools.Endpoints;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Endpoints;

/// <summary>
/// -Since/-Until on the demo flow logs (2026-11-21): only records overlapping the window are counted and
/// the month is scaled from the window's length, checked against a re-computation from the raw files.
/// </summary>
public class PlanWindowTests
{
    private static readonly DateTimeOffset Since = new(2026, 11, 21, 6, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Until = Since.AddHours(6);

    private static EndpointPlan Plan(PlanWindow window) =>
        EndpointPlanning.FromFlowLogs(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo)), [DemoPlanTests.Logs], DemoPlanTests.IpRangesFile, null, window: window);

    [Fact]
    public void Six_hour_window_counts_only_its_records_and_scales_by_its_length()
    {
        using var expectedDoc = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json")));
        var expected = expectedDoc.RootElement;
        var (bytes, _, _, outside) = DemoPlanTests.RawNatBytes(expected, Since.ToUnixTimeSeconds(), Until.ToUnixTimeSeconds());
        Assert.True(outside > 0, "the window must leave some NAT traffic out for the test to mean anything");
        Assert.True(bytes.GetValueOrDefault("S3-us-east-1") > 0 && bytes.GetValueOrDefault("DYNAMODB") > 0);
        const decimal factor = 730m / 6m;
        decimal Gb(long b) => Math.Round(b * factor / (1024m * 1024m * 1024m), 2);

        var plan = Plan(new PlanWindow(Since, Until));
        Assert.Equal(factor, plan.MonthlyFactor, 10);
        Assert.Equal(Since, plan.WindowStart);
        Assert.Equal(Until, plan.WindowEnd);
        var s3 = Assert.Single(plan.Recommendations, r => r.Service == "S3");
        Assert.Equal(Gb(bytes["S3-us-east-1"]), s3.ObservedGbPerMonth);
        var ddb = Assert.Single(plan.Recommendations, r => r.Service == "DYNAMODB");
        Assert.Equal(Gb(bytes["DYNAMODB"]), ddb.ObservedGbPerMonth);
        Assert.Equal(Gb(bytes["S3-us-west-2"]), Assert.Single(plan.Traffic, t => t.Service == "S3" && t.DestinationRegion == "us-west-2").GbPerMonth);
        Assert.Equal(Gb(bytes["AMAZON"]), Assert.Single(plan.Traffic, t => t.Service == "AMAZON").GbPerMonth);

        // Not the whole day's figures: the window changed what was counted.
        Assert.NotEqual(DemoPlanTests.DemoPlan().Recommendations.Single(r => r.Service == "S3").ObservedGbPerMonth, s3.ObservedGbPerMonth);
    }

    [Fact]
    public void Window_without_NAT_traffic_gives_an_empty_plan_that_says_so()
    {
        var quiet = new PlanWindow(new DateTimeOffset(2026, 11, 25, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 26, 0, 0, 0, TimeSpan.Zero));
        var plan = Plan(quiet);
        Assert.Empty(plan.Recommendations);
        Assert.Empty(plan.Traffic);
        Assert.Equal(quiet.Since, plan.WindowStart);
        Assert.Contains(plan.Notes, n => n.StartsWith("no traffic through NAT gateways in the window", StringComparison.Ordinal));
    }

    [Fact]
    public void Window_that_ends_before_it_starts_is_refused_naming_both_ends()
    {
        var e = Assert.Throws<ArgumentException>(() => Plan(new PlanWindow(Until, Since)));
        Assert.Contains(Since.ToString("O"), e.Message);
    }
}
