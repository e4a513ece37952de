using System.Runtime.CompilerServices;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs;

/// <summary>A query's filter needs a field that a file's format does not have: the answer for that file is unknown.</summary>
public sealed class FlowLogFormatMismatchException(string message)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.FlowLogFormatMismatch, Errors.ErrorKind.InvalidArgument, message, null);

/// <summary>
/// A <see cref="FlowFilter"/> compiled against one format: tests that read raw field bytes by index, cheapest
/// first, so most lines are rejected after looking at one short field.
/// </summary>
internal sealed class FlowPredicate
{
    private readonly FieldTest[] _tests;

    private FlowPredicate(FieldTest[] tests) => _tests = tests;

    public bool IsEmpty => _tests.Length == 0;

    /// <summary>True when the line matches; false with <paramref name="problem"/> set when a tested field is malformed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Matches(scoped in RawLine line, ref string? problem)
    {
        foreach (var t in _tests)
            if (!t.Test(line, ref problem)) return false;
        return true;
    }

    /// <summary>The fields (AWS names) a filter reads.</summary>
    public static IReadOnlyList<string> Fields(FlowFilter filter)
    {
        var fields = new List<string>();
        void Need(bool given, params string[] names) { if (given) fields.AddRange(names); }
        Need(filter.Action.Count > 0, "action");
        Need(filter.LogStatus.Count > 0, "log-status");
        Need(filter.FlowDirection.Count > 0, "flow-direction");
        Need(filter.InterfaceId.Count > 0, "interface-id");
        Need(filter.VpcId.Count > 0, "vpc-id");
        Need(filter.SubnetId.Count > 0, "subnet-id");
        Need(filter.InstanceId.Count > 0, "instance-id");
        Need(filter.Protocol.Count > 0, "protocol");
        Need(filter.DestinationPort.Count > 0, "dstport");
        Need(filter.SourcePort.Count > 0, "srcport");
        Need(filter.Port.Count > 0, "srcport", "dstport");
        Need(filter.DestinationAddress.Count > 0, "dstaddr");
        Need(filter.SourceAddress.Count > 0, "srcaddr");
        Need(filter.Address.Count > 0, "srcaddr", "dstaddr");
        Need(filter.Since is not null || filter.Until is not null, "start", "end");
        return fields.Distinct().ToList();
    }

    /// <summary>The text criteria as the line tests compare them: the field, and the values normalised as the field spells them.</summary>
    public static IEnumerable<(FlowField Field, byte[][] Values)> TextCriteria(FlowFilter filter)
    {
        (FlowField, byte[][]) Of(FlowField f, IReadOnlyList<string> values, Func<string, string> normalise) =>
            (f, values.Select(v => Encoding.UTF8.GetBytes(normalise(v.Trim()))).ToArray());
        if (filter.Action.Count > 0) yield return Of(FlowField.Action, filter.Action, v => v.ToUpperInvariant());
        if (filter.LogStatus.Count > 0) yield return Of(FlowField.LogStatus, filter.LogStatus, v => v.ToUpperInvariant());
        if (filter.FlowDirection.Count > 0) yield return Of(FlowField.FlowDirection, filter.FlowDirection, v => v.ToLowerInvariant());
        if (filter.InterfaceId.Count > 0) yield return Of(FlowField.InterfaceId, filter.InterfaceId, v => v);
        if (filter.VpcId.Count > 0) yield return Of(FlowField.VpcId, filter.VpcId, v => v);
        if (filter.SubnetId.Count > 0) yield return Of(FlowField.SubnetId, filter.SubnetId, v => v);
        if (filter.InstanceId.Count > 0) yield return Of(FlowField.InstanceId, filter.InstanceId, v => v);
    }

    public static FlowPredicate Compile(FlowFilter filter, FlowLogFormat format)
    {
        var tests = new List<FieldTest>();
        int Need(FlowField f, string criterion)
        {
            int i = format.IndexOf(f);
            if (i < 0)
                throw new FlowLogFormatMismatchException(
                    $"the {criterion} filter needs the field '{FlowFieldCatalog.Info(f).AwsName}', which this format does not have ({format})");
            return i;
        }
        // Cheap byte comparisons first: they reject most lines in the common questions.
        foreach (var (field, values) in TextCriteria(filter))
            tests.Add(new TextTest(Need(field, field.ToString()), values));
        if (filter.Protocol.Count > 0)
            tests.Add(new PortTest([Need(FlowField.Protocol, "Protocol")], filter.Protocol.Select(p => new PortRange(p, p)).ToArray(), "protocol"));
        if (filter.DestinationPort.Count > 0)
            tests.Add(new PortTest([Need(FlowField.DestinationPort, "DestinationPort")], [.. filter.DestinationPort], "dstport"));
        if (filter.SourcePort.Count > 0)
            tests.Add(new PortTest([Need(FlowField.SourcePort, "SourcePort")], [.. filter.SourcePort], "srcport"));
        if (filter.Port.Count > 0)
            tests.Add(new PortTest([Need(FlowField.SourcePort, "Port"), Need(FlowField.DestinationPort, "Port")], [.. filter.Port], "port"));
        if (filter.DestinationAddress.Count > 0)
            tests.Add(new AddressTest([Need(FlowField.DestinationAddress, "DestinationAddress")], filter.DestinationAddress));
        if (filter.SourceAddress.Count > 0)
            tests.Add(new AddressTest([Need(FlowField.SourceAddress, "SourceAddress")], filter.SourceAddress));
        if (filter.Address.Count > 0)
            tests.Add(new AddressTest([Need(FlowField.SourceAddress, "Address"), Need(FlowField.DestinationAddress, "Address")], filter.Address));
        if (filter.Since is not null || filter.Until is not null)
        {
            int start = format.IndexOf(FlowField.Start), end = format.IndexOf(FlowField.End);
            if (start < 0 && end < 0) Need(FlowField.Start, "Since/Until");
            tests.Add(new TimeTest(start < 0 ? end : start, end < 0 ? start : end,
                filter.Since is { } s ? FlowText.ToMilliseconds(s) : long.MinValue,
                filter.Until is { } u ? FlowText.ToMilliseconds(u) : long.MaxValue));
        }
        return new FlowPredicate([.. tests]);
    }

    private abstract class FieldTest
    {
        public abstract bool Test(scoped in RawLine line, ref string? problem);
    }

    /// <summary>
    /// The field is one of the values, held in a <see cref="ByteKeyTable"/>: its presence mask turns away most fields
    /// that match none with one load and a multiply (a filter on a few interfaces passes a fraction of the lines), and
    /// what passes is one lookup.
    /// </summary>
    private sealed class TextTest : FieldTest
    {
        private readonly int _index;
        private readonly ByteKeyTable _values = new();

        public TextTest(int index, byte[][] values)
        {
            _index = index;
            foreach (var v in values) _values.Add(v);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Test(scoped in RawLine line, ref string? problem)
        {
            var f = line.FieldAndRest(_index, out int length);
            return _values.MayContain(f, length) && _values.Find(f, length) >= 0;
        }
    }

    /// <summary>Ports and protocol numbers: '-' never matches; anything else that is not a number is a malformed line.</summary>
    private sealed class PortTest(int[] indexes, PortRange[] ranges, string name) : FieldTest
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Test(scoped in RawLine line, ref string? problem)
        {
            foreach (var index in indexes)
            {
                if (!line.TryNumber(index, out long n))
                {
                    var f = line.Field(index);
                    if (!FlowText.IsDash(f)) problem = $"{name} '{FlowText.Describe(f)}' is not a number";
                    continue;
                }
                foreach (var r in ranges) if (n >= r.From && n <= r.To) return true;
            }
            return false;
        }
    }

    /// <summary>Addresses: IPv4 CIDRs are pre-split into network and mask so the common case is two integer operations.</summary>
    private sealed class AddressTest : FieldTest
    {
        private readonly int[] _indexes;
        private readonly uint[] _v4Network, _v4Mask;
        private readonly Cidr[] _v6;

        public AddressTest(int[] indexes, IReadOnlyList<Cidr> cidrs)
        {
            _indexes = indexes;
            var v4 = cidrs.Where(c => !c.IsIPv6).ToArray();
            _v4Network = v4.Select(c => (uint)c.Network.Value).ToArray();
            _v4Mask = v4.Select(c => c.Prefix == 0 ? 0u : uint.MaxValue << (32 - c.Prefix)).ToArray();
            _v6 = cidrs.Where(c => c.IsIPv6).ToArray();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Test(scoped in RawLine line, ref string? problem)
        {
            foreach (var index in _indexes)
            {
                var f = line.Field(index);
                if (FlowText.TryParseIPv4(f, out uint v4))
                {
                    for (int i = 0; i < _v4Network.Length; i++)
                        if ((v4 & _v4Mask[i]) == _v4Network[i]) return true;
                    continue;
                }
                if (FlowText.IsDash(f)) continue;
                if (!FlowText.TryParseAddress(f, out var a)) { problem = $"'{FlowText.Describe(f)}' is not an IP address"; continue; }
                foreach (var c in _v6) if (c.Contains(a)) return true;
            }
            return false;
        }
    }

    /// <summary>The record's capture window [start, end] overlaps [since, until).</summary>
    private sealed class TimeTest(int startIndex, int endIndex, long since, long until) : FieldTest
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override bool Test(scoped in RawLine line, ref string? problem)
        {
            if (!line.TryNumber(startIndex, out long start))
            {
                var s = line.Field(startIndex);
                if (!FlowText.IsDash(s)) problem = $"start '{FlowText.Describe(s)}' is not a Unix time";
                return false;
            }
            if (!line.TryNumber(endIndex, out long end))
            {
                var e = line.Field(endIndex);
                if (!FlowText.IsDash(e)) problem = $"end '{FlowText.Describe(e)}' is not a Unix time";
                return false;
            }
            return FlowText.ToMillisecondsFromUnix(end) >= since && FlowText.ToMillisecondsFromUnix(start) < until;
        }
    }
}
