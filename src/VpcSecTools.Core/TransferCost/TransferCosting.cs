using System.Globalization;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.TransferCost;

/// <summary>
/// What the network costs, by path: the flow logs read once (<see cref="TransferFlowSink"/>), each flow's bytes counted once
/// per charge it incurs (NAT processing, transit gateway processing, cross-AZ in the VPC or over a peering, cross-region),
/// scaled to a month and priced with the price table of each interface's region; free and unpriced paths are shown too,
/// so every byte read is somewhere. The one operation the cmdlet and the CLI call.
/// </summary>
public static class TransferCosting
{
    /// <summary>Reads the inputs of a local flow-log run and prices the paths; the read report is for the run's <c>Finish</c>.</summary>
    public static (TransferCostReport Report, FlowLogReadReport Read) Run(FlowLogRun run, SnapshotIndex index, AwsIpRangeSet ranges, PriceTable prices,
        int top = 5, CancellationToken cancel = default) =>
        Read(run.Reader, run.Inputs, run.Query.Filter, index, ranges, prices, new PlanWindow(run.Query.Filter.Since, run.Query.Filter.Until), top, cancel);

    /// <summary>Reads <paramref name="inputs"/> (records matching <paramref name="filter"/>) and prices the paths.</summary>
    public static (TransferCostReport Report, FlowLogReadReport Read) Read(FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, FlowFilter filter,
        SnapshotIndex index, AwsIpRangeSet ranges, PriceTable prices, PlanWindow window, int top = 5, CancellationToken cancel = default)
    {
        if (top < 0) throw new ArgumentException($"top {top} is negative: give how many talkers to show per path (0 for none)");
        window = window.Validated();
        var paths = new TransferPaths(index, ranges);
        var interfaces = new ByteKeyTable();
        foreach (var eni in paths.Enis) interfaces.Add(System.Text.Encoding.UTF8.GetBytes(eni.NetworkInterfaceId));
        var (sinks, report) = reader.Run(inputs, filter, format => new TransferFlowSink(format, paths, interfaces), cancel);
        var tally = new TransferTally(paths);
        foreach (var sink in sinks) sink.AddTo(tally);
        return (tally.Report(prices, window, top, ranges.Source), report);
    }
}

/// <summary>The sums of every sink, settled (bytes received from an interface that logged them itself are dropped) and priced.</summary>
internal sealed class TransferTally(TransferPaths paths)
{
    private readonly bool[] _seen = new bool[paths.Enis.Count];
    private readonly Dictionary<(TransferPath Path, int Eni, IpAddress A, IpAddress B, string? To), long> _counted = [];
    private readonly List<((TransferPath Path, int Eni, IpAddress A, IpAddress B, string? To) Key, int Sender, long Bytes)> _pending = [];
    private readonly SortedSet<string> _notes = new(StringComparer.Ordinal);
    private long? _first, _last;
    private long _unknownInterfaceBytes, _rejectedNat;

    public void Seen(long? first, long? last, bool[] seen, long unknownInterfaceBytes, IEnumerable<string> notes)
    {
        if (first is { } f && (_first is null || f < _first)) _first = f;
        if (last is { } l && (_last is null || l > _last)) _last = l;
        for (int i = 0; i < seen.Length; i++) _seen[i] |= seen[i];
        _unknownInterfaceBytes = FlowText.Add(_unknownInterfaceBytes, unknownInterfaceBytes);
        _notes.UnionWith(notes);
    }

    public void RejectedAtNat(long bytes) => _rejectedNat = FlowText.Add(_rejectedNat, bytes);

    public void Add(TransferPath path, int eni, IpAddress a, IpAddress b, int sender, string? to, long bytes)
    {
        var key = (path, eni, a, b, to);
        if (sender >= 0) _pending.Add((key, sender, bytes));
        else _counted[key] = FlowText.Add(_counted.GetValueOrDefault(key), bytes);
    }

    public TransferCostReport Report(PriceTable prices, PlanWindow window, int top, string ipRanges)
    {
        // A record received from an interface whose own records were read is that interface's egress, already counted.
        foreach (var (key, sender, bytes) in _pending)
            if (!_seen[sender]) _counted[key] = FlowText.Add(_counted.GetValueOrDefault(key), bytes);
        var start = window.Since ?? (_first is { } f ? FlowText.FromMilliseconds(f) : window.Until) ?? default;
        var end = window.Until ?? (_last is { } l ? FlowText.FromMilliseconds(l) : window.Since) ?? default;
        var hours = (decimal)(end - start).TotalHours;
        var factor = hours > 0 ? prices.HoursPerMonth / hours : 0m;
        var notes = new List<string>(_notes);
        if (_counted.Count > 0 && hours <= 0) notes.Add("the window is empty (one instant): bytes are shown, not scaled to a month");
        if (_unknownInterfaceBytes > 0) notes.Add($"{SaturatingSum.Text(_unknownInterfaceBytes)} bytes were logged by interfaces that are not in the snapshot: their paths are unknown and they are not counted");
        if (_rejectedNat > 0) notes.Add(NatRecordSides.RejectedNote(_rejectedNat));
        if (paths.IsNat.Any(n => n) && !paths.IsNat.Where((n, i) => n && _seen[i]).Any())
            notes.Add("no records from the NAT gateways' interfaces: their processing (and the legs to them) is not counted; the flow logs must cover the NAT gateways' subnets");

        var lines = new List<TransferCostLine>();
        foreach (var group in _counted.GroupBy(kv => (Region: paths.RegionOf(kv.Key.Eni) ?? "unknown", kv.Key.Path)))
        {
            var (region, path) = group.Key;
            long bytes = group.Aggregate(0L, (sum, kv) => FlowText.Add(sum, kv.Value));
            decimal perMonth(long b) => b / EndpointPlanner.BytesPerGb * factor;
            decimal? price = null, cost = null;
            var currency = "USD";
            if (prices.TryFor(region, out var p))
            {
                currency = p.Currency;
                (price, cost) = path switch
                {
                    TransferPath.NatGateway => (p.NatGatewayPerGb, perMonth(bytes) * p.NatGatewayPerGb),
                    TransferPath.TransitGateway => (p.TransitGatewayPerGb, perMonth(bytes) * p.TransitGatewayPerGb),
                    TransferPath.CrossAz or TransferPath.PeeringCrossAz => (p.CrossAzPerGb, perMonth(bytes) * p.CrossAzPerGb),
                    TransferPath.CrossRegion => CrossRegion(p, group.Select(kv => (kv.Key.To!, kv.Value)), perMonth),
                    TransferPath.SameAz or TransferPath.PeeringSameAz or TransferPath.GatewayEndpoint or TransferPath.Dropped => (0m, 0m),
                    _ => (null, null),
                };
                if (price is null && cost is null && path is TransferPath.NatGateway or TransferPath.TransitGateway or TransferPath.CrossAz or TransferPath.PeeringCrossAz or TransferPath.CrossRegion)
                    notes.Add($"{region}: the price table gives no price for {path} ({prices.Source}): its bytes are shown, not priced");
            }
            else notes.Add($"{region}: no prices in the table ({prices.Source}): its bytes are shown, not priced");
            var talkers = group
                .GroupBy(kv => Pair(kv.Key.A, kv.Key.B))
                .Select(g => (Pair: g.Key, Bytes: g.Aggregate(0L, (sum, kv) => FlowText.Add(sum, kv.Value))))
                .OrderByDescending(t => t.Bytes).ThenBy(t => t.Pair.A.ToString(), StringComparer.Ordinal).ThenBy(t => t.Pair.B.ToString(), StringComparer.Ordinal)
                .Take(top)
                .Select(t => new TransferTalker(t.Pair.A.ToString(), paths.NameOf(t.Pair.A), t.Pair.B.ToString(), paths.NameOf(t.Pair.B), t.Bytes))
                .ToValueList();
            lines.Add(new TransferCostLine
            {
                Region = region, Path = path, Description = Describe(path), Bytes = bytes, Gigabytes = Round(bytes / EndpointPlanner.BytesPerGb),
                GbPerMonth = Round(perMonth(bytes)), PricePerGb = price, CostPerMonth = cost is null ? null : Round(cost.Value), Currency = currency, TopTalkers = talkers,
            });
        }
        if (lines.FirstOrDefault(l => l.Path == TransferPath.Unattributed) is { } unplaced)
            notes.Add($"{SaturatingSum.Text(unplaced.Bytes)} bytes could not be placed on a path (the notes above say why): they are shown, not priced");
        return new TransferCostReport
        {
            Lines = lines.OrderByDescending(l => l.CostPerMonth ?? -1).ThenByDescending(l => l.Bytes).ThenBy(l => l.Region, StringComparer.Ordinal).ThenBy(l => l.Path).ToArray(),
            WindowStart = start, WindowEnd = end, MonthlyFactor = Round(factor),
            PriceSource = prices.AsOf is null ? prices.Source : $"{prices.Source} (as of {prices.AsOf})", IpRangesSource = ipRanges, Notes = notes,
            UnknownInterfaceBytes = _unknownInterfaceBytes,
        };
    }

    /// <summary>Cross-region: each destination region at its own price; one price shown when they all share it.</summary>
    private static (decimal? Price, decimal? Cost) CrossRegion(RegionPrices p, IEnumerable<(string To, long Bytes)> sent, Func<long, decimal> perMonth)
    {
        var byRegion = sent.GroupBy(s => s.To).Select(g => (Price: p.InterRegionPrice(g.Key), Bytes: g.Aggregate(0L, (sum, x) => FlowText.Add(sum, x.Bytes)))).ToArray();
        if (byRegion.Any(r => r.Price is null)) return (null, null);
        var distinct = byRegion.Select(r => r.Price).Distinct().ToArray();
        return (distinct.Length == 1 ? distinct[0] : null, byRegion.Sum(r => perMonth(r.Bytes) * r.Price!.Value));
    }

    /// <summary>The two ends in one order whichever sent: an address of the snapshot first, else the lower.</summary>
    private (IpAddress A, IpAddress B) Pair(IpAddress a, IpAddress b) =>
        paths.Holds(a) != paths.Holds(b) ? (paths.Holds(a) ? (a, b) : (b, a)) : a.CompareTo(b) <= 0 ? (a, b) : (b, a);

    private static decimal Round(decimal d) => Math.Round(d, 3);

    public static string Describe(TransferPath path) => path switch
    {
        TransferPath.NatGateway => "NAT gateway data processing, per GB either way",
        TransferPath.TransitGateway => "transit gateway data processing, per GB sent into it",
        TransferPath.CrossAz => "between Availability Zones in a VPC, per GB each way",
        TransferPath.PeeringCrossAz => "over a VPC peering between Availability Zones, per GB each way",
        TransferPath.CrossRegion => "sent to another AWS region, per GB by destination region",
        TransferPath.PeeringSameAz => "over a VPC peering inside one Availability Zone: free",
        TransferPath.SameAz => "inside one Availability Zone: free",
        TransferPath.GatewayEndpoint => "to S3 or DynamoDB through a gateway endpoint: free",
        TransferPath.Internet => "through an internet gateway: internet rates, not priced here",
        TransferPath.Dropped => "dropped before any charged hop (see the notes): not charged",
        _ => "not placed on a path (see the notes): not priced",
    };
}
