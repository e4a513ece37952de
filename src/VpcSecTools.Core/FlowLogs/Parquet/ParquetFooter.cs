using System.Buffers.Binary;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>Parquet's physical types (parquet.thrift <c>Type</c>).</summary>
internal enum ParquetType { Boolean = 0, Int32 = 1, Int64 = 2, Int96 = 3, Float = 4, Double = 5, ByteArray = 6, FixedLengthByteArray = 7 }

/// <summary>Page compression (parquet.thrift <c>CompressionCodec</c>).</summary>
internal enum ParquetCodec { Uncompressed = 0, Snappy = 1, Gzip = 2, Lzo = 3, Brotli = 4, Lz4 = 5, Zstd = 6, Lz4Raw = 7 }

/// <summary>One column of a flat schema: its name, physical type, and whether it may hold nulls.</summary>
internal sealed record ParquetColumn(string Name, ParquetType Type, bool Optional, int TypeLength);

/// <summary>Where one column of one row group is in the file, and its statistics.</summary>
internal sealed record ParquetChunk(ParquetType Type, ParquetCodec Codec, long Start, long Length, long Values, byte[]? Min, byte[]? Max, long? Nulls);

/// <summary>A row group: its rows, and one chunk per column in schema order.</summary>
internal sealed record ParquetRowGroup(long Rows, IReadOnlyList<ParquetChunk> Chunks)
{
    /// <summary>The stored bytes of the row group's chunks.</summary>
    public long Bytes => Chunks.Sum(c => c.Length);
}

/// <summary>
/// A Parquet file's footer (its FileMetaData): the columns of its flat schema and its row groups. Read from the last
/// bytes of the file: the metadata, its 4-byte length, and the magic <c>PAR1</c>.
/// </summary>
internal sealed record ParquetFooter(IReadOnlyList<ParquetColumn> Columns, IReadOnlyList<ParquetRowGroup> RowGroups, long Rows)
{
    public static ReadOnlySpan<byte> Magic => "PAR1"u8;

    /// <summary>Whether bytes start like a Parquet file.</summary>
    public static bool IsParquet(ReadOnlySpan<byte> head) => head.Length >= 4 && head[..4].SequenceEqual(Magic);

    /// <summary>Reads the footer of <paramref name="file"/>.</summary>
    public static ParquetFooter Read(ParquetFile file)
    {
        long length = file.Length;
        if (length < 12) throw new ParquetFormatException($"{length} bytes is too short for a Parquet file");
        Span<byte> tail = stackalloc byte[8];
        file.Read(length - 8, tail);
        if (!tail[4..].SequenceEqual(Magic)) throw new ParquetFormatException("the file starts like Parquet but does not end with PAR1: it is truncated or not Parquet");
        int size = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (size <= 0 || size > length - 12) throw new ParquetFormatException($"the footer length {size} does not fit the file ({length} bytes): it is truncated or corrupt");
        var metadata = new byte[size];
        file.Read(length - 8 - size, metadata);
        return Parse(metadata, length - 8 - size);
    }

    /// <summary>Parses FileMetaData: field 2 schema, 3 num_rows, 4 row_groups (the others are skipped).</summary>
    private static ParquetFooter Parse(ReadOnlySpan<byte> metadata, long dataEnd)
    {
        var t = new ThriftReader(metadata);
        var schema = new List<(string Name, int? Type, int Repetition, int Children, int TypeLength)>();
        var groups = new List<ParquetRowGroup>();
        long rows = 0;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 2 when type == ThriftReader.List:
                    var (_, n) = t.ListHeader();
                    for (int i = 0; i < n; i++) schema.Add(SchemaElement(ref t));
                    break;
                case 3 when type == ThriftReader.I64:
                    rows = t.I64Value();
                    break;
                case 4 when type == ThriftReader.List:
                    var (_, g) = t.ListHeader();
                    for (int i = 0; i < g; i++) groups.Add(RowGroup(ref t, dataEnd));
                    break;
                default:
                    t.Skip(type);
                    break;
            }
        }
        t.EndStruct(outer);
        if (schema.Count == 0) throw new ParquetFormatException("the footer has no schema");
        // A flat schema: the root, then one leaf per column. Nested groups (lists, maps, structs) are not flow-log fields.
        var columns = new List<ParquetColumn>();
        for (int i = 1; i < schema.Count; i++)
        {
            var e = schema[i];
            if (e.Type is null || e.Children > 0)
                throw new ParquetFormatException($"column '{e.Name}' is nested (a group); flow-log Parquet has flat columns only");
            if (e.Repetition == 2) throw new ParquetFormatException($"column '{e.Name}' is repeated; flow-log Parquet has one value per row");
            columns.Add(new ParquetColumn(e.Name, (ParquetType)e.Type.Value, e.Repetition == 1, e.TypeLength));
        }
        if (schema[0].Children != columns.Count) throw new ParquetFormatException("the schema's root does not have one child per column");
        foreach (var group in groups)
            if (group.Chunks.Count != columns.Count)
                throw new ParquetFormatException($"a row group has {group.Chunks.Count} column chunks for {columns.Count} columns");
        return new ParquetFooter(columns, groups, rows);
    }

    /// <summary>SchemaElement: 1 type, 2 type_length, 3 repetition_type, 4 name, 5 num_children.</summary>
    private static (string Name, int? Type, int Repetition, int Children, int TypeLength) SchemaElement(ref ThriftReader t)
    {
        string name = "";
        int? physical = null;
        int repetition = 0, children = 0, length = 0;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 1 when type == ThriftReader.I32: physical = t.I32Value(); break;
                case 2 when type == ThriftReader.I32: length = t.I32Value(); break;
                case 3 when type == ThriftReader.I32: repetition = t.I32Value(); break;
                case 4 when type == ThriftReader.Binary: name = t.StringValue(); break;
                case 5 when type == ThriftReader.I32: children = t.I32Value(); break;
                default: t.Skip(type); break;
            }
        }
        t.EndStruct(outer);
        return (name, physical, repetition, children, length);
    }

    /// <summary>RowGroup: 1 columns, 3 num_rows.</summary>
    private static ParquetRowGroup RowGroup(ref ThriftReader t, long dataEnd)
    {
        var chunks = new List<ParquetChunk>();
        long rows = 0;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 1 when type == ThriftReader.List:
                    var (_, n) = t.ListHeader();
                    for (int i = 0; i < n; i++) chunks.Add(ColumnChunk(ref t, dataEnd));
                    break;
                case 3 when type == ThriftReader.I64:
                    rows = t.I64Value();
                    break;
                default:
                    t.Skip(type);
                    break;
            }
        }
        t.EndStruct(outer);
        return new ParquetRowGroup(rows, chunks);
    }

    /// <summary>ColumnChunk: 1 file_path (another file: not read), 3 meta_data.</summary>
    private static ParquetChunk ColumnChunk(ref ThriftReader t, long dataEnd)
    {
        ParquetChunk? chunk = null;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 1 when type == ThriftReader.Binary:
                    throw new ParquetFormatException($"a column chunk is in another file ({t.StringValue()}): only self-contained Parquet files are read");
                case 3 when type == ThriftReader.Struct:
                    chunk = ColumnMetaData(ref t, dataEnd);
                    break;
                default:
                    t.Skip(type);
                    break;
            }
        }
        t.EndStruct(outer);
        return chunk ?? throw new ParquetFormatException("a column chunk has no metadata");
    }

    /// <summary>
    /// ColumnMetaData: 1 type, 4 codec, 5 num_values, 7 total_compressed_size, 9 data_page_offset,
    /// 11 dictionary_page_offset, 12 statistics.
    /// </summary>
    private static ParquetChunk ColumnMetaData(ref ThriftReader t, long dataEnd)
    {
        int physical = 0, codec = 0;
        long values = 0, size = 0, dataPage = -1, dictionaryPage = -1;
        (byte[]? Min, byte[]? Max, long? Nulls) stats = default;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 1 when type == ThriftReader.I32: physical = t.I32Value(); break;
                case 4 when type == ThriftReader.I32: codec = t.I32Value(); break;
                case 5 when type == ThriftReader.I64: values = t.I64Value(); break;
                case 7 when type == ThriftReader.I64: size = t.I64Value(); break;
                case 9 when type == ThriftReader.I64: dataPage = t.I64Value(); break;
                case 11 when type == ThriftReader.I64: dictionaryPage = t.I64Value(); break;
                case 12 when type == ThriftReader.Struct: stats = Statistics(ref t, (ParquetType)physical); break;
                default: t.Skip(type); break;
            }
        }
        t.EndStruct(outer);
        // Some writers leave the dictionary offset 0 or point the data offset at the dictionary: the chunk starts at the first of them.
        long start = dictionaryPage > 0 && dictionaryPage < dataPage ? dictionaryPage : dataPage;
        if (start < 4 || size <= 0 || start + size > dataEnd)
            throw new ParquetFormatException($"a column chunk lies outside the file's data (offset {start}, {size} bytes)");
        return new ParquetChunk((ParquetType)physical, (ParquetCodec)codec, start, size, values, stats.Min, stats.Max, stats.Nulls);
    }

    /// <summary>
    /// Statistics: 3 null_count, 5 max_value, 6 min_value; the older 1 max and 2 min only for integers (their order was
    /// signed bytes, which is wrong for strings).
    /// </summary>
    private static (byte[]? Min, byte[]? Max, long? Nulls) Statistics(ref ThriftReader t, ParquetType physical)
    {
        byte[]? min = null, max = null, oldMin = null, oldMax = null;
        long? nulls = null;
        var outer = t.BeginStruct();
        while (t.Field() is var (id, type) && type != ThriftReader.Stop)
        {
            switch (id)
            {
                case 1 when type == ThriftReader.Binary: oldMax = t.BinaryValue().ToArray(); break;
                case 2 when type == ThriftReader.Binary: oldMin = t.BinaryValue().ToArray(); break;
                case 3 when type == ThriftReader.I64: nulls = t.I64Value(); break;
                case 5 when type == ThriftReader.Binary: max = t.BinaryValue().ToArray(); break;
                case 6 when type == ThriftReader.Binary: min = t.BinaryValue().ToArray(); break;
                default: t.Skip(type); break;
            }
        }
        t.EndStruct(outer);
        if (min is null && max is null && physical is ParquetType.Int32 or ParquetType.Int64) (min, max) = (oldMin, oldMax);
        return (min, max, nulls);
    }
}
