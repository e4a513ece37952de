using System.Numerics;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs;

/// <summary>The fields of one flow-log line as spans into the reader's buffer: nothing is copied.</summary>
internal readonly ref struct RawLine(ReadOnlySpan<byte> data, ReadOnlySpan<int> bounds)
{
    private readonly ReadOnlySpan<byte> _data = data;
    /// <summary>Bounds[i] is where field i starts; field i ends one byte before Bounds[i + 1].</summary>
    private readonly ReadOnlySpan<int> _bounds = bounds;

    public ReadOnlySpan<byte> Field(int index) => _data[_bounds[index]..(_bounds[index + 1] - 1)];

    /// <summary>
    /// Field <paramref name="index"/> and the rest of the buffer after it: the field's bytes are the first
    /// <paramref name="length"/>, the rest lets a reader load whole words past the field's end.
    /// </summary>
    public ReadOnlySpan<byte> FieldAndRest(int index, out int length)
    {
        int start = _bounds[index];
        length = _bounds[index + 1] - 1 - start;
        return _data[start..];
    }

    /// <summary>Field <paramref name="index"/> as an unsigned decimal, as <see cref="FlowText.TryParseLong"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool TryNumber(int index, out long value)
    {
        var rest = FieldAndRest(index, out int length);
        // Almost every field has 16 bytes of the buffer after its start (later fields, the next lines).
        if (rest.Length >= 16 && (uint)(length - 1) < 16) return FlowText.TryParseDigits(rest, length, out value);
        return FlowText.TryParseLong(rest[..length], out value);
    }

    public int FieldCount => _bounds.Length - 1;

    public ReadOnlySpan<byte> Text => _data[_bounds[0]..(_bounds[^1] - 1)];
}

/// <summary>Parsing of field values straight from UTF-8 bytes, without making strings.</summary>
internal static class FlowText
{
    /// <summary>Values above this are milliseconds: 10^11 seconds is the year 5138, 10^11 ms is 1973.</summary>
    private const long MillisecondThreshold = 100_000_000_000;

    public static bool IsDash(ReadOnlySpan<byte> s) => s.Length == 1 && s[0] == (byte)'-';

    /// <summary>Unsigned decimal, at most 18 digits. Eight digits at a time (SWAR): timestamps and byte counts are long.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseLong(ReadOnlySpan<byte> s, out long value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 18) return false;
        int i = 0;
        if (s.Length >= 8)
        {
            ulong v = BinaryPrimitives.ReadUInt64LittleEndian(s);
            // Every byte in '0'..'9': subtracting '0' must not borrow and adding (0x7F - '9') must not carry into bit 7.
            if ((((v - 0x3030303030303030UL) | (v + 0x4646464646464646UL)) & 0x8080808080808080UL) != 0) return false;
            v -= 0x3030303030303030UL;
            v = v * 10 + (v >> 8);
            v = ((v & 0x000000FF000000FFUL) * (100 + (1000000UL << 32)) + ((v >> 16) & 0x000000FF000000FFUL) * (1 + (10000UL << 32))) >> 32;
            value = (long)v;
            i = 8;
        }
        for (; i < s.Length; i++)
        {
            uint d = (uint)(s[i] - '0');
            if (d > 9) return false;
            value = value * 10 + d;
        }
        return true;
    }

    /// <summary>
    /// The decimal of 1 to 16 digits at the start of <paramref name="s"/>, which has at least 16 bytes (the
    /// ones after the digits are read but ignored): one or two 8-byte words, no loop over the digits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryParseDigits(ReadOnlySpan<byte> s, int length, out long value)
    {
        if (Sse41.IsSupported) return Sixteen(s, length, out value);
        if (length <= 8)
        {
            bool ok = Eight(BinaryPrimitives.ReadUInt64LittleEndian(s), length, out ulong v);
            value = (long)v;
            return ok;
        }
        // The leading length - 8 digits, then the last 8.
        bool high = Eight(BinaryPrimitives.ReadUInt64LittleEndian(s), length - 8, out ulong h);
        bool low = Eight(BinaryPrimitives.ReadUInt64LittleEndian(s[(length - 8)..]), 8, out ulong l);
        value = (long)(h * 100_000_000 + l);
        return high & low;
    }

    /// <summary>
    /// Up to 16 digits in one 16-byte vector: digits checked lane by lane, shuffled to the right end (zeros before),
    /// then combined pairwise (x10, x100, x10000) by multiply-adds into two 8-digit halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Sixteen(ReadOnlySpan<byte> s, int length, out long value)
    {
        var iota = Vector128.Create((byte)0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        var digits = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(s)) - Vector128.Create((byte)'0');
        // A lane past the digits may hold anything; a lane within them must be 0..9 after the subtraction.
        var bad = Vector128.GreaterThan(digits, Vector128.Create((byte)9)) & Vector128.LessThan(iota, Vector128.Create((byte)length));
        // Lane j takes digit j - (16 - length); a negative index (high bit set) makes pshufb write a zero.
        var aligned = Ssse3.Shuffle(digits, iota + Vector128.Create((byte)(length - 16)));
        var pairs = Ssse3.MultiplyAddAdjacent(aligned, Vector128.Create((sbyte)10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1, 10, 1));
        var fours = Sse2.MultiplyAddAdjacent(pairs, Vector128.Create((short)100, 1, 100, 1, 100, 1, 100, 1));
        var packed = Sse41.PackUnsignedSaturate(fours, fours).AsInt16();
        var eights = Sse2.MultiplyAddAdjacent(packed, Vector128.Create((short)10000, 1, 10000, 1, 10000, 1, 10000, 1));
        value = (long)eights.GetElement(0) * 100_000_000 + eights.GetElement(1);
        return bad == Vector128<byte>.Zero;
    }

    /// <summary>
    /// The first <paramref name="digits"/> (1..8) bytes of the little-endian word <paramref name="w"/> as a decimal:
    /// shifted to the word's top and filled below with '0's, then the 8-digit SWAR conversion.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Eight(ulong w, int digits, out ulong value)
    {
        int pad = (8 - digits) * 8;
        w = (w << pad) | (0x3030303030303030UL & ((1UL << pad) - 1));
        // Every byte in '0'..'9': subtracting '0' must not borrow and adding (0x7F - '9') must not carry into bit 7.
        bool ok = (((w - 0x3030303030303030UL) | (w + 0x4646464646464646UL)) & 0x8080808080808080UL) == 0;
        w -= 0x3030303030303030UL;
        w = w * 10 + (w >> 8);
        value = ((w & 0x000000FF000000FFUL) * (100 + (1000000UL << 32)) + ((w >> 16) & 0x000000FF000000FFUL) * (1 + (10000UL << 32))) >> 32;
        return ok;
    }

    /// <summary>The last millisecond of the year 9999: a later time is no time a flow log can hold, and no DateTimeOffset.</summary>
    public const long MaxMilliseconds = 253_402_300_799_999;

    /// <summary>Unix seconds or milliseconds, as milliseconds; false for text that is not one, or a time after the year 9999.</summary>
    public static bool TryParseTime(ReadOnlySpan<byte> s, out long milliseconds)
    {
        if (!TryParseLong(s, out milliseconds)) return false;
        milliseconds = ToMillisecondsFromUnix(milliseconds);
        return milliseconds <= MaxMilliseconds;
    }

    /// <summary>
    /// Why a field's text is not a value of its kind, or null when it is ('-' always is): the one rule that listing,
    /// counting and grouping apply, so they keep and skip the same lines.
    /// </summary>
    public static string? Problem(FlowFieldInfo info, ReadOnlySpan<byte> raw)
    {
        if (IsDash(raw)) return null;
        switch (info.Kind)
        {
            case FlowFieldKind.Integer or FlowFieldKind.Counter:
                return TryParseLong(raw, out long n) && (info.Kind == FlowFieldKind.Counter || n <= int.MaxValue) ? null
                    : $"{info.AwsName} '{Describe(raw)}' is not a number";
            case FlowFieldKind.Time:
                return TryParseTime(raw, out _) ? null : TimeProblem(info.AwsName, raw);
            case FlowFieldKind.Address:
                return TryParseAddress(raw, out _) ? null : $"{info.AwsName} '{Describe(raw)}' is not an IP address";
            default:
                return null;
        }
    }

    /// <summary>The reason a time field is refused: not a number, or after the year 9999.</summary>
    public static string TimeProblem(string name, ReadOnlySpan<byte> raw) =>
        TryParseLong(raw, out _) ? $"{name} '{Describe(raw)}' is out of range (after the year 9999)" : $"{name} '{Describe(raw)}' is not a Unix time";

    /// <summary>
    /// Whether a record's action is ACCEPT (true) or REJECT (false); null, with <paramref name="problem"/> set, for anything
    /// else: a record of unknown outcome is a skipped line, never taken as one or the other.
    /// </summary>
    public static bool? Accepted(ReadOnlySpan<byte> action, ref string? problem)
    {
        if (action.SequenceEqual("ACCEPT"u8)) return true;
        if (action.SequenceEqual("REJECT"u8)) return false;
        problem = $"action '{Describe(action)}' is neither ACCEPT nor REJECT";
        return null;
    }

    /// <summary>Adds counts that are never negative; a sum past the largest long stays there instead of wrapping negative (<see cref="SaturatingSum"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Add(long total, long more)
    {
        long sum = total + more;
        return sum < total ? long.MaxValue : sum;
    }

    /// <summary>A Unix time in seconds or milliseconds, as milliseconds.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long ToMillisecondsFromUnix(long secondsOrMilliseconds) =>
        secondsOrMilliseconds < MillisecondThreshold ? secondsOrMilliseconds * 1000 : secondsOrMilliseconds;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool TryParseIPv4(ReadOnlySpan<byte> s, out uint value)
    {
        value = 0;
        int octets = 0, i = 0;
        while (true)
        {
            int start = i, n = 0;
            while (i < s.Length && (uint)(s[i] - '0') <= 9)
            {
                n = n * 10 + (s[i] - '0');
                if (++i - start > 3) return false;
            }
            if (i == start || n > 255 || (i - start > 1 && s[start] == '0')) return false;
            value = (value << 8) | (uint)n;
            if (++octets == 4) return i == s.Length;
            if (i == s.Length || s[i] != '.') return false;
            i++;
        }
    }

    /// <summary>
    /// Whether the first <paramref name="length"/> bytes of <paramref name="rest"/> are a dotted IPv4 address, as
    /// <see cref="TryParseIPv4"/> judges: the character classes and the three dots of up to 16 bytes are found with one
    /// vector compare, so checking a grouped address costs a fraction of parsing it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsIPv4(ReadOnlySpan<byte> rest, int length) => TryIPv4(rest, length, out _);

    /// <summary><see cref="IsIPv4"/> with the address's value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool TryIPv4(ReadOnlySpan<byte> rest, int length, out uint value)
    {
        value = 0;
        if ((uint)(length - 7) > 8) return false;
        if (rest.Length < 16 || !Vector128.IsHardwareAccelerated) return TryParseIPv4(rest[..length], out value);
        var v = Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(rest));
        uint inside = (1u << length) - 1;
        uint dots = Vector128.Equals(v, Vector128.Create((byte)'.')).ExtractMostSignificantBits() & inside;
        uint digits = Vector128.LessThanOrEqual(v - Vector128.Create((byte)'0'), Vector128.Create((byte)9)).ExtractMostSignificantBits() & inside;
        if ((dots | digits) != inside || BitOperations.PopCount(dots) != 3) return false;
        int p1 = BitOperations.TrailingZeroCount(dots);
        dots &= dots - 1;
        int p2 = BitOperations.TrailingZeroCount(dots);
        dots &= dots - 1;
        int p3 = BitOperations.TrailingZeroCount(dots);
        if (!Octet(rest, 0, p1, out uint a) || !Octet(rest, p1 + 1, p2, out uint b) || !Octet(rest, p2 + 1, p3, out uint c) || !Octet(rest, p3 + 1, length, out uint d))
            return false;
        value = a << 24 | b << 16 | c << 8 | d;
        return true;
    }

    /// <summary>Digits [from, to) as an octet: one to three of them, no leading zero, at most 255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Octet(ReadOnlySpan<byte> s, int from, int to, out uint value)
    {
        switch (to - from)
        {
            case 1:
                value = (uint)(s[from] - '0');
                return true;
            case 2:
                value = (uint)((s[from] - '0') * 10 + (s[from + 1] - '0'));
                return s[from] != '0';
            case 3:
                value = (uint)((s[from] - '0') * 100 + (s[from + 1] - '0') * 10 + (s[from + 2] - '0'));
                return s[from] != '0' && value <= 255;
            default:
                value = 0;
                return false;
        }
    }

    public static bool TryParseAddress(ReadOnlySpan<byte> s, out IpAddress address)
    {
        if (TryParseIPv4(s, out uint v4)) { address = IpAddress.FromIPv4(v4); return true; }
        address = default;
        if (s.Length > 45 || s.IndexOf((byte)':') < 0) return false;
        Span<char> chars = stackalloc char[45];
        int n = Encoding.ASCII.GetChars(s, chars);
        return IpAddress.TryParse(chars[..n], out address, out _);
    }

    public static string Describe(ReadOnlySpan<byte> s) =>
        s.Length > 60 ? Encoding.UTF8.GetString(s[..60]) + "..." : Encoding.UTF8.GetString(s);

    public static DateTimeOffset FromMilliseconds(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static long ToMilliseconds(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
}
