using System.Globalization;
using System.IO.Compression;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;
using VpcSecTools.TransferCost;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>transfer [MiB] [--nat-share F] [--gzip] [--keep] [--reuse] [--runs N]</c>: writes bench/data/transfer-v5.log(.gz) in the demo
/// network's v5 format (as the endpoints bench does: NAT flows seen on client and NAT interfaces, VPC-internal records until
/// the NAT share is reached), then times in one process, interleaved, best of N: 0 a plain read (count records), 1 a plain
/// group-by of interface-id, srcaddr, dstaddr, flow-direction and action (what a script would sum talkers from), 2 the
/// transfer-cost read (every record placed on a path and summed per talker pair), 3 the same and the priced report.
/// </summary>
public static class TransferBench
{
    public static int Run(string[] args)
    {
        long mib = args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var m) ? m : 256;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var data = Path.Combine(root, "bench", "data");
        Directory.CreateDirectory(data);
        var index = new SnapshotIndex(SnapshotLoader.Load(Path.Combine(root, "samples", "demo")));
        int share = Array.IndexOf(args, "--nat-share");
        double natShare = share >= 0 ? double.Parse(args[share + 1], CultureInfo.InvariantCulture) : 0.19;
        bool gzip = args.Contains("--gzip");
        var file = Path.Combine(data, "transfer-v5.log" + (gzip ? ".gz" : ""));
        if (args.Contains("--reuse") && File.Exists(file)) Console.WriteLine($"reusing {file}");
        else
        {
            using Stream output = gzip ? new GZipStream(File.Create(file), CompressionLevel.Fastest) : File.Create(file);
            var lines = EndpointsBench.Generate(output, mib << 20, index, natShare);
            Console.WriteLine($"generated {mib} MiB, {lines:N0} records, {natShare:P0} on NAT ENIs: {file}");
        }
        var inputs = new[] { FlowLogInput.FromFile(file) };
        var reader = new FlowLogReader();
        var ranges = AwsIpRangeSet.Bundled;
        var prices = PriceTable.Bundled();
        var steps = new (string Name, Func<string> Body)[]
        {
            ("plain read (count records)", () => $"{reader.Run(inputs, new FlowLogQuery()).Report.Records:N0} records"),
            ("plain group-by interface-id, srcaddr, dstaddr, flow-direction, action", () =>
                $"{reader.Run(inputs, new FlowLogQuery { GroupBy = ["interface-id", "srcaddr", "dstaddr", "flow-direction", "action"] }).GroupCount:N0} groups"),
            ("transfer-cost read (TransferCosting.Read, paths and talkers)", () =>
                $"{TransferCosting.Read(reader, inputs, new FlowFilter(), index, ranges, prices, PlanWindow.All, top: 0).Report.Lines.Count} paths"),
            ("transfer-cost read + 5 talkers per path", () =>
                $"{TransferCosting.Read(reader, inputs, new FlowFilter(), index, ranges, prices, PlanWindow.All, top: 5).Report.TotalCostPerMonth:F2} per month"),
        };
        StepTable.Print(args, file, steps, $"; reader threads: default ({Environment.ProcessorCount})");
        if (!args.Contains("--keep")) File.Delete(file);
        return 0;
    }
}
