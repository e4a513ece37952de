using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>
/// Static path analysis over a snapshot: can a source reach a destination on a protocol and port, in both
/// directions, and if not which rule, route or entry stops it. Pure and thread-safe over one
/// <see cref="SnapshotIndex"/>; every answer carries the hops it is based on.
/// </summary>
public sealed class ReachabilityAnalyzer
{
    public ReachabilityAnalyzer(SnapshotIndex index) => Index = index;

    public SnapshotIndex Index { get; }

    /// <summary>Resolves both endpoints (ids, IPs or <c>Internet</c>) and analyses the path.</summary>
    public ReachabilityResult Analyze(string source, string destination, Traffic traffic) =>
        Analyze(ReachabilityEndpoint.Resolve(Index, source, asSource: true), ReachabilityEndpoint.Resolve(Index, destination, asSource: false), traffic);

    /// <summary>"Is this ENI reachable from the internet on this traffic?" in one call.</summary>
    public ReachabilityResult FromInternet(NetworkInterface eni, Traffic traffic) =>
        Analyze(new ReachabilityEndpoint("Internet", EndpointKind.Internet, null, null, null),
            ReachabilityEndpoint.Of(eni), traffic);

    public ReachabilityResult Analyze(ReachabilityEndpoint source, ReachabilityEndpoint destination, Traffic traffic)
    {
        if (source.Kind == EndpointKind.Internet && destination.Kind == EndpointKind.Internet)
            throw new ArgumentException("source and destination are both the internet: give an ENI, instance or VPC address for one of them");

        // The destination address decides the family; then the source address of that family.
        IpAddress dstAddress;
        if (destination.Kind == EndpointKind.NetworkInterface && source.Kind == EndpointKind.Internet)
        {
            var pub = destination.Address is { } given && AddressScope.IsInternet(given) ? given : PublicAddressOf(destination.NetworkInterface!);
            if (pub is null) return NoPublicAddress(source, destination, traffic);
            dstAddress = pub.Value;
        }
        else if (destination.Kind == EndpointKind.NetworkInterface)
            dstAddress = destination.Address ?? AddressToReach(destination.NetworkInterface!)
                ?? throw new ArgumentException($"{destination.Text} has no private address in the snapshot");
        else dstAddress = destination.Address ?? AddressScope.DefaultInternetIPv4;

        if (source.Kind == EndpointKind.NetworkInterface)
        {
            var eni = source.NetworkInterface!;
            var srcAddress = source.Address is { } a && a.IsIPv6 == dstAddress.IsIPv6 && Index.EnisAt(a).Contains(eni) ? a : PrivateAddressOf(eni, dstAddress.IsIPv6);
            if (srcAddress is null)
                throw new ArgumentException($"{source.Text} has no {(dstAddress.IsIPv6 ? "IPv6" : "IPv4")} address to reach {dstAddress} from");
            if (IsVpcProvidedService(eni, dstAddress))
                return VpcService(source, destination, traffic, srcAddress.Value, dstAddress);
            if (destination.Kind == EndpointKind.Internet && destination.Address is null)
                return FirstReachable(InternetWitnesses(eni, ingress: false, traffic, dstAddress.IsIPv6), w => Path(source, destination, traffic, srcAddress.Value, w));
            return Path(source, destination, traffic, srcAddress.Value, dstAddress);
        }
        // From the internet: "any public address" is tried as the default address and as one address of each rule that opens the port.
        if (source.Address is { } fixedSource) return Path(source, destination, traffic, fixedSource, dstAddress);
        var target = destination.NetworkInterface;
        var witnesses = target is null ? [dstAddress.IsIPv6 ? AddressScope.DefaultInternetIPv6 : AddressScope.DefaultInternetIPv4]
            : InternetWitnesses(target, ingress: true, traffic, dstAddress.IsIPv6);
        return FirstReachable(witnesses, w => Path(source, destination, traffic, w, dstAddress));
    }

    /// <summary>
    /// "Any public address" is reachable if one witness is; else it is Unknown if one witness is (some address might get
    /// in), else not reachable (the first witness's answer).
    /// </summary>
    private static ReachabilityResult FirstReachable(IReadOnlyList<IpAddress> candidates, Func<IpAddress, ReachabilityResult> run)
    {
        ReachabilityResult? first = null, unknown = null;
        foreach (var c in candidates)
        {
            var r = run(c);
            if (r.Verdict == Verdict.Reachable) return r;
            first ??= r;
            if (r.Verdict == Verdict.Unknown) unknown ??= r;
        }
        return unknown ?? first!;
    }

    /// <summary>
    /// The default internet address, plus one internet address inside each CIDR of the ENI's rules that cover (or, being
    /// unreadable in part, may cover) the traffic.
    /// </summary>
    private List<IpAddress> InternetWitnesses(NetworkInterface eni, bool ingress, Traffic traffic, bool ipv6)
    {
        var list = new List<IpAddress> { ipv6 ? AddressScope.DefaultInternetIPv6 : AddressScope.DefaultInternetIPv4 };
        foreach (var g in eni.Groups)
        {
            if (Index.PermissionsOf(g.GroupId) is not { } group) continue;
            foreach (var p in group.Of(ingress))
            {
                if (SecurityGroupEvaluator.Covers(p, traffic) == false) continue;
                foreach (var c in p.Family(ipv6).Cidrs)
                    if (AddressScope.WitnessIn(c.Cidr) is { } w && !list.Contains(w) && list.Count < 8) list.Add(w);
            }
        }
        return list;
    }

    /// <summary>One path between two resolved addresses; with <paramref name="securityGroups"/> false, the network part only
    /// (routes, NACLs, gateways), as the fan-out checks groups as sets; with <paramref name="returnPath"/> false, the request only.</summary>
    internal ReachabilityResult Path(ReachabilityEndpoint source, ReachabilityEndpoint destination, Traffic traffic, IpAddress srcAddress, IpAddress dstAddress,
        bool securityGroups = true, bool returnPath = true)
    {
        var forward = new PathWalk(Index, PathDirection.Forward, srcAddress, dstAddress, traffic);
        if (source.NetworkInterface is { } srcEni) forward.FromEni(srcEni);
        else if (source.Kind == EndpointKind.Address) forward.FromRemote();
        else forward.FromInternet();

        var hops = new List<PathHop>();
        var srcSeenUntranslated = forward.Src == srcAddress;
        if (securityGroups && source.NetworkInterface is { } s)
        {
            // The destination's identity, for group references: where the packet arrived, or (when the walk stopped
            // earlier) the ENI the user named, if the packet is addressed to its private address.
            var peerEni = forward.DeliveredTo is { } d ? (forward.Dst == dstAddress ? d : null)
                : destination.NetworkInterface is { } named && Index.EnisAt(dstAddress).Contains(named) ? named : null;
            var egress = SecurityGroupEvaluator.Evaluate(Index, s, ingress: false, new SecurityGroupPeer(dstAddress, peerEni, forward.ReferencesPreserved && peerEni is not null), traffic);
            hops.Add(SecurityGroupHop(egress, s));
        }
        hops.AddRange(forward.Hops);
        if (forward.Outcome == WalkOutcome.Delivered && forward.DeliveredTo is { } arrived)
        {
            if (destination.Kind == EndpointKind.NetworkInterface && arrived.NetworkInterfaceId != destination.NetworkInterface!.NetworkInterfaceId)
                hops.Add(PathWalk.Hop(PathDirection.Forward, ComponentKind.NetworkInterface, arrived.NetworkInterfaceId, HopResult.Denied,
                    $"the routes deliver {dstAddress} to {arrived.NetworkInterfaceId} in {arrived.VpcId}, not to {destination.NetworkInterface.NetworkInterfaceId}",
                    ExplanationCodes.NoRoute));
            var peer = new SecurityGroupPeer(forward.Src, srcSeenUntranslated ? source.NetworkInterface : null, forward.ReferencesPreserved && srcSeenUntranslated);
            if (securityGroups) hops.Add(SecurityGroupHop(SecurityGroupEvaluator.Evaluate(Index, arrived, ingress: true, peer, traffic), arrived, insertBefore: true));
        }
        // The security-group hop of the destination belongs before "delivered to": move it there.
        OrderDeliveryLast(hops);

        var result = new ReachabilityResult
        {
            SeenSourceAddress = forward.Reached ? forward.Src.ToString() : null, ReferencesPreserved = forward.ReferencesPreserved && srcSeenUntranslated,
            Source = source.Text, Destination = destination.Text, SourceAddress = srcAddress.ToString(), DestinationAddress = dstAddress.ToString(),
            Protocol = traffic.Protocol.ToString(), Port = traffic.PortText, ForwardPath = hops, Notes = forward.Notes,
        };
        var block = hops.FirstOrDefault(h => h.Result == HopResult.Denied);
        if (block is not null) return Blocked(result, block, PathDirection.Forward);
        if (!forward.Reached) return Blocked(result, hops.First(h => h.Result == HopResult.Unknown), PathDirection.Forward);
        if (!returnPath)
            return hops.FirstOrDefault(h => h.Result == HopResult.Unknown) is { } u ? Blocked(result, u, PathDirection.Forward)
                : result with { Verdict = Verdict.Reachable, Reason = "the request arrives (the response was not analysed)." };

        // The response: stateless checks on the way back, to each plausible client's ephemeral ports.
        var clients = traffic.Protocol.HasPorts ? ClientRangesOf(source) : [];
        var checks = new List<(ClientEphemeralRange? Client, PathWalk Walk, PathHop? Stop)>();
        foreach (var client in clients.Count == 0 ? [null] : clients.Cast<ClientEphemeralRange?>())
        {
            var back = ReturnWalk(forward, traffic, client, source);
            checks.Add((client, back, back.Hops.FirstOrDefault(h => h.Result != HopResult.Allowed)));
        }
        int pass = checks.FindIndex(c => c.Stop is null);
        bool anyPass = pass >= 0;
        int denied = checks.FindIndex(c => c.Stop?.Result == HopResult.Denied);
        var chosen = checks[anyPass ? pass : Math.Max(denied, 0)];
        result = result with
        {
            ReturnPath = chosen.Walk.Hops,
            ReturnEphemeralRanges = checks.Where(c => c.Client is not null)
                .Select(c => new EphemeralRangeCheck(c.Client!.Client, c.Client.Ports, c.Stop is null ? Verdict.Reachable : c.Stop.Result == HopResult.Denied ? Verdict.NotReachable : Verdict.Unknown, c.Stop)).ToArray(),
        };
        if (!anyPass) return Blocked(result, chosen.Stop!, PathDirection.Return);
        var unknown = hops.FirstOrDefault(h => h.Result == HopResult.Unknown);
        if (unknown is not null) return Blocked(result, unknown, PathDirection.Forward);
        var partial = checks.Count > 1 && checks.Any(c => c.Stop is not null)
            ? $" Return traffic passes only for {string.Join(", ", checks.Where(c => c.Stop is null).Select(c => c.Client!.Client))} ephemeral ports." : "";
        return result with { Verdict = Verdict.Reachable, Reason = $"every hop allows {traffic} both ways.{partial}" };
    }

    private PathWalk ReturnWalk(PathWalk forward, Traffic traffic, ClientEphemeralRange? client, ReachabilityEndpoint source)
    {
        var clientTraffic = client is null ? traffic.Reply(PortRange.All) : traffic.Reply(client.Ports);
        // Past a NAT gateway the "client" is the NAT gateway, with its own 1024-65535 range.
        var outer = forward.Nats.Count > 0 ? traffic.Reply(PortRange.AwsServiceEphemeral) : clientTraffic;
        var back = new PathWalk(Index, PathDirection.Return, forward.Dst, forward.Src, outer)
        {
            ClientTraffic = clientTraffic, Nats = forward.Nats, ViaEgressOnly = forward.ViaEgressOnly, RemoteSource = source.Kind == EndpointKind.Address,
        };
        switch (forward.Outcome)
        {
            case WalkOutcome.Delivered: back.FromEni(forward.DeliveredTo!); break;
            case WalkOutcome.Internet: back.FromInternet(); break;
            case WalkOutcome.Service: back.FromService(forward.ServiceVpcId!); break;
            case WalkOutcome.Remote: back.FromRemote(); break;
        }
        bool home = source.Kind == EndpointKind.Internet ? back.Outcome == WalkOutcome.Internet
            : source.Kind == EndpointKind.Address ? back.Outcome == WalkOutcome.Remote
            : back.Outcome == WalkOutcome.Delivered && back.DeliveredTo?.NetworkInterfaceId == source.NetworkInterface!.NetworkInterfaceId;
        if (back.Reached && !home)
            back.Hops.Add(PathWalk.Hop(PathDirection.Return, back.DeliveredTo is null ? ComponentKind.Internet : ComponentKind.NetworkInterface,
                back.DeliveredTo?.NetworkInterfaceId ?? "internet", HopResult.Denied, $"the response to {forward.Src} is routed elsewhere than to {source.Text}",
                ExplanationCodes.ReturnMisrouted));
        return back;
    }

    /// <summary>The client's ephemeral range when its kind is known (instance platform, AWS service ENI), else every common one.</summary>
    public IReadOnlyList<ClientEphemeralRange> ClientRangesOf(ReachabilityEndpoint source)
    {
        var eni = source.NetworkInterface;
        if (eni is null) return ClientEphemeralRange.All;
        if (eni.Attachment?.InstanceId is { } id && Index.Instances.TryGetValue(id, out var instance))
            return [string.Equals(instance.Platform, "windows", StringComparison.OrdinalIgnoreCase) ? ClientEphemeralRange.Windows : ClientEphemeralRange.Linux];
        var type = eni.InterfaceType ?? "";
        var description = eni.Description ?? "";
        if (type is "nat_gateway" or "network_load_balancer" or "gateway_load_balancer" or "lambda"
            || description.StartsWith("ELB ", StringComparison.Ordinal) || description.StartsWith("AWS Lambda VPC ENI", StringComparison.Ordinal))
            return [ClientEphemeralRange.AwsService];
        return ClientEphemeralRange.All;
    }

    private static PathHop SecurityGroupHop(SecurityGroupDecision d, NetworkInterface eni, bool insertBefore = false) =>
        PathWalk.Hop(PathDirection.Forward, ComponentKind.SecurityGroup, d.GroupId ?? eni.NetworkInterfaceId, d.Result,
            $"{(insertBefore ? "inbound at" : "outbound at")} {eni.NetworkInterfaceId}: {d.Detail}", d.ExplanationCode, d.Rule, d.PermissionIndex);

    private static void OrderDeliveryLast(List<PathHop> hops)
    {
        int delivered = hops.FindLastIndex(h => h.ComponentType == ComponentKind.NetworkInterface && h.Result == HopResult.Allowed);
        if (delivered < 0 || delivered == hops.Count - 1) return;
        var hop = hops[delivered];
        hops.RemoveAt(delivered);
        hops.Add(hop);
    }

    private static ReachabilityResult Blocked(ReachabilityResult r, PathHop hop, PathDirection direction) => r with
    {
        Verdict = hop.Result == HopResult.Denied ? Verdict.NotReachable : Verdict.Unknown,
        ExplanationCode = hop.ExplanationCode, BlockingComponent = hop.ComponentId, BlockingComponentType = hop.ComponentType,
        BlockingRule = hop.Rule, BlockingRuleNumber = hop.RuleNumber, BlockingDirection = direction,
        Reason = (direction == PathDirection.Return ? "the response is blocked: " : "") + (hop.Detail ?? hop.ComponentId),
    };

    private ReachabilityResult NoPublicAddress(ReachabilityEndpoint source, ReachabilityEndpoint destination, Traffic traffic)
    {
        var eni = destination.NetworkInterface!;
        var hop = PathWalk.Hop(PathDirection.Forward, ComponentKind.NetworkInterface, eni.NetworkInterfaceId, HopResult.Denied,
            $"{eni.NetworkInterfaceId} has no public IPv4 address, Elastic IP or global IPv6 address the internet could send to", ExplanationCodes.NoPublicAddress);
        return Blocked(new ReachabilityResult
        {
            Source = source.Text, Destination = destination.Text, DestinationAddress = eni.PrivateIpAddress, Protocol = traffic.Protocol.ToString(), Port = traffic.PortText, ForwardPath = [hop],
        }, hop, PathDirection.Forward);
    }

    /// <summary>The Amazon DNS resolver (VPC base + 2) and the AWS link-local services are not filtered by security groups or NACLs (SEMANTICS 10).</summary>
    internal bool IsVpcProvidedService(NetworkInterface eni, IpAddress dst) =>
        AddressScope.AwsLinkLocalService(dst) is not null || eni.VpcId is not null && Index.PrimaryCidr(eni.VpcId) is { } primary && AddressScope.ResolverOf(primary) == dst;

    private static ReachabilityResult VpcService(ReachabilityEndpoint source, ReachabilityEndpoint destination, Traffic traffic, IpAddress src, IpAddress dst)
    {
        var hop = PathWalk.Hop(PathDirection.Forward, ComponentKind.AmazonProvidedService, dst.ToString(), HopResult.Allowed,
            $"{AddressScope.AwsLinkLocalService(dst) ?? "the Amazon DNS resolver"} is answered inside the VPC, not filtered by security groups or network ACLs");
        return new ReachabilityResult
        {
            Source = source.Text, Destination = destination.Text, SourceAddress = src.ToString(), DestinationAddress = dst.ToString(),
            Protocol = traffic.Protocol.ToString(), Port = traffic.PortText, Verdict = Verdict.Reachable, ForwardPath = [hop],
            Reason = $"{dst} is served inside the VPC and is not filtered.",
        };
    }

    /// <summary>The ENI's public IPv4 (auto-assigned or Elastic IP), else its first global IPv6 address.</summary>
    public static IpAddress? PublicAddressOf(NetworkInterface eni)
    {
        var pub = eni.Association?.PublicIp ?? eni.PrivateIpAddresses.Select(p => p.Association?.PublicIp).FirstOrDefault(p => p is not null);
        if (pub is not null && IpAddress.TryParse(pub, out var ip)) return ip;
        foreach (var a in eni.Ipv6Addresses)
            if (IpAddress.TryParse(a.Ipv6Address, out var v6) && AddressScope.IsInternet(v6)) return v6;
        return null;
    }

    /// <summary>The ENI's primary private IPv4, or its first IPv6 address.</summary>
    /// <summary>
    /// The address a question reaches an ENI at when none is given: its private IPv4 address, else (an IPv6-only interface) its
    /// IPv6 address, which it was refused for as having no address at all.
    /// </summary>
    public static IpAddress? AddressToReach(NetworkInterface eni) => PrivateAddressOf(eni, ipv6: false) ?? PrivateAddressOf(eni, ipv6: true);

    public static IpAddress? PrivateAddressOf(NetworkInterface eni, bool ipv6)
    {
        var text = ipv6 ? eni.Ipv6Addresses.FirstOrDefault()?.Ipv6Address : eni.PrivateIpAddress ?? eni.PrivateIpAddresses.FirstOrDefault()?.PrivateIpAddress;
        return text is not null && IpAddress.TryParse(text, out var ip) ? ip : null;
    }
}
