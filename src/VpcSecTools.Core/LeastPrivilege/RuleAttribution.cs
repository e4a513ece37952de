using System.Globalization;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>One kind of ACCEPTed flow attributed to the rules that allowed it, with the side and ports it was judged by.</summary>
internal sealed record AttributedFlow(FlowKey Key, FlowSums Sums, NetworkInterface Eni, FlowPeer Peer, ConnectionSide Side, IpProtocol Protocol, PortRange? Ports)
{
    public bool Ingress => Side == ConnectionSide.Inbound;
}

/// <summary>What the window's flows did with one rule: totals, peers, ports, the flows themselves, and the flows that may have used it.</summary>
internal sealed class RuleTally
{
    public long Flows, Packets, Bytes, Narrowest, Maybe;
    public long FirstMs = long.MaxValue, LastMs = long.MinValue;
    public string? MaybeWhy;
    public Dictionary<IpAddress, (long Flows, long Bytes, FlowPeer Peer)> Peers { get; } = [];
    public HashSet<(int Protocol, PortRange? Ports)> Ports { get; } = [];
    /// <summary>Indexes into <see cref="RuleAttribution.Flows"/>.</summary>
    public List<int> FlowIndexes { get; } = [];
    /// <summary>Indexes into <see cref="RuleAttribution.MaybeFlows"/>: flows the rule may have admitted, as it may have.</summary>
    public List<int> MaybeIndexes { get; } = [];

    public void Add(AttributedFlow flow, int index)
    {
        var s = flow.Sums;
        Flows += s.Records;
        Packets = long.MaxValue - Packets < s.Packets ? long.MaxValue : Packets + s.Packets;
        Bytes = long.MaxValue - Bytes < s.Bytes ? long.MaxValue : Bytes + s.Bytes;
        FirstMs = Math.Min(FirstMs, s.FirstMs);
        LastMs = Math.Max(LastMs, s.LastMs);
        var p = Peers.GetValueOrDefault(flow.Key.Peer, (0, 0, flow.Peer));
        Peers[flow.Key.Peer] = (p.Flows + s.Records, p.Bytes + s.Bytes, p.Peer);
        Ports.Add((flow.Key.Protocol, flow.Ports));
        FlowIndexes.Add(index);
    }
}

/// <summary>
/// Attributes each distinct ACCEPTed flow at an ENI to every rule of the ENI's groups that allows it (groups are a union),
/// and to the narrowest of them. A flow whose side was told only by its ports is judged the other way too: if only the
/// other way has a rule that allows it, it was the other way; if both have, the other way's rules may have been used.
/// </summary>
internal sealed class RuleAttribution
{
    private readonly Dictionary<int, RuleTally> _tallies = [];
    private readonly Dictionary<string, (long Flows, string Example)> _unexplained = new(StringComparer.Ordinal);

    public RuleAttribution(SourceRules book, FlowPeers peers, ObservedTraffic traffic)
    {
        Book = book;
        var yes = new List<SourceRule>();
        var maybe = new List<SourceRule>();
        var yes2 = new List<SourceRule>();
        var maybe2 = new List<SourceRule>();
        var otherWay = new HashSet<SourceRule>();
        foreach (var (key, sums) in traffic.Flows)
        {
            otherWay.Clear();
            if (!key.Accepted) continue;
            var eni = traffic.Scope.Enis[key.Eni];
            if (eni.Groups.Count == 0 || NotFiltered(book.Index, eni, key.Peer)) continue;
            var peer = peers.Of(key.Peer, eni);
            var protocol = new IpProtocol(key.Protocol);
            PortRange? ports = protocol.HasPorts ? new PortRange(key.Port, key.Port) : null;
            var side = key.Side;
            yes.Clear(); maybe.Clear();
            AllowingRules.Find(book, eni, side == ConnectionSide.Inbound, peer, protocol, ports, yes, maybe);
            string? why = null;
            if (key.Evidence == SideEvidence.Ports && (!protocol.HasPorts || sums.OtherPorts is not null))
            {
                var other = side == ConnectionSide.Inbound ? ConnectionSide.Outbound : ConnectionSide.Inbound;
                var otherPorts = protocol.HasPorts ? sums.OtherPorts : null;
                yes2.Clear(); maybe2.Clear();
                AllowingRules.Find(book, eni, other == ConnectionSide.Inbound, peer, protocol, otherPorts, yes2, maybe2);
                if (yes.Count == 0 && maybe.Count == 0 && (yes2.Count > 0 || maybe2.Count > 0))
                {
                    // Nothing admits it the way its ports suggested: the connection was opened the other way.
                    (side, ports) = (other, otherPorts);
                    yes.AddRange(yes2); maybe.AddRange(maybe2);
                }
                else if (yes2.Count + maybe2.Count > 0)
                {
                    why = $"the side of {sums.Records} flow(s) with {peer.Address} at {eni.NetworkInterfaceId} is told only by their ports: they may have been opened the other way";
                    foreach (var r in yes2.Concat(maybe2))
                        if (!yes.Contains(r) && !maybe.Contains(r))
                        {
                            maybe.Add(r);
                            otherWay.Add(r);
                        }
                }
            }
            foreach (var r in maybe)
            {
                var t = Tally(r.Id);
                t.Maybe += sums.Records;
                bool reversed = otherWay.Contains(r);
                t.MaybeWhy ??= reversed ? why : MaybeWhy(book.Index, r, peer, protocol, eni);
                // The flow as the rule may have admitted it: the other way round for a rule only that reading matches.
                var asJudged = reversed
                    ? new AttributedFlow(key, sums, eni, peer, side == ConnectionSide.Inbound ? ConnectionSide.Outbound : ConnectionSide.Inbound, protocol, protocol.HasPorts ? sums.OtherPorts : null)
                    : new AttributedFlow(key, sums, eni, peer, side, protocol, ports);
                t.MaybeIndexes.Add(MaybeFlows.Count);
                MaybeFlows.Add(asJudged);
            }
            if (yes.Count == 0)
            {
                if (maybe.Count == 0)
                {
                    var u = _unexplained.GetValueOrDefault(eni.NetworkInterfaceId);
                    _unexplained[eni.NetworkInterfaceId] = (u.Flows + sums.Records,
                        u.Example ?? string.Create(CultureInfo.InvariantCulture, $"{new IpProtocol(key.Protocol)}/{key.Port} {(key.Side == ConnectionSide.Inbound ? "from" : "to")} {key.Peer}"));
                }
                continue;
            }
            var flow = new AttributedFlow(key, sums, eni, peer, side, protocol, ports);
            int index = Flows.Count;
            Flows.Add(flow);
            SourceRule? narrowest = null;
            foreach (var r in yes)
            {
                Tally(r.Id).Add(flow, index);
                if (narrowest is null || Breadth.Compare(book.Index, r, narrowest) < 0) narrowest = r;
            }
            Tally(narrowest!.Id).Narrowest += sums.Records;
        }
    }

    public SourceRules Book { get; }
    public List<AttributedFlow> Flows { get; } = [];
    public List<AttributedFlow> MaybeFlows { get; } = [];

    public RuleTally? TallyOf(SourceRule rule) => _tallies.GetValueOrDefault(rule.Id);

    /// <summary>ACCEPTed flows at the ENI that no rule of its groups allows: the snapshot's rules are not those that admitted them.</summary>
    public (long Flows, string Example)? Unexplained(string networkInterfaceId) =>
        _unexplained.TryGetValue(networkInterfaceId, out var u) ? u : null;

    public IEnumerable<(string Eni, long Flows, string Example)> AllUnexplained => _unexplained.Select(kv => (kv.Key, kv.Value.Flows, kv.Value.Example));

    private RuleTally Tally(int id)
    {
        if (!_tallies.TryGetValue(id, out var t)) _tallies[id] = t = new RuleTally();
        return t;
    }

    /// <summary>The Amazon DNS resolver, instance metadata and the other link-local services are not filtered (SEMANTICS 10).</summary>
    public static bool NotFiltered(SnapshotIndex index, NetworkInterface eni, IpAddress peer) =>
        AddressScope.AwsLinkLocalService(peer) is not null || eni.VpcId is not null && index.PrimaryCidr(eni.VpcId) is { } primary && AddressScope.ResolverOf(primary) == peer;

    private static string MaybeWhy(SnapshotIndex index, SourceRule rule, FlowPeer peer, IpProtocol protocol, NetworkInterface eni)
    {
        if (rule.Problem is { } problem) return problem;
        if (protocol.IsIcmp) return "flow logs do not carry the ICMP type its rule names";
        if (rule.Rule.Cidrs is null) return $"{rule.Rule.Source}'s entries were not captured";
        if (rule.Pair is not null)
            return peer.Kind switch
            {
                PeerKind.GoneEni => $"{peer.Address} at {eni.NetworkInterfaceId} is held by no network interface of the snapshot now ({peer.Owner}): whether it was in {rule.Rule.Source} is unknown",
                PeerKind.Unresolved => $"who {peer.Address} is cannot be told ({peer.Owner})",
                PeerKind.NoEni => $"{rule.Rule.Source}'s members are not in the snapshot",
                _ => $"whether {peer.Address}'s identity reaches {eni.NetworkInterfaceId} unchanged is unknown",
            };
        if (index.ProblemsOf(rule.Rule.Source) is [var p, ..]) return p.ToString();
        return "the flows' ports are known only as a range that the rule partly covers";
    }
}

/// <summary>The order of breadth of rules: fewer addresses first, then fewer ports; unknown breadth is the widest.</summary>
internal static class Breadth
{
    public static int Compare(SnapshotIndex index, SourceRule a, SourceRule b)
    {
        var (x, y) = (a.AddressCount(index) ?? UInt128.MaxValue, b.AddressCount(index) ?? UInt128.MaxValue);
        if (x != y) return x.CompareTo(y);
        int c = Ports(a).CompareTo(Ports(b));
        return c != 0 ? c : a.Id.CompareTo(b.Id);
    }

    public static long Ports(SourceRule r) => r.Rule.Protocol.IsAll ? 65536L * 256 : r.Rule.Protocol.HasPorts ? r.Rule.Ports.Count : 65536;
}
