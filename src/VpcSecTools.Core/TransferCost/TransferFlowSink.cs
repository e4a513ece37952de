using System.Runtime.CompilerServices;
using VpcSecTools.Endpoints;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;

namespace VpcSecTools.TransferCost;

/// <summary>
/// The transfer-cost read of one file or slice, straight from the lines. Each accepted record with bytes is counted once:
/// a record an interface sent (egress) always, one it received only when the sender is not an interface whose own records
/// were read (the internet, a peer or on-premises network, a VPC without flow logs), which <see cref="TransferTally"/>
/// settles once every file is read; a NAT gateway's interface by the NAT attribution's rules (its VPC side carries the
/// client and the remote). Addresses are parsed once per file and paths decided once per interface, address and direction.
/// </summary>
internal sealed class TransferFlowSink : RecordSink
{
    private readonly TransferPaths _paths;
    private readonly ByteKeyTable _interfaces;
    private readonly int _eni, _bytes, _start, _end, _action, _status, _direction, _source, _destination, _packetSource, _packetDestination;
    private readonly RecordCheck _check;
    private readonly NatRecordSides _addresses;
    /// <summary>The slot of an interface, its own address, the other end and the direction: decided once, then one lookup per record.</summary>
    private readonly Dictionary<long, int> _slotOf = [];
    private readonly Dictionary<(int Eni, int Local, int Remote, bool Egress), int> _wideSlotOf = [];
    /// <summary>Per slot: the path decided and the ends, and the bytes summed.</summary>
    private readonly List<(TransferPaths.Decision Decision, int Eni, int A, int B)> _slots = [];
    private long[] _slotBytes = new long[256];
    /// <summary>NAT gateway sums: path, interface, the two ends, the destination region.</summary>
    private readonly Dictionary<(TransferPath Path, int Eni, int A, int B, string? To), long> _natSums = [];
    private readonly bool[] _seen;
    private long _first = long.MaxValue, _last = long.MinValue, _unknownInterfaceBytes, _rejectedNat;
    private readonly HashSet<string> _notes = [];

    public TransferFlowSink(FlowLogFormat format, TransferPaths paths, ByteKeyTable interfaces)
    {
        _paths = paths;
        _interfaces = interfaces;
        _eni = format.IndexOf(FlowField.InterfaceId);
        if (_eni < 0) throw new FlowLogFormatMismatchException($"transfer cost cannot be attributed without the field 'interface-id' ({format})");
        _source = format.IndexOf(FlowField.SourceAddress);
        _destination = format.IndexOf(FlowField.DestinationAddress);
        if (_source < 0 || _destination < 0) throw new FlowLogFormatMismatchException($"transfer cost needs the fields 'srcaddr' and 'dstaddr' ({format})");
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _action = format.IndexOf(FlowField.Action);
        _status = format.IndexOf(FlowField.LogStatus);
        _direction = format.IndexOf(FlowField.FlowDirection);
        _packetSource = format.IndexOf(FlowField.PacketSourceAddress);
        _packetDestination = format.IndexOf(FlowField.PacketDestinationAddress);
        _seen = new bool[paths.Enis.Count];
        _addresses = new NatRecordSides(format, paths.Nats);
        // The fields read here, by listing's rule (bytes and times are parsed below).
        _check = new RecordCheck(format, new[] { _source, _destination, _packetSource, _packetDestination, format.IndexOf(FlowField.Packets) }.Where(i => i >= 0));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        var field = line.FieldAndRest(_eni, out int length);
        int eni = _interfaces.Find(field, length);
        if (_status >= 0 && !line.Field(_status).SequenceEqual("OK"u8)) return eni >= 0 && See(eni);
        if (!_check.Valid(line, ref problem)) return false;
        long bytes = 0;
        if (_bytes >= 0 && !line.TryNumber(_bytes, out bytes) && !GroupSink.Dash(line, _bytes, "bytes", "a number", out bytes, ref problem)) return false;
        if (!Times(line, ref problem)) return false;
        // A format without the action is taken as ACCEPT: what the log shows was sent.
        if ((_action >= 0 ? FlowText.Accepted(line.Field(_action), ref problem) : true) is not { } accepted) return false;
        if (eni < 0) { _unknownInterfaceBytes = FlowText.Add(_unknownInterfaceBytes, bytes); return true; }
        _seen[eni] = true;
        if (bytes == 0) return true;
        if (!accepted)
        {
            if (_paths.IsNat[eni]) _rejectedNat = FlowText.Add(_rejectedNat, bytes);
            return true;
        }
        if (_paths.IsTransit[eni]) return true;
        if (_paths.IsNat[eni]) { Nat(line, eni, bytes); return true; }

        int src = _addresses.Number(line, _packetSource >= 0 && !FlowText.IsDash(line.Field(_packetSource)) ? _packetSource : _source);
        int dst = _addresses.Number(line, _packetDestination >= 0 && !FlowText.IsDash(line.Field(_packetDestination)) ? _packetDestination : _destination);
        if (_addresses[src] is not { } s || _addresses[dst] is not { } d) return true;
        bool egress = _direction >= 0 && line.Field(_direction) is var dir && !FlowText.IsDash(dir) ? dir.SequenceEqual("egress"u8) : _paths.Owns(eni, s);
        int slot = Slot(eni, egress ? src : dst, egress ? dst : src, egress ? d : s, egress);
        if (slot >= 0) _slotBytes[slot] = FlowText.Add(_slotBytes[slot], bytes);
        return true;
    }

    /// <summary>The slot of bytes between an interface's own address and another, in one direction; -1 when they are counted elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Slot(int eni, int local, int remote, IpAddress remoteIp, bool egress)
    {
        // 20 bits of interface, 21 of each address number, 1 of direction; larger numbers take the slower table.
        bool packs = (uint)eni < 1 << 20 && (uint)local < 1 << 21 && (uint)remote < 1 << 21;
        long key = (long)eni << 43 | (long)local << 22 | (long)remote << 1 | (egress ? 1L : 0);
        if (packs ? _slotOf.TryGetValue(key, out int slot) : _wideSlotOf.TryGetValue((eni, local, remote, egress), out slot)) return slot;
        var decision = _paths.Classify(eni, remoteIp, egress);
        // A NAT gateway's leg to its client is counted on the NAT's side alone, whether or not the client logs it.
        if (_paths.IsNat[eni]) decision = decision with { Sender = -1 };
        if (decision.Note is { } note) _notes.Add(note);
        slot = decision.Path is null ? -1 : _slots.Count;
        if (slot >= 0)
        {
            _slots.Add((decision, eni, local, remote));
            if (slot == _slotBytes.Length) Array.Resize(ref _slotBytes, slot * 2);
        }
        if (packs) _slotOf[key] = slot; else _wideSlotOf[(eni, local, remote, egress)] = slot;
        return slot;
    }

    private bool See(int eni)
    {
        _seen[eni] = true;
        return true;
    }

    private bool Times(scoped in RawLine line, ref string? problem)
    {
        if (_start >= 0 && !Time(line, _start, "start", ref _first, first: true, ref problem)) return false;
        return _end < 0 || Time(line, _end, "end", ref _last, first: false, ref problem);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Time(scoped in RawLine line, int index, string name, ref long seen, bool first, ref string? problem)
    {
        if (line.TryNumber(index, out long value) && FlowText.ToMillisecondsFromUnix(value) is var ms)
        {
            if (ms > FlowText.MaxMilliseconds) { problem = FlowText.TimeProblem(name, line.Field(index)); return false; }
            seen = first ? Math.Min(seen, ms) : Math.Max(seen, ms);
            return true;
        }
        return GroupSink.Dash(line, index, name, "a Unix time", out _, ref problem);
    }

    /// <summary>A NAT gateway's record: its VPC side (client and real remote) is the NAT processing, and cross-AZ and cross-region legs.</summary>
    private void Nat(scoped in RawLine line, int eni, long bytes)
    {
        if (!_addresses.Counted(line, out var side)) return;
        var (client, remote, clientSends) = (side.Client, side.Remote, side.ClientSends);
        if (client >= 0)
        {
            NatSum(TransferPath.NatGateway, eni, client, remote, null, bytes);
            // The leg between the client and the NAT gateway: cross-AZ when they are in different zones.
            int natAddress = _addresses.Number(line, clientSends ? _destination : _source);
            int leg = Slot(eni, natAddress, client, _addresses[client]!.Value, !clientSends);
            if (leg >= 0 && _slots[leg].Decision.Path == TransferPath.CrossAz) _slotBytes[leg] = FlowText.Add(_slotBytes[leg], bytes);
            if (clientSends && _paths.Ranges.Find(_addresses[remote]!.Value) is { Region: var region } && region != _paths.RegionOf(eni) && region != "GLOBAL")
                NatSum(TransferPath.CrossRegion, eni, client, remote, region, bytes);
            return;
        }
        NatSum(TransferPath.NatGateway, eni, side.Nat, remote, null, bytes);
        _notes.Add("the NAT gateways' records lack pkt-srcaddr/pkt-dstaddr: NAT bytes are counted on their internet side, whose client (and so its zone) is unknown");
    }

    private void NatSum(TransferPath path, int eni, int a, int b, string? to, long bytes)
    {
        var key = (path, eni, a, b, to);
        _natSums[key] = FlowText.Add(_natSums.GetValueOrDefault(key), bytes);
    }

    /// <summary>Adds this sink's sums to the tally, turning address numbers back into addresses.</summary>
    public void AddTo(TransferTally tally)
    {
        tally.Seen(_first == long.MaxValue ? null : _first, _last == long.MinValue ? null : _last, _seen, _unknownInterfaceBytes, _notes);
        tally.RejectedAtNat(_rejectedNat);
        for (int slot = 0; slot < _slots.Count; slot++)
        {
            var (decision, eni, a, b) = _slots[slot];
            if (_slotBytes[slot] != 0) tally.Add(decision.Path!.Value, eni, _addresses[a]!.Value, _addresses[b]!.Value, decision.Sender, decision.DestinationRegion, _slotBytes[slot]);
        }
        foreach (var ((path, eni, a, b, to), bytes) in _natSums)
            tally.Add(path, eni, _addresses[a]!.Value, _addresses[b]!.Value, -1, to, bytes);
    }
}
