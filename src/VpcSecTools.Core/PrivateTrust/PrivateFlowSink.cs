using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>
/// The private-source traffic of one file or slice, read straight from the lines: interfaces and addresses are numbered
/// by small tables of the values seen (an address is parsed, judged private or not and looked up among the snapshot's
/// ENIs once, the first time it is seen), and each record addressed to the interface that logged it, from a private
/// source, is summed per (interface, source, destination, protocol, action, port, opener). Attribution and the model
/// then work per group, never per record.
/// </summary>
/// <remarks>
/// Which port keys a group: the destination port when the source opened the connection (SYN in <c>tcp-flags</c>),
/// the source port when the interface did (SYN-ACK); when the records do not say, the lower of the two, or the
/// destination port when it is a sensitive one. That last choice only keeps the groups few (a response's port at the
/// client is ephemeral, its source port is the service's): it decides nothing, since the other side's ports are
/// sampled and every reading of a group is checked.
/// </remarks>
internal sealed class PrivateFlowSink : RecordSink
{
    /// <summary>What the sinks of one read share, read-only: the snapshot's interfaces numbered, and the sensitive ports.</summary>
    internal sealed class Scope
    {
        public Scope(SnapshotIndex index, IReadOnlyCollection<int> sensitivePorts, IReadOnlyCollection<string> vpcIds)
        {
            Index = index;
            foreach (var eni in index.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal))
            {
                Interfaces.Add(Encoding.UTF8.GetBytes(eni.NetworkInterfaceId));
                Enis.Add(eni.NetworkInterfaceId);
                Included.Add(vpcIds.Count == 0 || eni.VpcId is { } vpc && vpcIds.Contains(vpc));
            }
            foreach (var p in sensitivePorts)
                if (p is >= 0 and <= 65535) Sensitive[p] = true;
        }

        public SnapshotIndex Index { get; }
        /// <summary>The snapshot's interface ids, numbered as in <see cref="Enis"/>; looked up by every record.</summary>
        public ByteKeyTable Interfaces { get; } = new();
        public List<string> Enis { get; } = [];
        /// <summary>Per interface: whether its VPC is one asked about.</summary>
        public List<bool> Included { get; } = [];
        public bool[] Sensitive { get; } = new bool[65536];
    }

    private const int NoHolder = -1, SeveralHolders = -2;

    private readonly Scope _scope;
    private readonly int _eni, _source, _destination, _packetSource, _packetDestination, _sourcePort, _destinationPort, _protocol,
        _packets, _bytes, _start, _end, _action, _status, _flags;
    private readonly RecordCheck _check;

    private readonly ByteKeyTable _addresses = new();
    private readonly List<IpAddress> _ips = [];
    /// <summary>Per address number: whether it parsed, whether it is a private source, and the ENI holding it.</summary>
    private bool[] _parsed = new bool[64], _private = new bool[64];
    private int[] _holder = new int[64];

    private readonly Dictionary<(ulong, ulong), FlowTotals> _groups = [];
    private readonly ByteKeyTable _unknownInterfaces = new();
    private readonly Dictionary<int, int> _unknownSenders = [];

    public long UnknownInterfaceRecords, NotAddressedRecords, PublicSourceRecords, NoDataRecords, SkipDataRecords;
    public long First = long.MaxValue, Last = long.MinValue;

    public PrivateFlowSink(FlowLogFormat format, Scope scope)
    {
        _scope = scope;
        int Need(FlowField field)
        {
            int i = format.IndexOf(field);
            return i >= 0 ? i : throw new FlowLogFormatMismatchException(
                $"private-source traffic cannot be read without the field '{FlowFieldCatalog.Info(field).AwsName}' ({format})");
        }
        _eni = Need(FlowField.InterfaceId);
        _source = Need(FlowField.SourceAddress);
        _destination = Need(FlowField.DestinationAddress);
        _sourcePort = Need(FlowField.SourcePort);
        _destinationPort = Need(FlowField.DestinationPort);
        _protocol = Need(FlowField.Protocol);
        _action = Need(FlowField.Action);
        _packetSource = format.IndexOf(FlowField.PacketSourceAddress);
        _packetDestination = format.IndexOf(FlowField.PacketDestinationAddress);
        _packets = format.IndexOf(FlowField.Packets);
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _status = format.IndexOf(FlowField.LogStatus);
        _flags = format.IndexOf(FlowField.TcpFlags);
        _check = new RecordCheck(format, new[] { _source, _destination, _packetSource, _packetDestination, _sourcePort, _destinationPort, _protocol,
            _packets, _bytes, _start, _end, _flags }.Where(i => i >= 0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        if (!_check.Valid(line, ref problem)) return false;
        if (_status >= 0 && !IsOk(line.Field(_status))) return false;
        var eniField = line.FieldAndRest(_eni, out int eniLength);
        int eni = _scope.Interfaces.Find(eniField, eniLength);
        if (eni < 0)
        {
            UnknownInterface(line, eniField[..eniLength]);
            return false;
        }
        if (!_scope.Included[eni]) return false;
        if (FlowText.Accepted(line.Field(_action), ref problem) is not { } accepted) return false;

        // The packet's own addresses (pkt-*) when the logs have them: a NAT gateway's records carry the client's there.
        int destination = Address(line, _packetDestination, _destination);
        if (!HeldBy(destination, eni))
        {
            NotAddressedRecords++;
            return false;
        }
        int source = Address(line, _packetSource, _source);
        if (!_private[source])
        {
            if (_parsed[source]) PublicSourceRecords++;
            return false;
        }
        if (!line.TryNumber(_protocol, out long protocol) || protocol > 255)
        {
            if (!FlowText.IsDash(line.Field(_protocol))) problem = $"protocol '{FlowText.Describe(line.Field(_protocol))}' is not an IP protocol number (0-255)";
            return false;
        }
        int sourcePort = Port(line, _sourcePort, ref problem), destinationPort = Port(line, _destinationPort, ref problem);
        if (sourcePort < 0 || destinationPort < 0) return false;

        var opener = ConnectionOpener.Unknown;
        if (protocol == 6 && _flags >= 0 && line.TryNumber(_flags, out long flags))
            opener = (flags & 0x12) == 0x12 ? ConnectionOpener.Destination : (flags & 0x02) != 0 ? ConnectionOpener.Source : ConnectionOpener.Unknown;
        bool portIsDestination = opener switch
        {
            ConnectionOpener.Source => true,
            ConnectionOpener.Destination => false,
            _ => destinationPort <= sourcePort || _scope.Sensitive[destinationPort],
        };
        int port = portIsDestination ? destinationPort : sourcePort, other = portIsDestination ? sourcePort : destinationPort;

        long packets = _packets >= 0 && line.TryNumber(_packets, out long p) ? p : 0;
        long bytes = _bytes >= 0 && line.TryNumber(_bytes, out long b) ? b : 0;
        long start = _start >= 0 && line.TryNumber(_start, out long s) ? FlowText.ToMillisecondsFromUnix(s) : long.MaxValue;
        long end = _end >= 0 && line.TryNumber(_end, out long e) ? FlowText.ToMillisecondsFromUnix(e) : start == long.MaxValue ? long.MinValue : start;
        if (start == long.MaxValue && end != long.MinValue) start = end;
        if (start < First) First = start;
        if (end > Last) Last = end;

        ulong k0 = (ulong)(uint)source << 32 | (uint)destination;
        ulong k1 = (ulong)(uint)eni << 32 | (ulong)protocol << 24 | (ulong)(uint)port << 8 | (ulong)opener << 2 | (portIsDestination ? 2UL : 0) | (accepted ? 1UL : 0);
        ref var totals = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, (k0, k1), out bool existed);
        if (!existed) totals = FlowTotals.Empty;
        totals.Count(packets, bytes, start, end, other);
        return true;
    }

    private bool IsOk(ReadOnlySpan<byte> status)
    {
        if (status.SequenceEqual("OK"u8)) return true;
        if (status.SequenceEqual("NODATA"u8)) NoDataRecords++;
        else if (status.SequenceEqual("SKIPDATA"u8)) SkipDataRecords++;
        return false;
    }

    /// <summary>A port field's value, 0 for '-' (protocols without ports), -1 with a problem when it is past 65535.</summary>
    private static int Port(scoped in RawLine line, int index, ref string? problem)
    {
        if (!line.TryNumber(index, out long port)) return 0;
        if (port <= 65535) return (int)port;
        problem = $"port '{FlowText.Describe(line.Field(index))}' is out of range (0-65535)";
        return -1;
    }

    /// <summary>The number of the address in the packet field when the format has one and it holds an address, else in the plain field.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Address(scoped in RawLine line, int packetIndex, int index)
    {
        if (packetIndex >= 0)
        {
            var rest = line.FieldAndRest(packetIndex, out int length);
            if (!(length == 1 && rest[0] == (byte)'-'))
            {
                int id = _addresses.Find(rest, length);
                return id >= 0 ? id : NewAddress(rest[..length]);
            }
        }
        var plain = line.FieldAndRest(index, out int plainLength);
        int plainId = _addresses.Find(plain, plainLength);
        return plainId >= 0 ? plainId : NewAddress(plain[..plainLength]);
    }

    /// <summary>
    /// An address seen for the first time: parsed, judged a private source (not an internet address, or inside a VPC of the
    /// snapshot, which may use any range) and looked up among the snapshot's ENIs, once.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int NewAddress(ReadOnlySpan<byte> text)
    {
        int id = _addresses.Add(text);
        if (id == _parsed.Length)
        {
            Array.Resize(ref _parsed, id * 2);
            Array.Resize(ref _private, id * 2);
            Array.Resize(ref _holder, id * 2);
        }
        bool parsed = FlowText.TryParseAddress(text, out var ip);
        _ips.Add(ip);
        _parsed[id] = parsed;
        _holder[id] = NoHolder;
        if (!parsed) return id;
        var index = _scope.Index;
        _private[id] = !AddressScope.IsInternet(ip) || index.VpcsContaining(ip).Count > 0;
        var holders = index.EnisAt(ip);
        _holder[id] = holders.Count switch
        {
            0 => NoHolder,
            1 => _scope.Interfaces.Find(Encoding.UTF8.GetBytes(holders[0].NetworkInterfaceId).AsSpan(), holders[0].NetworkInterfaceId.Length),
            _ => SeveralHolders,
        };
        return id;
    }

    /// <summary>Whether the interface numbered <paramref name="eni"/> holds the address numbered <paramref name="address"/>.</summary>
    private bool HeldBy(int address, int eni)
    {
        int holder = _holder[address];
        if (holder == eni) return true;
        if (holder != SeveralHolders) return false;
        var id = _scope.Enis[eni];
        return _scope.Index.EnisAt(_ips[address]).Any(e => e.NetworkInterfaceId == id);
    }

    /// <summary>A record of an interface the snapshot does not hold: counted, and its private source remembered as its address.</summary>
    private void UnknownInterface(scoped in RawLine line, ReadOnlySpan<byte> eniId)
    {
        UnknownInterfaceRecords++;
        int unknown = _unknownInterfaces.Find(eniId, eniId.Length);
        if (unknown < 0) unknown = _unknownInterfaces.Add(eniId);
        int source = Address(line, _packetSource, _source);
        if (_private[source]) _unknownSenders.TryAdd(source, unknown);
    }

    /// <summary>The groups, with numbers turned back into interfaces and addresses.</summary>
    public IEnumerable<((string, IpAddress, IpAddress, int, bool, int, bool, ConnectionOpener) Key, FlowTotals Totals)> Groups()
    {
        foreach (var ((k0, k1), totals) in _groups)
        {
            var key = (_scope.Enis[(int)(k1 >> 32)], _ips[(int)(k0 >> 32)], _ips[(int)(uint)k0], (int)(k1 >> 24 & 0xFF), (k1 & 1) != 0,
                (int)(k1 >> 8 & 0xFFFF), (k1 & 2) != 0, (ConnectionOpener)(k1 >> 2 & 3));
            yield return (key, totals);
        }
    }

    public IEnumerable<string> UnknownInterfaces() =>
        Enumerable.Range(0, _unknownInterfaces.Count).Select(i => Encoding.UTF8.GetString(_unknownInterfaces[i]));

    public IEnumerable<(IpAddress Address, string Eni)> UnknownSenders() =>
        _unknownSenders.Select(kv => (_ips[kv.Key], Encoding.UTF8.GetString(_unknownInterfaces[kv.Value])));
}
