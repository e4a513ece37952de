using System.Globalization;
using Parquet;
using Parquet.Schema;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// Writes flow-log records as AWS delivers them to S3 in Parquet, with Parquet.Net (a writer independent of our reader):
/// one column per field, named with underscores, INT_32 for version, ports, protocol, tcp-flags and traffic-path, INT_64
/// for packets, bytes, start and end, STRING for the rest, '-' as a null, gzip pages.
/// </summary>
public static class ParquetFiles
{
    private static readonly HashSet<string> Int32Fields = ["version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"];
    private static readonly HashSet<string> Int64Fields = ["packets", "bytes", "start", "end"];

    public sealed record Options
    {
        public CompressionMethod Compression { get; init; } = CompressionMethod.Gzip;
        public int RowGroupSize { get; init; } = 100_000;
        /// <summary>Encodings to ask for, by column (Parquet.Net picks dictionary for repetitive strings by itself).</summary>
        public IDictionary<string, EncodingHint>? Hints { get; init; }
    }

    /// <summary>The AWS Parquet type of a field: int, long, or string.</summary>
    public static Type TypeOf(string field) => Int32Fields.Contains(field) ? typeof(int?) : Int64Fields.Contains(field) ? typeof(long?) : typeof(string);

    /// <summary>Writes text lines of the given fields (values '-' are nulls) as a Parquet file.</summary>
    public static void Write(string path, IReadOnlyList<string> fields, IReadOnlyList<string> lines, Options? options = null) =>
        WriteAsync(path, fields, lines, options).GetAwaiter().GetResult();

    private static async Task WriteAsync(string path, IReadOnlyList<string> fields, IReadOnlyList<string> lines, Options? options)
    {
        options ??= new Options();
        var dataFields = fields.Select(f => new DataField(f.Replace('-', '_'), TypeOf(f), isNullable: true)).ToArray();
        var parquetOptions = new ParquetOptions { CompressionMethod = options.Compression };
        if (options.Hints is { } hints)
            foreach (var (column, hint) in hints) parquetOptions.ColumnEncodingHints[column] = hint;
        var rows = lines.Select(l => l.Split(' ')).ToList();
        foreach (var r in rows)
            if (r.Length != fields.Count) throw new ArgumentException($"a line of {r.Length} fields for {fields.Count} columns: {string.Join(' ', r)}");
        await using var stream = File.Create(path);
        await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(dataFields), stream, parquetOptions);
        for (int from = 0; from == 0 || from < rows.Count; from += options.RowGroupSize)
        {
            var group = rows.Skip(from).Take(options.RowGroupSize).ToList();
            using var rowGroup = writer.CreateRowGroup();
            for (int c = 0; c < fields.Count; c++)
            {
                var values = group.Select(r => r[c] == "-" ? null : r[c]).ToArray();
                if (TypeOf(fields[c]) == typeof(int?))
                    await rowGroup.WriteAsync<int>(dataFields[c], values.Select(v => v is null ? (int?)null : int.Parse(v, CultureInfo.InvariantCulture)).ToArray());
                else if (TypeOf(fields[c]) == typeof(long?))
                    await rowGroup.WriteAsync<long>(dataFields[c], values.Select(v => v is null ? (long?)null : long.Parse(v, CultureInfo.InvariantCulture)).ToArray());
                else await rowGroup.WriteAsync(dataFields[c], values!);
            }
        }
    }

    /// <summary>A text flow-log file (header line, then records) written again as Parquet; returns the records' field names.</summary>
    public static IReadOnlyList<string> Convert(string textFile, string parquetFile, Options? options = null)
    {
        using var file = File.OpenRead(textFile);
        using var text = new StreamReader(textFile.EndsWith(".gz", StringComparison.Ordinal) ? new System.IO.Compression.GZipStream(file, System.IO.Compression.CompressionMode.Decompress) : file);
        var lines = text.ReadToEnd().Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
        var format = FlowLogFormat.TryParseHeader(System.Text.Encoding.UTF8.GetBytes(lines[0]));
        var fields = format?.Fields ?? FlowLogFormat.Default.Fields;
        Write(parquetFile, fields, format is null ? lines : lines.Skip(1).ToList(), options);
        return fields;
    }
}
