using System.Text;
using System.Text.Unicode;

namespace VpcSecTools.Snapshot;

/// <summary>
/// The bytes of a describe or snapshot file as the UTF-8 the JSON parser reads. Windows PowerShell 5.1's
/// <c>aws ec2 describe-… &gt; file.json</c> writes UTF-16LE with a byte-order mark, editors add a UTF-8 one:
/// both load. An invalid sequence is named by line and column, never passed on to fail somewhere later.
/// </summary>
internal static class SnapshotEncoding
{
    public static byte[] ToUtf8(byte[] bytes, string file)
    {
        ReadOnlySpan<byte> b = bytes;
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) || b.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]))
            throw new SnapshotFormatException($"{file}:1:1", "UTF-32 text is not supported; save the file as UTF-8 or UTF-16");
        if (b.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) return Validated(bytes[3..], file);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return FromUtf16(b[2..], bigEndian: false, file);
        if (b.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return FromUtf16(b[2..], bigEndian: true, file);
        // JSON text starts with an ASCII character, so a zero byte among the first two means UTF-16 without a mark.
        if (b.Length >= 2 && (b[0] == 0) != (b[1] == 0)) return FromUtf16(b, bigEndian: b[0] == 0, file);
        return Validated(bytes, file);
    }

    /// <summary>Line and column (1-based, in characters) of a byte offset in UTF-8 text.</summary>
    public static (long Line, long Column) Position(ReadOnlySpan<byte> utf8, int offset)
    {
        offset = Math.Clamp(offset, 0, utf8.Length);
        var before = utf8[..offset];
        int lineStart = before.LastIndexOf((byte)'\n') + 1;
        return (before.Count((byte)'\n') + 1, CharCount(before[lineStart..]) + 1);
    }

    /// <summary>The byte offset of a line (0-based) and byte position within it, as <see cref="System.Text.Json.JsonException"/> gives them.</summary>
    public static int Offset(ReadOnlySpan<byte> utf8, long line, long bytePositionInLine)
    {
        int offset = 0;
        for (long l = 0; l < line; l++)
        {
            int next = utf8[offset..].IndexOf((byte)'\n');
            if (next < 0) return utf8.Length;
            offset += next + 1;
        }
        return (int)Math.Min(utf8.Length, offset + bytePositionInLine);
    }

    private static byte[] Validated(byte[] utf8, string file)
    {
        if (Utf8.IsValid(utf8)) return utf8;
        // Slow path, once: find the first bad sequence to name its place.
        ReadOnlySpan<byte> span = utf8;
        int offset = 0;
        while (Rune.DecodeFromUtf8(span[offset..], out _, out int consumed) == System.Buffers.OperationStatus.Done) offset += consumed;
        var (line, column) = Position(utf8, offset);
        throw new SnapshotFormatException($"{file}:{line}:{column}", $"invalid UTF-8 (byte 0x{utf8[offset]:X2})");
    }

    private static byte[] FromUtf16(ReadOnlySpan<byte> bytes, bool bigEndian, string file)
    {
        var text = new char[bytes.Length / 2];
        for (int i = 0; i < text.Length; i++)
            text[i] = (char)(bigEndian ? bytes[2 * i] << 8 | bytes[2 * i + 1] : bytes[2 * i + 1] << 8 | bytes[2 * i]);
        long line = 1;
        int lineStart = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\n') { line++; lineStart = i + 1; }
            else if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else if (char.IsSurrogate(c))
                throw new SnapshotFormatException($"{file}:{line}:{i - lineStart + 1}", $"invalid UTF-16 (unpaired surrogate 0x{(int)c:X4})");
        }
        if (bytes.Length % 2 != 0)
            throw new SnapshotFormatException($"{file}:{line}:{text.Length - lineStart + 1}", "invalid UTF-16 (an odd number of bytes)");
        return Encoding.UTF8.GetBytes(text);
    }

    private static int CharCount(ReadOnlySpan<byte> validUtf8) => Encoding.UTF8.GetCharCount(validUtf8);
}
