using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Which security-group rules and NACL entries the flow logs of a window used, which are unused, and the tighter rules the traffic supports.</para>
/// <para type="description">Attributes every ACCEPTed flow recorded at an ENI to each rule of the ENI's security groups
/// that allowed it (and to the narrowest), and every flow crossing a subnet to the NACL entry that matched it first. A rule
/// is Used, Unused (only where every ENI it applies to was logged, read, and lost no records in the window), or Unknown,
/// saying what is missing. -Proposal writes the tightenings the traffic supports: remove unused or redundant rules,
/// replace CIDRs by security-group references or by the peers' own addresses, narrow ports; each with the flows it would
/// have dropped (a safe one drops none) and the exposure it removes, computed by the reachability engine. -As writes the
/// safe ones as AWS CLI commands, a CloudFormation template or Terraform. The flow logs are files, folders or s3://
/// locations, the VPCs' own flow logs (with -VpcId and no path), or Invoke-FlowLogQuery groups piped in. Changes nothing in AWS.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcRuleUsage", DefaultParameterSetName = FromFlowLogs)]
[OutputType(typeof(RuleUsage), typeof(RuleProposal), typeof(string))]
public sealed class GetVpcRuleUsageCommand : FlowLogCmdlet
{
    private const string FromFlowLogs = "FromFlowLogs", FromQuery = "FromQuery";

    /// <summary>Groups from Invoke-FlowLogQuery grouped by interface-id, srcaddr, dstaddr, srcport, dstport, protocol and action (and tcp-flags, flow-direction, log-status, pkt-srcaddr, pkt-dstaddr when the logs have them).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromQuery)]
    public FlowGroup[] InputObject { get; set; } = [];

    /// <summary>Only the security groups and network ACLs of these VPCs; without -Path, read their own flow logs where the snapshot's describe-flow-logs says they go.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Only these security groups (and no network ACL).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? GroupId { get; set; }

    /// <summary>Write the tightening proposals instead of the rules.</summary>
    [Parameter]
    public SwitchParameter Proposal { get; set; }

    /// <summary>Write the safe proposals as AWS CLI commands, a CloudFormation template or Terraform.</summary>
    [Parameter]
    public RuleUsageFormat? As { get; set; }

    /// <summary>Peers listed per rule (default 10).</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int MaxPeers { get; set; } = 10;

    /// <summary>The most CIDRs a proposal may name in place of a rule (default 16); past it the rule's own source stays, so hundreds of internet clients keep a public rule.</summary>
    [Parameter]
    [ValidateRange(1, 1000)]
    public int MaxCidrs { get; set; } = 16;

    /// <summary>A live capture needs only the VPCs asked about.</summary>
    protected override IReadOnlyList<string> LiveVpcIds => VpcId ?? [];

    private readonly List<FlowGroup> _groups = [];

    private protected override string VpcsecCommand => "vpcsec rule-usage";

    protected override void Process()
    {
        if (ParameterSetName == FromQuery) _groups.AddRange(InputObject);
        else base.Process();
    }

    protected override void End()
    {
        if (ParameterSetName == FromQuery) RefuseSourceWithGroups();
        // An empty pipeline answers nothing, never every rule of the snapshot.
        if (ParameterSetName == FromQuery ? _groups.Count == 0 : PipedNoPath()) return;
        var vpcs = Held(ScopeIds.Of(VpcId), Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        var groups = Held(ScopeIds.Of(GroupId), Index.SecurityGroups, Section.SecurityGroups, ResourceNotInSnapshotException.SecurityGroup);
        if (vpcs is { Count: 0 } || groups is { Count: 0 }) return;
        var options = new RuleUsageOptions { VpcIds = vpcs ?? [], GroupIds = groups ?? [], MaxPeers = MaxPeers, MaxCidrs = MaxCidrs };
        var report = ParameterSetName == FromQuery
            ? RuleUsageAnalysis.FromGroups(_groups, Index, options, Window.Since, Window.Until)
            : Read(options);
        foreach (var note in report.Notes) WriteVerbose(note);
        foreach (var warning in report.Warnings) WriteWarning(warning);
        if (As is { } format) WriteObject(RuleUsageRendering.Render(report, format));
        else if (Proposal) WriteObject(report.Proposals, enumerateCollection: true);
        else WriteObject(report.Rules, enumerateCollection: true);
    }

    /// <summary>Reads on worker threads while this thread writes the progress and what the read reports.</summary>
    private RuleUsageReport Read(RuleUsageOptions options)
    {
        var progress = new FlowLogProgress();
        var request = new RuleUsageRequest
        {
            Index = Index, Paths = Paths, LogGroups = LogGroupName ?? [], FlowLogIds = FlowLogId ?? [], Format = LogFormat(Index),
            Since = Window.Since, Until = Window.Until, Threads = Threads, Progress = progress, Options = options,
        };
        return OnWorker(progress, (events, connect) => RuleUsageAnalysis.Read(request, connect, events, Cancellation));
    }
}
