using System.Text.RegularExpressions;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Ec2;
using VpcSecTools.Aws.Rds;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The real client stack (AWSSDK.EC2 and its paginators, the reading of its objects by name, the inventory) against
/// recorded EC2 responses served from 127.0.0.1.
/// </summary>
public class Ec2InventoryWireTests
{
    public static TheoryData<string> Scenarios => new() { "test-transit-gateway", "test-vpc-peering", "test-nat-gateway" };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Live_capture_equals_the_snapshot_loaded_from_the_same_describe_outputs(string scenario)
    {
        using var server = Ec2Wire.Serve(scenario);
        var live = await Ec2Wire.Capture(server);
        var offline = SnapshotLoader.Load(Ec2Wire.Describe(scenario));

        Assert.Empty(live.Faults);
        Assert.Equal(Ec2Wire.Canonical(offline), Ec2Wire.Canonical(live.Snapshot));
        var region = Assert.Single(live.Snapshot.Regions);
        Assert.Equal(Ec2Wire.Region, region.Region);
        Assert.All(Section.All, s => Assert.True(region.Has(s.Key), $"{s.Key} not captured"));
        Assert.Equal(server.Requests.Count, live.Calls);
    }

    [Fact]
    public async Task Every_request_is_a_signed_EC2_Query_call_at_the_APIs_largest_page()
    {
        using var server = Ec2Wire.Serve("test-transit-gateway");
        await Ec2Wire.Capture(server);

        // 21 top-level calls, plus 4 for the one TGW route table; no prefix lists in this account; and RDS's one call.
        Assert.Equal(26, server.Requests.Count);
        Assert.Equal("2014-10-31", Assert.Single(server.Requests, r => r.Action == RdsClient.DescribeDBSubnetGroups)["Version"]);
        var requests = server.Requests.Where(r => r.Action != RdsClient.DescribeDBSubnetGroups).ToArray();
        var signature = new Regex(@"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/us-east-2/ec2/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$");
        foreach (var request in requests)
        {
            Assert.Equal("POST", request.Method);
            Assert.Equal("2016-11-15", request["Version"]);
            Assert.Matches(signature, request.Headers["Authorization"]);
            Assert.StartsWith("application/x-www-form-urlencoded", request.Headers["Content-Type"]);
            var operation = Ec2Operations.All.Single(o => o.Name == request.Action);
            Assert.Equal(operation.MaxResults?.ToString(), request["MaxResults"]);
            Assert.Null(request["NextToken"]);
        }
        var searches = requests.Where(r => r.Action == "SearchTransitGatewayRoutes").ToArray();
        Assert.Equal(["propagated", "static"], searches.Select(r => r["Filter.1.Value.1"]).Order());
        Assert.All(searches, r => Assert.Equal("type", r["Filter.1.Name"]));
        Assert.All(searches, r => Assert.Equal("tgw-rtb-0fa40c8df355dce6e", r["TransitGatewayRouteTableId"]));
    }

    [Fact]
    public async Task Vpc_filter_goes_into_each_call_and_the_number_of_calls_does_not_grow_with_VPCs()
    {
        using var one = Ec2Wire.Serve("test-vpc-peering");
        await Ec2Wire.Capture(one, new InventoryRequest { VpcIds = ["vpc-a"] });
        using var three = Ec2Wire.Serve("test-vpc-peering");
        await Ec2Wire.Capture(three, new InventoryRequest { VpcIds = ["vpc-a", "vpc-b", "vpc-c"] });

        Assert.Equal(one.Requests.Count, three.Requests.Count);
        var byAction = three.Requests.ToLookup(r => r.Action);
        var vpcs = Assert.Single(byAction["DescribeVpcs"]);
        Assert.Equal("vpc-id", vpcs["Filter.1.Name"]);
        Assert.Equal(["vpc-a", "vpc-b", "vpc-c"], [vpcs["Filter.1.Value.1"]!, vpcs["Filter.1.Value.2"]!, vpcs["Filter.1.Value.3"]!]);
        Assert.Equal("attachment.vpc-id", Assert.Single(byAction["DescribeInternetGateways"])["Filter.1.Name"]);
        Assert.Equal("resource-id", Assert.Single(byAction["DescribeFlowLogs"])["Filter.1.Name"]);
        // Peering: requester OR accepter needs two calls (EC2 ANDs different filter names).
        Assert.Equal(["accepter-vpc-info.vpc-id", "requester-vpc-info.vpc-id"], byAction["DescribeVpcPeeringConnections"].Select(r => r["Filter.1.Name"]!).Order());
        // No VPC filter in the API: the whole region.
        Assert.Null(Assert.Single(byAction["DescribeEgressOnlyInternetGateways"])["Filter.1.Name"]);
        Assert.Null(Assert.Single(byAction["DescribeTransitGateways"])["Filter.1.Name"]);
    }

    [Fact]
    public async Task Pages_are_followed_by_NextToken_across_three_pages()
    {
        var pages = Path.Combine(Ec2Wire.Root, "paging");
        using var server = Ec2Wire.Serve("test-vpc-peering", r => r.Action != "DescribeSecurityGroups" ? null
            : ReplayResponse.Ok(File.ReadAllText(Path.Combine(pages, r["NextToken"] switch
            {
                null => "DescribeSecurityGroups.page1.xml",
                "page-2-token" => "DescribeSecurityGroups.page2.xml",
                "page-3-token" => "DescribeSecurityGroups.page3.xml",
                var t => throw new InvalidOperationException("unexpected token " + t),
            }))));
        var result = await Ec2Wire.Capture(server);

        var calls = server.Requests.Where(r => r.Action == "DescribeSecurityGroups").ToArray();
        Assert.Equal([null, "page-2-token", "page-3-token"], calls.Select(r => r["NextToken"]).OrderBy(t => t, StringComparer.Ordinal));
        Assert.All(calls, r => Assert.Equal("1000", r["MaxResults"]));
        var expected = SnapshotLoader.Load(Path.Combine(TestPaths.Batfish("test-vpc-peering"), "SecurityGroups.json")).Regions[0].SecurityGroups;
        Assert.Equal(6, expected.Count);
        Assert.Equal(expected.Select(g => g.GroupId), result.Snapshot.Regions[0].SecurityGroups.Select(g => g.GroupId));
    }

    [Fact]
    public async Task Throttling_is_retried_by_the_SDK_policy_then_succeeds()
    {
        int throttled = 0;
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeVpcs" && Interlocked.Increment(ref throttled) <= 2
            ? ReplayResponse.Error(503, "RequestLimitExceeded", "Request limit exceeded.")
            : null);
        var result = await Ec2Wire.Capture(server);

        var attempts = server.Requests.Where(r => r.Action == "DescribeVpcs").ToArray();
        Assert.Equal(3, attempts.Length);
        Assert.Contains(attempts, r => r.Headers["amz-sdk-request"].StartsWith("attempt=3"));
        Assert.Empty(result.Faults);
        Assert.Single(result.Snapshot.Regions[0].Vpcs);
    }

    [Fact]
    public async Task Access_denied_on_one_operation_names_the_IAM_action_and_marks_only_that_section_missing()
    {
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeFlowLogs"
            ? ReplayResponse.Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.")
            : null);
        var result = await Ec2Wire.Capture(server);

        var fault = Assert.IsType<AwsAccessDeniedException>(Assert.Single(result.Faults));
        Assert.Equal("ec2:DescribeFlowLogs", fault.IamAction);
        Assert.Contains("ec2:DescribeFlowLogs", fault.Message);
        var region = result.Snapshot.Regions[0];
        var missing = Assert.Single(region.MissingSections);
        Assert.Equal((Section.FlowLogs, "UnauthorizedOperation"), (missing.Section, missing.ErrorCode));
        Assert.False(region.Has(Section.FlowLogs));
        Assert.All(Section.All.Where(s => s.Key != Section.FlowLogs), s => Assert.True(region.Has(s.Key)));
        Assert.Single(region.Vpcs);
        using var temp = new TestPaths.TempDir();
        SnapshotFile.Write(result.Snapshot, temp.File("denied.json"));
        Assert.Equal("UnauthorizedOperation", Assert.Single(SnapshotLoader.Load(temp.File("denied.json")).Regions[0].MissingSections).ErrorCode);
    }

    [Fact]
    public async Task A_truncated_body_is_an_error_naming_the_operation_and_the_section_is_missing_not_empty()
    {
        var full = File.ReadAllText(Path.Combine(Ec2Wire.Xml("test-nat-gateway"), "DescribeSubnets.xml"));
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeSubnets" ? ReplayResponse.Ok(full[..(full.Length / 2)]) : null);
        var result = await Ec2Wire.Capture(server);

        var fault = Assert.IsType<AwsMalformedResponseException>(Assert.Single(result.Faults));
        Assert.Equal("DescribeSubnets", fault.Operation);
        Assert.Contains("DescribeSubnets", fault.Message);
        var region = result.Snapshot.Regions[0];
        Assert.False(region.Has(Section.Subnets));
        Assert.Empty(region.Subnets);
        Assert.Equal("MalformedResponse", Assert.Single(region.MissingSections).ErrorCode);
    }

    [Fact]
    public async Task A_value_that_does_not_fit_the_model_is_a_malformed_response()
    {
        var xml = File.ReadAllText(Path.Combine(Ec2Wire.Xml("test-nat-gateway"), "DescribeSubnets.xml"))
            .Replace("<defaultForAz>false</defaultForAz>", "<defaultForAz>maybe</defaultForAz>");
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeSubnets" ? ReplayResponse.Ok(xml) : null);
        var result = await Ec2Wire.Capture(server);

        var fault = Assert.IsType<AwsMalformedResponseException>(Assert.Single(result.Faults));
        // The SDK's XML readers do not say which element they were on: the shape and the value name it.
        Assert.Equal("DescribeSubnets", fault.Operation);
        Assert.Contains("in a Subnet: String 'maybe' was not recognized as a valid Boolean", fault.Message);
        Assert.False(result.Snapshot.Regions[0].Has(Section.Subnets));
    }

    [Theory]
    [InlineData("ExpiredToken", 400)]
    [InlineData("OptInRequired", 401)]
    [InlineData("AuthFailure", 401)]
    public async Task Unusable_credentials_or_region_give_one_clear_error(string code, int status)
    {
        using var server = Ec2Wire.Serve("test-nat-gateway", _ => ReplayResponse.Error(status, code, "The security token included in the request is expired"));
        var error = await Assert.ThrowsAsync<AwsAuthenticationException>(() => Ec2Wire.Capture(server));

        Assert.Equal(code, error.ErrorCode);
        Assert.Contains(Ec2Wire.Region, error.Message);
        Assert.Equal(VpcSecTools.Errors.ErrorCatalog.AwsAuthenticationFailed, VpcSecTools.Errors.ErrorCatalog.Classify(error).ErrorId);
    }

    [Fact]
    public async Task All_regions_come_from_DescribeRegions_and_are_captured_in_parallel()
    {
        const string regions = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo>
            <item><regionName>us-east-2</regionName><regionEndpoint>ec2.us-east-2.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
            <item><regionName>eu-west-1</regionName><regionEndpoint>ec2.eu-west-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item>
            </regionInfo></DescribeRegionsResponse>
            """;
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeRegions" ? ReplayResponse.Ok(regions) : null);
        var progress = new System.Collections.Concurrent.ConcurrentQueue<InventoryProgress>();
        var result = await Ec2Inventory.CaptureAsync(Ec2Wire.Connection(server), new InventoryRequest { AllRegions = true }, progress.Enqueue);

        Assert.Equal(["eu-west-1", "us-east-2"], result.Snapshot.Regions.Select(r => r.Region).Order());
        // Each region's calls are signed for that region.
        Assert.Contains(server.Requests, r => r.Headers["Authorization"].Contains("/eu-west-1/ec2/aws4_request"));
        Assert.Equal(2, progress.Count(p => p.Step == "region"));
        Assert.Contains(progress, p => p.Region == "eu-west-1" && p.Step == Section.SecurityGroups);
    }
}
