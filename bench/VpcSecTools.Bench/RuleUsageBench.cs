using System.Diagnostics;
using System.Globalization;
using System.Text;
using VpcSecTools.FlowLogs;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>rule-usage [records] [--scale S] [--conversations N] [--runs N] [--keep] [--reuse] [--no-reference]</c>: the reachability bench's
/// network (scale 1: 10,000 ENIs, 2,000 groups with 20,000 rules in 10 VPCs), each VPC with an active flow log, and a day
/// of its flow logs (default 2,000,000 records, v2 default format as S3 delivers it, one object per VPC): conversations
/// the groups allow (a client in a rule's CIDR or group, the server's service port, an ephemeral client port), each
/// logged at both ENIs both ways, plus internet scanners REJECTed. Then times, in one process, best of --runs (3): a plain
/// read (count), a plain group-by of the same records by interface, addresses, destination port, protocol and action (the
/// general engine), and the rule-usage read (sums per flow kind, attribution to every rule, verdicts, proposals).
/// </summary>
public static class RuleUsageBench
{
    private const string Header = "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status";
    private static readonly DateTimeOffset Day = new(2026, 11, 21, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        long records = args.Length > 0 && long.TryParse(args[0], CultureInfo.InvariantCulture, out var r) ? r : 2_000_000;
        double scale = Option(args, "--scale", 1.0);
        int conversations = (int)Option(args, "--conversations", 100_000), runs = (int)Option(args, "--runs", 3);
        var data = Path.Combine(ReachabilityBench.FindRoot(), "bench", "data", "rule-usage");
        Directory.CreateDirectory(data);

        var snapshot = ReachabilityBench.Generate(scale, out var counts);
        var region = snapshot.Regions[0];
        // One active flow log per VPC, logging all traffic to S3 since long before the day.
        region = region with
        {
            FlowLogs = region.Vpcs.Select((v, i) => new FlowLog
            {
                FlowLogId = $"fl-{i:x4}", ResourceId = v.VpcId, TrafficType = "ALL", LogDestinationType = "s3", LogDestination = "arn:aws:s3:::bench-flow-logs",
                FlowLogStatus = "ACTIVE", DeliverLogsStatus = "SUCCESS", CreationTime = "2025-01-01T00:00:00Z",
            }).ToList(),
        };
        var index = new SnapshotIndex(snapshot with { Regions = [region] });
        var files = region.Vpcs.Select((v, i) => Path.Combine(data, $"111111111111_vpcflowlogs_us-east-1_fl-{i:x4}_20261121T0000Z_bench.log")).ToArray();
        if (args.Contains("--reuse") && files.All(File.Exists)) Console.WriteLine($"reusing {data} (--reuse: records and conversations are those it was made with)");
        else
        {
            var written = Generate(index, files, records, conversations);
            Console.WriteLine($"generated {written:N0} records of {conversations:N0} conversations in {files.Length} objects: {data}");
        }
        var inputs = files.Select(f => FlowLogInput.FromFile(f)).ToArray();
        var reader = new FlowLogReader();
        string? last = null; // the proposals of the last run, every run gives the same
        string[] groupBy = ["interface-id", "srcaddr", "dstaddr", "dstport", "protocol", "action"];
        var steps = new List<(string Name, Func<string> Body)>
        {
            ("plain read (count records)", () => $"{reader.Run(inputs, new FlowLogQuery()).Report.Records:N0} records"),
            ("plain group-by (interface-id, srcaddr, dstaddr, dstport, protocol, action)", () => $"{reader.Run(inputs, new FlowLogQuery { GroupBy = groupBy }).GroupCount:N0} groups"),
            ("rule usage (read, attribution, verdicts, proposals)", () => Usage(new RuleUsageOptions())),
        };
        // The straightforward exposure (each proposal's on its own), the before of the shared one, same answers; --no-reference
        // leaves it out (to profile the shared path alone: then nothing holds the two to the same answer).
        if (!args.Contains("--no-reference"))
            steps.Add(("rule usage, each proposal's exposure on its own", () => Usage(new RuleUsageOptions { Shortcuts = false })));
        string Usage(RuleUsageOptions options)
        {
            var report = RuleUsageAnalysis.Read(new RuleUsageRequest { Index = index, Paths = files, Options = options }, () => throw new InvalidOperationException("offline"), new FlowLogRunEvents());
            var proposals = System.Text.Json.JsonSerializer.Serialize(report.Proposals);
            if (last is not null && last != proposals) throw new InvalidOperationException("the shared and the straightforward exposure differ");
            last = proposals;
            return string.Create(CultureInfo.InvariantCulture,
                $"read {report.Read!.Elapsed.TotalSeconds:F2} s of it; {report.FlowKinds:N0} flow kinds; {report.Rules.Count(x => x.Verdict == UsageVerdict.Used):N0} used, {report.Rules.Count(x => x.Verdict == UsageVerdict.Unused):N0} unused, " +
                $"{report.Rules.Count(x => x.Verdict == UsageVerdict.Unknown):N0} unknown; {report.Proposals.Count(p => p.Safe):N0} safe proposals, {report.Proposals.Count(p => !p.Safe):N0} withheld");
        }
        var best = StepTable.Best(steps, runs);
        double mb = files.Sum(f => new FileInfo(f).Length) / 1e6;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"machine: {Environment.ProcessorCount} cores, load {File.ReadAllText("/proc/loadavg").Trim()}; {counts.Enis:N0} ENIs, {counts.Groups:N0} groups, {counts.Rules:N0} rules; {mb:F0} MB"));
        Console.WriteLine("| step | wall s | CPU s | vs group-by (wall) | vs group-by (CPU) | note |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | --- |");
        for (int k = 0; k < steps.Count; k++)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {steps[k].Name} | {best[k].Wall:F2} | {best[k].Cpu:F2} | {best[k].Wall / best[1].Wall:F2}x | {best[k].Cpu / best[1].Cpu:F2}x | {best[k].Note} |"));
        if (!args.Contains("--keep")) foreach (var f in files) File.Delete(f);
        return 0;
    }

    private static double Option(string[] args, string name, double fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 ? double.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>
    /// Conversations the rules allow: a server ENI, one of its groups' inbound rules, a client the rule admits (an ENI in its
    /// CIDR, or a member of its group). Each capture of a conversation writes four records: request and response at the
    /// client's ENI and at the server's, in each ENI's VPC object. A twentieth of the records are internet scanners REJECTed.
    /// </summary>
    private static long Generate(SnapshotIndex index, string[] files, long records, int conversations)
    {
        var rnd = new Random(11);
        var enis = index.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray();
        var vpcOf = index.Vpcs.Keys.Order(StringComparer.Ordinal).Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i);
        var bySubnetCidr = enis.GroupBy(e => index.Subnets[e.SubnetId!].CidrBlock!).ToDictionary(g => g.Key, g => g.ToArray());
        var pool = new List<(NetworkInterface Client, NetworkInterface Server, int Port)>(conversations);
        while (pool.Count < conversations)
        {
            var server = enis[rnd.Next(enis.Length)];
            var group = index.SecurityGroups[server.Groups[rnd.Next(server.Groups.Count)].GroupId!];
            var permission = group.IpPermissions[rnd.Next(group.IpPermissions.Count)];
            var members = permission.UserIdGroupPairs.Count > 0 ? index.EnisInGroup(permission.UserIdGroupPairs[0].GroupId!).ToArray()
                : bySubnetCidr.GetValueOrDefault(permission.IpRanges[0].CidrIp!) ?? [];
            if (members.Length == 0) continue;
            var client = members[rnd.Next(members.Length)];
            if (client == server) continue;
            pool.Add((client, server, permission.FromPort!.Value));
        }
        var writers = files.Select(f => new StreamWriter(f, false, new UTF8Encoding(false), 1 << 20)).ToArray();
        foreach (var w in writers) { w.Write(Header); w.Write('\n'); }
        var sb = new StringBuilder(160);
        long start = Day.ToUnixTimeSeconds(), lines = 0;
        void Line(NetworkInterface at, string src, string dst, int srcPort, int dstPort, long packets, long bytes, long time, string action)
        {
            sb.Clear().Append("2 111111111111 ").Append(at.NetworkInterfaceId).Append(' ').Append(src).Append(' ').Append(dst).Append(' ')
                .Append(srcPort).Append(' ').Append(dstPort).Append(" 6 ").Append(packets).Append(' ').Append(bytes).Append(' ')
                .Append(time).Append(' ').Append(time + 60).Append(' ').Append(action).Append(" OK\n");
            writers[vpcOf[at.VpcId!]].Write(sb);
            lines++;
        }
        while (lines < records)
        {
            long time = start + rnd.Next(0, 86_340);
            if (rnd.Next(20) == 0)
            {
                var target = enis[rnd.Next(enis.Length)];
                var scanner = $"198.51.100.{rnd.Next(1, 255)}";
                Line(target, scanner, target.PrivateIpAddress!, rnd.Next(1024, 65535), 22, 1, 44, time, "REJECT");
                continue;
            }
            var (client, server, port) = pool[rnd.Next(pool.Count)];
            string c = client.PrivateIpAddress!, s = server.PrivateIpAddress!;
            int ephemeral = rnd.Next(32768, 61000);
            long up = rnd.Next(100, 20_000), down = rnd.Next(100, 2_000_000);
            Line(client, c, s, ephemeral, port, up / 900 + 1, up, time, "ACCEPT");
            Line(server, c, s, ephemeral, port, up / 900 + 1, up, time, "ACCEPT");
            Line(server, s, c, port, ephemeral, down / 1400 + 1, down, time, "ACCEPT");
            Line(client, s, c, port, ephemeral, down / 1400 + 1, down, time, "ACCEPT");
        }
        foreach (var w in writers) w.Dispose();
        return lines;
    }
}
