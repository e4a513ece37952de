using System.Diagnostics;
using System.Globalization;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>audit [groups] [enis]</c>: Find-OverlyOpenPort over a generated network of 5,000 groups x 4 rules
/// (20,000 rules) and 10,000 ENIs in 100 subnets, with exposure. Baseline in the same process: the
/// incumbents' string test (does a rule name "0.0.0.0/0" or "::/0"), which knows nothing of coverage,
/// ranges, NACLs or exposure.
/// </summary>
public static class AuditBench
{
    public static int Run(string[] args)
    {
        int groups = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5_000;
        int enis = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
        var snapshot = Generate(groups, enis);
        int rules = snapshot.Regions[0].SecurityGroups.Sum(g => g.IpPermissions.Sum(p => p.IpRanges.Count + p.Ipv6Ranges.Count + p.UserIdGroupPairs.Count));
        Console.WriteLine($"network: {groups} groups, {rules} ingress rules, {enis} ENIs, 100 subnets");

        var index = Time("index build", () => new SnapshotIndex(snapshot), 3);
        var naive = Time("baseline: string match \"0.0.0.0/0\"", () => snapshot.Regions[0].SecurityGroups
            .Count(g => g.IpPermissions.Any(p => p.IpRanges.Any(r => r.CidrIp == "0.0.0.0/0") || p.Ipv6Ranges.Any(r => r.CidrIpv6 == "::/0"))), 5);
        Time("audit with exposure, no port hygiene", () => OpenPortAudit.Run(index, new AuditOptions { PortHygiene = false }), 5);
        var report = Time("audit with exposure", () => OpenPortAudit.Run(index), 5);
        Console.WriteLine($"findings: {report.Findings.Count}; internet openings with exposure: {report.Findings.Count(f => f.Exposure is not null)}; " +
            $"reachable: {report.Findings.Count(f => f.Exposure?.Verdict == ExposureVerdict.Reachable)}; string-matched groups: {naive}");
        Console.WriteLine($"ratio audit / string match: {_last["audit with exposure"] / _last["baseline: string match \"0.0.0.0/0\""]:F0}x");
        return 0;
    }

    private static readonly Dictionary<string, double> _last = [];

    private static T Time<T>(string name, Func<T> work, int runs)
    {
        T result = work(); // warm-up
        var times = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            var sw = Stopwatch.StartNew();
            result = work();
            times.Add(sw.Elapsed.TotalMilliseconds);
        }
        times.Sort();
        _last[name] = times[times.Count / 2];
        Console.WriteLine($"{name,-40} median {times[times.Count / 2],9:F2} ms  (min {times[0]:F2}, max {times[^1]:F2}, {runs} runs)");
        return result;
    }

    /// <summary>A deterministic network: every 10th group opens a port to the internet (some by split halves or IPv6).</summary>
    private static VpcSnapshot Generate(int groupCount, int eniCount)
    {
        var random = new Random(42);
        var vpc = "vpc-bench";
        var subnets = Enumerable.Range(0, 100).Select(i => new Subnet { SubnetId = $"subnet-{i:D4}", VpcId = vpc, CidrBlock = $"10.{i}.0.0/16" }).ToArray();
        var publicTable = new RouteTable
        {
            RouteTableId = "rtb-public", VpcId = vpc,
            Routes = [new() { DestinationCidrBlock = "10.0.0.0/8", GatewayId = "local", State = "active" }, new() { DestinationCidrBlock = "0.0.0.0/0", GatewayId = "igw-bench", State = "active" }],
            Associations = subnets.Take(50).Select(s => new RouteTableAssociation { SubnetId = s.SubnetId, RouteTableId = "rtb-public" }).ToArray(),
        };
        var mainTable = new RouteTable
        {
            RouteTableId = "rtb-main", VpcId = vpc, Routes = [new() { DestinationCidrBlock = "10.0.0.0/8", GatewayId = "local", State = "active" }],
            Associations = [new RouteTableAssociation { Main = true, RouteTableId = "rtb-main" }],
        };
        NetworkAclEntry E(int n, bool egress, string action, string cidr, string protocol = "-1", int? port = null) =>
            new() { RuleNumber = n, Egress = egress, RuleAction = action, CidrBlock = cidr, Protocol = protocol, PortRange = port is null ? null : new() { From = port, To = port } };
        var acls = new[]
        {
            new NetworkAcl { NetworkAclId = "acl-default", VpcId = vpc, IsDefault = true, Entries = [E(100, false, "allow", "0.0.0.0/0"), E(100, true, "allow", "0.0.0.0/0"), E(32767, false, "deny", "0.0.0.0/0"), E(32767, true, "deny", "0.0.0.0/0")] },
            new NetworkAcl
            {
                NetworkAclId = "acl-strict", VpcId = vpc, IsDefault = false,
                Associations = subnets.Skip(25).Take(25).Select(s => new NetworkAclAssociation { SubnetId = s.SubnetId }).ToArray(),
                Entries = [E(90, false, "deny", "0.0.0.0/0", "6", 22), E(100, false, "allow", "0.0.0.0/0"), E(100, true, "allow", "0.0.0.0/0"), E(32767, false, "deny", "0.0.0.0/0"), E(32767, true, "deny", "0.0.0.0/0")],
            },
        };
        int[] ports = [22, 443, 3306, 5432, 8080, 6379, 3389, 9000];
        IpPermission Perm(int port, string cidr, int to = -1) => cidr.Contains(':')
            ? new() { IpProtocol = "tcp", FromPort = port, ToPort = to < 0 ? port : to, Ipv6Ranges = [new() { CidrIpv6 = cidr }] }
            : new() { IpProtocol = "tcp", FromPort = port, ToPort = to < 0 ? port : to, IpRanges = [new() { CidrIp = cidr }] };
        var groups = new List<SecurityGroup>();
        for (int g = 0; g < groupCount; g++)
        {
            var perms = new List<IpPermission>();
            for (int r = 0; r < 4; r++)
            {
                int port = ports[random.Next(ports.Length)];
                perms.Add((g % 10, r) switch
                {
                    (0, 0) => Perm(port, "0.0.0.0/0"),
                    (1, 0) => Perm(port, "0.0.0.0/1"),
                    (1, 1) => Perm(port, "128.0.0.0/1"),
                    (2, 0) => Perm(port, "::/0"),
                    (3, 0) => Perm(0, "0.0.0.0/0", 1024),
                    (_, 3) => new() { IpProtocol = "tcp", FromPort = port, ToPort = port, UserIdGroupPairs = [new() { GroupId = $"sg-{random.Next(groupCount):D6}" }] },
                    _ => Perm(port, $"10.{random.Next(100)}.{random.Next(256)}.0/24"),
                });
            }
            groups.Add(new SecurityGroup
            {
                GroupId = $"sg-{g:D6}", GroupName = $"group-{g}", VpcId = vpc, OwnerId = "111122223333", IpPermissions = perms,
                IpPermissionsEgress = [new() { IpProtocol = "-1", IpRanges = [new() { CidrIp = "0.0.0.0/0" }] }],
            });
        }
        var enis = new List<NetworkInterface>();
        for (int e = 0; e < eniCount; e++)
        {
            int subnet = e % 100;
            var ip = $"10.{subnet}.{e / 250 % 256}.{e % 250 + 4}";
            var ids = new[] { $"sg-{e % groupCount:D6}" }.Concat(e % 3 == 0 ? [$"sg-{(e * 7 + 1) % groupCount:D6}"] : []).Distinct();
            enis.Add(new NetworkInterface
            {
                NetworkInterfaceId = $"eni-{e:D8}", SubnetId = subnets[subnet].SubnetId, VpcId = vpc, PrivateIpAddress = ip, InterfaceType = "interface",
                PrivateIpAddresses = [new() { PrivateIpAddress = ip, Primary = true }],
                Association = e % 5 == 0 ? new() { PublicIp = $"54.{e / 65536 % 256}.{e / 256 % 256}.{e % 256}" } : null,
                Attachment = new() { InstanceId = $"i-{e:D8}" },
                Groups = ids.Select(id => new GroupIdentifier { GroupId = id }).ToArray(),
            });
        }
        var region = new RegionInventory
        {
            Region = "us-east-1", AccountId = "111122223333",
            Vpcs = [new Vpc { VpcId = vpc, CidrBlock = "10.0.0.0/8" }],
            Subnets = subnets, RouteTables = [publicTable, mainTable], NetworkAcls = acls, SecurityGroups = groups, NetworkInterfaces = enis,
            InternetGateways = [new InternetGateway { InternetGatewayId = "igw-bench", Attachments = [new() { VpcId = vpc, State = "available" }] }],
            CapturedSections = Section.All.Select(s => s.Key).ToHashSet(),
        };
        return new VpcSnapshot { Regions = [region] };
    }
}
