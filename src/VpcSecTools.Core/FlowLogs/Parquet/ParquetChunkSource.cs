using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>
/// The rows of a Parquet flow log as lines of text, so every filter, group-by and sink reads Parquet as it reads text:
/// row groups are read column by column, only the columns the query needs (<see cref="ParquetFlowLog.Columns"/>), and
/// each row becomes one line of those fields in file order, a null as '-'. Row groups whose statistics rule the filter
/// out are counted and not read.
/// </summary>
/// <remarks>
/// A row is one line, so line numbers in the read report are row numbers. A value no line can hold (a text value with a
/// space or line break) makes its row an empty line and a skipped line with the reason; a row group that cannot be
/// decoded ends the read of the file with an error after the rows before it.
/// </remarks>
internal sealed class ParquetChunkSource : ChunkSource
{
    private readonly ParquetFile _file;
    private readonly ParquetFlowLog _log;
    private readonly int[] _columns;
    private readonly ScanTally _tally;
    private readonly int _chunkSize;
    private readonly Func<ParquetRowGroup, bool>? _mayMatch;
    private readonly ParquetValues[] _values;
    private readonly ParquetColumnReader _reader = new();
    /// <summary>Per projected byte column, per value id: the value cannot be a field of a line.</summary>
    private readonly bool[][] _unusable;
    private byte[] _stored = [];
    private int _group;
    private readonly int _endGroup;
    private int _row, _rows, _rowRoom;
    /// <summary>Rows of this item already given out or counted: the line number of the next row is this + 1.</summary>
    private long _lines;
    private long _textBytes;

    public ParquetChunkSource(ParquetFile file, ParquetFlowLog log, int firstGroup, int endGroup, FieldNeeds needs, ScanTally tally,
        int chunkSize, Func<ParquetRowGroup, bool>? mayMatch)
    {
        _file = file;
        _log = log;
        _columns = log.Columns(needs);
        Format = log.Format.Projection(_columns.Select(i => log.Format.Fields[i]));
        _tally = tally;
        _chunkSize = chunkSize;
        _mayMatch = mayMatch;
        _group = firstGroup;
        _endGroup = endGroup;
        _values = _columns.Select(_ => new ParquetValues()).ToArray();
        _unusable = new bool[_columns.Length][];
    }

    /// <summary>The fields of each line: the columns read, in file order.</summary>
    public override FlowLogFormat Format { get; }

    public override long TextBytes => _textBytes;

    /// <summary>The stored bytes read (footer and chunks).</summary>
    public long BytesRead => _file.BytesRead;

    public override byte[]? Next(out int length)
    {
        length = 0;
        try
        {
            while (_row == _rows)
            {
                if (_group >= _endGroup) return null;
                Load(_log.Footer.RowGroups[_group++]);
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Failure = e;
            return null;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(_chunkSize, _rowRoom + 1));
        int at = 0;
        while (_row < _rows && buffer.Length - at > _rowRoom)
        {
            at += Line(_row, buffer.AsSpan(at));
            buffer[at++] = (byte)'\n';
            _row++;
            _lines++;
        }
        _textBytes += at;
        length = at;
        return buffer;
    }

    /// <summary>Reads a row group's columns, or counts its rows as read when its statistics rule the filter out.</summary>
    private void Load(ParquetRowGroup group)
    {
        _row = 0;
        _rows = 0;
        if (Skip(group)) return;
        int rows = (int)group.Rows;
        _rowRoom = 0;
        for (int k = 0; k < _columns.Length; k++)
        {
            Decode(k, group, rows);
            _rowRoom += Room(k, _values[k]) + 1;
        }
        _rows = rows;
    }

    /// <summary>The most bytes a value of column k takes in a line; marks the byte values a line cannot hold.</summary>
    private int Room(int k, ParquetValues values)
    {
        if (!values.IsBytes) return 24;
        int count = values.Values.Count, widest = 1;
        var unusable = _unusable[k] is { } u && u.Length >= count ? u : _unusable[k] = new bool[Math.Max(count, 16)];
        for (int id = 0; id < count; id++)
        {
            var v = values.Values[id];
            widest = Math.Max(widest, v.Length);
            unusable[id] = v.IndexOfAny((byte)' ', (byte)'\n', (byte)'\r') >= 0;
        }
        return widest;
    }

    /// <summary>Writes row <paramref name="row"/> as a line (without its newline) and returns its length.</summary>
    private int Line(int row, Span<byte> into)
    {
        int at = 0;
        for (int k = 0; k < _values.Length; k++)
        {
            var values = _values[k];
            if (k > 0) into[at++] = (byte)' ';
            if (values.Defined[row] == 0) { into[at++] = (byte)'-'; continue; }
            if (values.IsBytes)
            {
                int id = values.Ids[row];
                if (_unusable[k][id])
                {
                    _tally.Skip(_lines + 1, $"{Format.Fields[k]} '{FlowText.Describe(values.Values[id])}' holds a space or line break, which no flow-log field can");
                    return 0;
                }
                var v = values.Values[id];
                v.CopyTo(into[at..]);
                at += v.Length;
                continue;
            }
            at += Number(values.Column.Type, values.Numbers[row], into[at..]);
        }
        return at;
    }

    private static int Number(ParquetType type, long value, Span<byte> into)
    {
        int written;
        switch (type)
        {
            case ParquetType.Boolean:
                return (value != 0 ? "true"u8 : "false"u8).TryCopyTo(into) ? (value != 0 ? 4 : 5) : 0;
            case ParquetType.Float:
                var f = BitConverter.Int32BitsToSingle((int)value).ToString("R", CultureInfo.InvariantCulture);
                return System.Text.Encoding.ASCII.GetBytes(f, into);
            case ParquetType.Double:
                var d = BitConverter.Int64BitsToDouble(value).ToString("R", CultureInfo.InvariantCulture);
                return System.Text.Encoding.ASCII.GetBytes(d, into);
            default:
                Utf8Formatter.TryFormat(value, into, out written);
                return written;
        }
    }

    /// <summary>Column chunks decoded so far (a column a query does not need, or that statistics prove valid, is not).</summary>
    public long ChunksDecoded { get; private set; }

    /// <summary>The columns read, as Parquet columns (the fields of <see cref="Format"/>).</summary>
    public IReadOnlyList<ParquetColumn> Columns => _columns.Select(c => _log.Footer.Columns[c]).ToList();

    /// <summary>
    /// Runs every row group of the item through <paramref name="scan"/> on its column values instead of lines: only the
    /// columns it needs are read and decoded. False when the file failed (<see cref="ChunkSource.Failure"/>).
    /// </summary>
    public bool Scan(ParquetRowScan scan)
    {
        var decoded = new bool[_columns.Length];
        try
        {
            while (_group < _endGroup)
            {
                var group = _log.Footer.RowGroups[_group++];
                if (!Skip(group) && group.Rows > 0)
                {
                    int rows = (int)group.Rows;
                    for (int k = 0; k < _columns.Length; k++)
                    {
                        var chunk = group.Chunks[_columns[k]];
                        var need = scan.Needs(k, chunk);
                        decoded[k] = need == ParquetNeed.Decode || (need == ParquetNeed.Dictionary && !ProvedByDictionary(scan, k, group));
                        _values[k].Distinct = scan.Groups(k);
                        if (decoded[k]) Decode(k, group, rows);
                    }
                    scan.Scan(_values, decoded, rows, _lines);
                    _lines += rows;
                }
            }
            return true;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            Failure = e;
            return false;
        }
    }

    /// <summary>Whether statistics rule the row group out: its rows are then counted as read, not matched, as the scanner would.</summary>
    private bool Skip(ParquetRowGroup group)
    {
        if (group.Rows > int.MaxValue) throw new ParquetFormatException($"a row group of {group.Rows} rows is larger than this reader takes");
        if (_mayMatch is null || _mayMatch(group)) return false;
        _tally.Lines += group.Rows;
        _tally.Records += group.Rows;
        _lines += group.Rows;
        return true;
    }

    /// <summary>Whether column k's dictionary holds all its values and proves them valid (its data pages are not decoded).</summary>
    private bool ProvedByDictionary(ParquetRowScan scan, int k, ParquetRowGroup group)
    {
        var column = _log.Footer.Columns[_columns[k]];
        var stored = Stored(column, group.Chunks[_columns[k]]);
        return _reader.ReadDictionary(stored, column, group.Chunks[_columns[k]].Codec, _values[k]) && scan.Proves(k, _values[k]);
    }

    /// <summary>Reads and decodes column k of the row group into its values.</summary>
    private void Decode(int k, ParquetRowGroup group, int rows)
    {
        var column = _log.Footer.Columns[_columns[k]];
        var chunk = group.Chunks[_columns[k]];
        var stored = Stored(column, chunk);
        var values = _values[k];
        values.Reset(column, rows);
        _reader.Read(stored, column, chunk.Codec, values);
        ChunksDecoded++;
    }

    /// <summary>A column chunk's stored bytes, read from the file.</summary>
    private Span<byte> Stored(ParquetColumn column, ParquetChunk chunk)
    {
        if (chunk.Type != column.Type) throw new ParquetFormatException($"column '{column.Name}' is {chunk.Type} in a row group but {column.Type} in the schema");
        if (chunk.Length > int.MaxValue) throw new ParquetFormatException($"column '{column.Name}' has a chunk of {chunk.Length} bytes, larger than this reader takes");
        if (_stored.Length < chunk.Length) _stored = new byte[Math.Max(chunk.Length, _stored.Length * 2)];
        var stored = _stored.AsSpan(0, (int)chunk.Length);
        _file.Read(chunk.Start, stored);
        return stored;
    }

    public override void Dispose() => _file.Dispose();
}
