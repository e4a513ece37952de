using System.Management.Automation;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// The base of every cmdlet that analyses a network: <c>-Snapshot</c> takes a path (file or folder)
/// or a snapshot object from <c>Import-VpcSnapshot</c>, so one capture serves many questions. Without
/// <c>-Snapshot</c>, the network is captured live with the common AWS parameters (<see cref="AwsCmdlet"/>).
/// </summary>
public abstract class SnapshotCmdlet : AwsCmdlet
{
    /// <summary>A snapshot file, a folder of describe-* outputs, or a snapshot object; live AWS when omitted.</summary>
    [Parameter]
    [ValidateNotNull]
    public SnapshotSource? Snapshot { get; set; }

    private SnapshotIndex? _index;

    /// <summary>The VPCs a live capture may be limited to, when the question concerns only them (default: every VPC).</summary>
    protected virtual IReadOnlyList<string> LiveVpcIds => [];

    /// <summary>The snapshot in use, loaded and indexed once per invocation.</summary>
    protected SnapshotIndex Index => _index ??= ResolveSnapshot();

    /// <summary>A failure that names nothing itself is about the snapshot the cmdlet read.</summary>
    protected override object? ErrorTarget => Snapshot?.Given;

    private SnapshotIndex ResolveSnapshot()
    {
        if (Snapshot is not null) return Snapshot.Load(GetUnresolvedProviderPathFromPSPath, WriteVerbose, WriteLoaderNote);
        WriteVerbose("No -Snapshot: capturing the network live from AWS (pass -Snapshot to work offline).");
        return new SnapshotIndex(CaptureLive(LiveVpcIds, allRegions: false));
    }

    /// <summary>
    /// The ids a question is limited to, as the snapshot holds them: null when none were given (no limit); ids the
    /// snapshot does not hold are written as errors (VpcNotFound, SubnetNotFound...) and never widen the scope, so
    /// when none is left the list is empty and the answer is nothing. Where a region lacks the
    /// <paramref name="section"/> that lists them, no id can be said to be absent: they are all kept.
    /// </summary>
    private protected IReadOnlyList<string>? Held<T>(ScopeIds ids, IReadOnlyDictionary<string, T> resources, string section, Func<string, Exception> notFound)
    {
        if (!ids.Given) return null;
        var held = new List<string>();
        foreach (var id in ids.Distinct())
        {
            if (!Index.Lacks(id, resources, section)) held.Add(id);
            else WriteClassifiedError(notFound(id), id);
        }
        return held;
    }
}
