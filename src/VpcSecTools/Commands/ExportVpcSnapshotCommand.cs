using System.Management.Automation;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Captures a VPC network configuration into one snapshot file.</para>
/// <para type="description">Reads a folder of aws ec2 describe-* outputs, a Batfish aws_configs folder or
/// another snapshot file, and writes a single versioned snapshot file that every VpcSecTools cmdlet can
/// analyse offline.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "VpcSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(SnapshotSummary))]
public sealed class ExportVpcSnapshotCommand : VpcSecCmdlet
{
    /// <summary>A folder of describe-* JSON outputs, a Batfish aws_configs folder, or a snapshot file.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "From")]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>The snapshot file to write.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = "";

    protected override void ProcessRecord()
    {
        var from = GetUnresolvedProviderPathFromPSPath(Path);
        var outFile = GetUnresolvedProviderPathFromPSPath(OutFile);
        if (!ShouldProcess(outFile, $"Write snapshot of {from}")) return;
        try
        {
            var snapshot = SnapshotExport.FromPath(from, outFile, WriteVerbose);
            foreach (var summary in SnapshotSummary.Of(snapshot, outFile)) WriteObject(summary);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            WriteClassifiedError(e, Path);
        }
    }
}
