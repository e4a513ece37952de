using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>Which side opened the connection a record belongs to, as the records themselves say.</summary>
public enum ConnectionOpener
{
    /// <summary>The records do not say: no <c>tcp-flags</c> field, not TCP, or no SYN in the window.</summary>
    Unknown,
    /// <summary>The source sent the SYN: it opened the connection to the destination's port.</summary>
    Source,
    /// <summary>The source sent the SYN-ACK: the network interface opened the connection to the source's port.</summary>
    Destination,
}

/// <summary>
/// The records of one private source at one network interface with one protocol, action and port, summed. The port
/// is the one the group is keyed on: the destination port, unless the source port is the connection's service port
/// (<see cref="PortIsDestination"/>); the other side's ports are sampled in <see cref="OtherPorts"/>.
/// </summary>
internal sealed record PrivateFlowGroup
{
    public required string NetworkInterfaceId { get; init; }
    public required IpAddress Source { get; init; }
    public required IpAddress Destination { get; init; }
    public int Protocol { get; init; }
    public bool Accepted { get; init; }
    public int Port { get; init; }
    /// <summary>True when <see cref="Port"/> is the destination port (at the network interface), false when it is the source's.</summary>
    public bool PortIsDestination { get; init; }
    public ConnectionOpener Opener { get; init; }
    public long Records { get; init; }
    public long Packets { get; init; }
    public long Bytes { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    /// <summary>Up to <see cref="FlowTotals.Sampled"/> distinct ports of the other side, in the order first seen.</summary>
    public IReadOnlyList<int> OtherPorts { get; init; } = [];
    /// <summary>True when the other side used more ports than <see cref="OtherPorts"/> holds.</summary>
    public bool MoreOtherPorts { get; init; }

    /// <summary>The port at the network interface, when the group knows it (keyed on it, or sampled as the only one).</summary>
    public int? DestinationPort => PortIsDestination ? Port : OtherPorts is [var only] && !MoreOtherPorts ? only : null;
}

/// <summary>What one read of flow logs saw of private sources at the snapshot's network interfaces.</summary>
internal sealed record PrivateFlows
{
    public IReadOnlyList<PrivateFlowGroup> Groups { get; init; } = [];
    /// <summary>Per private address: an interface the snapshot does not hold that sent from it (an ENI made after the capture).</summary>
    public IReadOnlyDictionary<IpAddress, string> UnknownSenders { get; init; } = new Dictionary<IpAddress, string>();
    /// <summary>Interfaces in the logs the snapshot does not hold, and their records: not judged.</summary>
    public IReadOnlyList<string> UnknownInterfaces { get; init; } = [];
    public long UnknownInterfaceRecords { get; init; }
    /// <summary>Records at an interface addressed to something it does not hold (traffic it forwards, or its own sends).</summary>
    public long NotAddressedRecords { get; init; }
    /// <summary>Records from internet addresses: not private sources.</summary>
    public long PublicSourceRecords { get; init; }
    /// <summary>NODATA and SKIPDATA records (SKIPDATA: records AWS lost in the capture window).</summary>
    public long NoDataRecords { get; init; }
    public long SkipDataRecords { get; init; }
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    public FlowLogReadReport Report { get; init; } = new();

    /// <summary>
    /// Reads the records of the snapshot's network interfaces (of <paramref name="vpcIds"/> only, when given) that match
    /// <paramref name="within"/> and sums those from private sources per source, interface, protocol, action and port.
    /// </summary>
    public static PrivateFlows Observe(FlowLogReader reader, IReadOnlyList<FlowLogInput> inputs, SnapshotIndex index, IReadOnlyCollection<int> sensitivePorts,
        IReadOnlyCollection<string> vpcIds, FlowFilter within, CancellationToken cancel = default)
    {
        var scope = new PrivateFlowSink.Scope(index, sensitivePorts, vpcIds);
        var (sinks, report) = reader.Run(inputs, within, format => new PrivateFlowSink(format, scope), cancel);
        return Merge(sinks, report);
    }

    private static PrivateFlows Merge(IReadOnlyList<PrivateFlowSink> sinks, FlowLogReadReport report)
    {
        var groups = new Dictionary<(string Eni, IpAddress Source, IpAddress Destination, int Protocol, bool Accepted, int Port, bool PortIsDestination, ConnectionOpener Opener), FlowTotals>();
        var senders = new Dictionary<IpAddress, string>();
        var unknown = new SortedSet<string>(StringComparer.Ordinal);
        long unknownRecords = 0, notAddressed = 0, publicRecords = 0, noData = 0, skipData = 0, first = long.MaxValue, last = long.MinValue;
        foreach (var sink in sinks)
        {
            foreach (var (key, totals) in sink.Groups())
            {
                ref var into = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(groups, key, out bool existed);
                if (!existed) into = FlowTotals.Empty;
                into.Add(totals);
            }
            foreach (var (address, eni) in sink.UnknownSenders()) senders.TryAdd(address, eni);
            unknown.UnionWith(sink.UnknownInterfaces());
            unknownRecords += sink.UnknownInterfaceRecords;
            notAddressed += sink.NotAddressedRecords;
            publicRecords += sink.PublicSourceRecords;
            noData += sink.NoDataRecords;
            skipData += sink.SkipDataRecords;
            first = Math.Min(first, sink.First);
            last = Math.Max(last, sink.Last);
        }
        return new PrivateFlows
        {
            Groups = groups.Select(g => new PrivateFlowGroup
            {
                NetworkInterfaceId = g.Key.Eni, Source = g.Key.Source, Destination = g.Key.Destination, Protocol = g.Key.Protocol, Accepted = g.Key.Accepted,
                Port = g.Key.Port, PortIsDestination = g.Key.PortIsDestination, Opener = g.Key.Opener,
                Records = g.Value.Records, Packets = g.Value.Packets, Bytes = g.Value.Bytes,
                FirstSeen = g.Value.First == long.MaxValue ? null : FlowText.FromMilliseconds(g.Value.First),
                LastSeen = g.Value.Last == long.MinValue ? null : FlowText.FromMilliseconds(g.Value.Last),
                OtherPorts = g.Value.OtherPortList(), MoreOtherPorts = g.Value.MoreOthers,
            }).ToList(),
            UnknownSenders = senders, UnknownInterfaces = [.. unknown], UnknownInterfaceRecords = unknownRecords, NotAddressedRecords = notAddressed,
            PublicSourceRecords = publicRecords, NoDataRecords = noData, SkipDataRecords = skipData,
            FirstSeen = first == long.MaxValue ? null : FlowText.FromMilliseconds(first),
            LastSeen = last == long.MinValue ? null : FlowText.FromMilliseconds(last),
            Report = report,
        };
    }
}

/// <summary>The sums of a group: counts, the window, and a sample of the other side's ports.</summary>
internal struct FlowTotals
{
    /// <summary>How many distinct ports of the other side a group keeps.</summary>
    public const int Sampled = 4;

    public long Records, Packets, Bytes, First, Last;
    /// <summary>Up to four ports, 16 bits each.</summary>
    private ulong _others;
    private byte _otherCount;
    public bool MoreOthers;

    public static FlowTotals Empty => new() { First = long.MaxValue, Last = long.MinValue };

    public void Count(long packets, long bytes, long first, long last, int otherPort)
    {
        Records++;
        Packets = FlowText.Add(Packets, packets);
        Bytes = FlowText.Add(Bytes, bytes);
        if (first < First) First = first;
        if (last > Last) Last = last;
        AddOther(otherPort);
    }

    public void Add(in FlowTotals more)
    {
        Records = FlowText.Add(Records, more.Records);
        Packets = FlowText.Add(Packets, more.Packets);
        Bytes = FlowText.Add(Bytes, more.Bytes);
        First = Math.Min(First, more.First);
        Last = Math.Max(Last, more.Last);
        for (int i = 0; i < more._otherCount; i++) AddOther((int)(more._others >> (16 * i)) & 0xFFFF);
        MoreOthers |= more.MoreOthers;
    }

    private void AddOther(int port)
    {
        for (int i = 0; i < _otherCount; i++)
            if (((int)(_others >> (16 * i)) & 0xFFFF) == port) return;
        if (_otherCount == Sampled) { MoreOthers = true; return; }
        _others |= (ulong)(ushort)port << (16 * _otherCount++);
    }

    public readonly int[] OtherPortList()
    {
        var ports = new int[_otherCount];
        for (int i = 0; i < ports.Length; i++) ports[i] = (int)(_others >> (16 * i)) & 0xFFFF;
        return ports;
    }
}
