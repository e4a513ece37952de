using System.CommandLine;
using VpcSecTools.Aws;
using VpcSecTools.Errors;
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
        var from = new Option<string>("--from") { Description = "Offline: a folder of aws ec2 describe-* JSON outputs, a Batfish aws_configs folder, or a snapshot file." };
        var region = new Option<string[]>("--region") { Description = "Live: the region(s) to capture (default: AWS_REGION or the profile's region).", AllowMultipleArgumentsPerToken = true };
        var allRegions = new Option<bool>("--all-regions") { Description = "Live: every region enabled for the account (DescribeRegions)." };
        var vpcId = new Option<string[]>("--vpc-id") { Description = "Live: only these VPCs, where the API can filter by VPC.", AllowMultipleArgumentsPerToken = true };
        var profile = new Option<string>("--profile") { Description = "Live: the named profile (shared config/credentials files, including SSO)." };
        var endpointUrl = new Option<string>("--endpoint-url") { Description = "Live: send EC2 calls to this URL instead of the regional endpoint." };
        var output = new Option<string>("--out") { Description = "The snapshot file to write.", Required = true };
        var format = FormatOption();
        var verbose = new Option<bool>("--verbose") { Description = "Say what was skipped or ignored, and where credentials and region came from." };
        var command = new Command("export", "Write one snapshot file, from live AWS (--region/--all-regions) or from a folder of describe-* outputs (--from).")
            { from, region, allRegions, vpcId, profile, endpointUrl, output, format, verbose };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var outFile = parse.GetValue(output)!;
            Action<string>? log = parse.GetValue(verbose) ? stderr.WriteLine : null;
            var source = parse.GetValue(from);
            var live = new LiveExportOptions(parse.GetValue(region) ?? [], parse.GetValue(allRegions), parse.GetValue(vpcId) ?? [],
                parse.GetValue(profile), parse.GetValue(endpointUrl));
            VpcSnapshot snapshot;
            if (source is not null)
            {
                if (live.Given) throw new ArgumentException("--from reads saved describe outputs; --region, --all-regions, --vpc-id, --profile and --endpoint-url capture live. Use one or the other.");
                snapshot = SnapshotExport.FromPath(source, outFile, log);
            }
            else
            {
                var result = LiveSnapshot.CaptureAsync(new AwsSdkConnector(), live.Connection, live.Inventory, outFile, null, log).GetAwaiter().GetResult();
                foreach (var fault in result.Faults)
                {
                    var info = ErrorCatalog.Classify(fault);
                    stderr.WriteLine($"vpcsec: warning: {info.ErrorId}: {info.Message}");
                }
                snapshot = result.Snapshot;
            }
            Write(SnapshotSummary.Of(snapshot, outFile), parse.GetValue(format), stdout);
            return Program.Ok;
        }));
        return command;
    }

    /// <summary>The live options of <c>snapshot export</c>, as the engine's requests.</summary>
    private sealed record LiveExportOptions(string[] Regions, bool AllRegions, string[] VpcIds, string? Profile, string? EndpointUrl)
    {
        public bool Given => Regions.Length > 0 || AllRegions || VpcIds.Length > 0 || Profile is not null || EndpointUrl is not null;
        public AwsConnectionRequest Connection => new() { Region = Regions.FirstOrDefault(), ProfileName = Profile, EndpointUrl = EndpointUrl };
        public InventoryRequest Inventory => new() { Regions = Regions, AllRegions = AllRegions, VpcIds = VpcIds };
    }

    private static Command Show()
    {
        var snapshotPath = SnapshotOption();
        var format = FormatOption();
        var command = new Command("show", "Summarise what a snapshot holds, per region.") { snapshotPath, format };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, _) =>
        {
            Write(SnapshotSummary.Of(SnapshotLoader.Load(parse.GetValue(snapshotPath)!)), parse.GetValue(format), stdout);
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

    private static void Write(IReadOnlyList<SnapshotSummary> summaries, string? format, TextWriter stdout)
    {
        if (format == "json") { CliOutput.WriteJson(summaries, stdout); return; }
        CliOutput.WriteTable(
            ["Account", "Region", "VPCs", "Subnets", "SGs", "ENIs", "Instances", "RouteTables", "NACLs", "Sections missing"],
            summaries.Select(s => (IReadOnlyList<string>)
            [
                s.AccountId ?? "?", s.Region, $"{s.Vpcs}", $"{s.Subnets}", $"{s.SecurityGroups}", $"{s.NetworkInterfaces}",
                $"{s.Instances}", $"{s.RouteTables}", $"{s.NetworkAcls}", $"{s.MissingSections.Count}",
            ]), stdout);
        foreach (var s in summaries.Where(s => s.MissingSections.Count > 0))
            stdout.WriteLine($"\n{s.AccountId ?? "?"} {s.Region} has no {string.Join(", ", s.MissingSections)}: analyses that need them answer Unknown.");
        if (summaries.FirstOrDefault()?.OutFile is { } written) stdout.WriteLine($"\nWrote {written}");
    }
}
