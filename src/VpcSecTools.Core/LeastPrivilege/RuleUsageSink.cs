using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// The flows of one file or slice, summed per distinct <see cref="FlowKey"/> straight from the lines: the interface and
/// the addresses are numbered by small tables of the values seen (an address is parsed and looked up in the snapshot once,
/// the first time it is seen), the side of the connection is told from the record's flags and ports, and the record's
/// counts are added to its key's sums. Rules are matched later, once per key, not per record.
/// </summary>
internal sealed class RuleUsageSink : RecordSink
{
    /// <summary>What the sinks of one read share, read-only: the ENIs numbered as the scope numbers them, as a gate table.</summary>
    internal sealed class Shared
    {
        public Shared(FlowScope scope)
        {
            Scope = scope;
            // Added in scope order: a value's id in the table is the ENI's number.
            foreach (var eni in scope.Enis) Interfaces.Add(Encoding.UTF8.GetBytes(eni.NetworkInterfaceId));
        }

        public FlowScope Scope { get; }
        public ByteKeyTable Interfaces { get; } = new();
    }

    private readonly Shared _shared;
    private readonly int _eni, _src, _dst, _srcPort, _dstPort, _protocol, _packets, _bytes, _start, _end, _action, _status, _flags, _direction, _pktSrc, _pktDst;
    private readonly RecordCheck _check;

    private readonly ByteKeyTable _addresses = new();
    private readonly List<IpAddress> _ips = [];
    /// <summary>Per address number: the ENI holding it (-1 none, -2 several: see <see cref="_holders"/>, -3 not an address).</summary>
    private int[] _holder = new int[64];
    private readonly Dictionary<int, int[]> _holders = [];

    private readonly FlowTable _flows = new();
    private readonly EniFacts[] _facts;
    private long _foreign;
    private long _first = long.MaxValue, _last = long.MinValue;

    public RuleUsageSink(FlowLogFormat format, Shared shared)
    {
        _shared = shared;
        _eni = Require(format, FlowField.InterfaceId, "interface-id");
        _src = Require(format, FlowField.SourceAddress, "srcaddr");
        _dst = Require(format, FlowField.DestinationAddress, "dstaddr");
        _srcPort = Require(format, FlowField.SourcePort, "srcport");
        _dstPort = Require(format, FlowField.DestinationPort, "dstport");
        _protocol = Require(format, FlowField.Protocol, "protocol");
        _action = Require(format, FlowField.Action, "action");
        _packets = format.IndexOf(FlowField.Packets);
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _status = format.IndexOf(FlowField.LogStatus);
        _flags = format.IndexOf(FlowField.TcpFlags);
        _direction = format.IndexOf(FlowField.FlowDirection);
        _pktSrc = format.IndexOf(FlowField.PacketSourceAddress);
        _pktDst = format.IndexOf(FlowField.PacketDestinationAddress);
        // The typed fields read here, checked by listing's rule: an address that is not one is a skipped line with its reason,
        // not a record whose peer is unknown.
        _check = new RecordCheck(format, new[] { _src, _dst, _srcPort, _dstPort, _protocol, _packets, _bytes, _start, _end, _flags, _pktSrc, _pktDst }.Where(i => i >= 0));
        _facts = Enumerable.Repeat(EniFacts.New, shared.Scope.Enis.Count).ToArray();
    }

    private static int Require(FlowLogFormat format, FlowField field, string name) => format.IndexOf(field) is >= 0 and var i ? i
        : throw new FlowLogFormatMismatchException($"rule usage needs the field '{name}', which this format does not have ({format})");

    /// <summary>Lines of interfaces the snapshot does not hold are counted but not read further.</summary>
    public override (int Field, ByteKeyTable Values)? Gate => (_eni, _shared.Interfaces);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        var eniField = line.FieldAndRest(_eni, out int eniLength);
        int eni = _shared.Interfaces.Find(eniField, eniLength);
        if (eni < 0)
        {
            _foreign++;
            return false;
        }
        if (!_check.Valid(line, ref problem)) return false;
        long start = Time(line, _start, long.MaxValue), end = Time(line, _end, long.MinValue);
        if (start != long.MaxValue && start < _first) _first = start;
        if (end != long.MinValue && end > _last) _last = end;
        if (_status >= 0 && !IsOk(line.Field(_status)))
        {
            var status = line.Field(_status);
            if (status.SequenceEqual("SKIPDATA"u8))
            {
                ref var f = ref _facts[eni];
                f.SkipData++;
                f.SkipFirstMs = Math.Min(f.SkipFirstMs, start == long.MaxValue ? end : start);
                f.SkipLastMs = Math.Max(f.SkipLastMs, end == long.MinValue ? start : end);
                return true;
            }
            if (status.SequenceEqual("NODATA"u8)) { _facts[eni].NoData++; return true; }
            problem = $"log-status '{FlowText.Describe(status)}' is not OK, NODATA or SKIPDATA";
            return false;
        }
        if (FlowText.Accepted(line.Field(_action), ref problem) is not { } accepted) return false;
        if (!line.TryNumber(_protocol, out long protocol))
        {
            problem = "protocol '-' on a record with an action";
            return false;
        }
        int src = Address(line, _src), dst = Address(line, _dst);
        _facts[eni].Records++;
        // Which way the packets went: the log's own flow-direction, else which address is the ENI's.
        bool ingress;
        int direction = _direction >= 0 ? Direction(line.Field(_direction)) : -1;
        if (direction >= 0) ingress = direction == 1;
        else if (Holds(src, eni)) ingress = false;
        else if (Holds(dst, eni)) ingress = true;
        else { _facts[eni].Unplaced++; return true; }
        // The peer as the packet names it: pkt-srcaddr / pkt-dstaddr where the format has them.
        int peer = ingress ? Packet(line, _pktSrc, src) : Packet(line, _pktDst, dst);
        if (peer < 0 || _holder[peer] == -3) { _facts[eni].Unplaced++; return true; }

        int srcPort = Port(line, _srcPort), dstPort = Port(line, _dstPort);
        int local = ingress ? dstPort : srcPort, remote = ingress ? srcPort : dstPort;
        int flags = _flags >= 0 && line.TryNumber(_flags, out long f0) ? (int)f0 : -1;
        var scope = _shared.Scope;
        int p = (int)protocol;
        var (side, request, evidence) = ConnectionSides.Decide(ingress, p, local, remote, flags,
            scope.Listens(eni, p, local), _holder[peer] >= 0 && scope.Listens(_holder[peer], p, remote));
        int service = side == ConnectionSide.Inbound ? local : remote, other = side == ConnectionSide.Inbound ? remote : local;
        long packets = _packets >= 0 && line.TryNumber(_packets, out long pk) ? pk : 0;
        long bytes = _bytes >= 0 && line.TryNumber(_bytes, out long b) ? b : 0;
        ref var sums = ref _flows.Sums(eni, peer, p, Math.Max(service, 0), side, accepted, request, evidence);
        sums.Add(1, packets, bytes, start, end, other < 0 ? int.MaxValue : other, other);
        return true;
    }

    private static bool IsOk(ReadOnlySpan<byte> s) => s.SequenceEqual("OK"u8) || FlowText.IsDash(s);

    /// <summary>1 ingress, 0 egress, -1 neither ('-').</summary>
    private static int Direction(ReadOnlySpan<byte> s) => s.SequenceEqual("ingress"u8) ? 1 : s.SequenceEqual("egress"u8) ? 0 : -1;

    /// <summary>A time field in Unix milliseconds; <paramref name="none"/> when the format lacks it or it is '-'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Time(scoped in RawLine line, int index, long none) =>
        index >= 0 && line.TryNumber(index, out long t) ? FlowText.ToMillisecondsFromUnix(t) : none;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Port(scoped in RawLine line, int index) => line.TryNumber(index, out long v) ? (int)v : -1;

    private bool Holds(int address, int eni)
    {
        if (address < 0) return false;
        int h = _holder[address];
        return h == eni || h == -2 && Array.IndexOf(_holders[address], eni) >= 0;
    }

    private int Packet(scoped in RawLine line, int pktIndex, int fallback)
    {
        if (pktIndex < 0) return fallback;
        var rest = line.FieldAndRest(pktIndex, out int length);
        if (length == 1 && rest[0] == (byte)'-') return fallback;
        return Address(line, pktIndex);
    }

    /// <summary>The number of the address in field <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Address(scoped in RawLine line, int index)
    {
        var rest = line.FieldAndRest(index, out int length);
        int id = _addresses.Find(rest, length);
        return id >= 0 ? id : NewAddress(rest[..length]);
    }

    /// <summary>An address seen for the first time: parsed, and the ENIs of the snapshot holding it found once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int NewAddress(ReadOnlySpan<byte> text)
    {
        int id = _addresses.Add(text);
        if (id == _holder.Length) Array.Resize(ref _holder, id * 2);
        if (!FlowText.TryParseAddress(text, out var ip))
        {
            _ips.Add(default);
            _holder[id] = -3;
            return id;
        }
        _ips.Add(ip);
        var holders = _shared.Scope.Index.EnisAt(ip).Select(e => _shared.Scope.NumberOf(e.NetworkInterfaceId)).Where(n => n >= 0).ToArray();
        _holder[id] = holders.Length switch { 0 => -1, 1 => holders[0], _ => -2 };
        if (holders.Length > 1) _holders[id] = holders;
        return id;
    }

    /// <summary>Adds this sink's sums to <paramref name="traffic"/>, turning numbers back into addresses.</summary>
    public void AddTo(ObservedTraffic traffic)
    {
        traffic.Seen(_first, _last);
        traffic.ForeignRecords += _foreign;
        for (int e = 0; e < _facts.Length; e++) traffic.Enis[e].Add(_facts[e]);
        foreach (var (k, sums) in _flows.Entries())
            traffic.Add(new FlowKey(k.Eni, _ips[k.Peer], k.Protocol, k.Port, k.Side, k.Accepted, k.Request, k.Evidence), sums);
    }

    /// <summary>
    /// Sums per key, the key packed in 64 bits (18 bits of ENI, 24 of peer, 16 of port, 2 of protocol among TCP, UDP,
    /// ICMP and ICMPv6, and four flags) in an open-addressing table; rare keys that do not fit go to a dictionary.
    /// </summary>
    private sealed class FlowTable
    {
        private ulong[] _keys = new ulong[1024];
        private int[] _slots = new int[1024];
        private FlowSums[] _sums = new FlowSums[512];
        private int _count;
        private readonly Dictionary<(int, int, int, int, int), int> _wide = [];
        private readonly List<(int Eni, int Peer, int Protocol, int Port, int Bits)> _wideKeys = [];

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public ref FlowSums Sums(int eni, int peer, int protocol, int port, ConnectionSide side, bool accepted, bool request, SideEvidence evidence)
        {
            int bits = (side == ConnectionSide.Inbound ? 1 : 0) | (accepted ? 2 : 0) | (request ? 4 : 0) | (evidence == SideEvidence.TcpFlags ? 8 : 0);
            int code = protocol switch { 6 => 0, 17 => 1, 1 => 2, 58 => 3, _ => -1 };
            if (code < 0 || (uint)eni >= 1 << 18 || (uint)peer >= 1 << 24 || (uint)port > 0xFFFF) return ref Wide(eni, peer, protocol, port, bits);
            ulong key = (ulong)eni << 46 | (ulong)peer << 22 | (ulong)port << 6 | (ulong)code << 4 | (uint)bits;
            int mask = _keys.Length - 1;
            for (int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; i = (i + 1) & mask)
            {
                int slot = _slots[i];
                if (slot == 0)
                {
                    if (_count == _sums.Length) Array.Resize(ref _sums, _count * 2);
                    _sums[_count] = FlowSums.New;
                    _keys[i] = key;
                    _slots[i] = ++_count;
                    if (_count * 2 > _keys.Length) { Grow(); return ref Find(key); }
                    return ref _sums[_count - 1];
                }
                if (_keys[i] == key) return ref _sums[slot - 1];
            }
        }

        private ref FlowSums Find(ulong key)
        {
            int mask = _keys.Length - 1;
            for (int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask; ; i = (i + 1) & mask)
                if (_keys[i] == key && _slots[i] != 0) return ref _sums[_slots[i] - 1];
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private ref FlowSums Wide(int eni, int peer, int protocol, int port, int bits)
        {
            ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_wide, (eni, peer, protocol, port, bits), out bool exists);
            if (!exists)
            {
                if (_count == _sums.Length) Array.Resize(ref _sums, _count * 2);
                _sums[_count] = FlowSums.New;
                id = _count++;
                _wideKeys.Add((eni, peer, protocol, port, bits));
                // A wide key's sums live in the same array; its packed slot is never made.
                _wideIds.Add(id);
            }
            return ref _sums[id];
        }

        private readonly List<int> _wideIds = [];

        private void Grow()
        {
            var (keys, slots) = (_keys, _slots);
            _keys = new ulong[keys.Length * 2];
            _slots = new int[keys.Length * 2];
            int mask = _keys.Length - 1;
            for (int j = 0; j < keys.Length; j++)
            {
                if (slots[j] == 0) continue;
                int i = (int)((keys[j] * 0x9E3779B97F4A7C15UL) >> 40) & mask;
                while (_slots[i] != 0) i = (i + 1) & mask;
                _keys[i] = keys[j];
                _slots[i] = slots[j];
            }
        }

        public IEnumerable<((int Eni, int Peer, int Protocol, int Port, ConnectionSide Side, bool Accepted, bool Request, SideEvidence Evidence) Key, FlowSums Sums)> Entries()
        {
            for (int i = 0; i < _keys.Length; i++)
            {
                if (_slots[i] == 0) continue;
                ulong k = _keys[i];
                int code = (int)(k >> 4 & 3);
                yield return (Unpack((int)(k >> 46), (int)(k >> 22 & 0xFFFFFF), code switch { 0 => 6, 1 => 17, 2 => 1, _ => 58 }, (int)(k >> 6 & 0xFFFF), (int)(k & 0xF)),
                    _sums[_slots[i] - 1]);
            }
            for (int j = 0; j < _wideKeys.Count; j++)
            {
                var w = _wideKeys[j];
                yield return (Unpack(w.Eni, w.Peer, w.Protocol, w.Port, w.Bits), _sums[_wideIds[j]]);
            }
        }

        private static (int, int, int, int, ConnectionSide, bool, bool, SideEvidence) Unpack(int eni, int peer, int protocol, int port, int bits) =>
            (eni, peer, protocol, port, (bits & 1) != 0 ? ConnectionSide.Inbound : ConnectionSide.Outbound, (bits & 2) != 0, (bits & 4) != 0,
                (bits & 8) != 0 ? SideEvidence.TcpFlags : SideEvidence.Ports);
    }
}
