using System.Diagnostics;
using System.Globalization;
using System.Text;
using VpcSecTools.Aws;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Bench;

/// <summary>
/// <c>inventory [latency-ms]</c>: live capture of a large synthetic account (20 VPCs, 2,000 ENIs, 1,000 security
/// groups per region, 3 regions) from the loopback replay server with an injected per-call latency, through the
/// real client stack. Baseline in the same run: the same capture one call at a time (no parallelism).
/// </summary>
public static class InventoryBench
{
    private const int Vpcs = 20, Enis = 2000, Groups = 1000, SubnetsPerVpc = 4;
    private static readonly string[] Regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];

    public static int Run(string[] args)
    {
        int latencyMs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 40;
        var account = new SyntheticAccount();
        using var server = new Ec2ReplayServer(account.Answer, TimeSpan.FromMilliseconds(latencyMs));
        var connection = AwsSdkConnection.Resolve(new AwsConnectionRequest
        {
            Region = Regions[0], AccessKey = "AKIDEXAMPLE", SecretKey = "bench", EndpointUrl = server.Url, Environment = _ => null,
        });
        Console.WriteLine($"synthetic account: {Vpcs} VPCs, {Enis} ENIs, {Groups} security groups, {Vpcs * SubnetsPerVpc} subnets per region; {Regions.Length} regions; {latencyMs} ms per call");

        // Warm-up (JIT, connection pool), not measured.
        Capture(connection, server, new InventoryRequest { Regions = [Regions[0]] });
        var sequential = Capture(connection, server, new InventoryRequest { Regions = Regions, MaxParallelRegions = 1, MaxParallelCallsPerRegion = 1 });
        var parallel = Capture(connection, server, new InventoryRequest { Regions = Regions });
        var filtered = Capture(connection, server, new InventoryRequest { Regions = Regions, VpcIds = Enumerable.Range(0, Vpcs).Select(SyntheticAccount.VpcId).ToArray() });

        Console.WriteLine();
        Console.WriteLine("| run | calls | wall time | ENIs captured |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        Print("baseline: one call at a time", sequential);
        Print("default: 4 regions x 6 calls in parallel", parallel);
        Print("default, filtered to all 20 VPC ids", filtered);
        Console.WriteLine();
        Console.WriteLine($"speed-up of the default over the baseline: {sequential.Time.TotalMilliseconds / parallel.Time.TotalMilliseconds:F1}x; " +
                          $"calls with a 20-VPC filter / without: {filtered.Calls}/{parallel.Calls}");
        return 0;
    }

    private sealed record Measured(int Calls, TimeSpan Time, int Enis);

    private static Measured Capture(AwsConnection connection, Ec2ReplayServer server, InventoryRequest request)
    {
        int before = server.Requests.Count;
        var watch = Stopwatch.StartNew();
        var result = connection.CaptureAsync(request).GetAwaiter().GetResult();
        watch.Stop();
        if (result.Faults.Count > 0) throw new InvalidOperationException(result.Faults[0].Message);
        return new Measured(server.Requests.Count - before, watch.Elapsed, result.Snapshot.Regions.Sum(r => r.NetworkInterfaces.Count));
    }

    private static void Print(string name, Measured m) =>
        Console.WriteLine($"| {name} | {m.Calls} | {m.Time.TotalSeconds:F2} s | {m.Enis} |");

    /// <summary>The EC2 answers of the synthetic account: pages of 1,000 as EC2 gives them, empty lists elsewhere.</summary>
    private sealed class SyntheticAccount
    {
        private const string Account = "111122223333";
        private readonly Dictionary<string, string[]> _pages;

        public SyntheticAccount()
        {
            _pages = new Dictionary<string, string[]>(StringComparer.Ordinal)
            {
                ["DescribeVpcs"] = Paged("DescribeVpcs", "vpcSet", 1000, Enumerable.Range(0, Vpcs).Select(v =>
                    $"<item><vpcId>{VpcId(v)}</vpcId><ownerId>{Account}</ownerId><state>available</state><cidrBlock>10.{v}.0.0/16</cidrBlock>" +
                    $"<cidrBlockAssociationSet><item><cidrBlock>10.{v}.0.0/16</cidrBlock><associationId>vpc-cidr-assoc-{v:x8}</associationId><cidrBlockState><state>associated</state></cidrBlockState></item></cidrBlockAssociationSet>" +
                    "<isDefault>false</isDefault><dhcpOptionsId>dopt-1</dhcpOptionsId><instanceTenancy>default</instanceTenancy></item>")),
                ["DescribeSubnets"] = Paged("DescribeSubnets", "subnetSet", 1000, Enumerable.Range(0, Vpcs * SubnetsPerVpc).Select(s =>
                    $"<item><subnetId>{SubnetId(s)}</subnetId><vpcId>{VpcId(s / SubnetsPerVpc)}</vpcId><cidrBlock>10.{s / SubnetsPerVpc}.{s % SubnetsPerVpc}.0/24</cidrBlock>" +
                    $"<availabilityZone>us-east-1a</availabilityZone><state>available</state><ownerId>{Account}</ownerId><defaultForAz>false</defaultForAz><mapPublicIpOnLaunch>false</mapPublicIpOnLaunch></item>")),
                ["DescribeRouteTables"] = Paged("DescribeRouteTables", "routeTableSet", 100, Enumerable.Range(0, Vpcs).Select(v =>
                    $"<item><routeTableId>rtb-{v:x17}</routeTableId><vpcId>{VpcId(v)}</vpcId><ownerId>{Account}</ownerId>" +
                    $"<routeSet><item><destinationCidrBlock>10.{v}.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item></routeSet>" +
                    $"<associationSet><item><routeTableAssociationId>rtbassoc-{v:x17}</routeTableAssociationId><routeTableId>rtb-{v:x17}</routeTableId><main>true</main></item></associationSet></item>")),
                ["DescribeSecurityGroups"] = Paged("DescribeSecurityGroups", "securityGroupInfo", 1000, Enumerable.Range(0, Groups).Select(g =>
                    $"<item><ownerId>{Account}</ownerId><groupId>{GroupId(g)}</groupId><groupName>sg-{g}</groupName><groupDescription>synthetic</groupDescription><vpcId>{VpcId(g % Vpcs)}</vpcId>" +
                    $"<ipPermissions><item><ipProtocol>tcp</ipProtocol><fromPort>443</fromPort><toPort>443</toPort><groups><item><groupId>{GroupId((g + 1) % Groups)}</groupId><userId>{Account}</userId></item></groups>" +
                    "<ipRanges><item><cidrIp>10.0.0.0/8</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissions>" +
                    "<ipPermissionsEgress><item><ipProtocol>-1</ipProtocol><groups/><ipRanges><item><cidrIp>0.0.0.0/0</cidrIp></item></ipRanges><ipv6Ranges/><prefixListIds/></item></ipPermissionsEgress></item>")),
                ["DescribeNetworkInterfaces"] = Paged("DescribeNetworkInterfaces", "networkInterfaceSet", 1000, Enumerable.Range(0, Enis).Select(e =>
                    $"<item><networkInterfaceId>eni-{e:x17}</networkInterfaceId><subnetId>{SubnetId(e % (Vpcs * SubnetsPerVpc))}</subnetId><vpcId>{VpcId(e % (Vpcs * SubnetsPerVpc) / SubnetsPerVpc)}</vpcId>" +
                    $"<availabilityZone>us-east-1a</availabilityZone><ownerId>{Account}</ownerId><status>in-use</status><interfaceType>interface</interfaceType>" +
                    $"<privateIpAddress>10.{e % (Vpcs * SubnetsPerVpc) / SubnetsPerVpc}.{e % SubnetsPerVpc}.{4 + e / (Vpcs * SubnetsPerVpc)}</privateIpAddress>" +
                    $"<groupSet><item><groupId>{GroupId(e % Groups)}</groupId><groupName>sg-{e % Groups}</groupName></item></groupSet><sourceDestCheck>true</sourceDestCheck></item>")),
            };
        }

        public static string VpcId(int v) => $"vpc-{v:x17}";
        private static string SubnetId(int s) => $"subnet-{s:x17}";
        private static string GroupId(int g) => $"sg-{g:x17}";

        public ReplayResponse Answer(RecordedRequest request)
        {
            if (!_pages.TryGetValue(request.Action, out var pages)) return ReplayResponse.Ok(Empty(request.Action));
            int page = request["NextToken"] is { } token ? int.Parse(token, CultureInfo.InvariantCulture) : 0;
            return ReplayResponse.Ok(pages[page]);
        }

        private static string[] Paged(string action, string listElement, int pageSize, IEnumerable<string> items)
        {
            var chunks = items.Chunk(pageSize).ToArray();
            return chunks.Select((chunk, i) =>
            {
                var xml = new StringBuilder($"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>bench</requestId><{listElement}>");
                foreach (var item in chunk) xml.Append(item);
                xml.Append($"</{listElement}>");
                if (i + 1 < chunks.Length) xml.Append($"<nextToken>{i + 1}</nextToken>");
                return xml.Append($"</{action}Response>").ToString();
            }).ToArray();
        }

        /// <summary>An empty result: the operation's list element with no items (as EC2 sends for an account without any).</summary>
        private static string Empty(string action)
        {
            var list = action switch
            {
                "DescribeNetworkAcls" => "networkAclSet", "DescribeInstances" => "reservationSet", "DescribeInternetGateways" => "internetGatewaySet",
                "DescribeEgressOnlyInternetGateways" => "egressOnlyInternetGatewaySet", "DescribeNatGateways" => "natGatewaySet",
                "DescribeVpcEndpoints" => "vpcEndpointSet", "DescribeVpcPeeringConnections" => "vpcPeeringConnectionSet",
                "DescribeTransitGateways" => "transitGatewaySet", "DescribeTransitGatewayAttachments" => "transitGatewayAttachments",
                "DescribeTransitGatewayVpcAttachments" => "transitGatewayVpcAttachments", "DescribeTransitGatewayRouteTables" => "transitGatewayRouteTables",
                "DescribeManagedPrefixLists" => "prefixListSet", "DescribeVpnGateways" => "vpnGatewaySet", "DescribeVpnConnections" => "vpnConnectionSet",
                "DescribeFlowLogs" => "flowLogSet", "DescribeCustomerGateways" => "customerGatewaySet",
                _ => throw new InvalidOperationException("no synthetic answer for " + action),
            };
            return $"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>bench</requestId><{list}/></{action}Response>";
        }
    }
}
