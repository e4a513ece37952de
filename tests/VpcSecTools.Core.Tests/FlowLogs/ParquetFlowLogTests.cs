using System.Globalization;
using System.Reflection;
using Parquet;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// Parquet flow logs in AWS's schema (written by Parquet.Net) read by the engine's own reader: every field's type and
/// nulls against the text reader on the same records, every codec and encoding the writers use, row groups split across
/// threads and skipped by their statistics, and damaged files reported with the rows before the damage counted.
/// </summary>
public class ParquetFlowLogTests
{
    /// <summary>Every catalogue field (and a transit-gateway one it has no property for), with '-' in every column somewhere.</summary>
    private static readonly string[] AllFields = [.. FlowFieldCatalog.All.Select(f => f.AwsName), "tgw-id"];

    private static string Value(string field, Random rnd, int i)
    {
        if (rnd.Next(9) == 0) return "-";
        var info = FlowFieldCatalog.Find(field);
        return info?.Kind switch
        {
            FlowFieldKind.Integer => rnd.Next(3) == 0 ? "0" : rnd.Next(0, 65536).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Counter => (rnd.NextInt64(0, 1L << 40) >> rnd.Next(40)).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Time => rnd.Next(4) == 0 ? (1_700_000_000_000L + i).ToString(CultureInfo.InvariantCulture) : (1_700_000_000L + i).ToString(CultureInfo.InvariantCulture),
            FlowFieldKind.Address => rnd.Next(5) == 0 ? $"2600:1f18:4a3c:7e01::{rnd.Next(1, 500):x}" : $"10.{rnd.Next(4)}.{rnd.Next(256)}.{rnd.Next(1, 255)}",
            _ => field switch
            {
                "action" => rnd.Next(3) == 0 ? "REJECT" : "ACCEPT",
                "log-status" => rnd.Next(20) == 0 ? "NODATA" : "OK",
                "flow-direction" => rnd.Next(2) == 0 ? "ingress" : "egress",
                _ => $"{field}-{rnd.Next(40)}",
            },
        };
    }

    private static List<string> Lines(IReadOnlyList<string> fields, int count, int seed)
    {
        var rnd = new Random(seed);
        return Enumerable.Range(0, count).Select(i => string.Join(' ', fields.Select(f => Value(f, rnd, i)))).ToList();
    }

    private static (string Text, string Parquet) Files(TestPaths.TempDir dir, IReadOnlyList<string> fields, IReadOnlyList<string> lines, ParquetFiles.Options? options = null)
    {
        var text = dir.File("flows.log");
        File.WriteAllText(text, string.Join(' ', fields) + "\n" + string.Join('\n', lines) + "\n");
        var parquet = dir.File("flows.log.parquet");
        ParquetFiles.Write(parquet, fields, lines, options);
        return (text, parquet);
    }

    private static List<FlowRecord> Records(string path, FlowLogQuery? query = null, FlowLogReadOptions? options = null)
    {
        var report = new FlowLogReadReport();
        var records = new FlowLogReader(options).Records(FlowLogPaths.Expand([path], out _), query ?? new FlowLogQuery(), report).ToList();
        Assert.Empty(report.FileErrors);
        return records;
    }

    private static readonly PropertyInfo[] RecordProperties = typeof(FlowRecord).GetProperties().Where(p => p.Name is not ("File" or "Line")).ToArray();

    private static void AssertSameRecords(IReadOnlyList<FlowRecord> text, IReadOnlyList<FlowRecord> parquet)
    {
        Assert.Equal(text.Count, parquet.Count);
        for (int i = 0; i < text.Count; i++)
            foreach (var p in RecordProperties)
            {
                var (a, b) = (p.GetValue(text[i]), p.GetValue(parquet[i]));
                if (a is IReadOnlyDictionary<string, string> da && b is IReadOnlyDictionary<string, string> db) Assert.Equal(da.OrderBy(x => x.Key), db.OrderBy(x => x.Key));
                else Assert.True(Equals(a, b), $"record {i}, {p.Name}: text {a}, Parquet {b}");
            }
    }

    [Fact]
    public void Every_field_type_and_null_reads_as_the_text_reader_reads_the_same_records()
    {
        using var dir = new TestPaths.TempDir();
        var lines = Lines(AllFields, 3000, 1);
        var (text, parquet) = Files(dir, AllFields, lines, new ParquetFiles.Options { RowGroupSize = 700 });
        var fromText = Records(text);
        var fromParquet = Records(parquet);
        AssertSameRecords(fromText, fromParquet);
        // A row is a line: row numbers are the lines the report names.
        Assert.Equal(Enumerable.Range(1, lines.Count).Select(i => (long)i), fromParquet.Select(r => r.Line));
        // Every property had nulls and values (a '-' in text, a null in Parquet), the field without a property too.
        foreach (var p in RecordProperties.Where(p => p.Name != nameof(FlowRecord.OtherFields)))
        {
            Assert.Contains(fromParquet, r => p.GetValue(r) is null);
            Assert.Contains(fromParquet, r => p.GetValue(r) is not null);
        }
        Assert.Contains(fromParquet, r => r.OtherFields["tgw-id"] == "-");
        Assert.Contains(fromParquet, r => r.OtherFields["tgw-id"] != "-");
    }
}
