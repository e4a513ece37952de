using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;

namespace VpcSecTools.Aws.Json;

/// <summary>One JSON 1.1 call: the <c>X-Amz-Target</c> value (<c>Logs_20140328.FilterLogEvents</c>) and the request body.</summary>
internal sealed class AwsJsonRequest(string target, JsonObject body) : AmazonWebServiceRequest
{
    public string Target { get; } = target;
    public JsonObject Body { get; } = body;
}

/// <summary>The response of one JSON 1.1 call: the body as a JSON object (empty for an empty body).</summary>
internal sealed class AwsJsonResponse : AmazonWebServiceResponse
{
    public JsonObject Document { get; set; } = new();
}

/// <summary>
/// Turns an <see cref="AwsJsonRequest"/> into the SDK request the pipeline signs and sends: a POST to <c>/</c>
/// with <c>X-Amz-Target</c>, <c>Content-Type: application/x-amz-json-1.1</c> and the JSON body. The body is a
/// byte array, so the SDK can send it again when it retries.
/// </summary>
internal sealed class AwsJsonMarshaller(string serviceId) : IMarshaller<IRequest, AmazonWebServiceRequest>
{
    public const string ContentType = "application/x-amz-json-1.1";

    public IRequest Marshall(AmazonWebServiceRequest input)
    {
        var call = (AwsJsonRequest)input;
        var request = new DefaultRequest(call, serviceId) { HttpMethod = "POST", ResourcePath = "/" };
        request.Headers["X-Amz-Target"] = call.Target;
        request.Headers["Content-Type"] = ContentType;
        request.Content = Encoding.UTF8.GetBytes(call.Body.ToJsonString());
        return request;
    }
}

/// <summary>
/// Reads a JSON 1.1 response body, and a JSON 1.1 error body (<c>{"__type":"...#ThrottlingException","message":"..."}</c>)
/// into the SDK's exception with the bare error code, so the SDK's retry policy recognises throttling
/// (<c>ThrottlingException</c>, <c>TooManyRequestsException</c>) and <see cref="AwsErrorCodes"/> recognises denials.
/// </summary>
internal sealed class AwsJsonUnmarshaller : JsonResponseUnmarshaller
{
    public static readonly AwsJsonUnmarshaller Instance = new();

    public override AmazonWebServiceResponse Unmarshall(JsonUnmarshallerContext context)
    {
        // A truncated or non-JSON body throws JsonException here; the client names the operation.
        return new AwsJsonResponse { Document = ReadObject(context.Stream) ?? new JsonObject() };
    }

    public override AmazonServiceException UnmarshallException(JsonUnmarshallerContext context, Exception innerException, HttpStatusCode statusCode)
    {
        JsonObject? body = null;
        try { body = ReadObject(context.Stream); }
        catch (JsonException) { }
        var (code, message) = ErrorOf(body, context.ResponseData?.GetHeaderValue("x-amzn-ErrorType"));
        var requestId = context.ResponseData?.GetHeaderValue("x-amzn-RequestId");
        var type = (int)statusCode >= 500 ? ErrorType.Receiver : ErrorType.Sender;
        return new AmazonServiceException(message ?? $"HTTP {(int)statusCode}", innerException, type, code, requestId, statusCode);
    }

    /// <summary>
    /// The error code and message of a JSON error body: <c>__type</c> (or the <c>x-amzn-ErrorType</c> header) without
    /// its namespace (<c>com.amazonaws.logs#</c>) or trailing <c>:url</c>; <c>message</c> or <c>Message</c>.
    /// </summary>
    internal static (string? Code, string? Message) ErrorOf(JsonObject? body, string? headerType)
    {
        var raw = body?["__type"]?.GetValue<string>() ?? body?["code"]?.GetValue<string>() ?? headerType;
        string? code = null;
        if (!string.IsNullOrEmpty(raw))
        {
            code = raw[(raw.LastIndexOf('#') + 1)..];
            int colon = code.IndexOf(':');
            if (colon >= 0) code = code[..colon];
        }
        var message = body?["message"]?.GetValue<string>() ?? body?["Message"]?.GetValue<string>();
        return (code, message);
    }

    private static JsonObject? ReadObject(Stream stream)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var text = reader.ReadToEnd();
        if (string.IsNullOrWhiteSpace(text)) return null;
        return JsonNode.Parse(text) as JsonObject ?? throw new JsonException("the response body is not a JSON object");
    }
}
