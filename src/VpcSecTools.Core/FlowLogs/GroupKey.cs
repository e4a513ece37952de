using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// A group's key: each group-by value as a tag and its bytes, the time bin (8 bytes) after them. An IPv4 address is
/// its 4 bytes and a port or other small number 2 or 4, so "srcaddr dstaddr dstport" fits the table's 16 inline bytes
/// (13 against ~30 as text): no arena, one cache line per group. Only canonical text is packed (an address or number
/// with leading zeros stays text), so two different texts never share a key and every key gives back its text.
/// </summary>
internal static class GroupKey
{
    private const byte Dash = 0, Text = 1, LongText = 2, IPv4 = 3, Small = 4, Integer = 5;

    /// <summary>The most bytes a value of <paramref name="length"/> text bytes can take.</summary>
    public static int MaxLength(int length) => length + 5;

    /// <summary>
    /// Writes the value (the first <paramref name="length"/> bytes of <paramref name="rest"/>, a value of field
    /// <paramref name="field"/>, null for a field the catalogue does not know) at the start of <paramref name="into"/> and
    /// returns its length, or -1 with <paramref name="problem"/> set when it is not a value of its kind (listing's rule).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(FlowFieldInfo? field, ReadOnlySpan<byte> rest, int length, Span<byte> into, ref string? problem)
    {
        var kind = field?.Kind ?? FlowFieldKind.Text;
        if (kind == FlowFieldKind.Address && FlowText.TryIPv4(rest, length, out uint address))
        {
            into[0] = IPv4;
            BinaryPrimitives.WriteUInt32BigEndian(into[1..], address);
            return 5;
        }
        if (kind == FlowFieldKind.Integer && length <= 10 && (rest[0] != (byte)'0' || length == 1) && FlowText.TryParseLong(rest[..length], out long n) && n <= int.MaxValue)
            return WriteInteger(into, (int)n);
        return WriteOther(field, rest[..length], into, ref problem);
    }

    /// <summary>A value already typed (a Parquet column's): a number, canonical by construction.</summary>
    public static int WriteInteger(Span<byte> into, int n)
    {
        if ((uint)n <= ushort.MaxValue)
        {
            into[0] = Small;
            BinaryPrimitives.WriteUInt16LittleEndian(into[1..], (ushort)n);
            return 3;
        }
        into[0] = Integer;
        BinaryPrimitives.WriteInt32LittleEndian(into[1..], n);
        return 5;
    }

    /// <summary>
    /// <see cref="WriteInteger"/>'s bytes as a little-endian word (a null: '-'), for keys assembled from words rather than
    /// written byte by byte; returns their length.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int IntegerWord(bool defined, int n, out ulong word)
    {
        if (!defined) { word = Dash; return 1; }
        if ((uint)n <= ushort.MaxValue) { word = Small | (ulong)(uint)n << 8; return 3; }
        word = Integer | (ulong)(uint)n << 8;
        return 5;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int WriteOther(FlowFieldInfo? field, ReadOnlySpan<byte> value, Span<byte> into, ref string? problem)
    {
        if (FlowText.IsDash(value)) { into[0] = Dash; return 1; }
        if (field is not null && FlowText.Problem(field, value) is { } bad) { problem = bad; return -1; }
        return WriteText(value, into);
    }

    /// <summary>A value kept as its text (or '-').</summary>
    public static int WriteText(ReadOnlySpan<byte> value, Span<byte> into)
    {
        if (FlowText.IsDash(value)) { into[0] = Dash; return 1; }
        if (value.Length <= byte.MaxValue)
        {
            into[0] = Text;
            into[1] = (byte)value.Length;
            value.CopyTo(into[2..]);
            return value.Length + 2;
        }
        into[0] = LongText;
        BinaryPrimitives.WriteInt32LittleEndian(into[1..], value.Length);
        value.CopyTo(into[5..]);
        return value.Length + 5;
    }

    /// <summary>A missing value ('-', a Parquet null).</summary>
    public static int WriteDash(Span<byte> into)
    {
        into[0] = Dash;
        return 1;
    }

    /// <summary>
    /// The value at the start of <paramref name="key"/>: its text written to <paramref name="text"/> (length -1 for '-');
    /// returns the length it takes in the key.
    /// </summary>
    public static int Read(ReadOnlySpan<byte> key, Span<byte> text, out int textLength)
    {
        switch (key[0])
        {
            case Dash:
                textLength = -1;
                return 1;
            case IPv4:
                textLength = FormatIPv4(BinaryPrimitives.ReadUInt32BigEndian(key[1..]), text);
                return 5;
            case Small:
                FormatNumber(BinaryPrimitives.ReadUInt16LittleEndian(key[1..]), text, out textLength);
                return 3;
            case Integer:
                FormatNumber(BinaryPrimitives.ReadInt32LittleEndian(key[1..]), text, out textLength);
                return 5;
            case Text:
                textLength = key[1];
                key.Slice(2, textLength).CopyTo(text);
                return textLength + 2;
            default:
                textLength = BinaryPrimitives.ReadInt32LittleEndian(key[1..]);
                key.Slice(5, textLength).CopyTo(text);
                return textLength + 5;
        }
    }

    /// <summary>
    /// The key as it was before keys were packed: the values' text joined by spaces ('-' for missing), then the bin's 8
    /// bytes; the tie-break between equal totals compares these, so results come in the order they always did.
    /// </summary>
    public static int AppendText(ReadOnlySpan<byte> key, int fields, bool binned, Span<byte> into)
    {
        int at = 0;
        for (int k = 0; k < fields; k++)
        {
            if (k > 0) into[at++] = (byte)' ';
            key = key[Read(key, into[at..], out int length)..];
            if (length < 0) { into[at] = (byte)'-'; length = 1; }
            at += length;
        }
        if (binned)
        {
            key[..8].CopyTo(into[at..]);
            at += 8;
        }
        return at;
    }

    private static int FormatIPv4(uint a, Span<byte> into)
    {
        int at = 0;
        for (int shift = 24; shift >= 0; shift -= 8)
        {
            FormatNumber((int)((a >> shift) & 0xFF), into[at..], out int n);
            at += n;
            if (shift > 0) into[at++] = (byte)'.';
        }
        return at;
    }

    private static void FormatNumber(int n, Span<byte> into, out int written) =>
        System.Buffers.Text.Utf8Formatter.TryFormat(n, into, out written);

    /// <summary>The text of each value (null for '-') and the bin, for a result.</summary>
    public static (string?[] Values, long? Bin) Decode(ReadOnlySpan<byte> key, int fields, bool binned, TextCache texts)
    {
        var values = new string?[fields];
        // Room for the longest text a value can give back: a packed value's text is longer than its bytes, but short.
        Span<byte> room = key.Length + 16 <= 256 ? stackalloc byte[256] : new byte[key.Length + 16];
        for (int k = 0; k < fields; k++)
        {
            key = key[Read(key, room, out int length)..];
            values[k] = length < 0 ? null : texts.Get(room[..length]);
        }
        return (values, binned ? BinaryPrimitives.ReadInt64LittleEndian(key) : null);
    }

    /// <summary>The room <see cref="AppendText"/> needs for a key of this length.</summary>
    public static int TextRoom(int keyLength) => keyLength * 4 + 16;
}
