using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// Whether an internet opening of a security group really reaches its ENIs, answered by the reachability
/// analyser's Internet -> ENI path (public address or EIP, IGW route, subnet NACL in and out to the client's
/// ephemeral ports, every group on the ENI). Severity follows Prowler: private only = medium, public address
/// without a way in = high, reachable = critical.
/// </summary>
public sealed class ExposureAnalysis
{
    private static readonly ReachabilityEndpoint Internet = new("Internet", EndpointKind.Internet, null, null, null);
    private readonly SnapshotIndex _index;
    private readonly ReachabilityAnalyzer _analyzer;
    private readonly Dictionary<(string Acl, bool IPv6), IReadOnlyList<AclEntryView>> _aclEntries = [];
    // ENIs of one subnet with the same groups and kind of address get the same answer: analyse once.
    private readonly Dictionary<(string? Subnet, string Groups, bool DenyIgw, bool IPv6, string Traffic), ReachabilityResult> _paths = [];

    public ExposureAnalysis(SnapshotIndex index)
    {
        _index = index;
        _analyzer = new ReachabilityAnalyzer(index);
    }

    /// <summary>
    /// Severity of an internet-ingress finding given its exposure; unattached keeps the check's own. An exposure that
    /// cannot be decided is rated by its worst case, reachable: unknown never ranks as safe.
    /// </summary>
    public static Severity SeverityFor(ExposureVerdict verdict, Severity baseSeverity) => verdict switch
    {
        ExposureVerdict.Reachable or ExposureVerdict.Unknown => Severity.Critical,
        ExposureVerdict.PublicIpNotReachable => Severity.High,
        ExposureVerdict.PrivateOnly => Severity.Medium,
        _ => baseSeverity,
    };

    /// <summary>The exposure of an opening of a group: on the ENIs that carry it, Unknown when the snapshot has none to tell.</summary>
    public ExposureSummary OfGroup(SecurityGroup group, InternetOpening opening)
    {
        if (_index.Captured(group.GroupId, Section.NetworkInterfaces)) return Of(_index.EnisInGroup(group.GroupId), opening);
        var region = _index.RegionOf(group.GroupId)?.Region ?? "its region";
        return new ExposureSummary(ExposureVerdict.Unknown, [], $"NetworkInterfaces of {region} were not captured: which interfaces carry {group.GroupId} is Unknown");
    }

    /// <summary>The exposure of an opening on the ENIs that carry it.</summary>
    public ExposureSummary Of(IReadOnlyList<NetworkInterface> enis, InternetOpening opening)
    {
        if (enis.Count == 0)
            return new ExposureSummary(ExposureVerdict.NotAttached, [], "attached to no network interface in the snapshot");
        var each = enis.Select(e => OfEni(e, opening)).ToArray();
        var worst = each.Select(e => e.Verdict).Max();
        // Unknown only wins when nothing is known to be reachable.
        if (each.Any(e => e.Verdict == ExposureVerdict.Unknown) && worst != ExposureVerdict.Reachable) worst = ExposureVerdict.Unknown;
        int reachable = each.Count(e => e.Verdict == ExposureVerdict.Reachable);
        var evidence = reachable > 0
            ? $"{reachable} of {each.Length} network interfaces reachable from the internet: {string.Join(", ", each.Where(e => e.Verdict == ExposureVerdict.Reachable).Take(5).Select(e => $"{e.NetworkInterfaceId} ({e.Owner}, {e.PublicAddress})"))}"
            : worst == ExposureVerdict.Unknown
                ? $"no network interface known to be reachable from the internet ({string.Join("; ", each.Where(e => e.Verdict == ExposureVerdict.Unknown).Select(e => e.Reason).Distinct().Take(3))})"
                : $"no network interface reachable from the internet ({string.Join("; ", each.Select(e => e.Reason).Distinct().Take(3))})";
        return new ExposureSummary(worst, each, evidence);
    }

    /// <summary>
    /// How exposed some ENIs (an instance's) are to the internet on anything their own groups open to the whole of it
    /// (<paramref name="openingsOf"/> gives a group's openings): each ENI's worst opening (Unknown wins unless something is
    /// Reachable); an ENI whose groups open nothing is PublicIpNotReachable when it has a public address, else PrivateOnly.
    /// </summary>
    public ExposureSummary OfInterfaces(IReadOnlyList<NetworkInterface> enis, Func<string, IReadOnlyList<InternetOpening>> openingsOf)
    {
        if (enis.Count == 0) return new ExposureSummary(ExposureVerdict.NotAttached, [], "no network interface in the snapshot");
        var each = new List<EniExposure>();
        foreach (var eni in enis)
        {
            EniExposure? worst = null;
            foreach (var opening in eni.Groups.Select(g => g.GroupId).Distinct().SelectMany(openingsOf))
            {
                var e = OfEni(eni, opening);
                e = e with { Reason = $"{opening.ProtocolText} {opening.PortsText} from {opening.SourceText} ({string.Join(", ", opening.GroupIds)}): {e.Reason}" };
                if (worst is null || Rank(e.Verdict) > Rank(worst.Verdict)) worst = e;
            }
            if (worst is null)
            {
                var address = (PublicAddress(eni, false) ?? PublicAddress(eni, true))?.ToString();
                worst = new EniExposure
                {
                    NetworkInterfaceId = eni.NetworkInterfaceId, Owner = OwnerOf(eni), SubnetId = eni.SubnetId, PublicAddress = address,
                    Verdict = address is null ? ExposureVerdict.PrivateOnly : ExposureVerdict.PublicIpNotReachable,
                    Reason = address is null ? "no public address" : $"public address {address}, but no group on it opens anything to the whole internet",
                };
            }
            each.Add(worst);
        }
        var top = each.MaxBy(e => Rank(e.Verdict))!;
        var shown = each.Where(e => e.Verdict == top.Verdict).Take(3).Select(e => $"{e.NetworkInterfaceId}{(e.PublicAddress is null ? "" : $" ({e.PublicAddress})")}: {e.Reason}");
        return new ExposureSummary(top.Verdict, each, string.Join("; ", shown));
    }

    /// <summary>Reachable over Unknown over the rest: unknown never ranks as safe, nor above a proven exposure.</summary>
    private static int Rank(ExposureVerdict v) => v switch
    {
        ExposureVerdict.Reachable => 4,
        ExposureVerdict.Unknown => 3,
        ExposureVerdict.PublicIpNotReachable => 2,
        ExposureVerdict.PrivateOnly => 1,
        _ => 0,
    };

    /// <summary>One ENI's exposure to an opening.</summary>
    public EniExposure OfEni(NetworkInterface eni, InternetOpening opening)
    {
        var result = new EniExposure { NetworkInterfaceId = eni.NetworkInterfaceId, Owner = OwnerOf(eni), SubnetId = eni.SubnetId };
        var address = PublicAddress(eni, opening.IsIPv6);
        if (address is null)
            return result with { Verdict = ExposureVerdict.PrivateOnly, Reason = opening.IsIPv6 ? "no global IPv6 address" : "no public IPv4 address" };
        result = result with { PublicAddress = address.Value.ToString() };

        var traffic = Probe(eni, opening);
        var key = (eni.SubnetId, string.Join(",", eni.Groups.Select(g => g.GroupId).Order(StringComparer.Ordinal)), eni.DenyAllIgwTraffic == true, opening.IsIPv6, traffic.ToString());
        if (!_paths.TryGetValue(key, out var path))
            _paths[key] = path = _analyzer.Analyze(Internet, ReachabilityEndpoint.Of(eni, address), traffic);

        // The response leaves through the subnet's route table to the IGW: that route is the evidence.
        var route = path.ForwardPath.Concat(path.ReturnPath).Where(h => h.ComponentType is ComponentKind.RouteTable or ComponentKind.InternetGateway && h.Result == HopResult.Allowed)
            .Select(h => h.Rule is null ? h.ComponentId : $"{h.ComponentId}: {h.Rule}").Distinct().ToArray() is { Length: > 0 } hops ? string.Join("; ", hops) : null;
        var acl = path.ReturnEphemeralRanges.Count == 0 ? null
            : $"{traffic} in; responses to {string.Join(", ", path.ReturnEphemeralRanges.Select(c => $"{c.Client} {c.Ports}: {c.Verdict}"))}";
        // The opening is in the ENI's groups: if the analyser still finds them closed, the opening is a worst case
        // (a rule that cannot be read) and whether the groups admit the traffic is Unknown, not a block.
        bool groupsDisagree = path.Verdict == Verdict.NotReachable && path.ExplanationCode == ExplanationCodes.SecurityGroupRules;
        var verdict = path.Verdict switch
        {
            Verdict.Reachable => ExposureVerdict.Reachable,
            Verdict.Unknown => ExposureVerdict.Unknown,
            _ when groupsDisagree => ExposureVerdict.Unknown,
            _ => ExposureVerdict.PublicIpNotReachable,
        };
        var reason = path.Verdict == Verdict.Reachable ? $"{traffic} reaches {address} from the internet both ways"
            : groupsDisagree ? $"{path.BlockingComponent}: the groups as the snapshot reads them do not admit {traffic}, but the rule judged by its worst case would"
            : $"{path.BlockingComponent}{(path.BlockingRule is null ? "" : $" ({path.BlockingRule})")}: {path.Reason}";
        return result with { Verdict = verdict, Route = route, NetworkAcl = acl, Reason = reason };
    }

    /// <summary>
    /// The traffic to ask the analyser about: the opening's protocol and the first port of it that the subnet
    /// NACL admits from the internet (so a range is judged by a port that can get in), else its first port.
    /// </summary>
    private Traffic Probe(NetworkInterface eni, InternetOpening opening)
    {
        IpProtocol[] protocols = opening.Protocol.IsAll ? [IpProtocol.Tcp, IpProtocol.Udp] : [opening.Protocol];
        var acl = eni.SubnetId is null ? null : _index.NetworkAclOf(eni.SubnetId).Acl;
        if (acl is not null)
        {
            var entries = AclEntries(acl, opening.IsIPv6);
            foreach (var protocol in protocols)
            {
                var admitted = NetworkAclEvaluation.OpenToInternet(entries, protocol, opening.Ports, opening.IsIPv6);
                if (!admitted.IsEmpty) return new Traffic(protocol, new PortRange(admitted.Ports[0].From, admitted.Ports[0].From));
            }
        }
        return new Traffic(protocols[0], new PortRange(opening.Ports.From, opening.Ports.From));
    }

    private IReadOnlyList<AclEntryView> AclEntries(NetworkAcl acl, bool ipv6)
    {
        var key = (acl.NetworkAclId, ipv6);
        if (!_aclEntries.TryGetValue(key, out var entries)) _aclEntries[key] = entries = NetworkAclEvaluation.Entries(_index, acl, false, ipv6);
        return entries;
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

    /// <summary>Who owns an ENI: the instance, else the service (interface type), requester or description.</summary>
    public static string? OwnerOf(NetworkInterface eni) =>
        eni.Attachment?.InstanceId
        ?? (eni.InterfaceType is { } t && t != "interface" ? t : null)
        ?? eni.RequesterId
        ?? eni.Description;
}
