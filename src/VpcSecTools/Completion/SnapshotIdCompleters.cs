using System.Collections;

namespace VpcSecTools.Completion;

/// <summary>Completes a resource id from the snapshot in use (see <see cref="SessionSnapshot"/>).</summary>
public abstract class SnapshotIdCompleter : CandidateCompleter
{
    /// <summary>Why nothing completes when no snapshot is at hand.</summary>
    internal const string NoSnapshot = "no snapshot to complete from: Import-VpcSnapshot one, or give -Snapshot first";

    /// <summary>The resource whose ids this completer offers.</summary>
    protected abstract CompletableResource Resource { get; }

    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        SessionSnapshot.ForCompletion(fakeBoundParameters) is { } index
            ? (SnapshotIdCandidates.For(index, Resource, wordToComplete), $"no {Resource} of the snapshot has an id or name starting so")
            : ([], NoSnapshot);
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

/// <summary>Completes <c>-InterfaceId</c> (and <c>-NetworkInterfaceId</c>).</summary>
public sealed class NetworkInterfaceIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.NetworkInterface;
}

/// <summary>Completes <c>-FlowLogId</c> from the snapshot's describe-flow-logs.</summary>
public sealed class FlowLogIdCompleter : SnapshotIdCompleter
{
    /// <inheritdoc />
    protected override CompletableResource Resource => CompletableResource.FlowLog;
}

/// <summary>
/// Completes <c>-Source</c> and <c>-Destination</c> of a reachability question: Internet, instances and network
/// interfaces by id or name; a source also *, VPCs, subnets and security groups.
/// </summary>
public sealed class ReachabilityEndpointCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        SessionSnapshot.ForCompletion(fakeBoundParameters) is { } index
            ? (SnapshotIdCandidates.ForEndpoint(index, source: !parameterName.Equals("Destination", StringComparison.OrdinalIgnoreCase), wordToComplete),
                "nothing of the snapshot has an id or name starting so")
            : ([], SnapshotIdCompleter.NoSnapshot);
}
