using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Exposure.DemoNetwork;

namespace VpcSecTools.Tests.Exposure;

/// <summary>Route.Ipv4Ipv6Parity on the demo (expected.json route_parity) and on changed copies of it.</summary>
public class RouteParityChecksTests
{
    [Fact]
    public void The_batch_subnet_is_public_over_ipv6_while_ipv4_goes_through_nat_and_nothing_else_differs()
    {
        var expected = Expected.GetProperty("route_parity").EnumerateArray().Single();
        var f = Audit.Of("Route.Ipv4Ipv6Parity").Single();
        Assert.Equal((expected.GetProperty("subnet").GetString(), expected.GetProperty("severity").GetString(), expected.GetProperty("route_table").GetString()),
            (f.ResourceId, f.Severity.Label(), f.Source));
        Assert.Equal(("AwsEc2Subnet", "prod-batch-b", true), (f.ResourceType, f.ResourceName, f.Confirmed));
        Assert.Contains($"0.0.0.0/0 -> {expected.GetProperty("ipv4").GetString()}", f.Rule);
        Assert.Contains($"::/0 -> {expected.GetProperty("ipv6").GetString()}", f.Rule);
        Assert.Contains("No interface in it has an IPv6 address today", f.Detail);
    }

    [Fact]
    public void A_dual_stack_subnet_with_an_ipv4_way_out_and_no_ipv6_one_is_low()
    {
        var appC = Id("rtb-app-c");
        var report = AuditWith(r => r with
        {
            RouteTables = r.RouteTables.Select(t => t.RouteTableId != appC ? t : t with { Routes = t.Routes.Where(x => x.DestinationIpv6CidrBlock != "::/0").ToArray() }).ToArray(),
        });
        var f = report.Of("Route.Ipv4Ipv6Parity", Id("subnet", "app-c")).Single();
        Assert.Equal(Severity.Low, f.Severity);
        Assert.Contains("none to the IPv6 internet", f.Detail);
        Assert.Contains("no route for ::/0", f.Rule);
    }

    [Fact]
    public void An_ipv6_route_to_the_igw_where_ipv4_goes_through_nat_names_the_interfaces_that_become_public()
    {
        var appA = Id("rtb-app-a");
        var report = AuditWith(r => r with
        {
            RouteTables = r.RouteTables.Select(t => t.RouteTableId != appA ? t : t with
            {
                Routes = t.Routes.Select(x => x.DestinationIpv6CidrBlock == "::/0" ? new Route { DestinationIpv6CidrBlock = "::/0", GatewayId = Id("igw"), State = "active" } : x).ToArray(),
            }).ToArray(),
        });
        var f = report.Of("Route.Ipv4Ipv6Parity", Id("subnet", "app-a")).Single();
        Assert.Equal(Severity.High, f.Severity);
        Assert.Contains(Id("eni", "app-1"), f.Detail);
    }

    [Fact]
    public void Subnets_without_ipv6_are_not_judged_and_without_route_tables_the_check_does_not_run()
    {
        Assert.Empty(Audit.Of("Route.Ipv4Ipv6Parity", Id("subnet", "db-a")));
        var report = AuditWith(r => r.Without(Section.RouteTables));
        Assert.Empty(report.Of("Route.Ipv4Ipv6Parity"));
        Assert.Contains("Route.Ipv4Ipv6Parity", report.Of("Audit.ChecksNotRun").Single().ChecksNotRun);
    }
}
