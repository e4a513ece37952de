using VpcSecTools.Endpoints;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Endpoints.PlanScenario;

namespace VpcSecTools.Tests.Endpoints;

public class EndpointPlannerTests
{
    [Fact]
    public void Same_region_s3_gets_a_gateway_endpoint_on_exactly_the_sending_route_tables_including_the_main_table()
    {
        var plan = Plan(Index(), Month(From(SubnetA, "S3", "us-east-1", 100), From(SubnetC, "S3", "us-east-1", 50)));

        var r = Assert.Single(plan.Recommendations);
        Assert.Equal(EndpointAction.CreateGatewayEndpoint, r.Action);
        Assert.Equal("com.amazonaws.us-east-1.s3", r.ServiceName);
        Assert.Equal([RtbA, RtbMain], r.RouteTableIds);
        Assert.Equal([SubnetA, SubnetC], r.SourceSubnetIds);
        Assert.Equal(150m, r.ObservedGbPerMonth);
        Assert.Equal(150m * 0.045m, r.SavingPerMonth);
        Assert.Equal(0m, r.EndpointCostPerMonth);
        // The main table serves c and d implicitly: associating it moves d's S3 traffic too, and the plan says so.
        Assert.Contains(r.Reasons, x => x.Contains(RtbMain) && x.Contains(SubnetC) && x.Contains(SubnetD));
        Assert.DoesNotContain(RtbB, r.RouteTableIds);
    }

    [Fact]
    public void S3_in_another_region_is_not_gateway_eligible()
    {
        var plan = Plan(Index(), Month(From(SubnetA, "S3", "us-west-2", 500), From(SubnetB, "S3", "us-east-1", 10)));

        var r = Assert.Single(plan.Recommendations);
        Assert.Equal([RtbB], r.RouteTableIds);
        Assert.Equal(10m, r.ObservedGbPerMonth);
        var cross = Assert.Single(plan.Traffic, t => t.DestinationRegion == "us-west-2");
        Assert.Equal(TrafficDisposition.CrossRegion, cross.Disposition);
        Assert.Equal(500m, cross.GbPerMonth);
        Assert.Equal(500m * 0.045m, cross.NatCostPerMonth);
    }

    [Fact]
    public void Traffic_from_outside_the_vpc_never_makes_a_gateway_endpoint()
    {
        var onPrem = new NatTraffic(Nat, null, "192.168.7.9", "S3", "us-east-1", Bytes(300));
        var plan = Plan(Index(), Month(onPrem));
        Assert.Empty(plan.Recommendations);
        Assert.Equal(TrafficDisposition.NoEndpoint, Assert.Single(plan.Traffic).Disposition);

        // Mixed: only the in-VPC part moves, and the rest is named in the reasons.
        plan = Plan(Index(), Month(onPrem, new NatTraffic(Nat, null, "10.0.2.15", "S3", "us-east-1", Bytes(20))));
        var r = Assert.Single(plan.Recommendations);
        Assert.Equal([RtbB], r.RouteTableIds);
        Assert.Equal(20m, r.ObservedGbPerMonth);
        Assert.Contains(r.Reasons, x => x.Contains("300") && x.Contains("outside the VPC"));
    }

    [Fact]
    public void Existing_gateway_endpoint_missing_a_sending_route_table_is_a_finding_and_only_that_table_is_added()
    {
        var index = Index(Gateway("vpce-s3", "com.amazonaws.us-east-1.s3", RtbA));
        var plan = Plan(index, Month(From(SubnetA, "S3", "us-east-1", 5), From(SubnetB, "S3", "us-east-1", 40)));

        var finding = Assert.Single(plan.Findings, f => f.Kind == EndpointFinding.GatewayEndpointMissingRouteTable);
        Assert.Equal("vpce-s3", finding.VpcEndpointId);
        Assert.Equal([RtbB], finding.Resources);
        var r = Assert.Single(plan.Recommendations);
        Assert.Equal(EndpointAction.AddRouteTables, r.Action);
        Assert.Equal("vpce-s3", r.VpcEndpointId);
        Assert.Equal([RtbB], r.RouteTableIds);
        Assert.Equal(40m, r.ObservedGbPerMonth);
    }

    [Fact]
    public void Existing_endpoints_are_not_recommended_again()
    {
        var index = Index(Gateway("vpce-ddb", "com.amazonaws.us-east-1.dynamodb", RtbA, RtbB, RtbMain),
            Interface("vpce-sqs", "com.amazonaws.us-east-1.sqs", "eni-sqs-a", "eni-sqs-b"));
        var plan = Plan(index, Month(From(SubnetA, "DYNAMODB", "us-east-1", 900), From(SubnetA, "sqs", "us-east-1", 5000, ServiceNamedBy.Given)));

        Assert.Empty(plan.Recommendations);
        Assert.All(plan.Traffic, t => Assert.Equal(TrafficDisposition.ExistingEndpoint, t.Disposition));
        Assert.DoesNotContain(plan.Findings, f => f.Kind == EndpointFinding.GatewayEndpointMissingRouteTable);
    }

    [Fact]
    public void Interface_endpoint_without_traffic_is_a_finding_and_one_with_traffic_is_not()
    {
        var index = Index(Interface("vpce-kms", "com.amazonaws.us-east-1.kms", "eni-k1", "eni-k2"),
            Interface("vpce-ssm", "com.amazonaws.us-east-1.ssm", "eni-s1", "eni-s2"));
        var traffic = Month(From(SubnetA, "S3", "us-east-1", 1)) with
        {
            BytesByInterface = new Dictionary<string, long> { ["eni-s2"] = 4096, ["eni-other"] = 1 },
        };
        var plan = Plan(index, traffic);
        var idle = Assert.Single(plan.Findings, f => f.Kind == EndpointFinding.InterfaceEndpointWithoutTraffic);
        Assert.Equal("vpce-kms", idle.VpcEndpointId);
        Assert.Equal(["eni-k1", "eni-k2"], idle.Resources);
    }

    [Fact]
    public void Idle_endpoints_are_not_judged_without_per_eni_counts_or_a_covering_flow_log()
    {
        var plan = Plan(Index(Interface("vpce-kms", "com.amazonaws.us-east-1.kms", "eni-k1")), Month(From(SubnetA, "S3", "us-east-1", 1)));
        Assert.DoesNotContain(plan.Findings, f => f.Kind == EndpointFinding.InterfaceEndpointWithoutTraffic);
        Assert.Contains(plan.Notes, n => n.Contains("idle interface endpoints not checked"));
    }

    [Theory]
    [InlineData(364, false)]
    [InlineData(365, false)] // exactly break-even: saves nothing, so not recommended
    [InlineData(366, true)]
    public void Interface_endpoint_is_recommended_only_above_break_even(int gb, bool recommended)
    {
        // NAT 0.05/GB, endpoint 0.01/GB + 0.01/h per AZ: two AZs break even at 2 * 730 * 0.01 / 0.04 = 365 GB.
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("prices.json"), """
            { "source": "test", "regions": { "us-east-1": { "natGatewayHourly": 0.05, "natGatewayPerGb": 0.05,
              "interfaceEndpointHourlyPerAz": 0.01, "interfaceEndpointPerGbTiers": [ { "price": 0.01 } ] } } }
            """);
        var prices = PriceTable.LoadOrBundled(dir.File("prices.json"));
        var half = gb / 2m;
        var plan = Plan(Index(), Month(From(SubnetA, "sqs", "us-east-1", half, ServiceNamedBy.Given),
            From(SubnetB, "sqs", "us-east-1", gb - half, ServiceNamedBy.Given)), prices);

        var group = Assert.Single(plan.Traffic);
        Assert.Equal(recommended ? TrafficDisposition.InterfaceEndpoint : TrafficDisposition.BelowBreakEven, group.Disposition);
        Assert.Equal(recommended, plan.Recommendations.Count == 1);
        if (!recommended) return;
        var r = plan.Recommendations[0];
        Assert.Equal(365m, r.BreakEvenGbPerMonth);
        Assert.Equal(gb * 0.05m, r.NatCostPerMonth);
        Assert.Equal(2 * 730 * 0.01m + gb * 0.01m, r.EndpointCostPerMonth);
        Assert.Equal(r.NatCostPerMonth - r.EndpointCostPerMonth, r.SavingPerMonth);
        Assert.Equal(PlanConfidence.Medium, r.Confidence); // a month observed, but within 25% of break-even
    }

    [Fact]
    public void Us_east_1_break_even_is_about_209_gb_per_az()
    {
        var price = PriceTable.Bundled().For("us-east-1");
        Assert.Equal(730m * 0.01m / 0.035m, EndpointPlanner.InterfaceBreakEvenGb(price, 730, 1));
        Assert.InRange(EndpointPlanner.InterfaceBreakEvenGb(price, 730, 1)!.Value, 208.5m, 208.6m);
        Assert.Equal(2 * EndpointPlanner.InterfaceBreakEvenGb(price, 730, 1), EndpointPlanner.InterfaceBreakEvenGb(price, 730, 2));
    }

    [Fact]
    public void Interface_endpoint_goes_in_one_client_subnet_per_az_with_443_from_the_clients_and_dns_unknown()
    {
        var plan = Plan(Index(), Month(From(SubnetA, "sqs", "us-east-1", 300, ServiceNamedBy.Given),
            From(SubnetC, "sqs", "us-east-1", 900, ServiceNamedBy.Given), From(SubnetB, "sqs", "us-east-1", 200, ServiceNamedBy.Given)));

        var r = Assert.Single(plan.Recommendations);
        Assert.Equal(EndpointAction.CreateInterfaceEndpoint, r.Action);
        Assert.Equal("com.amazonaws.us-east-1.sqs", r.ServiceName);
        Assert.Equal(["us-east-1a", "us-east-1b"], r.AvailabilityZones);
        Assert.Equal([SubnetC, SubnetB], r.SubnetIds); // c sends more than a in 1a
        Assert.Equal("tcp", r.SecurityGroupRule!.Protocol);
        Assert.Equal(443, r.SecurityGroupRule.Port);
        Assert.Equal(["10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24"], r.SecurityGroupRule.SourceCidrs);
        Assert.StartsWith("unknown", r.PrivateDns);
        Assert.Contains("describe-vpc-attribute", r.PrivateDns);
        Assert.Equal(PlanConfidence.High, r.Confidence);
        Assert.Equal(Math.Round(1400 * 0.045m - (2 * 730 * 0.01m + 1400 * 0.01m), 2), r.SavingPerMonth);
    }

    [Fact]
    public void Amazon_only_traffic_is_reported_unnamed_with_what_would_name_it()
    {
        var plan = Plan(Index(), Month(From(SubnetA, "AMAZON", "us-east-1", 2000), From(SubnetA, "EC2", "us-east-1", 3)));
        Assert.Empty(plan.Recommendations);
        var unnamed = Assert.Single(plan.Traffic, t => t.Service == "AMAZON");
        Assert.Equal(TrafficDisposition.Unnamed, unnamed.Disposition);
        Assert.Contains("query logs", unnamed.Reason);
        Assert.Equal(TrafficDisposition.NoEndpoint, Assert.Single(plan.Traffic, t => t.Service == "EC2").Disposition);
    }

    [Fact]
    public void Observed_window_is_scaled_to_a_month_and_its_length_sets_the_confidence()
    {
        var day = Plan(Index(), Window(24, From(SubnetA, "S3", "us-east-1", 10)));
        Assert.Equal(730m / 24m, day.MonthlyFactor);
        var r = Assert.Single(day.Recommendations);
        Assert.Equal(Math.Round(10m * 730m / 24m, 2), r.ObservedGbPerMonth);
        Assert.Equal(PlanConfidence.Medium, r.Confidence);
        Assert.Equal(PlanConfidence.Low, Plan(Index(), Window(6, From(SubnetA, "S3", "us-east-1", 10))).Recommendations[0].Confidence);
        Assert.Throws<ArgumentException>(() => Plan(Index(), Window(0, From(SubnetA, "S3", "us-east-1", 10))));
    }

    [Fact]
    public void A_region_without_prices_is_named_not_guessed()
    {
        var plan = Plan(Index("me-central-1"), Month(From(SubnetA, "S3", "me-central-1", 10)));
        Assert.Empty(plan.Recommendations);
        Assert.Contains(plan.Notes, n => n.Contains("me-central-1"));
        var e = Assert.Throws<PriceTableException>(() => PriceTable.Bundled().For("me-central-1"));
        Assert.Contains("me-central-1", e.Message);
    }

    [Fact]
    public void Unknown_nat_gateway_is_left_out_with_a_note()
    {
        var plan = Plan(Index(), Month(new NatTraffic("nat-gone", SubnetA, null, "S3", "us-east-1", 1234)));
        Assert.Empty(plan.Traffic);
        Assert.Contains(plan.Notes, n => n.Contains("nat-gone") && n.Contains("1234"));
    }

    [Fact]
    public void Main_table_subnet_of_the_demo_network_adds_the_main_table_to_the_existing_s3_endpoint()
    {
        // samples/demo: the S3 gateway endpoint is on rtb-app-a and rtb-app-b; db-c uses the main table implicitly.
        var index = new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo));
        var nat = index.NatGateways.Keys.Order(StringComparer.Ordinal).First();
        const string dbC = "subnet-0ada3c6a81d50eb15", main = "rtb-01ffbf44e064bc2a5";
        Assert.Equal((main, false), (index.RouteTableOf(dbC).Table!.RouteTableId, index.RouteTableOf(dbC).Explicit));
        var existing = index.VpcEndpoints.Values.Single(e => e.ServiceName == "com.amazonaws.us-east-1.s3");

        var plan = EndpointPlanner.Plan(index, Month(new NatTraffic(nat, dbC, null, "S3", "us-east-1", Bytes(50))), PriceTable.Bundled());

        var r = Assert.Single(plan.Recommendations);
        Assert.Equal(EndpointAction.AddRouteTables, r.Action);
        Assert.Equal(existing.VpcEndpointId, r.VpcEndpointId);
        Assert.Equal([main], r.RouteTableIds);
        Assert.DoesNotContain(main, existing.RouteTableIds);
        Assert.Contains(r.Reasons, x => x.Contains("main route table") && x.Contains(dbC));
        Assert.Equal(main, Assert.Single(Assert.Single(plan.Findings).Resources));
    }
}
