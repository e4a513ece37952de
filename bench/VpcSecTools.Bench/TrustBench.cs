using System.Globalization;
using System.IO.Compression;
using System.Text;
using VpcSecTools.FlowLogs;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>trust [MiB] [--gzip] [--keep] [--reuse] [--runs N]</c>: writes bench/data/trust-v5.log, a day of the demo network's
/// flow logs in its v5 format (every connection as a VPC-wide log sees it: two records at each end, SYN and SYN-ACK in the
/// first window; app servers to the database, cache and file system with fresh ephemeral ports, the ALB to the app servers,
/// shared-services monitoring across the peering, thousands of on-premises clients through the transit gateway, internet
/// clients, NAT traffic), then times in one process, best of N (default 5) after a warm-up, interleaved: 0 a plain read
/// (count), 1 the plain group-by by (srcaddr, interface-id, dstport, action), the baseline, 2 the private-trust read
/// (<see cref="PrivateFlows"/>: the groups per source, interface, port, action and opener), 3 read + attribution + zones +
/// findings (<see cref="PrivateTrustAnalysis"/>).
/// </summary>
public static class TrustBench
{
    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status " +
        "vpc-id subnet-id instance-id tcp-flags type pkt-srcaddr pkt-dstaddr region az-id pkt-src-aws-service pkt-dst-aws-service flow-direction traffic-path";

    public static int Run(string[] args)
    {
        long mib = args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var m) ? m : 256;
        var root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));
        var data = Path.Combine(root, "bench", "data");
        Directory.CreateDirectory(data);
        var index = new SnapshotIndex(SnapshotLoader.Load(Path.Combine(root, "samples", "demo")));
        var file = Path.Combine(data, "trust-v5.log" + (args.Contains("--gzip") ? ".gz" : ""));
        if (args.Contains("--reuse") && File.Exists(file)) Console.WriteLine($"reusing {file}");
        else
        {
            using Stream output = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(File.Create(file), CompressionLevel.Fastest) : File.Create(file);
            Console.WriteLine($"generated {mib} MiB, {Generate(output, mib << 20, index):N0} records: {file}");
        }
        var inputs = new[] { FlowLogInput.FromFile(file) };
        var reader = new FlowLogReader();
        var options = new PrivateTrustOptions();
        var steps = new (string Name, Func<string> Body)[]
        {
            ("plain read (count records)", () => $"{reader.Run(inputs, new FlowLogQuery()).Report.Records:N0} records"),
            ("group-by srcaddr, interface-id, dstport, action (baseline)", () =>
                $"{reader.Run(inputs, new FlowLogQuery { GroupBy = ["srcaddr", "interface-id", "dstport", "action"] }).GroupCount:N0} groups"),
            ("private-trust read (PrivateFlows.Observe)", () =>
                $"{PrivateFlows.Observe(reader, inputs, index, options.SensitivePorts, [], new FlowFilter()).Groups.Count:N0} groups"),
            ("read + attribution + zones + findings", () =>
            {
                var flows = PrivateFlows.Observe(reader, inputs, index, options.SensitivePorts, [], new FlowFilter());
                var report = PrivateTrustAnalysis.Analyze(index, flows, options);
                return $"{report.Sources.Count:N0} sources, {report.Findings.Count} findings";
            }),
        };
        StepTable.Print(args, file, steps);
        if (!args.Contains("--keep")) File.Delete(file);
        return 0;
    }

    /// <summary>Connections of a day (2026-11-21), each written at both of its ends when both are ENIs of the VPC-wide log.</summary>
    private static long Generate(Stream output, long size, SnapshotIndex index)
    {
        (string Eni, string Ip) Eni(string id) => (id, index.NetworkInterfaces[id].PrivateIpAddress!);
        (string Eni, string Ip)[] apps = [Eni("eni-000af2608bb0c3622"), Eni("eni-0bbd9dce9a2c09b28"), Eni("eni-04fde501f0b4230b4"), Eni("eni-00159b141d076ff56")];
        (string Eni, string Ip, int Port)[] stores = [(Eni("eni-02dbfad5f6dc1d8fe").Eni, "10.0.20.77", 5432), ("eni-0c4727bfc2e8facc1", "10.0.11.120", 6379), ("eni-086a1f9c96d7d6a1d", "10.0.10.200", 2049)];
        (string Eni, string Ip)[] albs = [Eni("eni-0e59b188dfa23d122"), Eni("eni-0d303fc653297e5f7"), Eni("eni-0ee85f53d8bd74c38")];
        var nat = Eni("eni-05c0a642c17e65b47");
        var rnd = new Random(11);
        long written = 0, lines = 0, time = 1795219200;
        using var w = new StreamWriter(output, new UTF8Encoding(false), 1 << 20, leaveOpen: true);
        w.Write(Header); w.Write('\n');
        var sb = new StringBuilder(256);
        void Line(string eni, string src, string dst, int sport, int dport, int flags, string action, string direction)
        {
            long bytes = rnd.Next(60, 200_000);
            sb.Clear().Append("5 111122223333 ").Append(eni).Append(' ').Append(src).Append(' ').Append(dst).Append(' ').Append(sport).Append(' ').Append(dport)
              .Append(" 6 ").Append(bytes / 900 + 1).Append(' ').Append(bytes).Append(' ').Append(time).Append(' ').Append(time + 60).Append(' ').Append(action)
              .Append(" OK vpc-04be895ea4d91bcbf - - ").Append(flags).Append(" IPv4 ").Append(src).Append(' ').Append(dst).Append(" us-east-1 use1-az1 - - ")
              .Append(direction).Append(" -\n");
            w.Write(sb); written += sb.Length; lines++;
        }
        // One connection: the request and response records at whichever ends are ENIs of the log.
        void Connection((string Eni, string Ip)? client, string clientIp, (string Eni, string Ip)? server, string serverIp, int port, string action = "ACCEPT")
        {
            int eph = rnd.Next(32768, 61000), windows = rnd.Next(1, 4);
            for (int k = 0; k < windows; k++)
            {
                int syn = k == 0 ? 2 : 0, synAck = k == 0 ? 18 : 0;
                if (client is { } c)
                {
                    Line(c.Eni, clientIp, serverIp, eph, port, syn, action, "egress");
                    if (action == "ACCEPT") Line(c.Eni, serverIp, clientIp, port, eph, synAck, action, "ingress");
                }
                if (server is { } s)
                {
                    Line(s.Eni, clientIp, serverIp, eph, port, syn, action, "ingress");
                    if (action == "ACCEPT") Line(s.Eni, serverIp, clientIp, port, eph, synAck, action, "egress");
                }
                time += rnd.Next(0, 2);
            }
        }
        while (written < size)
        {
            int kind = rnd.Next(100);
            var app = apps[rnd.Next(apps.Length)];
            if (kind < 45)
            {
                var store = stores[rnd.Next(stores.Length)];
                Connection(app, app.Ip, (store.Eni, store.Ip), store.Ip, store.Port);
            }
            else if (kind < 60)
            {
                var alb = albs[rnd.Next(albs.Length)];
                Connection(alb, alb.Ip, app, app.Ip, 8080);
            }
            else if (kind < 65) Connection(null, "10.100.1.25", (stores[0].Eni, stores[0].Ip), stores[0].Ip, 5432);
            else if (kind < 75)
                // On premises: a few thousand clients behind the VPN.
                Connection(null, $"172.16.{rnd.Next(0, 16)}.{rnd.Next(1, 255)}", app, app.Ip, 443);
            else if (kind < 90)
            {
                var alb = albs[rnd.Next(albs.Length)];
                Connection(null, $"198.51.100.{rnd.Next(1, 255)}", alb, alb.Ip, 443);
            }
            else if (kind < 97) Connection(app, app.Ip, nat, nat.Ip, 443);
            else Connection(null, $"192.0.2.{rnd.Next(1, 255)}", app, app.Ip, 22, "REJECT");
        }
        return lines;
    }
}
