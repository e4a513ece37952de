using System.Management.Automation;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Captures a VPC network configuration into one snapshot file.</para>
/// <para type="description">Captures live from AWS (-Region, -AllRegions, -VpcId, with the common AWS
/// credential parameters), or reads a folder of aws ec2 describe-* outputs, a Batfish aws_configs folder or
/// another snapshot file (-Path), and writes a single versioned snapshot file that every VpcSecTools cmdlet
/// can analyse offline.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "VpcSnapshot", SupportsShouldProcess = true, DefaultParameterSetName = LiveSet)]
[OutputType(typeof(SnapshotSummary))]
public sealed class ExportVpcSnapshotCommand : AwsCmdlet
{
    private const string LiveSet = "Live", PathSet = "FromPath";

    /// <summary>A folder of describe-* JSON outputs, a Batfish aws_configs folder, or a snapshot file.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "From")]
    [ValidateNotNull]
    public TextValue? Path { get; set; }

    /// <summary>The snapshot file to write.</summary>
    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 1)]
    [Parameter(ParameterSetName = LiveSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string OutFile { get; set; } = "";

    /// <summary>Live: only these VPCs, where the API can filter by VPC.</summary>
    [Parameter(ParameterSetName = LiveSet, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Live: every region enabled for the account.</summary>
    [Parameter(ParameterSetName = LiveSet)]
    public SwitchParameter AllRegions { get; set; }

    private readonly ScopeIds _vpcIds = new();

    protected override object? ErrorTarget => ParameterSetName == PathSet ? Path?.Value : OutFile;

    protected override void Process()
    {
        if (ParameterSetName == LiveSet)
        {
            _vpcIds.Add(VpcId);
            return;
        }
        // One source per pipeline input: a bad one is an error for it, and the next input is still exported.
        ForEachInput([Path!.Value], path =>
        {
            var from = GetUnresolvedProviderPathFromPSPath(path);
            var outFile = GetUnresolvedProviderPathFromPSPath(OutFile);
            if (!ShouldProcess(outFile, $"Write snapshot of {from}")) return;
            var summaries = SnapshotSummary.Of(SnapshotExport.FromPath(from, outFile, WriteLoaderNote), outFile);
            WriteVerbose($"{SnapshotSource.Describe(summaries, from)}; wrote {outFile}");
            WriteObject(summaries, enumerateCollection: true);
        });
    }

    protected override void End()
    {
        if (ParameterSetName != LiveSet || PipedNothing(_vpcIds)) return;
        var outFile = GetUnresolvedProviderPathFromPSPath(OutFile);
        var where = AllRegions ? "all enabled regions" : Region is { Length: > 0 } ? string.Join(", ", Region) : "the default region";
        if (!ShouldProcess(outFile, $"Write snapshot captured live from {where}")) return;
        if (CaptureVpcs(_vpcIds, AllRegions) is not { } snapshot) return;
        SnapshotFile.Write(snapshot, outFile);
        WriteVerbose($"wrote {outFile}");
        foreach (var summary in SnapshotSummary.Of(snapshot, outFile)) WriteObject(summary);
    }
}
