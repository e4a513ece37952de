using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Finds private-address traffic that a "10.x is mine" rule would wrongly trust: who really sent it, and what the flow logs saw that the network's model forbids.</para>
/// <para type="description">Reads a window of flow logs and attributes every private source seen at the snapshot's network
/// interfaces from the receiving VPC's point of view (its own ENIs, a peered VPC and its account, a transit-gateway
/// attachment and its account, a VPN or Direct Connect range, unassigned space, nobody), and places it in a trust zone:
/// OwnAccount, OtherAccount, OnPremises, NoOwner or Unknown. It returns findings with their evidence (records, bytes, first
/// and last seen, the peering or attachment it came through, the rule that admitted it): traffic ACCEPTed from another
/// account's or on-premises space to a sensitive port or a data store (Trust.SensitiveFromOutside); sources inside the
/// VPC's own CIDR that no ENI holds (Trust.UnownedSourceInVpc); traffic ACCEPTed although the reachability model says it
/// cannot flow, or REJECTed although it says it can (Trust.AcceptedButNotReachable, Trust.RejectedButReachable); and with a
/// baseline, conversations the baseline did not have (Trust.NewTalker). The findings pipe into ConvertTo-SecurityHubFinding
/// and ConvertTo-OcsfFinding. -Summary returns the sources by trust zone instead. Without -Path or -LogGroupName, the
/// flow logs of -FlowLogId, else of -VpcId, are read where the snapshot's describe-flow-logs says they go.</para>
/// </summary>
[Cmdlet(VerbsCommon.Find, "UntrustedPrivateTraffic", DefaultParameterSetName = Findings)]
[OutputType(typeof(Finding), ParameterSetName = [Findings])]
[OutputType(typeof(TrustZoneSummary), ParameterSetName = [SummarySet])]
public sealed class FindUntrustedPrivateTrafficCommand : FlowLogCmdlet
{
    private const string Findings = "Findings", SummarySet = "Summary";

    /// <summary>Only traffic received by network interfaces of these VPCs; with no -Path, read their own flow logs. From the pipeline by property name.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Flow logs of a baseline window: a source and interface that talk in the window but not in them are new talkers.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? BaselinePath { get; set; }

    /// <summary>The baseline window's start (of -BaselinePath, or else of the window's own flow logs): an instant, as -Since is.</summary>
    [Parameter]
    public DateTimeOffset? BaselineSince { get; set; }

    /// <summary>The baseline window's end.</summary>
    [Parameter]
    public DateTimeOffset? BaselineUntil { get; set; }

    /// <summary>A baseline file saved with -SaveBaseline by an earlier run.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? BaselineFile { get; set; }

    /// <summary>Write this window's conversations (source, network interface) to a baseline file for later runs.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? SaveBaseline { get; set; }

    /// <summary>Ports that are sensitive (default: the audit's high-risk lists, Security Hub EC2.19 and the extended list).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateRange(0, 65535)]
    public int[]? SensitivePort { get; set; }

    /// <summary>Wildcards on the Name of an ENI or its instance that mark a data store (default: *db*, *database*, *sql*, *redis*, *mongo*).</summary>
    [Parameter]
    [ValidateNotNull]
    public string[]? DataStoreName { get; set; }

    /// <summary>Tags that mark a data store on an ENI or its instance: Key=Value with wildcards, or Key for any value.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? DataStoreTag { get; set; }

    /// <summary>Only findings at or above this severity.</summary>
    [Parameter(ParameterSetName = Findings)]
    public Severity MinimumSeverity { get; set; } = Severity.Informational;

    /// <summary>Return each receiving VPC's private sources by trust zone instead of the findings.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SummarySet)]
    public SwitchParameter Summary { get; set; }

    private readonly ScopeIds _vpcIds = new();

    private protected override string VpcsecCommand => "vpcsec private-trust --flow-logs";

    protected override void Process()
    {
        base.Process();
        _vpcIds.Add(VpcId);
    }

    protected override void End()
    {
        if (PipedNoPath(_vpcIds)) return;
        var vpcs = Held(_vpcIds, Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        if (vpcs is { Count: 0 }) return;
        var options = new PrivateTrustOptions { VpcIds = vpcs ?? [] };
        if (SensitivePort is not null) options = options with { SensitivePorts = SensitivePort };
        if (DataStoreName is not null) options = options with { DataStoreNames = DataStoreName };
        if (DataStoreTag is not null) options = options with { DataStoreTags = DataStoreTag };
        var progress = new FlowLogProgress();
        var request = new PrivateTrustRequest
        {
            Paths = Paths, LogGroups = LogGroupName ?? [], FlowLogIds = FlowLogId ?? [], Format = LogFormat(Index),
            Since = Window.Since, Until = Window.Until,
            BaselinePaths = BaselinePath?.SelectMany(Resolve).ToArray() ?? [], BaselineSince = BaselineSince, BaselineUntil = BaselineUntil,
            BaselineFile = BaselineFile is null ? null : GetUnresolvedProviderPathFromPSPath(BaselineFile),
            Options = options, Threads = Threads, Progress = progress,
        };
        var index = Index;
        var report = OnWorker(progress, (events, connect) => PrivateTrustAnalysis.Run(index, request, connect, events, Cancellation));
        if (SaveBaseline is not null)
            new TrustBaseline { Talkers = report.Talkers, FirstSeen = report.FirstSeen, LastSeen = report.LastSeen }.Save(GetUnresolvedProviderPathFromPSPath(SaveBaseline));
        foreach (var note in report.Notes) WriteVerbose(note);
        foreach (var warning in report.Warnings) WriteWarning(warning);
        if (Summary)
        {
            WriteObject(report.Zones, enumerateCollection: true);
            return;
        }
        var findings = report.Select(MinimumSeverity).ToArray();
        if (findings.Count(f => !f.Confirmed) is > 0 and var unconfirmed)
            WriteWarning($"{unconfirmed} finding(s) are unconfirmed (Confirmed = $false): whose address space their source is in cannot be told; MissingData says why.");
        foreach (var f in findings)
        {
            // The traffic view, while the object stays a Finding for ConvertTo-SecurityHubFinding.
            var o = new PSObject(f);
            o.TypeNames.Insert(0, FlowEvidence.FindingTypeName);
            WriteObject(o);
        }
    }
}
