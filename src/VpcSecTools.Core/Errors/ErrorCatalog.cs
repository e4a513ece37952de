using VpcSecTools.Aws;
using VpcSecTools.Reachability;
using VpcSecTools.FlowLogs;
using VpcSecTools.Endpoints;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Errors;

/// <summary>A classified failure: a stable id for scripts, a PowerShell ErrorCategory name, and the offending value.</summary>
public sealed record ErrorInfo(string ErrorId, string Category, string Message, object? Target);

/// <summary>
/// Maps engine exceptions to stable ErrorIds so cmdlets and the CLI report the same thing the same way.
/// Category names are those of System.Management.Automation.ErrorCategory.
/// </summary>
public static class ErrorCatalog
{
    public const string SnapshotInvalid = "SnapshotInvalid";
    public const string SnapshotNotFound = "SnapshotNotFound";
    public const string InvalidArgument = "InvalidArgument";
    public const string FileWriteFailed = "FileWriteFailed";
    public const string FileNotFound = "FileNotFound";
    public const string Unexpected = "UnexpectedError";
    public const string InvalidIpAddress = "InvalidIpAddress";
    public const string VpcNotFound = "VpcNotFound";
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

    public static ErrorInfo Classify(Exception e, object? target = null) => e switch
    {
        SnapshotFormatException s when s.Problem == "no such file or folder" =>
            new(SnapshotNotFound, "ObjectNotFound", s.Message, target ?? s.Place),
        SnapshotFormatException s => new(SnapshotInvalid, "InvalidData", s.Message, target ?? s.Place),
        IpMap.InvalidIpAddressException a => new(InvalidIpAddress, "InvalidArgument", a.Message, target ?? a.Address),
        IpMap.VpcNotInSnapshotException v => new(VpcNotFound, "ObjectNotFound", v.Message, target ?? v.VpcId),
        FileNotFoundException f => new(FileNotFound, "ObjectNotFound", f.Message, target ?? f.FileName),
        AwsAccessDeniedException a => new(AwsAccessDenied, "PermissionDenied", a.Message, target ?? a.IamAction),
        AwsAuthenticationException a => new(AwsAuthenticationFailed, "AuthenticationError", a.Message, target ?? a.Region),
        AwsMalformedResponseException a => new(AwsMalformedResponse, "InvalidResult", a.Message, target ?? a.Operation),
        AwsCallException a => new(AwsCallFailed, "ConnectionError", a.Message, target ?? a.Operation),
        AwsConfigurationException a => new(AwsConfigurationInvalid, "InvalidArgument", a.Message, target),
        EndpointNotFoundException n => new(EndpointNotFound, "ObjectNotFound", n.Message, target ?? n.Endpoint),
        FlowLogFormatMismatchException => new(FlowLogFormatMismatch, "InvalidArgument", e.Message, target),
        FlowLogPathNotFoundException p => new(FlowLogPathNotFound, "ObjectNotFound", e.Message, target ?? p.Path),
        FlowLogDestinationUnknownException => new(FlowLogDestinationUnknown, "ObjectNotFound", e.Message, target),
        FlowLogFileException f => new(FlowLogFileUnreadable, "ReadError", e.Message, target ?? f.Error.File),
        PriceTableException p => new(PriceTableInvalid, "InvalidData", p.Message, target ?? p.TableSource),
        FormatException or ArgumentException => new(InvalidArgument, "InvalidArgument", e.Message, target),
        IOException or UnauthorizedAccessException => new(FileWriteFailed, "WriteError", e.Message, target),
        _ => new(Unexpected, "NotSpecified", $"{e.GetType().Name}: {e.Message}", target),
    };
}
