using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>The byte strings of a column chunk (its dictionary, then the distinct values stored plainly), numbered from 0.</summary>
internal sealed class ByteValues
{
    private byte[] _bytes = new byte[1 << 12];
    private int[] _starts = new int[256], _lengths = new int[256];
    private int _used;

    public int Count { get; private set; }

    /// <summary>The values <see cref="Intern"/> added, as <see cref="TaggedSlots"/>.</summary>
    private ulong[] _index = new ulong[64];
    private int _interned;

    public void Clear()
    {
        Count = 0;
        _used = 0;
        if (_interned > 0) Array.Clear(_index);
        _interned = 0;
    }

    /// <summary>
    /// The id of the value that is the first <paramref name="length"/> bytes of <paramref name="rest"/>: a value interned
    /// before keeps its id, so a column stored plainly, whose values repeat row after row, is numbered like a dictionary
    /// and each distinct value is judged and packed once.
    /// </summary>
    public int Intern(ReadOnlySpan<byte> rest, int length)
    {
        ByteKeys.Words(rest, length, out ulong k0, out ulong k1);
        var value = rest[..length];
        ulong tagged = (ulong)ByteKeys.Tag(k0, k1, value) << 32;
        if ((_interned + 1) * 2 > _index.Length) Reindex();
        int mask = _index.Length - 1;
        int slot = (int)(tagged >> 32) & mask;
        while (_index[slot] is var e && e != 0)
        {
            if ((e & 0xFFFF_FFFF_0000_0000UL) == tagged && Equal((int)(uint)e - 1, value, k0, k1)) return (int)(uint)e - 1;
            slot = (slot + 1) & mask;
        }
        int id = Add(value);
        _index[slot] = tagged | (uint)(id + 1);
        _interned++;
        return id;
    }

    /// <summary>Whether value <paramref name="id"/> is <paramref name="value"/> (whose first 16 bytes are the words k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool Equal(int id, ReadOnlySpan<byte> value, ulong k0, ulong k1)
    {
        if (_lengths[id] != value.Length) return false;
        // The values keep slack after them, so a short one compares as its two words.
        ByteKeys.Words(FromValue(id), value.Length, out ulong w0, out ulong w1);
        return w0 == k0 && w1 == k1 && (value.Length <= ByteKeys.Inline || this[id].SequenceEqual(value));
    }

    private void Reindex() => _index = TaggedSlots.Respread(_index, new ulong[_index.Length * 2]);

    public int Add(ReadOnlySpan<byte> value)
    {
        if (Count == _starts.Length)
        {
            Array.Resize(ref _starts, Count * 2);
            Array.Resize(ref _lengths, Count * 2);
        }
        if (_used + value.Length + Slack > _bytes.Length) Array.Resize(ref _bytes, Math.Max(_bytes.Length * 2, _used + value.Length + Slack));
        value.CopyTo(_bytes.AsSpan(_used));
        _starts[Count] = _used;
        _lengths[Count] = value.Length;
        _used += value.Length;
        return Count++;
    }

    public ReadOnlySpan<byte> this[int id] => _bytes.AsSpan(_starts[id], _lengths[id]);

    /// <summary>Bytes kept after the last value, so a value can be read with <see cref="FromValue"/> by 16-byte loads.</summary>
    public const int Slack = 16;

    /// <summary>The bytes from value <paramref name="id"/>'s start to the buffer's end: at least its length and <see cref="Slack"/> more.</summary>
    public ReadOnlySpan<byte> FromValue(int id) => _bytes.AsSpan(_starts[id]);

    /// <summary>Every value's bytes, one after another: one search over them answers "does any value hold this byte".</summary>
    public ReadOnlySpan<byte> All => _bytes.AsSpan(0, _used);

    /// <summary>Whether some value is empty (a line of one field cannot hold it).</summary>
    public bool AnyEmpty()
    {
        for (int id = 0; id < Count; id++) if (_lengths[id] == 0) return true;
        return false;
    }
}

/// <summary>The values of one column of one row group: per row, whether it has one, and the number or the id of its bytes.</summary>
internal sealed class ParquetValues
{
    public ParquetColumn Column { get; private set; } = null!;
    public int Rows { get; private set; }
    /// <summary>Per row: 1 when the row has a value, 0 for a null.</summary>
    public byte[] Defined = [];
    /// <summary>Per row: the value of a number column (booleans 0 or 1, floating point as its bits).</summary>
    public long[] Numbers = [];
    /// <summary>Per row: the id of a byte-array column's value in <see cref="Values"/>.</summary>
    public int[] Ids = [];
    public ByteValues Values { get; } = new();
    /// <summary>
    /// Whether values stored plainly are numbered once each (<see cref="ByteValues.Intern"/>): for group keys, which are
    /// packed and totalled per distinct value. A column that is only checked is cheaper numbered a value per row.
    /// </summary>
    public bool Distinct { get; set; }

    public bool IsBytes => Column.Type is ParquetType.ByteArray or ParquetType.FixedLengthByteArray;

    public void Reset(ParquetColumn column, int rows)
    {
        Column = column;
        Rows = rows;
        if (Defined.Length < rows) Defined = new byte[rows];
        if (IsBytes) { if (Ids.Length < rows) Ids = new int[rows]; }
        else if (Numbers.Length < rows) Numbers = new long[rows];
        Values.Clear();
    }
}

/// <summary>
/// Decodes one column chunk, page by page: dictionary pages, data pages (v1 and v2), their definition levels (nulls), and
/// the encodings writers use for flat columns: PLAIN, dictionary indices (RLE / bit-packed), DELTA_BINARY_PACKED,
/// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY, BYTE_STREAM_SPLIT; pages uncompressed, gzip (AWS's codec) or Snappy.
/// </summary>
internal sealed class ParquetColumnReader
{
    private byte[] _page = new byte[1 << 16];
    private int[] _indexes = new int[1024];
    private long[] _numbers = new long[1024];
    private long[] _dictionary = new long[256];
    private int _dictionaryCount;
    private bool _hasDictionary;

    /// <summary>Decodes <paramref name="chunk"/> (the chunk's stored bytes) into <paramref name="into"/>, which has the row group's rows.</summary>
    public void Read(ReadOnlySpan<byte> chunk, ParquetColumn column, ParquetCodec codec, ParquetValues into)
    {
        _hasDictionary = false;
        _dictionaryCount = 0;
        int row = 0, at = 0;
        while (row < into.Rows)
        {
            if (at >= chunk.Length) throw Corrupt(column, $"its pages hold {row} of the row group's {into.Rows} rows");
            var page = NextPage(chunk, ref at, column, out var stored);
            switch (page.Type)
            {
                case PageType.Dictionary:
                    Dictionary(Decompress(stored, page.UncompressedSize, codec, column), page.Values, column, into);
                    break;
                case PageType.Data:
                    row += DataPage(Decompress(stored, page.UncompressedSize, codec, column), page, column, into, row, levelsLength: -1);
                    break;
                case PageType.DataV2:
                    // Levels are never compressed in a v2 page; the values after them are unless the header says not.
                    int levels = page.DefinitionLength + page.RepetitionLength;
                    if (levels < 0 || levels > stored.Length) throw Corrupt(column, "a page's levels run past the page");
                    var values = page.Compressed ? Decompress(stored[levels..], page.UncompressedSize - levels, codec, column) : stored[levels..];
                    Span<byte> whole = new byte[levels + values.Length];
                    stored[..levels].CopyTo(whole);
                    values.CopyTo(whole[levels..]);
                    row += DataPage(whole, page, column, into, row, page.DefinitionLength);
                    break;
                default:
                    break;
            }
        }
    }

    /// <summary>
    /// Decodes only the dictionary of a byte-array chunk into <paramref name="into"/>'s values, when every data page of the
    /// chunk is dictionary-encoded (their headers are read, their values are not): then the dictionary holds every value the
    /// chunk has, and nulls aside, no other. False when it does not (a page stored plainly, or no dictionary).
    /// </summary>
    public bool ReadDictionary(ReadOnlySpan<byte> chunk, ParquetColumn column, ParquetCodec codec, ParquetValues into)
    {
        _hasDictionary = false;
        _dictionaryCount = 0;
        into.Reset(column, 0);
        int at = 0;
        while (at < chunk.Length)
        {
            var page = NextPage(chunk, ref at, column, out var stored);
            switch (page.Type)
            {
                case PageType.Dictionary:
                    Dictionary(Decompress(stored, page.UncompressedSize, codec, column), page.Values, column, into);
                    break;
                case PageType.Data or PageType.DataV2 when page.Encoding is not (Encoding.PlainDictionary or Encoding.RleDictionary):
                    return false;
            }
        }
        return _hasDictionary;
    }

    /// <summary>The header of the page at <paramref name="at"/> and its stored bytes; moves <paramref name="at"/> past the page.</summary>
    private static PageHeader NextPage(ReadOnlySpan<byte> chunk, ref int at, ParquetColumn column, out ReadOnlySpan<byte> stored)
    {
        var t = new ThriftReader(chunk[at..]);
        PageHeader page;
        try { page = PageHeader.Read(ref t); }
        catch (ParquetFormatException e) { throw Corrupt(column, $"a page header at byte {at} of its chunk is damaged ({e.Message})"); }
        at += t.Position;
        if (page.CompressedSize < 0 || page.CompressedSize > chunk.Length - at) throw Corrupt(column, "a page runs past the end of its chunk");
        stored = chunk.Slice(at, page.CompressedSize);
        at += page.CompressedSize;
        return page;
    }

    private Span<byte> Decompress(ReadOnlySpan<byte> stored, int size, ParquetCodec codec, ParquetColumn column)
    {
        if (codec == ParquetCodec.Uncompressed) return MemoryMarshal.CreateSpan(ref MemoryMarshal.GetReference(stored), stored.Length);
        if (size < 0) throw Corrupt(column, "a page has a negative size");
        if (_page.Length < size) _page = new byte[Math.Max(size, _page.Length * 2)];
        var into = _page.AsSpan(0, size);
        switch (codec)
        {
            case ParquetCodec.Gzip:
                var rented = ArrayPool<byte>.Shared.Rent(stored.Length);
                try
                {
                    stored.CopyTo(rented);
                    using var gzip = new GzipMemberStream(new MemoryStream(rented, 0, stored.Length));
                    gzip.ReadExactly(into);
                    // The page must end where its header says: more text would be a corrupt page.
                    if (gzip.Read(new byte[1]) != 0) throw Corrupt(column, $"a gzip page holds more than its {size} bytes");
                }
                catch (EndOfStreamException) { throw Corrupt(column, $"a gzip page holds fewer than its {size} bytes"); }
                catch (GzipDataException e) { throw Corrupt(column, $"a gzip page: {e.Message}"); }
                catch (InvalidDataException e) { throw Corrupt(column, $"a gzip page: {e.Message}"); }
                finally { ArrayPool<byte>.Shared.Return(rented); }
                return into;
            case ParquetCodec.Snappy:
                Snappy.Decompress(stored, into);
                return into;
            default:
                throw new ParquetFormatException($"column '{column.Name}' is compressed with {codec.ToString().ToUpperInvariant()}, which this reader does not read " +
                    "(AWS delivers gzip; gzip, Snappy and uncompressed pages are read)");
        }
    }

    private void Dictionary(ReadOnlySpan<byte> data, int count, ParquetColumn column, ParquetValues into)
    {
        _hasDictionary = true;
        if (into.IsBytes)
        {
            into.Values.Clear();
            int at = 0;
            for (int i = 0; i < count; i++) into.Values.Add(PlainBytes(data, ref at, column));
            _dictionaryCount = count;
            return;
        }
        if (_dictionary.Length < count) _dictionary = new long[count];
        PlainNumbers(data, column, _dictionary.AsSpan(0, count));
        _dictionaryCount = count;
    }

    /// <summary>Decodes a data page's nulls and values into rows [row, row + its values); returns its row count.</summary>
    private int DataPage(ReadOnlySpan<byte> data, PageHeader page, ParquetColumn column, ParquetValues into, int row, int levelsLength)
    {
        int rows = page.Values;
        if (rows < 0 || rows > into.Rows - row) throw Corrupt(column, $"a page holds {rows} values where {into.Rows - row} rows remain");
        var defined = into.Defined.AsSpan(row, rows);
        int present = rows;
        if (column.Optional)
        {
            ReadOnlySpan<byte> levels;
            if (levelsLength < 0)
            {
                if (page.DefinitionEncoding != Encoding.Rle) throw Corrupt(column, $"its definition levels are {page.DefinitionEncoding}-encoded (RLE expected)");
                if (data.Length < 4) throw Corrupt(column, "a page ends before its definition levels");
                int length = BinaryPrimitives.ReadInt32LittleEndian(data);
                if (length < 0 || length > data.Length - 4) throw Corrupt(column, "a page's definition levels run past the page");
                levels = data.Slice(4, length);
                data = data[(4 + length)..];
            }
            else
            {
                levels = data[..levelsLength];
                data = data[(levelsLength + page.RepetitionLength)..];
            }
            var ints = Scratch(ref _indexes, rows);
            Hybrid.Decode(levels, 1, ints, column);
            present = 0;
            for (int i = 0; i < rows; i++)
            {
                if ((uint)ints[i] > 1) throw Corrupt(column, $"a definition level of {ints[i]} in a flat column");
                defined[i] = (byte)ints[i];
                present += ints[i];
            }
        }
        else
        {
            if (levelsLength >= 0) data = data[(levelsLength + page.RepetitionLength)..];
            defined.Fill(1);
        }
        if (into.IsBytes) BytesPage(data, page, column, into, row, rows, present);
        else NumbersPage(data, page, column, into, row, rows, present);
        return rows;
    }

    private void NumbersPage(ReadOnlySpan<byte> data, PageHeader page, ParquetColumn column, ParquetValues into, int row, int rows, int present)
    {
        var values = Scratch(ref _numbers, present);
        switch (page.Encoding)
        {
            case Encoding.Plain:
                PlainNumbers(data, column, values);
                break;
            case Encoding.PlainDictionary or Encoding.RleDictionary:
                var ids = Indexes(data, present, column);
                for (int i = 0; i < present; i++) values[i] = _dictionary[ids[i]];
                break;
            case Encoding.DeltaBinaryPacked when column.Type is ParquetType.Int32 or ParquetType.Int64:
                Delta.Decode(data, values, column);
                if (column.Type == ParquetType.Int32) for (int i = 0; i < present; i++) values[i] = (int)values[i];
                break;
            case Encoding.Rle when column.Type == ParquetType.Boolean:
                if (data.Length < 4) throw Corrupt(column, "a page ends before its values");
                var bits = Scratch(ref _indexes, present);
                Hybrid.Decode(data.Slice(4, Math.Min(data.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(data))), 1, bits, column);
                for (int i = 0; i < present; i++) values[i] = bits[i];
                break;
            case Encoding.ByteStreamSplit when Width(column) is 4 or 8:
                int width = Width(column);
                if (data.Length < present * width) throw Corrupt(column, "a page ends before its values");
                Span<byte> one = stackalloc byte[8];
                for (int i = 0; i < present; i++)
                {
                    one.Clear();
                    for (int b = 0; b < width; b++) one[b] = data[b * present + i];
                    values[i] = width == 4 ? BinaryPrimitives.ReadInt32LittleEndian(one) : BinaryPrimitives.ReadInt64LittleEndian(one);
                }
                break;
            default:
                throw Unsupported(column, page.Encoding);
        }
        var numbers = into.Numbers.AsSpan(row, rows);
        if (present == rows) { values.CopyTo(numbers); return; }
        var defined = into.Defined.AsSpan(row, rows);
        for (int i = 0, v = 0; i < rows; i++) numbers[i] = defined[i] != 0 ? values[v++] : 0;
    }

    private void BytesPage(ReadOnlySpan<byte> data, PageHeader page, ParquetColumn column, ParquetValues into, int row, int rows, int present)
    {
        var ids = into.Ids.AsSpan(row, rows);
        var defined = into.Defined.AsSpan(row, rows);
        switch (page.Encoding)
        {
            case Encoding.Plain:
            {
                int at = 0;
                if (!into.Distinct)
                {
                    for (int i = 0; i < rows; i++) ids[i] = defined[i] != 0 ? into.Values.Add(PlainBytes(data, ref at, column)) : -1;
                    return;
                }
                for (int i = 0; i < rows; i++)
                {
                    if (defined[i] == 0) { ids[i] = -1; continue; }
                    int n = PlainBytes(data, ref at, column).Length;
                    ids[i] = into.Values.Intern(data[(at - n)..], n);
                }
                return;
            }
            case Encoding.PlainDictionary or Encoding.RleDictionary:
            {
                var indexes = Indexes(data, present, column);
                for (int i = 0, v = 0; i < rows; i++) ids[i] = defined[i] != 0 ? indexes[v++] : -1;
                return;
            }
            case Encoding.DeltaLengthByteArray:
            {
                var lengths = Scratch(ref _numbers, present);
                int at = Delta.Decode(data, lengths, column);
                for (int i = 0, v = 0; i < rows; i++)
                {
                    if (defined[i] == 0) { ids[i] = -1; continue; }
                    long n = lengths[v++];
                    if (n < 0 || n > data.Length - at) throw Corrupt(column, "a value runs past the end of its page");
                    ids[i] = into.Values.Add(data.Slice(at, (int)n));
                    at += (int)n;
                }
                return;
            }
            case Encoding.DeltaByteArray:
            {
                // Each value is a prefix of the one before it and a suffix; prefixes, then suffixes as DELTA_LENGTH_BYTE_ARRAY.
                var prefixes = new long[present];
                int at = Delta.Decode(data, prefixes, column);
                var lengths = Scratch(ref _numbers, present);
                at += Delta.Decode(data[at..], lengths, column);
                var previous = Array.Empty<byte>();
                for (int i = 0, v = 0; i < rows; i++)
                {
                    if (defined[i] == 0) { ids[i] = -1; continue; }
                    long prefix = prefixes[v], n = lengths[v++];
                    if (prefix < 0 || prefix > previous.Length || n < 0 || n > data.Length - at) throw Corrupt(column, "a value runs past the end of its page");
                    var value = new byte[prefix + n];
                    previous.AsSpan(0, (int)prefix).CopyTo(value);
                    data.Slice(at, (int)n).CopyTo(value.AsSpan((int)prefix));
                    at += (int)n;
                    ids[i] = into.Values.Add(value);
                    previous = value;
                }
                return;
            }
            default:
                throw Unsupported(column, page.Encoding);
        }
    }

    /// <summary>Dictionary indices: a byte of bit width, then RLE / bit-packed runs; each checked against the dictionary.</summary>
    private Span<int> Indexes(ReadOnlySpan<byte> data, int count, ParquetColumn column)
    {
        if (!_hasDictionary) throw Corrupt(column, "a dictionary-encoded page comes without a dictionary page");
        var ids = Scratch(ref _indexes, count);
        if (count == 0) return ids;
        if (data.IsEmpty) throw Corrupt(column, "a page ends before its dictionary indices");
        int width = data[0];
        if (width > 32) throw Corrupt(column, $"dictionary indices {width} bits wide");
        Hybrid.Decode(data[1..], width, ids, column);
        foreach (int id in ids)
            if ((uint)id >= (uint)_dictionaryCount) throw Corrupt(column, $"a dictionary index {id} past its {_dictionaryCount} entries");
        return ids;
    }

    private static int Width(ParquetColumn column) => column.Type switch
    {
        ParquetType.Int32 or ParquetType.Float => 4,
        ParquetType.Int64 or ParquetType.Double => 8,
        _ => 0,
    };

    private static void PlainNumbers(ReadOnlySpan<byte> data, ParquetColumn column, Span<long> into)
    {
        switch (column.Type)
        {
            case ParquetType.Int32 or ParquetType.Float:
                if (data.Length < into.Length * 4) throw Corrupt(column, "a page ends before its values");
                var ints = MemoryMarshal.Cast<byte, int>(data[..(into.Length * 4)]);
                for (int i = 0; i < into.Length; i++) into[i] = BitConverter.IsLittleEndian ? ints[i] : BinaryPrimitives.ReverseEndianness(ints[i]);
                return;
            case ParquetType.Int64 or ParquetType.Double:
                if (data.Length < into.Length * 8) throw Corrupt(column, "a page ends before its values");
                var longs = MemoryMarshal.Cast<byte, long>(data[..(into.Length * 8)]);
                if (BitConverter.IsLittleEndian) longs.CopyTo(into);
                else for (int i = 0; i < into.Length; i++) into[i] = BinaryPrimitives.ReverseEndianness(longs[i]);
                return;
            case ParquetType.Boolean:
                if (data.Length * 8 < into.Length) throw Corrupt(column, "a page ends before its values");
                for (int i = 0; i < into.Length; i++) into[i] = (data[i >> 3] >> (i & 7)) & 1;
                return;
            default:
                throw new ParquetFormatException($"column '{column.Name}' is of Parquet type {column.Type.ToString().ToUpperInvariant()}, which no flow-log field has");
        }
    }

    private static ReadOnlySpan<byte> PlainBytes(ReadOnlySpan<byte> data, ref int at, ParquetColumn column)
    {
        int length;
        if (column.Type == ParquetType.FixedLengthByteArray) length = column.TypeLength;
        else
        {
            if (data.Length - at < 4) throw Corrupt(column, "a page ends before its values");
            length = BinaryPrimitives.ReadInt32LittleEndian(data[at..]);
            at += 4;
        }
        if (length < 0 || length > data.Length - at) throw Corrupt(column, "a value runs past the end of its page");
        var value = data.Slice(at, length);
        at += length;
        return value;
    }

    private static Span<T> Scratch<T>(ref T[] buffer, int count)
    {
        if (buffer.Length < count) buffer = new T[Math.Max(count, buffer.Length * 2)];
        return buffer.AsSpan(0, count);
    }

    internal static ParquetFormatException Corrupt(ParquetColumn column, string why) => new($"column '{column.Name}' is corrupt: {why}");

    private static ParquetFormatException Unsupported(ParquetColumn column, Encoding encoding) =>
        new($"column '{column.Name}' ({column.Type.ToString().ToUpperInvariant()}) has a page in the {encoding} encoding, which this reader does not read");

    /// <summary>Value encodings (parquet.thrift <c>Encoding</c>).</summary>
    internal enum Encoding { Plain = 0, PlainDictionary = 2, Rle = 3, BitPacked = 4, DeltaBinaryPacked = 5, DeltaLengthByteArray = 6, DeltaByteArray = 7, RleDictionary = 8, ByteStreamSplit = 9 }

    private enum PageType { Data = 0, Index = 1, Dictionary = 2, DataV2 = 3 }

    /// <summary>
    /// PageHeader: 1 type, 2 uncompressed_page_size, 3 compressed_page_size, 5 data_page_header, 7 dictionary_page_header,
    /// 8 data_page_header_v2.
    /// </summary>
    private readonly record struct PageHeader(PageType Type, int UncompressedSize, int CompressedSize, int Values, Encoding Encoding,
        Encoding DefinitionEncoding, int DefinitionLength, int RepetitionLength, bool Compressed)
    {
        public static PageHeader Read(ref ThriftReader t)
        {
            var h = new PageHeader { Compressed = true, DefinitionLength = -1 };
            var outer = t.BeginStruct();
            while (t.Field() is var (id, type) && type != ThriftReader.Stop)
            {
                switch (id)
                {
                    case 1 when type == ThriftReader.I32: h = h with { Type = (PageType)t.I32Value() }; break;
                    case 2 when type == ThriftReader.I32: h = h with { UncompressedSize = t.I32Value() }; break;
                    case 3 when type == ThriftReader.I32: h = h with { CompressedSize = t.I32Value() }; break;
                    case 5 when type == ThriftReader.Struct: h = DataHeader(ref t, h, v2: false); break;
                    case 7 when type == ThriftReader.Struct: h = DataHeader(ref t, h, v2: false); break;
                    case 8 when type == ThriftReader.Struct: h = DataHeader(ref t, h, v2: true); break;
                    default: t.Skip(type); break;
                }
            }
            t.EndStruct(outer);
            return h;
        }

        /// <summary>
        /// DataPageHeader (1 num_values, 2 encoding, 3 definition_level_encoding), DictionaryPageHeader (1 num_values,
        /// 2 encoding) and DataPageHeaderV2 (1 num_values, 4 encoding, 5 and 6 the levels' lengths, 7 is_compressed).
        /// </summary>
        private static PageHeader DataHeader(ref ThriftReader t, PageHeader h, bool v2)
        {
            var outer = t.BeginStruct();
            while (t.Field() is var (id, type) && type != ThriftReader.Stop)
            {
                switch (id)
                {
                    case 1 when type == ThriftReader.I32: h = h with { Values = t.I32Value() }; break;
                    case 2 when type == ThriftReader.I32 && !v2: h = h with { Encoding = (Encoding)t.I32Value() }; break;
                    case 3 when type == ThriftReader.I32 && !v2: h = h with { DefinitionEncoding = (Encoding)t.I32Value() }; break;
                    case 4 when type == ThriftReader.I32 && v2: h = h with { Encoding = (Encoding)t.I32Value() }; break;
                    case 5 when type == ThriftReader.I32 && v2: h = h with { DefinitionLength = t.I32Value() }; break;
                    case 6 when type == ThriftReader.I32 && v2: h = h with { RepetitionLength = t.I32Value() }; break;
                    case 7 when v2 && type is ThriftReader.True or ThriftReader.False: h = h with { Compressed = ThriftReader.Boolean(type) }; break;
                    default: t.Skip(type); break;
                }
            }
            t.EndStruct(outer);
            return h;
        }
    }
}

/// <summary>The RLE / bit-packing hybrid of definition levels and dictionary indices.</summary>
internal static class Hybrid
{
    /// <summary>Fills <paramref name="into"/> with values of <paramref name="width"/> bits from runs in <paramref name="data"/>.</summary>
    public static void Decode(ReadOnlySpan<byte> data, int width, Span<int> into, ParquetColumn column)
    {
        int at = 0, n = 0, bytes = (width + 7) / 8;
        while (n < into.Length)
        {
            ulong header = Varint(data, ref at, column);
            if ((header & 1) == 0)
            {
                // A run of one value, stored in just enough bytes.
                long count = (long)(header >> 1);
                if (at + bytes > data.Length) throw ParquetColumnReader.Corrupt(column, "a run is cut short");
                int value = 0;
                for (int b = 0; b < bytes; b++) value |= data[at + b] << (8 * b);
                at += bytes;
                int take = (int)Math.Min(count, into.Length - n);
                into.Slice(n, take).Fill(value);
                n += take;
            }
            else
            {
                // Groups of 8 values packed LSB first; the last group may be padding.
                long values = (long)(header >> 1) * 8;
                int take = (int)Math.Min(values, into.Length - n);
                long length = (long)(header >> 1) * width;
                long needed = ((long)take * width + 7) / 8;
                if (needed > data.Length - at) throw ParquetColumnReader.Corrupt(column, "a bit-packed run is cut short");
                Unpack(data.Slice(at, (int)Math.Min(length, data.Length - at)), width, into.Slice(n, take));
                at += (int)Math.Min(length, data.Length - at);
                n += take;
            }
        }
    }

    /// <summary>Values of <paramref name="width"/> bits, LSB first; whole 8-byte loads while they fit, byte by byte at the end.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unpack(ReadOnlySpan<byte> data, int width, Span<int> into)
    {
        if (width == 0) { into.Clear(); return; }
        ulong mask = width == 32 ? uint.MaxValue : (1UL << width) - 1;
        long bit = 0;
        int i = 0;
        for (; i < into.Length; i++, bit += width)
        {
            int at = (int)(bit >> 3);
            if (at + 8 > data.Length) break;
            into[i] = (int)((BinaryPrimitives.ReadUInt64LittleEndian(data[at..]) >> (int)(bit & 7)) & mask);
        }
        for (; i < into.Length; i++, bit += width)
        {
            ulong word = 0;
            int at = (int)(bit >> 3);
            for (int b = 0; b < 8 && at + b < data.Length; b++) word |= (ulong)data[at + b] << (8 * b);
            into[i] = (int)((word >> (int)(bit & 7)) & mask);
        }
    }

    public static ulong Varint(ReadOnlySpan<byte> data, ref int at, ParquetColumn column)
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (at >= data.Length) throw ParquetColumnReader.Corrupt(column, "a page ends inside a number");
            byte b = data[at++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw ParquetColumnReader.Corrupt(column, "a number longer than 10 bytes");
    }
}

/// <summary>DELTA_BINARY_PACKED: a header, the first value, then blocks of miniblocks of bit-packed deltas above a minimum.</summary>
internal static class Delta
{
    /// <summary>Decodes <paramref name="into"/>.Length values; returns the bytes read.</summary>
    public static int Decode(ReadOnlySpan<byte> data, Span<long> into, ParquetColumn column)
    {
        int at = 0;
        long blockSize = (long)Hybrid.Varint(data, ref at, column);
        long miniblocks = (long)Hybrid.Varint(data, ref at, column);
        long total = (long)Hybrid.Varint(data, ref at, column);
        long value = ZigZag(Hybrid.Varint(data, ref at, column));
        if (blockSize <= 0 || blockSize % 128 != 0 || miniblocks <= 0 || blockSize % miniblocks != 0 || (blockSize / miniblocks) % 32 != 0)
            throw ParquetColumnReader.Corrupt(column, "a delta-encoded page has an impossible block layout");
        if (total < into.Length) throw ParquetColumnReader.Corrupt(column, $"a delta-encoded page holds {total} values where {into.Length} are needed");
        if (into.IsEmpty) return at;
        int perMini = (int)(blockSize / miniblocks);
        var deltas = new int[perMini];
        var wide = new long[perMini];
        into[0] = value;
        int n = 1;
        while (n < total)
        {
            long min = ZigZag(Hybrid.Varint(data, ref at, column));
            if (at + miniblocks > data.Length) throw ParquetColumnReader.Corrupt(column, "a delta block is cut short");
            var widths = data.Slice(at, (int)miniblocks);
            at += (int)miniblocks;
            for (int m = 0; m < miniblocks && n < total; m++)
            {
                int width = widths[m];
                if (width > 64) throw ParquetColumnReader.Corrupt(column, $"deltas {width} bits wide");
                int bytes = perMini * width / 8;
                if (at + bytes > data.Length) throw ParquetColumnReader.Corrupt(column, "a delta miniblock is cut short");
                var packed = data.Slice(at, bytes);
                at += bytes;
                if (width <= 32)
                {
                    Hybrid.Unpack(packed, width, deltas);
                    for (int k = 0; k < perMini && n < total; k++, n++)
                    {
                        value = unchecked(value + min + (uint)deltas[k]);
                        if (n < into.Length) into[n] = value;
                    }
                }
                else
                {
                    UnpackWide(packed, width, wide);
                    for (int k = 0; k < perMini && n < total; k++, n++)
                    {
                        value = unchecked(value + min + wide[k]);
                        if (n < into.Length) into[n] = value;
                    }
                }
            }
        }
        return at;
    }

    private static void UnpackWide(ReadOnlySpan<byte> data, int width, Span<long> into)
    {
        long bit = 0;
        for (int i = 0; i < into.Length; i++, bit += width)
        {
            UInt128 word = 0;
            int at = (int)(bit >> 3);
            for (int b = 0; b < 9 && at + b < data.Length; b++) word |= (UInt128)data[at + b] << (8 * b);
            var v = word >> (int)(bit & 7);
            into[i] = (long)(ulong)(width == 64 ? v : v & ((UInt128.One << width) - 1));
        }
    }

    private static long ZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);
}
