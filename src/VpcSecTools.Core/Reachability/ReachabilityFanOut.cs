using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>One source of a fan-out ("who can reach this?"): the ENI, its verdict and what stops it.</summary>
public sealed record ReachableSource
{
    /// <summary>An ENI id, or <c>Internet</c>.</summary>
    public string Source { get; init; } = "";
    /// <summary>The Name of what holds the ENI (an instance's Name tag, a load balancer's name...), to read a long list by.</summary>
    public string? SourceName { get; init; }
    public string? InstanceId { get; init; }
    /// <summary>The source's private address of the destination's family (the one it was asked with).</summary>
    public string? PrivateIpAddress { get; init; }
    public string? VpcId { get; init; }
    public string? SubnetId { get; init; }
    public string Destination { get; init; } = "";
    public string Protocol { get; init; } = "";
    public string? Port { get; init; }
    public Verdict Verdict { get; init; }
    public string? ExplanationCode { get; init; }
    public string? BlockingComponent { get; init; }
    public string? BlockingRule { get; init; }
    public PathDirection? BlockingDirection { get; init; }
    /// <summary>What allowed it at the destination's security groups (a CIDR, prefix list or group), when reachable.</summary>
    public string? AllowedBy { get; init; }
    /// <summary>
    /// When the request arrives: the address the destination's groups see the source with (its own, or a NAT's) and whether
    /// its identity arrives, as the request's walk says (that source's, or its subnet's). Rule usage reads it instead of walking again.
    /// </summary>
    internal IpAddress? SeenSourceAddress { get; init; }
    internal bool ReferencesPreserved { get; init; }
}

/// <summary>
/// "Who can reach this database on 5432?": every source ENI (of the snapshot, a VPC, a subnet or a security
/// group), and optionally the internet, against one destination. The destination's inbound rules are
/// turned once into an address set plus a set of referenced groups; source groups are evaluated once per
/// distinct set of groups; routes and NACLs once per source subnet (and per address class when a NACL or
/// route splits a subnet). The verdicts are those of <see cref="ReachabilityAnalyzer"/> pair by pair.
/// </summary>
public sealed class ReachabilityFanOut
{
    private readonly ReachabilityAnalyzer _analyzer;

    public ReachabilityFanOut(ReachabilityAnalyzer analyzer) => _analyzer = analyzer;

    private SnapshotIndex Index => _analyzer.Index;

    /// <summary>
    /// The ENIs a selector names: <c>*</c> (all), a VPC, subnet or security-group id. Null when the text
    /// is not a selector (an instance, ENI, address or <c>Internet</c>).
    /// </summary>
    public IReadOnlyList<NetworkInterface>? SourcesMatching(string selector)
    {
        var s = selector.Trim();
        if (s == "*") return Index.NetworkInterfaces.Values.ToArray();
        if (s.StartsWith("vpc-", StringComparison.Ordinal))
            return Index.Vpcs.ContainsKey(s) ? Index.NetworkInterfaces.Values.Where(e => e.VpcId == s).ToArray() : throw new EndpointNotFoundException(s, $"VPC '{s}' is not in the snapshot");
        if (s.StartsWith("subnet-", StringComparison.Ordinal))
            return Index.Subnets.ContainsKey(s) ? Index.EnisInSubnet(s) : throw new EndpointNotFoundException(s, $"subnet '{s}' is not in the snapshot");
        // A group the capture lacks but interfaces carry still names them: asked, their missing group is Unknown, naming it.
        if (s.StartsWith("sg-", StringComparison.Ordinal))
            return Index.SecurityGroups.ContainsKey(s) || Index.EnisInGroup(s).Count > 0 ? Index.EnisInGroup(s)
                : throw new EndpointNotFoundException(s, $"security group '{s}' is not in the snapshot");
        return null;
    }

    /// <summary>
    /// Verdicts for every source ENI (and the internet when <paramref name="includeInternet"/>) towards one destination. The
    /// checks are ordered as the pairwise analysis orders its hops, so both name the same blocker: a denial anywhere on the
    /// request (source groups, then routes and NACLs, then destination groups), else an unknown that stops the request, else
    /// the response, else the first unknown on the request.
    /// </summary>
    public IReadOnlyList<ReachableSource> WhoCanReach(string destination, Traffic traffic, IEnumerable<NetworkInterface> sources, bool includeInternet = false) =>
        WhoCanReach(ReachabilityEndpoint.Resolve(Index, destination, asSource: false), traffic, sources, includeInternet);

    /// <summary>The same, towards an ENI of the snapshot.</summary>
    public IReadOnlyList<ReachableSource> WhoCanReach(NetworkInterface destination, Traffic traffic, IEnumerable<NetworkInterface> sources) =>
        WhoCanReach(ReachabilityEndpoint.Of(destination), traffic, sources, includeInternet: false);

    private List<ReachableSource> WhoCanReach(ReachabilityEndpoint dst, Traffic traffic, IEnumerable<NetworkInterface> sources, bool includeInternet)
    {
        // "Which interfaces reach the internet?" has no one address to ask: routes to public prefixes and the rules that name
        // them differ by address, so a representative one would be a guess.
        if (dst.Kind == EndpointKind.Internet && dst.Address is null)
            throw new ArgumentException($"'{dst.Text}' names no one address, and which interfaces reach the internet depends on the address (routes and rules to public prefixes differ): give a public address as the destination (such as 8.8.8.8, or an address of the service the interfaces call)");
        var results = new List<ReachableSource>();
        // "Who can reach 8.8.8.8?" asks the ENIs; the internet row would ask the internet about itself (and refused the whole question).
        if (includeInternet && dst.Kind != EndpointKind.Internet)
        {
            var r = _analyzer.Analyze(new ReachabilityEndpoint("Internet", EndpointKind.Internet, null, null, null), dst, traffic);
            results.Add(Entry("Internet", null, r, dst, traffic) with { AllowedBy = r.Verdict == Verdict.Reachable ? AllowedRule(r) : null });
        }
        var dstEni = dst.NetworkInterface;
        var dstAddress = AddressOf(dst);
        // An address several interfaces hold (overlapping VPCs): each holder is the destination, not a source of it.
        var holders = dstEni is null ? Index.EnisAt(dstAddress) : [];
        var inbound = dstEni is null ? null : InboundSet.Of(Index, dstEni, traffic, dstAddress.IsIPv6);
        var egressCache = new Dictionary<(string Groups, bool Refs), SecurityGroupDecision>();
        var forwardCache = new Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)>();
        var fullCache = new Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)>();

        foreach (var eni in sources)
        {
            // NAT gateways and TGW attachments forward other hosts' connections; they do not open their own.
            if (dstEni is not null && eni.NetworkInterfaceId == dstEni.NetworkInterfaceId || SecurityGroupEvaluator.IsUnfiltered(eni)) continue;
            if (holders.Contains(eni)) continue;
            var srcAddress = ReachabilityAnalyzer.PrivateAddressOf(eni, dstAddress.IsIPv6);
            if (srcAddress is null)
            {
                // No address of the destination's family: not a source of this question, unless one could not be read.
                if (Index.ProblemsOf(eni.NetworkInterfaceId) is [var problem, ..])
                    results.Add(Row(eni.NetworkInterfaceId, eni, dst, traffic) with
                    {
                        Verdict = Verdict.Unknown, ExplanationCode = ExplanationCodes.UninterpretableEntry, BlockingComponent = eni.NetworkInterfaceId,
                        BlockingRule = problem.ToString(), BlockingDirection = PathDirection.Forward,
                    });
                continue;
            }
            var source = ReachabilityEndpoint.Of(eni, srcAddress);
            if (_analyzer.IsVpcProvidedService(eni, dstAddress))
            {
                // The resolver and the link-local services answer inside the VPC, unfiltered: the pairwise answer, not a route's.
                results.Add(Entry(eni.NetworkInterfaceId, eni, _analyzer.Analyze(source, dst, traffic), dst, traffic));
                continue;
            }
            if (eni.SubnetId is null)
            {
                // Its routes and NACL cannot be told: the pairwise answer (Unknown, naming the ENI).
                results.Add(Entry(eni.NetworkInterfaceId, eni, _analyzer.Path(source, dst, traffic, srcAddress.Value, dstAddress), dst, traffic));
                continue;
            }
            // The request's routes and NACLs first; the response is walked only for sources the groups let through.
            var network = Network(source, dst, traffic, srcAddress.Value, dstAddress, forwardCache, returnPath: false);

            // 1. The source's outbound groups, once per distinct group set.
            var groupsKey = string.Join(",", eni.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal));
            bool refs = network.ReferencesPreserved;
            if (!egressCache.TryGetValue((groupsKey, refs), out var egress))
                egressCache[(groupsKey, refs)] = egress = SecurityGroupEvaluator.Evaluate(Index, eni, ingress: false, new SecurityGroupPeer(dstAddress, dstEni, refs && dstEni is not null), traffic);
            if (egress.Result == HopResult.Denied) { results.Add(FromDecision(eni, egress, dst, traffic)); continue; }

            // 2. Routes and NACLs, once per subnet and address class.
            if (network.ForwardPath.Any(h => h.Result == HopResult.Denied)) { results.Add(Entry(eni.NetworkInterfaceId, eni, network, dst, traffic)); continue; }

            // 3. The destination's inbound groups, as sets (the ENI the request reached, when the destination is an address).
            SecurityGroupDecision? ingress = null;
            if (network.SeenSourceAddress is { } seenText && IpAddress.TryParse(seenText, out var seen) && Arrived(network, dstEni) is { } arrived)
            {
                // A shared (untranslated) network result saw its representative's address: this source is seen as itself.
                if (seenText == network.SourceAddress) seen = srcAddress.Value;
                var identity = network.ReferencesPreserved && seen == srcAddress.Value ? eni : null;
                var peer = new SecurityGroupPeer(seen, identity, identity is not null);
                ingress = inbound is not null && arrived == dstEni ? inbound.Decide(peer) : SecurityGroupEvaluator.Evaluate(Index, arrived, ingress: true, peer, traffic);
                if (ingress.Result == HopResult.Denied)
                {
                    results.Add(FromDecision(eni, ingress, dst, traffic, $"no inbound rule allows {traffic} from {seen}"));
                    continue;
                }
            }
            // 4. An unknown that stops the request, then the response, then the first unknown of the request.
            if (network.Verdict == Verdict.Unknown && network.SeenSourceAddress is null)
            {
                results.Add(egress.Result == HopResult.Unknown ? FromDecision(eni, egress, dst, traffic) : Entry(eni.NetworkInterfaceId, eni, network, dst, traffic));
                continue;
            }
            var request = network;
            network = Network(source, dst, traffic, srcAddress.Value, dstAddress, fullCache, returnPath: true);
            var entry = Entry(eni.NetworkInterfaceId, eni, network, dst, traffic) with
            {
                AllowedBy = ingress?.Result == HopResult.Allowed ? AllowedBy(ingress) : null,
                SeenSourceAddress = SeenAs(request, srcAddress.Value), ReferencesPreserved = request.ReferencesPreserved,
            };
            if (network.BlockingDirection != PathDirection.Return)
            {
                if (egress.Result == HopResult.Unknown) entry = FromDecision(eni, egress, dst, traffic);
                else if (network.Verdict == Verdict.Reachable && ingress?.Result == HopResult.Unknown) entry = FromDecision(eni, ingress, dst, traffic);
            }
            results.Add(entry);
        }
        return results;
    }

    /// <summary>
    /// The request's walk alone (routes, NACLs, translations: no security group, no response) from each source that
    /// <see cref="WhoCanReach(NetworkInterface, Traffic, IEnumerable{NetworkInterface})"/> would walk, once per subnet and address class as it walks them: the address the
    /// destination's groups would see the source with (null when the request does not arrive) and whether its identity
    /// arrives. Sources it would not walk (no address of the destination's family, no subnet, not filtered) are left out.
    /// </summary>
    internal IEnumerable<(NetworkInterface Source, IpAddress? Seen, bool ReferencesPreserved)> Requests(NetworkInterface destination, Traffic traffic, IEnumerable<NetworkInterface> sources)
    {
        var dst = ReachabilityEndpoint.Of(destination);
        var dstEni = dst.NetworkInterface;
        var dstAddress = AddressOf(dst);
        var forwardCache = new Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)>();
        foreach (var eni in sources)
        {
            if (dstEni is not null && eni.NetworkInterfaceId == dstEni.NetworkInterfaceId || SecurityGroupEvaluator.IsUnfiltered(eni) || eni.SubnetId is null) continue;
            if (ReachabilityAnalyzer.PrivateAddressOf(eni, dstAddress.IsIPv6) is not { } srcAddress) continue;
            var source = ReachabilityEndpoint.Of(eni, srcAddress);
            var request = Network(source, dst, traffic, srcAddress, dstAddress, forwardCache, returnPath: false);
            yield return (eni, SeenAs(request, srcAddress), request.ReferencesPreserved);
        }
    }

    /// <summary>The address a request's walk arrived with: a shared (untranslated) walk saw its representative's address, and this source is seen as itself.</summary>
    private static IpAddress? SeenAs(ReachabilityResult request, IpAddress srcAddress) =>
        request.SeenSourceAddress is not { } text ? null : text == request.SourceAddress ? srcAddress : IpAddress.TryParse(text, out var seen) ? seen : null;

    /// <summary>The ENI a request was delivered to: the destination ENI, or (for an address) the ENI the walk named last.</summary>
    private NetworkInterface? Arrived(ReachabilityResult network, NetworkInterface? dstEni)
    {
        var hops = network.ForwardPath;
        for (int i = hops.Count - 1; i >= 0; i--)
            if (hops[i] is { ComponentType: ComponentKind.NetworkInterface, Result: HopResult.Allowed } delivered)
                return dstEni?.NetworkInterfaceId == delivered.ComponentId ? dstEni : Index.NetworkInterfaces.GetValueOrDefault(delivered.ComponentId);
        return null;
    }

    private static string AllowedBy(SecurityGroupDecision d) => d.Rule.StartsWith(d.GroupId + " ", StringComparison.Ordinal) ? d.Rule : $"{d.GroupId}: {d.Rule}";

    private ReachabilityResult Network(ReachabilityEndpoint source, ReachabilityEndpoint dst, Traffic traffic, IpAddress srcAddress, IpAddress dstAddress,
        Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)> cache, bool returnPath)
    {
        var eni = source.NetworkInterface!;
        var clients = string.Join(",", _analyzer.ClientRangesOf(source).Select(c => c.Client));
        var baseKey = eni.SubnetId + "|" + clients;
        if (cache.TryGetValue(baseKey, out var first) && first.Result.SeenSourceAddress is { } seen && seen != first.Result.SourceAddress)
            return _analyzer.Path(source, dst, traffic, srcAddress, dstAddress, securityGroups: false, returnPath); // translated (NAT, IGW): per source
        if (cache.TryGetValue(baseKey, out var shared))
        {
            if (shared.Splitters.Length == 0) return shared.Result;
            var key = baseKey + "|" + Signature(shared.Splitters, srcAddress);
            if (cache.TryGetValue(key, out var classResult)) return classResult.Result;
            var r = _analyzer.Path(source, dst, traffic, srcAddress, dstAddress, securityGroups: false, returnPath);
            cache[key] = (r, shared.Splitters);
            return r;
        }
        var result = _analyzer.Path(source, dst, traffic, srcAddress, dstAddress, securityGroups: false, returnPath);
        var splitters = Splitters(result, Index.SubnetCidrs(eni.SubnetId!));
        cache[baseKey] = (result, splitters);
        if (splitters.Length > 0) cache[baseKey + "|" + Signature(splitters, srcAddress)] = (result, splitters);
        return result;
    }

    /// <summary>CIDRs of the NACL entries and routes this path used that cut through the source subnet: they may treat its ENIs differently.</summary>
    private Cidr[] Splitters(ReachabilityResult path, IReadOnlyList<Cidr> subnetCidrs)
    {
        var cidrs = new List<Cidr>();
        foreach (var hop in path.ForwardPath.Concat(path.ReturnPath))
        {
            IEnumerable<Cidr> used = hop.ComponentType switch
            {
                ComponentKind.NetworkAcl when Index.NetworkAcls.TryGetValue(hop.ComponentId, out var acl) =>
                    new[] { false, true }.SelectMany(egress => new[] { false, true }.SelectMany(v6 => Index.RulesOf(acl).Of(egress, v6)))
                        .Select(r => r.Cidr).OfType<Cidr>(),
                ComponentKind.RouteTable when Index.RouteTables.TryGetValue(hop.ComponentId, out var table) => Index.RouteLookupOf(table).Routes.Select(r => r.Destination),
                _ => [],
            };
            foreach (var c in used)
                if (subnetCidrs.Any(s => s.Overlaps(c) && !c.Contains(s)) && !cidrs.Contains(c)) cidrs.Add(c);
        }
        return cidrs.ToArray();
    }

    private static string Signature(Cidr[] splitters, IpAddress address) =>
        string.Concat(splitters.Select(c => c.Contains(address) ? '1' : '0'));

    private ReachableSource Row(string source, NetworkInterface? eni, ReachabilityEndpoint dst, Traffic traffic) => new()
    {
        Source = source, SourceName = eni is null ? null : IpMap.EniOwnerRules.Detect(eni, Index).Name, InstanceId = eni?.Attachment?.InstanceId, VpcId = eni?.VpcId, SubnetId = eni?.SubnetId,
        // The address the source was asked with (the destination's family), not its IPv4 text whatever the question.
        PrivateIpAddress = eni is null ? null : ReachabilityAnalyzer.PrivateAddressOf(eni, IsIPv6(dst))?.ToString() ?? eni.PrivateIpAddress,
        Destination = dst.Text, Protocol = traffic.Protocol.ToString(), Port = traffic.PortText,
    };

    /// <summary>The address a question towards <paramref name="dst"/> asks about: the one given, or its ENI's to reach.</summary>
    private static IpAddress AddressOf(ReachabilityEndpoint dst) =>
        AddressOrNull(dst) ?? throw new ArgumentException($"{dst.Text} has no private address to reach");

    private static IpAddress? AddressOrNull(ReachabilityEndpoint dst) =>
        dst.Address ?? (dst.NetworkInterface is { } eni ? ReachabilityAnalyzer.AddressToReach(eni) : null);

    private static bool IsIPv6(ReachabilityEndpoint dst) => AddressOrNull(dst)?.IsIPv6 == true;

    private ReachableSource Entry(string source, NetworkInterface? eni, ReachabilityResult r, ReachabilityEndpoint dst, Traffic traffic) => Row(source, eni, dst, traffic) with
    {
        Verdict = r.Verdict, ExplanationCode = r.ExplanationCode, BlockingComponent = r.BlockingComponent, BlockingRule = r.BlockingRule, BlockingDirection = r.BlockingDirection,
    };

    /// <summary>A source stopped (denied or unknown) at a security group, with the rule (or its absence) as <paramref name="rule"/> says.</summary>
    private ReachableSource FromDecision(NetworkInterface eni, SecurityGroupDecision d, ReachabilityEndpoint dst, Traffic traffic, string? rule = null) =>
        Row(eni.NetworkInterfaceId, eni, dst, traffic) with
        {
            Verdict = d.Result == HopResult.Denied ? Verdict.NotReachable : Verdict.Unknown, ExplanationCode = d.ExplanationCode, BlockingComponent = d.GroupId,
            BlockingRule = rule ?? d.Rule, BlockingDirection = PathDirection.Forward,
        };

    private static string? AllowedRule(ReachabilityResult r) =>
        r.ForwardPath.LastOrDefault(h => h.ComponentType == ComponentKind.SecurityGroup && h.Result == HopResult.Allowed) is { } h ? $"{h.ComponentId}: {h.Rule}" : null;

    /// <summary>
    /// The destination's inbound rules for one traffic as an address set plus referenced groups: the permissions that
    /// surely cover the traffic. A source they admit is allowed; one they do not is denied, unless something could not be
    /// resolved (a value not read, a prefix list without entries, a group not in the snapshot...): then the security-group
    /// evaluation itself decides for that source, as it does pair by pair.
    /// </summary>
    internal sealed class InboundSet
    {
        private readonly SnapshotIndex _index;
        private readonly NetworkInterface _eni;
        private readonly Traffic _traffic;
        private readonly AddressRangeSet _addresses;
        private readonly Dictionary<string, string> _groups = new(StringComparer.Ordinal);
        private readonly List<(Cidr Cidr, string Rule)> _rules = [];
        private readonly SecurityGroupDecision _denied;
        /// <summary>True when the sets alone decide every source (nothing could be unknown).</summary>
        private bool _exact = true;

        private InboundSet(SnapshotIndex index, NetworkInterface eni, Traffic traffic, bool ipv6)
        {
            _index = index; _eni = eni; _traffic = traffic; _addresses = new AddressRangeSet(ipv6);
            var groups = string.Join(", ", eni.Groups.Select(g => g.GroupId));
            _denied = new(HopResult.Denied, groups, null, $"no inbound rule of {groups} allows it", $"no rule allows {traffic}", ExplanationCodes.SecurityGroupRules);
        }

        /// <summary>True when the sets alone decide every source: a source they do not admit is denied.</summary>
        public bool IsExact => _exact;

        /// <summary>The CIDRs (of the family asked) the rules that cover the traffic admit.</summary>
        public IEnumerable<Cidr> Cidrs => _rules.Select(r => r.Cidr);

        /// <summary>The groups whose members the rules that cover the traffic admit (where references are preserved).</summary>
        public IEnumerable<string> ReferencedGroups => _groups.Keys;

        public static InboundSet Of(SnapshotIndex index, NetworkInterface eni, Traffic traffic, bool ipv6)
        {
            var set = new InboundSet(index, eni, traffic, ipv6);
            if (eni.Groups.Count == 0 || !index.Captured(eni.NetworkInterfaceId, Section.SecurityGroups)) set._exact = false;
            foreach (var g in eni.Groups)
            {
                if (index.PermissionsOf(g.GroupId) is not { } group) { set._exact = false; continue; }
                foreach (var p in group.Ingress)
                {
                    var covers = SecurityGroupEvaluator.Covers(p, traffic);
                    if (covers == false) continue;
                    var (cidrs, problems) = p.Family(ipv6);
                    if (covers is null || problems.Count > 0 || p.ReferenceProblems.Count > 0) set._exact = false;
                    if (covers is null) continue;
                    foreach (var c in cidrs) set.Add(c.Cidr, $"{g.GroupId} {c.Text}");
                    foreach (var pl in p.PrefixListIds)
                    {
                        var listed = index.PrefixListCidrs(pl);
                        if (listed is null || index.ProblemsOf(pl).Count > 0) set._exact = false;
                        foreach (var c in listed?.Where(c => c.IsIPv6 == ipv6) ?? []) set.Add(c, $"{g.GroupId} {pl}");
                    }
                    foreach (var pair in p.References)
                    {
                        set._groups.TryAdd(pair.GroupId!, $"{g.GroupId} {pair.GroupId}");
                        if (!index.SecurityGroups.ContainsKey(pair.GroupId!) || !index.Captured(pair.GroupId!, Section.NetworkInterfaces)) set._exact = false;
                    }
                }
            }
            return set;
        }

        private void Add(Cidr cidr, string rule)
        {
            _addresses.Add(cidr);
            _rules.Add((cidr, rule));
        }

        /// <summary>Allowed (with the rule), Denied, or the evaluator's answer when the sets cannot be sure.</summary>
        public SecurityGroupDecision Decide(SecurityGroupPeer peer)
        {
            var source = peer.Address;
            if (_addresses.Covers(new Cidr(source, source.Bits)))
                return Allowed(_rules.First(r => r.Cidr.Contains(source)).Rule);
            if (peer.NetworkInterface is { } identity)
                foreach (var g in identity.Groups)
                    if (_groups.TryGetValue(g.GroupId, out var rule)) return Allowed(rule);
            return _exact ? _denied : SecurityGroupEvaluator.Evaluate(_index, _eni, ingress: true, peer, _traffic);
        }

        private static SecurityGroupDecision Allowed(string rule) => new(HopResult.Allowed, rule.Split(' ')[0], null, rule, rule, null);
    }
}
