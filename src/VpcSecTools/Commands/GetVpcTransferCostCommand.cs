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
public sealed class GetVpcTransferCostCommand : SnapshotCmdlet
{
    /// <summary>Flow-log files, folders (recursive), wildcards or s3:// locations; pipe Get-ChildItem output here.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Only records of these VPCs (the vpc-id field, version 3+); without -Path, read their own flow logs where the snapshot says they go.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Count only records whose capture window ends at or after this instant; the month is scaled from -Since..-Until.</summary>
    [Parameter]
    public DateTimeOffset? Since { get; set; }

    /// <summary>Count only records whose capture window starts before this instant.</summary>
    [Parameter]
    public DateTimeOffset? Until { get; set; }

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

    private readonly List<string> _paths = [];
    private readonly ScopeIds _given = new();

    protected override void Process()
    {
        _given.Add(Path);
        foreach (var p in Path)
        {
            if (FlowLogs.S3.S3Location.IsS3Uri(p)) { _paths.Add(p); continue; }
            try { _paths.AddRange(GetResolvedProviderPathFromPSPath(p, out _)); }
            catch (ItemNotFoundException) { _paths.Add(GetUnresolvedProviderPathFromPSPath(p)); }
        }
    }

    protected override object? ErrorTarget => _paths.FirstOrDefault() ?? base.ErrorTarget;

    protected override void End()
    {
        // An empty pipeline asks about no flow logs: the answer is nothing, never the VPCs' own logs.
        if (PipedNothing(_given)) return;
        var prices = PriceTable.LoadOrBundled(PricePath is null ? null : GetUnresolvedProviderPathFromPSPath(PricePath));
        var ranges = AwsIpRangeSet.LoadOrBundled(IpRangesPath is null ? null : GetUnresolvedProviderPathFromPSPath(IpRangesPath));
        var query = new FlowLogQuery { Filter = new FlowFilter { Since = Since, Until = Until, VpcId = VpcId ?? [] } };
        var events = new FlowLogRunEvents { Note = WriteVerbose, Warning = WriteWarning, Error = e => WriteClassifiedError(e) };
        using var run = FlowLogRun.Open(new FlowLogRunRequest { Paths = _paths, Index = Index }, query, Connect, events, Cancellation);
        var (report, read) = TransferCosting.Run(run, Index, ranges, prices, Top, Cancellation);
        run.Finish(read);
        foreach (var note in report.Notes) WriteWarning(note);
        WriteVerbose($"window {report.WindowStart:u} .. {report.WindowEnd:u} (x{report.MonthlyFactor} to a month); prices: {report.PriceSource}; ip-ranges: {report.IpRangesSource}");
        WriteObject(report.Lines, enumerateCollection: true);
    }
}
