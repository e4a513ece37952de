using System.Globalization;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// Services that another VPC reaches across an active peering or a shared transit gateway on single TCP ports: a group
/// rule admits the other VPC's addresses (or one of its groups) on one port, and the reachability fan-out finds interfaces
/// of that VPC that really reach the group's interfaces through the connection. Each is a PrivateLink candidate: as an
/// endpoint service the other VPC would reach one port of one load balancer instead of a whole routed network. A peer
/// whose interfaces are not in the snapshot leaves the candidate unconfirmed.
/// </summary>
internal sealed class PrivateLinkCandidateChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.PrivateLinkCandidate];

    /// <summary>One direction of a connection: the VPC whose services are reached, the VPC that reaches them, and how.</summary>
    private sealed record Link(string Via, string Kind, string ServiceVpc, string RemoteVpc, string? RemoteOwner, IReadOnlyList<Cidr> RemoteCidrs, bool RemoteInSnapshot);

    private sealed record Candidate(Link Link, SecurityGroup Group, int Port, IReadOnlyList<SecurityGroupRule> Rules, IReadOnlyList<NetworkInterface> Targets,
        IReadOnlyList<ReachableSource> Reaching, IReadOnlyList<ReachableSource> Unknown);

    public void Run(AuditContext audit)
    {
        var index = audit.Index;
        var links = Links(audit).ToArray();
        if (links.Length == 0) return;
        var fanOut = new ReachabilityFanOut(new ReachabilityAnalyzer(index));
        var candidates = new List<Candidate>();
        foreach (var g in audit.Groups)
            foreach (var link in links.Where(l => l.ServiceVpc == g.VpcId))
            {
                var rules = audit.Ingress(g).Where(r => r.Protocol == IpProtocol.Tcp && r.Ports.From == r.Ports.To && Admits(index, r, link)).ToArray();
                if (rules.Length == 0) continue;
                // An interface without a private address (a damaged capture) is reached by no peer: there is nothing to publish.
                var targets = index.EnisInGroup(g.GroupId).Where(e => e.VpcId == g.VpcId && ReachabilityAnalyzer.PrivateAddressOf(e, ipv6: false) is not null).ToArray();
                if (targets.Length == 0) continue;
                var sources = link.RemoteInSnapshot ? index.NetworkInterfaces.Values.Where(e => e.VpcId == link.RemoteVpc).ToArray() : [];
                foreach (var port in rules.Select(r => r.Ports.From).Distinct().Order())
                {
                    var results = targets.SelectMany(t => fanOut.WhoCanReach(t, Traffic.Tcp(port), sources)).ToArray();
                    var reaching = results.Where(r => r.Verdict == Verdict.Reachable).ToArray();
                    var unknown = results.Where(r => r.Verdict == Verdict.Unknown).ToArray();
                    if (link.RemoteInSnapshot && reaching.Length == 0 && unknown.Length == 0) continue;
                    candidates.Add(new Candidate(link, g, port, rules.Where(r => r.Ports.From == port).ToArray(), targets, reaching, unknown));
                }
            }
        foreach (var c in candidates) Report(audit, c, candidates);
    }

    private static void Report(AuditContext audit, Candidate c, List<Candidate> all)
    {
        var index = audit.Index;
        var link = c.Link;
        var remote = Name(index, link.RemoteVpc);
        var targets = c.Targets.Select(t => $"{t.NetworkInterfaceId} ({ExposureAnalysis.OwnerOf(t)})").ToArray();
        var reached = c.Reaching.Select(r => r.Destination).Distinct().Count();
        var sources = c.Reaching.Select(r => r.InstanceId ?? r.Source).Distinct().ToArray();
        var admitted = string.Join(", ", c.Rules.Select(r => r.Kind == RuleSourceKind.SecurityGroup
            ? $"{r.Path} admits every member of {r.Source}"
            : $"{r.Path} admits {string.Join(" + ", r.Cidrs!.Where(x => link.RemoteCidrs.Any(x.Overlaps)))} ({Addresses(r.Cidrs!)} addresses)"));
        var others = all.Where(o => o != c && o.Link.Via == link.Via && o.Link.ServiceVpc == link.ServiceVpc)
            .Select(o => $"tcp {o.Port} to {o.Group.GroupName ?? o.Group.GroupId}").Distinct().ToArray();
        var reverse = all.Where(o => o.Link.Via == link.Via && o.Link.ServiceVpc == link.RemoteVpc).Select(o => $"tcp {o.Port} to {o.Group.GroupName ?? o.Group.GroupId}").Distinct().ToArray();
        var carries = others.Length + reverse.Length == 0
            ? $" Nothing else found crosses {link.Via} on a single port: with this moved, its routes may go."
            : $" {link.Via} also carries {string.Join(", ", others.Concat(reverse))}: its routes stay while those need them.";
        string today = link.RemoteInSnapshot
            ? $"{sources.Length} interface(s) of {remote} reach tcp {c.Port} on {reached} of the {c.Targets.Count} interface(s) of {c.Group.GroupId} ({string.Join(", ", targets.Take(5))}{(targets.Length > 5 ? ", ..." : "")}) across {link.Kind} {link.Via}" +
              (sources.Length > 0 ? $": {string.Join(", ", sources.Take(5))}{(sources.Length > 5 ? $" and {sources.Length - 5} more" : "")}." : ".")
            : $"{remote}'s interfaces are not in the snapshot; {c.Group.GroupId} admits it on tcp {c.Port} across {link.Kind} {link.Via} ({string.Join(", ", targets.Take(5))}).";
        audit.Add(new GroupFindingDraft(Checks.PrivateLinkCandidate, c.Group)
        {
            Rules = c.Rules, Protocol = "tcp", Ports = c.Port.ToString(CultureInfo.InvariantCulture),
            MissingData = !link.RemoteInSnapshot ? $"the interfaces of {link.RemoteVpc} (account {link.RemoteOwner ?? "unknown"}) are not in the snapshot, so what reaches the service from there is Unknown"
                : c.Reaching.Count == 0 ? $"whether {remote} reaches it is Unknown: {c.Unknown[0].BlockingComponent} ({c.Unknown[0].ExplanationCode})" : null,
            Detail = $"{today} Exposure that would go: {admitted}, through {link.Kind} routes that open {remote} and {Name(index, link.ServiceVpc)} to each other; " +
                $"as an endpoint service {remote} would reach tcp {c.Port} of one network load balancer and nothing else.{carries}",
        });
    }

    private static string Name(SnapshotIndex index, string vpcId) =>
        index.Vpcs.GetValueOrDefault(vpcId)?.Tags.NameTag() is { } name ? $"{name} ({vpcId})" : vpcId;

    private static string Addresses(IReadOnlyList<Cidr> cidrs)
    {
        UInt128 sum = 0;
        foreach (var c in cidrs) sum += c.Size;
        return sum.ToString("N0", CultureInfo.InvariantCulture);
    }

    /// <summary>Whether the rule admits the remote VPC: a CIDR of it (not the whole internet), or a group of it.</summary>
    private static bool Admits(SnapshotIndex index, SecurityGroupRule r, Link link)
    {
        if (r.Kind == RuleSourceKind.SecurityGroup)
        {
            var (owner, id) = r.Source.Contains('/') ? (r.Source[..r.Source.IndexOf('/')], r.Source[(r.Source.IndexOf('/') + 1)..]) : (null, r.Source);
            return index.SecurityGroups.GetValueOrDefault(id) is { } referenced ? referenced.VpcId == link.RemoteVpc : owner is not null && owner == link.RemoteOwner;
        }
        return r.Cidrs is { Count: > 0 } cidrs && cidrs.All(c => c.Prefix > 0) && cidrs.Any(c => link.RemoteCidrs.Any(c.Overlaps));
    }

    /// <summary>Both directions of every peering that is or may be active, and every pair of VPCs of the snapshot attached to one transit gateway.</summary>
    private static IEnumerable<Link> Links(AuditContext audit)
    {
        var index = audit.Index;
        foreach (var p in index.VpcPeeringConnections.Values)
        {
            // The index's reading of the state (case, absent or unknown states): a peering that may be active is asked about.
            if (index.PeeringOf(p.VpcPeeringConnectionId)?.Active == false || p.RequesterVpcInfo?.VpcId is not { } a || p.AccepterVpcInfo?.VpcId is not { } b) continue;
            foreach (var (service, remote) in new[] { (a, p.AccepterVpcInfo), (b, p.RequesterVpcInfo) })
                if (index.Vpcs.ContainsKey(service))
                    yield return new Link(p.VpcPeeringConnectionId, "peering", service, remote.VpcId!, remote.OwnerId, CidrsOf(index, remote), index.Vpcs.ContainsKey(remote.VpcId!));
        }
        var attached = index.TransitGatewayAttachments.Values
            .Where(t => ResourceState.Is(t.ResourceType, "vpc") && SnapshotIndex.IsUsableAttachmentState(t.State) && t.TransitGatewayId is not null && t.ResourceId is not null)
            .Select(t => (Tgw: t.TransitGatewayId!, Vpc: t.ResourceId!))
            .Concat(index.TransitGatewayVpcAttachments.Values.Where(t => SnapshotIndex.IsUsableAttachmentState(t.State) && t.TransitGatewayId is not null && t.VpcId is not null)
                .Select(t => (Tgw: t.TransitGatewayId!, Vpc: t.VpcId!)))
            .Distinct().ToArray();
        foreach (var (tgw, service) in attached)
            foreach (var (_, remote) in attached.Where(x => x.Tgw == tgw && x.Vpc != service))
            {
                if (!index.Vpcs.ContainsKey(service)) continue;
                if (!index.Vpcs.ContainsKey(remote))
                {
                    audit.Notes.Add($"{remote} is attached to {tgw} but not in the snapshot: the services of {service} it may reach were not listed as PrivateLink candidates");
                    continue;
                }
                yield return new Link(tgw, "transit gateway", service, remote, index.Vpcs[remote].OwnerId, index.VpcCidrs(remote), true);
            }
    }

    private static IReadOnlyList<Cidr> CidrsOf(SnapshotIndex index, VpcPeeringConnectionVpcInfo side)
    {
        if (side.VpcId is { } id && index.Vpcs.ContainsKey(id)) return index.VpcCidrs(id);
        var texts = side.CidrBlockSet.Select(c => c.CidrBlock).Append(side.CidrBlock).Concat(side.Ipv6CidrBlockSet.Select(c => c.Ipv6CidrBlock));
        return texts.Select(t => Cidr.TryParse(t, out var c, HostBits.Normalise) ? (Cidr?)c : null).OfType<Cidr>().Distinct().ToArray();
    }
}
