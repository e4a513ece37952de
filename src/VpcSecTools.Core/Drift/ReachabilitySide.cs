using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Routing;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>One source of a class and its verdict towards one ENI on one probe.</summary>
/// <param name="Key">What it is in the class: an ENI id, or the range of addresses (a rule's CIDR within the class) it stands for.</param>
/// <param name="Range">The range, for a class of addresses; null for an ENI.</param>
/// <param name="WitnessId">The ENI id or the address asked, to ask the engine again for its whole path.</param>
/// <param name="Text">How it reads: the ENI with its name and address, or the range.</param>
/// <param name="Verdict">The engine's verdict for it.</param>
/// <param name="Blocker">What stops it (component, rule, code), null when reachable.</param>
/// <param name="AllowedBy">The destination's inbound rule that admits it, when reachable.</param>
/// <param name="Path">The engine's answer for it, when already at hand.</param>
internal sealed record ClassMember(string Key, Cidr? Range, string WitnessId, string Text, Verdict Verdict, string? Blocker, string? AllowedBy, ReachabilityResult? Path = null);

/// <summary>
/// A source class's verdict towards one ENI on one probe: every source of it that the destination's groups could admit,
/// each with its verdict. The class reaches when one of them does; it is Unknown when none does and one may.
/// </summary>
/// <param name="Members">The sources asked, in key order.</param>
/// <param name="NoneAdmitted">Why no source was asked (the destination's groups admit none of the class), when none was.</param>
internal sealed record ClassVerdict(IReadOnlyList<ClassMember> Members, string? NoneAdmitted = null)
{
    public Verdict Verdict => Best?.Verdict ?? Verdict.NotReachable;

    /// <summary>The first reachable member, else the first unknown one, else the first.</summary>
    public ClassMember? Best => Members.OrderBy(m => m.Verdict switch { Verdict.Reachable => 0, Verdict.Unknown => 1, _ => 2 }).FirstOrDefault();

    public IEnumerable<ClassMember> Of(Verdict verdict) => Members.Where(m => m.Verdict == verdict);

    public string? Blocker => Verdict == Verdict.Reachable ? null : Best?.Blocker ?? NoneAdmitted;

    public static ClassVerdict None(string why) => new([], why);
}

/// <summary>
/// One snapshot as the reachability comparison asks it: the engine (analyzer and fan-out), and the ENIs as sources, by
/// address, VPC and subnet, so that for one destination only the sources its groups could admit are walked. A source they
/// do not admit is denied at the destination whatever its path, unless its address is translated on the way (a NAT gateway
/// or an appliance between): the sources whose route table sends the destination's address to such a target are walked too.
/// </summary>
internal sealed class ReachabilitySide
{
    private static readonly ReachabilityEndpoint Internet = new("Internet", EndpointKind.Internet, null, null, null);

    private readonly (IpAddress Address, NetworkInterface Eni)[] _byAddress;
    private readonly NetworkInterface[] _unplaced;
    private readonly Dictionary<string, NetworkInterface[]> _byVpc;
    private readonly Dictionary<string, (RouteTable Table, NetworkInterface[] Sources)[]> _tablesByVpc = new(StringComparer.Ordinal);

    public ReachabilitySide(SnapshotIndex index, Func<NetworkInterface, bool> comparable)
    {
        Index = index;
        Analyzer = new ReachabilityAnalyzer(index);
        FanOut = new ReachabilityFanOut(Analyzer);
        var sources = index.NetworkInterfaces.Values.Where(e => !SecurityGroupEvaluator.IsUnfiltered(e) && comparable(e)).ToArray();
        _byAddress = sources.Select(e => (Address: ReachabilityAnalyzer.PrivateAddressOf(e, ipv6: false), Eni: e))
            .Where(p => p.Address is not null && p.Eni.SubnetId is not null).Select(p => (p.Address!.Value, p.Eni))
            .OrderBy(p => p.Value).ToArray();
        // The fan-out answers these itself (Unknown, naming why): no subnet, or an address it cannot read.
        _unplaced = sources.Where(e => e.SubnetId is null || index.ProblemsOf(e.NetworkInterfaceId).Count > 0).ToArray();
        _byVpc = sources.Where(e => e.VpcId is not null).GroupBy(e => e.VpcId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
        foreach (var (vpc, members) in _byVpc)
        {
            var bySubnet = members.Where(e => e.SubnetId is not null).ToLookup(e => e.SubnetId!);
            _tablesByVpc[vpc] = index.RouteTables.Values.Where(t => t.VpcId == vpc)
                .Select(t => (t, index.SubnetsUsing(t).SelectMany(s => bySubnet[s.SubnetId]).ToArray())).Where(t => t.Item2.Length > 0).ToArray();
        }
    }

    public SnapshotIndex Index { get; }
    public ReachabilityAnalyzer Analyzer { get; }
    public ReachabilityFanOut FanOut { get; }

    /// <summary>The VPCs whose ENIs are sources of this snapshot.</summary>
    public IEnumerable<string> Vpcs => _byVpc.Keys;

    /// <summary>
    /// The sources the destination's inbound groups could admit on this traffic, of the given VPCs: every one when the
    /// groups cannot be read as address and group sets; else those in their CIDRs or groups, those whose address the way
    /// there may translate, and those the fan-out answers Unknown for.
    /// </summary>
    public HashSet<NetworkInterface> Candidates(NetworkInterface destination, IpAddress address, Traffic traffic, IReadOnlyCollection<string> vpcs)
    {
        var found = new HashSet<NetworkInterface>(ReferenceEqualityComparer.Instance);
        var inbound = ReachabilityFanOut.InboundSet.Of(Index, destination, traffic, ipv6: false);
        if (!inbound.IsExact)
        {
            foreach (var vpc in vpcs) if (_byVpc.TryGetValue(vpc, out var members)) found.UnionWith(members);
            return found;
        }
        foreach (var cidr in inbound.Cidrs.Where(c => !c.IsIPv6))
            for (int i = LowerBound(cidr.First); i < _byAddress.Length && _byAddress[i].Address.CompareTo(cidr.Last) <= 0; i++)
                Add(_byAddress[i].Eni);
        foreach (var group in inbound.ReferencedGroups)
            foreach (var eni in Index.EnisInGroup(group)) Add(eni);
        foreach (var vpc in vpcs)
            foreach (var (table, sources) in _tablesByVpc.GetValueOrDefault(vpc) ?? [])
                if (MayTranslate(Index.RouteLookupOf(table).Find(address))) found.UnionWith(sources);
        foreach (var eni in _unplaced) Add(eni);
        return found;

        void Add(NetworkInterface eni)
        {
            if (eni.VpcId is { } vpc && vpcs.Contains(vpc) && !SecurityGroupEvaluator.IsUnfiltered(eni)) found.Add(eni);
        }
    }

    /// <summary>Those of the sources given that the destination's inbound groups could admit on this traffic (see <see cref="Candidates"/>).</summary>
    public IEnumerable<NetworkInterface> Admitted(NetworkInterface destination, Traffic traffic, IEnumerable<NetworkInterface> sources)
    {
        var given = sources.ToArray();
        if (given.Length == 0 || ReachabilityAnalyzer.PrivateAddressOf(destination, ipv6: false) is not { } address) return [];
        var inbound = ReachabilityFanOut.InboundSet.Of(Index, destination, traffic, ipv6: false);
        if (!inbound.IsExact) return given;
        var ranges = AddressRangeSet.Of(false, inbound.Cidrs.Where(c => !c.IsIPv6));
        var groups = inbound.ReferencedGroups.ToHashSet(StringComparer.Ordinal);
        return given.Where(s => _unplaced.Contains(s)
            || ReachabilityAnalyzer.PrivateAddressOf(s, ipv6: false) is { } a && ranges.Covers(new Cidr(a, a.Bits))
            || s.Groups.Any(g => groups.Contains(g.GroupId))
            || s.SubnetId is not null && Index.RouteTableOf(s.SubnetId).Table is { } table && MayTranslate(Index.RouteLookupOf(table).Find(address)));
    }

    /// <summary>The verdicts of each VPC's sources (those given) towards the destination, one per VPC that has a candidate.</summary>
    public Dictionary<string, ClassVerdict> FromVpcs(NetworkInterface destination, Traffic traffic, IEnumerable<NetworkInterface> candidates)
    {
        var rows = FanOut.WhoCanReach(destination, traffic, candidates);
        return rows.Where(r => r.VpcId is not null).GroupBy(r => r.VpcId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => new ClassVerdict(
            g.OrderBy(r => r.Source, StringComparer.Ordinal).Select(r => new ClassMember(r.Source, null, r.Source, Describe(r), r.Verdict,
                r.Verdict == Verdict.Reachable ? null : Blocker(r.BlockingComponent, r.BlockingRule, r.ExplanationCode), r.AllowedBy)).ToArray()),
            StringComparer.Ordinal);
    }

    /// <summary>Each source's verdict (by ENI id, with its VPC) towards the destination, for the sources given alone.</summary>
    public Dictionary<string, (Verdict Verdict, string Vpc)> Members(NetworkInterface destination, Traffic traffic, IEnumerable<NetworkInterface> sources) =>
        FanOut.WhoCanReach(destination, traffic, sources).Where(r => r.VpcId is not null)
            .ToDictionary(r => r.Source, r => (r.Verdict, r.VpcId!), StringComparer.Ordinal);

    /// <summary>
    /// From the internet to the ENI's public address of one family: one internet address of each CIDR of its inbound rules
    /// that covers the traffic (the default internet address when none does, or when a rule cannot be read as a set); not
    /// reachable when it has no such address.
    /// </summary>
    public ClassVerdict FromInternet(NetworkInterface destination, Traffic traffic, bool ipv6)
    {
        var address = PublicAddress(destination, ipv6);
        if (address is null)
            return ClassVerdict.None(Blocker(destination.NetworkInterfaceId, $"no {(ipv6 ? "global IPv6" : "public IPv4")} address", ExplanationCodes.NoPublicAddress));
        var inbound = ReachabilityFanOut.InboundSet.Of(Index, destination, traffic, ipv6);
        var ranges = inbound.Cidrs.Where(c => c.IsIPv6 == ipv6 && AddressScope.HoldsInternet(c)).Distinct().Order().Select(c => (Range: (Cidr?)c, Witness: AddressScope.WitnessIn(c))).ToList();
        if (ranges.Count == 0 || !inbound.IsExact) ranges.Add((null, ipv6 ? AddressScope.DefaultInternetIPv6 : AddressScope.DefaultInternetIPv4));
        return Ask(destination, address.Value, traffic, ranges.Where(r => r.Witness is not null).Select(r => (r.Range, r.Witness!.Value)), EndpointKind.Internet);
    }

    /// <summary>
    /// From the addresses of a class outside the snapshot's ENIs: one address in each range of the class that a CIDR of the
    /// destination's rules overlaps (and one of the class's own when the rules cannot be read as sets).
    /// </summary>
    public ClassVerdict FromAddresses(NetworkInterface destination, IpAddress address, Traffic traffic, SourceClass sources)
    {
        var inbound = ReachabilityFanOut.InboundSet.Of(Index, destination, traffic, ipv6: false);
        var ranges = new List<(Cidr? Range, IpAddress Witness)>();
        foreach (var rule in inbound.Cidrs.Where(c => !c.IsIPv6))
            foreach (var range in sources.Ranges)
                if (rule.Overlaps(range) && (rule.Prefix >= range.Prefix ? rule : range) is var part && ranges.All(r => r.Range != part))
                    ranges.Add((part, Within(part)));
        if (!inbound.IsExact && sources.Ranges.Count > 0 && ranges.All(r => r.Range != sources.Ranges[0])) ranges.Add((sources.Ranges[0], Within(sources.Ranges[0])));
        if (ranges.Count == 0)
            return ClassVerdict.None(Blocker(string.Join(", ", destination.Groups.Select(g => g.GroupId)), $"no inbound rule admits {traffic} from {sources.Key}", ExplanationCodes.SecurityGroupRules));
        return Ask(destination, address, traffic, ranges.OrderBy(r => r.Range).Take(16), EndpointKind.Address);
    }

    private ClassVerdict Ask(NetworkInterface destination, IpAddress address, Traffic traffic, IEnumerable<(Cidr? Range, IpAddress Witness)> ranges, EndpointKind kind)
    {
        var target = ReachabilityEndpoint.Of(destination, address);
        var members = new List<ClassMember>();
        foreach (var (range, witness) in ranges)
        {
            var r = Analyzer.Analyze(new ReachabilityEndpoint(witness.ToString(), kind, null, witness, null), target, traffic);
            var key = range?.ToString() ?? "(any other)";
            members.Add(new ClassMember(key, range, witness.ToString(), range is null ? $"{witness}" : $"{range} (as {witness})", r.Verdict,
                r.Verdict == Verdict.Reachable ? null : Blocker(r.BlockingComponent, r.BlockingRule, r.ExplanationCode),
                r.ForwardPath.LastOrDefault(h => h.ComponentType == ComponentKind.SecurityGroup && h.Result == HopResult.Allowed) is { } h ? $"{h.ComponentId}: {h.Rule}" : null, r));
        }
        return new ClassVerdict(members);
    }

    private static string Describe(ReachableSource r) =>
        $"{r.Source} ({(r.InstanceId is null ? "" : r.InstanceId + ", ")}{r.PrivateIpAddress})";

    /// <summary>The engine's whole answer for one source ENI or address towards the destination (for the cause of a change).</summary>
    public ReachabilityResult? PathOf(string witnessId, NetworkInterface destination, IpAddress? address, Traffic traffic)
    {
        try
        {
            // An ENI of the snapshot first, whatever its id looks like (as the causes look it up), else an address.
            var source = Index.NetworkInterfaces.TryGetValue(witnessId, out var eni) ? ReachabilityEndpoint.Of(eni)
                : IpAddress.TryParse(witnessId, out var ip) ? new ReachabilityEndpoint(witnessId, AddressScope.IsInternet(ip) ? EndpointKind.Internet : EndpointKind.Address, null, ip, null) : null;
            return source is null ? null
                : Analyzer.Analyze(source, ReachabilityEndpoint.Of(destination, address), traffic);
        }
        catch (ArgumentException)
        {
            return null; // the witness cannot be asked here (no address of the family): the other side's path names the cause
        }
    }

    public static IpAddress? PublicAddress(NetworkInterface eni, bool ipv6)
    {
        if (ipv6)
        {
            foreach (var a in eni.Ipv6Addresses)
                if (IpAddress.TryParse(a.Ipv6Address, out var v6) && AddressScope.IsInternet(v6)) return v6;
            return null;
        }
        var text = eni.Association?.PublicIp ?? eni.PrivateIpAddresses.Select(p => p.Association?.PublicIp).FirstOrDefault(p => p is not null);
        return text is not null && IpAddress.TryParse(text, out var v4) && !v4.IsIPv6 ? v4 : null;
    }

    public static string Blocker(string? component, string? rule, string? code) =>
        $"{component ?? "?"}{(rule is null ? "" : $": {rule}")}{(code is null ? "" : $" ({code})")}";

    /// <summary>Whether the route towards the destination may translate or inspect the source (or cannot be told).</summary>
    private static bool MayTranslate(RouteMatch match) =>
        match.UnresolvedPrefixList is not null || match.Unreadable is not null
        || match.Route is { IsBlackhole: false, Kind: not (RouteTargetKind.Local or RouteTargetKind.VpcPeeringConnection or RouteTargetKind.TransitGateway
            or RouteTargetKind.InternetGateway or RouteTargetKind.EgressOnlyInternetGateway or RouteTargetKind.VirtualPrivateGateway) };

    /// <summary>An address inside the range other than its network address, as the engine's witnesses are chosen.</summary>
    private static IpAddress Within(Cidr range) => range.First.Add(range.Size > 2 ? 1 : 0);

    private int LowerBound(IpAddress address)
    {
        int lo = 0, hi = _byAddress.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (_byAddress[mid].Address.CompareTo(address) < 0) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
