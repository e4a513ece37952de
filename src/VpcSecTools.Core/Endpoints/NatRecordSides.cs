using System.Runtime.CompilerServices;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using static VpcSecTools.Endpoints.NatTrafficAttribution;

namespace VpcSecTools.Endpoints;

/// <summary>The side of a NAT gateway's record that is counted: its client (-1: unknown, v2), the remote, and the local end.</summary>
/// <param name="Client">The client's address number, -1 when the record has no packet addresses.</param>
/// <param name="Remote">The remote's address number.</param>
/// <param name="ClientSends">Whether the client is the sender (packet side), or the NAT gateway (address side).</param>
/// <param name="Nat">The NAT gateway's own address number on the address side; -1 on the packet side.</param>
internal readonly record struct NatSide(int Client, int Remote, bool ClientSends, int Nat);

/// <summary>
/// The addresses of one file's records, numbered as they are first seen, each parsed and judged (NAT, private) once; and the
/// one reading of a NAT gateway's record both the NAT attribution (<see cref="NatFlowSink"/>) and the transfer cost read:
/// only an ACCEPTed record is NAT traffic, and of it only the side <see cref="CountsPacketSide"/> or
/// <see cref="CountsAddressSide"/> names.
/// </summary>
internal sealed class NatRecordSides
{
    private readonly NatSides _sides;
    private readonly int _action, _packetSource, _packetDestination, _source, _destination;
    private readonly ByteKeyTable _table = new();
    private readonly List<IpAddress?> _ips = [];
    private AddressRole[] _roles = new AddressRole[64];

    public NatRecordSides(FlowLogFormat format, NatSides sides)
    {
        _sides = sides;
        _action = format.IndexOf(FlowField.Action);
        _packetSource = format.IndexOf(FlowField.PacketSourceAddress);
        _packetDestination = format.IndexOf(FlowField.PacketDestinationAddress);
        _source = format.IndexOf(FlowField.SourceAddress);
        _destination = format.IndexOf(FlowField.DestinationAddress);
    }

    /// <summary>What the counts say of the bytes of REJECT records on NAT gateways' interfaces, which neither counts.</summary>
    public static string RejectedNote(long bytes) =>
        $"{SaturatingSum.Text(bytes)} bytes of REJECT records on the NAT gateways' interfaces are not counted: dropped at the interface (its subnet's network ACL), they did not go through the NAT gateway";

    /// <summary>How many addresses are numbered.</summary>
    public int Count => _ips.Count;

    /// <summary>The address of a number; null for text that is not one ('-', garbage).</summary>
    public IpAddress? this[int address] => _ips[address];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public AddressRole Role(int address) => address < 0 ? AddressRole.None : _roles[address];

    /// <summary>
    /// The counted side of a NAT gateway's record; false when the record is the side not counted, names neither, or is a
    /// REJECT. A REJECT on a NAT gateway's interface did not go through the gateway: having no security group, it was dropped
    /// at the interface by its subnet's network ACL (or came after the connection closed), and NAT processing is charged for
    /// data processed through the gateway (docs/design/ENDPOINTS.md). The caller has refused an action that is neither
    /// (<see cref="FlowText.Accepted"/>); a format without the action is taken as ACCEPT.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Counted(scoped in RawLine line, out NatSide side)
    {
        if (_action >= 0 && !line.Field(_action).SequenceEqual("ACCEPT"u8)) { side = default; return false; }
        int a = Number(line, _packetSource), b = Number(line, _packetDestination);
        var (ra, rb) = (Role(a), Role(b));
        if (HasBoth(ra, rb))
        {
            bool counted = CountsPacketSide(ra, rb, out bool clientSends);
            side = clientSends ? new(a, b, true, -1) : new(b, a, false, -1);
            return counted;
        }
        a = Number(line, _source);
        b = Number(line, _destination);
        bool byAddress = CountsAddressSide(Role(a), Role(b), out bool remoteIsSource);
        side = remoteIsSource ? new(-1, a, false, b) : new(-1, b, true, a);
        return byAddress;
    }

    /// <summary>The number of the address in field <paramref name="index"/> (-1: the format has no such field).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Number(scoped in RawLine line, int index)
    {
        if (index < 0) return -1;
        var rest = line.FieldAndRest(index, out int length);
        int id = _table.Find(rest, length);
        return id >= 0 ? id : Add(rest[..length]);
    }

    /// <summary>An address seen for the first time: parsed and judged once.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private int Add(ReadOnlySpan<byte> text)
    {
        int id = _table.Add(text);
        if (id == _roles.Length) Array.Resize(ref _roles, id * 2);
        bool parsed = FlowText.TryParseAddress(text, out var ip);
        _ips.Add(parsed ? ip : null);
        // Not an address ('-', garbage): role None, as the array starts.
        if (parsed) _roles[id] = _sides.Role(ip);
        return id;
    }
}
