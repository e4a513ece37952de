using System.Runtime.CompilerServices;
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
/// Two readings share these rules: <see cref="Observe"/> reads flow-log lines (the planner's own read), and
/// <see cref="Attribute"/> takes groups already made (a query's result, Athena, Logs Insights).
/// </summary>
public static class NatTrafficAttribution
{
    /// <summary>What an address in a NAT ENI's record is, as far as counting it goes.</summary>
    [Flags]
    internal enum AddressRole : byte
    {
        /// <summary>Not an address ('-', or text that does not parse).</summary>
        None = 0,
        Address = 1,
        Private = 2,
        /// <summary>One of a NAT gateway's own addresses.</summary>
        Nat = 4,
    }

    /// <summary>
    /// The group-by fields that groups given to <see cref="Attribute"/> must have (a query's result piped in, a remote
    /// engine's groups), from richest format to the default one. The packet addresses alone tell the NAT ENI's two
    /// sides apart (the internet side has the NAT's own address), so srcaddr/dstaddr are needed only without them.
    /// </summary>
    public static readonly IReadOnlyList<IReadOnlyList<string>> GroupFieldSets =
    [
        ["interface-id", "pkt-srcaddr", "pkt-dstaddr", "pkt-src-aws-service", "pkt-dst-aws-service"],
        ["interface-id", "pkt-srcaddr", "pkt-dstaddr"],
        ["interface-id", "srcaddr", "dstaddr"],
    ];

    /// <summary>
    /// Reads the records of the NAT gateways' ENIs and the interface endpoints' ENIs (nothing else is needed) and
    /// attributes them as <see cref="Attribute"/> does, straight from the lines: each file's own format decides
    /// which fields name the sides, and the work per record is a few lookups in small tables (see
    /// <see cref="NatFlowSink"/>) instead of a group-by over every client and remote address pair.
    /// </summary>
    /// <remarks>
    /// Only records that also match <paramref name="within"/> (a window, a user's query) are read; its interface ids, if
    /// any, narrow the ENIs. With a <paramref name="window"/>, the month is scaled from it as in <see cref="Attribute"/>.
    /// </remarks>
    public static (ObservedTraffic Traffic, FlowLogReadReport Report) Observe(FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs,
        SnapshotIndex index, AwsIpRangeSet ranges, FlowFilter within, PlanWindow? window = null, CancellationToken cancel = default)
    {
        var sides = new NatSides(index);
        var enis = sides.NatByEni.Keys.Concat(index.VpcEndpoints.Values.SelectMany(e => e.NetworkInterfaceIds)).Distinct()
            .Where(e => within.InterfaceId.Count == 0 || within.InterfaceId.Contains(e)).ToArray();
        var scope = new NatFlowSink.Scope(enis, sides, ranges);
        // The sinks match the interfaces themselves: the scanner's gate turns other interfaces away, a lookup numbers the rest.
        var (sinks, report) = reader.Run(inputs, within with { InterfaceId = [] }, format => new NatFlowSink(format, scope), cancel);
        var tally = new Tally(sides);
        foreach (var sink in sinks) sink.AddTo(tally);
        return (tally.Result(null, window), report);
    }

    /// <summary>Turns grouped flow records (keys as in <see cref="GroupFieldSets"/>) into the planner's input.</summary>
    /// <remarks>
    /// With a <paramref name="window"/>, its ends replace the first and last record seen: the month is
    /// scaled from the window asked for, which also holds the quiet hours no record covers.
    /// </remarks>
    public static ObservedTraffic Attribute(SnapshotIndex index, IEnumerable<FlowGroup> groups, AwsIpRangeSet ranges, IEnumerable<string>? notes = null,
        PlanWindow? window = null)
    {
        var sides = new NatSides(index);
        var tally = new Tally(sides);
        Columns? columns = null;
        foreach (var g in groups)
        {
            // Field positions are looked up once per field list, not per group and field.
            if (columns is null || !ReferenceEquals(columns.Fields, g.Fields)) columns = new Columns(g.Fields);
            tally.Seen(g.FirstSeen, g.LastSeen);
            var eni = columns.Get(g, columns.InterfaceId);
            // Groups that carry the action are read by the lines' rule: a REJECT is not NAT traffic (NatRecordSides.Counted).
            if (eni is null || g.Bytes == 0) continue;
            if (columns.Action >= 0 && columns.Get(g, columns.Action) != "ACCEPT")
            {
                if (sides.NatByEni.ContainsKey(eni)) tally.Rejected(g.Bytes);
                continue;
            }
            tally.Interface(eni, g.Bytes);
            if (!sides.NatByEni.TryGetValue(eni, out var nat)) continue;
            IpAddress? client;
            IpAddress remote;
            string? awsService = null;
            var (psrc, pdst) = (sides.Role(columns.Get(g, columns.PacketSource), out var a), sides.Role(columns.Get(g, columns.PacketDestination), out var b));
            if (HasBoth(psrc, pdst))
            {
                if (!CountsPacketSide(psrc, pdst, out bool clientSends)) continue;
                (client, remote) = clientSends ? (a, b) : (b, a);
                awsService = clientSends ? columns.Get(g, columns.DestinationService) : columns.Get(g, columns.SourceService);
            }
            else
            {
                var (src, dst) = (sides.Role(columns.Get(g, columns.Source), out a), sides.Role(columns.Get(g, columns.Destination), out b));
                if (!CountsAddressSide(src, dst, out bool remoteIsSource)) continue;
                (client, remote) = (null, remoteIsSource ? a : b);
            }
            tally.Flow(nat.NatGatewayId, client?.ToString(), Name(ranges.Find(remote), awsService), g.Bytes);
        }
        return tally.Result(notes, window);
    }

    /// <summary>
    /// Reads the NAT gateways' records that match <paramref name="within"/> and sums them per NAT gateway, service and
    /// region, each flow once. The notes say what limited the count (no NAT records, a format without packet addresses).
    /// </summary>
    public static (IReadOnlyList<NatTrafficTotal> Totals, IReadOnlyList<string> Notes, FlowLogReadReport Report) ThroughNatGateways(
        FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, SnapshotIndex index, FlowFilter within, AwsIpRangeSet ranges, CancellationToken cancel = default)
    {
        if (index.NatGateways.Count == 0) throw new ArgumentException("the snapshot has no NAT gateways: there is no NAT traffic to count");
        var (traffic, report) = Observe(reader, inputs, index, ranges, within, cancel: cancel);
        return (Totals(traffic), traffic.Notes, report);
    }

    /// <summary>
    /// The attributed traffic summed per NAT gateway, destination service and region (and what named the service),
    /// largest first: "bytes through the NAT gateway by destination service".
    /// </summary>
    public static IReadOnlyList<NatTrafficTotal> Totals(ObservedTraffic traffic) =>
        traffic.Flows.GroupBy(f => (f.NatGatewayId, f.Service, f.Region, f.NamedBy))
            .Select(g => new NatTrafficTotal(g.Key.NatGatewayId, g.Key.Service, g.Key.Region, g.Key.NamedBy, g.Aggregate(0L, (sum, f) => FlowText.Add(sum, f.Bytes)),
                g.Select(f => f.SourceAddress).OfType<string>().Distinct(StringComparer.Ordinal).Count()))
            .OrderByDescending(t => t.Bytes).ThenBy(t => t.NatGatewayId, StringComparer.Ordinal).ThenBy(t => t.Service, StringComparer.Ordinal)
            .ThenBy(t => t.Region, StringComparer.Ordinal).ToList();

    /// <summary>Whether a record has both packet addresses; without them (v2, or '-') its addresses are read instead.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool HasBoth(AddressRole source, AddressRole destination) => (source & destination & AddressRole.Address) != 0;

    /// <summary>
    /// A NAT ENI record with packet addresses: the VPC side is counted, which carries the client and the real remote
    /// (one private, one public); the internet side carries the NAT's own address and is not. True for the counted
    /// side, with <paramref name="clientSends"/> when the client is the packet source.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool CountsPacketSide(AddressRole source, AddressRole destination, out bool clientSends)
    {
        clientSends = (source & AddressRole.Private) != 0;
        return HasBoth(source, destination) && ((source | destination) & AddressRole.Nat) == 0
            && ((source ^ destination) & AddressRole.Private) != 0;
    }

    /// <summary>
    /// A NAT ENI record without packet addresses (v2): only the internet side (the NAT's address and a public one)
    /// names the remote, and its client is unknown. True for it, with <paramref name="remoteIsSource"/> saying which is the remote.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool CountsAddressSide(AddressRole source, AddressRole destination, out bool remoteIsSource)
    {
        remoteIsSource = (source & AddressRole.Nat) == 0;
        var remote = !remoteIsSource ? destination : (destination & AddressRole.Nat) != 0 ? source : AddressRole.None;
        return HasBoth(source, destination) && remote != AddressRole.None && (remote & AddressRole.Private) == 0;
    }

    /// <summary>The remote's service: the v5 flow-log field when it has one, else its ip-ranges prefix (none: the internet).</summary>
    internal static (string Service, string? Region, ServiceNamedBy By) Name(AwsIpPrefix? prefix, string? awsService)
    {
        if (!string.IsNullOrEmpty(awsService)) return (awsService, prefix?.Region, ServiceNamedBy.FlowLogField);
        return prefix is null ? (NatTraffic.Internet, null, ServiceNamedBy.None) : (prefix.Service, prefix.Region, ServiceNamedBy.IpRanges);
    }

    /// <summary>The snapshot's NAT gateways by ENI, and the addresses that are a NAT gateway's own.</summary>
    internal sealed class NatSides
    {
        public Dictionary<string, NatGateway> NatByEni { get; } = new(StringComparer.Ordinal);
        private readonly HashSet<IpAddress> _natAddresses = [];

        public NatSides(SnapshotIndex index)
        {
            foreach (var nat in index.NatGateways.Values)
                foreach (var a in nat.NatGatewayAddresses)
                {
                    if (a.NetworkInterfaceId is { } eni)
                    {
                        NatByEni[eni] = nat;
                        if (index.NetworkInterfaces.TryGetValue(eni, out var ni))
                            foreach (var p in ni.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(ni.PrivateIpAddress))
                                if (IpAddress.TryParse(p, out var ip)) _natAddresses.Add(ip);
                    }
                    if (IpAddress.TryParse(a.PrivateIp, out var own)) _natAddresses.Add(own);
                }
        }

        public AddressRole Role(IpAddress ip) =>
            AddressRole.Address | (ip.IsPrivate ? AddressRole.Private : 0) | (_natAddresses.Contains(ip) ? AddressRole.Nat : 0);

        public AddressRole Role(string? text, out IpAddress ip) => IpAddress.TryParse(text, out ip) ? Role(ip) : AddressRole.None;
    }

    /// <summary>The sums both readings build: bytes per NAT gateway, client and named service; bytes per ENI; the span seen.</summary>
    internal sealed class Tally(NatSides sides)
    {
        private readonly Dictionary<string, long> _bytesByInterface = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Nat, string? Client, string Service, string? Region, ServiceNamedBy By), long> _flows = [];
        private DateTimeOffset? _first, _last;
        private long _withoutClient, _rejected;

        public void Seen(DateTimeOffset? first, DateTimeOffset? last)
        {
            if (first is { } f && (_first is null || f < _first)) _first = f;
            if (last is { } l && (_last is null || l > _last)) _last = l;
        }

        public void Rejected(long bytes) => _rejected = FlowText.Add(_rejected, bytes);

        public void Interface(string eni, long bytes) => _bytesByInterface[eni] = FlowText.Add(_bytesByInterface.GetValueOrDefault(eni), bytes);

        public void Flow(string nat, string? client, (string Service, string? Region, ServiceNamedBy By) name, long bytes)
        {
            if (client is null) _withoutClient = FlowText.Add(_withoutClient, bytes);
            var key = (nat, client, name.Service, name.Region, name.By);
            _flows[key] = FlowText.Add(_flows.GetValueOrDefault(key), bytes);
        }

        public ObservedTraffic Result(IEnumerable<string>? notes, PlanWindow? window)
        {
            var allNotes = new List<string>(notes ?? []);
            var natEnis = sides.NatByEni.Keys;
            if (natEnis.Count > 0 && !natEnis.Any(_bytesByInterface.ContainsKey))
                allNotes.Add($"no records from the NAT gateways' ENIs ({string.Join(", ", natEnis.Order(StringComparer.Ordinal))}): the flow logs must cover the NAT gateways' subnets");
            if (_rejected > 0) allNotes.Add(NatRecordSides.RejectedNote(_rejected));
            if (_withoutClient > 0)
                allNotes.Add($"{SaturatingSum.Text(_withoutClient)} bytes through NAT have no known client: the log format lacks pkt-srcaddr/pkt-dstaddr (v3), so only the NAT's internet side could be counted");
            return new ObservedTraffic
            {
                Flows = _flows.Select(kv => new NatTraffic(kv.Key.Nat, null, kv.Key.Client, kv.Key.Service, kv.Key.Region, kv.Value, kv.Key.By))
                    .OrderBy(t => t.NatGatewayId, StringComparer.Ordinal).ThenBy(t => t.SourceAddress, StringComparer.Ordinal)
                    .ThenBy(t => t.Service, StringComparer.Ordinal).ThenBy(t => t.Region, StringComparer.Ordinal).ToArray(),
                WindowStart = window?.Since ?? _first ?? window?.Until ?? default, WindowEnd = window?.Until ?? _last ?? window?.Since ?? default,
                BytesByInterface = _bytesByInterface, Notes = allNotes,
            };
        }
    }

    /// <summary>Where each field the attribution reads sits in a group's values (-1: absent).</summary>
    private sealed class Columns(IReadOnlyList<string> fields)
    {
        public IReadOnlyList<string> Fields { get; } = fields;
        public int InterfaceId { get; } = Position(fields, "interface-id");
        public int Action { get; } = Position(fields, "action");
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
