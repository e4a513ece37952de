using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Raw field bytes as hash keys: the first 16 bytes as two words (zero after the key's end), loaded
/// straight from the line buffer, whose bytes after a field are slack for whole-word loads.
/// </summary>
internal static class ByteKeys
{
    /// <summary>Bytes of a key held as its two words; longer keys are compared in full elsewhere.</summary>
    public const int Inline = 16;

    /// <summary>
    /// The first 16 bytes of the key that is the first <paramref name="length"/> bytes of <paramref name="rest"/>,
    /// zero after its end; the bytes of <paramref name="rest"/> after the key are slack for whole-word loads.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Words(ReadOnlySpan<byte> rest, int length, out ulong k0, out ulong k1)
    {
        if (rest.Length < Inline) { ShortWords(rest[..length], out k0, out k1); return; }
        k0 = MemoryMarshal.Read<ulong>(rest);
        k1 = MemoryMarshal.Read<ulong>(rest[8..]);
        if (length < 8) { k0 &= Below(length); k1 = 0; }
        else if (length < Inline) k1 &= Below(length - 8);
    }

    /// <summary>The hash bits a key is placed by and told apart by in the slots.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Tag(ulong k0, ulong k1, ReadOnlySpan<byte> key) =>
        (uint)((key.Length <= Inline ? HashShort(k0, k1, key.Length) : HashLong(key)) >> 32);

    /// <summary>The first 16 bytes of a key that has no slack after it (end of a buffer, a merge), zero-padded.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ShortWords(ReadOnlySpan<byte> key, out ulong k0, out ulong k1)
    {
        Span<byte> words = stackalloc byte[Inline];
        words.Clear();
        key[..Math.Min(key.Length, Inline)].CopyTo(words);
        k0 = MemoryMarshal.Read<ulong>(words);
        k1 = MemoryMarshal.Read<ulong>(words[8..]);
    }

    /// <summary>A mask of the first <paramref name="bytes"/> (0..7) bytes of a word loaded from memory.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Below(int bytes)
    {
        ulong low = (1UL << (bytes * 8)) - 1;
        return BitConverter.IsLittleEndian ? low : ~(ulong.MaxValue >> (bytes * 8));
    }

    /// <summary>Keys of up to 16 bytes, as their two (zero-padded) words: the upper 32 bits are used.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong HashShort(ulong k0, ulong k1, int length)
    {
        ulong a = (k0 ^ (ulong)length) * 0x9E3779B97F4A7C15UL;
        ulong b = (k1 ^ (a >> 29)) * 0xFF51AFD7ED558CCDUL;
        return (a ^ b ^ (b >> 32)) * 0xC4CEB9FE1A85EC53UL;
    }

    /// <summary>A multiply-xorshift hash over 8-byte words for keys longer than 16 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static ulong HashLong(ReadOnlySpan<byte> key)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)key.Length;
        var words = MemoryMarshal.Cast<byte, ulong>(key);
        foreach (var w in words) { h = (h ^ w) * 0xFF51AFD7ED558CCDUL; h ^= h >> 29; }
        int tail = words.Length * 8;
        // The last 8 bytes (overlapping the words already mixed).
        if (tail < key.Length) h = (h ^ MemoryMarshal.Read<ulong>(key[^8..])) * 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33; h *= 0xFF51AFD7ED558CCDUL; h ^= h >> 33;
        return h;
    }
}

/// <summary>
/// Numbers distinct field values (addresses, interface ids, service names) densely in the order first
/// seen, so that per-record work can key small tables by int. A lookup of a value of up to 16 bytes is
/// two word loads from the line buffer, one hash and one slot; longer values also compare their rest.
/// </summary>
/// <remarks>
/// Long values are placed by their first 16 and last 8 bytes only (an interface id is 21 bytes; an IPv6
/// text differs in its ends): cheaper than hashing every word, and a collision only lengthens a probe.
/// </remarks>
internal sealed class ByteKeyTable
{
    private struct Entry
    {
        /// <summary>The first 16 bytes, and for values longer than 16 the last 8 (so values up to 24 bytes compare as words).</summary>
        public ulong K0, K1, Last;
        public int Length, Offset;
    }

    /// <summary>Per slot: the upper 32 bits of the value's hash, and its id + 1 (0: empty).</summary>
    private ulong[] _slots = new ulong[64];
    private Entry[] _entries = new Entry[16];
    private byte[] _arena = new byte[256];
    private int _arenaUsed;
    /// <summary>A bit per value of 8 bytes or more, by a one-multiply hash of its last 8 bytes (see <see cref="MayContain"/>).</summary>
    private readonly ulong[] _present = new ulong[16];

    public int Count { get; private set; }

    /// <summary>
    /// The id of the value that is the first <paramref name="length"/> bytes of <paramref name="rest"/> (the bytes
    /// after it are slack for word loads), or -1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Find(ReadOnlySpan<byte> rest, int length)
    {
        ByteKeys.Words(rest, length, out ulong k0, out ulong k1);
        ulong last = length > ByteKeys.Inline ? MemoryMarshal.Read<ulong>(rest[(length - 8)..]) : 0;
        uint tag = TagOf(length, k0, k1, last);
        int mask = _slots.Length - 1;
        for (int slot = (int)tag & mask; ; slot = (slot + 1) & mask)
        {
            ulong s = _slots[slot];
            if (s == 0) return -1;
            if ((uint)(s >> 32) != tag) continue;
            int id = (int)(uint)s - 1;
            ref var e = ref _entries[id];
            if (e.Length == length && e.K0 == k0 && e.K1 == k1 && e.Last == last
                && (length <= ByteKeys.Inline + 8 || _arena.AsSpan(e.Offset + ByteKeys.Inline, length - ByteKeys.Inline).SequenceEqual(rest[ByteKeys.Inline..length])))
                return id;
        }
    }

    /// <summary>
    /// False when the value (as in <see cref="Find"/>) is surely absent: one load and one multiply, so a table of a
    /// few values (the interfaces of interest) turns away most of a log's lines before any real lookup.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool MayContain(ReadOnlySpan<byte> rest, int length)
    {
        if (length < 8) return true;
        int bit = PresenceBit(MemoryMarshal.Read<ulong>(rest[(length - 8)..]), length);
        return (_present[bit >> 6] & (1UL << bit)) != 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PresenceBit(ulong last, int length) => (int)(((last ^ (ulong)length) * 0x9E3779B97F4A7C15UL) >> 54);

    /// <summary>The id of <paramref name="value"/>, numbering it next if it is new.</summary>
    public int Add(ReadOnlySpan<byte> value)
    {
        int known = Find(value, value.Length);
        if (known >= 0) return known;
        ByteKeys.Words(value, value.Length, out ulong k0, out ulong k1);
        ulong last = value.Length > ByteKeys.Inline ? MemoryMarshal.Read<ulong>(value[^8..]) : 0;
        uint tag = TagOf(value.Length, k0, k1, last);
        if (Count == _entries.Length) Array.Resize(ref _entries, Count * 2);
        if (_arenaUsed + value.Length > _arena.Length) Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + value.Length));
        value.CopyTo(_arena.AsSpan(_arenaUsed));
        _entries[Count] = new Entry { K0 = k0, K1 = k1, Last = last, Length = value.Length, Offset = _arenaUsed };
        _arenaUsed += value.Length;
        Place(_slots, tag, ++Count);
        if (value.Length >= 8)
        {
            int bit = PresenceBit(MemoryMarshal.Read<ulong>(value[^8..]), value.Length);
            _present[bit >> 6] |= 1UL << bit;
        }
        // At most half full: a value that is absent (most lines, for an interface filter) usually meets an empty slot.
        if (Count * 2 > _slots.Length) _slots = TaggedSlots.Respread(_slots, new ulong[_slots.Length * 2]);
        return Count - 1;
    }

    /// <summary>The bytes of value <paramref name="id"/>.</summary>
    public ReadOnlySpan<byte> this[int id] => _arena.AsSpan(_entries[id].Offset, _entries[id].Length);

    private static void Place(ulong[] slots, uint tag, int idPlusOne) => TaggedSlots.Place(slots, ((ulong)tag << 32) | (uint)idPlusOne);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint TagOf(int length, ulong k0, ulong k1, ulong last) =>
        (uint)(ByteKeys.HashShort(k0 ^ BitOperations.RotateLeft(last, 29), k1, length) >> 32);
}

/// <summary>
/// Open-addressing slots of 8 bytes: a key's 32-bit hash tag in the upper half, an id + 1 in the lower (0: empty), each
/// placed from the slot its tag's low bits name, on to the next free one.
/// </summary>
internal static class TaggedSlots
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Place(ulong[] slots, ulong entry)
    {
        int mask = slots.Length - 1, slot = (int)(entry >> 32) & mask;
        while (slots[slot] != 0) slot = (slot + 1) & mask;
        slots[slot] = entry;
    }

    /// <summary>The entries of <paramref name="from"/> placed in <paramref name="into"/>, a larger power of two: the tags place them, no key is read.</summary>
    public static ulong[] Respread(ulong[] from, ulong[] into)
    {
        foreach (ulong entry in from) if (entry != 0) Place(into, entry);
        return into;
    }
}
