using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>Which end opened a connection, seen from the ENI whose flow log recorded it.</summary>
public enum ConnectionSide
{
    /// <summary>The peer connected to the ENI's port: the ENI's inbound rules admitted it.</summary>
    Inbound,
    /// <summary>The ENI connected to the peer's port: the ENI's outbound rules admitted it.</summary>
    Outbound,
}

/// <summary>How the side of a record was told.</summary>
public enum SideEvidence
{
    /// <summary>The record carries the SYN of the opening end or the SYN-ACK of the answering one.</summary>
    TcpFlags,
    /// <summary>No handshake in the record: the port one side's rules open to listeners, else the lower port, is the service.</summary>
    Ports,
    /// <summary>
    /// No handshake in the record, but its service port was seen opened with one (SYN / SYN-ACK) at the same end in the
    /// window and its other port was not: a listening port is not the source of a new connection.
    /// </summary>
    ListeningPort,
}

/// <summary>
/// One distinct kind of record at one ENI: the peer (as the packet names it), protocol, the service port, which end
/// opened the connection, the action, and whether the record is of the opening direction. Records are summed per key,
/// so attribution costs one evaluation per key however many records share it.
/// </summary>
internal readonly record struct FlowKey(int Eni, IpAddress Peer, int Protocol, int Port, ConnectionSide Side, bool Accepted, bool Request, SideEvidence Evidence);

/// <summary>The sums of one key: records, packets, bytes, the time span, and the range of the other end's ports.</summary>
internal struct FlowSums
{
    public long Records, Packets, Bytes;
    public long FirstMs, LastMs;
    /// <summary>The ports of the other end (the client's, for a known side; the possible service port otherwise).</summary>
    public int OtherMin, OtherMax;

    public static FlowSums New => new() { FirstMs = long.MaxValue, LastMs = long.MinValue, OtherMin = int.MaxValue, OtherMax = int.MinValue };

    public void Add(long records, long packets, long bytes, long firstMs, long lastMs, int otherMin, int otherMax)
    {
        Records += records;
        Packets = Saturating(Packets, packets);
        Bytes = Saturating(Bytes, bytes);
        if (firstMs < FirstMs) FirstMs = firstMs;
        if (lastMs > LastMs) LastMs = lastMs;
        if (otherMin < OtherMin) OtherMin = otherMin;
        if (otherMax > OtherMax) OtherMax = otherMax;
    }

    public void Add(in FlowSums other) => Add(other.Records, other.Packets, other.Bytes, other.FirstMs, other.LastMs, other.OtherMin, other.OtherMax);

    public readonly PortRange? OtherPorts => OtherMin <= OtherMax && OtherMin >= 0 ? new PortRange(OtherMin, OtherMax) : null;

    private static long Saturating(long a, long b) => long.MaxValue - a < b ? long.MaxValue : a + b;
}

/// <summary>What the read saw of one ENI besides its flows: lost windows (SKIPDATA), quiet ones, records it could not place.</summary>
internal struct EniFacts
{
    public long Records, NoData, SkipData, Unplaced;
    public long SkipFirstMs, SkipLastMs;

    public static EniFacts New => new() { SkipFirstMs = long.MaxValue, SkipLastMs = long.MinValue };

    public void Add(in EniFacts o)
    {
        Records += o.Records; NoData += o.NoData; SkipData += o.SkipData; Unplaced += o.Unplaced;
        SkipFirstMs = Math.Min(SkipFirstMs, o.SkipFirstMs);
        SkipLastMs = Math.Max(SkipLastMs, o.SkipLastMs);
    }
}

/// <summary>
/// The ENIs flows are attributed at (numbered once for every sink of a read) and the ports each one's inbound rules open
/// to listeners, which tell the service port of a record without a handshake.
/// </summary>
internal sealed class FlowScope
{
    private readonly Dictionary<string, int> _number = new(StringComparer.Ordinal);
    private readonly PortSet[] _tcp, _udp;

    public FlowScope(SnapshotIndex index, SourceRules book)
    {
        Index = index;
        Book = book;
        Enis = index.NetworkInterfaces.Values.ToArray();
        for (int i = 0; i < Enis.Count; i++) _number[Enis[i].NetworkInterfaceId] = i;
        _tcp = new PortSet[Enis.Count];
        _udp = new PortSet[Enis.Count];
        var bySet = new Dictionary<string, (PortSet Tcp, PortSet Udp)>(StringComparer.Ordinal);
        for (int i = 0; i < Enis.Count; i++)
        {
            var key = string.Join(',', Enis[i].Groups.Select(g => g.GroupId));
            if (!bySet.TryGetValue(key, out var sets)) bySet[key] = sets = (Listening(Enis[i], 6), Listening(Enis[i], 17));
            (_tcp[i], _udp[i]) = sets;
        }
    }

    public SnapshotIndex Index { get; }
    public SourceRules Book { get; }
    public IReadOnlyList<NetworkInterface> Enis { get; }

    public int NumberOf(string networkInterfaceId) => _number.TryGetValue(networkInterfaceId, out int n) ? n : -1;

    /// <summary>Whether <paramref name="eni"/>'s inbound rules open <paramref name="port"/> to listeners (a range narrower than the ephemeral ones).</summary>
    public bool Listens(int eni, int protocol, int port) =>
        eni >= 0 && port >= 0 && (protocol == 6 ? _tcp[eni].Contains(port) : protocol == 17 && _udp[eni].Contains(port));

    // A range of a thousand ports or more is the shape of an ephemeral-port rule, not of a service.
    private PortSet Listening(NetworkInterface eni, int protocol) => new(eni.Groups
        .SelectMany(g => Book.Of(g.GroupId, ingress: true))
        .Where(r => r.Rule.Problem is null && r.Rule.Protocol.Number == protocol && r.Rule.Ports.Count < 1000)
        .Select(r => r.Rule.Ports));
}

/// <summary>
/// The flows of a read summed per <see cref="FlowKey"/>, with each ENI's facts and the span of time the records cover.
/// Made by the read's sinks (<see cref="RuleUsageSink"/>) or from flow-log groups (<see cref="RuleUsageAnalysis.FromGroups"/>).
/// </summary>
internal sealed class ObservedTraffic(FlowScope scope)
{
    public FlowScope Scope { get; } = scope;
    public Dictionary<FlowKey, FlowSums> Flows { get; } = [];
    public EniFacts[] Enis { get; } = Enumerable.Repeat(EniFacts.New, scope.Enis.Count).ToArray();
    /// <summary>Records of interfaces the snapshot does not hold (their rules cannot be known).</summary>
    public long ForeignRecords { get; set; }
    public long FirstMs { get; private set; } = long.MaxValue;
    public long LastMs { get; private set; } = long.MinValue;

    public void Add(FlowKey key, in FlowSums sums)
    {
        ref var into = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(Flows, key, out bool exists);
        if (!exists) into = FlowSums.New;
        into.Add(sums);
        Seen(sums.FirstMs, sums.LastMs);
    }

    /// <summary>
    /// Revisits the flows whose side was told by ports alone against the service ports the window saw opened with a
    /// handshake: a flow whose other port is such a port at its end, and whose own service port is not, was opened the
    /// other way (an NFS client's port below 1024, a load balancer's below its target's); one whose service port is such a
    /// port at its end and whose other port is not is as good as seen opened (<see cref="SideEvidence.ListeningPort"/>).
    /// </summary>
    public void SettleSides()
    {
        var eniServes = new Dictionary<(int Eni, int Protocol), SortedSet<int>>();
        var peerServes = new Dictionary<(IpAddress Peer, int Protocol), SortedSet<int>>();
        foreach (var key in Flows.Keys)
        {
            if (key.Evidence != SideEvidence.TcpFlags) continue;
            if (key.Side == ConnectionSide.Inbound) Serves(eniServes, (key.Eni, key.Protocol), key.Port);
            else Serves(peerServes, (key.Peer, key.Protocol), key.Port);
        }
        if (eniServes.Count + peerServes.Count == 0) return;
        var revisited = new List<(FlowKey Old, FlowKey New, FlowSums Sums)>();
        foreach (var (key, sums) in Flows)
        {
            if (key.Evidence != SideEvidence.Ports || sums.OtherPorts is not { } other) continue;
            bool inbound = key.Side == ConnectionSide.Inbound;
            var (serviceEnd, otherEnd) = inbound
                ? (eniServes.GetValueOrDefault((key.Eni, key.Protocol)), peerServes.GetValueOrDefault((key.Peer, key.Protocol)))
                : (peerServes.GetValueOrDefault((key.Peer, key.Protocol)), eniServes.GetValueOrDefault((key.Eni, key.Protocol)));
            bool serviceProven = serviceEnd?.Contains(key.Port) == true;
            bool otherProven = otherEnd?.GetViewBetween(other.From, other.To).Count > 0;
            if (serviceProven && !otherProven) revisited.Add((key, key with { Evidence = SideEvidence.ListeningPort }, sums));
            // Flipped only when the other end is one port: a range of them would be many connections, not one service.
            else if (!serviceProven && otherProven && other.From == other.To)
            {
                var flipped = sums;
                (flipped.OtherMin, flipped.OtherMax) = (key.Port, key.Port);
                revisited.Add((key, key with
                {
                    Side = inbound ? ConnectionSide.Outbound : ConnectionSide.Inbound, Port = other.From, Request = !key.Request, Evidence = SideEvidence.ListeningPort,
                }, flipped));
            }
        }
        foreach (var (old, now, sums) in revisited)
        {
            Flows.Remove(old);
            Add(now, sums);
        }

        static void Serves<T>(Dictionary<T, SortedSet<int>> map, T key, int port) where T : notnull
        {
            if (!map.TryGetValue(key, out var set)) map[key] = set = [];
            set.Add(port);
        }
    }

    public void Seen(long firstMs, long lastMs)
    {
        if (firstMs != long.MaxValue && firstMs < FirstMs) FirstMs = firstMs;
        if (lastMs != long.MinValue && lastMs > LastMs) LastMs = lastMs;
    }
}

/// <summary>Which end of a connection opened it, told from one record (see <see cref="SideEvidence"/>).</summary>
internal static class ConnectionSides
{
    /// <summary>
    /// The side, and whether the record's packets go the way the connection was opened. TCP flags decide when the record
    /// holds a handshake: SYN-ACK (18) is sent by the answering end, SYN alone by the opening one. Otherwise the port the
    /// rules of exactly one end open to listeners is the service, else the lower port (equal ports: the record's own way).
    /// </summary>
    /// <param name="ingress">The record's packets arrive at the ENI.</param>
    /// <param name="protocol">The IANA protocol number.</param>
    /// <param name="localPort">The ENI's port (-1 when the record has none).</param>
    /// <param name="remotePort">The peer's port (-1 when the record has none).</param>
    /// <param name="flags">tcp-flags, or -1 when the format has none.</param>
    /// <param name="localListens">The ENI's inbound rules open its port to listeners.</param>
    /// <param name="remoteListens">The peer is an ENI whose inbound rules open its port to listeners.</param>
    public static (ConnectionSide Side, bool Request, SideEvidence Evidence) Decide(bool ingress, int protocol, int localPort, int remotePort, int flags,
        bool localListens, bool remoteListens)
    {
        if (protocol == 6 && flags > 0 && (flags & 18) != 0)
        {
            // SYN-ACK: the sender answers; SYN: the sender opens.
            bool senderOpened = (flags & 16) == 0;
            bool peerOpened = ingress == senderOpened;
            return (peerOpened ? ConnectionSide.Inbound : ConnectionSide.Outbound, senderOpened, SideEvidence.TcpFlags);
        }
        ConnectionSide side;
        if (localPort < 0 || remotePort < 0) side = ingress ? ConnectionSide.Inbound : ConnectionSide.Outbound;
        else if (localListens != remoteListens) side = localListens ? ConnectionSide.Inbound : ConnectionSide.Outbound;
        else if (localPort != remotePort) side = localPort < remotePort ? ConnectionSide.Inbound : ConnectionSide.Outbound;
        else side = ingress ? ConnectionSide.Inbound : ConnectionSide.Outbound;
        return (side, ingress == (side == ConnectionSide.Inbound), SideEvidence.Ports);
    }
}
