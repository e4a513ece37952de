using VpcSecTools.AwsIpRanges;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Endpoints;

/// <summary>
/// Attributes flow-log traffic to NAT gateways, sources and AWS services, counting each flow once.
/// A NAT gateway's ENI logs every flow twice (the VPC side: client ↔ NAT; the internet side: NAT ↔
/// remote), and a VPC-wide log also has the client ENI's own records. Only the NAT ENI's VPC-side
/// records are counted when the log has <c>pkt-srcaddr</c>/<c>pkt-dstaddr</c> (they name both the client
/// and the real remote); with the default v2 format only the internet side is counted, whose client is
/// unknown. Client-ENI records are never counted as NAT bytes. The destination is named by v5
/// <c>pkt-*-aws-service</c> when present, else by ip-ranges.json (longest prefix, most specific service).
/// </summary>
public static class NatTrafficAttribution
{
    /// <summary>
    /// The group-by fields the attribution reads, from richest format to the default one. The packet
    /// addresses alone tell the NAT ENI's two sides apart (the internet side has the NAT's own address),
    /// so srcaddr/dstaddr are needed only without them.
    /// </summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> GroupFieldSets =
    [
        ["interface-id", "pkt-srcaddr", "pkt-dstaddr", "pkt-src-aws-service", "pkt-dst-aws-service"],
        ["interface-id", "pkt-srcaddr", "pkt-dstaddr"],
        ["interface-id", "srcaddr", "dstaddr"],
    ];

    /// <summary>
    /// Reads the records of the NAT gateways' ENIs and the interface endpoints' ENIs (nothing else is
    /// needed), grouped as the attribution needs, trying the richest field set the files have.
    /// </summary>
    public static (IReadOnlyList<FlowGroup> Groups, FlowLogReadReport Report) Read(FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, SnapshotIndex index,
        PlanWindow? window = null) =>
        Read(reader, inputs, index, new FlowFilter { Since = window?.Since, Until = window?.Until });

    /// <summary>
    /// As above, keeping only records that also match <paramref name="within"/> (a user's query); its interface ids,
    /// if any, narrow the ENIs read.
    /// </summary>
    public static (IReadOnlyList<FlowGroup> Groups, FlowLogReadReport Report) Read(FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, SnapshotIndex index,
        FlowFilter within, CancellationToken cancel = default)
    {
        var enis = index.NatGateways.Values.SelectMany(n => n.NatGatewayAddresses).Select(a => a.NetworkInterfaceId)
            .Concat(index.VpcEndpoints.Values.SelectMany(e => e.NetworkInterfaceIds)).OfType<string>().Distinct()
            .Where(e => within.InterfaceId.Count == 0 || within.InterfaceId.Contains(e)).ToArray();
        // With no ENI to look for, an empty filter would read everything: ask for an id that cannot match.
        var filter = within with { InterfaceId = enis.Length > 0 ? enis : ["eni-none"] };
        FlowLogResult? result = null;
        foreach (var fields in GroupFieldSets)
        {
            result = reader.Run(inputs, new FlowLogQuery { GroupBy = fields, Filter = filter }, cancel);
            // A format without a field fails per file: retry the whole read with fewer fields.
            if (!result.Report.FileErrors.Any(e => e.Message.Contains("cannot group by", StringComparison.Ordinal))) break;
        }
        return (result!.Groups, result.Report);
    }

    /// <summary>Turns grouped flow records (keys as in <see cref="GroupFieldSets"/>) into the planner's input.</summary>
    /// <remarks>
    /// With a <paramref name="window"/>, its ends replace the first and last record seen: the month is
    /// scaled from the window asked for, which also holds the quiet hours no record covers.
    /// </remarks>
    public static ObservedTraffic Attribute(SnapshotIndex index, IEnumerable<FlowGroup> groups, AwsIpRangeSet ranges, IEnumerable<string>? notes = null,
        PlanWindow? window = null)
    {
        var natByEni = new Dictionary<string, NatGateway>(StringComparer.Ordinal);
        var natAddresses = new HashSet<IpAddress>();
        foreach (var nat in index.NatGateways.Values)
            foreach (var a in nat.NatGatewayAddresses)
            {
                if (a.NetworkInterfaceId is { } eni)
                {
                    natByEni[eni] = nat;
                    if (index.NetworkInterfaces.TryGetValue(eni, out var ni))
                        foreach (var p in ni.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(ni.PrivateIpAddress))
                            if (IpAddress.TryParse(p, out var ip)) natAddresses.Add(ip);
                }
                if (IpAddress.TryParse(a.PrivateIp, out var own)) natAddresses.Add(own);
            }

        var bytesByInterface = new Dictionary<string, long>(StringComparer.Ordinal);
        var flows = new Dictionary<(string Nat, string? Client, string Service, string? Region, ServiceNamedBy By), long>();
        DateTimeOffset? first = null, last = null;
        long withoutClient = 0;
        Columns? columns = null;
        foreach (var g in groups)
        {
            // Field positions are looked up once per field list, not per group and field.
            if (columns is null || !ReferenceEquals(columns.Fields, g.Fields)) columns = new Columns(g.Fields);
            if (g.FirstSeen is { } f && (first is null || f < first)) first = f;
            if (g.LastSeen is { } l && (last is null || l > last)) last = l;
            var eni = columns.Get(g, columns.InterfaceId);
            if (eni is null || g.Bytes == 0) continue;
            bytesByInterface[eni] = bytesByInterface.GetValueOrDefault(eni) + g.Bytes;
            if (!natByEni.TryGetValue(eni, out var nat)) continue;
            if (!OneSide(g, columns, natAddresses, out var client, out var remote, out var awsService)) continue;
            var (service, region, by) = Name(remote, awsService, ranges);
            if (client is null) withoutClient += g.Bytes;
            var key = (nat.NatGatewayId, client?.ToString(), service, region, by);
            flows[key] = flows.GetValueOrDefault(key) + g.Bytes;
        }

        var allNotes = new List<string>(notes ?? []);
        var natEnisSeen = natByEni.Keys.Count(bytesByInterface.ContainsKey);
        if (natByEni.Count > 0 && natEnisSeen == 0)
            allNotes.Add($"no records from the NAT gateways' ENIs ({string.Join(", ", natByEni.Keys.Order(StringComparer.Ordinal))}): the flow logs must cover the NAT gateways' subnets");
        if (withoutClient > 0)
            allNotes.Add($"{withoutClient} bytes through NAT have no known client: the log format lacks pkt-srcaddr/pkt-dstaddr (v3), so only the NAT's internet side could be counted");
        return new ObservedTraffic
        {
            Flows = flows.Select(kv => new NatTraffic(kv.Key.Nat, null, kv.Key.Client, kv.Key.Service, kv.Key.Region, kv.Value, kv.Key.By))
                .OrderBy(t => t.NatGatewayId, StringComparer.Ordinal).ThenBy(t => t.SourceAddress, StringComparer.Ordinal)
                .ThenBy(t => t.Service, StringComparer.Ordinal).ThenBy(t => t.Region, StringComparer.Ordinal).ToArray(),
            WindowStart = window?.Since ?? first ?? window?.Until ?? default, WindowEnd = window?.Until ?? last ?? window?.Since ?? default,
            BytesByInterface = bytesByInterface, Notes = allNotes,
        };
    }

    /// <summary>
    /// Reads the NAT gateways' records that match <paramref name="within"/> and sums them per NAT gateway, service and
    /// region, each flow once. The notes say what limited the count (no NAT records, a format without packet addresses).
    /// </summary>
    public static (IReadOnlyList<NatTrafficTotal> Totals, IReadOnlyList<string> Notes, FlowLogReadReport Report) ThroughNatGateways(
        FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, SnapshotIndex index, FlowFilter within, AwsIpRangeSet ranges, CancellationToken cancel = default)
    {
        if (index.NatGateways.Count == 0) throw new ArgumentException("the snapshot has no NAT gateways: there is no NAT traffic to count");
        var (groups, report) = Read(reader, inputs, index, within, cancel);
        var traffic = Attribute(index, groups, ranges);
        return (Totals(traffic), traffic.Notes, report);
    }

    /// <summary>
    /// The attributed traffic summed per NAT gateway, destination service and region (and what named the service),
    /// largest first: "bytes through the NAT gateway by destination service".
    /// </summary>
    public static IReadOnlyList<NatTrafficTotal> Totals(ObservedTraffic traffic) =>
        traffic.Flows.GroupBy(f => (f.NatGatewayId, f.Service, f.Region, f.NamedBy))
            .Select(g => new NatTrafficTotal(g.Key.NatGatewayId, g.Key.Service, g.Key.Region, g.Key.NamedBy, g.Sum(f => f.Bytes),
                g.Select(f => f.SourceAddress).OfType<string>().Distinct(StringComparer.Ordinal).Count()))
            .OrderByDescending(t => t.Bytes).ThenBy(t => t.NatGatewayId, StringComparer.Ordinal).ThenBy(t => t.Service, StringComparer.Ordinal)
            .ThenBy(t => t.Region, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Picks the one side of a NAT ENI record that is counted, and reads the client, the remote and the
    /// v5 service name of the remote from it. False for the side that is not counted.
    /// </summary>
    private static bool OneSide(FlowGroup g, Columns c, HashSet<IpAddress> natAddresses, out IpAddress? client, out IpAddress remote, out string? awsService)
    {
        client = null; remote = default; awsService = null;
        if (IpAddress.TryParse(c.Get(g, c.PacketSource), out var psrc) && IpAddress.TryParse(c.Get(g, c.PacketDestination), out var pdst))
        {
            // The internet side carries the NAT's own address; the VPC side carries the client and the real remote.
            if (natAddresses.Contains(psrc) || natAddresses.Contains(pdst) || psrc.IsPrivate == pdst.IsPrivate) return false;
            var clientSends = psrc.IsPrivate;
            client = clientSends ? psrc : pdst;
            remote = clientSends ? pdst : psrc;
            awsService = clientSends ? c.Get(g, c.DestinationService) : c.Get(g, c.SourceService);
            return true;
        }
        if (!IpAddress.TryParse(c.Get(g, c.Source), out var src) || !IpAddress.TryParse(c.Get(g, c.Destination), out var dst)) return false;
        var other = natAddresses.Contains(src) ? dst : natAddresses.Contains(dst) ? src : (IpAddress?)null;
        // v2: only the internet side names the remote; its client is unknown.
        if (other is not { } peer || peer.IsPrivate) return false;
        remote = peer;
        return true;
    }

    private static (string Service, string? Region, ServiceNamedBy By) Name(IpAddress remote, string? awsService, AwsIpRangeSet ranges)
    {
        var prefix = ranges.Find(remote);
        if (!string.IsNullOrEmpty(awsService)) return (awsService, prefix?.Region, ServiceNamedBy.FlowLogField);
        return prefix is null ? (NatTraffic.Internet, null, ServiceNamedBy.None) : (prefix.Service, prefix.Region, ServiceNamedBy.IpRanges);
    }

    /// <summary>Where each field the attribution reads sits in a group's values (-1: absent).</summary>
    private sealed class Columns(IReadOnlyList<string> fields)
    {
        public IReadOnlyList<string> Fields { get; } = fields;
        public int InterfaceId { get; } = Position(fields, "interface-id");
        public int Source { get; } = Position(fields, "srcaddr");
        public int Destination { get; } = Position(fields, "dstaddr");
        public int PacketSource { get; } = Position(fields, "pkt-srcaddr");
        public int PacketDestination { get; } = Position(fields, "pkt-dstaddr");
        public int SourceService { get; } = Position(fields, "pkt-src-aws-service");
        public int DestinationService { get; } = Position(fields, "pkt-dst-aws-service");

        public string? Get(FlowGroup g, int position) => position < 0 ? null : g.Values[position];

        private static int Position(IReadOnlyList<string> fields, string name)
        {
            for (int i = 0; i < fields.Count; i++) if (fields[i] == name) return i;
            return -1;
        }
    }
}
