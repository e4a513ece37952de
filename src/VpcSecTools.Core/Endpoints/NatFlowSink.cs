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
    /// <summary>What the sinks of one read share, read-only: the interfaces read (NAT ones first), the NAT addresses, ip-ranges.</summary>
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
    private readonly int _eni, _bytes, _start, _end, _packetSource, _packetDestination, _source, _destination, _sourceService, _destinationService;
    private readonly long[] _eniBytes;
    private long _first = long.MaxValue, _last = long.MinValue;

    private readonly ByteKeyTable _addresses = new();
    private readonly List<(AddressRole Role, IpAddress Ip, int Prefix)> _addressInfo = [];
    /// <summary>The ip-ranges prefixes of the remotes seen; 0 stands for none (the internet).</summary>
    private readonly List<AwsIpPrefix?> _prefixes = [null];
    private readonly Dictionary<AwsIpPrefix, int> _prefixIds = new(ReferenceEqualityComparer.Instance);
    private readonly ByteKeyTable _services = new();

    /// <summary>Bytes per interface, client + 1 (0: unknown), prefix and service + 1 (0: none), packed in 64 bits.</summary>
    private readonly Dictionary<ulong, long> _flows = [];
    /// <summary>The same, for the rare ids too large to pack.</summary>
    private readonly Dictionary<(int Eni, int Client, int Prefix, int Service), long> _wideFlows = [];

    public NatFlowSink(FlowLogFormat format, Scope scope)
    {
        _scope = scope;
        _eni = format.IndexOf(FlowField.InterfaceId);
        if (_eni < 0) throw new FlowLogFormatMismatchException($"NAT traffic cannot be attributed without the field 'interface-id' ({format})");
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _packetSource = format.IndexOf(FlowField.PacketSourceAddress);
        _packetDestination = format.IndexOf(FlowField.PacketDestinationAddress);
        _source = format.IndexOf(FlowField.SourceAddress);
        _destination = format.IndexOf(FlowField.DestinationAddress);
        _sourceService = format.IndexOf(FlowField.PacketSourceAwsService);
        _destinationService = format.IndexOf(FlowField.PacketDestinationAwsService);
        _eniBytes = new long[scope.Enis.Count];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        var eniField = line.FieldAndRest(_eni, out int eniLength);
        int eni = _scope.Interfaces.Find(eniField, eniLength);
        if (eni < 0) return false;
        long bytes = 0;
        if (_bytes >= 0 && !line.TryNumber(_bytes, out bytes) && !GroupTable.Dash(line, _bytes, "bytes", "a number", out bytes, ref problem)) return false;
        if (_start >= 0)
        {
            if (line.TryNumber(_start, out long start)) _first = Math.Min(_first, FlowText.ToMillisecondsFromUnix(start));
            else if (!GroupTable.Dash(line, _start, "start", "a Unix time", out _, ref problem)) return false;
        }
        if (_end >= 0)
        {
            if (line.TryNumber(_end, out long end)) _last = Math.Max(_last, FlowText.ToMillisecondsFromUnix(end));
            else if (!GroupTable.Dash(line, _end, "end", "a Unix time", out _, ref problem)) return false;
        }
        if (bytes == 0) return true;
        _eniBytes[eni] += bytes;
        if (_scope.Nats[eni] is null) return true;

        int a = Address(line, _packetSource), b = Address(line, _packetDestination);
        var (ra, rb) = (Role(a), Role(b));
        if (HasBoth(ra, rb))
        {
            if (!CountsPacketSide(ra, rb, out bool clientSends)) return true;
            int service = Service(line, clientSends ? _destinationService : _sourceService);
            Count(eni, clientSends ? a : b, _addressInfo[clientSends ? b : a].Prefix, service, bytes);
            return true;
        }
        a = Address(line, _source);
        b = Address(line, _destination);
        if (!CountsAddressSide(Role(a), Role(b), out bool remoteIsSource)) return true;
        Count(eni, -1, _addressInfo[remoteIsSource ? a : b].Prefix, -1, bytes);
        return true;
    }

    /// <summary>The number of the address in field <paramref name="index"/> (-1: the format has no such field).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Address(scoped in RawLine line, int index)
    {
        if (index < 0) return -1;
        var rest = line.FieldAndRest(index, out int length);
        int id = _addresses.Find(rest, length);
        return id >= 0 ? id : NewAddress(rest[..length]);
    }

    private AddressRole Role(int address) => address < 0 ? AddressRole.None : _addressInfo[address].Role;

    /// <summary>An address seen for the first time: parsed, judged (NAT, private) and placed in ip-ranges once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int NewAddress(ReadOnlySpan<byte> text)
    {
        int id = _addresses.Add(text);
        if (!FlowText.TryParseAddress(text, out var ip)) { _addressInfo.Add((AddressRole.None, default, 0)); return id; }
        var role = _scope.Sides.Role(ip);
        int prefix = 0;
        if ((role & AddressRole.Private) == 0 && _scope.Ranges.Find(ip) is { } p && !_prefixIds.TryGetValue(p, out prefix))
        {
            prefix = _prefixes.Count;
            _prefixes.Add(p);
            _prefixIds[p] = prefix;
        }
        _addressInfo.Add((role, ip, prefix));
        return id;
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
        // 12 bits of interface, 26 of client + 1, 16 of prefix, 10 of service + 1.
        if ((uint)eni < 1 << 12 && (uint)(client + 1) < 1 << 26 && (uint)prefix < 1 << 16 && (uint)(service + 1) < 1 << 10)
        {
            ulong key = (ulong)(uint)eni << 52 | (ulong)(uint)(client + 1) << 26 | (ulong)(uint)prefix << 10 | (uint)(service + 1);
            CollectionsMarshal.GetValueRefOrAddDefault(_flows, key, out _) += bytes;
        }
        else CollectionsMarshal.GetValueRefOrAddDefault(_wideFlows, (eni, client, prefix, service), out _) += bytes;
    }

    /// <summary>Adds this sink's sums to <paramref name="tally"/>, turning numbers back into interfaces, clients and names.</summary>
    public void AddTo(Tally tally)
    {
        tally.Seen(_first == long.MaxValue ? null : FlowText.FromMilliseconds(_first), _last == long.MinValue ? null : FlowText.FromMilliseconds(_last));
        for (int e = 0; e < _eniBytes.Length; e++)
            if (_eniBytes[e] != 0) tally.Interface(_scope.Enis[e], _eniBytes[e]);
        var services = Enumerable.Range(0, _services.Count).Select(i => Encoding.UTF8.GetString(_services[i])).ToArray();
        var flows = _flows.Select(kv => ((int)(kv.Key >> 52), (int)(kv.Key >> 26 & ((1 << 26) - 1)) - 1, (int)(kv.Key >> 10 & 0xFFFF), (int)(kv.Key & 0x3FF) - 1, kv.Value))
            .Concat(_wideFlows.Select(kv => (kv.Key.Eni, kv.Key.Client, kv.Key.Prefix, kv.Key.Service, kv.Value)));
        foreach (var (eni, client, prefix, service, bytes) in flows)
            tally.Flow(_scope.Nats[eni]!, client < 0 ? null : _addressInfo[client].Ip.ToString(),
                NatTrafficAttribution.Name(_prefixes[prefix], service < 0 ? null : services[service]), bytes);
    }
}
