using System.Diagnostics;
using System.Globalization;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>ipmap [addresses] [--file]</c>: generates a large snapshot (VPCs of 1,000 ENIs each, peered in a chain, all on
/// one transit gateway) in memory (with --file: written to bench/data/ipmap-snapshot.json and read back, to time the
/// loader too), builds the map and the attributor, then times attribution on one thread by scope against two baselines in the same run: a bare
/// dictionary lookup (the floor) and a linear scan of the map (what a script would do).
/// </summary>
public static class IpMapBench
{
    private const int EnisPerVpc = 1000, SubnetsPerVpc = 10;

    public static int Run(string[] args)
    {
        int addresses = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? int.Parse(args[0], CultureInfo.InvariantCulture) : 100_000;
        int vpcs = Math.Max(2, addresses / EnisPerVpc);
        var sw = Stopwatch.StartNew();
        var snapshot = Generate(vpcs);
        Console.WriteLine($"generated {vpcs} VPCs x {EnisPerVpc} ENIs in memory in {sw.Elapsed.TotalSeconds:F1} s");
        if (args.Contains("--file"))
        {
            var path = Path.Combine(FindRoot(), "bench", "data", "ipmap-snapshot.json");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            sw.Restart();
            SnapshotFile.Write(snapshot, path);
            var written = sw.Elapsed;
            sw.Restart();
            snapshot = SnapshotLoader.Load(path);
            Console.WriteLine($"snapshot file {new FileInfo(path).Length >> 20} MiB: write {written.TotalSeconds:F1} s, load {sw.Elapsed.TotalSeconds:F1} s");
            File.Delete(path);
        }

        var (index, indexCpu) = Cpu(() => new SnapshotIndex(snapshot));
        var (map, mapCpu) = Cpu(() => new PrivateIpMap(index));
        var (ranges, rangesCpu) = Cpu(() => AwsIpRangeSet.Bundled);
        var (attributor, attributorCpu) = Cpu(() => new AddressAttributor(index, ranges, map));
        Console.WriteLine($"CPU seconds: SnapshotIndex {indexCpu:F2}, PrivateIpMap {mapCpu:F2} ({map.Entries.Count:N0} addresses), " +
                          $"bundled ip-ranges {rangesCpu:F2}, attributor {attributorCpu:F2}");

        var vpcIds = index.Vpcs.Keys.Order(StringComparer.Ordinal).ToArray();
        var owned = map.Entries.Select(e => (e.Cidr.Network, e.VpcId)).ToArray();
        var random = new Random(42);
        var sample = Enumerable.Range(0, 200_000).Select(_ => owned[random.Next(owned.Length)]).ToArray();
        var awsPrefixes = ranges.Prefixes.Where(p => !p.Prefix.IsIPv6).ToArray();
        var publicSample = Enumerable.Range(0, 200_000).Select(_ => awsPrefixes[random.Next(awsPrefixes.Length)].Prefix.Network.Add(1)).ToArray();

        // Baseline 1, the floor: one dictionary probe per address, no routing, no owner.
        var dict = new Dictionary<IpAddress, PrivateIpMapEntry>();
        foreach (var e in map.Entries) dict.TryAdd(e.Cidr.Network, e);
        double floor = Rate(sample.Length, () => { int hits = 0; foreach (var (ip, _) in sample) if (dict.ContainsKey(ip)) hits++; return hits; });
        // Baseline 2, the script way: scan every entry for the address.
        double scan = Rate(200, () =>
        {
            int hits = 0;
            for (int i = 0; i < 200; i++) foreach (var e in map.Entries) if (e.Cidr.Network == sample[i].Network) { hits++; break; }
            return hits;
        });

        var results = new List<(string Name, double Rate)>
        {
            ("ThisVpc (-FromVpcId given)", Rate(sample.Length, () => Count(sample, s => attributor.Attribute(s.Network, s.VpcId)))),
            ("ThisVpc (default vantage)", Rate(sample.Length, () => Count(sample, s => attributor.Attribute(s.Network)))),
            ("PeeredVpc (next VPC in the chain)", Rate(sample.Length, () => Count(sample, s => attributor.Attribute(s.Network, Peer(s.VpcId!, vpcIds))))),
            ("TransitGateway (any VPC two away)", Rate(sample.Length, () => Count(sample, s => attributor.Attribute(s.Network, TwoAway(s.VpcId!, vpcIds))))),
            ("AwsService (public AWS ranges)", Rate(publicSample.Length, () => Count(publicSample, ip => attributor.Attribute(ip, vpcIds[0])))),
        };
        Console.WriteLine();
        Console.WriteLine($"load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} on {Environment.ProcessorCount} cores; rates are per CPU second of this process");
        Console.WriteLine($"| operation (1 thread) | per CPU second | vs dictionary probe | vs linear scan |");
        Console.WriteLine($"| --- | ---: | ---: | ---: |");
        Console.WriteLine($"| baseline: Dictionary<IpAddress> probe | {floor:N0} | 1.00 | {floor / scan:N0}x |");
        Console.WriteLine($"| baseline: linear scan of the map | {scan:N0} | {scan / floor:F5} | 1x |");
        foreach (var (name, rate) in results)
            Console.WriteLine($"| attribution: {name} | {rate:N0} | {rate / floor:F3} | {rate / scan:N0}x |");
        var mapRate = Rate(1, () => map.Select(null, null).Count());
        Console.WriteLine($"| map: enumerate all {map.Entries.Count:N0} entries | {mapRate * map.Entries.Count:N0} | | |");
        return 0;
    }

    private static int Count<T>(T[] items, Func<T, AddressAttribution> attribute)
    {
        int n = 0;
        foreach (var item in items) if (attribute(item).Scope != AttributionScope.Unknown) n++;
        if (n < items.Length / 2) throw new InvalidOperationException($"only {n} of {items.Length} attributed: the generated network is wrong");
        return n;
    }

    /// <summary>
    /// Operations per CPU second of this process (best of three after a warm-up). The machine is shared, so
    /// wall-clock rates swing with the load; CPU time is what one core spends on the work.
    /// </summary>
    private static double Rate(int operations, Func<int> body)
    {
        body();
        double best = 0;
        var process = Process.GetCurrentProcess();
        for (int i = 0; i < 3; i++)
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            body();
            process.Refresh();
            best = Math.Max(best, operations / Math.Max((process.TotalProcessorTime - cpu).TotalSeconds, 1e-6));
        }
        return best;
    }

    private static (T Value, double CpuSeconds) Cpu<T>(Func<T> build)
    {
        var process = Process.GetCurrentProcess();
        var before = process.TotalProcessorTime;
        var value = build();
        process.Refresh();
        return (value, (process.TotalProcessorTime - before).TotalSeconds);
    }

    private static string Peer(string vpcId, string[] vpcs) => vpcs[(Array.IndexOf(vpcs, vpcId) + 1) % vpcs.Length];
    private static string TwoAway(string vpcId, string[] vpcs) => vpcs[(Array.IndexOf(vpcs, vpcId) + 2) % vpcs.Length];

    /// <summary>VPC i = 10.(i/256*?)...: each VPC a /16 in 10.0.0.0/8 then 172.16.0.0/12; a peering chain i -- i+1; one TGW for all.</summary>
    private static VpcSnapshot Generate(int vpcCount)
    {
        const string tgw = "tgw-0bench", tgwRtb = "tgw-rtb-0bench";
        var vpcs = new List<Vpc>(); var subnets = new List<Subnet>(); var tables = new List<RouteTable>(); var enis = new List<NetworkInterface>();
        var peerings = new List<VpcPeeringConnection>(); var attachments = new List<TransitGatewayAttachment>(); var propagations = new List<TransitGatewayRouteTablePropagation>();
        string VpcId(int i) => $"vpc-{i:x17}";
        Cidr VpcCidr(int i) => new(IpAddress.FromIPv4((10u << 24) | ((uint)i << 16)), 16);
        for (int i = 0; i < vpcCount; i++)
        {
            var cidr = VpcCidr(i);
            vpcs.Add(new Vpc { VpcId = VpcId(i), CidrBlock = cidr.ToString(), OwnerId = "111122223333", State = "available" });
            var routes = new List<Route>
            {
                new() { DestinationCidrBlock = cidr.ToString(), GatewayId = "local", State = "active" },
                new() { DestinationCidrBlock = "10.0.0.0/8", TransitGatewayId = tgw, State = "active" },
                new() { DestinationCidrBlock = "0.0.0.0/0", GatewayId = $"igw-{i:x17}", State = "active" },
                new() { DestinationCidrBlock = VpcCidr((i + 1) % vpcCount).ToString(), VpcPeeringConnectionId = $"pcx-{i:x17}", State = "active" },
                new() { DestinationCidrBlock = VpcCidr((i + vpcCount - 1) % vpcCount).ToString(), VpcPeeringConnectionId = $"pcx-{(i + vpcCount - 1) % vpcCount:x17}", State = "active" },
            };
            tables.Add(new RouteTable
            {
                RouteTableId = $"rtb-{i:x17}", VpcId = VpcId(i), Routes = routes,
                Associations = [new RouteTableAssociation { Main = true, RouteTableId = $"rtb-{i:x17}" }],
            });
            peerings.Add(new VpcPeeringConnection
            {
                VpcPeeringConnectionId = $"pcx-{i:x17}", Status = new PeeringStatus { Code = "active" },
                RequesterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = VpcId(i), CidrBlock = cidr.ToString() },
                AccepterVpcInfo = new VpcPeeringConnectionVpcInfo { VpcId = VpcId((i + 1) % vpcCount), CidrBlock = VpcCidr((i + 1) % vpcCount).ToString() },
            });
            var attachment = $"tgw-attach-{i:x17}";
            attachments.Add(new TransitGatewayAttachment
            {
                TransitGatewayAttachmentId = attachment, TransitGatewayId = tgw, ResourceType = "vpc", ResourceId = VpcId(i), State = "available",
                Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = tgwRtb, State = "associated" },
            });
            propagations.Add(new TransitGatewayRouteTablePropagation { TransitGatewayAttachmentId = attachment, ResourceId = VpcId(i), ResourceType = "vpc", State = "enabled" });
            for (int s = 0; s < SubnetsPerVpc; s++)
            {
                var subnetId = $"subnet-{i:x8}{s:x9}";
                var subnetBase = cidr.Network.Add(s * 256);
                subnets.Add(new Subnet { SubnetId = subnetId, VpcId = VpcId(i), CidrBlock = new Cidr(subnetBase, 24).ToString(), AvailabilityZone = $"us-east-1{(char)('a' + s % 3)}" });
                for (int e = 0; e < EnisPerVpc / SubnetsPerVpc; e++)
                {
                    var ip = subnetBase.Add(10 + e).ToString();
                    var n = (i * EnisPerVpc) + (s * (EnisPerVpc / SubnetsPerVpc)) + e;
                    enis.Add(new NetworkInterface
                    {
                        NetworkInterfaceId = $"eni-{n:x17}", SubnetId = subnetId, VpcId = VpcId(i), OwnerId = "111122223333",
                        InterfaceType = e % 10 == 0 ? "lambda" : "interface", Description = e % 10 == 0 ? $"AWS Lambda VPC ENI-fn-{n}" : "",
                        Attachment = e % 10 == 0 ? null : new NetworkInterfaceAttachment { InstanceId = $"i-{n:x17}" },
                        PrivateIpAddress = ip,
                        PrivateIpAddresses = [new NetworkInterfacePrivateIpAddress { PrivateIpAddress = ip, Primary = true }],
                        Groups = [new GroupIdentifier { GroupId = $"sg-{i:x17}" }],
                    });
                }
            }
        }
        var sections = new HashSet<string>
        {
            Section.Vpcs, Section.Subnets, Section.RouteTables, Section.NetworkInterfaces, Section.VpcPeeringConnections,
            Section.TransitGatewayAttachments, Section.TransitGatewayPropagations, Section.TransitGatewayStaticRoutes,
        };
        var region = new RegionInventory
        {
            Region = "us-east-1", AccountId = "111122223333", Vpcs = vpcs, Subnets = subnets, RouteTables = tables, NetworkInterfaces = enis,
            VpcPeeringConnections = peerings, TransitGatewayAttachments = attachments,
            TransitGatewayPropagations = [new TransitGatewayPropagationsOfTable { TransitGatewayRouteTableId = tgwRtb, TransitGatewayRouteTablePropagations = propagations }],
            TransitGatewayStaticRoutes = [new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = tgwRtb }],
            CapturedSections = sections,
        };
        return new VpcSnapshot { Metadata = new SnapshotMetadata { Source = "generated by IpMapBench" }, Regions = [region] };
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VpcSecTools.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
