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
        if (s.StartsWith("sg-", StringComparison.Ordinal))
            return Index.SecurityGroups.ContainsKey(s) ? Index.EnisInGroup(s) : throw new EndpointNotFoundException(s, $"security group '{s}' is not in the snapshot");
        return null;
    }

    /// <summary>Verdicts for every source ENI (and the internet when <paramref name="includeInternet"/>) towards one destination.</summary>
    public IReadOnlyList<ReachableSource> WhoCanReach(string destination, Traffic traffic, IEnumerable<NetworkInterface> sources, bool includeInternet = false)
    {
        var dst = ReachabilityEndpoint.Resolve(Index, destination, asSource: false);
        var results = new List<ReachableSource>();
        if (includeInternet)
        {
            var r = _analyzer.Analyze(new ReachabilityEndpoint("Internet", EndpointKind.Internet, null, null, null), dst, traffic);
            results.Add(Entry("Internet", null, r, dst, traffic) with { AllowedBy = r.Verdict == Verdict.Reachable ? AllowedRule(r) : null });
        }
        var dstEni = dst.NetworkInterface;
        var dstAddress = dst.Address ?? (dstEni is null ? null : ReachabilityAnalyzer.PrivateAddressOf(dstEni, ipv6: false));
        if (dstAddress is null) throw new ArgumentException($"{destination} has no private address to reach");
        var inbound = dstEni is null ? null : InboundSet.Of(Index, dstEni, traffic, dstAddress.Value.IsIPv6);
        var egressCache = new Dictionary<(string Groups, bool Refs), SecurityGroupDecision>();
        var forwardCache = new Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)>();
        var fullCache = new Dictionary<string, (ReachabilityResult Result, Cidr[] Splitters)>();

        foreach (var eni in sources)
        {
            // NAT gateways and TGW attachments forward other hosts' connections; they do not open their own.
            if (dstEni is not null && eni.NetworkInterfaceId == dstEni.NetworkInterfaceId || SecurityGroupEvaluator.IsUnfiltered(eni)) continue;
            var srcAddress = ReachabilityAnalyzer.PrivateAddressOf(eni, dstAddress.Value.IsIPv6);
            if (srcAddress is null || eni.SubnetId is null) continue;
            var source = new ReachabilityEndpoint(eni.NetworkInterfaceId, EndpointKind.NetworkInterface, eni, srcAddress, eni.Attachment?.InstanceId);
            // The request's routes and NACLs first; the response is walked only for sources the groups let through.
            var network = Network(source, dst, traffic, srcAddress.Value, dstAddress.Value, forwardCache, returnPath: false);

            // 1. The source's outbound groups, once per distinct group set.
            var groupsKey = string.Join(",", eni.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal));
            bool refs = network.ReferencesPreserved;
            if (!egressCache.TryGetValue((groupsKey, refs), out var egress))
                egressCache[(groupsKey, refs)] = egress = SecurityGroupEvaluator.Evaluate(Index, eni, ingress: false, new SecurityGroupPeer(dstAddress.Value, dstEni, refs && dstEni is not null), traffic);
            if (egress.Result == HopResult.Denied) { results.Add(FromDecision(eni, egress, dst, traffic)); continue; }

            // 2. Routes and NACLs, once per subnet and address class.
            var forwardBlock = network.ForwardPath.FirstOrDefault(h => h.Result == HopResult.Denied);
            if (forwardBlock is not null || network.Verdict != Verdict.Reachable && network.BlockingDirection == PathDirection.Forward && network.ReturnPath.Count == 0)
            { results.Add(Entry(eni.NetworkInterfaceId, eni, network, dst, traffic)); continue; }

            // 3. The destination's inbound groups, as sets.
            string? allowedBy = null;
            HopResult ingress = HopResult.Allowed;
            if (inbound is not null && network.SeenSourceAddress is { } seenText && IpAddress.TryParse(seenText, out var seen))
            {
                // A shared (untranslated) network result saw its representative's address: this source is seen as itself.
                if (seenText == network.SourceAddress) seen = srcAddress.Value;
                var sourceIdentity = network.ReferencesPreserved && seen == srcAddress.Value ? eni : null;
                (ingress, allowedBy) = inbound.Decide(seen, sourceIdentity);
                if (ingress == HopResult.Denied)
                {
                    results.Add(Row(eni.NetworkInterfaceId, eni, dst, traffic) with
                    {
                        Verdict = Verdict.NotReachable, ExplanationCode = ExplanationCodes.SecurityGroupRules, BlockingComponent = string.Join(", ", dstEni!.Groups.Select(g => g.GroupId)),
                        BlockingRule = $"no inbound rule allows {traffic} from {seen}", BlockingDirection = PathDirection.Forward,
                    });
                    continue;
                }
            }
            // 4. The return path, then anything unknown.
            network = Network(source, dst, traffic, srcAddress.Value, dstAddress.Value, fullCache, returnPath: true);
            var entry = Entry(eni.NetworkInterfaceId, eni, network, dst, traffic) with { AllowedBy = allowedBy };
            if (entry.Verdict == Verdict.Reachable && (egress.Result == HopResult.Unknown || ingress == HopResult.Unknown))
            {
                var unknown = egress.Result == HopResult.Unknown ? egress : null;
                entry = entry with
                {
                    Verdict = Verdict.Unknown, ExplanationCode = unknown?.ExplanationCode ?? inbound!.UnknownCode, BlockingComponent = unknown?.GroupId ?? inbound!.UnknownComponent,
                    BlockingRule = unknown?.Rule, BlockingDirection = PathDirection.Forward,
                };
            }
            results.Add(entry);
        }
        return results;
    }

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
            IEnumerable<string?> texts = hop.ComponentType switch
            {
                "NetworkAcl" when Index.NetworkAcls.TryGetValue(hop.ComponentId, out var acl) => acl.Entries.Select(e => e.CidrBlock ?? e.Ipv6CidrBlock),
                "RouteTable" when Index.RouteTables.TryGetValue(hop.ComponentId, out var table) => table.Routes.Select(r => r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock),
                _ => [],
            };
            foreach (var t in texts)
                if (Cidr.TryParse(t, out var c, HostBits.Normalise) && subnetCidrs.Any(s => s.Overlaps(c) && !c.Contains(s)) && !cidrs.Contains(c)) cidrs.Add(c);
        }
        return cidrs.ToArray();
    }

    private static string Signature(Cidr[] splitters, IpAddress address) =>
        string.Concat(splitters.Select(c => c.Contains(address) ? '1' : '0'));

    private ReachableSource Row(string source, NetworkInterface? eni, ReachabilityEndpoint dst, Traffic traffic) => new()
    {
        Source = source, SourceName = eni is null ? null : IpMap.EniOwnerRules.Detect(eni, Index).Name, InstanceId = eni?.Attachment?.InstanceId, PrivateIpAddress = eni?.PrivateIpAddress, VpcId = eni?.VpcId, SubnetId = eni?.SubnetId,
        Destination = dst.Text, Protocol = traffic.Protocol.ToString(), Port = traffic.PortText,
    };

    private ReachableSource Entry(string source, NetworkInterface? eni, ReachabilityResult r, ReachabilityEndpoint dst, Traffic traffic) => Row(source, eni, dst, traffic) with
    {
        Verdict = r.Verdict, ExplanationCode = r.ExplanationCode, BlockingComponent = r.BlockingComponent, BlockingRule = r.BlockingRule, BlockingDirection = r.BlockingDirection,
    };

    private ReachableSource FromDecision(NetworkInterface eni, SecurityGroupDecision d, ReachabilityEndpoint dst, Traffic traffic) => Row(eni.NetworkInterfaceId, eni, dst, traffic) with
    {
        Verdict = Verdict.NotReachable, ExplanationCode = d.ExplanationCode, BlockingComponent = d.GroupId, BlockingRule = d.Rule, BlockingDirection = PathDirection.Forward,
    };

    private static string? AllowedRule(ReachabilityResult r) =>
        r.ForwardPath.LastOrDefault(h => h.ComponentType == "SecurityGroup" && h.Result == HopResult.Allowed) is { } h ? $"{h.ComponentId}: {h.Rule}" : null;

    /// <summary>The destination's inbound rules for one traffic, as an address set plus referenced groups.</summary>
    private sealed class InboundSet
    {
        private readonly AddressRangeSet _addresses;
        private readonly Dictionary<string, string> _groups = new(StringComparer.Ordinal);
        private readonly List<(Cidr Cidr, string Rule)> _rules = [];

        private InboundSet(bool ipv6) => _addresses = new AddressRangeSet(ipv6);

        public string? UnknownCode { get; private set; }
        public string? UnknownComponent { get; private set; }

        public static InboundSet Of(SnapshotIndex index, NetworkInterface eni, Traffic traffic, bool ipv6)
        {
            var set = new InboundSet(ipv6);
            foreach (var g in eni.Groups)
            {
                if (!index.SecurityGroups.TryGetValue(g.GroupId, out var group)) { set.SetUnknown(ExplanationCodes.ComponentNotInSnapshot, g.GroupId); continue; }
                foreach (var p in group.IpPermissions)
                {
                    if (!SecurityGroupEvaluator.Covers(p, traffic)) continue;
                    foreach (var text in ipv6 ? p.Ipv6Ranges.Select(r => r.CidrIpv6) : p.IpRanges.Select(r => r.CidrIp))
                        if (Cidr.TryParse(text, out var c, HostBits.Normalise)) set.Add(c, $"{group.GroupId} {text}");
                    foreach (var pl in p.PrefixListIds)
                    {
                        var cidrs = index.PrefixListCidrs(pl.PrefixListId);
                        if (cidrs is null) { set.SetUnknown(ExplanationCodes.PrefixListEntriesMissing, pl.PrefixListId); continue; }
                        foreach (var c in cidrs.Where(c => c.IsIPv6 == ipv6)) set.Add(c, $"{group.GroupId} {pl.PrefixListId}");
                    }
                    foreach (var pair in p.UserIdGroupPairs)
                        if (pair.GroupId is not null && !string.Equals(pair.PeeringStatus, "deleted", StringComparison.OrdinalIgnoreCase))
                            set._groups.TryAdd(pair.GroupId, $"{group.GroupId} {pair.GroupId}");
                }
            }
            return set;
        }

        private void Add(Cidr cidr, string rule)
        {
            _addresses.Add(cidr);
            _rules.Add((cidr, rule));
        }

        private void SetUnknown(string code, string component)
        {
            UnknownCode ??= code;
            UnknownComponent ??= component;
        }

        /// <summary>Allowed (with the rule), Denied, or Unknown when an unresolvable rule might allow.</summary>
        public (HopResult, string?) Decide(IpAddress source, NetworkInterface? identity)
        {
            if (_addresses.Covers(new Cidr(source, source.Bits)))
                return (HopResult.Allowed, _rules.First(r => r.Cidr.Contains(source)).Rule);
            if (identity is not null)
                foreach (var g in identity.Groups)
                    if (_groups.TryGetValue(g.GroupId, out var rule)) return (HopResult.Allowed, rule);
            return UnknownCode is null ? (HopResult.Denied, null) : (HopResult.Unknown, null);
        }
    }
}
