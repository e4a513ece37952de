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
    public object? Snapshot { get; set; }

    private SnapshotIndex? _index;

    /// <summary>The VPCs a live capture may be limited to, when the question concerns only them (default: every VPC).</summary>
    protected virtual IReadOnlyList<string> LiveVpcIds => [];

    /// <summary>The snapshot in use, loaded and indexed once per invocation.</summary>
    protected SnapshotIndex Index => _index ??= ResolveSnapshot();

    private SnapshotIndex ResolveSnapshot()
    {
        if (Snapshot is null)
        {
            WriteVerbose("No -Snapshot: capturing the network live from AWS (pass -Snapshot to work offline).");
            return new SnapshotIndex(CaptureLive(LiveVpcIds, allRegions: false));
        }
        return Open(this, Snapshot, "Snapshot");
    }

    /// <summary>A snapshot given as a path (file or folder) or a snapshot object, loaded and indexed.</summary>
    internal static SnapshotIndex Open(PSCmdlet cmdlet, object given, string parameter)
    {
        var value = given is PSObject pso ? pso.BaseObject : given;
        switch (value)
        {
            case SnapshotIndex index: return index;
            case VpcSnapshot snapshot: return new SnapshotIndex(snapshot);
            case string path:
                var full = cmdlet.GetUnresolvedProviderPathFromPSPath(path);
                cmdlet.WriteVerbose($"Reading snapshot from {full}");
                return new SnapshotIndex(SnapshotLoader.Load(full, cmdlet.WriteVerbose));
            default:
                throw new ArgumentException($"-{parameter} takes a path or a snapshot object, not {value.GetType().Name}.");
        }
    }
}
