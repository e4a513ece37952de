using System.Text;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Athena;
using VpcSecTools.Aws.Logs;
using VpcSecTools.Cli;
using VpcSecTools.Errors;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The fault matrix's cut connection seen from <c>vpcsec</c>: every answer of the loopback server stops half way through
/// the body its headers promised. The CLI, on the SDK's default retries, prints one line naming the ErrorId and the
/// operation and exits non-zero, after exactly MaxErrorRetry + 1 attempts.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public class FaultCliTests
{
    private static LoopbackServer CutServer(string folder, string fixture)
    {
        var body = Encoding.UTF8.GetBytes(JsonWire.Fixture(folder, fixture));
        return new LoopbackServer(_ => new Reply(200, body, JsonWire.ContentType) { CutAt = body.Length / 2 });
    }

    private static (int Exit, string Out, string Err) Run(LoopbackServer server, params string[] args)
    {
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            return CliRunner.Run([.. args, "--region", JsonWire.Region, "--endpoint-url", server.Url,
                "--since", "2015-08-12T13:00:00Z", "--until", "2015-08-12T15:00:00Z", "--group-by", "srcaddr"]);
    }

    private static void AssertOneLineFailure((int Exit, string Out, string Err) run, string operation)
    {
        Assert.Equal(Program.Error, run.Exit);
        Assert.Equal("", run.Out);
        var line = Assert.Single(run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"vpcsec: {ErrorCatalog.AwsCallFailed}: {operation} in {JsonWire.Region} failed: the connection failed: The response ended prematurely", line);
    }

    /// <summary>The attempts the SDK's standard mode allows a call when MaxErrorRetry is not set, as the CLI leaves it.</summary>
    private static int DefaultAttempts(AwsServiceDescription service) => new AwsServiceConfig(service).MaxErrorRetry + 1;

    [Fact]
    public void Logs_read_by_the_local_engine_fail_on_a_cut_answer_with_one_line()
    {
        using var server = CutServer("logs-wire", "FilterLogEvents.page2.json");
        var run = Run(server, "flowlogs", "query", "--log-group-name", "/vpc/flow-logs");

        AssertOneLineFailure(run, "FilterLogEvents");
        Assert.Equal(DefaultAttempts(CloudWatchLogsClient.Service), server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("FilterLogEvents", JsonWire.Operation(r)));
    }

    [Fact]
    public void Logs_Insights_fails_on_a_cut_answer_with_one_line()
    {
        using var server = CutServer("logs-wire", "StartQuery.json");
        var run = Run(server, "flowlogs", "query", "--engine", "insights", "--log-group-name", "/vpc/flow-logs");

        AssertOneLineFailure(run, "StartQuery");
        Assert.Equal(DefaultAttempts(CloudWatchLogsClient.Service), server.Requests.Count);
    }

    [Fact]
    public void Athena_fails_on_a_cut_answer_with_one_line()
    {
        using var server = CutServer("athena-wire", "StartQueryExecution.json");
        var run = Run(server, "flowlogs", "query", "--engine", "athena", "--athena-location", "s3://flow-logs-123456789010/",
            "--athena-account", "123456789010", "--athena-output", "s3://athena-results-123456789010/");

        AssertOneLineFailure(run, "StartQueryExecution");
        Assert.Equal(DefaultAttempts(AthenaClient.Service), server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal("StartQueryExecution", JsonWire.Operation(r)));
    }
}
