using Microsoft.Win32.SafeHandles;

namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>A Parquet file read by offset: a local file, or an object (S3, standard input) read whole into memory.</summary>
internal sealed class ParquetFile : IDisposable
{
    private readonly SafeFileHandle? _handle;
    private readonly byte[]? _bytes;
    private readonly FlowLogProgress? _progress;
    private long _read;

    private ParquetFile(SafeFileHandle? handle, byte[]? bytes, long length, FlowLogProgress? progress)
    {
        _handle = handle; _bytes = bytes; Length = length; _progress = progress;
    }

    public long Length { get; }

    /// <summary>The stored bytes read so far (footer and the column chunks a query needs).</summary>
    public long BytesRead => Interlocked.Read(ref _read);

    public static ParquetFile FromPath(string path, FlowLogProgress? progress)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try { return new ParquetFile(handle, null, RandomAccess.GetLength(handle), progress); }
        catch { handle.Dispose(); throw; }
    }

    /// <summary>A stream read to its end: Parquet's footer is at the end, and S3 objects and pipes cannot seek.</summary>
    public static ParquetFile FromStream(Stream stream, FlowLogProgress? progress)
    {
        using var all = new MemoryStream();
        stream.CopyTo(all);
        var bytes = all.ToArray();
        return new ParquetFile(null, bytes, bytes.Length, progress);
    }

    public void Read(long offset, Span<byte> into)
    {
        if (offset < 0 || offset + into.Length > Length) throw new ParquetFormatException($"a read at offset {offset} of {into.Length} bytes runs past the file's end ({Length} bytes)");
        if (_bytes is not null) _bytes.AsSpan((int)offset, into.Length).CopyTo(into);
        else
        {
            int done = 0;
            while (done < into.Length)
            {
                int n = RandomAccess.Read(_handle!, into[done..], offset + done);
                if (n == 0) throw new ParquetFormatException($"the file ended at offset {offset + done}, before the {Length} bytes it had when opened");
                done += n;
            }
        }
        Interlocked.Add(ref _read, into.Length);
        _progress?.Add(into.Length);
    }

    public ParquetFooter Footer() => ParquetFooter.Read(this);

    public void Dispose() => _handle?.Dispose();
}

/// <summary>
/// A Parquet flow log as the reader sees it: its columns named as flow-log fields (underscores become hyphens), and which
/// of them a query reads. AWS's schema names each field of the chosen format with underscores (<c>srcaddr</c>,
/// <c>interface_id</c>, <c>pkt_src_aws_service</c>), numbers INT_32 or INT_64 and text as STRING.
/// </summary>
internal sealed class ParquetFlowLog
{
    private ParquetFlowLog(ParquetFooter footer, FlowLogFormat format) { Footer = footer; Format = format; }

    public ParquetFooter Footer { get; }
    /// <summary>Every column, as a flow-log format.</summary>
    public FlowLogFormat Format { get; }

    public static ParquetFlowLog Of(ParquetFooter footer)
    {
        var names = footer.Columns.Select(c => FieldName(c.Name)).ToList();
        return new ParquetFlowLog(footer, new FlowLogFormat(names));
    }

    /// <summary>A column's flow-log field name: the catalogue's for its known columns, else the name with hyphens for underscores.</summary>
    private static string FieldName(string column)
    {
        if (FlowFieldCatalog.Find(column) is { } known) return known.AwsName;
        var name = column.Replace('_', '-').ToLowerInvariant();
        return FlowFieldCatalog.LooksLikeFieldName(name) ? name
            : throw new ParquetFormatException($"column '{column}' is not a flow-log field (names are letters, digits and underscores, such as srcaddr or interface_id)");
    }

    /// <summary>The positions of the columns a read needs, in file order.</summary>
    public int[] Columns(FieldNeeds needs) =>
        Enumerable.Range(0, Format.FieldCount).Where(i => needs.Includes(Format.Fields[i], Format.FieldAt(i))).ToArray();
}

/// <summary>
/// The fields a read looks at, so a columnar input reads only those: the named ones, and with <see cref="Typed"/> every
/// number, time and address field too (a count takes what listing would, every such field valid). Null names: every field.
/// </summary>
internal sealed record FieldNeeds(IReadOnlySet<string>? Names, bool Typed)
{
    public static readonly FieldNeeds All = new(null, false);

    public bool Includes(string name, FlowField field) =>
        Names is null || Names.Contains(name) || (Typed && field != FlowField.Unknown && FlowFieldCatalog.Info(field).Kind != FlowFieldKind.Text);

    public static FieldNeeds Of(IEnumerable<string> names, bool typed = false) =>
        new(names.Select(FlowFieldCatalog.ToAwsName).ToHashSet(StringComparer.Ordinal), typed);
}
