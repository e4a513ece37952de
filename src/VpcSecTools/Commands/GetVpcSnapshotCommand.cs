using System.Management.Automation;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Captures the VPC network configuration live from AWS and returns it for reuse.</para>
/// <para type="description">Reads the EC2 network configuration of one or more regions (read-only calls only)
/// and returns the indexed snapshot, to keep in a variable and pass to -Snapshot of every cmdlet.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcSnapshot")]
[OutputType(typeof(SnapshotIndex))]
public sealed class GetVpcSnapshotCommand : AwsCmdlet
{
    /// <summary>Only these VPCs, where the API can filter by VPC.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Every region enabled for the account.</summary>
    [Parameter]
    public SwitchParameter AllRegions { get; set; }

    private readonly ScopeIds _vpcIds = new();

    protected override object? ErrorTarget => Region;

    protected override void Process() => _vpcIds.Add(VpcId);

    protected override void End()
    {
        if (PipedNothing(_vpcIds)) return;
        if (CaptureVpcs(_vpcIds, AllRegions) is not { } snapshot) return;
        var index = new SnapshotIndex(snapshot);
        foreach (var note in index.Notes) WriteVerbose(note);
        WriteObject(index);
    }
}
