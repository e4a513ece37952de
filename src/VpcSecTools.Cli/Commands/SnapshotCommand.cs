using System.CommandLine;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec snapshot export|show</c>.</summary>
public static class SnapshotCommand
{
    public static Command Create()
    {
        var command = new Command("snapshot", "Capture a network configuration into one snapshot file, or show what a snapshot holds.");
        command.Subcommands.Add(Export());
        command.Subcommands.Add(Show());
        return command;
    }

    private static Command Export()
    {
        var from = new Option<string>("--from") { Description = "A folder of aws ec2 describe-* JSON outputs, a Batfish aws_configs folder, or a snapshot file.", Required = true };
        var output = new Option<string>("--out") { Description = "The snapshot file to write.", Required = true };
        var format = FormatOption();
        var verbose = new Option<bool>("--verbose") { Description = "Say what was skipped or ignored." };
        var command = new Command("export", "Write one snapshot file from a folder of describe-* outputs or another snapshot.") { from, output, format, verbose };
        command.SetAction(parse => CliOutput.Guard(() =>
        {
            var outFile = parse.GetValue(output)!;
            var snapshot = SnapshotExport.FromPath(parse.GetValue(from)!, outFile, parse.GetValue(verbose) ? Console.Error.WriteLine : null);
            Write(SnapshotSummary.Of(snapshot, outFile), parse.GetValue(format));
            return Program.Ok;
        }));
        return command;
    }

    private static Command Show()
    {
        var snapshotPath = SnapshotOption();
        var format = FormatOption();
        var command = new Command("show", "Summarise what a snapshot holds, per region.") { snapshotPath, format };
        command.SetAction(parse => CliOutput.Guard(() =>
        {
            Write(SnapshotSummary.Of(SnapshotLoader.Load(parse.GetValue(snapshotPath)!)), parse.GetValue(format));
            return Program.Ok;
        }));
        return command;
    }

    /// <summary>The <c>--snapshot</c> option every analysis command takes.</summary>
    public static Option<string> SnapshotOption() =>
        new("--snapshot") { Description = "A snapshot file, a folder of describe-* outputs, or a Batfish aws_configs folder.", Required = true };

    public static Option<string> FormatOption(params string[] formats)
    {
        var option = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "table" };
        option.AcceptOnlyFromAmong(formats.Length > 0 ? formats : ["table", "json"]);
        return option;
    }

    private static void Write(IReadOnlyList<SnapshotSummary> summaries, string? format)
    {
        if (format == "json") { CliOutput.WriteJson(summaries); return; }
        CliOutput.WriteTable(
            ["Account", "Region", "VPCs", "Subnets", "SGs", "ENIs", "Instances", "RouteTables", "NACLs", "Sections missing"],
            summaries.Select(s => (IReadOnlyList<string>)
            [
                s.AccountId ?? "?", s.Region, $"{s.Vpcs}", $"{s.Subnets}", $"{s.SecurityGroups}", $"{s.NetworkInterfaces}",
                $"{s.Instances}", $"{s.RouteTables}", $"{s.NetworkAcls}", $"{s.MissingSections.Count}",
            ]));
        foreach (var s in summaries.Where(s => s.MissingSections.Count > 0))
            Console.WriteLine($"\n{s.AccountId ?? "?"} {s.Region} has no {string.Join(", ", s.MissingSections)}: analyses that need them answer Unknown.");
        if (summaries.FirstOrDefault()?.OutFile is { } written) Console.WriteLine($"\nWrote {written}");
    }
}
