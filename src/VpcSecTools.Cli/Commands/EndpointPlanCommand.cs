using System.CommandLine;
using System.Globalization;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec endpoint-plan</c>: New-VpcEndpointPlan for runbooks. Exit 1 when existing endpoints have findings.</summary>
public static class EndpointPlanCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var vpcs = new Option<string[]>("--vpc-id") { Description = "With no source given: the VPCs whose own flow logs to read (default: those with NAT gateways or interface endpoints).", AllowMultipleArgumentsPerToken = true };
        var ipRanges = new Option<string?>("--ip-ranges") { Description = "An ip-ranges.json instead of the bundled dated copy." };
        var update = new Option<bool>("--update-ip-ranges")
        {
            Description = "Download a fresh ip-ranges.json (validated, cached under the local app-data folder); on failure the bundled copy is used with a warning.",
        };
        var updateUrl = new Option<string?>("--ip-ranges-url") { Description = $"Where --update-ip-ranges downloads from (default {IpRangesDownload.DefaultUrl})." };
        var prices = new Option<string?>("--prices") { Description = "A price file whose regions replace the bundled prices." };
        var format = SnapshotCommand.FormatOption("table", "json", "cli", "cloudformation", "terraform");
        var command = new Command("endpoint-plan",
            "Plan the VPC endpoints that pay for themselves from the NAT traffic in flow logs (creates nothing). Exit 1 when existing endpoints have findings.")
            { snapshot, vpcs, ipRanges, update, updateUrl, prices, format };
        var source = new FlowSourceOptions();
        source.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            // The month is scaled from the window when one is given.
            var span = source.Window.Window(parse);
            var planWindow = new PlanWindow(span.Since, span.Until);
            var download = parse.GetValue(update) ? IpRangesDownload.Default(parse.GetValue(updateUrl)) : null;
            // Every --vpc-id value as given: a blank one is refused, not dropped (dropping it would plan every VPC).
            var vpcIds = parse.GetValue(vpcs)?.SelectMany(v => v.Split(',', StringSplitOptions.TrimEntries)).ToList() ?? [];
            if (!source.NoSource(parse) && vpcIds.Count > 0)
                throw new ArgumentException("--vpc-id chooses whose own flow logs to read when no path, --log-group-name or --flow-log-id is given; with them, give only the logs to plan from");
            // The sources given are read through the one run (paths, s3://, log groups, named flow logs).
            EndpointPlan FromRun()
            {
                using var run = FlowLogRun.Open(source.Request(parse, index), new FlowLogQuery { Filter = span }, source.Connect(parse), FlowSourceOptions.Events(stderr));
                return EndpointPlanning.FromRun(index, run, parse.GetValue(ipRanges), parse.GetValue(prices), planWindow, download);
            }
            var plan = source.NoSource(parse)
                ? EndpointPlanning.FromVpcFlowLogs(index, vpcIds, source.Connect(parse), parse.GetValue(ipRanges), parse.GetValue(prices),
                    new FlowLogReadOptions { Format = source.Format(parse, index), Threads = source.Threads(parse) }, planWindow, download)
                : FromRun();
            foreach (var warning in plan.Warnings) stderr.WriteLine($"vpcsec: warning: {warning}");
            Write(plan, parse.GetValue(format)!, stdout);
            return plan.Findings.Count > 0 ? Program.Findings : Program.Ok;
        }));
        return command;
    }

    private static void Write(EndpointPlan plan, string format, TextWriter stdout)
    {
        switch (format)
        {
            case "json": CliOutput.WriteJson(plan, stdout); return;
            case "cli": stdout.Write(EndpointPlanRendering.Cli(plan)); return;
            case "cloudformation": stdout.WriteLine(EndpointPlanRendering.CloudFormation(plan)); return;
            case "terraform": stdout.Write(EndpointPlanRendering.Terraform(plan)); return;
        }
        static string N(decimal d) => d.ToString("0.00", CultureInfo.InvariantCulture);
        CliOutput.WriteTable(["Action", "VpcId", "ServiceName", "Where", "GB/month", "NatCost", "EndpointCost", "Saving", "BreakEvenGB", "Confidence"],
            plan.Recommendations.Select(r => (IReadOnlyList<string>)[r.Action.ToString(), r.VpcId, r.ServiceName,
                string.Join(",", r.RouteTableIds.Count > 0 ? r.RouteTableIds : r.SubnetIds), N(r.ObservedGbPerMonth), N(r.NatCostPerMonth),
                N(r.EndpointCostPerMonth), N(r.SavingPerMonth), N(r.BreakEvenGbPerMonth), r.Confidence.ToString()]), stdout);
        stdout.WriteLine();
        CliOutput.WriteTable(["VpcId", "Service", "DestinationRegion", "GB/month", "NatCost", "Disposition", "Reason"],
            plan.Traffic.Select(t => (IReadOnlyList<string>)[t.VpcId, t.Service, t.DestinationRegion, N(t.GbPerMonth), N(t.NatCostPerMonth),
                t.Disposition.ToString(), t.Reason]), stdout);
        if (plan.Findings.Count > 0)
        {
            stdout.WriteLine();
            CliOutput.WriteTable(["Kind", "VpcEndpointId", "Detail"], plan.Findings.Select(f => (IReadOnlyList<string>)[f.Kind, f.VpcEndpointId, f.Detail]), stdout);
        }
        stdout.WriteLine();
        stdout.WriteLine($"Saving if all applied: {N(plan.TotalSavingPerMonth)} per month; window {plan.WindowStart:u} .. {plan.WindowEnd:u}; prices: {plan.PriceSource}; ip-ranges: {plan.IpRangesSource} syncToken {plan.IpRangesSyncToken} createDate {plan.IpRangesCreateDate}");
        foreach (var note in plan.Notes) stdout.WriteLine("note: " + note);
    }
}
