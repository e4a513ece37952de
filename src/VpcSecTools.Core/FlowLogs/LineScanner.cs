using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace VpcSecTools.FlowLogs;

/// <summary>What happens to a record that passed the filter: counted into groups, materialised, or nothing.</summary>
internal abstract class RecordSink
{
    /// <summary>
    /// False with <paramref name="problem"/> set when a field the sink needs is malformed; false without one when the
    /// sink does not take the record (it is counted as read, not matched).
    /// </summary>
    public abstract bool Accept(scoped in RawLine line, long lineNumber, ref string? problem);

    /// <summary>
    /// A field whose value must be in a table for the sink to take the record, or null: the scanner tests it inline
    /// (<see cref="ByteKeyTable.MayContain"/>), so the lines of other interfaces cost no call.
    /// </summary>
    public virtual (int Field, ByteKeyTable Values)? Gate => null;
}

/// <summary>The counts of one unit of work (a file or a slice of one), merged into the read report at the end.</summary>
internal sealed class ScanTally(string file, int keep)
{
    public string File { get; } = file;
    public long Lines, Records, Matched, Skipped;
    public List<SkippedLine> Kept { get; } = [];

    public void Skip(long line, string reason)
    {
        Skipped++;
        if (Kept.Count < keep) Kept.Add(new SkippedLine(File, line, reason));
    }
}

/// <summary>
/// Splits whole lines into fields and runs filter and sink on each. Separators (space, newline) are found 32
/// bytes at a time with a vector compare; each line's field starts go into one reused int array, so scanning
/// allocates nothing.
/// </summary>
internal sealed class LineScanner
{
    private readonly int _fieldCount;
    private readonly FlowPredicate _predicate;
    private readonly RecordSink? _sink;
    private readonly ScanTally _tally;
    private readonly int[] _bounds;
    private readonly int _gateField = -1;
    private readonly ByteKeyTable? _gateValues;

    public LineScanner(FlowLogFormat format, FlowPredicate predicate, RecordSink? sink, ScanTally tally)
    {
        _fieldCount = format.FieldCount;
        _predicate = predicate;
        _sink = sink;
        _tally = tally;
        _bounds = new int[_fieldCount + 1];
        if (sink?.Gate is { } gate) (_gateField, _gateValues) = gate;
    }

    /// <summary>
    /// Scans <paramref name="data"/>, which holds whole lines and ends with a newline. With a sink's
    /// <see cref="RecordSink.Gate"/>, the gate field's value is tested as soon as the field ends, and a line that fails
    /// is not split further: its remaining separators are counted 32 bytes at a time (a popcount) only to check its
    /// field count, and it is counted as read. Most lines of a VPC-wide log are of other interfaces, so most of the
    /// per-field work is never done.
    /// </summary>
    public void Scan(ReadOnlySpan<byte> data)
    {
        // A gate on the last field ends at the newline: EndLine tests it.
        if (_gateField >= 0 && _gateField < _fieldCount - 1) Scan<Gated>(data);
        else Scan<Ungated>(data);
    }

    /// <summary>Whether <see cref="Scan{T}"/> tests a gate: a type argument, so the code for lines without one has no trace of it.</summary>
    private interface IGating { static abstract bool On { get; } }
    private readonly struct Gated : IGating { public static bool On => true; }
    private readonly struct Ungated : IGating { public static bool On => false; }

    // Fully optimised from the first call: a CLI run is over before tiered compilation would promote it.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Scan<T>(ReadOnlySpan<byte> data) where T : struct, IGating
    {
        int gateEnd = _gateField + 1;
        int n = data.Length, i = 0, lineStart = 0, separators = 0, lastField = _fieldCount - 1;
        int[] bounds = _bounds;
        bool skipping = false;
        if (Vector256.IsHardwareAccelerated)
        {
            ref byte origin = ref MemoryMarshal.GetReference(data);
            var space = Vector256.Create((byte)' ');
            var newline = Vector256.Create((byte)'\n');
            for (; i + 32 <= n; i += 32)
            {
                var v = Vector256.LoadUnsafe(ref origin, (nuint)i);
                uint lines = Vector256.Equals(v, newline).ExtractMostSignificantBits();
                uint marks = Vector256.Equals(v, space).ExtractMostSignificantBits() | lines;
                while (marks != 0)
                {
                    if (T.On && skipping)
                    {
                        uint ends = marks & lines;
                        if (ends == 0) { separators += BitOperations.PopCount(marks); break; }
                        int end = BitOperations.TrailingZeroCount(ends);
                        separators += BitOperations.PopCount(marks & ((1u << end) - 1));
                        marks &= ~(((1u << end) << 1) - 1);
                        EndTurnedAway(separators);
                        lineStart = i + end + 1;
                        separators = 0;
                        skipping = false;
                        continue;
                    }
                    int bit = BitOperations.TrailingZeroCount(marks);
                    marks &= marks - 1;
                    int p = i + bit;
                    if ((lines & (1u << bit)) == 0)
                    {
                        if (separators < lastField) bounds[separators + 1] = p + 1;
                        separators++;
                        if (T.On && separators == gateEnd && !PassesGate(data, lineStart, p)) skipping = true;
                    }
                    else
                    {
                        EndLine(data, lineStart, p, separators);
                        lineStart = p + 1;
                        separators = 0;
                    }
                }
            }
        }
        for (; i < n; i++)
        {
            byte b = data[i];
            if (b == (byte)' ')
            {
                if (T.On && skipping) { separators++; continue; }
                if (separators < lastField) bounds[separators + 1] = i + 1;
                separators++;
                if (T.On && separators == gateEnd && !PassesGate(data, lineStart, i)) skipping = true;
            }
            else if (b == (byte)'\n')
            {
                if (T.On && skipping) EndTurnedAway(separators);
                else EndLine(data, lineStart, i, separators);
                lineStart = i + 1;
                separators = 0;
                skipping = false;
            }
        }
    }

    /// <summary>Whether the gate field, which ends at <paramref name="end"/>, may hold one of the gate's values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool PassesGate(ReadOnlySpan<byte> data, int lineStart, int end)
    {
        int start = _gateField == 0 ? lineStart : _bounds[_gateField];
        return _gateValues!.MayContain(data[start..], end - start);
    }

    /// <summary>A line the gate turned away: read and counted, or skipped when its field count is wrong.</summary>
    private void EndTurnedAway(int separators)
    {
        long lineNumber = ++_tally.Lines;
        if (separators + 1 != _fieldCount) _tally.Skip(lineNumber, $"expected {_fieldCount} fields, found {separators + 1}");
        else _tally.Records++;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void EndLine(ReadOnlySpan<byte> data, int start, int newline, int separators)
    {
        long lineNumber = ++_tally.Lines;
        int end = newline > start && data[newline - 1] == (byte)'\r' ? newline - 1 : newline;
        if (end == start) return;
        if (separators + 1 != _fieldCount)
        {
            _tally.Skip(lineNumber, $"expected {_fieldCount} fields, found {separators + 1}");
            return;
        }
        _bounds[0] = start;
        _bounds[_fieldCount] = end + 1;
        var line = new RawLine(data, _bounds);
        // A gate on the last field is tested here; any other was tested while scanning.
        if (_gateField == _fieldCount - 1)
        {
            var field = line.FieldAndRest(_gateField, out int length);
            if (!_gateValues!.MayContain(field, length)) { _tally.Records++; return; }
        }
        string? problem = null;
        if (!_predicate.Matches(line, ref problem))
        {
            if (problem is null) _tally.Records++;
            else _tally.Skip(lineNumber, problem);
            return;
        }
        if (_sink is not null && !_sink.Accept(line, lineNumber, ref problem))
        {
            if (problem is null) _tally.Records++;
            else _tally.Skip(lineNumber, problem);
            return;
        }
        _tally.Records++;
        _tally.Matched++;
    }
}
