using System.Globalization;
using VpcSecTools.Exposure;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// The exposure a proposal removes, by the reachability engine: the network part of each path (routes, NACLs both ways,
/// gateways, the address translations) is the engine's walk, and the security groups at the rule's ENIs are evaluated with
/// the rules before and after the change (the same matching the attribution uses), so one snapshot answers both.
/// <list type="bullet">
/// <item>Internet pairs: the ENI:port pairs of the rule's ENIs and ports that some internet address reaches (inbound), or
/// from which the internet is reached (outbound), counted over port segments within which every rule and NACL entry
/// treats ports alike.</item>
/// <item>Sources removed (inbound): the ENIs of the snapshot the rule names that reach an ENI of the group on a probe port
/// of the rule before (the fan-out, end to end) and are refused after.</item>
/// </list>
/// Bounded: at most <see cref="MaxEnis"/> ENIs of the group and <see cref="MaxProbes"/> probe ports; the note says so.
/// </summary>
internal sealed class TighteningExposure(SnapshotIndex index, SourceRules book, bool shared = true)
{
    public const int MaxEnis = 8, MaxProbes = 4, MaxListed = 20;

    private readonly ReachabilityAnalyzer _analyzer = new(index);
    private readonly Dictionary<(string Eni, IpAddress Witness, int Protocol, int Port, bool Outbound), bool> _network = [];
    // Proposals of one group probe the same ENIs from overlapping sources: the address a source is seen with is walked once.
    private readonly Dictionary<(string Source, string Target, Traffic Traffic), (IpAddress Seen, bool Identity)?> _seen = [];
    private (NetworkInterface Eni, IpAddress? V4, IpAddress? V6)[]? _filtered;
    // Every rule of a group probes the same ENIs from sources many rules name (a subnet's CIDR, a referenced group), and
    // the fan-out's verdict is the snapshot's, not the proposal's: each (target, probe, source) is decided once
    // (unless built with shared: false, the straightforward path the tests compare against).
    private readonly Dictionary<(string Target, Traffic Traffic), Dictionary<string, Reach>> _reaches = [];
    private readonly Dictionary<string, NetworkInterface[]> _named = new(StringComparer.Ordinal);
    private const int MaxDecided = 4_000_000;
    private int _decided;

    public RuleProposal Of(SourceRule rule, RuleProposal proposal, Func<SourceRule, bool> exceptBefore, AddedRules extraBefore,
        Func<SourceRule, bool> exceptAfter, AddedRules extraAfter)
    {
        var all = index.EnisInGroup(rule.GroupId).Where(e => !SecurityGroupEvaluator.IsUnfiltered(e)).OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToList();
        var enis = all.Take(MaxEnis).ToList();
        var notes = new List<string>();
        if (all.Count > enis.Count) notes.Add($"computed on {enis.Count} of the group's {all.Count} network interfaces");
        long before = 0, after = 0;
        var removed = new List<string>();
        if (!AdmitsInternet(rule)) notes.Add($"{rule.Rule.Source} names no internet address: no internet pair changes");
        else
            foreach (var e in enis)
                foreach (var (protocol, segment, open) in InternetPairs(rule, e, exceptBefore, extraBefore, exceptAfter, extraAfter))
                {
                    if (open.Before) before += segment.Count;
                    if (open.After) after += segment.Count;
                    if (open.Before && !open.After && removed.Count < MaxListed) removed.Add($"{e.NetworkInterfaceId}:{protocol}/{segment} ({ExposureAnalysis.OwnerOf(e)})");
                }
        var sources = new List<string>();
        long sourcesRemoved = 0;
        if (rule.Ingress)
        {
            // Who reaches an interface is asked of its private IPv4 address: one without it (a damaged capture) cannot be asked.
            var unasked = enis.Where(e => ReachabilityAnalyzer.PrivateAddressOf(e, ipv6: false) is null).ToList();
            if (unasked.Count > 0)
                notes.Add($"{string.Join(", ", unasked.Select(e => e.NetworkInterfaceId))} {(unasked.Count == 1 ? "has" : "have")} no private address in the snapshot: "
                    + "the sources that reach it are unknown and not counted");
            sourcesRemoved = SourcesRemoved(rule, enis.Except(unasked).ToList(), exceptAfter, extraAfter, sources, notes);
        }
        else notes.Add("outbound rule: the internet pairs are those its network interfaces reach");
        return proposal with
        {
            InternetPairsBefore = before, InternetPairsAfter = after, InternetPairsRemoved = removed.ToValueList(),
            SourcesRemovedCount = sourcesRemoved, SourcesRemoved = sources.ToValueList(), ExposureNote = string.Join("; ", notes),
        };
    }

    private static bool AdmitsInternet(SourceRule rule) =>
        rule.Rule.Kind != RuleSourceKind.SecurityGroup && (rule.Rule.Cidrs ?? []).Any(AddressScope.HoldsInternet);

    /// <summary>Per protocol and port segment of the rule: whether some internet address reaches (or is reached from) the ENI before and after.</summary>
    private IEnumerable<(IpProtocol Protocol, PortRange Segment, (bool Before, bool After) Open)> InternetPairs(SourceRule rule, NetworkInterface eni,
        Func<SourceRule, bool> exceptBefore, AddedRules extraBefore, Func<SourceRule, bool> exceptAfter, AddedRules extraAfter)
    {
        bool ingress = rule.Ingress;
        IpProtocol[] protocols = rule.Rule.Protocol.IsAll ? [IpProtocol.Tcp, IpProtocol.Udp] : rule.Rule.Protocol.HasPorts ? [rule.Rule.Protocol] : [];
        foreach (var ipv6 in (rule.Rule.Cidrs ?? []).Where(AddressScope.HoldsInternet).Select(c => c.IsIPv6).Distinct())
        {
            var address = ingress ? PublicAddress(eni, ipv6) : ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6);
            if (address is null) continue;
            foreach (var protocol in protocols)
            {
                var range = rule.Rule.Protocol.IsAll ? PortRange.All : rule.Rule.Ports;
                var rules = eni.Groups.SelectMany(g => book.Of(g.GroupId, ingress)).Concat(eni.Groups.SelectMany(g => extraAfter.Of(g.GroupId, ingress))).ToList();
                foreach (var segment in Segments(range, protocol, rules, eni, egress: !ingress, ipv6))
                {
                    var traffic = new Traffic(protocol, new PortRange(segment.From, segment.From));
                    var witnesses = Witnesses(rules, protocol, segment.From, ipv6);
                    bool open(Func<SourceRule, bool> except, AddedRules extra) =>
                        witnesses.Any(w => Admits(eni, ingress, w, protocol, segment.From, except, extra) && Network(eni, address.Value, w, traffic, outbound: !ingress));
                    yield return (protocol, segment, (open(exceptBefore, extraBefore), open(exceptAfter, extraAfter)));
                }
            }
        }
    }

    /// <summary>Whether the ENI's groups (with the change's rules left out and added) admit an internet peer; a rule that may admit it counts.</summary>
    private bool Admits(NetworkInterface eni, bool ingress, IpAddress peer, IpProtocol protocol, int port, Func<SourceRule, bool> except, AddedRules extra)
    {
        var yes = new List<SourceRule>();
        var maybe = new List<SourceRule>();
        AllowingRules.Find(book, eni, ingress, new FlowPeer(peer, PeerKind.NoEni, null, false, null), protocol, new PortRange(port, port), yes, maybe, except, extra);
        return yes.Count + maybe.Count > 0;
    }

    /// <summary>The engine's walk without security groups, both ways; a path it cannot decide counts as open (never as safe).</summary>
    private bool Network(NetworkInterface eni, IpAddress address, IpAddress witness, Traffic traffic, bool outbound)
    {
        var key = (eni.NetworkInterfaceId, witness, traffic.Protocol.Number, traffic.Ports!.Value.From, outbound);
        if (_network.TryGetValue(key, out bool open)) return open;
        var internet = new ReachabilityEndpoint("Internet", EndpointKind.Internet, null, witness, null);
        var self = ReachabilityEndpoint.Of(eni, address);
        var result = outbound ? _analyzer.Path(self, internet, traffic, address, witness, securityGroups: false)
            : _analyzer.Path(internet, self, traffic, witness, address, securityGroups: false);
        return _network[key] = result.Verdict != Verdict.NotReachable;
    }

    /// <summary>The default internet address, and one inside each internet CIDR of the rules that cover the port.</summary>
    private static List<IpAddress> Witnesses(IEnumerable<SourceRule> rules, IpProtocol protocol, int port, bool ipv6)
    {
        var list = new List<IpAddress> { ipv6 ? AddressScope.DefaultInternetIPv6 : AddressScope.DefaultInternetIPv4 };
        foreach (var r in rules)
        {
            if (AllowingRules.Covers(r, protocol, new PortRange(port, port)) == RuleMatch.No) continue;
            foreach (var c in r.Rule.Cidrs ?? [])
                if (c.IsIPv6 == ipv6 && AddressScope.WitnessIn(c) is { } w && !list.Contains(w) && list.Count < 8) list.Add(w);
        }
        return list;
    }

    /// <summary>Port segments of <paramref name="range"/> inside which every rule and the subnet's NACL entries treat ports alike.</summary>
    private IEnumerable<PortRange> Segments(PortRange range, IpProtocol protocol, IEnumerable<SourceRule> rules, NetworkInterface eni, bool egress, bool ipv6)
    {
        var bounds = new SortedSet<int> { range.From, range.To + 1 };
        void Cut(PortRange r)
        {
            if (r.From > range.From && r.From <= range.To) bounds.Add(r.From);
            if (r.To + 1 > range.From && r.To + 1 <= range.To) bounds.Add(r.To + 1);
        }
        foreach (var r in rules)
            if (r.Rule.Protocol.Number == protocol.Number) Cut(r.Rule.Ports);
        if (eni.SubnetId is { } subnet && index.NetworkAclOf(subnet).Acl is { } acl)
            foreach (var entry in index.RulesOf(acl).Of(egress, ipv6))
                if (entry.Protocol?.Number == protocol.Number && entry.Ports is { } ports) Cut(ports);
        var list = bounds.ToList();
        for (int i = 0; i + 1 < list.Count; i++) yield return new PortRange(list[i], list[i + 1] - 1);
    }

    private static IpAddress? PublicAddress(NetworkInterface eni, bool ipv6)
    {
        if (ipv6)
        {
            foreach (var a in eni.Ipv6Addresses)
                if (IpAddress.TryParse(a.Ipv6Address, out var ip) && AddressScope.IsInternet(ip)) return ip;
            return null;
        }
        var text = eni.Association?.PublicIp ?? eni.PrivateIpAddresses.Select(p => p.Association?.PublicIp).FirstOrDefault(p => p is not null);
        return text is not null && IpAddress.TryParse(text, out var v4) ? v4 : null;
    }

    /// <summary>
    /// The ENIs the rule names that the fan-out finds reaching an ENI of the group on a probe port, whose address as the
    /// group sees it (the pairwise walk says which, and whether its identity arrives) the rules after the change refuse.
    /// </summary>
    private long SourcesRemoved(SourceRule rule, List<NetworkInterface> enis, Func<SourceRule, bool> exceptAfter, AddedRules extraAfter,
        List<string> listed, List<string> notes)
    {
        var candidates = Named(rule).ToList();
        if (candidates.Count == 0) return 0;
        var probes = Probes(rule, extraAfter).ToList();
        var removed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in enis)
            foreach (var traffic in probes)
            {
                // Towards the group's first ENI most candidates are removed and need their verdict anyway; towards the next
                // ones mostly those the change keeps are left, whose verdicts the request's walk spares.
                var asked = Left(candidates, removed, traffic);
                if (e != enis[0]) asked = Refused(e, traffic, asked, exceptAfter, extraAfter);
                foreach (var (r, walked) in Reaching(e, traffic, asked))
                {
                    if (removed.Contains($"{r}|{traffic}") || !index.NetworkInterfaces.TryGetValue(r, out var source)) continue;
                    if (Seen(source, e, traffic, walked) is not var (seen, identity)) continue;
                    if (AdmittedAfter(e, source, seen, identity, traffic, exceptAfter, extraAfter)) continue;
                    removed.Add($"{r}|{traffic}");
                    if (listed.Count < MaxListed) listed.Add($"{r} ({ExposureAnalysis.OwnerOf(source)}) -> {e.NetworkInterfaceId} {traffic}");
                }
            }
        notes.Add(string.Create(CultureInfo.InvariantCulture, $"sources probed on {string.Join(", ", probes)} among the {candidates.Count} network interface(s) the rule names"));
        return removed.Select(k => k[..k.IndexOf('|', StringComparison.Ordinal)]).Distinct().LongCount();
    }

    /// <summary>
    /// The candidates not yet removed on the probe (in their order): a source removed towards one ENI of the group counts
    /// once, so whether it reaches the next is not asked (the straightforward path asks, and skips it after).
    /// </summary>
    private List<NetworkInterface> Left(List<NetworkInterface> candidates, HashSet<string> removed, Traffic traffic)
    {
        if (!shared || removed.Count == 0) return candidates;
        var probe = traffic.ToString();
        return candidates.Where(c => !removed.Contains($"{c.NetworkInterfaceId}|{probe}")).ToList();
    }

    /// <summary>Whether the target's groups after the change admit the source seen with <paramref name="seen"/> (its identity too, when it arrives); a rule that may counts.</summary>
    private bool AdmittedAfter(NetworkInterface target, NetworkInterface source, IpAddress seen, bool identity, Traffic traffic, Func<SourceRule, bool> exceptAfter, AddedRules extraAfter)
    {
        var holder = identity ? source : index.EnisAt(seen).FirstOrDefault();
        var peer = holder is null ? new FlowPeer(seen, PeerKind.NoEni, null, false, null) : new FlowPeer(seen, PeerKind.Eni, holder, identity, null);
        var yes = new List<SourceRule>();
        var maybe = new List<SourceRule>();
        AllowingRules.Find(book, target, ingress: true, peer, traffic.Protocol, traffic.Ports, yes, maybe, exceptAfter, extraAfter);
        return yes.Count + maybe.Count > 0;
    }

    /// <summary>
    /// The candidates (in their order) whose removal the verdict decides: those the rules after the change refuse as the
    /// request's walk (the fan-out's, shared per subnet) says the target sees them, and those it does not walk. The others
    /// are never removed whether they reach or not, and most of a group's later ENIs are asked only about such sources
    /// (the named peers the change keeps): their verdict, and its response walks, is not asked.
    /// </summary>
    private List<NetworkInterface> Refused(NetworkInterface target, Traffic traffic, List<NetworkInterface> candidates, Func<SourceRule, bool> exceptAfter, AddedRules extraAfter)
    {
        if (!shared || ReachabilityAnalyzer.PrivateAddressOf(target, ipv6: false) is not { } targetAddress) return candidates;
        var walked = new Dictionary<string, (IpAddress? Seen, bool ReferencesPreserved)>(StringComparer.Ordinal);
        foreach (var (source, seen, preserved) in new ReachabilityFanOut(_analyzer).Requests(target, traffic, candidates))
            walked[source.NetworkInterfaceId] = (seen, preserved);
        var refused = new List<NetworkInterface>();
        foreach (var c in candidates)
        {
            // Not walked, or a VPC-provided service's address (the pairwise analysis says what it sees): the verdict decides.
            if (!walked.TryGetValue(c.NetworkInterfaceId, out var request) || _analyzer.IsVpcProvidedService(c, targetAddress)) refused.Add(c);
            // The request does not arrive (it cannot reach), or arrives as an address the change still admits.
            else if (request.Seen is { } seen && !AdmittedAfter(target, c, seen, Identity(c, seen, request.ReferencesPreserved), traffic, exceptAfter, extraAfter)) refused.Add(c);
        }
        return refused;
    }

    /// <summary>Whether a group reference can match the source seen with <paramref name="seen"/>: its own address, arrived with its identity.</summary>
    private bool Identity(NetworkInterface source, IpAddress seen, bool referencesPreserved) => referencesPreserved && index.EnisAt(seen).Contains(source);

    /// <summary>A fan-out's verdict on one source, and (when it reaches) the address its request's walk says it is seen with.</summary>
    private readonly record struct Reach(bool Reaches, IpAddress? Seen, bool ReferencesPreserved);

    /// <summary>
    /// The candidates (in their order) the fan-out finds reaching <paramref name="target"/> with the traffic, the target itself
    /// aside, each with the address its request's walk says the target sees (shared path only; else null).
    /// </summary>
    private IEnumerable<(string Source, (IpAddress Address, bool ReferencesPreserved)? Walked)> Reaching(NetworkInterface target, Traffic traffic, List<NetworkInterface> candidates)
    {
        if (!shared)
            return new ReachabilityFanOut(_analyzer).WhoCanReach(target, traffic, candidates.Where(c => c != target))
                .Where(r => r.Verdict == Verdict.Reachable).Select(r => (r.Source, ((IpAddress, bool)?)null));
        // Bounded: past MaxDecided verdicts the memo starts again (the answers do not change, only the work).
        if (_decided > MaxDecided) { _reaches.Clear(); _decided = 0; }
        if (!_reaches.TryGetValue((target.NetworkInterfaceId, traffic), out var known)) _reaches[(target.NetworkInterfaceId, traffic)] = known = new(StringComparer.Ordinal);
        List<NetworkInterface>? asked = null;
        foreach (var c in candidates)
            if (c != target && !known.ContainsKey(c.NetworkInterfaceId)) (asked ??= []).Add(c);
        if (asked is not null)
        {
            _decided += asked.Count;
            foreach (var c in asked) known[c.NetworkInterfaceId] = default;
            foreach (var r in new ReachabilityFanOut(_analyzer).WhoCanReach(target, traffic, asked))
                known[r.Source] = new Reach(r.Verdict == Verdict.Reachable, r.SeenSourceAddress, r.ReferencesPreserved);
        }
        var reaching = new List<(string, (IpAddress, bool)?)>();
        foreach (var c in candidates)
            if (c != target && known[c.NetworkInterfaceId] is { Reaches: true } r)
                reaching.Add((c.NetworkInterfaceId, r.Seen is { } seen ? (seen, r.ReferencesPreserved) : null));
        return reaching;
    }

    /// <summary>
    /// The address the target's groups see the source with (the pairwise walk, or the fan-out's walk of the same request:
    /// <paramref name="walked"/>), and whether its identity arrives; null when the walk names none.
    /// </summary>
    private (IpAddress Seen, bool Identity)? Seen(NetworkInterface source, NetworkInterface target, Traffic traffic, (IpAddress Address, bool ReferencesPreserved)? walked)
    {
        // A VPC-provided service's address is left to the pairwise analysis, as below.
        if (walked is var (address, preserved) && ReachabilityAnalyzer.PrivateAddressOf(target, ipv6: false) is { } targetAddress && !_analyzer.IsVpcProvidedService(source, targetAddress))
            return (address, Identity(source, address, preserved));
        var key = (source.NetworkInterfaceId, target.NetworkInterfaceId, traffic);
        if (_seen.TryGetValue(key, out var known)) return known;
        var from = ReachabilityEndpoint.Of(source);
        var to = ReachabilityEndpoint.Of(target);
        // The seen address and whether the identity arrives are the request's walk's: the pairwise analysis's groups and
        // response are not needed (the addresses are those it picks; a VPC-provided service's address is left to it).
        var dst = ReachabilityAnalyzer.PrivateAddressOf(target, ipv6: false);
        var src = dst is null ? null : ReachabilityAnalyzer.PrivateAddressOf(source, dst.Value.IsIPv6);
        var path = shared && src is not null && !_analyzer.IsVpcProvidedService(source, dst!.Value)
            ? _analyzer.Path(from, to, traffic, src.Value, dst.Value, securityGroups: false, returnPath: false)
            : _analyzer.Analyze(from, to, traffic);
        (IpAddress, bool)? result = path.SeenSourceAddress is not null && IpAddress.TryParse(path.SeenSourceAddress, out var seen)
            ? (seen, Identity(source, seen, path.ReferencesPreserved)) : null;
        return _seen[key] = result;
    }

    /// <summary>The ENIs of the snapshot the rule's source names: members of the referenced group, or holders of an address in its CIDRs.</summary>
    private IEnumerable<NetworkInterface> Named(SourceRule rule)
    {
        if (rule.Rule.Kind == RuleSourceKind.SecurityGroup)
            return rule.IsStale || rule.Pair?.GroupId is not { Length: > 0 } g ? [] : index.EnisInGroup(g);
        var cidrs = rule.Rule.Cidrs ?? [];
        if (!shared) return Holders(cidrs);
        var key = string.Join(",", cidrs);
        if (!_named.TryGetValue(key, out var holders)) _named[key] = holders = Holders(cidrs).ToArray();
        return holders;
    }

    private IEnumerable<NetworkInterface> Holders(IEnumerable<Cidr> cidrs)
    {
        // Every proposal of a CIDR rule asks this of every ENI: their addresses are parsed once.
        _filtered ??= index.NetworkInterfaces.Values.Where(e => !SecurityGroupEvaluator.IsUnfiltered(e))
            .Select(e => (e, ReachabilityAnalyzer.PrivateAddressOf(e, false), ReachabilityAnalyzer.PrivateAddressOf(e, true))).ToArray();
        return _filtered.Where(x => x.V4 is { } v4 && cidrs.Any(c => c.Contains(v4)) || x.V6 is { } v6 && cidrs.Any(c => c.Contains(v6))).Select(x => x.Eni);
    }

    /// <summary>
    /// The first port (port 0 aside) of each segment the group's rules, before and after the change, cut the rule's range
    /// into, up to <see cref="MaxProbes"/>: each segment is admitted alike by them.
    /// </summary>
    private IEnumerable<Traffic> Probes(SourceRule rule, AddedRules extraAfter)
    {
        if (!rule.Rule.Protocol.IsAll && !rule.Rule.Protocol.HasPorts) return [new Traffic(rule.Rule.Protocol)];
        var protocol = rule.Rule.Protocol.IsAll ? IpProtocol.Tcp : rule.Rule.Protocol;
        var range = rule.Rule.Protocol.IsAll ? PortRange.All : rule.Rule.Ports;
        var bounds = new SortedSet<int> { Math.Max(range.From, 1) };
        foreach (var r in book.Of(rule.GroupId, true).Concat(extraAfter.Of(rule.GroupId, true)))
        {
            if (r.Rule.Protocol.Number != protocol.Number) continue;
            foreach (var cut in new[] { r.Rule.Ports.From, r.Rule.Ports.To + 1 })
                if (cut > range.From && cut <= range.To) bounds.Add(cut);
        }
        return bounds.Take(MaxProbes).Select(p => new Traffic(protocol, new PortRange(p, p)));
    }
}
