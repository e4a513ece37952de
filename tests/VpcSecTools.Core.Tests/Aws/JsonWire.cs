using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VpcSecTools.Aws;

namespace VpcSecTools.Tests.Aws;

/// <summary>JSON 1.1 replay helpers over <see cref="LoopbackServer"/>: recorded bodies in tests/fixtures/{logs,athena}-wire.</summary>
public static class JsonWire
{
    public const string Region = "us-east-2";
    public const string ContentType = "application/x-amz-json-1.1";

    public static string Fixture(string folder, string name) => File.ReadAllText(Path.Combine(TestPaths.Fixtures, folder, name));

    public static Reply Json(string body, int status = 200) => new(status, Encoding.UTF8.GetBytes(body), ContentType);

    /// <summary>A recorded JSON error body (<c>error.{code}.json</c>) with its HTTP status.</summary>
    public static Reply Error(string folder, string code, int status = 400) => Json(Fixture(folder, $"error.{code}.json"), status);

    /// <summary>The operation of a request, from <c>X-Amz-Target: Prefix.Operation</c>.</summary>
    public static string Operation(SeenRequest request) => request.Headers["X-Amz-Target"].Split('.')[1];

    public static JsonObject Body(SeenRequest request) => JsonNode.Parse(request.Body)!.AsObject();

    /// <summary>Answers by <paramref name="script"/>, cancelling <paramref name="cancel"/> when the n-th <paramref name="operation"/> call arrives (Ctrl+C mid-query).</summary>
    public static Func<SeenRequest, Reply> CancelOn(string operation, int nth, CancellationTokenSource cancel, Func<SeenRequest, Reply> script)
    {
        int seen = 0;
        return request =>
        {
            if (Operation(request) == operation && ++seen == nth) cancel.Cancel();
            return script(request);
        };
    }

    public static AwsSdkConnection Connection(LoopbackServer server) => AwsSdkConnection.Resolve(new AwsConnectionRequest
    {
        Region = Region, AccessKey = "AKIDEXAMPLE", SecretKey = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", EndpointUrl = server.Url, Environment = _ => null,
    });

    /// <summary>Asserts the JSON 1.1 protocol headers and a SigV4 signature for the service that covers the target header.</summary>
    public static void AssertSignedJsonCall(SeenRequest request, string targetPrefix, string signingName)
    {
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.Path);
        Assert.StartsWith(targetPrefix + ".", request.Headers["X-Amz-Target"]);
        Assert.StartsWith(ContentType, request.Headers["Content-Type"]);
        Assert.Matches(new Regex($@"^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\d{{8}}/{Region}/{signingName}/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*x-amz-target[a-z0-9;-]*, Signature=[0-9a-f]{{64}}$"),
            request.Headers["Authorization"]);
    }
}
