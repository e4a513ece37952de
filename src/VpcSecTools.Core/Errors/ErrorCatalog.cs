namespace VpcSecTools.Errors;

/// <summary>A classified failure: a stable id for scripts, a PowerShell ErrorCategory name, and the offending value.</summary>
public sealed record ErrorInfo(string ErrorId, string Category, string Message, object? Target);

/// <summary>
/// The stable ErrorIds, and how a failure is reported: an engine exception (<see cref="VpcSecToolsException"/>)
/// carries its own id, kind and target; the few .NET exceptions that reach a front end map by type. Cmdlets and
/// the CLI report the same thing the same way. Category names are those of System.Management.Automation.ErrorCategory.
/// </summary>
public static class ErrorCatalog
{
    public const string SnapshotInvalid = "SnapshotInvalid";
    public const string SnapshotNotFound = "SnapshotNotFound";
    public const string InvalidArgument = "InvalidArgument";
    /// <summary>A file the engine writes (a snapshot) could not be written.</summary>
    public const string FileWriteFailed = "FileWriteFailed";
    /// <summary>An input file exists but could not be read (permissions, I/O).</summary>
    public const string FileReadFailed = "FileReadFailed";
    public const string FileNotFound = "FileNotFound";
    public const string Unexpected = "UnexpectedError";
    public const string InvalidIpAddress = "InvalidIpAddress";
    public const string VpcNotFound = "VpcNotFound";
    public const string SubnetNotFound = "SubnetNotFound";
    public const string SecurityGroupNotFound = "SecurityGroupNotFound";
    public const string AwsAccessDenied = "AwsAccessDenied";
    public const string AwsAuthenticationFailed = "AwsAuthenticationFailed";
    public const string AwsMalformedResponse = "AwsMalformedResponse";
    public const string AwsCallFailed = "AwsCallFailed";
    public const string AwsConfigurationInvalid = "AwsConfigurationInvalid";
    public const string EndpointNotFound = "ReachabilityEndpointNotFound";
    /// <summary>A flow-log path that matches no file.</summary>
    public const string FlowLogPathNotFound = "FlowLogPathNotFound";
    /// <summary>A flow-log file that could not be read to its end (truncated gzip, I/O error).</summary>
    public const string FlowLogFileUnreadable = "FlowLogFileUnreadable";
    /// <summary>A query needs a field the flow log's format does not have.</summary>
    public const string FlowLogFormatMismatch = "FlowLogFormatMismatch";
    public const string PriceTableInvalid = "PriceTableInvalid";
    /// <summary>The snapshot cannot say where a VPC's flow logs go, or the VPC has none active.</summary>
    public const string FlowLogDestinationUnknown = "FlowLogDestinationUnknown";
    /// <summary>A private-trust baseline file that cannot be read (not JSON, a member missing or of the wrong kind).</summary>
    public const string TrustBaselineInvalid = "TrustBaselineInvalid";

    /// <summary>
    /// How <paramref name="e"/> is reported. The exception's own target names the offending value; <paramref name="target"/>
    /// stands in when it has none (a .NET exception, or one that cannot know what the user typed).
    /// </summary>
    public static ErrorInfo Classify(Exception e, object? target = null) => e switch
    {
        VpcSecToolsException v => new(v.ErrorId, v.Kind.ToString(), v.Message, v.Target ?? target),
        // A parallel read (Parallel.For over flow-log inputs) wraps what failed in it: report that, not the wrapper.
        AggregateException a when a.Flatten().InnerExceptions is { Count: > 0 } inner => AndMore(Classify(inner[0], target), inner.Count - 1),
        FileNotFoundException f => new(FileNotFound, nameof(ErrorKind.ObjectNotFound), f.Message, f.FileName ?? target),
        DirectoryNotFoundException => new(FileNotFound, nameof(ErrorKind.ObjectNotFound), e.Message, target),
        IOException or UnauthorizedAccessException => new(FileReadFailed, nameof(ErrorKind.ReadError), e.Message, target),
        FormatException or ArgumentException => new(InvalidArgument, nameof(ErrorKind.InvalidArgument), e.Message, target),
        _ => new(Unexpected, nameof(ErrorKind.NotSpecified), $"{e.GetType().Name}: {e.Message}", target),
    };

    private static ErrorInfo AndMore(ErrorInfo first, int more) =>
        more == 0 ? first : first with { Message = $"{first.Message} (and {more} more failure{(more == 1 ? "" : "s")})" };
}
