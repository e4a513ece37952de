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

    private readonly List<string> _vpcIds = [];

    protected override void ProcessRecord()
    {
        if (VpcId is not null) _vpcIds.AddRange(VpcId);
    }

    protected override void EndProcessing()
    {
        try
        {
            var index = new SnapshotIndex(CaptureLive(_vpcIds.Distinct(StringComparer.Ordinal).ToArray(), AllRegions));
            foreach (var note in index.Notes) WriteVerbose(note);
            WriteObject(index);
        }
        catch (Exception e) when (e is not PipelineStoppedException and not ActionPreferenceStopException)
        {
            ThrowClassifiedError(e, Region);
        }
    }
}
