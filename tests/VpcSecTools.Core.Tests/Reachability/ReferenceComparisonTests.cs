using FsCheck;
using FsCheck.Fluent;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// Property: on thousands of random small networks (security groups, NACLs, route tables), the analyser
/// and the naive reference evaluator agree on the verdict and on the blocking component; also when some rules,
/// entries and routes carry a value that cannot be read (SEMANTICS 0).
/// </summary>
public class ReferenceComparisonTests
{
    private static readonly string[] Cidrs = ["0.0.0.0/0", "10.0.0.0/16", "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.1.10/32", "10.0.2.0/25", "192.168.0.0/16"];
    private static readonly int[] SgPorts = [0, 22, 80, 443, 1024, 5432, 65535];
    private static readonly int[] AclPorts = [22, 80, 443, 1024, 5432, 32768, 40000, 49152, 60999, 65535];
    private static readonly string[] Protocols = ["-1", "tcp", "6", "udp", "17"];
    private static readonly int[] QueryPorts = [22, 80, 443, 5432];

    /// <summary>
    /// A random network and query, built from a seed so that FsCheck shrinks and reports it. With <paramref name="broken"/>,
    /// about one rule, entry and route in five carries a value that cannot be read: a CIDR past /32 or of the other family,
    /// an empty CIDR, an unknown protocol or action, a port out of range or a range upside down.
    /// </summary>
    internal static (TestNetwork Network, string Src, string Dst, int Protocol, int Port, bool Windows) Generate(int seed, bool broken = false)
    {
        var rnd = new Random(seed);
        T Pick<T>(T[] items) => items[rnd.Next(items.Length)];
        bool Break() => broken && rnd.Next(5) == 0;
        var n = new TestNetwork().Vpc("vpc-a", "10.0.0.0/16")
            .Subnet("subnet-1", "vpc-a", "10.0.1.0/24").Subnet("subnet-2", "vpc-a", "10.0.2.0/24").Subnet("subnet-3", "vpc-a", "10.0.3.0/24");
        int groups = rnd.Next(1, 4);
        for (int g = 0; g < groups; g++)
        {
            IpPermission Rule()
            {
                var protocol = Pick(Protocols);
                int a = Pick(SgPorts), b = Pick(SgPorts);
                var rule = new IpPermission { IpProtocol = protocol, FromPort = protocol == "-1" ? null : Math.Min(a, b), ToPort = protocol == "-1" ? null : Math.Max(a, b) };
                rule = rnd.Next(5) == 0
                    ? rule with { UserIdGroupPairs = [new UserIdGroupPair { GroupId = $"sg-{rnd.Next(groups)}" }] }
                    : rule with { IpRanges = [new IpRange { CidrIp = Pick(Cidrs) }] };
                if (!Break()) return rule;
                return rnd.Next(5) switch
                {
                    0 => rule with { IpProtocol = Pick(BrokenProtocols) },
                    1 => rule with { FromPort = 70000, ToPort = 70000 },
                    2 => rule with { FromPort = (rule.ToPort ?? 0) + 1 },
                    _ => rule with { IpRanges = [.. rule.IpRanges, new IpRange { CidrIp = Pick(BrokenCidrs) }] },
                };
            }
            // Egress is often the default allow-all, as in real accounts, so that paths get past the source.
            n.Group($"sg-{g}", "vpc-a", Enumerable.Range(0, rnd.Next(0, 5)).Select(_ => Rule()).ToList(),
                rnd.Next(2) == 0 ? null : Enumerable.Range(0, rnd.Next(0, 3)).Select(_ => Rule()).ToList());
        }
        string[] subnets = ["subnet-1", "subnet-2", "subnet-3"];
        int enis = rnd.Next(2, 5);
        for (int e = 0; e < enis; e++)
        {
            var subnet = Pick(subnets);
            var ip = $"10.0.{subnet[^1]}.{10 + e}";
            var onEni = Enumerable.Range(0, groups).Where(_ => rnd.Next(2) == 0).Select(g => $"sg-{g}").DefaultIfEmpty("sg-0").ToArray();
            n.Eni($"eni-{e}", subnet, ip, onEni, $"i-{e}", platform: rnd.Next(3) == 0 ? "windows" : null);
        }
        foreach (var subnet in subnets)
        {
            if (rnd.Next(2) == 0)
            {
                var used = new HashSet<int>();
                NetworkAclEntry AclEntry(bool egress)
                {
                    int number; do number = rnd.Next(1, 20) * 10; while (!used.Add(number * (egress ? -1 : 1)));
                    var protocol = Pick(Protocols);
                    int a = Pick(AclPorts), b = Pick(AclPorts);
                    var entry = Entry(number, egress, rnd.Next(3) == 0 ? "deny" : "allow", Pick(Cidrs), protocol, protocol == "-1" ? null : Math.Min(a, b), protocol == "-1" ? null : Math.Max(a, b));
                    if (!Break()) return entry;
                    return rnd.Next(4) switch
                    {
                        0 => entry with { CidrBlock = Pick(BrokenCidrs) },
                        1 => entry with { Protocol = Pick(BrokenProtocols) },
                        2 => entry with { RuleAction = "maybe" },
                        _ => entry with { Protocol = "tcp", PortRange = new NetworkAclPortRange { From = 70000, To = 70001 } },
                    };
                }
                var entries = Enumerable.Range(0, rnd.Next(0, 5)).Select(_ => AclEntry(false)).Concat(Enumerable.Range(0, rnd.Next(0, 5)).Select(_ => AclEntry(true)))
                    .Append(Entry(32767, false, "deny")).Append(Entry(32767, true, "deny")).OrderBy(_ => rnd.Next()).ToArray();
                n.Acl($"acl-{subnet}", "vpc-a", [subnet], entries);
            }
            if (rnd.Next(2) == 0)
            {
                var routes = Enumerable.Range(0, rnd.Next(0, 3))
                    .Select(_ => To(Break() ? Pick(BrokenCidrs) : Pick(new[] { "10.0.1.0/24", "10.0.2.0/24", "10.0.3.0/24", "10.0.2.0/25", "10.0.1.10/32" }), nat: "nat-gone", state: "blackhole"))
                    .DistinctBy(r => r.DestinationCidrBlock).ToArray();
                n.Routes($"rtb-{subnet}", "vpc-a", [subnet], routes);
            }
        }
        int src = rnd.Next(enis), dst = (src + 1 + rnd.Next(enis - 1)) % enis;
        int protocolNumber = rnd.Next(2) == 0 ? 6 : 17;
        bool windows = n.Reservations.Single(r => r.Instances[0].InstanceId == $"i-{src}").Instances[0].Platform == "windows";
        return (n, $"eni-{src}", $"eni-{dst}", protocolNumber, Pick(QueryPorts), windows);
    }

    private static readonly string[] BrokenCidrs = ["10.0.1.0/33", "10.0.2.0/33", "", "2600::/64", "10.0.0.0/16x"];
    private static readonly string[] BrokenProtocols = ["garbage", "300", ""];

    private static bool Agrees(int seed, bool broken)
    {
        var (n, src, dst, protocol, port, windows) = Generate(seed, broken);
        var traffic = protocol == 6 ? Traffic.Tcp(port) : Traffic.Udp(port);
        var actual = n.Analyzer().Analyze(src, dst, traffic);
        var expected = NaiveReachability.Evaluate(n, n.Enis.Single(e => e.NetworkInterfaceId == src), n.Enis.Single(e => e.NetworkInterfaceId == dst), protocol, port, windows);
        bool same = actual.Verdict == expected.Verdict && (expected.Verdict == Verdict.Reachable || actual.BlockingComponent == expected.Blocker);
        if (!same) throw new InvalidOperationException($"seed {seed}: reference says {expected.Verdict} at {expected.Blocker}\n{actual.Explain()}");
        return true;
    }

    [Fact]
    public void Analyser_agrees_with_the_naive_reference_on_random_networks()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed => Agrees(seed, broken: false)));
    }

    [Fact]
    public void Analyser_agrees_with_the_naive_reference_when_rules_entries_and_routes_cannot_be_read()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(2000), Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed => Agrees(seed, broken: true)));
    }

    [Fact]
    public void Networks_with_unreadable_values_give_unknown_at_each_kind_and_still_decide_where_it_cannot_matter()
    {
        var outcomes = Enumerable.Range(0, 1000).Select(seed =>
        {
            var (n, src, dst, protocol, port, _) = Generate(seed, broken: true);
            return (Network: n, Result: n.Analyzer().Analyze(src, dst, protocol == 6 ? Traffic.Tcp(port) : Traffic.Udp(port)));
        }).ToList();
        bool HasProblem(TestNetwork n) => n.Build() is var ix
            && (ix.SecurityGroups.Keys.Any(g => ix.PermissionsOf(g)!.Problems.Count > 0) || ix.NetworkAcls.Values.Any(a => ix.RulesOf(a).Problems.Count > 0)
                || ix.RouteTables.Values.Any(t => ix.RouteLookupOf(t).UnreadableRoutes.Count > 0));
        var unknown = outcomes.Where(o => o.Result.ExplanationCode == ExplanationCodes.UninterpretableEntry).Select(o => o.Result).ToList();
        Assert.Contains(unknown, r => r.BlockingComponentType == ComponentKind.SecurityGroup);
        Assert.Contains(unknown, r => r.BlockingComponentType == ComponentKind.NetworkAcl && r.BlockingDirection == PathDirection.Forward);
        Assert.Contains(unknown, r => r.BlockingComponentType == ComponentKind.NetworkAcl && r.BlockingDirection == PathDirection.Return);
        Assert.Contains(unknown, r => r.BlockingComponentType == ComponentKind.RouteTable);
        Assert.Contains(outcomes, o => HasProblem(o.Network) && o.Result.Verdict == Verdict.Reachable);
        Assert.Contains(outcomes, o => HasProblem(o.Network) && o.Result.Verdict == Verdict.NotReachable);
    }

    [Fact]
    public void Random_networks_exercise_both_outcomes_and_every_blocker_kind()
    {
        var outcomes = Enumerable.Range(0, 1000).Select(seed =>
        {
            var (n, src, dst, protocol, port, _) = Generate(seed);
            return n.Analyzer().Analyze(src, dst, protocol == 6 ? Traffic.Tcp(port) : Traffic.Udp(port));
        }).ToList();
        Assert.Contains(outcomes, r => r.Verdict == Verdict.Reachable);
        Assert.Contains(outcomes, r => r.ExplanationCode == ExplanationCodes.SecurityGroupRules);
        Assert.Contains(outcomes, r => r.ExplanationCode == ExplanationCodes.SubnetAcl && r.BlockingDirection == PathDirection.Forward);
        Assert.Contains(outcomes, r => r.ExplanationCode == ExplanationCodes.SubnetAcl && r.BlockingDirection == PathDirection.Return);
        Assert.Contains(outcomes, r => r.ExplanationCode == ExplanationCodes.BadStateRoute);
    }
}
