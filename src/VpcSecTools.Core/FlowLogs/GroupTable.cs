using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Text;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Aggregates records by the raw bytes of their group-by fields (and time bin): an open-addressing index of
/// 8-byte slots over a dense array of 64-byte groups, long keys in one byte arena. A record that joins an
/// existing group allocates nothing, so memory grows with the number of groups, never with the input.
/// </summary>
/// <remarks>
/// A lookup reads one slot (the index is small: 1 MiB for 100k groups, so it stays in cache) and then the one
/// group it points to, whose first 16 key bytes, key length and totals share 64 bytes; keys up to 16 bytes
/// (any IPv4 address, ports, actions) are compared as two words and need nothing else.
/// </remarks>
internal sealed class GroupTable
{
    private readonly int[] _keyIndexes;
    private readonly int _packets, _bytes, _start, _end;
    private readonly long _binMs;
    /// <summary>Records read but not yet added to their groups, and the keys of theirs longer than 16 bytes.</summary>
    private Pending[] _pending = new Pending[Batch];
    private int _pendingCount;
    private byte[] _pendingKeys = new byte[Batch * 64];
    private int _pendingKeysUsed;
    /// <summary>The batch before, whose groups are being fetched into cache while the pending batch fills.</summary>
    private Pending[] _ready = new Pending[Batch];
    private int _readyCount;
    private byte[] _readyKeys = new byte[Batch * 64];
    /// <summary>Where warming loads go (no prefetch instruction), so that they are not optimised away.</summary>
    private ulong _touched;

    private const int Batch = 32;

    /// <summary>Per slot: the upper 32 bits of the key's hash, and the group's index + 1 (0: empty).</summary>
    private ulong[] _slots = new ulong[1024];
    private Group[] _groups = new Group[256];
    private int _count;
    private byte[] _arena = new byte[1 << 12];
    private int _arenaUsed;

    private const int InlineKey = ByteKeys.Inline;

    [InlineArray(2)]
    private struct KeyWords
    {
        private ulong _first;
    }

    private struct Group
    {
        /// <summary>The key's first 16 bytes, zero after its end.</summary>
        public KeyWords Key;
        public int KeyLength;
        /// <summary>Where a key longer than 16 bytes is in the arena (all of it).</summary>
        public int KeyOffset;
        public long Records, Packets, Bytes, First, Last;
    }

    private struct Pending
    {
        public ulong K0, K1;
        public uint Tag;
        public int Length;
        /// <summary>Where a key longer than 16 bytes is in the batch's key buffer.</summary>
        public int KeyAt;
        public long Packets, Bytes, First, Last;
    }

    /// <summary>
    /// Takes the field positions (in this table's format) of the group-by fields and of packets, bytes, start and
    /// end (-1 where absent), and the time-bin width in milliseconds (0 for no bins).
    /// </summary>
    public GroupTable(int[] keyIndexes, int packets, int bytes, int start, int end, long binMs)
    {
        _keyIndexes = keyIndexes;
        _packets = packets; _bytes = bytes; _start = start; _end = end;
        _binMs = binMs;
    }

    /// <summary>The number of groups (records still batched are added first).</summary>
    public int Count { get { Flush(); return _count; } }

    /// <summary>Adds a record; false with <paramref name="problem"/> set when a counted field is malformed.</summary>
    /// <remarks>
    /// The record is checked and its key and numbers taken now, but it joins its group with the next
    /// <see cref="Batch"/> - 1 records (see <see cref="Advance"/>).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(scoped in RawLine line, ref string? problem)
    {
        long packets = 0, bytes = 0, start = long.MaxValue, end = long.MinValue;
        if (_packets >= 0 && !line.TryNumber(_packets, out packets) && !Dash(line, _packets, "packets", "a number", out packets, ref problem)) return false;
        if (_bytes >= 0 && !line.TryNumber(_bytes, out bytes) && !Dash(line, _bytes, "bytes", "a number", out bytes, ref problem)) return false;
        if (_start >= 0)
        {
            if (line.TryNumber(_start, out start)) start = FlowText.ToMillisecondsFromUnix(start);
            else if (!Dash(line, _start, "start", "a Unix time", out start, ref problem)) return false;
            else start = long.MaxValue;
            if (start > FlowText.MaxMilliseconds && start != long.MaxValue) { problem = FlowText.TimeProblem("start", line.Field(_start)); return false; }
        }
        if (_end >= 0)
        {
            if (line.TryNumber(_end, out end)) end = FlowText.ToMillisecondsFromUnix(end);
            else if (!Dash(line, _end, "end", "a Unix time", out end, ref problem)) return false;
            else end = long.MinValue;
            if (end > FlowText.MaxMilliseconds) { problem = FlowText.TimeProblem("end", line.Field(_end)); return false; }
        }

        ref var p = ref _pending[_pendingCount];
        p.Packets = packets; p.Bytes = bytes; p.First = start; p.Last = end;
        ReadOnlySpan<byte> key;
        int length;
        if (_keyIndexes.Length == 1 && _binMs == 0)
        {
            // One field, no bins (top talkers): the field's bytes in the line buffer are the key; only a key
            // longer than two words is copied (for the batch).
            key = line.FieldAndRest(_keyIndexes[0], out length);
            if (length > InlineKey) key[..length].CopyTo(PendingKeySpace(length));
        }
        else
        {
            length = 0;
            for (int k = 0; k < _keyIndexes.Length; k++) length += line.Field(_keyIndexes[k]).Length + 1;
            if (_binMs > 0) length += 8;
            var into = PendingKeySpace(length);
            length = 0;
            for (int k = 0; k < _keyIndexes.Length; k++)
            {
                var rest = line.FieldAndRest(_keyIndexes[k], out int fieldLength);
                if (k > 0) into[length++] = (byte)' ';
                // Fields are short: one 32-byte vector copy (its excess lands in the slack or is overwritten next)
                // instead of a call to a general copy.
                if (Vector256.IsHardwareAccelerated && fieldLength <= Slack && rest.Length >= Slack && into.Length - length >= Slack)
                    Vector256.Create<byte>(rest).CopyTo(into[length..]);
                else rest[..fieldLength].CopyTo(into[length..]);
                length += fieldLength;
            }
            if (_binMs > 0)
            {
                // A record without a start time has no bin; it groups under bin long.MinValue and is shown without one.
                long bin = start == long.MaxValue ? long.MinValue : start - Modulo(start, _binMs);
                BinaryPrimitives.WriteInt64LittleEndian(into[length..], bin);
                length += 8;
            }
            key = into;
        }
        ByteKeys.Words(key, length, out p.K0, out p.K1);
        p.Length = length;
        p.Tag = ByteKeys.Tag(p.K0, p.K1, key[..length]);
        if (length > InlineKey) { p.KeyAt = _pendingKeysUsed; _pendingKeysUsed += length; }
        Prefetch(ref _slots[(int)p.Tag & (_slots.Length - 1)]);
        if (++_pendingCount == Batch) Advance();
        return true;
    }

    /// <summary>Space for a batched key of up to <paramref name="length"/> bytes, with <see cref="Slack"/> bytes after it.</summary>
    private Span<byte> PendingKeySpace(int length)
    {
        if (_pendingKeysUsed + length + Slack > _pendingKeys.Length)
            Array.Resize(ref _pendingKeys, Math.Max(_pendingKeys.Length * 2, _pendingKeysUsed + length + Slack));
        return _pendingKeys.AsSpan(_pendingKeysUsed);
    }

    /// <summary>Room past a batched key for whole-vector copies into it and whole-word loads from it.</summary>
    private const int Slack = 32;

    private static long Modulo(long a, long m) => ((a % m) + m) % m;

    /// <summary>A field that is not a number: '-' counts as nothing, anything else makes the line malformed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool Dash(scoped in RawLine line, int index, string name, string what, out long value, ref string? problem)
    {
        value = 0;
        var f = line.Field(index);
        if (FlowText.IsDash(f)) return true;
        problem = $"{name} '{FlowText.Describe(f)}' is not {what}";
        return false;
    }

    /// <summary>
    /// A full batch: its groups are fetched into cache, and the batch before it (fetched one batch ago) joins
    /// its groups. Random groups among many are cache misses, two dependent ones per record (slot, then group);
    /// prefetched a batch ahead, they arrive while the scanner reads the next 32 lines instead of one by one.
    /// </summary>
    private void Advance()
    {
        Warm(_pending.AsSpan(0, _pendingCount));
        Process(_ready.AsSpan(0, _readyCount), _readyKeys);
        (_ready, _pending) = (_pending, _ready);
        (_readyKeys, _pendingKeys) = (_pendingKeys, _readyKeys);
        _readyCount = _pendingCount;
        _pendingCount = 0;
        _pendingKeysUsed = 0;
    }

    /// <summary>Adds every batched record to its group.</summary>
    private void Flush()
    {
        Process(_ready.AsSpan(0, _readyCount), _readyKeys);
        _readyCount = 0;
        Process(_pending.AsSpan(0, _pendingCount), _pendingKeys);
        _pendingCount = 0;
        _pendingKeysUsed = 0;
    }

    /// <summary>Prefetches the groups (and arena keys) of a batch whose slots were prefetched as it was filled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Warm(ReadOnlySpan<Pending> batch)
    {
        var slots = _slots;
        var groups = _groups;
        int mask = slots.Length - 1;
        foreach (ref readonly var p in batch)
        {
            ulong s = slots[(int)p.Tag & mask];
            if (s == 0) continue;
            ref var g = ref groups[(int)(uint)s - 1];
            Prefetch(ref g);
            // Keys longer than 16 bytes are compared in the arena too.
            if (p.Length > InlineKey && g.KeyLength > InlineKey) Prefetch(ref _arena[g.KeyOffset + InlineKey]);
        }
    }

    /// <summary>
    /// Brings the cache line of <paramref name="at"/> in with a plain load whose value is kept, so the loads of a
    /// batch overlap each other instead of stalling one by one. (A prefetch instruction measured no better and
    /// needs an unsafe pointer.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Prefetch<T>(ref T at) where T : unmanaged => _touched += Unsafe.As<T, byte>(ref at);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Process(ReadOnlySpan<Pending> batch, byte[] keys)
    {
        foreach (ref readonly var p in batch)
        {
            // The common case inline: the key's group sits in its home slot.
            ulong home = _slots[(int)p.Tag & (_slots.Length - 1)];
            if (home != 0 && (uint)(home >> 32) == p.Tag)
            {
                ref var g = ref _groups[(int)(uint)home - 1];
                if (g.KeyLength == p.Length && g.Key[0] == p.K0 && g.Key[1] == p.K1
                    && (p.Length <= InlineKey || _arena.AsSpan(g.KeyOffset + InlineKey, p.Length - InlineKey).SequenceEqual(keys.AsSpan(p.KeyAt + InlineKey, p.Length - InlineKey))))
                {
                    g.Records++;
                    g.Packets = FlowText.Add(g.Packets, p.Packets);
                    g.Bytes = FlowText.Add(g.Bytes, p.Bytes);
                    if (p.First < g.First) g.First = p.First;
                    if (p.Last > g.Last) g.Last = p.Last;
                    continue;
                }
            }
            var key = p.Length > InlineKey ? keys.AsSpan(p.KeyAt, p.Length) : default;
            Accumulate(p.K0, p.K1, p.Tag, p.Length, key, 1, p.Packets, p.Bytes, p.First, p.Last);
        }
    }

    /// <summary>
    /// Adds to the group of the key <paramref name="k0"/>, <paramref name="k1"/> (its first 16 bytes) of
    /// <paramref name="length"/> bytes; <paramref name="key"/> is all of it when longer than 16.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accumulate(ulong k0, ulong k1, uint tag, int length, ReadOnlySpan<byte> key, long records, long packets, long bytes, long first, long last)
    {
        ulong tagged = (ulong)tag << 32;
        int mask = _slots.Length - 1;
        int slot = (int)tag & mask;
        while (true)
        {
            ulong s = _slots[slot];
            if (s == 0) break;
            if ((s & 0xFFFF_FFFF_0000_0000UL) == tagged)
            {
                ref var g = ref _groups[(int)(uint)s - 1];
                if (g.KeyLength == length && g.Key[0] == k0 && g.Key[1] == k1
                    && (length <= InlineKey || _arena.AsSpan(g.KeyOffset + InlineKey, length - InlineKey).SequenceEqual(key[InlineKey..])))
                {
                    g.Records += records;
                    g.Packets = FlowText.Add(g.Packets, packets);
                    g.Bytes = FlowText.Add(g.Bytes, bytes);
                    if (first < g.First) g.First = first;
                    if (last > g.Last) g.Last = last;
                    return;
                }
            }
            slot = (slot + 1) & mask;
        }
        if (_count == _groups.Length) Array.Resize(ref _groups, _groups.Length * 2);
        ref var added = ref _groups[_count];
        added.Key[0] = k0;
        added.Key[1] = k1;
        added.KeyLength = length;
        if (length > InlineKey)
        {
            if (_arenaUsed + length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + length));
            key.CopyTo(_arena.AsSpan(_arenaUsed));
            added.KeyOffset = _arenaUsed;
            _arenaUsed += length;
        }
        added.Records = records; added.Packets = packets; added.Bytes = bytes; added.First = first; added.Last = last;
        _slots[slot] = tagged | (uint)(++_count);
        // At most 3/4 full: linear probes stay short, and 8-byte slots keep a probe run within a cache line or two.
        if (_count * 4L > _slots.Length * 3L) Grow();
    }

    private void Grow()
    {
        // A slot's home is its tag's low bits, so the slots re-spread without touching the groups.
        var slots = new ulong[_slots.Length * 2];
        int mask = slots.Length - 1;
        foreach (ulong s in _slots)
        {
            if (s == 0) continue;
            int slot = (int)(s >> 32) & mask;
            while (slots[slot] != 0) slot = (slot + 1) & mask;
            slots[slot] = s;
        }
        _slots = slots;
    }

    private ReadOnlySpan<byte> KeyOf(int g)
    {
        ref var group = ref _groups[g];
        return group.KeyLength <= InlineKey
            ? MemoryMarshal.AsBytes((ReadOnlySpan<ulong>)group.Key)[..group.KeyLength]
            : _arena.AsSpan(group.KeyOffset, group.KeyLength);
    }

    /// <summary>Folds another worker's groups into this one (same group-by fields, any format).</summary>
    public void MergeFrom(GroupTable other)
    {
        Flush();
        other.Flush();
        for (int i = 0; i < other._count; i++)
        {
            ref var g = ref other._groups[i];
            var key = other.KeyOf(i);
            Accumulate(g.Key[0], g.Key[1], ByteKeys.Tag(g.Key[0], g.Key[1], key), g.KeyLength, key, g.Records, g.Packets, g.Bytes, g.First, g.Last);
        }
    }

    /// <summary>The groups, largest first by <paramref name="by"/>, at most <paramref name="top"/>.</summary>
    /// <remarks>Ties break by record count, then by key (ordinal), so results are the same run to run.</remarks>
    public IReadOnlyList<FlowGroup> Results(IReadOnlyList<string> fields, FlowMetric by, int? top)
    {
        Flush();
        var rank = new Ranking(this, by);
        int[] chosen;
        if (top is { } n && n < _count)
        {
            // Keep the best n in a heap whose root is the worst of them: O(groups log n), and only n keys decoded.
            var heap = new PriorityQueue<int, int>(n + 1, Comparer<int>.Create((a, b) => rank.Compare(b, a)));
            for (int g = 0; g < _count; g++)
            {
                if (heap.Count < n) heap.Enqueue(g, g);
                else if (rank.Compare(g, heap.Peek()) < 0) heap.EnqueueDequeue(g, g);
            }
            chosen = heap.UnorderedItems.Select(x => x.Element).ToArray();
        }
        else chosen = Enumerable.Range(0, _count).ToArray();
        // A struct comparer: the sort is specialised for it, no interface call per comparison.
        chosen.AsSpan().Sort(rank);
        var texts = new TextCache();
        var results = new FlowGroup[chosen.Length];
        for (int i = 0; i < chosen.Length; i++) results[i] = ToGroup(chosen[i], fields, texts);
        return results;
    }

    /// <summary>Larger metric first, then more records, then the key's bytes (ordinal).</summary>
    private readonly struct Ranking(GroupTable table, FlowMetric by) : IComparer<int>
    {
        private readonly Group[] _groups = table._groups;

        private long Metric(int g) => by switch { FlowMetric.Packets => _groups[g].Packets, FlowMetric.Count => _groups[g].Records, _ => _groups[g].Bytes };

        public int Compare(int a, int b)
        {
            int c = Metric(b).CompareTo(Metric(a));
            if (c == 0) c = _groups[b].Records.CompareTo(_groups[a].Records);
            return c != 0 ? c : table.KeyOf(a).SequenceCompareTo(table.KeyOf(b));
        }
    }

    /// <summary>
    /// One string per distinct field value in the results: values repeat across groups (an interface, a
    /// service, an address in many pairs), and each saved string is an allocation that would outlive the query.
    /// </summary>
    private sealed class TextCache
    {
        private readonly Dictionary<uint, (byte[] Bytes, string Text)> _seen = [];

        public string Get(ReadOnlySpan<byte> value)
        {
            ByteKeys.Words(value, value.Length, out ulong k0, out ulong k1);
            uint h = ByteKeys.Tag(k0, k1, value);
            if (_seen.TryGetValue(h, out var known) && value.SequenceEqual(known.Bytes)) return known.Text;
            var text = Encoding.UTF8.GetString(value);
            // A hash shared by two values keeps the first; the second is decoded each time.
            _seen.TryAdd(h, (value.ToArray(), text));
            return text;
        }
    }

    private FlowGroup ToGroup(int g, IReadOnlyList<string> fields, TextCache texts)
    {
        var key = KeyOf(g);
        DateTimeOffset? bin = null;
        if (_binMs > 0)
        {
            long b = BinaryPrimitives.ReadInt64LittleEndian(key[^8..]);
            if (b != long.MinValue) bin = FlowText.FromMilliseconds(b);
            key = key[..^8];
        }
        var values = new string?[fields.Count];
        for (int k = 0; k < fields.Count; k++)
        {
            int space = k == fields.Count - 1 ? key.Length : key.IndexOf((byte)' ');
            var v = key[..space];
            values[k] = FlowText.IsDash(v) ? null : texts.Get(v);
            key = space < key.Length ? key[(space + 1)..] : [];
        }
        ref var group = ref _groups[g];
        return new FlowGroup
        {
            Fields = fields.ToValueList(), Values = values.ToValueList(), Bin = bin,
            Count = group.Records, Packets = group.Packets, Bytes = group.Bytes,
            FirstSeen = group.First == long.MaxValue ? null : FlowText.FromMilliseconds(group.First),
            LastSeen = group.Last == long.MinValue ? null : FlowText.FromMilliseconds(group.Last),
        };
    }
}
