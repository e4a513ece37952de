using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Endpoints;

/// <summary>
/// Turns attributed NAT traffic and a snapshot into an endpoint plan. Pure: reads the snapshot and the
/// traffic, creates nothing. Decisions follow design/ENDPOINTS.md: gateway endpoints for same-region
/// S3/DynamoDB on the route tables of the sending subnets; interface endpoints where the saving is
/// positive after the per-AZ hourly charge; existing endpoints are checked, never recommended again.
/// </summary>
public static class EndpointPlanner
{
    /// <summary>Bytes in a billed GB.</summary>
    public const decimal BytesPerGb = 1024m * 1024m * 1024m;

    /// <summary>Traffic within this fraction above break-even lowers the confidence one step.</summary>
    private const decimal NearBreakEven = 1.25m;

    public static EndpointPlan Plan(SnapshotIndex index, ObservedTraffic traffic, PriceTable prices)
    {
        var hours = (decimal)traffic.Window.TotalHours;
        var notes = new List<string>(traffic.Notes);
        if (traffic.Flows.Count == 0)
            notes.Add($"no traffic through NAT gateways in the window {traffic.WindowStart:u} .. {traffic.WindowEnd:u}: nothing to move to endpoints");
        if (hours <= 0 && traffic.Flows.Count > 0)
            throw new ArgumentException($"observed window {traffic.WindowStart:O} .. {traffic.WindowEnd:O} is empty: no traffic to scale to a month");
        // No traffic and no window: nothing is scaled, so the factor is moot.
        var factor = hours > 0 ? prices.HoursPerMonth / hours : 0m;
        var window = WindowConfidence(traffic.Window, out var windowReason);

        var resolved = new List<ResolvedFlow>();
        foreach (var flow in traffic.Flows)
        {
            if (!index.NatGateways.TryGetValue(flow.NatGatewayId, out var nat) || nat.VpcId is null)
            {
                notes.Add($"{flow.NatGatewayId} is not in the snapshot: {SaturatingSum.Text(flow.Bytes)} bytes to {flow.Service} left out");
                continue;
            }
            var region = index.RegionOf(nat.NatGatewayId)?.Region ?? "";
            resolved.Add(new(flow, nat.VpcId, region, SourceSubnet(index, nat.VpcId, flow)));
        }

        var recommendations = new List<EndpointRecommendation>();
        var findings = new List<EndpointFinding>();
        var groups = new List<NatTrafficGroup>();
        foreach (var g in resolved.GroupBy(r => (r.VpcId, r.Region, r.Flow.Service, Dest: r.Flow.Region ?? "")).OrderBy(g => g.Key))
        {
            var (vpcId, region, service, dest) = g.Key;
            if (!prices.TryFor(region, out var price))
            {
                notes.Add($"{vpcId}: no prices for region '{region}': {service} traffic not priced (give a price file with that region)");
                continue;
            }
            var context = new GroupContext(index, vpcId, region, service, dest, g.ToArray(), price, factor, prices.HoursPerMonth, window, windowReason);
            var (disposition, reason) = Decide(context, recommendations, findings);
            var gb = context.Gb(context.Flows);
            groups.Add(new NatTrafficGroup
            {
                VpcId = vpcId, Service = service, DestinationRegion = dest, GbPerMonth = Round(gb),
                NatCostPerMonth = Round(gb * price.NatGatewayPerGb), Disposition = disposition, Reason = reason,
            });
        }
        findings.AddRange(IdleInterfaceEndpoints(index, traffic, resolved.Select(r => r.VpcId).Distinct(), notes));

        return new EndpointPlan
        {
            Recommendations = recommendations, Findings = findings, Traffic = groups,
            WindowStart = traffic.WindowStart, WindowEnd = traffic.WindowEnd, MonthlyFactor = factor,
            PriceSource = prices.AsOf is null ? prices.Source : $"{prices.Source} (as of {prices.AsOf})", Notes = notes,
        };
    }

    /// <summary>The saving per month of an interface endpoint in <paramref name="azs"/> AZs carrying <paramref name="gb"/> GB.</summary>
    public static decimal InterfaceSaving(RegionPrices price, decimal hoursPerMonth, int azs, decimal gb) =>
        gb * price.NatGatewayPerGb - InterfaceCost(price, hoursPerMonth, azs, gb);

    /// <summary>An interface endpoint's monthly cost: the hourly charge in each AZ plus data processing.</summary>
    public static decimal InterfaceCost(RegionPrices price, decimal hoursPerMonth, int azs, decimal gb) =>
        azs * hoursPerMonth * price.InterfaceEndpointHourlyPerAz + price.InterfaceEndpointDataCost(gb);

    /// <summary>GB per month at which an interface endpoint in <paramref name="azs"/> AZs costs what the NAT gateway does (null: never).</summary>
    public static decimal? InterfaceBreakEvenGb(RegionPrices price, decimal hoursPerMonth, int azs)
    {
        var margin = price.NatGatewayPerGb - price.InterfaceEndpointPerGb;
        return margin <= 0 ? null : azs * hoursPerMonth * price.InterfaceEndpointHourlyPerAz / margin;
    }

    private static (TrafficDisposition, string) Decide(GroupContext c, List<EndpointRecommendation> recommendations, List<EndpointFinding> findings)
    {
        var endpoint = EndpointCatalog.Lookup(c.Service);
        switch (endpoint.Kind)
        {
            case EndpointKind.None: return (TrafficDisposition.NoEndpoint, endpoint.Why);
            case EndpointKind.Unnamed:
                return (TrafficDisposition.Unnamed, $"AWS, {(c.Dest is "" ? "no region" : c.Dest)}: {EndpointCatalog.HowToNameAmazonTraffic}");
        }
        if (c.Dest == "" && c.Flows.Any(f => f.Flow.NamedBy != ServiceNamedBy.Given))
            return (TrafficDisposition.Unknown, $"{c.Service}: the destination's region is not in ip-ranges.json, so whether an endpoint in {c.Region} serves it is unknown");
        if (c.Dest != "" && c.Dest != c.Region)
            return (TrafficDisposition.CrossRegion,
                $"{c.Service} in {c.Dest}, VPC in {c.Region}: endpoints serve only their own region, so this stays on the NAT gateway");
        var serviceName = EndpointCatalog.ServiceName(c.Price.Partition, c.Region, endpoint.EndpointName!, endpoint.Kind);
        return endpoint.Kind == EndpointKind.Gateway
            ? GatewayEndpoint(c, serviceName, recommendations, findings)
            : InterfaceEndpoint(c, serviceName, endpoint.EndpointName!, recommendations);
    }

    private static (TrafficDisposition, string) GatewayEndpoint(GroupContext c, string serviceName,
        List<EndpointRecommendation> recommendations, List<EndpointFinding> findings)
    {
        var inside = c.Flows.Where(f => f.Subnet is not null).ToArray();
        var reasons = new List<string> { c.WindowReason, $"{serviceName} is a gateway endpoint: free, same region only" };
        var outside = c.Flows.Where(f => f.Subnet is null && f.Flow.SourceAddress is not null).ToArray();
        if (outside.Length > 0)
            reasons.Add($"{Round(c.Gb(outside))} GB/month comes from outside the VPC's subnets (on-premises, peering, VPN or TGW): a gateway endpoint cannot carry it");
        var unknown = c.Flows.Where(f => f.Flow.SourceAddress is null && f.Flow.SourceSubnetId is null).ToArray();
        if (unknown.Length > 0)
            reasons.Add($"{Round(c.Gb(unknown))} GB/month has no known sending subnet (flow logs without pkt-srcaddr/pkt-dstaddr): its route tables cannot be named");
        if (inside.Length == 0)
            return (unknown.Length > 0 ? TrafficDisposition.Unknown : TrafficDisposition.NoEndpoint, string.Join("; ", reasons.Skip(2)));

        var confidence = c.Window;
        var tables = new SortedDictionary<string, List<ResolvedFlow>>(StringComparer.Ordinal);
        foreach (var flow in inside)
        {
            var table = c.Index.RouteTableOf(flow.Subnet!.SubnetId).Table;
            if (table is null)
            {
                reasons.Add($"{flow.Subnet.SubnetId}: its route table is not in the snapshot");
                confidence = PlanConfidence.Low;
                continue;
            }
            if (!tables.TryGetValue(table.RouteTableId, out var list)) tables[table.RouteTableId] = list = [];
            list.Add(flow);
        }
        foreach (var tableId in tables.Keys)
        {
            var table = c.Index.RouteTables[tableId];
            if (c.Index.MainRouteTable(table.VpcId)?.RouteTableId != tableId) continue;
            var implicitSubnets = c.Index.SubnetsUsing(table).Where(s => c.Index.RouteTableOf(s.SubnetId) is (_, false)).Select(s => s.SubnetId);
            reasons.Add($"{tableId} is the main route table: the endpoint route serves every subnet using it implicitly ({string.Join(", ", implicitSubnets)})");
        }

        var existing = Existing(c, serviceName, "Gateway");
        var wanted = tables.Keys.ToList();
        if (existing is not null)
        {
            var covered = wanted.Where(existing.RouteTableIds.Contains).ToArray();
            if (covered.Length > 0)
                reasons.Add($"{existing.VpcEndpointId} is already on {string.Join(", ", covered)} yet traffic from there reached the NAT gateway (endpoint policy, or a more specific route?)");
            wanted = wanted.Except(existing.RouteTableIds).ToList();
            if (wanted.Count == 0)
                return (TrafficDisposition.ExistingEndpoint, $"{existing.VpcEndpointId} already serves every route table that sends this traffic");
            findings.Add(new EndpointFinding
            {
                Kind = EndpointFinding.GatewayEndpointMissingRouteTable, VpcId = c.VpcId, VpcEndpointId = existing.VpcEndpointId,
                ServiceName = serviceName, Resources = wanted,
                Detail = $"{existing.VpcEndpointId} ({serviceName}) is not on {string.Join(", ", wanted)}, whose subnets send " +
                         $"{Round(c.Gb(wanted.SelectMany(t => tables[t])))} GB/month of {c.Service} through NAT",
            });
        }

        var moved = wanted.SelectMany(t => tables[t]).ToArray();
        var gb = c.Gb(moved);
        recommendations.Add(new EndpointRecommendation
        {
            Action = existing is null ? EndpointAction.CreateGatewayEndpoint : EndpointAction.AddRouteTables,
            VpcId = c.VpcId, Region = c.Region, Service = c.Service, ServiceName = serviceName, VpcEndpointType = "Gateway",
            VpcEndpointId = existing?.VpcEndpointId, RouteTableIds = wanted,
            SourceSubnetIds = moved.Select(f => f.Subnet!.SubnetId).Distinct().Order(StringComparer.Ordinal).ToArray(),
            ObservedGbPerMonth = Round(gb), NatCostPerMonth = Round(gb * c.Price.NatGatewayPerGb), EndpointCostPerMonth = 0,
            SavingPerMonth = Round(gb * c.Price.NatGatewayPerGb), BreakEvenGbPerMonth = 0, Currency = c.Price.Currency,
            Confidence = confidence, Reasons = reasons,
        });
        return (TrafficDisposition.GatewayEndpoint, existing is null
            ? $"gateway endpoint on {string.Join(", ", wanted)}"
            : $"add {string.Join(", ", wanted)} to {existing.VpcEndpointId}");
    }

    private static (TrafficDisposition, string) InterfaceEndpoint(GroupContext c, string serviceName, string endpointName,
        List<EndpointRecommendation> recommendations)
    {
        var existing = Existing(c, serviceName, "Interface");
        if (existing is not null)
            return (TrafficDisposition.ExistingEndpoint,
                $"{existing.VpcEndpointId} exists for {serviceName}; traffic still reaching NAT suggests clients not using its DNS (private DNS {(existing.PrivateDnsEnabled == true ? "on" : "off")})");

        var inside = c.Flows.Where(f => f.Subnet is not null).ToArray();
        if (inside.Length == 0)
            return (TrafficDisposition.Unknown, "no sending subnet inside the VPC to place the endpoint in");

        // One ENI per AZ with clients, in the client subnet that sends the most (so no client crosses an AZ).
        var perAz = inside.GroupBy(f => f.Subnet!.AvailabilityZone ?? f.Subnet.SubnetId)
            .OrderBy(a => a.Key, StringComparer.Ordinal)
            .Select(a => (Az: a.Key, Subnet: a.GroupBy(f => f.Subnet!.SubnetId)
                .OrderByDescending(s => s.Sum(f => (decimal)f.Flow.Bytes)).ThenBy(s => s.Key, StringComparer.Ordinal).First().Key))
            .ToArray();
        var gb = c.Gb(c.Flows);
        var natCost = gb * c.Price.NatGatewayPerGb;
        var endpointCost = InterfaceCost(c.Price, c.HoursPerMonth, perAz.Length, gb);
        var saving = natCost - endpointCost;
        var breakEven = InterfaceBreakEvenGb(c.Price, c.HoursPerMonth, perAz.Length);
        var figures = $"{Round(gb)} GB/month; break-even {(breakEven is null ? "never (endpoint per-GB >= NAT per-GB)" : Round(breakEven.Value) + " GB/month")} in {perAz.Length} AZ(s)";
        if (saving <= 0)
            return (TrafficDisposition.BelowBreakEven, $"{serviceName}: {figures}: the endpoint would cost {Round(endpointCost)} vs {Round(natCost)} through NAT");

        var sources = inside.Select(f => f.Subnet!.SubnetId).Distinct().Order(StringComparer.Ordinal).ToArray();
        var cidrs = sources.Select(s => c.Index.Subnets[s].CidrBlock).OfType<string>().ToList();
        var reasons = new List<string> { c.WindowReason, figures, $"saves {Round(saving)} {c.Price.Currency}/month ({Round(natCost)} through NAT, {Round(endpointCost)} for the endpoint)" };
        var outside = c.Flows.Where(f => f.Subnet is null && f.Flow.SourceAddress is not null).ToArray();
        if (outside.Length > 0)
        {
            reasons.Add($"{Round(c.Gb(outside))} GB/month comes from outside the VPC: it moves only if those clients resolve the endpoint (Route 53 Resolver inbound endpoint), and their addresses need the 443 rule too");
            cidrs.AddRange(outside.Select(f => f.Flow.SourceAddress).OfType<string>().Distinct().Select(a => a.Contains(':') ? a + "/128" : a + "/32"));
        }
        if (c.Flows.Any(f => f.Flow.NamedBy == ServiceNamedBy.Given))
            reasons.Add($"{endpointName} was named by DNS logs or the user; check it is offered with describe-vpc-endpoint-services");

        var confidence = c.Window;
        if (breakEven is { } be && gb < be * NearBreakEven)
        {
            confidence = (PlanConfidence)Math.Max(0, (int)confidence - 1);
            reasons.Add("close to break-even: a quieter month would erase the saving");
        }
        recommendations.Add(new EndpointRecommendation
        {
            Action = EndpointAction.CreateInterfaceEndpoint, VpcId = c.VpcId, Region = c.Region, Service = c.Service,
            ServiceName = serviceName, VpcEndpointType = "Interface",
            SubnetIds = perAz.Select(a => a.Subnet).ToArray(), AvailabilityZones = perAz.Select(a => a.Az).ToArray(),
            SourceSubnetIds = sources,
            SecurityGroupRule = new EndpointSecurityGroupRule("tcp", 443, cidrs.Distinct().ToArray()),
            PrivateDns = PrivateDnsPrerequisites(c.VpcId),
            ObservedGbPerMonth = Round(gb), NatCostPerMonth = Round(natCost), EndpointCostPerMonth = Round(endpointCost),
            SavingPerMonth = Round(saving), BreakEvenGbPerMonth = Round(breakEven ?? 0), Currency = c.Price.Currency,
            Confidence = confidence, Reasons = reasons,
        });
        return (TrafficDisposition.InterfaceEndpoint, $"{serviceName}: {figures}");
    }

    /// <summary>
    /// Private DNS needs enableDnsSupport and enableDnsHostnames; describe-vpcs does not return them, so a
    /// snapshot cannot hold them: the answer is Unknown with the command that settles it.
    /// </summary>
    public static string PrivateDnsPrerequisites(string vpcId) =>
        $"unknown: private DNS needs enableDnsSupport and enableDnsHostnames, which describe-vpcs does not return; check with " +
        $"aws ec2 describe-vpc-attribute --vpc-id {vpcId} --attribute enableDnsSupport (and --attribute enableDnsHostnames); " +
        "only one private-DNS endpoint per service per VPC";

    private static IEnumerable<EndpointFinding> IdleInterfaceEndpoints(SnapshotIndex index, ObservedTraffic traffic,
        IEnumerable<string> vpcsWithTraffic, List<string> notes)
    {
        if (traffic.BytesByInterface.Count == 0)
        {
            notes.Add("no per-ENI byte counts were given: idle interface endpoints not checked");
            yield break;
        }
        var vpcs = vpcsWithTraffic.ToHashSet(StringComparer.Ordinal);
        foreach (var e in index.VpcEndpoints.Values.OrderBy(e => e.VpcEndpointId, StringComparer.Ordinal))
        {
            if (!string.Equals(e.VpcEndpointType, "Interface", StringComparison.OrdinalIgnoreCase) || !IsLive(e.State)) continue;
            if (e.VpcId is null || !vpcs.Contains(e.VpcId) || e.NetworkInterfaceIds.Count == 0) continue;
            if (!FlowLogCovers(index, e))
            {
                notes.Add($"{e.VpcEndpointId}: no flow log in the snapshot covers its VPC, subnets or ENIs: its traffic is unknown");
                continue;
            }
            if (e.NetworkInterfaceIds.Any(n => traffic.BytesByInterface.GetValueOrDefault(n) > 0)) continue;
            yield return new EndpointFinding
            {
                Kind = EndpointFinding.InterfaceEndpointWithoutTraffic, VpcId = e.VpcId, VpcEndpointId = e.VpcEndpointId,
                ServiceName = e.ServiceName ?? "", Resources = e.NetworkInterfaceIds.ToValueList(),
                Detail = $"{e.VpcEndpointId} ({e.ServiceName}) carried no traffic from {traffic.WindowStart:u} to {traffic.WindowEnd:u} " +
                         $"on {string.Join(", ", e.NetworkInterfaceIds)}, yet costs its hourly charge in {e.NetworkInterfaceIds.Count} AZ(s)",
            };
        }
    }

    private static bool FlowLogCovers(SnapshotIndex index, VpcEndpoint e) =>
        index.FlowLogs.Values.Any(l => l.TrafficType is null or "ALL" or "ACCEPT"
            && (l.ResourceId == e.VpcId || e.SubnetIds.Contains(l.ResourceId ?? "") || e.NetworkInterfaceIds.Contains(l.ResourceId ?? "")));

    private static Subnet? SourceSubnet(SnapshotIndex index, string vpcId, NatTraffic flow)
    {
        if (flow.SourceSubnetId is { } id && index.Subnets.TryGetValue(id, out var subnet) && subnet.VpcId == vpcId) return subnet;
        return flow.SourceAddress is { } text && IpAddress.TryParse(text, out var ip) ? index.SubnetContaining(vpcId, ip) : null;
    }

    private static PlanConfidence WindowConfidence(TimeSpan window, out string reason)
    {
        var hours = Math.Round(window.TotalHours, 1);
        // A day of logs ends at 23:59:59: an hour's slack keeps a full day from counting as less.
        if (window < TimeSpan.FromHours(23))
        {
            reason = $"observed {hours} h, less than a day: daily peaks may be missed or over-counted";
            return PlanConfidence.Low;
        }
        if (window < TimeSpan.FromDays(7) - TimeSpan.FromHours(1))
        {
            reason = $"observed {hours} h scaled to a month: weekly patterns are not seen";
            return PlanConfidence.Medium;
        }
        reason = $"observed {Math.Round(window.TotalDays, 1)} days scaled to a month";
        return PlanConfidence.High;
    }

    /// <summary>The live endpoint of this type for the service in the group's VPC, if any.</summary>
    private static VpcEndpoint? Existing(GroupContext c, string serviceName, string type) =>
        c.Index.VpcEndpoints.Values.FirstOrDefault(e => e.VpcId == c.VpcId && e.ServiceName == serviceName
            && string.Equals(e.VpcEndpointType, type, StringComparison.OrdinalIgnoreCase) && IsLive(e.State));

    private static bool IsLive(string? state) =>
        state is null || !(state.Equals("deleted", StringComparison.OrdinalIgnoreCase) || state.Equals("deleting", StringComparison.OrdinalIgnoreCase)
                           || state.Equals("failed", StringComparison.OrdinalIgnoreCase) || state.Equals("rejected", StringComparison.OrdinalIgnoreCase));

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private sealed record ResolvedFlow(NatTraffic Flow, string VpcId, string Region, Subnet? Subnet);

    private sealed record GroupContext(SnapshotIndex Index, string VpcId, string Region, string Service, string Dest,
        ResolvedFlow[] Flows, RegionPrices Price, decimal Factor, decimal HoursPerMonth, PlanConfidence Window, string WindowReason)
    {
        public decimal Gb(IEnumerable<ResolvedFlow> flows) => flows.Sum(f => (decimal)f.Flow.Bytes) * Factor / BytesPerGb;
    }
}
