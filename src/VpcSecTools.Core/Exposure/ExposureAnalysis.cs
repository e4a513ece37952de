using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// Whether an internet opening of a security group really reaches its ENIs: a public address (public IPv4 /
/// Elastic IP, or a global IPv6 address), an active route to an internet gateway in the subnet's route table,
/// and a subnet NACL that admits the request in and the response out to the client's ephemeral ports
/// (SEMANTICS 9, 11, 19). Severity follows Prowler: private only = medium, public address without a way in =
/// high, reachable = critical.
/// <para>Built on <see cref="SnapshotIndex"/> directly; the Internet -> ENI question of the reachability
/// analyser answers the same thing more completely (ingress routing, appliances) and can replace
/// <see cref="OfEni"/> when it lands.</para>
/// </summary>
public sealed class ExposureAnalysis
{
    private readonly SnapshotIndex _index;
    private readonly Dictionary<(string Acl, bool Egress, bool IPv6), IReadOnlyList<AclEntryView>> _aclEntries = [];
    private readonly Dictionary<(string Subnet, int Protocol, PortRange Ports, bool IPv6), (ExposureVerdict, string?, string?, string)> _subnetVerdicts = [];

    public ExposureAnalysis(SnapshotIndex index) => _index = index;

    /// <summary>Severity of an internet-ingress finding given its exposure; unknown or unattached keeps the check's own.</summary>
    public static Severity SeverityFor(ExposureVerdict verdict, Severity baseSeverity) => verdict switch
    {
        ExposureVerdict.Reachable => Severity.Critical,
        ExposureVerdict.PublicIpNotReachable => Severity.High,
        ExposureVerdict.PrivateOnly => Severity.Medium,
        _ => baseSeverity,
    };

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
            : $"no network interface reachable from the internet ({string.Join("; ", each.Select(e => e.Reason).Distinct().Take(3))})";
        return new ExposureSummary(worst, each, evidence);
    }

    /// <summary>One ENI's exposure to an opening.</summary>
    public EniExposure OfEni(NetworkInterface eni, InternetOpening opening)
    {
        var result = new EniExposure { NetworkInterfaceId = eni.NetworkInterfaceId, Owner = OwnerOf(eni), SubnetId = eni.SubnetId };
        var address = PublicAddress(eni, opening.IsIPv6);
        if (address is null)
            return result with { Verdict = ExposureVerdict.PrivateOnly, Reason = opening.IsIPv6 ? "no global IPv6 address" : "no public IPv4 address" };
        result = result with { PublicAddress = address };
        if (eni.DenyAllIgwTraffic == true)
            return result with { Verdict = ExposureVerdict.PublicIpNotReachable, Reason = "DenyAllIgwTraffic is set on the interface" };
        if (eni.SubnetId is null)
            return result with { Verdict = ExposureVerdict.Unknown, Reason = "the interface has no subnet" };
        foreach (var section in new[] { Section.RouteTables, Section.NetworkAcls })
            if (!_index.Captured(eni.NetworkInterfaceId, section))
                return result with { Verdict = ExposureVerdict.Unknown, Reason = $"{section} not captured" };

        var key = (eni.SubnetId, opening.Protocol.Number, opening.Ports, opening.IsIPv6);
        if (!_subnetVerdicts.TryGetValue(key, out var v)) _subnetVerdicts[key] = v = OfSubnet(eni.SubnetId, opening);
        return result with { Verdict = v.Item1, Route = v.Item2, NetworkAcl = v.Item3, Reason = v.Item4 };
    }

    private (ExposureVerdict, string?, string?, string) OfSubnet(string subnetId, InternetOpening opening)
    {
        var (table, _) = _index.RouteTableOf(subnetId);
        if (table is null) return (ExposureVerdict.Unknown, null, null, $"no route table found for {subnetId}");
        var route = IgwRoute(table, opening.IsIPv6);
        if (route is null) return (ExposureVerdict.PublicIpNotReachable, null, null, $"{table.RouteTableId} has no active route to an internet gateway");

        var (acl, _) = _index.NetworkAclOf(subnetId);
        if (acl is null) return (ExposureVerdict.Unknown, route, null, $"no network ACL found for {subnetId}");
        var inbound = Entries(acl, false, opening.IsIPv6);
        var outbound = Entries(acl, true, opening.IsIPv6);
        IpProtocol[] protocols = opening.Protocol.IsAll ? [IpProtocol.Tcp, IpProtocol.Udp, IpProtocol.Icmp] : [opening.Protocol];
        foreach (var protocol in protocols)
        {
            var ports = protocol.HasPorts ? opening.Ports : PortRange.All;
            var admitted = NetworkAclEvaluation.OpenToInternet(inbound, protocol, ports, opening.IsIPv6);
            if (admitted.IsEmpty) continue;
            if (!protocol.HasPorts)
            {
                var back = NetworkAclEvaluation.OpenToInternet(outbound, protocol, PortRange.All, opening.IsIPv6);
                if (!back.IsEmpty) return (ExposureVerdict.Reachable, route, $"{acl.NetworkAclId} admits {protocol} both ways", "reachable");
                continue;
            }
            var response = NetworkAclEvaluation.OpenToInternet(outbound, protocol, PortRange.AwsServiceEphemeral, opening.IsIPv6);
            var clients = new List<string>();
            if (response.CoversAll(PortRange.LinuxEphemeral)) clients.Add($"Linux {PortRange.LinuxEphemeral}");
            if (response.CoversAll(PortRange.WindowsEphemeral)) clients.Add($"Windows {PortRange.WindowsEphemeral}");
            if (clients.Count == 0) continue;
            return (ExposureVerdict.Reachable, route,
                $"{acl.NetworkAclId} admits {protocol} {admitted.PortsText} in; responses out to {string.Join(" and ", clients)} client ports", "reachable");
        }
        return (ExposureVerdict.PublicIpNotReachable, route, $"{acl.NetworkAclId} blocks the opening",
            $"network ACL {acl.NetworkAclId} does not admit {opening.ProtocolText} {opening.PortsText} from the internet in both directions");
    }

    private IReadOnlyList<AclEntryView> Entries(NetworkAcl acl, bool egress, bool ipv6)
    {
        var key = (acl.NetworkAclId, egress, ipv6);
        if (!_aclEntries.TryGetValue(key, out var entries)) _aclEntries[key] = entries = NetworkAclEvaluation.Entries(acl, egress, ipv6);
        return entries;
    }

    /// <summary>The active route to an internet gateway for this family, shortest prefix (widest reach) first.</summary>
    private static string? IgwRoute(RouteTable table, bool ipv6)
    {
        string? best = null;
        int bestPrefix = int.MaxValue;
        foreach (var r in table.Routes)
        {
            if (r.GatewayId is not { } gw || !gw.StartsWith("igw-", StringComparison.Ordinal) || r.State == "blackhole") continue;
            var text = ipv6 ? r.DestinationIpv6CidrBlock : r.DestinationCidrBlock;
            if (text is null || !Cidr.TryParse(text, out var cidr, HostBits.Normalise) || cidr.Prefix >= bestPrefix) continue;
            bestPrefix = cidr.Prefix;
            best = $"{table.RouteTableId}: {cidr} -> {gw}";
        }
        return best;
    }

    private static string? PublicAddress(NetworkInterface eni, bool ipv6)
    {
        if (ipv6)
        {
            foreach (var a in eni.Ipv6Addresses)
                if (IpAddress.TryParse(a.Ipv6Address, out var ip) && !ip.IsPrivate && !LinkLocal.Contains(ip)) return a.Ipv6Address;
            return null;
        }
        return eni.Association?.PublicIp ?? eni.PrivateIpAddresses.Select(p => p.Association?.PublicIp).FirstOrDefault(p => p is not null);
    }

    private static readonly Cidr LinkLocal = Cidr.Parse("fe80::/10");

    /// <summary>Who owns an ENI: the instance, else the service (interface type), requester or description.</summary>
    public static string? OwnerOf(NetworkInterface eni) =>
        eni.Attachment?.InstanceId
        ?? (eni.InterfaceType is { } t && t != "interface" ? t : null)
        ?? eni.RequesterId
        ?? eni.Description;
}
