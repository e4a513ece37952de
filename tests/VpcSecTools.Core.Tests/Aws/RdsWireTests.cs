using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Rds;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The RDS Query client (DescribeDBSubnetGroups) on AWSSDK.Core's pipeline, and the capture that calls it, against RDS's
/// XML answers served from 127.0.0.1: the demo network's DB subnet groups one per page (tests/fixtures/rds-wire, made by
/// tools/ec2-wire-fixtures.py from the botocore RDS model).
/// </summary>
public class RdsWireTests
{
    private static string Page(int i) => File.ReadAllText(Path.Combine(TestPaths.Fixtures, "rds-wire", $"DescribeDBSubnetGroups.page{i}.xml"));

    private static ReplayResponse Pages(RecordedRequest r) => ReplayResponse.Ok(r["Marker"] switch
    {
        null => Page(1),
        "page-2-marker" => Page(2),
        var m => throw new InvalidOperationException("unexpected marker " + m),
    });

    /// <summary>RDS's error body: <c>&lt;ErrorResponse&gt;&lt;Error&gt;</c> with Type, Code and Message, then RequestId.</summary>
    private static ReplayResponse RdsError(int status, string code) => new(status,
        $"<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code} on the loopback server</Message></Error><RequestId>00000000-0000-0000-0000-0000000000rd</RequestId></ErrorResponse>");

    private static JsonArray DemoGroups() =>
        (JsonArray)JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "aws_configs", "us-east-1", "DBSubnetGroups.json")))!["DBSubnetGroups"]!;

    private static RdsClient Client(Ec2ReplayServer server)
    {
        var connection = Ec2Wire.Connection(server);
        connection.MaxErrorRetry = 1;
        return new RdsClient(connection, Ec2Wire.Region);
    }

    [Fact]
    public async Task Pages_follow_the_marker_and_read_as_the_aws_cli_prints_the_groups()
    {
        using var server = new Ec2ReplayServer(Pages);
        using var rds = Client(server);
        var groups = await rds.DescribeDBSubnetGroupsAsync(default);

        var expected = DemoGroups();
        Assert.Equal(expected.Count, groups.Count);
        for (int i = 0; i < groups.Count; i++) Assert.True(JsonNode.DeepEquals(expected[i], groups[i]), $"{groups[i]}\nis not\n{expected[i]}");
        Assert.Equal(2, rds.Calls);
        var signature = new Regex(@"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{8}/us-east-2/rds/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$");
        Assert.All(server.Requests, r =>
        {
            Assert.Equal(("POST", "DescribeDBSubnetGroups", "2014-10-31", "100"), (r.Method, r.Action, r["Version"], r["MaxRecords"]));
            Assert.Matches(signature, r.Headers["Authorization"]);
            Assert.StartsWith("application/x-www-form-urlencoded", r.Headers["Content-Type"]);
        });
        Assert.Equal([null, "page-2-marker"], server.Requests.Select(r => r["Marker"]));
    }

    [Fact]
    public async Task Throttling_is_retried_by_the_SDK_then_the_answer_is_whole()
    {
        int calls = 0;
        using var server = new Ec2ReplayServer(r => r["Marker"] is null && Interlocked.Increment(ref calls) == 1 ? RdsError(400, "Throttling") : Pages(r));
        using var rds = Client(server);
        Assert.Equal(DemoGroups().Count, (await rds.DescribeDBSubnetGroupsAsync(default)).Count);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task Access_denied_names_the_iam_action()
    {
        using var server = new Ec2ReplayServer(_ => RdsError(403, "AccessDenied"));
        using var rds = Client(server);
        var e = await Assert.ThrowsAsync<AwsAccessDeniedException>(() => rds.DescribeDBSubnetGroupsAsync(default));
        Assert.Equal(("rds:DescribeDBSubnetGroups", "DescribeDBSubnetGroups"), (e.IamAction, e.Operation));
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task A_repeated_marker_or_a_cut_body_is_a_malformed_response_not_a_loop_or_a_partial_list()
    {
        using (var server = new Ec2ReplayServer(_ => ReplayResponse.Ok(Page(1))))
        using (var rds = Client(server))
            Assert.Contains("Marker 'page-2-marker' was returned twice", (await Assert.ThrowsAsync<AwsMalformedResponseException>(() => rds.DescribeDBSubnetGroupsAsync(default))).Message);
        var page = Page(1);
        using (var server = new Ec2ReplayServer(_ => ReplayResponse.Ok(page[..(page.Length / 2)])))
        using (var rds = Client(server))
            Assert.Equal("DescribeDBSubnetGroups", (await Assert.ThrowsAsync<AwsMalformedResponseException>(() => rds.DescribeDBSubnetGroupsAsync(default))).Operation);
    }

    [Fact]
    public async Task A_capture_holds_the_groups_of_its_vpcs_only_since_the_api_cannot_filter()
    {
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == RdsClient.DescribeDBSubnetGroups ? Pages(r) : null);
        var all = (await Ec2Wire.Capture(server)).Snapshot.Regions.Single();
        Assert.Equal(DemoGroups().Select(g => (string)g!["DBSubnetGroupName"]!).Order(StringComparer.Ordinal), all.DBSubnetGroups.Select(g => g.DBSubnetGroupName));
        Assert.Equal("us-east-1c", all.DBSubnetGroups.Single(g => g.DBSubnetGroupName == "prod-db-migration").Subnets[0].SubnetAvailabilityZone!.Name);

        using var filtered = Ec2Wire.Serve("test-nat-gateway", r => r.Action == RdsClient.DescribeDBSubnetGroups ? Pages(r) : null);
        var one = (await Ec2Wire.Capture(filtered, new InventoryRequest { VpcIds = ["vpc-0008a7b45e3ddf1dd"] })).Snapshot.Regions.Single();
        Assert.True(one.Has(Section.DBSubnetGroups));
        Assert.Empty(one.DBSubnetGroups);
    }

    [Fact]
    public async Task Denied_rds_leaves_only_its_section_missing_and_the_audit_says_which_checks_did_not_run()
    {
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == RdsClient.DescribeDBSubnetGroups ? RdsError(403, "AccessDenied") : null);
        var result = await Ec2Wire.Capture(server);

        var fault = Assert.IsType<AwsAccessDeniedException>(Assert.Single(result.Faults));
        Assert.Equal("rds:DescribeDBSubnetGroups", fault.IamAction);
        var region = result.Snapshot.Regions.Single();
        Assert.Equal((Section.DBSubnetGroups, "AccessDenied"), (region.MissingSections.Single().Section, region.MissingSections.Single().ErrorCode));
        Assert.All(Section.All.Where(s => s.Key != Section.DBSubnetGroups), s => Assert.True(region.Has(s.Key)));
        var gap = OpenPortAudit.Run(new SnapshotIndex(result.Snapshot)).Findings.Single(f => f.CheckId == "Audit.ChecksNotRun");
        Assert.Contains("RDS.SubnetGroupPublicSubnet", gap.ChecksNotRun);
        Assert.Contains("DBSubnetGroups: AccessDenied", gap.MissingData);
    }
}
