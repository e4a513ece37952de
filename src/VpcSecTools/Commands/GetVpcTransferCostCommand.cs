using System.Management.Automation;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.TransferCost;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Shows what the network's data transfer costs, by path, from flow logs.</para>
/// <para type="description">Reads the flow logs once and counts each flow's bytes once per charge it incurs: NAT gateway
/// processing, transit gateway processing (bytes sent into it), cross-AZ transfer inside a VPC and over a peering (both
/// directions, by Availability Zone id), and bytes sent to another region (the region of AWS addresses from ip-ranges). Free
/// paths (same zone, gateway endpoints), the internet and dropped traffic are shown too, so every byte read is somewhere.
/// Scales the window to a month and prices each path with the bundled price table (or -PricePath); each path lists its top
/// talkers. Without -Path it reads the -VpcId VPCs' own flow logs where the snapshot's describe-flow-logs says they go.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcTransferCost")]
[OutputType(typeof(TransferCostLine))]
public sealed class GetVpcTransferCostCommand : FlowLogCmdlet
{
    /// <summary>Only records of these VPCs (the vpc-id field, version 3+); without -Path, read their own flow logs where the snapshot says they go.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>A price file (the shape of the bundled table) whose regions replace the bundled ones.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? PricePath { get; set; }

    /// <summary>An ip-ranges.json instead of the bundled dated copy: it names the region of AWS addresses (cross-region).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? IpRangesPath { get; set; }

    /// <summary>How many talkers each path lists (largest first); 0 for none.</summary>
    [Parameter]
    [ValidateRange(0, 1000)]
    public int Top { get; set; } = 5;

    private protected override string VpcsecCommand => "vpcsec transfer-cost --flow-logs";

    protected override void End()
    {
        // An empty pipeline asks about no flow logs: the answer is nothing, never the VPCs' own logs.
        if (PipedNoPath()) return;
        var prices = PriceTable.LoadOrBundled(PricePath is null ? null : GetUnresolvedProviderPathFromPSPath(PricePath));
        var ranges = AwsIpRangeSet.LoadOrBundled(IpRangesPath is null ? null : GetUnresolvedProviderPathFromPSPath(IpRangesPath));
        var query = new FlowLogQuery { Filter = Window with { VpcId = VpcId ?? [] } };
        var progress = new FlowLogProgress();
        using var run = FlowLogRun.Open(RunRequest(Index, progress), query, Connect, RunEvents, Cancellation);
        var index = Index;
        var (report, read) = OnWorker(progress, (_, _) => TransferCosting.Run(run, index, ranges, prices, Top, Cancellation));
        run.Finish(read);
        foreach (var note in report.Notes) WriteWarning(note);
        WriteVerbose($"window {report.WindowStart:u} .. {report.WindowEnd:u} (x{report.MonthlyFactor} to a month); prices: {report.PriceSource}; ip-ranges: {report.IpRangesSource}");
        WriteObject(report.Lines, enumerateCollection: true);
    }
}
