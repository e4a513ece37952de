using System.CommandLine;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Nodes;
using VpcSecTools.Cli;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>
/// Where the five vpcsec commands that read flow logs find them, one declaration for all (as the cmdlets' -Path,
/// -LogGroupName, -FlowLogId, -Format, -ThrottleLimit): the same names, aliases and arity; the demo day read by path in
/// each spelling; and one line with exit 2 for a source that is not there.
/// </summary>
public sealed class FlowSourceTests
{
    internal static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    /// <summary>The demo's S3 flow log: its LogFormat (not the default) is the format of the log group's headerless lines.</summary>
    internal const string DemoFlowLog = "fl-060305267e80e0e4c";

    /// <summary>
    /// Each command before its sources, its exit code on the demo day, and the part of its JSON that is the answer (null:
    /// all of it; rule-usage's and transfer-cost's also say how long the read took).
    /// </summary>
    internal static readonly (string[] Line, int Exit, string? Answer)[] Commands =
    [
        (["flowlogs", "query", "--group-by", "action", "--format", "json"], Program.Ok, null),
        (["rule-usage", "--snapshot", TestPaths.Demo, "--format", "json"], Program.Findings, "Rules"),
        (["private-trust", "--snapshot", TestPaths.Demo, "--format", "json"], Program.Ok, null),
        (["transfer-cost", "--snapshot", TestPaths.Demo, "--format", "json"], Program.Ok, "Lines"),
        (["endpoint-plan", "--snapshot", TestPaths.Demo, "--format", "json"], Program.Findings, "Recommendations"),
    ];

    public static TheoryData<int> EachCommand => new(Enumerable.Range(0, Commands.Length));

    private static readonly string[] SourceOptions =
        ["--path", "--log-group-name", "--flow-log-id", "--log-format", "--threads", "--since", "--until", "--last", "--region", "--profile", "--endpoint-url"];

    internal static string Answer(int command, string json) =>
        Commands[command].Answer is { } name ? JsonDocument.Parse(json).RootElement.GetProperty(name).GetRawText() : json;

    [Fact]
    public void Every_flow_command_declares_the_same_source_options_and_path_argument()
    {
        var root = Program.BuildRoot();
        var commands = Commands.Select(c => c.Line.TakeWhile(a => !a.StartsWith('-')).Aggregate((Command)root, (at, name) => at.Subcommands.Single(s => s.Name == name))).ToList();
        Assert.Equal(["query", "rule-usage", "private-trust", "transfer-cost", "endpoint-plan"], commands.Select(c => c.Name));
        foreach (var name in SourceOptions)
        {
            var options = commands.Select(c => Assert.Single(c.Options, o => o.Name == name)).ToList();
            // The AWS options say what each command calls AWS for; their names, types and arity are the same.
            bool sameText = name is not ("--region" or "--profile" or "--endpoint-url");
            Assert.Single(options.Select(o => (o.ValueType, o.Arity.MinimumNumberOfValues, o.Arity.MaximumNumberOfValues, o.AllowMultipleArgumentsPerToken,
                string.Join(",", o.Aliases.Order()), sameText ? o.Description : "")).Distinct());
        }
        Assert.Equal(["--flow-logs"], commands[0].Options.Single(o => o.Name == "--path").Aliases);
        Assert.Contains("--flow-logs is its older name", commands[0].Options.Single(o => o.Name == "--path").Description);
        Assert.Equal(typeof(int?), commands[0].Options.Single(o => o.Name == "--threads").ValueType);
        var paths = commands.Select(c => Assert.Single(c.Arguments)).ToList();
        Assert.All(paths, p => Assert.Equal(("path", 0, ArgumentArity.ZeroOrMore.MaximumNumberOfValues), (p.Name, p.Arity.MinimumNumberOfValues, p.Arity.MaximumNumberOfValues)));
        Assert.Single(paths.Select(p => (p.ValueType, p.Description)).Distinct());
    }

    [Theory]
    [MemberData(nameof(EachCommand))]
    public void Every_flow_command_reads_the_demo_day_by_path_in_each_spelling(int command)
    {
        var (line, expected, _) = Commands[command];
        var positional = CliRunner.Run([.. line, Flows]);
        Assert.Equal(expected, positional.Exit);
        Assert.DoesNotContain("vpcsec: FlowLog", positional.Err);
        foreach (var spelling in new[] { "--path", "--flow-logs" })
        {
            var named = CliRunner.Run([.. line, spelling, Flows, "--threads", "1"]);
            Assert.Equal((expected, positional.Err), (named.Exit, named.Err));
            Assert.Equal(Answer(command, positional.Out), Answer(command, named.Out));
        }
        // The answer is the day's: a window the demo has no record in gives another.
        var quiet = CliRunner.Run([.. line, Flows, "--since", "2026-11-25T00:00:00Z", "--until", "2026-11-26T00:00:00Z"]);
        Assert.NotEqual(Answer(command, positional.Out), Answer(command, quiet.Out));
    }

    [Theory]
    [MemberData(nameof(EachCommand))]
    public void A_missing_path_a_wrong_flow_log_id_or_bad_threads_is_one_line_and_exit_2_on_every_flow_command(int command)
    {
        using var dir = new TestPaths.TempDir();
        var line = Commands[command].Line;
        var missing = CliRunner.Run([.. line, Flows, dir.File("nope.log.gz")]);
        Assert.Equal((Program.Error, $"vpcsec: FlowLogPathNotFound: no flow-log file at '{dir.File("nope.log.gz")}' (no such file or folder, or the wildcard matches nothing)"),
            (missing.Exit, missing.Err.TrimEnd()));
        Assert.Equal("", missing.Out);

        string[] snapshot = line[0] == "flowlogs" ? ["--snapshot", TestPaths.Demo] : [];
        var wrongId = CliRunner.Run([.. line, .. snapshot, "--flow-log-id", "fl-0123456789abcdef0"]);
        Assert.Equal((Program.Error, "vpcsec: FlowLogDestinationUnknown: fl-0123456789abcdef0 is not in the snapshot's describe-flow-logs"),
            (wrongId.Exit, wrongId.Err.TrimEnd()));

        var threads = CliRunner.Run([.. line, Flows, "--threads", "0"]);
        Assert.Equal((Program.Error, "vpcsec: UsageError: --threads must be 1 to 256, not 0"), (threads.Exit, threads.Err.TrimEnd()));
    }

    [Fact]
    public void A_file_not_read_to_its_end_is_reported_and_exits_2_on_rule_usage_as_on_the_others()
    {
        using var dir = new TestPaths.TempDir();
        var first = Directory.GetFiles(Flows, "*.log.gz", SearchOption.AllDirectories).Order().First();
        var bytes = File.ReadAllBytes(first);
        File.WriteAllBytes(dir.File("cut.log.gz"), bytes[..(bytes.Length / 2)]);
        var (exit, _, err) = CliRunner.Run([.. Commands[1].Line, Flows, dir.File("cut.log.gz")]);
        Assert.Equal(Program.Error, exit);
        Assert.Contains($"vpcsec: FlowLogFileUnreadable: {dir.File("cut.log.gz")}", err);
    }
}

/// <summary>A log group read through a loopback CloudWatch Logs (credentials from the environment, so not in parallel).</summary>
[Collection(ProcessEnvironment.Name)]
public sealed class FlowSourceLogGroupTests
{
    private static readonly string Flows = FlowSourceTests.Flows;
    private static readonly (string[] Line, int Exit, string? Answer)[] Commands = FlowSourceTests.Commands;
    private static string Answer(int command, string json) => FlowSourceTests.Answer(command, json);
    private const string DemoFlowLog = FlowSourceTests.DemoFlowLog;

    public static TheoryData<int> EachCommand => FlowSourceTests.EachCommand;

    /// <summary>
    /// The answer the same records must give. For rule-usage, the rules the records used: a log group does not say which
    /// flow log it is, so a rule of interfaces it holds no record of is Unknown, where the S3 objects (named by flow-log id) prove it Unused.
    /// </summary>
    private static string Evidence(int command, string json) => command != 1 ? Answer(command, json)
        : string.Join("\n", JsonDocument.Parse(json).RootElement.GetProperty("Rules").EnumerateArray()
            .Where(r => r.GetProperty("Verdict").GetString() == "Used").Select(r => r.GetRawText()));

    [Theory]
    [MemberData(nameof(EachCommand))]
    public void Every_flow_command_reads_a_log_group_as_it_reads_the_same_records_in_files(int command)
    {
        var (line, expected, _) = Commands[command];
        using var logs = new DemoLogGroup();
        (int Exit, string Out, string Err) fromGroup;
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            fromGroup = CliRunner.Run([.. line, "--log-group-name", DemoLogGroup.Name, "--log-format", DemoLogGroup.Format, "--region", "us-east-1",
                "--endpoint-url", logs.Server.Url]);
        var fromFiles = CliRunner.Run([.. line, Flows]);
        Assert.Equal(expected, fromGroup.Exit);
        Assert.NotEqual("", Evidence(command, fromGroup.Out));
        Assert.Equal(Evidence(command, fromFiles.Out), Evidence(command, fromGroup.Out));
        Assert.True(logs.Server.Requests.Count >= DemoLogGroup.Pages(logs.Events));
        Assert.All(logs.Server.Requests, r =>
        {
            Assert.Equal("Logs_20140328.FilterLogEvents", r.Headers["X-Amz-Target"]);
            Assert.Equal(DemoLogGroup.Name, (string?)JsonWire.Body(r)["logGroupName"]);
        });
    }

    [Fact]
    public void Transfer_cost_and_endpoint_plan_take_the_log_groups_format_from_a_named_flow_log()
    {
        using var logs = new DemoLogGroup();
        foreach (var command in new[] { 3, 4 })
        {
            (int Exit, string Out, string Err) named;
            using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
                named = CliRunner.Run([.. Commands[command].Line, "--log-group-name", DemoLogGroup.Name, "--flow-log-id", DemoFlowLog, "--region", "us-east-1",
                    "--endpoint-url", logs.Server.Url]);
            Assert.Equal(Commands[command].Exit, named.Exit);
            Assert.Equal(Answer(command, CliRunner.Run([.. Commands[command].Line, Flows]).Out), Answer(command, named.Out));
        }
    }
}

/// <summary>
/// The demo day's records as a CloudWatch Logs group on a loopback server (127.0.0.1): FilterLogEvents in its recorded
/// shape (tests/fixtures/logs-wire), one stream per network interface, pages of 10,000 events joined by nextToken.
/// </summary>
internal sealed class DemoLogGroup : IDisposable
{
    public const string Name = "/vpc/flowlogs/demo";
    private const int PageSize = 10_000;

    /// <summary>The demo flow log's LogFormat: lines in a log group have no header.</summary>
    public static readonly string Format = string.Join(" ", DemoHeader().Split(' ').Select(f => "${" + f + "}"));

    public List<JsonObject> Events { get; } = [];
    public LoopbackServer Server { get; }

    public DemoLogGroup()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(TestPaths.Demo, "flowlogs"), "*.log.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            foreach (var line in Lines(file).Skip(1))
            {
                var fields = line.Split(' ');
                long start = long.Parse(fields[10]) * 1000;
                Events.Add(new JsonObject
                {
                    ["logStreamName"] = fields[2] + "-all", ["timestamp"] = start, ["message"] = line, ["ingestionTime"] = start + 300_000,
                    ["eventId"] = Events.Count.ToString("D56"),
                });
            }
        Server = new LoopbackServer(Page);
    }

    public static int Pages(IReadOnlyCollection<JsonObject> events) => (events.Count + PageSize - 1) / PageSize;

    private Reply Page(SeenRequest request)
    {
        int page = (string?)JsonWire.Body(request)["nextToken"] is { } token ? int.Parse(token[5..]) : 0;
        var body = new JsonObject
        {
            ["events"] = new JsonArray([.. Events.Skip(page * PageSize).Take(PageSize).Select(e => e.DeepClone())]),
            ["searchedLogStreams"] = new JsonArray(),
        };
        if ((page + 1) * PageSize < Events.Count) body["nextToken"] = $"page-{page + 1}";
        return JsonWire.Json(body.ToJsonString());
    }

    private static IEnumerable<string> Lines(string gz)
    {
        using var reader = new StreamReader(new GZipStream(File.OpenRead(gz), CompressionMode.Decompress));
        while (reader.ReadLine() is { } line) yield return line;
    }

    private static string DemoHeader() =>
        Lines(Directory.GetFiles(Path.Combine(TestPaths.Demo, "flowlogs"), "*.log.gz", SearchOption.AllDirectories).Order(StringComparer.Ordinal).First()).First();

    public void Dispose() => Server.Dispose();
}
