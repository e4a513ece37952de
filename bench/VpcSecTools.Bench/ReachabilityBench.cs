using System.Diagnostics;
using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// Reachability at scale: generates a snapshot (by default 10,000 ENIs, 2,000 security groups with 20,000
/// rules, 500 subnets in 10 VPCs joined by a transit gateway and peerings), writes it under bench/data,
/// then times load + index, single path queries, and a fan-out over every ENI against the same fan-out
/// done pair by pair (the baseline). Args: [scale ...] (1 = the sizes above; default 0.25 0.5 1).
/// </summary>
public static class ReachabilityBench
{
    public static int Run(string[] args)
    {
        var scales = args.Length > 0 ? args.Select(a => double.Parse(a, CultureInfo.InvariantCulture)).ToArray() : [0.25, 0.5, 1.0];
        Console.WriteLine("| ENIs | SGs | SG rules | subnets | file MB | load+index ms (CPU) | path query median us | path p95 us | fan-out ms (CPU) | pairwise ms (CPU) | pairwise/fan-out (CPU) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var scale in scales) Measure(scale);
        return 0;
    }

    private static void Measure(double scale)
    {
        var snapshot = Generate(scale, out var counts);
        var dir = Path.Combine(FindRoot(), "bench", "data");
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, $"reach-{scale.ToString(CultureInfo.InvariantCulture)}.snapshot.json");
        SnapshotFile.Write(snapshot, file);
        double mb = new FileInfo(file).Length / 1e6;

        var sw = Stopwatch.StartNew();
        var cpu = Cpu();
        var index = new SnapshotIndex(SnapshotLoader.Load(file));
        double loadMs = sw.Elapsed.TotalMilliseconds, loadCpu = Cpu() - cpu;

        var analyzer = new ReachabilityAnalyzer(index);
        var enis = index.NetworkInterfaces.Values.Where(e => e.Groups.Count > 0).ToArray();
        var rnd = new Random(7);
        var traffic = Traffic.Tcp(5432);
        for (int i = 0; i < 200; i++) analyzer.Analyze(enis[rnd.Next(enis.Length)].NetworkInterfaceId, enis[rnd.Next(enis.Length)].NetworkInterfaceId, traffic);
        var times = new List<double>();
        int reachable = 0;
        for (int i = 0; i < 2000; i++)
        {
            var a = enis[rnd.Next(enis.Length)].NetworkInterfaceId;
            var b = enis[rnd.Next(enis.Length)].NetworkInterfaceId;
            if (a == b) continue;
            var t = Stopwatch.GetTimestamp();
            var r = analyzer.Analyze(a, b, traffic);
            times.Add(Stopwatch.GetElapsedTime(t).TotalMicroseconds);
            if (r.Verdict == Verdict.Reachable) reachable++;
        }
        times.Sort();

        var target = enis[enis.Length / 2].NetworkInterfaceId;
        var fan = new ReachabilityFanOut(analyzer);
        var all = fan.SourcesMatching("*")!;
        fan.WhoCanReach(target, traffic, all.Take(100));
        // The machine is shared: each side is the best of three runs.
        IReadOnlyList<ReachableSource> fanResults = [];
        double fanMs = double.MaxValue, pairMs = double.MaxValue, fanCpu = double.MaxValue, pairCpu = double.MaxValue;
        int pairwiseReachable = 0;
        for (int run = 0; run < 3; run++)
        {
            sw.Restart(); cpu = Cpu();
            fanResults = fan.WhoCanReach(target, traffic, all);
            fanMs = Math.Min(fanMs, sw.Elapsed.TotalMilliseconds);
            fanCpu = Math.Min(fanCpu, Cpu() - cpu);
            sw.Restart(); cpu = Cpu();
            pairwiseReachable = 0;
            foreach (var e in all)
            {
                if (e.NetworkInterfaceId == target || SecurityGroupEvaluator.IsUnfiltered(e)) continue;
                if (analyzer.Analyze(e.NetworkInterfaceId, target, traffic).Verdict == Verdict.Reachable) pairwiseReachable++;
            }
            pairMs = Math.Min(pairMs, sw.Elapsed.TotalMilliseconds);
            pairCpu = Math.Min(pairCpu, Cpu() - cpu);
        }
        int fanReachable = fanResults.Count(r => r.Verdict == Verdict.Reachable);
        if (fanReachable != pairwiseReachable) Console.Error.WriteLine($"warning: fan-out found {fanReachable} reachable sources, pairwise {pairwiseReachable}");

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {counts.Enis:N0} | {counts.Groups:N0} | {counts.Rules:N0} | {counts.Subnets} | {mb:F1} | {loadMs:F0} ({loadCpu:F0}) | {times[times.Count / 2]:F1} | {times[(int)(times.Count * 0.95)]:F1} | {fanMs:F0} ({fanCpu:F0}) | {pairMs:F0} ({pairCpu:F0}) | {pairCpu / fanCpu:F1}x |"));
        Console.Error.WriteLine($"  scale {scale}: {reachable}/{times.Count} sampled pairs reachable; {fanReachable} sources reach {target} on tcp/5432");
    }

    /// <summary>CPU time of the whole process (ms): on a shared, overloaded machine wall time mostly measures waiting.</summary>
    internal static double Cpu() => Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;

    internal sealed record Counts(int Enis, int Groups, int Rules, int Subnets);

    /// <summary>
    /// 10 VPCs (10.v.0.0/16), 50 subnets each over 3 AZs (at most 250: /24s in a /16), a TGW attachment per VPC, peerings
    /// between neighbours. <paramref name="sharedGroup"/> puts every ENI of a VPC in its first group as well, as a
    /// default or "common" group is in real accounts (the index's worst case: one group with every ENI).
    /// </summary>
    internal static VpcSnapshot Generate(double scale, out Counts counts, bool sharedGroup = false)
    {
        const int vpcCount = 10;
        int subnetsPerVpc = Math.Clamp((int)(50 * scale), 3, 250), groupsPerVpc = Math.Max(2, (int)(200 * scale)), enisPerVpc = Math.Max(2, (int)(1000 * scale));
        var rnd = new Random(42);
        string[] azs = ["us-east-1a", "us-east-1b", "us-east-1c"];
        var vpcs = new List<Vpc>(); var subnets = new List<Subnet>(); var tables = new List<RouteTable>(); var acls = new List<NetworkAcl>();
        var groups = new List<SecurityGroup>(); var enis = new List<NetworkInterface>(); var peerings = new List<VpcPeeringConnection>();
        var attachments = new List<TransitGatewayAttachment>(); var vpcAttachments = new List<TransitGatewayVpcAttachment>(); var propagations = new List<TransitGatewayRouteTablePropagation>();
        var igws = new List<InternetGateway>();
        int rules = 0;
        for (int v = 0; v < vpcCount; v++)
        {
            string vpcId = $"vpc-{v:x4}", cidr = $"10.{v}.0.0/16";
            vpcs.Add(new Vpc { VpcId = vpcId, CidrBlock = cidr, CidrBlockAssociationSet = [new VpcCidrBlockAssociation { CidrBlock = cidr, CidrBlockState = new StateWithMessage { State = "associated" } }] });
            igws.Add(new InternetGateway { InternetGatewayId = $"igw-{v:x4}", Attachments = [new InternetGatewayAttachment { VpcId = vpcId, State = "available" }] });
            var vpcSubnets = Enumerable.Range(0, subnetsPerVpc).Select(s => new Subnet { SubnetId = $"subnet-{v:x2}{s:x3}", VpcId = vpcId, CidrBlock = $"10.{v}.{s}.0/24", AvailabilityZone = azs[s % 3] }).ToList();
            subnets.AddRange(vpcSubnets);
            var routes = new List<Route>
            {
                new() { DestinationCidrBlock = cidr, GatewayId = "local", State = "active" },
                new() { DestinationCidrBlock = "10.0.0.0/8", TransitGatewayId = "tgw-0001", State = "active" },
                new() { DestinationCidrBlock = "0.0.0.0/0", GatewayId = $"igw-{v:x4}", State = "active" },
            };
            int peer = (v + 1) % vpcCount;
            routes.Add(new Route { DestinationCidrBlock = $"10.{peer}.0.0/16", VpcPeeringConnectionId = $"pcx-{v:x4}", State = "active" });
            if (v > 0) routes.Add(new Route { DestinationCidrBlock = $"10.{v - 1}.0.0/16", VpcPeeringConnectionId = $"pcx-{v - 1:x4}", State = "active" });
            tables.Add(new RouteTable { RouteTableId = $"rtb-{v:x4}main", VpcId = vpcId, Associations = [new RouteTableAssociation { Main = true }], Routes = routes });
            tables.Add(new RouteTable
            {
                RouteTableId = $"rtb-{v:x4}priv", VpcId = vpcId, Routes = routes.Where(r => r.GatewayId?.StartsWith("igw-", StringComparison.Ordinal) != true).ToList(),
                Associations = vpcSubnets.Where((_, i) => i % 2 == 1).Select(s => new RouteTableAssociation { SubnetId = s.SubnetId }).ToList(),
            });
            acls.Add(new NetworkAcl { NetworkAclId = $"acl-{v:x4}def", VpcId = vpcId, IsDefault = true, Entries = Allow(0) });
            acls.Add(new NetworkAcl
            {
                NetworkAclId = $"acl-{v:x4}app", VpcId = vpcId, IsDefault = false,
                Associations = vpcSubnets.Where((_, i) => i % 3 == 2).Select(s => new NetworkAclAssociation { SubnetId = s.SubnetId }).ToList(),
                Entries = Allow(8).Concat([new NetworkAclEntry { RuleNumber = 50, Egress = false, Protocol = "6", RuleAction = "deny", CidrBlock = "10.9.0.0/16", PortRange = new NetworkAclPortRange { From = 22, To = 22 } }]).ToList(),
            });
            for (int g = 0; g < groupsPerVpc; g++)
            {
                var ingress = new List<IpPermission>();
                for (int r = 0; r < 9; r++)
                {
                    int port = new[] { 22, 80, 443, 5432, 3306, 6379, 8080, 9000 }[rnd.Next(8)];
                    ingress.Add(rnd.Next(4) == 0
                        ? new IpPermission { IpProtocol = "tcp", FromPort = port, ToPort = port, UserIdGroupPairs = [new UserIdGroupPair { GroupId = $"sg-{v:x2}{rnd.Next(groupsPerVpc):x5}" }] }
                        : new IpPermission { IpProtocol = "tcp", FromPort = port, ToPort = port, IpRanges = [new IpRange { CidrIp = $"10.{rnd.Next(vpcCount)}.{rnd.Next(subnetsPerVpc)}.0/24" }] });
                }
                groups.Add(new SecurityGroup { GroupId = $"sg-{v:x2}{g:x5}", VpcId = vpcId, IpPermissions = ingress, IpPermissionsEgress = [new IpPermission { IpProtocol = "-1", IpRanges = [new IpRange { CidrIp = "0.0.0.0/0" }] }] });
                rules += ingress.Count + 1;
            }
            for (int e = 0; e < enisPerVpc; e++)
            {
                var subnet = vpcSubnets[e % subnetsPerVpc];
                string ip = $"10.{v}.{e % subnetsPerVpc}.{10 + e / subnetsPerVpc}";
                var eniGroups = Enumerable.Range(0, 1 + rnd.Next(3)).Select(_ => new GroupIdentifier { GroupId = $"sg-{v:x2}{rnd.Next(groupsPerVpc):x5}" }).DistinctBy(g => g.GroupId).ToList();
                if (sharedGroup && eniGroups.All(g => g.GroupId != $"sg-{v:x2}{0:x5}")) eniGroups.Add(new GroupIdentifier { GroupId = $"sg-{v:x2}{0:x5}" });
                enis.Add(new NetworkInterface
                {
                    NetworkInterfaceId = $"eni-{v:x2}{e:x6}", SubnetId = subnet.SubnetId, VpcId = vpcId, AvailabilityZone = subnet.AvailabilityZone, PrivateIpAddress = ip,
                    PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = ip, Primary = true }], Groups = eniGroups, InterfaceType = "interface",
                    Attachment = new NetworkInterfaceAttachment { InstanceId = $"i-{v:x2}{e:x6}", DeviceIndex = 0 },
                });
            }
            peerings.Add(new VpcPeeringConnection
            {
                VpcPeeringConnectionId = $"pcx-{v:x4}", Status = new PeeringStatus { Code = "active" },
                RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = vpcId, CidrBlock = cidr, Region = "us-east-1" },
                AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = $"vpc-{peer:x4}", CidrBlock = $"10.{peer}.0.0/16", Region = "us-east-1" },
            });
            string att = $"tgw-attach-{v:x4}";
            vpcAttachments.Add(new TransitGatewayVpcAttachment { TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-0001", VpcId = vpcId, State = "available", SubnetIds = vpcSubnets.Take(3).Select(s => s.SubnetId).ToList() });
            attachments.Add(new TransitGatewayAttachment { TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-0001", ResourceType = "vpc", ResourceId = vpcId, State = "available", Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-0001", State = "associated" } });
            propagations.Add(new TransitGatewayRouteTablePropagation { TransitGatewayAttachmentId = att, ResourceId = vpcId, ResourceType = "vpc", State = "enabled" });
        }
        counts = new Counts(enis.Count, groups.Count, rules, subnets.Count);
        var region = new RegionInventory
        {
            Region = "us-east-1", AccountId = "111111111111", Vpcs = vpcs, Subnets = subnets, RouteTables = tables, NetworkAcls = acls, SecurityGroups = groups,
            NetworkInterfaces = enis, InternetGateways = igws, VpcPeeringConnections = peerings,
            TransitGateways = [new TransitGateway { TransitGatewayId = "tgw-0001", State = "available" }],
            TransitGatewayAttachments = attachments, TransitGatewayVpcAttachments = vpcAttachments,
            TransitGatewayRouteTables = [new TransitGatewayRouteTable { TransitGatewayRouteTableId = "tgw-rtb-0001", TransitGatewayId = "tgw-0001" }],
            TransitGatewayPropagations = [new TransitGatewayPropagationsOfTable { TransitGatewayRouteTableId = "tgw-rtb-0001", TransitGatewayRouteTablePropagations = propagations }],
            TransitGatewayStaticRoutes = [new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = "tgw-rtb-0001" }],
            CapturedSections = new HashSet<string>(Section.All.Select(s => s.Key).Where(k => k != Section.TransitGatewayPropagatedRoutes)),
        };
        return new VpcSnapshot { Regions = [region] };
    }

    private static List<NetworkAclEntry> Allow(int offset) =>
    [
        new() { RuleNumber = 100 + offset, Egress = false, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 32767, Egress = false, Protocol = "-1", RuleAction = "deny", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 100 + offset, Egress = true, Protocol = "-1", RuleAction = "allow", CidrBlock = "0.0.0.0/0" },
        new() { RuleNumber = 32767, Egress = true, Protocol = "-1", RuleAction = "deny", CidrBlock = "0.0.0.0/0" },
    ];

    internal static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VpcSecTools.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
