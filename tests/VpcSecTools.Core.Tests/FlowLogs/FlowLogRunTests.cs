using System.Text.Json;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The one local run both front ends use (<see cref="FlowLogRun"/>), driven through vpcsec: values that would widen the
/// question are refused, a typo in a group-by field is one error before anything is read, -Top ranks the NAT totals,
/// and groups that do not say which VPC saw them are attributed from the VPC the question names.
/// </summary>
public class FlowLogRunTests
{
    private static readonly string DemoLogs = Path.Combine(TestPaths.Demo, "flowlogs");
    private static string V2 => FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log");

    [Theory]
    [InlineData("--destination-port", "")]
    [InlineData("--source-address", "10.0.0.0/8,")]
    [InlineData("--interface-id", " ")]
    public void An_empty_filter_value_is_refused_not_dropped(string option, string value)
    {
        var (exit, stdout, stderr) = CliRunner.Run("flowlogs", "query", V2, option, value, "--count");
        Assert.Equal((2, ""), (exit, stdout));
        Assert.StartsWith("vpcsec: InvalidArgument: an empty ", stderr);
    }

    [Fact]
    public void An_unknown_vpc_id_is_vpc_not_found_with_paths_as_without()
    {
        foreach (var paths in new[] { new[] { DemoLogs }, Array.Empty<string>() })
        {
            var (exit, _, stderr) = CliRunner.Run(["flowlogs", "query", .. paths, "--snapshot", TestPaths.Demo, "--vpc-id", "vpc-0123456789abcdef0", "--count"]);
            Assert.Equal(2, exit);
            Assert.StartsWith("vpcsec: VpcNotFound:", stderr);
            Assert.Contains("vpc-0123456789abcdef0", stderr);
        }
        Assert.Throws<VpcNotInSnapshotException>(() => FlowLogRun.Open(new FlowLogRunRequest { Paths = [V2], Index = FlowLogDestinationTests.Demo },
            new FlowLogQuery { Filter = new FlowFilter { VpcId = ["vpc-0123456789abcdef0"] } }, () => throw new InvalidOperationException(), new FlowLogRunEvents()));
    }

    [Fact]
    public void A_group_by_typo_is_one_error_before_any_file_is_read()
    {
        var (exit, stdout, stderr) = CliRunner.Run("flowlogs", "query", Path.Combine(TestPaths.Fixtures, "flowlogs"), "--group-by", "srcadr");
        Assert.Equal((2, ""), (exit, stdout));
        Assert.Equal("vpcsec: InvalidArgument: 'srcadr' is not a flow-log field (such as srcaddr, dstport, interface-id, or a field of the format given)", stderr.Trim());
        // A field the given format names is fine, known or not.
        var (ok, _, _) = CliRunner.Run("flowlogs", "query", V2, "--log-format", "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action resource-x",
            "--group-by", "resource-x", "--count");
        Assert.Equal(0, ok);
    }

    [Theory]
    [InlineData("--bin", "99999999999d", "too long a duration")]
    [InlineData("--last", "99999999999d", "too long a duration")]
    [InlineData("--last", "7", "'7' is not a positive duration")]
    [InlineData("--last", "3000000d", "reaches back before the year 1")]
    public void Durations_out_of_range_name_the_value(string option, string value, string expected)
    {
        var (exit, _, stderr) = CliRunner.Run("flowlogs", "query", V2, option, value, "--group-by", "action");
        Assert.Equal(2, exit);
        Assert.StartsWith("vpcsec: InvalidArgument: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.Contains(value, stderr);
    }

    [Fact]
    public void Top_ranks_the_nat_totals()
    {
        var (exit, stdout, stderr) = CliRunner.Run("flowlogs", "query", DemoLogs, "--snapshot", TestPaths.Demo, "--through-nat-gateway", "--top", "2", "--format", "json");
        Assert.Equal((0, ""), (exit, stderr));
        var totals = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, totals.Count);
        Assert.True(totals[0].GetProperty("Bytes").GetInt64() >= totals[1].GetProperty("Bytes").GetInt64());
    }

    [Fact]
    public void Groups_without_an_interface_are_seen_from_the_vpc_the_question_names_or_a_warning_says_from_where()
    {
        AddressAttribution Monitoring(FlowFilter filter, List<string> warnings)
        {
            var query = new FlowLogQuery { Filter = filter with { DestinationAddress = [Net.Cidr.Parse("10.0.20.77")] }, GroupBy = ["srcaddr"] };
            using var run = FlowLogRun.Open(new FlowLogRunRequest { Paths = [DemoLogs], Index = FlowLogDestinationTests.Demo }, query,
                () => throw new InvalidOperationException(), new FlowLogRunEvents { Warning = warnings.Add });
            var attribution = run.Attribution();
            var group = run.Aggregate().Groups.Single(g => g.Values[0] == "10.100.1.25");
            return attribution.Of(group)[0]!;
        }
        var warnings = new List<string>();
        var fromProd = Monitoring(new FlowFilter { VpcId = [FlowLogDestinationTests.ProdVpc] }, warnings);
        Assert.Equal((AttributionScope.PeeredVpc, FlowLogDestinationTests.ProdVpc), (fromProd.Scope, fromProd.FromVpcId));
        Assert.Empty(warnings);

        var unsaid = Monitoring(new FlowFilter(), warnings);
        Assert.Equal((AttributionScope.ThisVpc, FlowLogDestinationTests.SharedVpc), (unsaid.Scope, unsaid.FromVpcId));
        Assert.Contains("the groups do not say which VPC saw them", Assert.Single(warnings));
    }
}
