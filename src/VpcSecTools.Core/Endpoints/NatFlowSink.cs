using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using static VpcSecTools.Endpoints.NatTrafficAttribution;

namespace VpcSecTools.Endpoints;

/// <summary>
/// The NAT attribution of one file or slice, read straight from the lines: the record's interface, its
/// addresses and its service field are each numbered by a small table of the values seen (an address is
/// parsed, judged and looked up in ip-ranges once, the first time it is seen), and bytes are summed per
/// interface, client, remote prefix and service. A general group-by would keep a group per client and remote
/// address pair, tens of thousands of them, and miss the cache on each record.
/// </summary>
/// <remarks>
/// The counting rules are <see cref="NatTrafficAttribution"/>'s (<see cref="CountsPacketSide"/>,
/// <see cref="CountsAddressSide"/>, <see cref="NatTrafficAttribution.Name"/>): the sum is the same as
/// <see cref="NatTrafficAttribution.Attribute"/> over the groups, because the name of a remote depends only on
/// its ip-ranges prefix and its service field.
/// </remarks>
internal sealed class NatFlowSink : RecordSink
{
    /// <summary>What the sinks of one read share, read-only: the interfaces read, the NAT gateways and their addresses, ip-ranges.</summary>
    internal sealed class Scope
    {
        public Scope(IReadOnlyList<string> enis, NatSides sides, AwsIpRangeSet ranges)
        {
            Sides = sides;
            Ranges = ranges;
            Enis = enis;
            foreach (var eni in enis) Interfaces.Add(Encoding.UTF8.GetBytes(eni));
            Nats = enis.Select(e => sides.NatByEni.GetValueOrDefault(e)?.NatGatewayId).ToArray();
        }

        public NatSides Sides { get; }
        public AwsIpRangeSet Ranges { get; }
        public IReadOnlyList<string> Enis { get; }
        /// <summary>The interface ids read, numbered as in <see cref="Enis"/>; looked up by every record.</summary>
        public ByteKeyTable Interfaces { get; } = new();
        /// <summary>The NAT gateway of each interface, null for an endpoint's.</summary>
        public string?[] Nats { get; }
    }

    private readonly Scope _scope;
    private readonly ByteKeyTable _interfaces;
    private readonly int _eni, _bytes, _start, _end, _action, _sourceService, _destinationService;
    private readonly long[] _eniBytes;
    private readonly RecordCheck _check;
    private long _first = long.MaxValue, _last = long.MinValue, _rejected;

    private readonly NatRecordSides _addresses;
    /// <summary>Per address number, its remote prefix's number (0: none); <see cref="_judged"/> addresses have one.</summary>
    private int[] _prefixOf = new int[64];
    private int _judged;
    /// <summary>The ip-ranges prefixes of the remotes seen; 0 stands for none (the internet).</summary>
    private readonly List<AwsIpPrefix?> _prefixes = [null];
    private readonly Dictionary<AwsIpPrefix, int> _prefixIds = new(ReferenceEqualityComparer.Instance);
    private readonly ByteKeyTable _services = new();

    /// <summary>Bytes per interface, client + 1 (0: unknown), prefix and service + 1 (0: none), packed in 64 bits.</summary>
    private readonly SumTable _flows = new();
    /// <summary>The same, for the rare ids too large to pack.</summary>
    private readonly Dictionary<(int Eni, int Client, int Prefix, int Service), long> _wideFlows = [];

    public NatFlowSink(FlowLogFormat format, Scope scope)
    {
        _scope = scope;
        _interfaces = scope.Interfaces;
        _eni = format.IndexOf(FlowField.InterfaceId);
        if (_eni < 0) throw new FlowLogFormatMismatchException($"NAT traffic cannot be attributed without the field 'interface-id' ({format})");
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _action = format.IndexOf(FlowField.Action);
        _addresses = new NatRecordSides(format, scope.Sides);
        _sourceService = format.IndexOf(FlowField.PacketSourceAwsService);
        _destinationService = format.IndexOf(FlowField.PacketDestinationAwsService);
        _eniBytes = new long[scope.Enis.Count];
        // The fields the attribution reads, by listing's rule: the packet addresses and the addresses (read where the packet
        // addresses are '-'), and the packets (bytes and times are parsed here).
        _check = new RecordCheck(format, new[] { FlowField.PacketSourceAddress, FlowField.PacketDestinationAddress, FlowField.SourceAddress, FlowField.DestinationAddress,
            FlowField.Packets }.Select(format.IndexOf).Where(i => i >= 0));
    }

    /// <summary>Most lines are of other interfaces: the scanner turns them away before calling (see <see cref="Gate"/>).</summary>
    public override (int Field, ByteKeyTable Values)? Gate => (_eni, _interfaces);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        var eniField = line.FieldAndRest(_eni, out int eniLength);
        int eni = _interfaces.Find(eniField, eniLength);
        if (eni < 0) return false;
        if (!_check.Valid(line, ref problem)) return false;
        long bytes = 0;
        if (_bytes >= 0 && !line.TryNumber(_bytes, out bytes) && !GroupSink.Dash(line, _bytes, "bytes", "a number", out bytes, ref problem)) return false;
        if (_start >= 0)
        {
            if (line.TryNumber(_start, out long start) && FlowText.ToMillisecondsFromUnix(start) is var ms)
            {
                if (ms > FlowText.MaxMilliseconds) { problem = FlowText.TimeProblem("start", line.Field(_start)); return false; }
                _first = Math.Min(_first, ms);
            }
            else if (!GroupSink.Dash(line, _start, "start", "a Unix time", out _, ref problem)) return false;
        }
        if (_end >= 0)
        {
            if (line.TryNumber(_end, out long end) && FlowText.ToMillisecondsFromUnix(end) is var endMs)
            {
                if (endMs > FlowText.MaxMilliseconds) { problem = FlowText.TimeProblem("end", line.Field(_end)); return false; }
                _last = Math.Max(_last, endMs);
            }
            else if (!GroupSink.Dash(line, _end, "end", "a Unix time", out _, ref problem)) return false;
        }
        // A format without the action is taken as ACCEPT; a REJECT, or '-' (a NODATA line), is neither NAT traffic nor an
        // endpoint's (NatRecordSides.Counted).
        bool? accepted = _action < 0 || FlowText.IsDash(line.Field(_action)) ? _action < 0 : FlowText.Accepted(line.Field(_action), ref problem);
        if (accepted is null) return false;
        if (bytes == 0) return true;
        if (accepted == false)
        {
            if (_scope.Nats[eni] is not null) _rejected = FlowText.Add(_rejected, bytes);
            return true;
        }
        _eniBytes[eni] = FlowText.Add(_eniBytes[eni], bytes);
        if (_scope.Nats[eni] is null || !_addresses.Counted(line, out var side)) return true;
        int service = side.Client < 0 ? -1 : Service(line, side.ClientSends ? _destinationService : _sourceService);
        Count(eni, side.Client, PrefixOf(side.Remote), service, bytes);
        return true;
    }

    /// <summary>The remote prefix's number of an address; an address new since the last call is placed in ip-ranges once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int PrefixOf(int address)
    {
        while (_judged < _addresses.Count) Judge(_judged++);
        return _prefixOf[address];
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Judge(int address)
    {
        if (address == _prefixOf.Length) Array.Resize(ref _prefixOf, address * 2);
        // Not an address, or a private one: no prefix, as the array starts.
        if (_addresses[address] is not { } ip || (_addresses.Role(address) & AddressRole.Private) != 0 || _scope.Ranges.Find(ip) is not { } p) return;
        if (!_prefixIds.TryGetValue(p, out int prefix))
        {
            _prefixIds[p] = prefix = _prefixes.Count;
            _prefixes.Add(p);
        }
        _prefixOf[address] = prefix;
    }

    /// <summary>The number of the service name in field <paramref name="index"/> (-1: none, '-' included).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Service(scoped in RawLine line, int index)
    {
        if (index < 0) return -1;
        var rest = line.FieldAndRest(index, out int length);
        if (length == 1 && rest[0] == (byte)'-') return -1;
        int id = _services.Find(rest, length);
        return id >= 0 ? id : _services.Add(rest[..length]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Count(int eni, int client, int prefix, int service, long bytes)
    {
        // 12 bits of interface (all ones is the table's empty key), 26 of client + 1, 16 of prefix, 10 of service + 1.
        if ((uint)eni < (1 << 12) - 1 && (uint)(client + 1) < 1 << 26 && (uint)prefix < 1 << 16 && (uint)(service + 1) < 1 << 10)
        {
            ulong key = (ulong)(uint)eni << 52 | (ulong)(uint)(client + 1) << 26 | (ulong)(uint)prefix << 10 | (uint)(service + 1);
            _flows.Add(key, bytes);
        }
        else
        {
            ref long sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_wideFlows, (eni, client, prefix, service), out _);
            sum = FlowText.Add(sum, bytes);
        }
    }

    /// <summary>Adds this sink's sums to <paramref name="tally"/>, turning numbers back into interfaces, clients and names.</summary>
    public void AddTo(Tally tally)
    {
        tally.Seen(_first == long.MaxValue ? null : FlowText.FromMilliseconds(_first), _last == long.MinValue ? null : FlowText.FromMilliseconds(_last));
        tally.Rejected(_rejected);
        for (int e = 0; e < _eniBytes.Length; e++)
            if (_eniBytes[e] != 0) tally.Interface(_scope.Enis[e], _eniBytes[e]);
        var services = Enumerable.Range(0, _services.Count).Select(i => Encoding.UTF8.GetString(_services[i])).ToArray();
        var flows = _flows.Entries().Select(kv => ((int)(kv.Key >> 52), (int)(kv.Key >> 26 & ((1 << 26) - 1)) - 1, (int)(kv.Key >> 10 & 0xFFFF), (int)(kv.Key & 0x3FF) - 1, kv.Sum))
            .Concat(_wideFlows.Select(kv => (kv.Key.Eni, kv.Key.Client, kv.Key.Prefix, kv.Key.Service, kv.Value)));
        foreach (var (eni, client, prefix, service, bytes) in flows)
            tally.Flow(_scope.Nats[eni]!, client < 0 ? null : _addresses[client]!.Value.ToString(),
                NatTrafficAttribution.Name(_prefixes[prefix], service < 0 ? null : services[service]), bytes);
    }

    /// <summary>Sums by a 64-bit key: open addressing over key and sum side by side, for the few hundred keys a read has.</summary>
    private sealed class SumTable
    {
        private const ulong Empty = ulong.MaxValue;
        private (ulong Key, long Sum)[] _entries = NewEntries(256);
        private int _count;

        private static (ulong, long)[] NewEntries(int size)
        {
            var entries = new (ulong, long)[size];
            entries.AsSpan().Fill((Empty, 0));
            return entries;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(ulong key, long sum)
        {
            int mask = _entries.Length - 1;
            for (int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; i = (i + 1) & mask)
            {
                ref var e = ref _entries[i];
                if (e.Key == key) { e.Sum = FlowText.Add(e.Sum, sum); return; }
                if (e.Key == Empty) { e = (key, sum); if (++_count * 2 > _entries.Length) Grow(); return; }
            }
        }

        private void Grow()
        {
            var old = _entries;
            _entries = NewEntries(old.Length * 2);
            _count = 0;
            foreach (var (key, sum) in old) if (key != Empty) Add(key, sum);
        }

        public IEnumerable<(ulong Key, long Sum)> Entries() => _entries.Where(e => e.Key != Empty);
    }
}
