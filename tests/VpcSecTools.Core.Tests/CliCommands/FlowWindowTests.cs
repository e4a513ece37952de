using System.CommandLine;
using System.Text.Json;
using VpcSecTools.Cli;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Tests.FlowLogs;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>
/// The flow-log window, one meaning everywhere: the engine's parser (times, durations, what it refuses), and the five vpcsec
/// commands that read flow logs taking the same --since/--until/--last with the same messages and exit codes.
/// </summary>
public sealed class FlowWindowTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    /// <summary>Each command that reads flow logs, with the arguments that make it read the demo's.</summary>
    private static readonly string[][] CommandLines =
    [
        ["flowlogs", "query", Flows, "--count"],
        ["rule-usage", "--snapshot", TestPaths.Demo, Flows],
        ["private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows],
        ["transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows],
        ["endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows],
    ];

    public static TheoryData<string[]> FlowCommands => new(CommandLines);

    private static FlowFilter Window(DateTimeOffset? since = null, DateTimeOffset? until = null, string? last = null) =>
        new FlowQueryArguments { Since = since, Until = until, Last = last }.ToQuery().Filter;

    [Fact]
    public void Last_is_the_span_that_long_up_to_now()
    {
        var before = DateTimeOffset.UtcNow;
        var window = Window(last: "6h");
        var after = DateTimeOffset.UtcNow;
        Assert.InRange(window.Since!.Value, before.AddHours(-6), after.AddHours(-6));
        // The window ends now, so a month is scaled from the 6 hours asked for, not from the last record seen.
        Assert.InRange(window.Until!.Value, before, after);
        Assert.Equal(TimeSpan.FromHours(6), window.Until.Value - window.Since.Value);
    }

    [Fact]
    public void Last_keeps_an_until_given_and_reads_every_duration_form()
    {
        var until = DateTimeOffset.UtcNow.AddDays(-1);
        Assert.Equal(until, Window(until: until, last: "2w").Until);
        foreach (var (text, span) in new[] { ("30m", TimeSpan.FromMinutes(30)), ("1.5h", TimeSpan.FromMinutes(90)), ("7d", TimeSpan.FromDays(7)),
                     ("2w", TimeSpan.FromDays(14)), ("00:05:00", TimeSpan.FromMinutes(5)), (TimeSpan.FromDays(1).ToString(), TimeSpan.FromDays(1)) })
        {
            var w = Window(last: text);
            Assert.Equal(span, w.Until!.Value - w.Since!.Value);
        }
    }

    [Fact]
    public void Since_and_until_are_instants_whatever_offset_they_were_written_in()
    {
        var utc = Window(since: DateTimeOffset.Parse("2026-11-21T06:00:00Z"), until: DateTimeOffset.Parse("2026-11-21T12:00:00Z"));
        var eastern = Window(since: DateTimeOffset.Parse("2026-11-21T01:00:00-05:00"), until: DateTimeOffset.Parse("2026-11-21T07:00:00-05:00"));
        Assert.Equal(utc.Since!.Value.UtcTicks, eastern.Since!.Value.UtcTicks);
        Assert.Equal(utc.Until!.Value.UtcTicks, eastern.Until!.Value.UtcTicks);
    }

    [Theory]
    [InlineData("3x", "'3x' is not a positive duration")]
    [InlineData("7", "'7' is not a positive duration")]
    [InlineData("0m", "'0m' is not a positive duration")]
    [InlineData("-1h", "'-1h' is not a positive duration")]
    [InlineData("3000000d", "'3000000d' reaches back before the year 1")]
    public void A_bad_last_is_refused_naming_it(string last, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => Window(last: last)).Message);

    [Fact]
    public void Since_with_last_and_an_until_not_after_since_are_refused()
    {
        var both = Assert.Throws<FormatException>(() => Window(since: DateTimeOffset.UtcNow.AddDays(-1), last: "1d"));
        Assert.Contains("since", both.Message);
        Assert.Contains("last '1d'", both.Message);
        var t = DateTimeOffset.Parse("2026-11-21T06:00:00Z");
        Assert.Contains("must be after Since", Assert.Throws<FormatException>(() => Window(since: t, until: t)).Message);
    }

    [Fact]
    public void Every_flow_command_declares_the_same_window_options()
    {
        var root = Program.BuildRoot();
        Command Find(string[] path) => path.Aggregate((Command)root, (c, name) => c.Subcommands.Single(s => s.Name == name));
        var commands = CommandLines.Select(line => Find(line.TakeWhile(a => !a.StartsWith('-') && a != Flows).ToArray())).ToList();
        Assert.Equal(5, commands.Count);
        foreach (var name in new[] { "--since", "--until", "--last" })
        {
            var options = commands.Select(c => c.Options.SingleOrDefault(o => o.Name == name)).ToList();
            Assert.All(options, o => Assert.NotNull(o));
            Assert.Single(options.Select(o => (o!.ValueType, o.Description)).Distinct());
        }
        Assert.Equal(typeof(DateTimeOffset?), commands[0].Options.Single(o => o.Name == "--since").ValueType);
    }

    [Theory]
    [MemberData(nameof(FlowCommands))]
    public void Every_flow_command_refuses_a_bad_window_with_the_same_line_and_exit_2(string[] command)
    {
        var both = CliRunner.Run([.. command, "--since", "2026-11-21T00:00:00Z", "--last", "1d"]);
        Assert.Equal((2, "vpcsec: InvalidArgument: give a start time (since) or a duration back from now (last '1d'), not both"), (both.Exit, both.Err.Trim()));
        var bad = CliRunner.Run([.. command, "--last", "3x"]);
        Assert.Equal((2, "vpcsec: InvalidArgument: '3x' is not a positive duration (e.g. 30m, 1h, 7d or 00:05:00)"), (bad.Exit, bad.Err.Trim()));
        var notATime = CliRunner.Run([.. command, "--since", "yesterday"]);
        Assert.Equal(2, notATime.Exit);
        Assert.StartsWith("vpcsec: UsageError: ", notATime.Err);
        Assert.Contains("yesterday", notATime.Err);
    }

    [Fact]
    public void Transfer_cost_and_endpoint_plan_take_last_and_scale_the_month_from_it()
    {
        // The demo's day is in the last 100 years: every byte is counted, and the month is scaled from 100 years up to now.
        var before = DateTimeOffset.UtcNow;
        var all = JsonDocument.Parse(CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "json").Out).RootElement;
        var (exit, json, _) = CliRunner.Run("transfer-cost", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--last", "36500d", "--format", "json");
        Assert.Equal(0, exit);
        var century = JsonDocument.Parse(json).RootElement;
        long Bytes(JsonElement report) => report.GetProperty("Lines").EnumerateArray().Sum(l => l.GetProperty("Bytes").GetInt64());
        Assert.Equal(Bytes(all), Bytes(century));
        Assert.True(century.GetProperty("WindowEnd").GetDateTimeOffset() >= before);
        Assert.True(century.GetProperty("MonthlyFactor").GetDecimal() < all.GetProperty("MonthlyFactor").GetDecimal());

        var plan = CliRunner.Run("endpoint-plan", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--last", "1h", "--format", "json");
        Assert.Equal(0, plan.Exit);
        var quiet = JsonDocument.Parse(plan.Out).RootElement;
        Assert.Equal(0, quiet.GetProperty("Recommendations").GetArrayLength());
        Assert.Equal(TimeSpan.FromHours(1), quiet.GetProperty("WindowEnd").GetDateTimeOffset() - quiet.GetProperty("WindowStart").GetDateTimeOffset());
    }

    [Fact]
    public void An_endpoint_plan_from_a_run_over_s3_is_the_plan_from_the_folder()
    {
        using var bucket = new DemoFlowLogBucket();
        var window = new PlanWindow(DateTimeOffset.Parse("2026-11-21T00:00:00Z"), DateTimeOffset.Parse("2026-11-22T00:00:00Z"));
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = window.Since, Until = window.Until } };
        using var run = FlowLogRun.Open(new FlowLogRunRequest { Paths = [$"s3://{DemoFlowLogBucket.Bucket}/"], Index = FlowLogDestinationTests.Demo },
            query, bucket.Connect, new FlowLogRunEvents());
        var fromRun = EndpointPlanning.FromRun(FlowLogDestinationTests.Demo, run, null, null, window);
        var fromFolder = EndpointPlanning.FromFlowLogs(FlowLogDestinationTests.Demo, [Flows], null, null, window: window);
        Assert.NotEmpty(fromRun.Recommendations);
        Assert.Equal(JsonSerializer.Serialize(fromFolder.Recommendations), JsonSerializer.Serialize(fromRun.Recommendations));
    }

    [Fact]
    public void An_endpoint_plan_is_not_made_from_a_run_that_missed_a_source()
    {
        using var dir = new TestPaths.TempDir();
        var errors = new List<Exception>();
        using var run = FlowLogRun.Open(new FlowLogRunRequest { Paths = [Flows, dir.File("none.log")], Index = FlowLogDestinationTests.Demo },
            new FlowLogQuery(), () => throw new InvalidOperationException(), new FlowLogRunEvents { Error = errors.Add });
        Assert.IsType<FlowLogPathNotFoundException>(Assert.Single(errors));
        var e = Assert.Throws<ArgumentException>(() => EndpointPlanning.FromRun(FlowLogDestinationTests.Demo, run, null, null));
        Assert.Contains("no plan is made from a partial read", e.Message);
    }
}
