namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>
/// Snappy's block format (as Parquet's SNAPPY codec stores a page): the uncompressed length as a varint, then literals
/// and back-references. Parquet written by DuckDB, Spark and pyarrow uses it by default; AWS delivers gzip.
/// </summary>
internal static class Snappy
{
    /// <summary>The uncompressed length a block declares.</summary>
    public static int Length(ReadOnlySpan<byte> block, out int headerLength)
    {
        uint length = 0;
        for (int i = 0, shift = 0; i < 5 && i < block.Length; i++, shift += 7)
        {
            length |= (uint)(block[i] & 0x7F) << shift;
            if (block[i] < 0x80)
            {
                headerLength = i + 1;
                return length <= int.MaxValue ? (int)length : throw Corrupt("its length does not fit");
            }
        }
        throw Corrupt("its length is cut short");
    }

    /// <summary>Decompresses <paramref name="block"/> into <paramref name="into"/>, which is exactly its declared length.</summary>
    public static void Decompress(ReadOnlySpan<byte> block, Span<byte> into)
    {
        int length = Length(block, out int at);
        if (length != into.Length) throw Corrupt($"it declares {length} bytes where the page header says {into.Length}");
        int written = 0;
        while (at < block.Length)
        {
            byte tag = block[at++];
            int kind = tag & 3;
            if (kind == 0)
            {
                int n = tag >> 2;
                if (n >= 60)
                {
                    int bytes = n - 59;
                    if (at + bytes > block.Length) throw Corrupt("a literal's length is cut short");
                    n = 0;
                    for (int i = 0; i < bytes; i++) n |= block[at + i] << (8 * i);
                    at += bytes;
                    if (n < 0) throw Corrupt("a literal is too long");
                }
                n++;
                if (n > block.Length - at || n > into.Length - written) throw Corrupt("a literal runs past its end");
                block.Slice(at, n).CopyTo(into[written..]);
                at += n;
                written += n;
                continue;
            }
            int copy, offset;
            switch (kind)
            {
                case 1:
                    if (at + 1 > block.Length) throw Corrupt("a copy is cut short");
                    copy = ((tag >> 2) & 7) + 4;
                    offset = ((tag >> 5) << 8) | block[at++];
                    break;
                case 2:
                    if (at + 2 > block.Length) throw Corrupt("a copy is cut short");
                    copy = (tag >> 2) + 1;
                    offset = block[at] | block[at + 1] << 8;
                    at += 2;
                    break;
                default:
                    if (at + 4 > block.Length) throw Corrupt("a copy is cut short");
                    copy = (tag >> 2) + 1;
                    offset = block[at] | block[at + 1] << 8 | block[at + 2] << 16 | block[at + 3] << 24;
                    at += 4;
                    break;
            }
            if (offset <= 0 || offset > written || copy > into.Length - written) throw Corrupt("a copy reaches outside the data");
            if (offset >= copy) into.Slice(written - offset, copy).CopyTo(into[written..]);
            else for (int i = 0; i < copy; i++) into[written + i] = into[written - offset + i]; // overlapping: a repeated run
            written += copy;
        }
        if (written != into.Length) throw Corrupt($"it holds {written} of its {into.Length} bytes");
    }

    private static ParquetFormatException Corrupt(string why) => new($"a Snappy-compressed page is corrupt: {why}");
}
