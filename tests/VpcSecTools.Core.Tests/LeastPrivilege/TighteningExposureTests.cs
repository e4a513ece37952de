using System.Globalization;
using System.Text.Json;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.LeastPrivilege.UsageNet;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>
/// The exposure of proposals shares the fan-out across the proposals of a network (RULEUSAGE.md, Proposals); it must
/// answer exactly what each proposal's own computation answers.
/// </summary>
public class TighteningExposureTests
{
    private static IpPermission TcpFrom(int from, int to, string source) => source.StartsWith("sg-", StringComparison.Ordinal)
        ? new IpPermission { IpProtocol = "tcp", FromPort = from, ToPort = to, UserIdGroupPairs = [new UserIdGroupPair { GroupId = source, UserId = "111111111111" }] }
        : new IpPermission { IpProtocol = "tcp", FromPort = from, ToPort = to, IpRanges = [new IpRange { CidrIp = source }] };

    /// <summary>
    /// vpc-a 10.0.0.0/16 with four subnets (two public behind igw-1, one behind a NACL that denies 5432 from 10.0.1.32/27, half
    /// of another), vpc-b 10.1.0.0/16 with two over pcx-1, and vpc-c 10.2.0.0/16 with two over tgw-1, whose attachment of
    /// vpc-c has security-group referencing off (a member of a vpc-c group reaches vpc-a without its identity); 50 groups
    /// (20, 20, 10), each with rules from a subnet, its VPC, another group (vpc-a's also from vpc-c's groups), the internet, on
    /// single ports and ranges, a third of them sending only on 443 and 5432; 400 ENIs in one or two groups, a public address
    /// on those of the public subnets. A day of conversations the rules allow, logged at both ends.
    /// </summary>
    private static (UsageNet Net, string[] Lines) Generated(int seed)
    {
        var rnd = new Random(seed);
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16").Vpc("vpc-b", "10.1.0.0/16").Vpc("vpc-c", "10.2.0.0/16").Igw("igw-1", "vpc-a").Peering("pcx-1", "vpc-a", "vpc-b");
        string[] subnets = ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.1.0.0/24", "10.1.1.0/24", "10.2.0.0/24", "10.2.1.0/24"];
        string[] vpcs = ["vpc-a", "vpc-b", "vpc-c"];
        int VpcOf(int subnet) => subnet < 4 ? 0 : subnet < 6 ? 1 : 2;
        for (int s = 0; s < subnets.Length; s++) n.Subnet($"subnet-{s}", vpcs[VpcOf(s)], subnets[s]);
        n.Routes("rtb-pub", "vpc-a", ["subnet-0", "subnet-1"], To("0.0.0.0/0", gateway: "igw-1"), To("10.1.0.0/16", pcx: "pcx-1"), To("10.2.0.0/16", tgw: "tgw-1"))
            .MainRoutes("vpc-a", To("10.1.0.0/16", pcx: "pcx-1"), To("10.2.0.0/16", tgw: "tgw-1")).MainRoutes("vpc-b", To("10.0.0.0/16", pcx: "pcx-1"))
            .MainRoutes("vpc-c", To("10.0.0.0/16", tgw: "tgw-1"))
            .Acl("acl-db", "vpc-a", ["subnet-2"], Entry(90, false, "deny", "10.0.1.32/27", "6", 5432, 5432), Entry(100, false, "allow"), Entry(100, true, "allow"));
        n.TransitGateways.Add(new TransitGateway { TransitGatewayId = "tgw-1", State = "available", Options = new TransitGatewayOptions { SecurityGroupReferencingSupport = "enable" } });
        foreach (var (att, vpc, subnet, referencing) in new[] { ("tgw-attach-a", "vpc-a", "subnet-2", "enable"), ("tgw-attach-c", "vpc-c", "subnet-6", "disable") })
        {
            n.TgwVpcAttachments.Add(new TransitGatewayVpcAttachment
            {
                TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-1", VpcId = vpc, State = "available", SubnetIds = [subnet],
                Options = new TransitGatewayVpcAttachmentOptions { SecurityGroupReferencingSupport = referencing },
            });
            n.TgwAttachments.Add(new TransitGatewayAttachment
            {
                TransitGatewayAttachmentId = att, TransitGatewayId = "tgw-1", ResourceType = "vpc", ResourceId = vpc, State = "available",
                Association = new TransitGatewayAttachmentAssociation { TransitGatewayRouteTableId = "tgw-rtb-1", State = "associated" },
            });
        }
        n.TgwPropagations.Add(new TransitGatewayPropagationsOfTable
        {
            TransitGatewayRouteTableId = "tgw-rtb-1",
            TransitGatewayRouteTablePropagations =
            [
                new() { TransitGatewayAttachmentId = "tgw-attach-a", ResourceId = "vpc-a", ResourceType = "vpc", State = "enabled" },
                new() { TransitGatewayAttachmentId = "tgw-attach-c", ResourceId = "vpc-c", ResourceType = "vpc", State = "enabled" },
            ],
        });
        n.TgwStaticRoutes.Add(new TransitGatewayRouteTableRoutes { TransitGatewayRouteTableId = "tgw-rtb-1" });
        int[] ports = [22, 80, 443, 5432, 6379, 8080];
        // The groups of each VPC: [first, end).
        (int First, int End)[] groupsOf = [(0, 20), (20, 40), (40, 50)];
        const int groups = 50;
        int GroupIn(int vpc) => groupsOf[vpc].First + rnd.Next(groupsOf[vpc].End - groupsOf[vpc].First);
        var rules = new List<IpPermission>[groups];
        for (int g = 0; g < groups; g++)
        {
            int vpc = g < 20 ? 0 : g < 40 ? 1 : 2;
            rules[g] = [];
            for (int k = rnd.Next(2, 6); k > 0; k--)
            {
                int port = ports[rnd.Next(ports.Length)], to = rnd.Next(4) == 0 ? port + rnd.Next(1, 200) : port;
                string source = rnd.Next(6) switch
                {
                    0 => subnets[rnd.Next(subnets.Length)],
                    1 => $"10.{vpc}.0.0/16",
                    2 => "0.0.0.0/0",
                    3 when vpc == 0 => $"sg-{GroupIn(2):d2}",
                    _ => $"sg-{GroupIn(vpc):d2}",
                };
                rules[g].Add(TcpFrom(port, to, source));
            }
            n.Group($"sg-{g:d2}", vpcs[vpc], rules[g], g % 3 == 1 ? [Tcp(443, "0.0.0.0/0"), Tcp(5432, "10.0.0.0/8")] : null);
        }
        var enis = new List<(string Id, string Ip, int[] Groups)>();
        for (int i = 0; i < 400; i++)
        {
            int s = i % subnets.Length, g = GroupIn(VpcOf(s));
            int[] member = rnd.Next(3) == 0 ? [g, GroupIn(VpcOf(s))] : [g];
            member = member.Distinct().ToArray();
            var ip = $"{subnets[s][..subnets[s].LastIndexOf('.')]}.{10 + i / subnets.Length}";
            var id = $"eni-{i:d3}";
            n.Eni(id, $"subnet-{s}", ip, member.Select(m => $"sg-{m:d2}").ToArray(), $"i-{i:d3}",
                publicIp: s < 2 ? string.Create(CultureInfo.InvariantCulture, $"54.0.{s}.{10 + i / subnets.Length}") : null);
            enis.Add((id, ip, member));
        }
        var net = new UsageNet(n).FlowLog("fl-a", "vpc-a").FlowLog("fl-b", "vpc-b").FlowLog("fl-c", "vpc-c");
        var lines = new List<string>();
        for (int c = 0; c < 800; c++)
        {
            var server = enis[rnd.Next(enis.Count)];
            var rule = rules[server.Groups[0]][rnd.Next(rules[server.Groups[0]].Count)];
            var clients = rule.UserIdGroupPairs.Count > 0 ? enis.Where(e => e.Groups.Contains(int.Parse(rule.UserIdGroupPairs[0].GroupId![3..], CultureInfo.InvariantCulture))).ToList()
                : enis.Where(e => Cidr.Parse(rule.IpRanges[0].CidrIp!).Contains(IpAddress.Parse(e.Ip))).ToList();
            clients.Remove(server);
            if (clients.Count == 0) continue;
            var client = clients[rnd.Next(clients.Count)];
            int port = rule.FromPort!.Value, ephemeral = 40_000 + c, minute = rnd.Next(1400);
            lines.Add(Record(server.Id, client.Ip, server.Ip, ephemeral, port, 5, 500, minute, direction: "ingress"));
            lines.Add(Record(server.Id, server.Ip, client.Ip, port, ephemeral, 4, 4000, minute, direction: "egress"));
            lines.Add(Record(client.Id, client.Ip, server.Ip, ephemeral, port, 5, 500, minute, direction: "egress"));
            lines.Add(Record(client.Id, server.Ip, client.Ip, port, ephemeral, 4, 4000, minute, direction: "ingress"));
        }
        return (net, lines.ToArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void The_shared_exposure_answers_what_each_proposals_own_computation_answers(int seed)
    {
        var (net, lines) = Generated(seed);
        using var _ = net;
        var index = net.Index();
        var paths = new[] { net.Log("fl-a", lines), net.Log("fl-b", []), net.Log("fl-c", []) };

        var shared = Read(index, paths);
        var own = Read(index, paths, new RuleUsageOptions { Shortcuts = false });

        // Not vacuous: proposals that stop sources and close internet pairs, on a network of a few hundred ENIs.
        Assert.True(shared.Proposals.Count > 40, $"{shared.Proposals.Count} proposals");
        Assert.Contains(shared.Proposals, p => p.SourcesRemovedCount > 0);
        Assert.Contains(shared.Proposals, p => p.InternetPairsBefore > p.InternetPairsAfter);
        // Sources of vpc-c reach vpc-a over tgw-1 without their identity: a reference to their group does not keep them.
        Assert.Contains(shared.Proposals, p => p.SourcesRemoved.Any(s => s.StartsWith("eni-", StringComparison.Ordinal) && index.NetworkInterfaces[s[..7]].VpcId == "vpc-c"));
        Assert.Equal(JsonSerializer.Serialize(own.Proposals), JsonSerializer.Serialize(shared.Proposals));
    }
}
