using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>
/// A NACL's decision for traffic: allowed, denied, or unknown because an entry that could not be read might decide;
/// and the entry that decided (null = no entry matched, the implicit deny) or the unreadable one.
/// </summary>
public sealed record NetworkAclDecision(HopResult Result, NetworkAclEntry? Entry, string Detail)
{
    public bool Allowed => Result == HopResult.Allowed;
    public int? RuleNumber => Entry?.RuleNumber;
    public string Rule => Entry is null ? "no matching entry (implicit deny)" : NetworkAclEvaluator.Describe(Entry);
    /// <summary>For Unknown: the value that could not be read, and where.</summary>
    public Uninterpretable? Problem { get; init; }
}

/// <summary>
/// The one network ACL evaluator (SEMANTICS 7-9), for reachability and for the audit: the entries of one direction
/// and one address family, by ascending rule number, the first that matches decides. A port range (a client's
/// ephemeral range on the return path) or "all protocols" is allowed only if every port and protocol in it is.
/// An entry that could not be read decides nothing it provably cannot match; where it might match before the
/// deciding entry and would decide otherwise, the answer is Unknown, naming it (SEMANTICS 0).
/// </summary>
public static class NetworkAclEvaluator
{
    /// <summary>The decision of the NACL a subnet uses (explicit association, else the VPC's default); null when the snapshot has none.</summary>
    public static NetworkAclDecision? ForSubnet(SnapshotIndex index, string subnetId, bool egress, IpAddress remote, Traffic traffic) =>
        index.NetworkAclOf(subnetId).Acl is { } acl ? Evaluate(index.RulesOf(acl).Of(egress, remote.IsIPv6), egress, remote, traffic) : null;

    /// <param name="acl">The subnet's NACL.</param>
    /// <param name="egress">True for outbound entries (traffic leaving the subnet).</param>
    /// <param name="remote">The other end: the destination for outbound, the source for inbound.</param>
    /// <param name="traffic">Protocol and destination ports (or ICMP type/code) of the packet.</param>
    public static NetworkAclDecision Evaluate(NetworkAcl acl, bool egress, IpAddress remote, Traffic traffic) =>
        Evaluate(new NetworkAclRules(acl).Of(egress, remote.IsIPv6), egress, remote, traffic);

    /// <summary>Evaluates entries already read and ordered (<see cref="NetworkAclRules.Of(bool, bool)"/>).</summary>
    public static NetworkAclDecision Evaluate(IReadOnlyList<NetworkAclRule> rules, bool egress, IpAddress remote, Traffic traffic)
    {
        // One port (or no ports) of one protocol is one packet: the common case on a path, decided without splitting.
        if (!traffic.Protocol.IsAll && (traffic.Protocol.HasPorts ? traffic.Ports is { } p && p.From == p.To
                : !traffic.Protocol.IsIcmp || traffic.IcmpType is not null && traffic.IcmpCode is not null))
        {
            var packet = new Packet(traffic.Protocol.Number, traffic.Ports?.From ?? 0, traffic.IcmpType ?? -1, traffic.IcmpCode ?? -1);
            var w = Decide(rules, remote, packet);
            return Conclude(w.Result == HopResult.Denied ? w : null, w.Result == HopResult.Unknown ? w : null, w.Result == HopResult.Allowed ? w : null, null,
                egress, remote, traffic);
        }
        // The traffic is split into packets every entry treats alike; each is decided on its own, then: any denied
        // packet denies the traffic, else any unknown one makes it unknown, else it is allowed.
        Walk? denied = null, unknown = null, allowed = null;
        List<PortRange>? deniedPorts = null;
        foreach (var (packet, ports) in Packets(rules, traffic))
        {
            var w = Decide(rules, remote, packet);
            switch (w.Result)
            {
                case HopResult.Denied:
                    if (denied is null || Number(w.Decider) < Number(denied.Value.Decider)) denied = w;
                    if (w.Decider is null && ports is { } range) (deniedPorts ??= []).Add(range);
                    break;
                case HopResult.Unknown:
                    if (unknown is null || w.Doubt!.RuleNumber < unknown.Value.Doubt!.RuleNumber) unknown = w;
                    break;
                default:
                    if (allowed is null || w.Decider!.RuleNumber > allowed.Value.Decider!.RuleNumber) allowed = w;
                    break;
            }
        }
        return Conclude(denied, unknown, allowed, deniedPorts, egress, remote, traffic);
    }

    private static NetworkAclDecision Conclude(Walk? denied, Walk? unknown, Walk? allowed, List<PortRange>? deniedPorts, bool egress, IpAddress remote, Traffic traffic)
    {
        var way = egress ? "to" : "from";
        if (denied is { Decider: { } deny })
            return new(HopResult.Denied, deny.Entry, $"entry {deny.RuleNumber} denies {traffic} {way} {remote}");
        if (denied is not null)
            return new(HopResult.Denied, null,
                $"no entry allows {traffic} {way} {remote}{(deniedPorts is not null && (allowed is not null || unknown is not null) ? " on ports " + string.Join(",", Merge(deniedPorts)) : "")}");
        if (unknown is { Doubt: { } doubt } u)
        {
            var problem = doubt.Problems[0];
            var why = ReferenceEquals(doubt, u.Decider) ? $"it matches {traffic} {way} {remote}, but what it does cannot be read"
                : $"it comes before the entry that decides and may match {traffic} {way} {remote}";
            return new(HopResult.Unknown, doubt.Entry, $"{problem}: {why}") { Problem = problem };
        }
        var decider = allowed!.Value.Decider!;
        return new(HopResult.Allowed, decider.Entry, $"entry {decider.RuleNumber} allows {traffic} {way} {remote}");
    }

    /// <summary>
    /// The first entry that certainly matches one packet (the decider; null when none does), with no regard to
    /// unreadable entries: for callers that read only readable entries, such as the audit's coverage of the internet.
    /// </summary>
    public static NetworkAclRule? FirstMatch(IReadOnlyList<NetworkAclRule> rules, IpAddress remote, IpProtocol protocol, int port)
    {
        foreach (var r in rules)
            if (Matches(r, remote, protocol, port)) return r;
        return null;
    }

    /// <summary>Whether the entry certainly matches a packet from (or to) <paramref name="remote"/> of this protocol and port (any ICMP type).</summary>
    public static bool Matches(NetworkAclRule rule, IpAddress remote, IpProtocol protocol, int port) =>
        Match(rule, remote, new Packet(protocol.Number, port, -1, -1)) == Matching.Yes;

    /// <summary>One packet: a protocol, and a port (TCP/UDP) or ICMP type and code.</summary>
    private readonly record struct Packet(int Protocol, int Port, int IcmpType, int IcmpCode);

    private enum Matching { No, Maybe, Yes }

    /// <param name="Result">What the entries decide for the packet.</param>
    /// <param name="Decider">The first entry that certainly matches (null: none, the implicit deny).</param>
    /// <param name="Doubt">For Unknown: the first unreadable entry that might decide otherwise.</param>
    private readonly record struct Walk(HopResult Result, NetworkAclRule? Decider, NetworkAclRule? Doubt);

    /// <summary>
    /// First match for one packet, keeping every outcome an unreadable entry could give: an entry that may match adds
    /// its action (both, if the action cannot be read) and the walk goes on; the first that surely matches ends it.
    /// </summary>
    private static Walk Decide(IReadOnlyList<NetworkAclRule> rules, IpAddress remote, Packet packet)
    {
        List<NetworkAclRule>? maybes = null;
        NetworkAclRule? decider = null;
        foreach (var r in rules)
        {
            var m = Match(r, remote, packet);
            if (m == Matching.No) continue;
            if (m == Matching.Yes) { decider = r; break; }
            (maybes ??= []).Add(r);
        }
        bool? outcome = decider is null ? false : decider.Allow;
        if (maybes is null && outcome is { } sure) return new(sure ? HopResult.Allowed : HopResult.Denied, decider, null);
        // An uncertain entry matters only if it might give another outcome than the one reached without it.
        var doubt = outcome is null ? maybes?.FirstOrDefault() ?? decider : maybes!.FirstOrDefault(r => r.Allow != outcome);
        if (doubt is null) return new(outcome!.Value ? HopResult.Allowed : HopResult.Denied, decider, null);
        return new(HopResult.Unknown, decider, doubt);
    }

    private static Matching Match(NetworkAclRule r, IpAddress remote, Packet packet)
    {
        bool maybe = false;
        if (r.Cidr is { } cidr) { if (!cidr.Contains(remote)) return Matching.No; }
        else maybe = true;
        if (r.Protocol is not { } protocol) return Matching.Maybe;
        if (protocol.IsAll) return maybe ? Matching.Maybe : Matching.Yes;
        if (protocol.Number != packet.Protocol) return Matching.No;
        if (protocol.HasPorts)
        {
            if (r.Ports is not { } ports) return Matching.Maybe;
            if (!ports.Contains(packet.Port)) return Matching.No;
        }
        else if (protocol.IsIcmp)
        {
            if (r.Icmp is not { } icmp) return Matching.Maybe;
            if (icmp.Type != -1 && icmp.Type != packet.IcmpType || icmp.Code != -1 && icmp.Code != packet.IcmpCode) return Matching.No;
        }
        return maybe ? Matching.Maybe : Matching.Yes;
    }

    /// <summary>
    /// The packets that stand for the traffic: one per protocol the entries tell apart ("all protocols" asks each named
    /// one and one no entry names), per port segment within which every readable entry matches alike, per ICMP type and
    /// code named (and one not named) when the traffic leaves them open. With each TCP/UDP packet, its port segment.
    /// </summary>
    private static IEnumerable<(Packet Packet, PortRange? Ports)> Packets(IReadOnlyList<NetworkAclRule> rules, Traffic traffic)
    {
        IEnumerable<int> protocols = traffic.Protocol.IsAll
            ? rules.Where(r => r.Protocol is { IsAll: false }).Select(r => r.Protocol!.Value.Number).Append(Unnamed(rules)).Distinct()
            : [traffic.Protocol.Number];
        foreach (var protocol in protocols)
        {
            var p = new IpProtocol(protocol);
            if (p.HasPorts)
            {
                var within = traffic.Protocol.IsAll ? PortRange.All : traffic.Ports ?? PortRange.All;
                foreach (var segment in Segments(rules, protocol, within)) yield return (new Packet(protocol, segment.From, -1, -1), segment);
            }
            else if (p.IsIcmp)
            {
                var named = rules.Where(r => r.Protocol?.Number == protocol && r.Icmp is { } i).Select(r => r.Icmp!.Value).ToArray();
                int? givenType = traffic.Protocol.IsAll ? null : traffic.IcmpType, givenCode = traffic.Protocol.IsAll ? null : traffic.IcmpCode;
                var types = givenType is { } t ? [t] : named.Select(i => i.Type).Where(x => x != -1).Append(Other(named.Select(i => i.Type))).Distinct().ToArray();
                var codes = givenCode is { } c ? [c] : named.Select(i => i.Code).Where(x => x != -1).Append(Other(named.Select(i => i.Code))).Distinct().ToArray();
                foreach (var type in types)
                    foreach (var code in codes) yield return (new Packet(protocol, 0, type, code), null);
            }
            else yield return (new Packet(protocol, 0, -1, -1), null);
        }
    }

    /// <summary>A protocol number no entry names, without ports or ICMP type: it stands for every protocol nobody names.</summary>
    private static int Unnamed(IReadOnlyList<NetworkAclRule> rules)
    {
        for (int n = 0; n <= 255; n++)
        {
            var p = new IpProtocol(n);
            if (!p.HasPorts && !p.IsIcmp && !rules.Any(r => r.Protocol?.Number == n)) return n;
        }
        return 255;
    }

    private static int Other(IEnumerable<int> named)
    {
        var used = named.ToHashSet();
        int v = 0;
        while (used.Contains(v)) v++;
        return v;
    }

    /// <summary>Port segments of <paramref name="within"/> inside which every readable entry of the protocol matches alike.</summary>
    private static IEnumerable<PortRange> Segments(IReadOnlyList<NetworkAclRule> rules, int protocol, PortRange within)
    {
        if (within.From == within.To) { yield return within; yield break; }
        var bounds = new List<int> { within.From, within.To + 1 };
        foreach (var r in rules)
        {
            if (r.Protocol?.Number != protocol || r.Ports is not { } ports) continue;
            if (ports.From > within.From && ports.From <= within.To) bounds.Add(ports.From);
            if (ports.To + 1 > within.From && ports.To + 1 <= within.To) bounds.Add(ports.To + 1);
        }
        bounds.Sort();
        for (int k = 0; k + 1 < bounds.Count; k++)
            if (bounds[k] != bounds[k + 1]) yield return new PortRange(bounds[k], bounds[k + 1] - 1);
    }

    private static IEnumerable<PortRange> Merge(List<PortRange> ranges)
    {
        ranges.Sort((a, b) => a.From.CompareTo(b.From));
        for (int i = 0; i < ranges.Count; i++)
        {
            var r = ranges[i];
            while (i + 1 < ranges.Count && ranges[i + 1].From <= r.To + 1) r = new PortRange(r.From, Math.Max(r.To, ranges[++i].To));
            yield return r;
        }
    }

    private static int Number(NetworkAclRule? r) => r?.RuleNumber ?? int.MaxValue;

    /// <summary>An entry as one line: <c>inbound 100 allow tcp 22 0.0.0.0/0</c>.</summary>
    public static string Describe(NetworkAclEntry e)
    {
        var protocol = IpProtocol.TryParse(e.Protocol, out var p, out _) ? p.ToString() : e.Protocol;
        var ports = e.PortRange is null ? "" : e.PortRange.From is >= 0 and <= 65535 && e.PortRange.To is >= 0 and <= 65535
            ? " " + PortRange.FromRule(e.PortRange.From, e.PortRange.To) : string.Create(CultureInfo.InvariantCulture, $" {e.PortRange.From}-{e.PortRange.To}");
        var icmp = e.IcmpTypeCode is null ? "" : string.Create(CultureInfo.InvariantCulture, $" type {e.IcmpTypeCode.Type} code {e.IcmpTypeCode.Code}");
        var number = e.RuleNumber == 32767 ? "*" : e.RuleNumber.ToString(CultureInfo.InvariantCulture);
        return $"{(e.Egress ? "outbound" : "inbound")} {number} {e.RuleAction} {protocol}{ports}{icmp} {e.CidrBlock ?? e.Ipv6CidrBlock}";
    }
}
