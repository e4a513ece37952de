using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VpcSecTools.Completion;

/// <summary>Completes a resource id from the snapshot in use (see <see cref="SessionSnapshot"/>).</summary>
public abstract class SnapshotIdCompleter : IArgumentCompleter
{
    /// <summary>The resource whose ids this completer offers.</summary>
    protected abstract CompletableResource Resource { get; }

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var index = SessionSnapshot.ForCompletion(fakeBoundParameters);
        return index is null ? [] : CompletionResults.From(SnapshotIdCandidates.For(index, Resource, wordToComplete));
    }
}

/// <summary>Completes <c>-VpcId</c>.</summary>
public sealed class VpcIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.Vpc;
}

/// <summary>Completes <c>-SubnetId</c>.</summary>
public sealed class SubnetIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.Subnet;
}

/// <summary>Completes <c>-InstanceId</c>.</summary>
public sealed class InstanceIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.Instance;
}

/// <summary>Completes <c>-GroupId</c>.</summary>
public sealed class GroupIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.SecurityGroup;
}
