using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>How much of a column chunk a typed scan needs: nothing, its dictionary (when that proves it), or its values.</summary>
internal enum ParquetNeed { None, Dictionary, Decode }

/// <summary>A count or group-by that a Parquet file may answer on its column values (<see cref="ParquetRowScan"/>).</summary>
internal sealed record TypedQuery(FlowLogQuery Query, GroupAggregate? Groups);

/// <summary>
/// A count or group-by run on a row group's column values, with the answer the lines of <see cref="ParquetChunkSource"/>
/// would give: the same filter tests in the same order, the same checks, the same packed keys and the same skipped rows
/// with the same reasons. Text values are judged once per distinct value (a dictionary entry), numbers as numbers; a
/// column the count only checks is not decoded when its row group's min and max prove every value valid.
/// </summary>
/// <remarks>
/// Files whose columns are not of AWS's types (numbers INT32/INT64, text and addresses byte arrays) are read as lines.
/// The text a number would have is only made for a reason: a value the text rule refuses, or a key that is not a plain
/// non-negative integer.
/// </remarks>
internal sealed class ParquetRowScan
{
    /// <summary>Numbers of 19 digits and more are not numbers to the text reader (<see cref="FlowText.TryParseLong"/>).</summary>
    private const long TextNumberLimit = 1_000_000_000_000_000_000;

    private readonly Column[] _columns;
    private readonly Test[] _tests;
    private readonly int[] _checks;
    private readonly int[] _keys;
    private readonly int _packets, _bytes, _start, _end;
    private readonly long _binMs;
    private readonly GroupWorker? _worker;
    private readonly ScanTally _tally;
    private readonly bool _single;
    /// <summary>The most bytes a row's key takes in this row group.</summary>
    private int _keyRoom;

    private ParquetRowScan(Column[] columns, Test[] tests, int[] checks, int[] keys, FlowLogFormat format, long binMs, GroupWorker? worker, ScanTally tally)
    {
        _columns = columns;
        _tests = tests;
        _checks = checks;
        _keys = keys;
        _packets = format.IndexOf(FlowField.Packets);
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _binMs = binMs;
        _worker = worker;
        _tally = tally;
        _single = columns.Length == 1;
    }

    /// <summary>
    /// The scan of <paramref name="typed"/> over the columns <paramref name="columns"/> (the fields of
    /// <paramref name="format"/>), or null when a column is not of the type the typed path reads. The caller has compiled the
    /// text predicate and sink on the same format first, so a missing field is already the file's error.
    /// </summary>
    public static ParquetRowScan? Of(TypedQuery typed, FlowLogFormat format, IReadOnlyList<ParquetColumn> columns, ScanTally tally)
    {
        var query = typed.Query;
        var cols = new Column[columns.Count];
        for (int k = 0; k < cols.Length; k++)
        {
            var field = format.FieldAt(k);
            var info = field == FlowField.Unknown ? null : FlowFieldCatalog.Info(field);
            var kind = info?.Kind ?? FlowFieldKind.Text;
            bool number = kind is FlowFieldKind.Integer or FlowFieldKind.Counter or FlowFieldKind.Time;
            bool fits = number ? columns[k].Type is ParquetType.Int32 or ParquetType.Int64 : columns[k].Type == ParquetType.ByteArray;
            if (!fits) return null;
            cols[k] = new Column(format.Fields[k], info, !number);
        }
        if (cols.Length == 0) return null;
        var filter = query.Filter;
        var tests = new List<Test>();
        // The order of FlowPredicate.Compile: the first test that fails names the problem.
        foreach (var (field, values) in FlowPredicate.TextCriteria(filter)) tests.Add(new TextTest(cols[format.IndexOf(field)], values));
        if (filter.Protocol.Count > 0)
            tests.Add(new PortTest([cols[format.IndexOf(FlowField.Protocol)]], filter.Protocol.Select(p => new PortRange(p, p)).ToArray(), "protocol"));
        if (filter.DestinationPort.Count > 0) tests.Add(new PortTest([cols[format.IndexOf(FlowField.DestinationPort)]], [.. filter.DestinationPort], "dstport"));
        if (filter.SourcePort.Count > 0) tests.Add(new PortTest([cols[format.IndexOf(FlowField.SourcePort)]], [.. filter.SourcePort], "srcport"));
        if (filter.Port.Count > 0)
            tests.Add(new PortTest([cols[format.IndexOf(FlowField.SourcePort)], cols[format.IndexOf(FlowField.DestinationPort)]], [.. filter.Port], "port"));
        if (filter.DestinationAddress.Count > 0) tests.Add(new AddressTest([cols[format.IndexOf(FlowField.DestinationAddress)]], filter.DestinationAddress));
        if (filter.SourceAddress.Count > 0) tests.Add(new AddressTest([cols[format.IndexOf(FlowField.SourceAddress)]], filter.SourceAddress));
        if (filter.Address.Count > 0)
            tests.Add(new AddressTest([cols[format.IndexOf(FlowField.SourceAddress)], cols[format.IndexOf(FlowField.DestinationAddress)]], filter.Address));
        if (filter.Since is not null || filter.Until is not null)
        {
            int start = format.IndexOf(FlowField.Start), end = format.IndexOf(FlowField.End);
            tests.Add(new TimeTest(cols[start < 0 ? end : start], cols[end < 0 ? start : end],
                filter.Since is { } s ? FlowText.ToMilliseconds(s) : long.MinValue, filter.Until is { } u ? FlowText.ToMilliseconds(u) : long.MaxValue));
        }
        foreach (var t in tests) foreach (var c in t.Columns) c.Read = true;
        int[] checks = [], keys = [];
        if (!query.IsAggregate)
        {
            // A count takes what listing would: every number, time and address field valid (RecordCheck's fields, in order).
            checks = Enumerable.Range(0, cols.Length).Where(k => cols[k].Info is { Kind: not FlowFieldKind.Text }).ToArray();
            foreach (var k in checks) cols[k].Checked = true;
        }
        else
        {
            keys = query.GroupBy.Select(format.IndexOf).ToArray();
            foreach (var k in keys) { cols[k].Read = true; cols[k].Key = true; }
            foreach (var f in new[] { FlowField.Packets, FlowField.Bytes, FlowField.Start, FlowField.End })
                if (format.IndexOf(f) is var i and >= 0) cols[i].Read = true;
        }
        // Every text column a line would hold is looked at: a value no line can hold makes the row a skipped line. One a
        // count only checks (an address) may be proved by its dictionary instead (Proves).
        foreach (var c in cols) if (c.IsBytes && !c.Checked) c.Read = true;
        return new ParquetRowScan(cols, [.. tests], checks, keys, format, (long)(query.Bin?.TotalMilliseconds ?? 0),
            query.IsAggregate ? typed.Groups!.Worker : null, tally);
    }

    /// <summary>How much of column <paramref name="k"/> of a row group is read: what the scan reads; what a count only checks, unless proved valid.</summary>
    public ParquetNeed Needs(int k, ParquetChunk chunk)
    {
        var c = _columns[k];
        if (c.Read) return ParquetNeed.Decode;
        if (!c.Checked) return ParquetNeed.None;
        if (c.IsBytes) return ParquetNeed.Dictionary;
        return Proved(c, chunk) ? ParquetNeed.None : ParquetNeed.Decode;
    }

    /// <summary>Whether column <paramref name="k"/> is a group-by key (its values are wanted once each).</summary>
    public bool Groups(int k) => _columns[k].Key;

    /// <summary>Whether a dictionary that holds every value of a checked text column's chunk proves each row valid and carried by a line.</summary>
    public bool Proves(int k, ParquetValues dictionary)
    {
        var c = _columns[k];
        for (int id = 0; id < dictionary.Values.Count; id++)
        {
            var v = dictionary.Values[id];
            if (v.IndexOfAny((byte)' ', (byte)'\n', (byte)'\r') >= 0 || (_single && v.IsEmpty) || FlowText.Problem(c.Info!, v) is not null) return false;
        }
        return true;
    }

    /// <summary>Whether a number column's min and max prove every value of the chunk valid by the text rule.</summary>
    private static bool Proved(Column c, ParquetChunk chunk)
    {
        if (chunk.Min is null || chunk.Max is null || ThriftReader.Integer(chunk.Min) is not { } min || ThriftReader.Integer(chunk.Max) is not { } max) return false;
        // Every value in [min, max] passes the text rule: not negative, and within its kind's range.
        if (min < 0) return false;
        return c.Info!.Kind switch
        {
            FlowFieldKind.Integer => max <= int.MaxValue,
            FlowFieldKind.Counter => max < TextNumberLimit,
            FlowFieldKind.Time => max <= FlowText.MaxMilliseconds,
            _ => false,
        };
    }

    /// <summary>
    /// Runs the rows of a row group whose needed columns were decoded into <paramref name="values"/> (the others are not
    /// looked at); <paramref name="lineBase"/> is the line number before its first row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Scan(ParquetValues[] values, bool[] decoded, int rows, long lineBase)
    {
        bool odd = false;
        for (int k = 0; k < _columns.Length; k++)
        {
            var c = _columns[k];
            c.Load(decoded[k] ? values[k] : null, _single);
            odd |= c.Odd;
        }
        foreach (var t in _tests) t.Prepare();
        _keyRoom = 8;
        foreach (int k in _keys) _keyRoom += _columns[k].KeyRoom;
        if (_worker is not null && !odd && Clean(rows))
        {
            GroupColumns(rows, lineBase);
            return;
        }
        var tally = _tally;
        for (int row = 0; row < rows; row++)
        {
            long line = lineBase + row + 1;
            tally.Lines++;
            if (odd && Odd(row, line)) continue;
            string? problem = null;
            bool matches = true;
            foreach (var t in _tests)
                if (!t.Matches(row, ref problem)) { matches = false; break; }
            if (!matches || !Accept(row, ref problem))
            {
                if (problem is null) tally.Records++;
                else tally.Skip(line, problem);
                continue;
            }
            tally.Records++;
            tally.Matched++;
        }
    }

    /// <summary>A row a line could not carry (a value with a space or line break: skipped), or a blank line (only counted).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool Odd(int row, long line)
    {
        foreach (var c in _columns)
        {
            if (!c.IsBytes || !c.Odd) continue;
            int slot = c.Slot(row);
            if (c.Unusable[slot] is { } reason) { _tally.Skip(line, reason); return true; }
            if (_single && c.Bytes(slot).IsEmpty) return true;
        }
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Accept(int row, ref string? problem) => _worker is null ? Check(row, ref problem) : Group(row, ref problem);

    /// <summary>RecordCheck's rule on the checked columns; a column its statistics proved valid was not decoded and is not looked at.</summary>
    private bool Check(int row, ref string? problem)
    {
        foreach (int k in _checks)
        {
            var c = _columns[k];
            if (c.Values is null) continue;
            if (c.IsBytes)
            {
                if (c.CheckProblem(c.Slot(row)) is { } bad) { problem = bad; return false; }
                continue;
            }
            if (c.Values.Defined[row] == 0) continue;
            long v = c.Values.Numbers[row];
            bool valid = v >= 0 && v < TextNumberLimit && c.Info!.Kind switch
            {
                FlowFieldKind.Integer => v <= int.MaxValue,
                FlowFieldKind.Time => FlowText.ToMillisecondsFromUnix(v) <= FlowText.MaxMilliseconds,
                _ => true,
            };
            if (!valid && FlowText.Problem(c.Info!, c.Text(row)) is { } wrong) { problem = wrong; return false; }
        }
        return true;
    }

    /// <summary>GroupSink's rule: the key fields written as packed values, then the sums and times.</summary>
    private bool Group(int row, ref string? problem)
    {
        var worker = _worker!;
        var into = worker.KeySpace(_keyRoom);
        int length = 0;
        foreach (int k in _keys)
        {
            int n = _columns[k].WriteKey(row, into[length..], ref problem);
            if (n < 0) return false;
            length += n;
        }
        long packets = 0, bytes = 0, start = long.MaxValue, end = long.MinValue;
        if (_packets >= 0 && !Number(_columns[_packets], row, "packets", ref packets, ref problem)) return false;
        if (_bytes >= 0 && !Number(_columns[_bytes], row, "bytes", ref bytes, ref problem)) return false;
        if (_start >= 0 && !Time(_columns[_start], row, "start", ref start, ref problem)) return false;
        if (_end >= 0 && !Time(_columns[_end], row, "end", ref end, ref problem)) return false;
        if (_binMs > 0)
        {
            long bin = start == long.MaxValue ? long.MinValue : start - (((start % _binMs) + _binMs) % _binMs);
            BinaryPrimitives.WriteInt64LittleEndian(into[length..], bin);
            length += 8;
        }
        worker.Add(length, packets, bytes, start, end);
        return true;
    }

    /// <summary>Rows of a row group grouped at a time, column by column.</summary>
    private const int Block = 256;
    private int[] _selected = [];
    private readonly int[] _blockRows = new int[Block];
    private readonly ulong[] _k0 = new ulong[Block], _k1 = new ulong[Block];
    private readonly int[] _lengths = new int[Block];

    /// <summary>
    /// Whether no row of the row group can fail <see cref="Group"/>: every key value packs (within 16 bytes in all) and every
    /// count and time is one the text rule takes. Then the rows are grouped column by column (<see cref="GroupColumns"/>);
    /// otherwise row by row, which finds each row's problem.
    /// </summary>
    private bool Clean(int rows)
    {
        if (!BitConverter.IsLittleEndian) return false;
        int widest = _binMs > 0 ? 8 : 0;
        foreach (int k in _keys)
        {
            int w = _columns[k].InlineKeyWidth(rows);
            if (w < 0) return false;
            widest += w;
        }
        if (widest > ByteKeys.Inline) return false;
        foreach (int k in new[] { _packets, _bytes })
            if (k >= 0 && !AllBelow(_columns[k].Values!.Numbers.AsSpan(0, rows), TextNumberLimit)) return false;
        foreach (int k in new[] { _start, _end })
            if (k >= 0 && !AllTimes(_columns[k].Values!.Numbers.AsSpan(0, rows))) return false;
        return true;
    }

    /// <summary>Whether every value is in [0, limit) (a null's number is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllBelow(ReadOnlySpan<long> values, long limit)
    {
        ulong widest = 0;
        foreach (long v in values) widest = Math.Max(widest, (ulong)v);
        return widest < (ulong)limit;
    }

    /// <summary>Whether every value is a Unix time (seconds or milliseconds) the text rule takes: not negative, before the year 10000.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool AllTimes(ReadOnlySpan<long> values)
    {
        foreach (long v in values)
            if ((ulong)v >= TextNumberLimit || FlowText.ToMillisecondsFromUnix(v) > FlowText.MaxMilliseconds) return false;
        return true;
    }

    /// <summary>
    /// A row group none of whose rows can fail the group-by (<see cref="Clean"/>): the filter's tests row by row as ever, then
    /// the rows that pass in blocks, each key column appending its packed values to the block's key words in turn, and the
    /// records added by their words (no key bytes written and read back).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void GroupColumns(int rows, long lineBase)
    {
        var tally = _tally;
        tally.Lines += rows;
        int count = rows;
        int[]? selected = null;
        if (_tests.Length > 0)
        {
            if (_selected.Length < rows) _selected = new int[Math.Max(rows, _selected.Length * 2)];
            selected = _selected;
            count = 0;
            for (int row = 0; row < rows; row++)
            {
                string? problem = null;
                bool matches = true;
                foreach (var t in _tests)
                    if (!t.Matches(row, ref problem)) { matches = false; break; }
                if (matches) selected[count++] = row;
                else if (problem is null) tally.Records++;
                else tally.Skip(lineBase + row + 1, problem);
            }
        }
        tally.Records += count;
        tally.Matched += count;
        var worker = _worker!;
        var packets = _packets >= 0 ? _columns[_packets].Values!.Numbers : null;
        var bytes = _bytes >= 0 ? _columns[_bytes].Values!.Numbers : null;
        var start = _start >= 0 ? _columns[_start].Values! : null;
        var end = _end >= 0 ? _columns[_end].Values! : null;
        if (_keys.Length == 1 && _columns[_keys[0]] is { IsBytes: true } only && _binMs == 0 && only.Slots * 2 <= count)
        {
            only.Totals(selected, count, packets, bytes, start, end);
            only.AddTotals(worker);
            return;
        }
        for (int from = 0; from < count; from += Block)
        {
            int n = Math.Min(Block, count - from);
            var at = _blockRows.AsSpan(0, n);
            for (int i = 0; i < n; i++) at[i] = selected is null ? from + i : selected[from + i];
            var k0 = _k0.AsSpan(0, n);
            var k1 = _k1.AsSpan(0, n);
            var lengths = _lengths.AsSpan(0, n);
            k0.Clear(); k1.Clear(); lengths.Clear();
            foreach (int k in _keys) _columns[k].AppendKeys(at, k0, k1, lengths);
            for (int i = 0; i < n; i++)
            {
                int row = at[i];
                long first = start is not null && start.Defined[row] != 0 ? FlowText.ToMillisecondsFromUnix(start.Numbers[row]) : long.MaxValue;
                long last = end is not null && end.Defined[row] != 0 ? FlowText.ToMillisecondsFromUnix(end.Numbers[row]) : long.MinValue;
                if (_binMs > 0)
                {
                    long bin = first == long.MaxValue ? long.MinValue : first - (((first % _binMs) + _binMs) % _binMs);
                    KeyWords.Append(ref k0[i], ref k1[i], ref lengths[i], (ulong)bin, 0, 8);
                }
                worker.Add(k0[i], k1[i], lengths[i], 1, packets?[row] ?? 0, bytes?[row] ?? 0, first, last);
            }
        }
    }

    /// <summary>A count: null is nothing (0), a value the text rule reads as a number is itself, anything else is a problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Number(Column c, int row, string name, ref long value, ref string? problem)
    {
        var values = c.Values!;
        if (values.Defined[row] == 0) return true;
        long v = values.Numbers[row];
        if (v >= 0 && v < TextNumberLimit) { value = v; return true; }
        problem = NotA(c, row, name, "a number");
        return false;
    }

    /// <summary>A time: null leaves it unset, a number is read as seconds or milliseconds; not a number or past the year 9999 is a problem.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Time(Column c, int row, string name, ref long value, ref string? problem)
    {
        var values = c.Values!;
        if (values.Defined[row] == 0) return true;
        long v = values.Numbers[row];
        if (v < 0 || v >= TextNumberLimit) { problem = NotA(c, row, name, "a Unix time"); return false; }
        long ms = FlowText.ToMillisecondsFromUnix(v);
        if (ms > FlowText.MaxMilliseconds) { problem = PastYear9999(c, row, name); return false; }
        value = ms;
        return true;
    }

    // The problems are built out of line, so the checks above stay small enough to inline in the per-row loop.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string NotA(Column c, int row, string name, string what) => $"{name} '{Encoding.UTF8.GetString(c.Text(row))}' is not {what}";

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static string PastYear9999(Column c, int row, string name) => FlowText.TimeProblem(name, c.Text(row));

    /// <summary>
    /// One column of the scan and, for text, what each of its distinct values means once per row group: slot 0 is a null
    /// ('-'), slot id + 1 the value with that id.
    /// </summary>
    private sealed class Column(string name, FlowFieldInfo? info, bool isBytes)
    {
        public readonly string Name = name;
        public readonly FlowFieldInfo? Info = info;
        public readonly bool IsBytes = isBytes;
        public bool Read, Checked, Key;
        /// <summary>The row group's values, or null when they were not decoded.</summary>
        public ParquetValues? Values;
        /// <summary>Some value of the row group cannot be a field of a line, or (a line of one field) is empty.</summary>
        public bool Odd;
        public string?[] Unusable = [];
        private string?[] _problems = [];
        private bool[] _judged = [];
        private byte[] _keys = [];
        private int[] _keyAt = [], _keyLength = [];
        /// <summary>Per slot: its packed key as two words (zero after its end), when every key of the row group is valid and inline.</summary>
        private ulong[] _keyLo = [], _keyHi = [];
        private bool _keysInline;
        private string?[] _keyProblems = [];
        public int KeyRoom;
        private int _slots;

        public void Load(ParquetValues? values, bool single)
        {
            Values = values;
            Odd = false;
            KeyRoom = 5;
            if (values is null || !IsBytes) return;
            int slots = _slots = values.Values.Count + 1;
            if (Unusable.Length < slots) Unusable = new string?[slots * 2];
            // Usually no value holds a space or line break: one search over all of them says so.
            // (Unusable is only looked at when Odd.)
            if (values.Values.All.IndexOfAny((byte)' ', (byte)'\n', (byte)'\r') >= 0 || (single && values.Values.AnyEmpty()))
                for (int s = 0; s < slots; s++)
                {
                    var v = Bytes(s);
                    Unusable[s] = v.IndexOfAny((byte)' ', (byte)'\n', (byte)'\r') >= 0
                        ? $"{Name} '{FlowText.Describe(v)}' holds a space or line break, which no flow-log field can" : null;
                    Odd |= Unusable[s] is not null || (single && v.IsEmpty);
                }
            if (Checked)
            {
                if (_judged.Length < slots) { _judged = new bool[slots * 2]; _problems = new string?[slots * 2]; }
                else Array.Clear(_judged, 0, slots);
            }
            if (Key) Keys(slots);
        }

        /// <summary>Each value's packed key, as GroupKey writes it from the value's text (a space after it, as in a line).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Keys(int slots)
        {
            if (_keyAt.Length < slots) { _keyAt = new int[slots * 2]; _keyLength = new int[slots * 2]; _keyProblems = new string?[slots * 2]; }
            // Room for every key at once: a key is at most its value and 5 bytes ('-' is slot 0), and whole words after the last.
            int room = Values!.Values.All.Length + GroupKey.MaxLength(1) * slots + ByteKeys.Inline;
            if (_keys.Length < room) _keys = new byte[Math.Max(room, _keys.Length * 2)];
            int used = 0, widest = 1;
            var values = Values.Values;
            for (int s = 0; s < slots; s++)
            {
                string? problem = null;
                // GroupKey reads a value within its length, by loads of up to 16 bytes: the values' slack allows them.
                int n = s == 0 ? GroupKey.Write(Info, "-               "u8, 1, _keys, ref problem)
                    : GroupKey.Write(Info, values.FromValue(s - 1), values[s - 1].Length, _keys.AsSpan(used), ref problem);
                _keyAt[s] = used;
                _keyLength[s] = n;
                if (n > 0) { used += n; widest = Math.Max(widest, n); }
                else _keyProblems[s] = problem;
            }
            KeyRoom = widest;
            _keysInline = widest <= ByteKeys.Inline;
            for (int s = 0; s < slots && _keysInline; s++) _keysInline = _keyLength[s] > 0;
            if (!_keysInline) return;
            if (_keyLo.Length < slots) { _keyLo = new ulong[slots * 2]; _keyHi = new ulong[slots * 2]; }
            for (int s = 0; s < slots; s++) ByteKeys.Words(_keys.AsSpan(_keyAt[s]), _keyLength[s], out _keyLo[s], out _keyHi[s]);
        }

        /// <summary>
        /// The most bytes a row's key value takes in this row group, or -1 when some value has no key of at most 16 bytes
        /// (a problem, a long text, a number that is not a plain integer field's): such a row group is grouped row by row.
        /// </summary>
        public int InlineKeyWidth(int rows)
        {
            if (IsBytes) return _keysInline ? KeyRoom : -1;
            if (Info?.Kind != FlowFieldKind.Integer) return -1;
            ulong widest = 0;
            foreach (long v in Values!.Numbers.AsSpan(0, rows)) widest = Math.Max(widest, (ulong)v);
            // A port or protocol packs in 3 bytes (GroupKey.IntegerWord); a null in 1.
            return widest <= ushort.MaxValue ? 3 : widest <= int.MaxValue ? 5 : -1;
        }

        private long[] _records = [], _packets = [], _bytes = [], _first = [], _last = [];

        /// <summary>
        /// The totals of the rows (the first <paramref name="count"/> of <paramref name="selected"/>, or rows 0 to count - 1
        /// when null) per value: where a row group holds each value many times (an address per source), the group table is
        /// then asked once per value instead of once per row.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Totals(int[]? selected, int count, long[]? packets, long[]? bytes, ParquetValues? start, ParquetValues? end)
        {
            int slots = _slots;
            if (_records.Length < slots)
            {
                int room = slots * 2;
                (_records, _packets, _bytes, _first, _last) = (new long[room], new long[room], new long[room], new long[room], new long[room]);
            }
            _records.AsSpan(0, slots).Clear();
            _packets.AsSpan(0, slots).Clear();
            _bytes.AsSpan(0, slots).Clear();
            _first.AsSpan(0, slots).Fill(long.MaxValue);
            _last.AsSpan(0, slots).Fill(long.MinValue);
            var defined = Values!.Defined;
            var ids = Values.Ids;
            // The rows' slots first, then one column at a time: short loops the compiler keeps in registers.
            if (_rowSlots.Length < count) _rowSlots = new int[Math.Max(count, _rowSlots.Length * 2)];
            var slotOf = _rowSlots.AsSpan(0, count);
            for (int i = 0; i < count; i++)
            {
                int row = selected is null ? i : selected[i];
                int slot = slotOf[i] = defined[row] == 0 ? 0 : ids[row] + 1;
                _records[slot]++;
            }
            if (packets is not null) Sum(slotOf, selected, packets, _packets);
            if (bytes is not null) Sum(slotOf, selected, bytes, _bytes);
            if (start is not null)
                for (int i = 0; i < count; i++)
                {
                    int row = selected is null ? i : selected[i];
                    if (start.Defined[row] != 0) _first[slotOf[i]] = Math.Min(_first[slotOf[i]], FlowText.ToMillisecondsFromUnix(start.Numbers[row]));
                }
            if (end is not null)
                for (int i = 0; i < count; i++)
                {
                    int row = selected is null ? i : selected[i];
                    if (end.Defined[row] != 0) _last[slotOf[i]] = Math.Max(_last[slotOf[i]], FlowText.ToMillisecondsFromUnix(end.Numbers[row]));
                }
        }

        /// <summary>Adds each row's count to its slot's total.</summary>
        private static void Sum(ReadOnlySpan<int> slotOf, int[]? selected, long[] column, long[] totals)
        {
            for (int i = 0; i < slotOf.Length; i++) totals[slotOf[i]] = FlowText.Add(totals[slotOf[i]], column[selected is null ? i : selected[i]]);
        }

        private int[] _rowSlots = [];

        /// <summary>Adds each value's totals from <see cref="Totals"/> to its group.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AddTotals(GroupWorker worker)
        {
            for (int s = 0; s < _slots; s++)
                if (_records[s] > 0) worker.Add(_keyLo[s], _keyHi[s], _keyLength[s], _records[s], _packets[s], _bytes[s], _first[s], _last[s]);
        }

        /// <summary>Appends each block row's packed key value to its key words (see <see cref="KeyWords.Append"/>).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void AppendKeys(ReadOnlySpan<int> rows, Span<ulong> k0, Span<ulong> k1, Span<int> lengths)
        {
            var values = Values!;
            var defined = values.Defined;
            if (IsBytes)
            {
                var ids = values.Ids;
                for (int i = 0; i < rows.Length; i++)
                {
                    int row = rows[i];
                    int slot = defined[row] == 0 ? 0 : ids[row] + 1;
                    KeyWords.Append(ref k0[i], ref k1[i], ref lengths[i], _keyLo[slot], _keyHi[slot], _keyLength[slot]);
                }
                return;
            }
            var numbers = values.Numbers;
            for (int i = 0; i < rows.Length; i++)
            {
                int row = rows[i];
                int n = GroupKey.IntegerWord(defined[row] != 0, (int)numbers[row], out ulong word);
                KeyWords.Append(ref k0[i], ref k1[i], ref lengths[i], word, 0, n);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int Slot(int row) => Values!.Defined[row] == 0 ? 0 : Values.Ids[row] + 1;

        public ReadOnlySpan<byte> Bytes(int slot) => slot == 0 ? "-"u8 : Values!.Values[slot - 1];

        public int Slots => _slots;

        /// <summary>The text rule's problem with a value (judged once per value).</summary>
        public string? CheckProblem(int slot)
        {
            if (!_judged[slot])
            {
                _problems[slot] = FlowText.Problem(Info!, Bytes(slot));
                _judged[slot] = true;
            }
            return _problems[slot];
        }

        /// <summary>The text a line would hold for the row's value.</summary>
        public byte[] Text(int row)
        {
            if (IsBytes) return Bytes(Slot(row)).ToArray();
            return Values!.Defined[row] == 0 ? "-"u8.ToArray() : Encoding.ASCII.GetBytes(Values.Numbers[row].ToString(CultureInfo.InvariantCulture));
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int WriteKey(int row, Span<byte> into, ref string? problem)
        {
            var values = Values!;
            if (IsBytes)
            {
                int slot = Slot(row);
                int n = _keyLength[slot];
                if (n < 0) { problem = _keyProblems[slot]; return -1; }
                if (n == 5 && into.Length >= 8 && _keys.Length - _keyAt[slot] >= 8)
                {
                    // An IPv4 key: one 8-byte copy (the key space has slack after the key) instead of a call.
                    Unsafe.WriteUnaligned(ref into[0], Unsafe.ReadUnaligned<ulong>(ref _keys[_keyAt[slot]]));
                    return 5;
                }
                _keys.AsSpan(_keyAt[slot], n).CopyTo(into);
                return n;
            }
            if (values.Defined[row] != 0 && Info?.Kind == FlowFieldKind.Integer && (ulong)values.Numbers[row] <= int.MaxValue)
                return GroupKey.WriteInteger(into, (int)values.Numbers[row]);
            return OtherKey(row, into, ref problem);
        }

        /// <summary>A number key that is not a plain integer field's: written from its text, as a line's would be.</summary>
        [MethodImpl(MethodImplOptions.NoInlining)]
        private int OtherKey(int row, Span<byte> into, ref string? problem)
        {
            var text = Text(row);
            var padded = new byte[text.Length + 32];
            padded.AsSpan().Fill((byte)' ');
            text.CopyTo(padded, 0);
            return GroupKey.Write(Info, padded, text.Length, into, ref problem);
        }
    }

    private abstract class Test(Column[] columns)
    {
        public Column[] Columns { get; } = columns;
        public virtual void Prepare() { }
        public abstract bool Matches(int row, ref string? problem);
    }

    /// <summary>A text criterion: decided once per distinct value.</summary>
    private sealed class TextTest(Column column, byte[][] values) : Test([column])
    {
        private bool[] _match = [];

        public override void Prepare()
        {
            int slots = column.Slots;
            if (_match.Length < slots) _match = new bool[slots * 2];
            for (int s = 0; s < slots; s++)
            {
                var v = column.Bytes(s);
                bool found = false;
                foreach (var want in values) if (v.SequenceEqual(want)) { found = true; break; }
                _match[s] = found;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public override bool Matches(int row, ref string? problem) => _match[column.Slot(row)];
    }

    /// <summary>Ports and protocol as integers: null never matches, a negative number is the text reader's "not a number".</summary>
    private sealed class PortTest(Column[] columns, PortRange[] ranges, string name) : Test(columns)
    {
        public override bool Matches(int row, ref string? problem)
        {
            foreach (var c in Columns)
            {
                var values = c.Values!;
                if (values.Defined[row] == 0) continue;
                long n = values.Numbers[row];
                if (n < 0 || n >= TextNumberLimit) { problem = $"{name} '{Encoding.UTF8.GetString(c.Text(row))}' is not a number"; continue; }
                foreach (var r in ranges) if (n >= r.From && n <= r.To) return true;
            }
            return false;
        }
    }

    /// <summary>Addresses: each distinct value parsed once and judged against the CIDRs (match, no match, or not an address).</summary>
    private sealed class AddressTest : Test
    {
        private readonly uint[] _v4Network, _v4Mask;
        private readonly Cidr[] _v6;
        private readonly byte[][] _outcome;
        private readonly string?[][] _problem;
        private const byte Miss = 0, Hit = 1, Bad = 2;

        public AddressTest(Column[] columns, IReadOnlyList<Cidr> cidrs) : base(columns)
        {
            var v4 = cidrs.Where(c => !c.IsIPv6).ToArray();
            _v4Network = v4.Select(c => (uint)c.Network.Value).ToArray();
            _v4Mask = v4.Select(c => c.Prefix == 0 ? 0u : uint.MaxValue << (32 - c.Prefix)).ToArray();
            _v6 = cidrs.Where(c => c.IsIPv6).ToArray();
            _outcome = columns.Select(_ => Array.Empty<byte>()).ToArray();
            _problem = columns.Select(_ => Array.Empty<string?>()).ToArray();
        }

        public override void Prepare()
        {
            for (int i = 0; i < Columns.Length; i++)
            {
                var c = Columns[i];
                int slots = c.Slots;
                if (_outcome[i].Length < slots) { _outcome[i] = new byte[slots * 2]; _problem[i] = new string?[slots * 2]; }
                for (int s = 0; s < slots; s++) (_outcome[i][s], _problem[i][s]) = Judge(c.Bytes(s));
            }
        }

        private (byte, string?) Judge(ReadOnlySpan<byte> f)
        {
            if (FlowText.TryParseIPv4(f, out uint v4))
            {
                for (int i = 0; i < _v4Network.Length; i++)
                    if ((v4 & _v4Mask[i]) == _v4Network[i]) return (Hit, null);
                return (Miss, null);
            }
            if (FlowText.IsDash(f)) return (Miss, null);
            if (!FlowText.TryParseAddress(f, out var a)) return (Bad, $"'{FlowText.Describe(f)}' is not an IP address");
            foreach (var c in _v6) if (c.Contains(a)) return (Hit, null);
            return (Miss, null);
        }

        public override bool Matches(int row, ref string? problem)
        {
            for (int i = 0; i < Columns.Length; i++)
            {
                int slot = Columns[i].Slot(row);
                switch (_outcome[i][slot])
                {
                    case Hit: return true;
                    case Bad: problem = _problem[i][slot]; break;
                }
            }
            return false;
        }
    }

    /// <summary>The record's window [start, end] overlaps [since, until); a null start or end never matches.</summary>
    private sealed class TimeTest(Column start, Column end, long since, long until) : Test([start, end])
    {
        public override bool Matches(int row, ref string? problem)
        {
            if (!Read(start, row, "start", ref problem, out long s) || !Read(end, row, "end", ref problem, out long e)) return false;
            return FlowText.ToMillisecondsFromUnix(e) >= since && FlowText.ToMillisecondsFromUnix(s) < until;
        }

        private static bool Read(Column c, int row, string name, ref string? problem, out long value)
        {
            var values = c.Values!;
            value = 0;
            if (values.Defined[row] == 0) return false;
            value = values.Numbers[row];
            if (value >= 0 && value < TextNumberLimit) return true;
            problem = $"{name} '{Encoding.UTF8.GetString(c.Text(row))}' is not a Unix time";
            return false;
        }
    }
}

/// <summary>A key of up to 16 bytes held as two little-endian words, assembled value by value.</summary>
internal static class KeyWords
{
    /// <summary>
    /// Appends a value of <paramref name="n"/> bytes (its words <paramref name="lo"/>, <paramref name="hi"/>, zero after its
    /// end) to the key of <paramref name="length"/> bytes in <paramref name="k0"/>, <paramref name="k1"/>: the same words as
    /// the key's bytes written one after another. The key must stay within 16 bytes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Append(ref ulong k0, ref ulong k1, ref int length, ulong lo, ulong hi, int n)
    {
        int shift = length * 8;
        if (length == 0) { k0 = lo; k1 = hi; }
        else if (length < 8) { k0 |= lo << shift; k1 |= (lo >> (64 - shift)) | (hi << shift); }
        // From byte 8 on the value has at most 8 bytes left of the 16: all in its first word.
        else k1 |= lo << (shift - 64);
        length += n;
    }
}
