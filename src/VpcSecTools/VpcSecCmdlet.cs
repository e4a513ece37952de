using System.Management.Automation;
using VpcSecTools.Errors;

namespace VpcSecTools.Commands;

/// <summary>The base of every VpcSecTools cmdlet: errors as ErrorRecords with stable ids.</summary>
public abstract class VpcSecCmdlet : PSCmdlet
{
    /// <summary>Writes a non-terminating error for <paramref name="e"/>, classified by the engine's catalogue.</summary>
    protected void WriteClassifiedError(Exception e, object? target = null) => WriteError(ToRecord(e, target));

    /// <summary>Stops the cmdlet with a classified error.</summary>
    protected void ThrowClassifiedError(Exception e, object? target = null) => ThrowTerminatingError(ToRecord(e, target));

    internal static ErrorRecord ToRecord(Exception e, object? target)
    {
        var info = ErrorCatalog.Classify(e, target);
        var category = Enum.TryParse<ErrorCategory>(info.Category, out var c) ? c : ErrorCategory.NotSpecified;
        return new ErrorRecord(e, info.ErrorId, category, info.Target)
        {
            ErrorDetails = new ErrorDetails(info.Message),
        };
    }

    /// <summary>A verbose writer the engine can call without knowing PowerShell.</summary>
    protected Action<string> Verbose => WriteVerbose;
}
