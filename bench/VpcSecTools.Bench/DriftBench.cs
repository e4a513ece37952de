using System.Diagnostics;
using System.Globalization;
using VpcSecTools.Drift;
using VpcSecTools.Snapshot;
using static VpcSecTools.Bench.ReachabilityBench;

namespace VpcSecTools.Bench;

/// <summary>
/// Compare-VpcSnapshot at scale: the reachability generator at <c>scale</c> x (10,000 ENIs, 2,000 groups, 20,000 rules at 1)
/// against a copy with a handful of changes (a group's SSH opened to the internet, a NACL entry deleted, a route to a peering
/// added, a public IP associated, an ENI's groups changed), both indexed in memory. Per scale: the diff as the cmdlet runs it
/// (only the verdicts the changes can move), and the baseline in the same process, the same diff with every verdict computed
/// on both snapshots; the reachability changes of both are checked equal. Args: [scale ...] (default 0.25 1).
/// </summary>
public static class DriftBench
{
    public static int Run(string[] args)
    {
        var scales = args.Length > 0 ? args.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [0.25, 1.0];
        Console.WriteLine("| ENIs | SGs | SG rules | changes listed | configuration ms (CPU) | reachability ms (CPU) | findings ms (CPU) | total ms (CPU) | verdicts | full reachability ms (CPU) | full verdicts | full / incremental (CPU, reachability) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scale in scales) Measure(scale);
        return 0;
    }

    private static void Measure(double scale)
    {
        var yesterday = Generate(scale, out var counts, sharedGroup: true);
        var today = Change(yesterday);
        var (before, after) = (new SnapshotIndex(yesterday), new SnapshotIndex(today));

        var sw = Stopwatch.StartNew();
        double cpu = Cpu();
        var report = SnapshotDrift.Compare(before, after);
        var (wall, used) = (sw.Elapsed.TotalMilliseconds, Cpu() - cpu);

        // The baseline: every verdict on both snapshots, fresh indexes so no cache of the first run helps.
        var (freshBefore, freshAfter) = (new SnapshotIndex(yesterday), new SnapshotIndex(today));
        sw.Restart();
        cpu = Cpu();
        var full = SnapshotDrift.Compare(freshBefore, freshAfter, new DriftOptions { FullReachability = true });
        var (fullWall, fullCpu) = (sw.Elapsed.TotalMilliseconds, Cpu() - cpu);
        var same = Lines(report).SequenceEqual(Lines(full));
        if (!same) Console.Error.WriteLine($"warning: scale {scale}: the incremental and full reachability changes differ");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {counts.Enis:N0} | {counts.Groups:N0} | {counts.Rules:N0} | {report.Changes.Count} | {report.Milliseconds["Configuration"]} | {report.Milliseconds["Reachability"]} | {report.Milliseconds["Findings"]} | {wall:F0} ({used:F0}) | {report.Work.Verdicts:N0} | {full.Milliseconds["Reachability"]} | {full.Work.Verdicts:N0} | {full.Milliseconds["Reachability"] / (double)Math.Max(1, report.Milliseconds["Reachability"]):F1}x |"));
        Console.Error.WriteLine($"  scale {scale}: {report.Configuration.Count()} configuration, {report.Reachability.Count()} reachability, {report.Findings.Count()} finding changes; " +
            $"{report.Work.Recomputed} of {report.Work.Destinations} destinations recomputed; full run {fullWall:F0} ms ({fullCpu:F0} CPU); same answer: {same}");
        foreach (var c in report.Reachability.Take(8)) Console.Error.WriteLine($"    {c.Change} {c.Subject} {c.Summary}");
    }

    private static IEnumerable<string> Lines(DriftReport report) =>
        report.Reachability.Select(c => $"{c.Change} {c.Source} {c.DestinationId} {c.Protocol} {c.Ports} {c.Before} {c.After} {string.Join(",", c.Moved)} {c.Cause}");

    /// <summary>The handful of changes a day may bring, each on a different VPC of the generated network.</summary>
    internal static VpcSnapshot Change(VpcSnapshot snapshot) => snapshot with
    {
        Regions = snapshot.Regions.Select(r => r with
        {
            // 1. A group of vpc 0 opens SSH to the internet.
            SecurityGroups = r.SecurityGroups.Select(g => g.GroupId != "sg-0000001" ? g : g with
            {
                IpPermissions = [.. g.IpPermissions, new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, IpRanges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
            }).ToArray(),
            // 2. vpc 1's app NACL loses its deny of SSH from 10.9.0.0/16.
            NetworkAcls = r.NetworkAcls.Select(a => a.NetworkAclId != "acl-0001app" ? a : a with { Entries = a.Entries.Where(e => e.RuleNumber != 50).ToArray() }).ToArray(),
            // 3. vpc 2's private table gets a route to vpc 5 through a peering of its own.
            RouteTables = r.RouteTables.Select(t => t.RouteTableId != "rtb-0002priv" ? t : t with
            {
                Routes = [.. t.Routes, new Route { DestinationCidrBlock = "10.5.0.0/16", VpcPeeringConnectionId = "pcx-0002", State = "active", Origin = "CreateRoute" }],
            }).ToArray(),
            NetworkInterfaces = r.NetworkInterfaces.Select(e => e.NetworkInterfaceId switch
            {
                // 4. An ENI of vpc 3 in a subnet routed to the internet gateway gets a public IP.
                "eni-03000000" => e with { Association = new NetworkInterfaceAssociation { PublicIp = "3.91.22.140", IpOwnerId = "amazon" } },
                // 5. An ENI of vpc 4 is put in one more group.
                "eni-04000001" => e with { Groups = [.. e.Groups, new GroupIdentifier { GroupId = "sg-0400002" }] },
                _ => e,
            }).ToArray(),
        }).ToArray(),
    };
}
