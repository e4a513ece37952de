using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Aggregates records by the raw bytes of their group-by fields (and time bin) in an open-addressing table
/// whose keys live in one byte arena: a record that joins an existing group allocates nothing, so memory grows
/// with the number of groups, never with the input.
/// </summary>
internal sealed class GroupTable
{
        private readonly int[] _keyIndexes;
    private readonly int _packets, _bytes, _start, _end;
    private readonly long _binMs;
    private byte[] _scratch = new byte[256];

    private byte[] _arena = new byte[1 << 16];
    private int _arenaUsed;
    private int _count;
    /// <summary>
    /// Open addressing over the groups themselves, keys up to <see cref="InlineKey"/> bytes stored in the entry:
    /// a lookup of a known group touches one entry and nothing else. An entry with no records is empty.
    /// </summary>
    private Group[] _groups = new Group[1024];

    private const int InlineKey = 24;

    [InlineArray(InlineKey)]
    private struct KeyBytes
    {
        private byte _first;
    }

    private struct Group
    {
        public ulong Hash;
        /// <summary>Where a long key is in the arena; -1 when the key is inline.</summary>
        public int KeyOffset;
        public int KeyLength;
        public KeyBytes Key;
        public long Records, Packets, Bytes, First, Last;
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

    public int Count => _count;

    /// <summary>Adds a record; false with <paramref name="problem"/> set when a counted field is malformed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Add(scoped in RawLine line, ref string? problem)
    {
        long packets = 0, bytes = 0, start = long.MaxValue, end = long.MinValue;
        if (_packets >= 0 && !Counter(line.Field(_packets), "packets", ref packets, ref problem)) return false;
        if (_bytes >= 0 && !Counter(line.Field(_bytes), "bytes", ref bytes, ref problem)) return false;
        if (_start >= 0 && !Time(line.Field(_start), "start", ref start, ref problem)) return false;
        if (_end >= 0 && !Time(line.Field(_end), "end", ref end, ref problem)) return false;

        if (_keyIndexes.Length == 1 && _binMs == 0)
        {
            // One field, no bins (top talkers): the field's bytes are the key, no copy.
            Accumulate(line.Field(_keyIndexes[0]), 1, packets, bytes, start, end);
            return true;
        }
        int length = 0;
        for (int k = 0; k < _keyIndexes.Length; k++)
        {
            var f = line.Field(_keyIndexes[k]);
            if (length + f.Length + 9 > _scratch.Length) Array.Resize(ref _scratch, (length + f.Length + 9) * 2);
            if (k > 0) _scratch[length++] = (byte)' ';
            f.CopyTo(_scratch.AsSpan(length));
            length += f.Length;
        }
        if (_binMs > 0)
        {
            if (length + 9 > _scratch.Length) Array.Resize(ref _scratch, (length + 9) * 2);
            // A record without a start time has no bin; it groups under bin long.MinValue and is shown without one.
            long bin = start == long.MaxValue ? long.MinValue : start - Modulo(start, _binMs);
            BinaryPrimitives.WriteInt64LittleEndian(_scratch.AsSpan(length), bin);
            length += 8;
        }
        Accumulate(_scratch.AsSpan(0, length), 1, packets, bytes, start, end);
        return true;
    }

    private static long Modulo(long a, long m) => ((a % m) + m) % m;

    private static bool Counter(ReadOnlySpan<byte> f, string name, ref long value, ref string? problem)
    {
        if (FlowText.TryParseLong(f, out value) || FlowText.IsDash(f)) return true;
        problem = $"{name} '{FlowText.Describe(f)}' is not a number";
        return false;
    }

    private static bool Time(ReadOnlySpan<byte> f, string name, ref long value, ref string? problem)
    {
        if (FlowText.TryParseTime(f, out long ms)) { value = ms; return true; }
        if (FlowText.IsDash(f)) return true;
        problem = $"{name} '{FlowText.Describe(f)}' is not a Unix time";
        return false;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Accumulate(ReadOnlySpan<byte> key, long records, long packets, long bytes, long first, long last)
    {
        ulong h = Hash(key);
        int mask = _groups.Length - 1;
        int slot = (int)h & mask;
        while (true)
        {
            ref var g = ref _groups[slot];
            if (g.Records == 0) break;
            if (g.Hash == h && key.SequenceEqual(KeyOf(ref g)))
            {
                g.Records += records;
                g.Packets += packets;
                g.Bytes += bytes;
                if (first < g.First) g.First = first;
                if (last > g.Last) g.Last = last;
                return;
            }
            slot = (slot + 1) & mask;
        }
        ref var added = ref _groups[slot];
        added.Hash = h;
        added.KeyLength = key.Length;
        if (key.Length <= InlineKey)
        {
            added.KeyOffset = -1;
            key.CopyTo(added.Key);
        }
        else
        {
            if (_arenaUsed + key.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + key.Length));
            key.CopyTo(_arena.AsSpan(_arenaUsed));
            added.KeyOffset = _arenaUsed;
            _arenaUsed += key.Length;
        }
        added.Records = records; added.Packets = packets; added.Bytes = bytes; added.First = first; added.Last = last;
        if (++_count * 2 > _groups.Length) Rehash();
    }

    private ReadOnlySpan<byte> KeyOf(ref Group g) =>
        g.KeyOffset < 0 ? ((ReadOnlySpan<byte>)g.Key)[..g.KeyLength] : _arena.AsSpan(g.KeyOffset, g.KeyLength);

    private void Rehash()
    {
        var old = _groups;
        _groups = new Group[old.Length * 2];
        int mask = _groups.Length - 1;
        foreach (ref readonly var g in old.AsSpan())
        {
            if (g.Records == 0) continue;
            int slot = (int)g.Hash & mask;
            while (_groups[slot].Records != 0) slot = (slot + 1) & mask;
            _groups[slot] = g;
        }
    }

    /// <summary>Folds another worker's groups into this one (same group-by fields, any format).</summary>
    public void MergeFrom(GroupTable other)
    {
        for (int i = 0; i < other._groups.Length; i++)
        {
            ref var g = ref other._groups[i];
            if (g.Records > 0) Accumulate(other.KeyOf(ref g), g.Records, g.Packets, g.Bytes, g.First, g.Last);
        }
    }

    /// <summary>The groups, largest first by <paramref name="by"/>, at most <paramref name="top"/>.</summary>
    /// <remarks>Ties break by record count, then by key (ordinal), so results are the same run to run.</remarks>
    public IReadOnlyList<FlowGroup> Results(IReadOnlyList<string> fields, FlowMetric by, int? top)
    {
        long Metric(int g) => by switch { FlowMetric.Packets => _groups[g].Packets, FlowMetric.Count => _groups[g].Records, _ => _groups[g].Bytes };
        int Rank(int a, int b)
        {
            int c = Metric(b).CompareTo(Metric(a));
            if (c == 0) c = _groups[b].Records.CompareTo(_groups[a].Records);
            return c != 0 ? c : KeyOf(a).SequenceCompareTo(KeyOf(b));
        }
        var used = Enumerable.Range(0, _groups.Length).Where(g => _groups[g].Records > 0);
        int[] chosen;
        if (top is { } n && n < _count)
        {
            // Keep the best n in a heap whose root is the worst of them: O(groups log n), and only n keys decoded.
            var heap = new PriorityQueue<int, int>(n + 1, Comparer<int>.Create((a, b) => Rank(b, a)));
            foreach (int g in used)
            {
                if (heap.Count < n) heap.Enqueue(g, g);
                else if (Rank(g, heap.Peek()) < 0) heap.EnqueueDequeue(g, g);
            }
            chosen = heap.UnorderedItems.Select(x => x.Element).ToArray();
        }
        else chosen = used.ToArray();
        Array.Sort(chosen, Rank);
        return chosen.Select(g => ToGroup(g, fields)).ToList();
    }

    private ReadOnlySpan<byte> KeyOf(int g) => KeyOf(ref _groups[g]);

    private FlowGroup ToGroup(int g, IReadOnlyList<string> fields)
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
            values[k] = FlowText.IsDash(v) ? null : Encoding.UTF8.GetString(v);
            key = space < key.Length ? key[(space + 1)..] : [];
        }
        return new FlowGroup
        {
            Fields = fields, Values = values, Bin = bin,
            Count = _groups[g].Records, Packets = _groups[g].Packets, Bytes = _groups[g].Bytes,
            FirstSeen = _groups[g].First == long.MaxValue ? null : FlowText.FromMilliseconds(_groups[g].First),
            LastSeen = _groups[g].Last == long.MinValue ? null : FlowText.FromMilliseconds(_groups[g].Last),
        };
    }

    /// <summary>A multiply-xorshift hash over 8-byte words: keys are short and this is on the hot path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong Hash(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var w in words) { h = (h ^ w) * 0xFF51AFD7ED558CCDUL; h ^= h >> 29; }
        int tail = words.Length * 8;
        if (tail < key.Length)
        {
            // The last 8 bytes (overlapping the words already mixed) when there are 8; else byte by byte.
            ulong t = 0;
            if (key.Length >= 8) t = BinaryPrimitives.ReadUInt64LittleEndian(key[^8..]);
            else for (int i = key.Length - 1; i >= tail; i--) t = (t << 8) | key[i];
            h = (h ^ t) * 0xC4CEB9FE1A85EC53UL;
        }
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33;
        return h;
    }
}
