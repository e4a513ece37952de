using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>endpoints [MiB] [--nat-share F] [--gzip] [--keep] [--reuse] [--steps 0,4,5] [--runs N] [--cold]</c>: writes bench/data/endpoints-v5.log (the demo network's v5 format: NAT
/// ENIs seen on both sides, client ENIs, S3/DynamoDB/AMAZON/internet remotes; with --nat-share, VPC-internal records
/// of the app servers and the database fill the file until that fraction of records is on NAT ENIs, as in a VPC-wide
/// log: 0.19 in the demo's day; with --gzip the same records are written to a .gz as S3 delivers them), then times in one
/// process: 0 a plain read (count), 1 the same read filtered on the NAT/endpoint ENIs, 2 a one-field group-by, 3 the
/// general engine's 5-field group-by (how the attribution read before), 4 the attribution read, and 5 read + attribution +
/// plan (best of five each, wall and CPU seconds; --steps picks some by number and --runs sets how many, for inputs of
/// 100 M records; --keep leaves the file and --reuse reads a kept one; --cold empties the page cache before each run).
/// </summary>
public static class EndpointsBench
{
    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status " +
        "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    public static int Run(string[] args)
    {
        long mib = args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var m) ? m : 256;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var demo = Path.Combine(root, "samples", "demo");
        var data = Path.Combine(root, "bench", "data");
        Directory.CreateDirectory(data);
        var file = Path.Combine(data, "endpoints-v5.log");
        var index = new SnapshotIndex(SnapshotLoader.Load(demo));
        int share = Array.IndexOf(args, "--nat-share");
        double natShare = share >= 0 ? double.Parse(args[share + 1], CultureInfo.InvariantCulture) : 4.0 / 6;
        if (natShare is <= 0 or > 0.67) throw new ArgumentException("--nat-share is a fraction above 0 and at most 0.67 (4 NAT records in 6 is every record a NAT flow writes)");
        natShare = Math.Min(natShare, 4.0 / 6);
        bool gzip = args.Contains("--gzip");
        if (gzip) file += ".gz";
        if (args.Contains("--reuse") && File.Exists(file)) Console.WriteLine($"reusing {file} (--reuse: size and share are those it was made with)");
        else
        {
            // S3 delivers flow logs gzip-compressed: the read is then decompression-bound, as it is in real use.
            using Stream output = gzip ? new GZipStream(File.Create(file), CompressionLevel.Fastest) : File.Create(file);
            var lines = Generate(output, mib << 20, index, natShare);
            Console.WriteLine($"generated {mib} MiB, {lines:N0} records, {natShare:P0} on NAT ENIs: {file}");
        }
        var inputs = new[] { FlowLogInput.FromFile(file) };
        var reader = new FlowLogReader();
        var ranges = AwsIpRangeSet.Bundled;
        var prices = PriceTable.Bundled();

        // The attribution's own filter: the NAT gateways' and interface endpoints' ENIs.
        var enis = index.NatGateways.Values.SelectMany(n => n.NatGatewayAddresses).Select(a => a.NetworkInterfaceId)
            .Concat(index.VpcEndpoints.Values.SelectMany(e => e.NetworkInterfaceIds)).OfType<string>().Distinct().ToArray();
        var steps = new (string Name, Func<string> Body)[]
        {
            ("plain read (count records)", () => $"{reader.Run(inputs, new FlowLogQuery()).Report.Records:N0} records"),
            ("filter+count (interface-id in the NAT/endpoint ENIs)", () => $"{reader.Run(inputs, new FlowLogQuery { Filter = new FlowFilter { InterfaceId = enis } }).Matched:N0} matched"),
            ("group by interface-id (engine baseline)", () => $"{reader.Run(inputs, new FlowLogQuery { GroupBy = ["interface-id"] }).GroupCount} groups"),
            ("5-field group-by (the general engine, as the attribution read before)", () =>
                $"{reader.Run(inputs, new FlowLogQuery { GroupBy = NatTrafficAttribution.GroupFieldSets[0], Filter = new FlowFilter { InterfaceId = enis } }).GroupCount:N0} groups"),
            ("attribution read (NatTrafficAttribution.Observe)", () =>
                $"{NatTrafficAttribution.Observe(reader, inputs, index, ranges, new FlowFilter()).Traffic.Flows.Count:N0} flows"),
            ("read + attribution + plan", () =>
            {
                var (traffic, _) = NatTrafficAttribution.Observe(reader, inputs, index, ranges, new FlowFilter());
                return $"{EndpointPlanner.Plan(index, traffic, prices).Recommendations.Count} recommendations";
            }),
        };
        int chosen = Array.IndexOf(args, "--steps"), runsAt = Array.IndexOf(args, "--runs");
        if (chosen >= 0) steps = args[chosen + 1].Split(',').Select(k => steps[int.Parse(k, CultureInfo.InvariantCulture)]).ToArray();
        int runs = runsAt >= 0 ? int.Parse(args[runsAt + 1], CultureInfo.InvariantCulture) : 5;
        bool cold = args.Contains("--cold");
        // --cold: the kernel's page cache is emptied before each run, so the input is read from the disk (Linux, as root).
        var best = StepTable.Best(steps, runs, cold ? () => { using (var sync = Process.Start("sync")!) sync.WaitForExit(); File.WriteAllText("/proc/sys/vm/drop_caches", "3"); } : null);
        StepTable.Table(steps, best, file, $"; {reader.GetType().Name} threads: default ({Environment.ProcessorCount})", baseline: 0, "plain read");
        if (!args.Contains("--keep")) File.Delete(file);
        return 0;
    }

    /// <summary>Wall and CPU seconds (user + system, all threads) of one run.</summary>
    internal static (double Wall, double Cpu, string Note) Time(Func<string> body)
    {
        var self = Process.GetCurrentProcess();
        var cpu = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var note = body();
        double wall = clock.Elapsed.TotalSeconds;
        self.Refresh();
        return (wall, (self.TotalProcessorTime - cpu).TotalSeconds, note);
    }

    /// <summary>Each NAT flow is written as the demo's generator writes it: client ENI both ways, NAT ENI VPC and internet sides.</summary>
    internal static long Generate(Stream output, long size, SnapshotIndex index, double natShare)
    {
        var nats = index.NatGateways.Values.Select(n => (Eni: n.NatGatewayAddresses[0].NetworkInterfaceId!, Ip: n.NatGatewayAddresses[0].PrivateIp!)).ToArray();
        var clients = index.NetworkInterfaces.Values.Where(e => e.InterfaceType is null or "interface" && e.PrivateIpAddress is not null)
            .Select(e => (Eni: e.NetworkInterfaceId, Ip: e.PrivateIpAddress!, Subnet: e.SubnetId ?? "-")).Take(12).ToArray();
        (string Prefix, string Service)[] remotes = [("54.231.130.", "S3"), ("3.218.181.", "DYNAMODB"), ("52.94.1.", "DYNAMODB"), ("52.94.224.", "AMAZON"), ("198.51.100.", "-")];
        var rnd = new Random(7);
        long written = 0, lines = 0, time = 1795294800;
        double filler = 0;
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        w.Write(Header); w.Write('\n');
        var sb = new StringBuilder(256);
        void Line(string eni, string src, string dst, string psrc, string pdst, long bytes, string srcSvc, string dstSvc, string dir, string subnet)
        {
            sb.Clear().Append("5 111122223333 ").Append(eni).Append(' ').Append(src).Append(' ').Append(dst).Append(' ')
              .Append(rnd.Next(1024, 65535)).Append(" 443 6 ").Append(bytes / 900 + 1).Append(' ').Append(bytes).Append(' ')
              .Append(time).Append(' ').Append(time + 60).Append(" ACCEPT OK vpc-04be895ea4d91bcbf ").Append(subnet)
              .Append(" - 3 IPv4 ").Append(psrc).Append(' ').Append(pdst).Append(" us-east-1 use1-az1 ").Append(srcSvc).Append(' ').Append(dstSvc)
              .Append(' ').Append(dir).Append(" -\n");
            w.Write(sb); written += sb.Length; lines++;
        }
        while (written < size)
        {
            var c = clients[rnd.Next(clients.Length)];
            var nat = nats[rnd.Next(nats.Length)];
            var (prefix, svc) = remotes[rnd.Next(remotes.Length)];
            var remote = prefix + rnd.Next(1, 255).ToString(CultureInfo.InvariantCulture);
            long up = rnd.Next(200, 20000), down = rnd.Next(1000, 5_000_000);
            time += rnd.Next(0, 2);
            Line(c.Eni, c.Ip, remote, c.Ip, remote, up, "-", svc, "egress", c.Subnet);
            Line(c.Eni, remote, c.Ip, remote, c.Ip, down, svc, "-", "ingress", c.Subnet);
            Line(nat.Eni, c.Ip, nat.Ip, c.Ip, remote, up, "-", svc, "ingress", "subnet-nat");
            Line(nat.Eni, nat.Ip, remote, nat.Ip, remote, up, "-", svc, "egress", "subnet-nat");
            Line(nat.Eni, remote, nat.Ip, remote, nat.Ip, down, svc, "-", "ingress", "subnet-nat");
            Line(nat.Eni, nat.Ip, c.Ip, remote, c.Ip, down, svc, "-", "egress", "subnet-nat");
            // VPC-internal traffic (app to database, both ENIs) until NAT records are natShare of the file.
            for (filler += 4 / natShare - 6; filler >= 1; filler -= 1)
            {
                var a = clients[rnd.Next(clients.Length)];
                var b = clients[rnd.Next(clients.Length)];
                long bytes = rnd.Next(100, 200_000);
                Line(a.Eni, a.Ip, b.Ip, a.Ip, b.Ip, bytes, "-", "-", "egress", a.Subnet);
            }
        }
        return lines;
    }
}
