using System.Text;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Logs;
using VpcSecTools.Errors;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.PushDown;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>What can go wrong on the wire.</summary>
public enum Fault { Throttling, ServerError, SlowPastTimeout, TruncatedBody, ConnectionReset, UnreadableBody, EmptyBody, ExpiredCredentials, AccessDenied, RepeatedNextToken }

/// <summary>
/// The AWS fault matrix of about_VpcSecTools: each client (EC2, S3, CloudWatch Logs, Athena, RDS) against the loopback
/// server, each fault either retried by the SDK's standard mode, or a clear error naming the operation with a stable
/// ErrorId, or (EC2 capture) the section marked missing. Timeouts and retries are short here so the matrix runs fast.
/// </summary>
public class FaultMatrixTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(700);

    /// <summary>
    /// The timeout of every fault but the slow answer, which alone needs the short one: a cut or a bad answer comes back at once,
    /// and on a loaded machine 700 ms could pass first and turn it into a timeout.
    /// </summary>
    private static readonly TimeSpan Patient = TimeSpan.FromSeconds(15);

    /// <summary>The outcome the about topic's table states for a fault that persists through every retry.</summary>
    public static TheoryData<string, Fault, string> Persistent => new()
    {
        { "EC2", Fault.Throttling, ErrorCatalog.AwsCallFailed }, { "EC2", Fault.ServerError, ErrorCatalog.AwsCallFailed },
        { "EC2", Fault.SlowPastTimeout, ErrorCatalog.AwsCallFailed },
        { "EC2", Fault.ExpiredCredentials, ErrorCatalog.AwsAuthenticationFailed },
        { "EC2", Fault.AccessDenied, "missing:" + ErrorCatalog.AwsAccessDenied }, { "EC2", Fault.RepeatedNextToken, "missing:" + ErrorCatalog.AwsMalformedResponse },
        { "S3", Fault.Throttling, ErrorCatalog.AwsCallFailed }, { "S3", Fault.ServerError, ErrorCatalog.AwsCallFailed },
        { "S3", Fault.SlowPastTimeout, ErrorCatalog.AwsCallFailed },
        { "S3", Fault.ExpiredCredentials, ErrorCatalog.AwsAuthenticationFailed },
        { "S3", Fault.AccessDenied, ErrorCatalog.AwsAccessDenied }, { "S3", Fault.RepeatedNextToken, ErrorCatalog.AwsMalformedResponse },
        { "Logs", Fault.Throttling, ErrorCatalog.AwsCallFailed }, { "Logs", Fault.ServerError, ErrorCatalog.AwsCallFailed },
        { "Logs", Fault.SlowPastTimeout, ErrorCatalog.AwsCallFailed },
        { "Logs", Fault.ExpiredCredentials, ErrorCatalog.AwsAuthenticationFailed },
        { "Logs", Fault.AccessDenied, ErrorCatalog.AwsAccessDenied }, { "Logs", Fault.RepeatedNextToken, ErrorCatalog.AwsMalformedResponse },
        { "Athena", Fault.Throttling, ErrorCatalog.AwsCallFailed }, { "Athena", Fault.ServerError, ErrorCatalog.AwsCallFailed },
        { "Athena", Fault.SlowPastTimeout, ErrorCatalog.AwsCallFailed },
        { "Athena", Fault.ExpiredCredentials, ErrorCatalog.AwsAuthenticationFailed },
        { "Athena", Fault.AccessDenied, ErrorCatalog.AwsAccessDenied }, { "Athena", Fault.RepeatedNextToken, ErrorCatalog.AwsMalformedResponse },
        // A connection cut mid-body (short of its Content-Length) or dropped after the headers is a failed call, whichever
        // reader met it (the SDK's XML readers, our JSON ones): one ErrorId for every client, never AwsMalformedResponse.
        { "EC2", Fault.TruncatedBody, ErrorCatalog.AwsCallFailed }, { "EC2", Fault.ConnectionReset, ErrorCatalog.AwsCallFailed },
        { "S3", Fault.TruncatedBody, ErrorCatalog.AwsCallFailed }, { "S3", Fault.ConnectionReset, ErrorCatalog.AwsCallFailed },
        { "Logs", Fault.TruncatedBody, ErrorCatalog.AwsCallFailed }, { "Logs", Fault.ConnectionReset, ErrorCatalog.AwsCallFailed },
        { "Athena", Fault.TruncatedBody, ErrorCatalog.AwsCallFailed }, { "Athena", Fault.ConnectionReset, ErrorCatalog.AwsCallFailed },
        // A whole body that cannot be read is a malformed answer, not a failed call.
        { "EC2", Fault.UnreadableBody, "missing:" + ErrorCatalog.AwsMalformedResponse }, { "S3", Fault.UnreadableBody, ErrorCatalog.AwsMalformedResponse },
        { "Logs", Fault.UnreadableBody, ErrorCatalog.AwsMalformedResponse }, { "Athena", Fault.UnreadableBody, ErrorCatalog.AwsMalformedResponse },
        // A 200 with nothing in it is no answer, never an empty one (no VPCs, no objects, no events, no rows).
        { "EC2", Fault.EmptyBody, "missing:" + ErrorCatalog.AwsMalformedResponse }, { "S3", Fault.EmptyBody, ErrorCatalog.AwsMalformedResponse },
        { "Logs", Fault.EmptyBody, ErrorCatalog.AwsMalformedResponse }, { "Athena", Fault.EmptyBody, ErrorCatalog.AwsMalformedResponse },
        // RDS (DescribeDBSubnetGroups, our Query client on AWSSDK.Core) as the others.
        { "RDS", Fault.Throttling, ErrorCatalog.AwsCallFailed }, { "RDS", Fault.ServerError, ErrorCatalog.AwsCallFailed },
        { "RDS", Fault.SlowPastTimeout, ErrorCatalog.AwsCallFailed },
        { "RDS", Fault.TruncatedBody, ErrorCatalog.AwsCallFailed }, { "RDS", Fault.ConnectionReset, ErrorCatalog.AwsCallFailed },
        { "RDS", Fault.UnreadableBody, ErrorCatalog.AwsMalformedResponse }, { "RDS", Fault.EmptyBody, ErrorCatalog.AwsMalformedResponse },
        { "RDS", Fault.ExpiredCredentials, ErrorCatalog.AwsAuthenticationFailed },
        { "RDS", Fault.AccessDenied, ErrorCatalog.AwsAccessDenied }, { "RDS", Fault.RepeatedNextToken, ErrorCatalog.AwsMalformedResponse },
    };

    /// <summary>Faults the SDK retries: once, then the right answer.</summary>
    public static TheoryData<string, Fault> Transient()
    {
        var data = new TheoryData<string, Fault>();
        foreach (var client in new[] { "EC2", "S3", "Logs", "Athena", "RDS" })
            foreach (var fault in new[] { Fault.Throttling, Fault.ServerError, Fault.SlowPastTimeout, Fault.TruncatedBody, Fault.ConnectionReset })
                data.Add(client, fault);
        return data;
    }

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task A_transient_fault_is_retried_and_the_answer_is_whole(string client, Fault fault)
    {
        var target = Targets[client];
        int attempts = 0;
        using var server = new LoopbackServer(r => target.IsFaulted(r) && Interlocked.Increment(ref attempts) == 1 ? target.Fault(fault) : target.Normal(r));
        var outcome = await target.Run(Connect(server, fault));

        Assert.Null(outcome.Error);
        Assert.Equal(target.CleanCalls + 1, server.Requests.Count(target.IsFaulted));
        Assert.Equal(target.Answer, outcome.Answer);
    }

    [Theory]
    [MemberData(nameof(Persistent))]
    public async Task A_persistent_fault_gives_a_clear_error_or_a_missing_section(string client, Fault fault, string expected)
    {
        var target = Targets[client];
        using var server = new LoopbackServer(r => target.IsFaulted(r) ? target.Fault(fault) : target.Normal(r));
        var outcome = await target.Run(Connect(server, fault));

        var error = outcome.Error ?? outcome.Missing;
        Assert.NotNull(error);
        Assert.Equal(expected, (outcome.Missing is null ? "" : "missing:") + ErrorCatalog.Classify(error).ErrorId);
        Assert.Equal(target.Operation, error.Operation);
        Assert.Contains(target.Operation, error.Message);
        if (fault is Fault.AccessDenied) Assert.Contains(target.IamAction, error.Message);
        // Retried faults are retried exactly MaxErrorRetry times; the others are not retried at all.
        // A repeated NextToken is seen on the second page; the first call of the others meets the fault.
        int expectedAttempts = fault switch
        {
            Fault.ExpiredCredentials or Fault.AccessDenied or Fault.EmptyBody => 1,
            // The SDK retries a 200 it could not read when the failure reaches it as an AmazonUnmarshallingException: its JSON
            // unmarshaller wraps our reader's JsonException so (Logs, Athena); its XML unmarshallers let XmlException through (EC2, S3, RDS).
            Fault.UnreadableBody => client is "Logs" or "Athena" ? 2 : 1,
            _ => 2,
        };
        int seen = server.Requests.Count(target.IsFaulted);
        // A timed-out attempt leaves its pooled connection closed under the handler; on a loaded machine .NET's handler may
        // resend the next attempt once on a fresh connection before any byte came back (its own transport retry, not the SDK's).
        if (fault is Fault.SlowPastTimeout) Assert.InRange(seen, expectedAttempts, expectedAttempts + 1);
        else Assert.Equal(expectedAttempts, seen);
    }

    /// <summary>
    /// A connection cut on every attempt, short of the body its headers promised or right after them: no client hangs or
    /// takes the short answer for the whole; the call costs MaxErrorRetry + 1 attempts, as any retried fault does (AWSSDK.Core's
    /// own resends of a "stale connection", outside MaxErrorRetry, are off), then fails as a failed call naming the operation.
    /// </summary>
    [Theory]
    [MemberData(nameof(Cuts))]
    public async Task A_connection_cut_on_every_attempt_costs_MaxErrorRetry_plus_one_attempts_then_fails_the_call(string client, Fault fault, int retries)
    {
        var target = Targets[client];
        using var server = new LoopbackServer(r => target.IsFaulted(r) ? target.Fault(fault) : target.Normal(r));
        var outcome = await target.Run(Connect(server, fault, retries)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Null(outcome.Answer);
        var error = Assert.IsAssignableFrom<AwsCallException>(outcome.Error);
        Assert.Equal(ErrorCatalog.AwsCallFailed, ErrorCatalog.Classify(error).ErrorId);
        Assert.Equal("ConnectionFailed", error.ErrorCode);
        Assert.Equal(target.Operation, error.Operation);
        Assert.Contains(target.Operation, error.Message);
        Assert.Contains("ended prematurely", error.Message);
        Assert.Equal(retries + 1, server.Requests.Count(target.IsFaulted));
    }

    public static TheoryData<string, Fault, int> Cuts()
    {
        var data = new TheoryData<string, Fault, int>();
        foreach (var client in new[] { "EC2", "S3", "Logs", "Athena", "RDS" })
            foreach (var fault in new[] { Fault.TruncatedBody, Fault.ConnectionReset })
                foreach (var retries in new[] { 0, 2 })
                    data.Add(client, fault, retries);
        return data;
    }

    private static AwsSdkConnection Connect(LoopbackServer server, Fault fault, int retries = 1)
    {
        var connection = JsonWire.Connection(server);
        connection.Timeout = fault is Fault.SlowPastTimeout ? Timeout : Patient;
        connection.MaxErrorRetry = retries;
        return connection;
    }

    /// <summary>What one call gave: the answer reduced to text, the error it threw, or the EC2 section it left missing.</summary>
    private sealed record Outcome(string? Answer, AwsCallException? Error, AwsCallException? Missing);

    /// <summary>One client under test: the call it makes, how the service answers it, and each fault in that service's own words.</summary>
    private sealed record Target(string Operation, string IamAction, string Answer, int CleanCalls, Func<SeenRequest, bool> IsFaulted, Func<SeenRequest, Reply> Normal,
        Func<Fault, Reply> ErrorBody, Reply RepeatedToken, Func<AwsSdkConnection, Task<Outcome>> Run)
    {
        public Reply Fault(Fault fault) => fault switch
        {
            Tests.Aws.Fault.SlowPastTimeout => Normal(null!) with { Delay = Timeout * 2 },
            Tests.Aws.Fault.TruncatedBody => Normal(null!) with { CutAt = Normal(null!).Body.Length / 2 },
            Tests.Aws.Fault.ConnectionReset => Normal(null!) with { Reset = true },
            Tests.Aws.Fault.UnreadableBody => Normal(null!) with { Body = Normal(null!).Body[..(Normal(null!).Body.Length / 2)] },
            Tests.Aws.Fault.EmptyBody => Normal(null!) with { Body = [] },
            Tests.Aws.Fault.RepeatedNextToken => RepeatedToken,
            _ => ErrorBody(fault),
        };
    }

    private static string Ec2Xml(string action) => File.ReadAllText(Path.Combine(Ec2Wire.Xml("test-nat-gateway"), action + ".xml"));

    private static Reply Ec2Error(int status, string code) =>
        Reply.Xml($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code><Message>{code} on the loopback server</Message></Error></Errors><RequestID>0</RequestID></Response>", status);

    private static Reply S3Error(int status, string code) => Reply.Xml($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{code} on the loopback server</Message><RequestId>0</RequestId></Error>", status);

    private static Reply RdsError(int status, string code) => Reply.Xml(
        $"<ErrorResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{code} on the loopback server</Message></Error><RequestId>0</RequestId></ErrorResponse>", status);

    private static string RdsPage(int i) => File.ReadAllText(Path.Combine(TestPaths.Fixtures, "rds-wire", $"DescribeDBSubnetGroups.page{i}.xml"));

    private static Reply JsonError(int status, string code) => JsonWire.Json($"{{\"__type\":\"{code}\",\"message\":\"{code} on the loopback server\"}}", status);

    private static readonly FlowLogQuery AthenaQuery = new()
    {
        Filter = new FlowFilter { Since = new DateTimeOffset(2015, 8, 12, 13, 0, 0, TimeSpan.Zero), Until = new DateTimeOffset(2015, 8, 12, 15, 0, 0, TimeSpan.Zero) },
        GroupBy = ["srcaddr"], Top = 10,
    };

    private static readonly AthenaFlowLogTable AthenaTable = new()
    {
        Database = "flowlogs", Table = "vpc_flow_logs", Location = "s3://flow-logs-123456789010/", Accounts = ["123456789010"], Regions = ["us-east-2"],
    };

    private static readonly Dictionary<string, Target> Targets = new()
    {
        // EC2: a whole capture; DescribeVpcs is the call that meets the fault.
        ["EC2"] = new("DescribeVpcs", "ec2:DescribeVpcs", "vpc-0008a7b45e3ddf1dd", 1,
            r => Ec2Action(r) == "DescribeVpcs",
            r => r is null || Ec2Action(r) == "DescribeVpcs" ? Reply.Xml(Ec2Xml("DescribeVpcs")) : Ec2Recorded(r),
            f => f switch
            {
                Fault.Throttling => Ec2Error(503, "RequestLimitExceeded"), Fault.ServerError => Ec2Error(500, "InternalError"),
                Fault.ExpiredCredentials => Ec2Error(400, "ExpiredToken"), _ => Ec2Error(403, "UnauthorizedOperation"),
            },
            Reply.Xml(Ec2Xml("DescribeVpcs").Replace("</DescribeVpcsResponse>", "<nextToken>again</nextToken></DescribeVpcsResponse>")),
            async c =>
            {
                try
                {
                    var result = await Ec2Inventory.CaptureAsync(c, new InventoryRequest());
                    var region = result.Snapshot.Regions.Single();
                    return new(region.Has(Section.Vpcs) ? string.Join(",", region.Vpcs.Select(v => v.VpcId)) : null, null,
                        result.Faults.SingleOrDefault(f => f.Operation == "DescribeVpcs"));
                }
                catch (AwsCallException e) { return new(null, e, null); }
            }),
        ["S3"] = new("ListObjectsV2", "s3:ListBucket", "AWSLogs/1.log,AWSLogs/2.log", 1,
            r => r is null || r.Method == "GET",
            _ => S3List("<Contents><Key>AWSLogs/1.log</Key><Size>1</Size></Contents><Contents><Key>AWSLogs/2.log</Key><Size>2</Size></Contents>", null),
            f => f switch
            {
                Fault.Throttling => S3Error(503, "SlowDown"), Fault.ServerError => S3Error(500, "InternalError"),
                Fault.ExpiredCredentials => S3Error(400, "ExpiredToken"), _ => S3Error(403, "AccessDenied"),
            },
            S3List("<Contents><Key>AWSLogs/1.log</Key><Size>1</Size></Contents>", "again"),
            async c =>
            {
                using var s3 = c.CreateS3Client();
                var keys = new List<string>();
                try
                {
                    string? token = null;
                    for (int page = 0; page < 5; page++)
                    {
                        var listed = await s3.ListObjectsV2Async("flow-logs", "AWSLogs/", null, token, CancellationToken.None);
                        keys.AddRange(listed.Objects.Select(o => o.Key));
                        if ((token = listed.NextContinuationToken) is null) break;
                    }
                    return new(string.Join(",", keys), null, null);
                }
                catch (AwsCallException e) { return new(null, e, null); }
            }),
        ["Logs"] = new("FilterLogEvents", "logs:FilterLogEvents", "eni-102010cd-all,eni-1a2b3c4d-all", 1,
            r => r is null || JsonWire.Operation(r) == "FilterLogEvents",
            _ => JsonWire.Json(JsonWire.Fixture("logs-wire", "FilterLogEvents.page2.json")),
            f => f switch
            {
                Fault.Throttling => JsonError(400, "ThrottlingException"), Fault.ServerError => JsonError(500, "ServiceUnavailableException"),
                Fault.ExpiredCredentials => JsonError(400, "ExpiredTokenException"), _ => JsonError(400, "AccessDeniedException"),
            },
            JsonWire.Json("{\"events\":[],\"nextToken\":\"again\"}"),
            async c =>
            {
                using var logs = c.CreateCloudWatchLogsClient(JsonWire.Region);
                var streams = new List<string>();
                try
                {
                    await foreach (var e in logs.FilterLogEventsAsync(new LogEventFilter { LogGroupName = "/vpc/flow-logs" })) streams.Add(e.LogStreamName);
                    return new(string.Join(",", streams), null, null);
                }
                catch (AwsCallException e) { return new(null, e, null); }
            }),
        ["Athena"] = new("GetQueryResults", "athena:GetQueryResults", "3", 2,
            r => r is null || JsonWire.Operation(r) == "GetQueryResults",
            r => JsonWire.Json(JsonWire.Fixture("athena-wire", (r is null ? "GetQueryResults" : JsonWire.Operation(r)) switch
            {
                "StartQueryExecution" => "StartQueryExecution.json",
                "GetQueryExecution" => "GetQueryExecution.succeeded.json",
                _ => r is not null && JsonWire.Body(r).ContainsKey("NextToken") ? "GetQueryResults.page2.json" : "GetQueryResults.page1.json",
            })),
            f => f switch
            {
                Fault.Throttling => JsonError(400, "TooManyRequestsException"), Fault.ServerError => JsonError(500, "InternalServerException"),
                Fault.ExpiredCredentials => JsonError(400, "ExpiredTokenException"), _ => JsonError(400, "AccessDeniedException"),
            },
            JsonWire.Json(JsonWire.Fixture("athena-wire", "GetQueryResults.page2.json").Replace("{\"UpdateCount\":0,", "{\"UpdateCount\":0,\"NextToken\":\"again\",")),
            async c =>
            {
                // Through the engine's own query run and paging loop.
                try
                {
                    var result = await AthenaFlowLogQuery.RunAsync(AthenaQuery, new AthenaFlowLogOptions
                    {
                        Connection = c, Region = JsonWire.Region, Table = AthenaTable, Polling = QueryPolling.Immediate,
                        OutputLocation = "s3://athena-results-123456789010/",
                    });
                    return new(result.Groups.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), null, null);
                }
                catch (AwsCallException e) { return new(null, e, null); }
            }),
        // Two pages (Marker); the first call meets the fault.
        ["RDS"] = new("DescribeDBSubnetGroups", "rds:DescribeDBSubnetGroups", "prod-db-subnets,prod-db-migration", 2,
            _ => true,
            r => Reply.Xml(RdsPage(r is not null && System.Web.HttpUtility.ParseQueryString(r.Body)["Marker"] is not null ? 2 : 1)),
            f => f switch
            {
                Fault.Throttling => RdsError(400, "Throttling"), Fault.ServerError => RdsError(500, "InternalFailure"),
                Fault.ExpiredCredentials => RdsError(403, "ExpiredToken"), _ => RdsError(403, "AccessDenied"),
            },
            Reply.Xml(RdsPage(1)),
            async c =>
            {
                using var rds = new VpcSecTools.Aws.Rds.RdsClient(c, JsonWire.Region);
                try
                {
                    var groups = await rds.DescribeDBSubnetGroupsAsync(CancellationToken.None);
                    return new(string.Join(",", groups.Select(g => (string?)g["DBSubnetGroupName"])), null, null);
                }
                catch (AwsCallException e) { return new(null, e, null); }
            }),
    };

    private static string? Ec2Action(SeenRequest r) =>
        System.Web.HttpUtility.ParseQueryString(r.Body)["Action"];

    /// <summary>Everything but the faulted call answers from the recordings of the NAT-gateway network.</summary>
    private static Reply Ec2Recorded(SeenRequest r)
    {
        var form = System.Web.HttpUtility.ParseQueryString(r.Body);
        var recorded = Ec2Wire.Recorded("test-nat-gateway", new RecordedRequest(r.Method, r.Path,
            form.AllKeys.OfType<string>().ToDictionary(k => k, k => form[k]!), r.Headers));
        return new Reply(recorded.Status, Encoding.UTF8.GetBytes(recorded.Body));
    }

    private static Reply S3List(string contents, string? next) => Reply.Xml(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>flow-logs</Name><Prefix>AWSLogs/</Prefix>" +
        $"<MaxKeys>1000</MaxKeys><IsTruncated>{(next is null ? "false" : "true")}</IsTruncated>{(next is null ? "" : $"<NextContinuationToken>{next}</NextContinuationToken>")}{contents}</ListBucketResult>");
}
