using System.Management.Automation;
using VpcSecTools.Errors;

namespace VpcSecTools.Commands;

/// <summary>
/// The base of every VpcSecTools cmdlet. Its begin, process and end steps run guarded: whatever fails becomes one
/// ErrorRecord with the failure's stable ErrorId, category and offending value (see <see cref="ErrorCatalog"/>), so
/// cmdlets throw and never catch for themselves.
/// </summary>
public abstract class VpcSecCmdlet : PSCmdlet
{
    protected sealed override void BeginProcessing() => Guarded(Begin);

    protected sealed override void ProcessRecord() => Guarded(Process);

    protected sealed override void EndProcessing() => Guarded(End);

    /// <summary>Runs once, before the first pipeline input.</summary>
    protected virtual void Begin()
    {
    }

    /// <summary>Runs once per pipeline input, or once in all when nothing is piped.</summary>
    protected virtual void Process()
    {
    }

    /// <summary>Runs once, after the last pipeline input.</summary>
    protected virtual void End()
    {
    }

    /// <summary>The value an error names when its exception cannot name the offending value itself (a .NET failure).</summary>
    protected virtual object? ErrorTarget => null;

    /// <summary>
    /// Answers each input; a failure about one input (a malformed address, an unknown id, a finding that cannot be
    /// converted) is one non-terminating error naming it, and the others are still answered (-ErrorAction decides
    /// whether to stop). A failure about anything else (a parameter, the snapshot) stops the cmdlet.
    /// </summary>
    protected void ForEachInput<T>(IEnumerable<T> inputs, Action<T> answer)
    {
        foreach (var input in inputs)
        {
            try
            {
                answer(input);
            }
            catch (Exception e) when (e is VpcSecToolsException or ArgumentException or FormatException && IsAbout(e, input))
            {
                WriteError(ToRecord(e, input));
            }
        }
    }

    private static bool IsAbout(Exception e, object? input) =>
        (e as VpcSecToolsException)?.Target is not { } target || Equals(target, input)
        || string.Equals(target.ToString(), input?.ToString(), StringComparison.Ordinal);

    /// <summary>
    /// Runs <paramref name="work"/> on a value the user gave (an allow-list file, a protocol, an ip-ranges copy): a failure
    /// that cannot name the offending value itself names <paramref name="target"/>, and stops the cmdlet.
    /// </summary>
    protected T Concerning<T>(object? target, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            ThrowTerminatingError(ToRecord(e, target));
            throw;
        }
    }

    /// <summary>
    /// True when the cmdlet is fed by a pipeline that bound none of <paramref name="scopes"/>: an empty pipeline, or
    /// objects with none of the properties it takes. Its answer is then nothing, never everything.
    /// </summary>
    private protected bool PipedNothing(params ScopeIds[] scopes) => MyInvocation.ExpectingInput && scopes.All(s => !s.Given);

    /// <summary>Writes a non-terminating error for <paramref name="e"/>: a failure the cmdlet reports and carries on after.</summary>
    protected void WriteClassifiedError(Exception e, object? target = null) => WriteError(ToRecord(e, target ?? ErrorTarget));

    /// <summary>
    /// A snapshot loader's note on one file (members and keys it does not use): an information record tagged
    /// <c>SnapshotLoader</c>, shown with -InformationAction Continue. Not -Verbose, where it would drown the answer's
    /// own notes, nor -Debug, which asks before going on at every record a compiled cmdlet writes.
    /// </summary>
    protected void WriteLoaderNote(string note) => WriteInformation(note, ["VpcSecTools", "SnapshotLoader"]);

    private void Guarded(Action step)
    {
        try
        {
            step();
        }
        catch (OperationCanceledException) when (Stopping)
        {
            // Ctrl+C: PowerShell is already stopping the pipeline; there is nothing to report.
        }
        catch (Exception e) when (e is not (PipelineStoppedException or ActionPreferenceStopException))
        {
            // An error written under -ErrorAction Stop arrives here as ActionPreferenceStopException and goes on
            // unchanged, so its own ErrorId reaches the script rather than a wrapper's.
            ThrowTerminatingError(ToRecord(e, ErrorTarget));
        }
    }

    internal static ErrorRecord ToRecord(Exception e, object? target)
    {
        var info = ErrorCatalog.Classify(e, target);
        var category = Enum.TryParse<ErrorCategory>(info.Category, out var c) ? c : ErrorCategory.NotSpecified;
        return new ErrorRecord(e, info.ErrorId, category, info.Target)
        {
            ErrorDetails = new ErrorDetails(info.Message),
        };
    }
}
