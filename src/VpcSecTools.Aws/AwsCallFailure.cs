using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using System.Xml;
using Amazon.Runtime;

namespace VpcSecTools.Aws;

/// <summary>
/// What a failed SDK call means, once the SDK's retries are spent: one translation for every client (EC2, S3,
/// CloudWatch Logs, Athena), so each fault reads the same whichever service had it (the fault table in
/// about_VpcSecTools).
/// </summary>
internal static class AwsCallFailure
{
    /// <summary>
    /// Our exception for <paramref name="e"/>, naming the operation and region: a denial names the IAM action, a body
    /// that cannot be read names where the reading stopped, a network failure or timeout says so. Null when the call
    /// was cancelled by the caller (Ctrl+C), which is not a failure.
    /// </summary>
    public static AwsCallException? Translate(Exception e, string operation, string region, string iamAction, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested && e is OperationCanceledException) return null;
        return e switch
        {
            AwsCallException ours => ours,
            // A connection cut, reset or timed out while the body was read is a failed call whichever reader met it:
            // the SDK's XML readers let it through, our JSON and Query readers see it inside the unmarshaller.
            _ when e is not AmazonServiceException { ErrorCode.Length: > 0 } && Network(e) is { } reason =>
                new AwsCallException(operation, region, reason.Code, $"{operation} in {region} failed: {reason.Text}", e),
            AmazonUnmarshallingException u => new AwsMalformedResponseException(operation, region, Unreadable(u.InnerException ?? u, u.LastKnownLocation), e),
            AmazonServiceException s when Unreadable(s) is { } inner => new AwsMalformedResponseException(operation, region, Unreadable(inner, null), e),
            AmazonServiceException s => AwsErrorCodes.Classify(s.ErrorCode, (int)s.StatusCode, s.Message, s, operation, region, iamAction),
            AmazonClientException c when Unreadable(c) is { } inner => new AwsMalformedResponseException(operation, region, Unreadable(inner, null), e),
            XmlException or JsonException or FormatException => new AwsMalformedResponseException(operation, region, Unreadable(e, null), e),
            _ => null,
        };
    }

    /// <summary>The parse failure behind an SDK exception (a 2xx answer the SDK could not read), if that is what it is.</summary>
    private static Exception? Unreadable(Exception e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
            if (inner is XmlException or JsonException or FormatException) return inner;
        return e is AmazonServiceException { ErrorCode: null, InnerException: { } i } s && (int)s.StatusCode is >= 200 and < 300 ? i : null;
    }

    /// <summary>
    /// What could not be read, and where: the element the SDK's reader had reached when it knows it (a cut body), else
    /// the model shape whose reader refused a value (<c>in a Subnet: String 'maybe' was not recognized as a valid
    /// Boolean</c>), found from the reader's own frame since the SDK's XML readers do not say where they were.
    /// </summary>
    private static string Unreadable(Exception e, string? location)
    {
        if (!string.IsNullOrEmpty(location)) return $"at {location}: {FirstLine(e.Message)}";
        var shape = new System.Diagnostics.StackTrace(e).GetFrames()
            .Select(f => f.GetMethod()?.DeclaringType)
            .FirstOrDefault(t => t?.Namespace?.EndsWith(".MarshallTransformations", StringComparison.Ordinal) == true && t.Name.EndsWith("Unmarshaller", StringComparison.Ordinal))
            ?.Name[..^"Unmarshaller".Length];
        return shape is null ? FirstLine(e.Message) : $"in a {shape}: {FirstLine(e.Message)}";
    }

    /// <summary>A connection that failed, was reset or timed out, after the SDK's retries.</summary>
    private static (string Code, string Text)? Network(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
            switch (x)
            {
                case TimeoutException or TaskCanceledException:
                    return ("Timeout", "no answer before the timeout (the SDK retried; check the network or -EndpointUrl)");
                case SocketException or HttpRequestException or IOException:
                    return ("ConnectionFailed", $"the connection failed: {FirstLine(x.Message)} (the SDK retried; check the network or -EndpointUrl)");
            }
        return null;
    }

    private static string FirstLine(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
    }
}
