using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.IpMap;

/// <summary>Two address ranges the snapshot knows that overlap, and what that does to attribution.</summary>
public sealed record CidrOverlap
{
    public string Cidr { get; init; } = "";
    /// <summary><c>Vpc</c>, <c>PeeredVpc</c> (a peer not in the snapshot), <c>TransitGatewayRoute</c> or <c>VpnRoute</c>.</summary>
    public string SourceKind { get; init; } = "";
    /// <summary>The VPC, attachment or VPN connection the range belongs to.</summary>
    public string Source { get; init; } = "";
    public string OtherCidr { get; init; } = "";
    public string OtherSourceKind { get; init; } = "";
    public string OtherSource { get; init; } = "";
    /// <summary>The addresses in both (the smaller of the two CIDRs).</summary>
    public string Overlap { get; init; } = "";
    /// <summary>VPCs of the snapshot that reach both ranges (themselves, an active peering, or their TGW route table).</summary>
    public ValueList<string> SeenFrom { get; init; } = [];
    /// <summary>Which attributions the overlap makes ambiguous.</summary>
    public string Effect { get; init; } = "";
}

/// <summary>
/// Finds overlapping CIDRs among the snapshot's VPCs, their peers, and the ranges behind transit gateways
/// and VPNs: the places where "which network is 10.x?" has more than one answer.
/// </summary>
public static class CidrOverlapReport
{
    private sealed record Range(Cidr Cidr, string Kind, string Source, string? VpcId);

    public static IReadOnlyList<CidrOverlap> Find(AddressAttributor attributor)
    {
        var index = attributor.Map.Index;
        var ranges = Ranges(attributor, index).DistinctBy(r => (r.Cidr, r.Source)).ToArray();
        var trie = new PrefixTrie<List<int>>();
        for (int i = 0; i < ranges.Length; i++)
        {
            if (!trie.TryGetExact(ranges[i].Cidr, out var list)) trie.Set(ranges[i].Cidr, list = []);
            list.Add(i);
        }
        var reach = index.Vpcs.Keys.ToDictionary(v => v, v => Reach(v, attributor, index, p => p.IsActive), StringComparer.Ordinal);
        var mayReach = index.Vpcs.Keys.ToDictionary(v => v, v => Reach(v, attributor, index, p => p.Active != false), StringComparer.Ordinal);
        var overlaps = new List<CidrOverlap>();
        for (int i = 0; i < ranges.Length; i++)
            foreach (var (_, others) in trie.Overlapping(ranges[i].Cidr))
                foreach (var j in others)
                {
                    var (a, b) = (ranges[i], ranges[j]);
                    if (j <= i || a.Source == b.Source || (a.VpcId is not null && a.VpcId == b.VpcId)) continue;
                    overlaps.Add(Describe(a, b, reach, mayReach));
                }
        return overlaps;
    }

    private static CidrOverlap Describe(Range a, Range b, Dictionary<string, HashSet<string>> reach, Dictionary<string, HashSet<string>> mayReach)
    {
        var overlap = a.Cidr.Prefix >= b.Cidr.Prefix ? a.Cidr : b.Cidr;
        var seenFrom = reach.Where(kv => Reaches(kv.Value, a) && Reaches(kv.Value, b)).Select(kv => kv.Key).Order().ToArray();
        var maybeFrom = mayReach.Where(kv => !seenFrom.Contains(kv.Key) && Reaches(kv.Value, a) && Reaches(kv.Value, b)).Select(kv => kv.Key).Order().ToArray();
        var effects = new List<string>();
        if (a.Kind == "Vpc" && b.Kind == "Vpc")
            effects.Add($"without -FromVpcId an address in {overlap} that no ENI holds is Ambiguous between {a.Source} and {b.Source}");
        foreach (var v in seenFrom)
            effects.Add($"from {v} both are reachable: the route table decides, and where its tables disagree the answer is Ambiguous");
        foreach (var v in maybeFrom)
            effects.Add($"from {v} both may be reachable (a peering of it is in a state that cannot be read): the route table decides, and where its tables disagree the answer is Ambiguous");
        if (effects.Count == 0)
            effects.Add("no VPC of the snapshot reaches both, so attribution from any one VPC is unaffected; addresses in flow logs from elsewhere stay ambiguous");
        return new CidrOverlap
        {
            Cidr = a.Cidr.ToString(), SourceKind = a.Kind, Source = a.Source,
            OtherCidr = b.Cidr.ToString(), OtherSourceKind = b.Kind, OtherSource = b.Source,
            Overlap = overlap.ToString(), SeenFrom = seenFrom, Effect = string.Join("; ", effects),
        };
    }

    private static bool Reaches(HashSet<string> reached, Range r) =>
        reached.Contains(r.Source) || (r.VpcId is not null && reached.Contains(r.VpcId));

    private static IEnumerable<Range> Ranges(AddressAttributor attributor, SnapshotIndex index)
    {
        foreach (var vpc in index.Vpcs.Values)
            foreach (var c in index.VpcCidrs(vpc.VpcId)) yield return new Range(c, "Vpc", vpc.VpcId, vpc.VpcId);
        // A peering in a state that cannot be read may be active: its peer's ranges are compared (Gaps names it).
        foreach (var pcx in index.Peerings.Where(p => p.Active != false))
            foreach (var side in new[] { pcx.Requester, pcx.Accepter })
            {
                if (side.VpcId is null || index.Vpcs.ContainsKey(side.VpcId)) continue;
                foreach (var c in side.Cidrs) yield return new Range(c, "PeeredVpc", side.VpcId, side.VpcId);
            }
        foreach (var table in attributor.TransitGatewayRouteTables.Values)
            foreach (var route in table.Routes.Where(r => !r.Blackhole))
            {
                var attachment = string.Join(",", route.AttachmentIds);
                var vpc = route.AttachmentIds.Select(id => index.TransitGatewayAttachments.GetValueOrDefault(id))
                    .FirstOrDefault(a => a?.ResourceType == "vpc")?.ResourceId
                    ?? route.AttachmentIds.Select(id => index.TransitGatewayVpcAttachments.GetValueOrDefault(id)?.VpcId).FirstOrDefault(v => v is not null);
                // A VPC's own CIDRs propagated into a TGW table are the VPC's range again, not a new one.
                if (vpc is not null && index.Vpcs.ContainsKey(vpc)) continue;
                yield return new Range(route.Destination, "TransitGatewayRoute", attachment, vpc);
            }
        foreach (var route in index.VpnRoutes) yield return new Range(route.Destination, "VpnRoute", route.Connection.VpnConnectionId, null);
    }

    /// <summary>What a VPC can address: itself, the peers of the peerings <paramref name="peered"/> takes, and every attachment (and its VPC) its TGW route tables route to.</summary>
    private static HashSet<string> Reach(string vpcId, AddressAttributor attributor, SnapshotIndex index, Func<Peering, bool> peered)
    {
        var reached = new HashSet<string>(StringComparer.Ordinal) { vpcId };
        foreach (var pcx in index.Peerings.Where(peered))
            if (pcx.From(vpcId)?.Remote.VpcId is { } peer) reached.Add(peer);
        foreach (var table in attributor.TransitGatewayRouteTablesOf(vpcId))
            foreach (var route in table.Routes)
                foreach (var id in route.AttachmentIds)
                {
                    reached.Add(id);
                    if (index.TransitGatewayAttachments.GetValueOrDefault(id)?.ResourceId is { } res) reached.Add(res);
                    if (index.TransitGatewayVpcAttachments.GetValueOrDefault(id)?.VpcId is { } v) reached.Add(v);
                }
        return reached;
    }

    /// <summary>
    /// What the report cannot see, one sentence each: a region without its VPCs or route tables, peerings, VPN
    /// connections or transit-gateway attachments that its routes use but that were not captured, transit-gateway
    /// route tables whose routes were not captured, VPN connection routes that cannot be read, and peerings whose state cannot
    /// be read. Ranges behind them may overlap unseen, or be reached unseen.
    /// </summary>
    public static IReadOnlyList<string> Gaps(AddressAttributor attributor)
    {
        var gaps = new List<string>();
        foreach (var region in attributor.Map.Index.Snapshot.Regions)
        {
            var routes = region.RouteTables.SelectMany(t => t.Routes).ToArray();
            var missing = new (string Section, bool Needed)[]
            {
                (Section.Vpcs, true), (Section.RouteTables, true),
                (Section.VpcPeeringConnections, routes.Any(r => r.VpcPeeringConnectionId is not null)),
                (Section.VpnConnections, routes.Any(r => r.GatewayId?.StartsWith("vgw-", StringComparison.Ordinal) == true)),
                (Section.TransitGatewayAttachments, routes.Any(r => r.TransitGatewayId is not null) && !region.Has(Section.TransitGatewayVpcAttachments)),
            }.Where(m => m.Needed && !region.Has(m.Section)).Select(m => m.Section).ToArray();
            if (missing.Length > 0) gaps.Add($"{string.Join(", ", missing)} of {region.Region} were not captured: ranges behind them are not compared");
        }
        foreach (var table in attributor.TransitGatewayRouteTables.Values)
            if (table.Unreadable is { } why) gaps.Add($"{why}: the ranges behind its attachments are not compared");
        foreach (var route in attributor.Map.Index.UnreadableVpnRoutes) gaps.Add($"{route}: the range behind it is not compared");
        foreach (var pcx in attributor.Map.Index.Peerings.Where(p => p.Active is null))
            gaps.Add($"{pcx.Id} ({pcx.Requester.VpcId ?? "?"} to {pcx.Accepter.VpcId ?? "?"}): {pcx.StateProblem}; its peer's ranges are compared, but whether {pcx.Requester.VpcId ?? "?"} and {pcx.Accepter.VpcId ?? "?"} reach each other's cannot be told (SeenFrom leaves it out)");
        return gaps;
    }
}
