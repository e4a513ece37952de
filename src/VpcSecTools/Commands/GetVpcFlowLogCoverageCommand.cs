using System.Management.Automation;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;

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
        var vpcs = Held(_vpcIds, Index.Vpcs, id => new VpcNotInSnapshotException(id));
        if (vpcs is { Count: 0 }) return;
        var rows = FlowLogCoverageAnalysis.Analyse(Index, vpcs ?? []);
        // What the snapshot cannot say is said once, and -FindingsOnly keeps those rows: no finding is not "no gap".
        foreach (var reason in rows.Where(r => r.Status == CoverageStatus.Unknown).Select(r => r.Reason).Distinct())
            WriteWarning($"flow-log coverage is Unknown: {reason}");
        foreach (var row in rows)
        {
            if (VpcOnly && row.ResourceType != "VPC") continue;
            if (FindingsOnly && row.Finding is null && row.Status != CoverageStatus.Unknown) continue;
            WriteObject(row);
        }
    }
}
