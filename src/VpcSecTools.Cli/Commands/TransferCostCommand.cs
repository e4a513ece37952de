using System.CommandLine;
using System.Globalization;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;
using VpcSecTools.TransferCost;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// <c>vpcsec transfer-cost</c>: Get-VpcTransferCost for runbooks. Exit 2 when a path matched nothing or a file could not be
/// read to its end, 3 when bytes could not be placed on a path (interfaces the snapshot lacks included) or a charged path has no price, else 0.
/// </summary>
public static class TransferCostCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var vpcs = new Option<string[]>("--vpc-id") { Description = "Only records of these VPCs; with no source given, read their own flow logs.", AllowMultipleArgumentsPerToken = true };
        var prices = new Option<string?>("--prices") { Description = "A price file whose regions replace the bundled prices." };
        var ipRanges = new Option<string?>("--ip-ranges") { Description = "An ip-ranges.json instead of the bundled dated copy (it names the region of AWS addresses)." };
        var top = new Option<int>("--top") { Description = "Talkers shown per path.", DefaultValueFactory = _ => 5 };
        var format = SnapshotCommand.FormatOption("table", "json");
        var command = new Command("transfer-cost",
            "What the network costs by path (NAT and transit gateway processing, cross-AZ, peering, cross-region) from flow logs, each flow counted once, with the top talkers of each path.")
            { snapshot, vpcs, prices, ipRanges, top, format };
        var source = new FlowSourceOptions();
        source.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            // The month is scaled from the window when one is given.
            var query = new FlowLogQuery { Filter = source.Window.Window(parse) with { VpcId = CliOutput.Values(parse.GetValue(vpcs)) } };
            using var run = FlowLogRun.Open(source.Request(parse, index), query, source.Connect(parse), FlowSourceOptions.Events(stderr));
            var (report, read) = TransferCosting.Run(run, index, AwsIpRangeSet.LoadOrBundled(parse.GetValue(ipRanges)), PriceTable.LoadOrBundled(parse.GetValue(prices)), parse.GetValue(top));
            run.Finish(read);
            foreach (var note in report.Notes) stderr.WriteLine($"vpcsec: warning: {note}");
            if (parse.GetValue(format) == "json") CliOutput.WriteJson(report, stdout);
            else Write(report, stdout);
            return run.Incomplete ? Program.Error : Unplaced(report) ? Program.Unknown : Program.Ok;
        }));
        return command;
    }

    /// <summary>Bytes not placed on a path (or of interfaces the snapshot lacks), or a charged path without a price: the figure is incomplete.</summary>
    private static bool Unplaced(TransferCostReport report) => report.UnknownInterfaceBytes > 0 ||
        report.Lines.Any(l => l.Path == TransferPath.Unattributed || (l.CostPerMonth is null && l.Path != TransferPath.Internet));

    private static void Write(TransferCostReport report, TextWriter stdout)
    {
        static string N(decimal? d) => d is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        // Figures drawn from a sum that saturated (FlowText.Add) are at least what they show.
        static string From(bool saturated, decimal? d) => saturated && d is not null ? SaturatingSum.AtLeast(N(d)) : N(d);
        CliOutput.WriteTable(["Region", "Path", "GB", "GB/month", "PerGb", "Cost/month", "TopTalker"],
            report.Lines.Select(l => (IReadOnlyList<string>)[l.Region, l.Path.ToString(), From(SaturatingSum.Saturated(l.Bytes), l.Gigabytes),
                From(SaturatingSum.Saturated(l.Bytes), l.GbPerMonth), l.PricePerGb is { } p ? p.ToString("0.####", CultureInfo.InvariantCulture) : "-",
                From(SaturatingSum.Saturated(l.Bytes), l.CostPerMonth), l.TopTalkers.FirstOrDefault()?.ToString() ?? "-"]), stdout);
        stdout.WriteLine();
        stdout.WriteLine($"Total: {From(report.Lines.Any(l => SaturatingSum.Saturated(l.Bytes) && l.CostPerMonth is not null), report.TotalCostPerMonth)} per month; window {report.WindowStart:u} .. {report.WindowEnd:u} (x{report.MonthlyFactor} to a month); prices: {report.PriceSource}; ip-ranges: {report.IpRangesSource}");
    }
}
