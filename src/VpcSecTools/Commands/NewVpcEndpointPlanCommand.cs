using System.Management.Automation;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Plans the VPC endpoints that pay for themselves, from the NAT traffic in flow logs.</para>
/// <para type="description">Attributes the traffic through each NAT gateway (each flow counted once) to AWS
/// services and regions, scales it to a month, and recommends gateway endpoints for same-region S3 and
/// DynamoDB on the route tables of the sending subnets, and interface endpoints where the saving clears the
/// break-even. Reports existing gateway endpoints missing a route table, idle interface endpoints, and the
/// traffic that cannot move (other regions, AMAZON-only, internet). -As writes the plan as AWS CLI commands,
/// a CloudFormation template or Terraform. Without -FlowLogPath it reads the VPCs' own flow logs (S3 or CloudWatch Logs,
/// as the snapshot's describe-flow-logs says) for the -Since/-Until window. Creates nothing in AWS.</para>
/// </summary>
[Cmdlet(VerbsCommon.New, "VpcEndpointPlan", DefaultParameterSetName = FromFiles)]
[OutputType(typeof(EndpointPlan), typeof(string))]
public sealed class NewVpcEndpointPlanCommand : FlowLogCmdlet
{
    private const string FromFiles = "FromFiles", FromQuery = "FromQuery";
    private readonly List<FlowGroup> _groups = [];

    /// <summary>Without -Path: the VPCs whose own flow logs to read (default: those with NAT gateways or interface endpoints).</summary>
    [Parameter(ParameterSetName = FromFiles)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Groups from Invoke-FlowLogQuery grouped by interface-id, srcaddr, dstaddr (and pkt-srcaddr, pkt-dstaddr, pkt-src-aws-service, pkt-dst-aws-service when the logs have them).</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = FromQuery)]
    public FlowGroup[] InputObject { get; set; } = [];

    /// <summary>An ip-ranges.json to use instead of the bundled dated copy.</summary>
    [Parameter]
    public string? IpRangesPath { get; set; }

    /// <summary>Download a fresh ip-ranges.json (validated, cached under the local app-data folder); on failure the bundled copy is used with a warning.</summary>
    [Parameter]
    public SwitchParameter UpdateIpRanges { get; set; }

    /// <summary>Where -UpdateIpRanges downloads from (a mirror); AWS's https://ip-ranges.amazonaws.com/ip-ranges.json by default.</summary>
    [Parameter]
    public string? IpRangesUrl { get; set; }

    /// <summary>A price file (the shape of the bundled table) whose regions replace the bundled ones.</summary>
    [Parameter]
    public string? PricePath { get; set; }

    /// <summary>Write the plan as AWS CLI commands, a CloudFormation template or Terraform instead of objects.</summary>
    [Parameter]
    public EndpointPlanFormat? As { get; set; }

    private protected override string VpcsecCommand => "vpcsec endpoint-plan --flow-logs";

    protected override void Process()
    {
        if (ParameterSetName == FromQuery) _groups.AddRange(InputObject);
        else base.Process();
    }

    protected override void End()
    {
        // An empty pipeline answers nothing: never a plan from the VPCs' own flow logs, nor idle-endpoint findings from no traffic.
        if (ParameterSetName == FromQuery ? _groups.Count == 0 : PipedNoPath()) return;
        var plan = Plan();
        foreach (var warning in plan.Warnings) WriteWarning(warning);
        foreach (var note in plan.Notes) WriteVerbose(note);
        if (As is { } format) WriteObject(EndpointPlanRendering.Render(plan, format));
        else WriteObject(plan);
    }

    private EndpointPlan Plan()
    {
        var ipRanges = IpRangesPath is null ? null : GetUnresolvedProviderPathFromPSPath(IpRangesPath);
        var prices = PricePath is null ? null : GetUnresolvedProviderPathFromPSPath(PricePath);
        var download = UpdateIpRanges ? IpRangesDownload.Default(IpRangesUrl) : null;
        var window = new PlanWindow(Window.Since, Window.Until);
        if (ParameterSetName == FromQuery)
        {
            RefuseSourceWithGroups();
            return EndpointPlanning.FromGroups(Index, _groups, ipRanges, prices, window: window, download: download);
        }
        if (!NoSource && VpcId is not null)
            throw new ArgumentException("-VpcId chooses whose own flow logs to read when no -Path, -LogGroupName or -FlowLogId is given; with them, give only the logs to plan from");
        var read = new FlowLogReadOptions { Format = LogFormat(Index), Threads = Threads };
        if (NoSource) return EndpointPlanning.FromVpcFlowLogs(Index, VpcId, Connect, ipRanges, prices, read, window, download, Cancellation);
        // Local files are read whole or not at all, as before; s3:// locations, log groups and named flow logs through the one run.
        if (LogGroupName is null && (FlowLogId is null || Paths.Count > 0) && !Paths.Any(FlowLogs.S3.S3Location.IsS3Uri))
            return EndpointPlanning.FromFlowLogs(Index, Paths, ipRanges, prices, read, window, download);
        using var run = FlowLogRun.Open(RunRequest(Index), new FlowLogQuery { Filter = Window }, Connect, RunEvents, Cancellation);
        return EndpointPlanning.FromRun(Index, run, ipRanges, prices, window, download);
    }
}
