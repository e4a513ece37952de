using System.Management.Automation;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Lists, per VPC, subnet and ENI of a snapshot, whether flow logs record its traffic, where to and in which format.</para>
/// <para type="description">A flow log on a VPC covers its subnets and ENIs; one on a subnet covers its ENIs. A VPC with no
/// active flow log is a finding, as are flow logs that record only ACCEPT or only REJECT traffic and failing deliveries.
/// When the snapshot did not capture describe-flow-logs the status is Unknown.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcFlowLogCoverage")]
[OutputType(typeof(FlowLogCoverage))]
public sealed class GetVpcFlowLogCoverageCommand : SnapshotCmdlet
{
    /// <summary>Only these VPCs.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    public string[]? VpcId { get; set; }

    /// <summary>Only VPC rows (no subnets or ENIs).</summary>
    [Parameter] public SwitchParameter VpcOnly { get; set; }

    /// <summary>Only rows with a finding, and rows whose coverage is Unknown.</summary>
    [Parameter] public SwitchParameter FindingsOnly { get; set; }

    private readonly ScopeIds _vpcIds = new();

    protected override void Process() => _vpcIds.Add(VpcId);

    protected override void End()
    {
        if (PipedNothing(_vpcIds)) return;
        var vpcs = Held(_vpcIds, Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        if (vpcs is { Count: 0 }) return;
        var rows = FlowLogCoverageAnalysis.Analyse(Index, vpcs ?? []);
        // What the snapshot cannot tell is said, whatever the filters: Unknown rows are findings too.
        foreach (var unknown in rows.Where(r => r.Status == CoverageStatus.Unknown).Select(r => r.Finding).OfType<string>().Distinct()) WriteWarning(unknown);
        foreach (var row in rows)
        {
            if (VpcOnly && row.ResourceType is not ("VPC" or "Region")) continue;
            if (FindingsOnly && row.Finding is null) continue;
            WriteObject(row);
        }
    }
}
