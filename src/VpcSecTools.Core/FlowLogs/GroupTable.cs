using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace VpcSecTools.FlowLogs;

/// <summary>A record (or a whole group) on its way to its group: its key's first 16 bytes, hash tag and length, and its totals.</summary>
internal struct GroupEntry
{
    public ulong K0, K1;
    public uint Tag;
    public int Length;
    /// <summary>Where a key longer than 16 bytes is in its batch's key buffer.</summary>
    public int KeyAt;
    public long Records, Packets, Bytes, First, Last;
}

/// <summary>
/// Groups by key (<see cref="GroupKey"/>): an open-addressing index of 8-byte slots over a dense array of 64-byte
/// groups, keys longer than 16 bytes in one byte arena. A record that joins an existing group allocates nothing, so
/// memory grows with the number of groups, never with the input.
/// </summary>
/// <remarks>
/// A lookup reads one slot and then the one group it points to, whose first 16 key bytes, key length and totals share
/// 64 bytes; keys up to 16 bytes (an address pair and a port, packed) are compared as two words and need nothing else.
/// Entries come in batches whose slots and groups are fetched into cache before any is added (see
/// <see cref="Warm"/>): among many groups each record costs two dependent cache misses, which then overlap.
/// </remarks>
internal sealed class GroupTable
{
    /// <summary>Per slot: the upper 32 bits of the key's hash, and the group's index + 1 (0: empty).</summary>
    private ulong[] _slots;
    /// <summary>
    /// The groups in pages of <see cref="PageSize"/> (the first grows to that size by doubling): a full table grows by a page,
    /// never by copying its groups, so memory is the groups themselves and not twice them while an array doubles.
    /// </summary>
    private Group[][] _pages;
    private int _capacity;
    private int _count;
    private const int PageBits = 12, PageSize = 1 << PageBits, PageMask = PageSize - 1;
    private byte[] _arena = new byte[256];
    private int _arenaUsed;
    /// <summary>Where warming loads go (no prefetch instruction), so that they are not optimised away.</summary>
    private ulong _touched;

    private const int InlineKey = ByteKeys.Inline;
    public const int GroupBytes = 64;

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

    public GroupTable(int groups = 64)
    {
        groups = Math.Clamp((int)BitOperations.RoundUpToPowerOf2((uint)groups), 16, PageSize);
        _pages = [new Group[groups]];
        _capacity = groups;
        _slots = Written(new ulong[groups * 2]);
    }

    public int Count => _count;

    /// <summary>The bytes the table holds (slots, groups, arena).</summary>
    public long Bytes => _slots.Length * 8L + _capacity * (long)GroupBytes + _arena.Length;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref Group At(int g) => ref _pages[g >> PageBits][g & PageMask];

    /// <summary>Room for one more group: the first page doubles up to a page's size, then a page is added.</summary>
    private void AddRoom()
    {
        if (_capacity < PageSize)
        {
            Array.Resize(ref _pages[0], _capacity * 2);
            _capacity *= 2;
            return;
        }
        int page = _capacity >> PageBits;
        if (page == _pages.Length) Array.Resize(ref _pages, _pages.Length * 2);
        _pages[page] = GC.AllocateUninitializedArray<Group>(PageSize);
        _capacity += PageSize;
    }

    /// <summary>The bytes the table would hold after <paramref name="groups"/> more groups with <paramref name="keyBytes"/> more arena bytes.</summary>
    public long BytesAfter(int groups, int keyBytes)
    {
        long count = _count + (long)groups;
        long groupArray = _capacity, slots = _slots.Length, arena = _arena.Length;
        while (count > groupArray) groupArray += Math.Min(groupArray, PageSize);
        while (count * 4 > slots * 3) slots *= 2;
        while (_arenaUsed + (long)keyBytes > arena) arena *= 2;
        return slots * 8 + groupArray * GroupBytes + arena;
    }

    /// <summary>Forgets every group but keeps the room (a partition spilled to disk fills again in place).</summary>
    public void Clear()
    {
        Array.Clear(_slots);
        _count = 0;
        _arenaUsed = 0;
    }

    /// <summary>Brings the slot of <paramref name="tag"/> into cache (with a plain load; see <see cref="Touch"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Prefetch(uint tag) => Touch(ref _slots[(int)tag & (_slots.Length - 1)]);

    /// <summary>Prefetches the groups (and arena keys) of a batch whose slots were prefetched before.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Warm(ReadOnlySpan<GroupEntry> batch)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        foreach (ref readonly var p in batch)
        {
            ulong s = slots[(int)p.Tag & mask];
            // Only a group with the entry's tag can be its own: another key's group would be fetched for nothing (most
            // home slots, among millions of groups that each come once).
            if (s == 0 || (uint)(s >> 32) != p.Tag) continue;
            ref var g = ref At((int)(uint)s - 1);
            Touch(ref g);
            // Keys longer than 16 bytes are compared in the arena too.
            if (p.Length > InlineKey && g.KeyLength > InlineKey) Touch(ref _arena[g.KeyOffset + InlineKey]);
        }
    }

    /// <summary>Prefetches the slots of a whole batch, then its groups.</summary>
    public void WarmAll(ReadOnlySpan<GroupEntry> batch)
    {
        foreach (ref readonly var p in batch) Prefetch(p.Tag);
        Warm(batch);
    }

    /// <summary>
    /// Brings the cache line of <paramref name="at"/> in with a plain load whose value is kept, so the loads of a
    /// batch overlap each other instead of stalling one by one. (A prefetch instruction measured no better and
    /// needs an unsafe pointer.)
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Touch<T>(ref T at) where T : unmanaged => _touched += Unsafe.As<T, byte>(ref at);

    /// <summary>Adds every entry of a batch to its group; <paramref name="keys"/> holds the batch's keys longer than 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(ReadOnlySpan<GroupEntry> batch, ReadOnlySpan<byte> keys)
    {
        foreach (ref readonly var p in batch)
        {
            // The common case inline: the key's group sits in its home slot.
            ulong home = _slots[(int)p.Tag & (_slots.Length - 1)];
            if (home != 0 && (uint)(home >> 32) == p.Tag)
            {
                ref var g = ref At((int)(uint)home - 1);
                if (g.KeyLength == p.Length && g.Key[0] == p.K0 && g.Key[1] == p.K1
                    && (p.Length <= InlineKey || _arena.AsSpan(g.KeyOffset + InlineKey, p.Length - InlineKey).SequenceEqual(keys.Slice(p.KeyAt + InlineKey, p.Length - InlineKey))))
                {
                    g.Records += p.Records;
                    g.Packets = FlowText.Add(g.Packets, p.Packets);
                    g.Bytes = FlowText.Add(g.Bytes, p.Bytes);
                    if (p.First < g.First) g.First = p.First;
                    if (p.Last > g.Last) g.Last = p.Last;
                    continue;
                }
            }
            Accumulate(p, p.Length > InlineKey ? keys.Slice(p.KeyAt, p.Length) : default);
        }
    }

    /// <summary>Adds one entry; <paramref name="key"/> is all of its key when longer than 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Accumulate(in GroupEntry p, ReadOnlySpan<byte> key)
    {
        ulong tagged = (ulong)p.Tag << 32;
        int mask = _slots.Length - 1;
        int slot = (int)p.Tag & mask;
        while (true)
        {
            ulong s = _slots[slot];
            if (s == 0) break;
            if ((s & 0xFFFF_FFFF_0000_0000UL) == tagged)
            {
                ref var g = ref At((int)(uint)s - 1);
                if (g.KeyLength == p.Length && g.Key[0] == p.K0 && g.Key[1] == p.K1
                    && (p.Length <= InlineKey || _arena.AsSpan(g.KeyOffset + InlineKey, p.Length - InlineKey).SequenceEqual(key[InlineKey..])))
                {
                    g.Records += p.Records;
                    g.Packets = FlowText.Add(g.Packets, p.Packets);
                    g.Bytes = FlowText.Add(g.Bytes, p.Bytes);
                    if (p.First < g.First) g.First = p.First;
                    if (p.Last > g.Last) g.Last = p.Last;
                    return;
                }
            }
            slot = (slot + 1) & mask;
        }
        if (_count == _capacity) AddRoom();
        ref var added = ref At(_count);
        added.Key[0] = p.K0;
        added.Key[1] = p.K1;
        added.KeyLength = p.Length;
        if (p.Length > InlineKey)
        {
            if (_arenaUsed + p.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + p.Length));
            key.CopyTo(_arena.AsSpan(_arenaUsed));
            added.KeyOffset = _arenaUsed;
            _arenaUsed += p.Length;
        }
        added.Records = p.Records; added.Packets = p.Packets; added.Bytes = p.Bytes; added.First = p.First; added.Last = p.Last;
        _slots[slot] = tagged | (uint)(++_count);
        // At most 3/4 full: linear probes stay short, and 8-byte slots keep a probe run within a cache line or two.
        if (_count * 4L > _slots.Length * 3L) Grow();
    }

    private void Grow()
    {
        // A slot's home is its tag's low bits, so the slots re-spread without touching the groups.
        _slots = TaggedSlots.Respread(_slots, Written(new ulong[_slots.Length * 2]));
    }

    /// <summary>
    /// A new array whose memory pages have each been written once. A large array comes straight from the system, and a
    /// slot array is read before it is written (probes, prefetches): a read first maps the system's shared page of zeros,
    /// and the write that follows then faults again and interrupts every core the process runs on to flush it. Measured
    /// on the conversations question (9 M groups): that was most of its system time.
    /// </summary>
    private static T[] Written<T>(T[] array) where T : unmanaged
    {
        var bytes = MemoryMarshal.AsBytes(array.AsSpan());
        for (int i = 0; i < bytes.Length; i += 4096) bytes[i] = 0;
        return array;
    }

    public ReadOnlySpan<byte> KeyOf(int g)
    {
        ref var group = ref At(g);
        return group.KeyLength <= InlineKey
            ? MemoryMarshal.AsBytes((ReadOnlySpan<ulong>)group.Key)[..group.KeyLength]
            : _arena.AsSpan(group.KeyOffset, group.KeyLength);
    }

    /// <summary>Group <paramref name="g"/> as an entry (its key from <see cref="KeyOf"/>), to add it to another table.</summary>
    public GroupEntry EntryOf(int g)
    {
        ref var group = ref At(g);
        return new GroupEntry
        {
            K0 = group.Key[0], K1 = group.Key[1], Length = group.KeyLength, Tag = ByteKeys.Tag(group.Key[0], group.Key[1], KeyOf(g)),
            Records = group.Records, Packets = group.Packets, Bytes = group.Bytes, First = group.First, Last = group.Last,
        };
    }

    /// <summary>Folds another table's groups into this one.</summary>
    public void MergeFrom(GroupTable other)
    {
        for (int i = 0; i < other._count; i++) Accumulate(other.EntryOf(i), other.KeyOf(i));
    }

    public long Metric(int g, FlowMetric by) => by switch { FlowMetric.Packets => At(g).Packets, FlowMetric.Count => At(g).Records, _ => At(g).Bytes };

    public long Records(int g) => At(g).Records;

    /// <summary>The groups ranked best first, at most <paramref name="top"/> of them.</summary>
    /// <remarks>Only the best n are ranked, in a heap whose root is the worst of them: O(groups log n), not a sort of all.</remarks>
    public int[] Ranked(GroupRanking ranking, int? top)
    {
        int[] chosen;
        if (top is { } n && n < _count)
        {
            var heap = new PriorityQueue<int, int>(n + 1, Comparer<int>.Create((a, b) => ranking.Compare(this, b, this, a)));
            for (int g = 0; g < _count; g++)
            {
                if (heap.Count < n) heap.Enqueue(g, g);
                else if (ranking.Compare(this, g, this, heap.Peek()) < 0) heap.EnqueueDequeue(g, g);
            }
            chosen = heap.UnorderedItems.Select(x => x.Element).ToArray();
        }
        else chosen = Enumerable.Range(0, _count).ToArray();
        chosen.AsSpan().Sort((a, b) => ranking.Compare(this, a, this, b));
        return chosen;
    }

    /// <summary>Group <paramref name="g"/> as a result.</summary>
    public FlowGroup ToGroup(int g, IReadOnlyList<string> fields, bool binned, TextCache texts)
    {
        var (values, bin) = GroupKey.Decode(KeyOf(g), fields.Count, binned, texts);
        ref var group = ref At(g);
        return new FlowGroup
        {
            Fields = fields.ToValueList(), Values = values.ToValueList(), Bin = bin is { } b && b != long.MinValue ? FlowText.FromMilliseconds(b) : null,
            Count = group.Records, Packets = group.Packets, Bytes = group.Bytes,
            FirstSeen = group.First == long.MaxValue ? null : FlowText.FromMilliseconds(group.First),
            LastSeen = group.Last == long.MinValue ? null : FlowText.FromMilliseconds(group.Last),
        };
    }

    /// <summary>Writes every group (key length, key, totals) for <see cref="ReadGroups"/>; the spill format.</summary>
    public void WriteGroups(Stream into)
    {
        // Pooled: a small budget spills often, and a new buffer per spill would be most of what the read allocates.
        var buffer = ArrayPool<byte>.Shared.Rent(1 << 16);
        var rented = buffer;
        int used = 0;
        for (int g = 0; g < _count; g++)
        {
            var key = KeyOf(g);
            int size = 4 + key.Length + 40;
            if (used + size > buffer.Length)
            {
                into.Write(buffer, 0, used);
                used = 0;
                if (size > buffer.Length) buffer = new byte[size];
            }
            var at = buffer.AsSpan(used);
            ref var group = ref At(g);
            BinaryPrimitives.WriteInt32LittleEndian(at, key.Length);
            key.CopyTo(at[4..]);
            at = at[(4 + key.Length)..];
            BinaryPrimitives.WriteInt64LittleEndian(at, group.Records);
            BinaryPrimitives.WriteInt64LittleEndian(at[8..], group.Packets);
            BinaryPrimitives.WriteInt64LittleEndian(at[16..], group.Bytes);
            BinaryPrimitives.WriteInt64LittleEndian(at[24..], group.First);
            BinaryPrimitives.WriteInt64LittleEndian(at[32..], group.Last);
            used += size;
        }
        into.Write(buffer, 0, used);
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>Adds the groups <see cref="WriteGroups"/> wrote (<paramref name="count"/> of them).</summary>
    public void ReadGroups(Stream from, int count)
    {
        Span<byte> head = stackalloc byte[4];
        byte[] body = new byte[256];
        for (int i = 0; i < count; i++)
        {
            from.ReadExactly(head);
            int length = BinaryPrimitives.ReadInt32LittleEndian(head);
            if (body.Length < length + 40 + ByteKeys.Inline) body = new byte[(length + 40 + ByteKeys.Inline) * 2];
            from.ReadExactly(body.AsSpan(0, length + 40));
            var totals = body.AsSpan(length, 40);
            var entry = new GroupEntry
            {
                Length = length,
                Records = BinaryPrimitives.ReadInt64LittleEndian(totals), Packets = BinaryPrimitives.ReadInt64LittleEndian(totals[8..]),
                Bytes = BinaryPrimitives.ReadInt64LittleEndian(totals[16..]), First = BinaryPrimitives.ReadInt64LittleEndian(totals[24..]),
                Last = BinaryPrimitives.ReadInt64LittleEndian(totals[32..]),
            };
            var key = body.AsSpan(0, length);
            ByteKeys.Words(key, length, out entry.K0, out entry.K1);
            entry.Tag = ByteKeys.Tag(entry.K0, entry.K1, key);
            Accumulate(entry, key);
        }
    }
}

/// <summary>Larger metric first, then more records, then the key's text (ordinal): results come the same run to run.</summary>
internal sealed class GroupRanking(FlowMetric by, int fields, bool binned)
{
    public int Compare(GroupTable ta, int a, GroupTable tb, int b)
    {
        int c = tb.Metric(b, by).CompareTo(ta.Metric(a, by));
        if (c == 0) c = tb.Records(b).CompareTo(ta.Records(a));
        return c != 0 ? c : CompareText(ta.KeyOf(a), tb.KeyOf(b));
    }

    /// <summary>Keys ordered by their text (as keys were before they were packed), not by their packed bytes.</summary>
    public int CompareText(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.SequenceEqual(b)) return 0;
        Span<byte> ta = a.Length <= 64 ? stackalloc byte[GroupKey.TextRoom(64)] : new byte[GroupKey.TextRoom(a.Length)];
        Span<byte> tb = b.Length <= 64 ? stackalloc byte[GroupKey.TextRoom(64)] : new byte[GroupKey.TextRoom(b.Length)];
        int la = GroupKey.AppendText(a, fields, binned, ta), lb = GroupKey.AppendText(b, fields, binned, tb);
        return ta[..la].SequenceCompareTo(tb[..lb]);
    }

    /// <summary>The same order for groups already taken out of their tables (metric, records, key).</summary>
    public int Compare(long metricA, long recordsA, ReadOnlySpan<byte> keyA, long metricB, long recordsB, ReadOnlySpan<byte> keyB)
    {
        int c = metricB.CompareTo(metricA);
        if (c == 0) c = recordsB.CompareTo(recordsA);
        return c != 0 ? c : CompareText(keyA, keyB);
    }
}

/// <summary>
/// One string per distinct field value in the results: values repeat across groups (an interface, a service, an
/// address in many pairs), and each saved string is an allocation that would outlive the query.
/// </summary>
internal sealed class TextCache
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
