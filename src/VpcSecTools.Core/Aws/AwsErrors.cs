using VpcSecTools.Errors;

namespace VpcSecTools.Aws;

/// <summary>
/// A failed AWS call, named by operation and region. Subclasses say what the user can do about it.
/// </summary>
public class AwsCallException : VpcSecToolsException
{
    public AwsCallException(string operation, string region, string errorCode, string message, Exception? inner = null)
        : this(ErrorCatalog.AwsCallFailed, ErrorKind.ConnectionError, operation, operation, region, errorCode, message, inner)
    {
    }

    protected AwsCallException(string errorId, ErrorKind kind, object target, string operation, string region, string errorCode, string message, Exception? inner)
        : base(errorId, kind, message, target, inner)
    {
        Operation = operation; Region = region; ErrorCode = errorCode;
    }

    /// <summary>The API operation (<c>DescribeVpcs</c>).</summary>
    public string Operation { get; }
    public string Region { get; }
    /// <summary>The AWS error code (<c>UnauthorizedOperation</c>), or our own for client-side failures.</summary>
    public string ErrorCode { get; }
}

/// <summary>The caller's IAM policy does not allow an action we need; names the action to grant.</summary>
public sealed class AwsAccessDeniedException(string operation, string region, string errorCode, string iamAction, Exception? inner = null)
    : AwsCallException(ErrorCatalog.AwsAccessDenied, ErrorKind.PermissionDenied, iamAction, operation, region, errorCode,
        $"{operation} in {region} was denied ({errorCode}): grant the IAM action {iamAction} (see module/iam/VpcSecTools-ReadOnly.json)", inner)
{
    /// <summary>The IAM action that was denied (<c>ec2:DescribeVpcs</c>).</summary>
    public string IamAction { get; } = iamAction;
}

/// <summary>
/// The credentials or the region cannot be used at all (expired token, unknown key, region not enabled):
/// one clear error for the whole capture rather than one per call.
/// </summary>
public sealed class AwsAuthenticationException(string operation, string region, string errorCode, string advice, Exception? inner = null)
    : AwsCallException(ErrorCatalog.AwsAuthenticationFailed, ErrorKind.AuthenticationError, region, operation, region, errorCode,
        $"{operation} in {region} failed with {errorCode}: {advice}", inner);

/// <summary>A response we could not read: truncated, not XML, or a value that does not fit the API model.</summary>
public sealed class AwsMalformedResponseException(string operation, string region, string detail, Exception? inner = null)
    : AwsCallException(ErrorCatalog.AwsMalformedResponse, ErrorKind.InvalidResult, operation, operation, region, "MalformedResponse",
        $"{operation} in {region} returned a response that cannot be read: {detail}", inner);

/// <summary>Missing or contradictory credential/region settings, found before any call is made.</summary>
public sealed class AwsConfigurationException(string message, Exception? inner = null)
    : VpcSecToolsException(ErrorCatalog.AwsConfigurationInvalid, ErrorKind.InvalidArgument, message, null, inner);

/// <summary>Sorts AWS error codes into what they mean for a read-only capture.</summary>
public static class AwsErrorCodes
{
    /// <summary>Codes meaning "this action is not allowed for these credentials".</summary>
    public static readonly IReadOnlySet<string> Denied = new HashSet<string>(StringComparer.Ordinal)
    {
        "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess", "Client.UnauthorizedOperation",
    };

    /// <summary>Codes meaning "these credentials or this region cannot be used at all".</summary>
    public static readonly IReadOnlyDictionary<string, string> Unusable = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["AuthFailure"] = "AWS could not validate the credentials, or the region is not enabled for this account (check the key, and the region's opt-in status).",
        ["OptInRequired"] = "the region is not enabled for this account (enable it in the account settings, or leave it out of -Region).",
        ["ExpiredToken"] = "the session token has expired; refresh the credentials (aws sso login, or new temporary keys).",
        ["ExpiredTokenException"] = "the session token has expired; refresh the credentials (aws sso login, or new temporary keys).",
        ["RequestExpired"] = "the request expired before it arrived; check the machine's clock or refresh the credentials.",
        ["InvalidClientTokenId"] = "the access key is not known to AWS; check -AccessKey or the profile.",
        ["UnrecognizedClientException"] = "the access key or session token is not valid.",
        ["SignatureDoesNotMatch"] = "the secret key does not match the access key.",
        ["Blocked"] = "the account is blocked; contact AWS Support.",
        ["PendingVerification"] = "the account is still being verified by AWS.",
    };

    /// <summary>Our exception for a service error (its code, or its HTTP status without one) returned after the SDK's retries.</summary>
    public static AwsCallException Classify(string? errorCode, int statusCode, string message, Exception inner, string operation, string region, string iamAction)
    {
        var code = string.IsNullOrEmpty(errorCode) ? $"HTTP{statusCode}" : errorCode;
        if (Denied.Contains(code)) return new AwsAccessDeniedException(operation, region, code, iamAction, inner);
        if (Unusable.TryGetValue(code, out var advice)) return new AwsAuthenticationException(operation, region, code, advice, inner);
        return new AwsCallException(operation, region, code, $"{operation} in {region} failed with {code}: {message}", inner);
    }
}
