using System.Text.Json.Nodes;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// The README's flow-log questions on the demo day, asked of the same logs delivered as Parquet (every file converted in
/// AWS's schema, gzip pages) and of a folder that mixes both: the answers are the text logs' answers, byte for byte.
/// </summary>
public class ParquetDemoQuestionsTests
{
    private static readonly string DemoLogs = Path.Combine(TestPaths.Demo, "flowlogs");

    /// <summary>The demo logs again under <paramref name="into"/>: as Parquet, or every other file as Parquet when <paramref name="mixed"/>.</summary>
    private static void Convert(string into, bool mixed)
    {
        var files = Directory.EnumerateFiles(DemoLogs, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        for (int i = 0; i < files.Count; i++)
        {
            var relative = Path.GetRelativePath(DemoLogs, files[i]);
            var target = Path.Combine(into, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            if (mixed && i % 2 == 0) File.Copy(files[i], target);
            // Row groups of 500 rows: most files have several.
            else ParquetFiles.Convert(files[i], target.Replace(".log.gz", ".log.parquet", StringComparison.Ordinal), new ParquetFiles.Options { RowGroupSize = 500 });
        }
    }

    /// <summary>
    /// An answer with what differs between the two deliveries taken out: file names (the same file, as Parquet), line
    /// numbers (a text file's first line is its header; a Parquet row is a line), and stored sizes and times.
    /// </summary>
    private static string Comparable(string json, string logs)
    {
        var node = JsonNode.Parse(json)!;
        if (node is JsonObject { } top && top["Report"] is JsonObject report)
            foreach (var varies in new[] { "Bytes", "TextBytes", "Lines", "Elapsed" }) report.Remove(varies);
        foreach (var record in (node as JsonArray ?? []).OfType<JsonObject>())
            if (record["File"]?.GetValue<string>() is { } file && file.EndsWith(".log.parquet", StringComparison.Ordinal))
                record["Line"] = record["Line"]!.GetValue<long>() + 1;
        return node.ToJsonString().Replace(logs, "LOGS", StringComparison.Ordinal).Replace(".log.parquet", ".log.gz", StringComparison.Ordinal);
    }

    public static TheoryData<string> Questions => new()
    {
        // Top rejected sources of the day.
        "flowlogs query {0} --action REJECT --group-by srcaddr --top 5 --format json",
        // Who talked to the database, by name.
        "flowlogs query {0} --snapshot {1} --attribute --destination-address 10.0.20.77 --destination-port 5432 --group-by srcaddr,action --format json",
        // Bytes through the NAT gateways by destination service.
        "flowlogs query {0} --snapshot {1} --through-nat-gateway --format json",
        // Which VPC endpoints would pay for themselves.
        "endpoint-plan --snapshot {1} --flow-logs {0} --format json",
        // A count, every group of a day binned by hour, and records listed.
        "flowlogs query {0} --count --format json",
        "flowlogs query {0} --group-by interface-id,action --bin 1h --format json",
        "flowlogs query {0} --interface-id eni-02dbfad5f6dc1d8fe --limit 50 --format json",
    };

    [Theory]
    [MemberData(nameof(Questions))]
    public void The_readme_questions_have_the_text_logs_answers_from_parquet_and_from_a_mixed_folder(string question)
    {
        using var dir = new TestPaths.TempDir();
        var parquet = dir.File("parquet");
        var mixed = dir.File("mixed");
        Convert(parquet, mixed: false);
        Convert(mixed, mixed: true);
        string[] Args(string logs) => string.Format(System.Globalization.CultureInfo.InvariantCulture, question, logs, TestPaths.Demo).Split(' ');
        var text = CliRunner.Run(Args(DemoLogs));
        // 0, or 1 for the endpoint plan's finding (a gate for CI).
        Assert.True(text.Exit is 0 or 1, text.Err);
        Assert.DoesNotContain("error", text.Err, StringComparison.OrdinalIgnoreCase);
        foreach (var logs in new[] { parquet, mixed })
        {
            var answer = CliRunner.Run(Args(logs));
            Assert.True(answer.Exit == text.Exit, answer.Err);
            Assert.DoesNotContain("error", answer.Err, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(Comparable(text.Out, DemoLogs), Comparable(answer.Out, logs));
        }
    }
}
