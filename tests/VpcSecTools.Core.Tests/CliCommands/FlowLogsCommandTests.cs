using System.Text.Json;
using VpcSecTools.Cli.Commands;
using VpcSecTools.FlowLogs;
using VpcSecTools.Tests.FlowLogs;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>The vpcsec flowlogs front end: arguments, output formats and exit codes.</summary>
public class FlowLogsCommandTests
{
    private static (int Exit, string Out, string Err) Query(string[] paths, FlowQueryArguments arguments, string format = "table", bool count = false, FlowLogReadOptions? options = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exit = FlowLogsCommand.RunQuery(paths, arguments.ToQuery(), options ?? new FlowLogReadOptions(), count, format, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Group_by_json_uses_property_names_and_values()
    {
        var (exit, output, _) = Query([FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log")],
            new FlowQueryArguments { GroupBy = ["srcaddr,DestinationPort"], LogStatus = ["ok"], Top = 2 }, "json");
        Assert.Equal(0, exit);
        var rows = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal("192.0.2.1", rows[0].GetProperty("SourceAddress").GetString());
        // Ports (and protocol, counts) are numbers, as in records, not text.
        Assert.Equal(443, rows[0].GetProperty("DestinationPort").GetInt32());
        Assert.Equal(2, rows[0].GetProperty("Count").GetInt64());
        Assert.Equal(3360, rows[0].GetProperty("Bytes").GetInt64());
    }

    /// <remarks>
    /// A sum past the largest long stays there (FlowText.Add): the table printed it as if exact. It says "at least"; JSON
    /// keeps the number, as the cmdlet's objects do.
    /// </remarks>
    [Fact]
    public void A_group_whose_sums_saturated_says_at_least_in_the_table_and_keeps_the_number_in_json()
    {
        using var dir = new TestPaths.TempDir();
        var line = "2 111122223333 eni-0a1b2c3d4e5f60718 10.0.1.5 10.0.2.6 40000 443 6 999999999999999999 999999999999999999 1795219205 1795219787 ACCEPT OK";
        File.WriteAllLines(dir.File("big.log"), Enumerable.Repeat(line, 10));
        var arguments = new FlowQueryArguments { GroupBy = ["srcaddr"] };
        var (_, table, _) = Query([dir.File("big.log")], arguments);
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Matches(table, "at least 9223372036854775807").Count);
        var (_, json, _) = Query([dir.File("big.log")], arguments, "json");
        Assert.Equal(long.MaxValue, JsonDocument.Parse(json).RootElement[0].GetProperty("Bytes").GetInt64());
    }

    /// <remarks>
    /// Grouped by bytes or packets, the key is the records' value and the totals are their sums: two records of 1680 bytes
    /// and 20 packets are RecordBytes 1680 and Bytes 3360. The key took the totals' names (JSON failed on the second
    /// "Bytes", CSV had two Bytes columns).
    /// </remarks>
    [Fact]
    public void A_group_by_bytes_or_packets_keeps_the_totals_beside_the_key()
    {
        var path = FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log");
        var (exit, json, err) = Query([path], new FlowQueryArguments { GroupBy = ["bytes,packets"], Top = 1 }, "json");
        Assert.True(exit == 0, err);
        var row = JsonDocument.Parse(json).RootElement.EnumerateArray().Single();
        Assert.Equal((1680, 20, 2, 3360, 40), (row.GetProperty("RecordBytes").GetInt64(), row.GetProperty("RecordPackets").GetInt64(),
            row.GetProperty("Count").GetInt64(), row.GetProperty("Bytes").GetInt64(), row.GetProperty("Packets").GetInt64()));
        var (_, csv, _) = Query([path], new FlowQueryArguments { GroupBy = ["bytes"], Top = 1 }, "csv");
        Assert.StartsWith("RecordBytes,Count,Packets,Bytes,", csv);
    }

    /// <remarks>A field named twice, by one name or two (srcaddr, SourceAddress), is refused before reading: JSON failed on the second SourceAddress key.</remarks>
    [Fact]
    public void A_group_by_that_names_a_field_twice_is_refused_before_reading()
    {
        var e = Assert.Throws<FormatException>(() => new FlowQueryArguments { GroupBy = ["srcaddr,dstport,SourceAddress"] }.ToQuery());
        Assert.Equal("GroupBy names 'srcaddr' more than once (srcaddr, SourceAddress)", e.Message);
        var (exit, output, err) = CliRunner.Run("flowlogs", "query", FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log"),
            "--group-by", "srcaddr,srcaddr", "--format", "json");
        Assert.Equal((2, ""), (exit, output));
        Assert.Equal("vpcsec: InvalidArgument: GroupBy names 'srcaddr' more than once (srcaddr, srcaddr)", err.TrimEnd());
    }

    /// <remarks>A bin under a millisecond made no bins at all (every record in one group without one), and 1.5 ms made bins of 1 ms.</remarks>
    [Fact]
    public void A_bin_that_is_not_whole_milliseconds_is_refused_before_reading()
    {
        var (exit, output, err) = CliRunner.Run("flowlogs", "query", FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log"), "--bin", "00:00:00.0004");
        Assert.Equal((2, ""), (exit, output));
        Assert.Equal("vpcsec: InvalidArgument: Bin must be a whole number of milliseconds, not 00:00:00.0004000", err.TrimEnd());
        Assert.Throws<FormatException>(() => new FlowQueryArguments { Bin = "00:00:00.0015", GroupBy = ["action"] }.ToQuery());
        Assert.Equal(TimeSpan.FromMilliseconds(500), new FlowQueryArguments { Bin = "0.5s" }.ToQuery().Bin);
    }

    [Fact]
    public void Records_csv_and_json_stream_the_matches()
    {
        var path = FlowLogFixtureTests.Fixture("otel-contrib_valid_vpc_flow_log_multi.log");
        var (_, csv, _) = Query([path], new FlowQueryArguments { DestinationPort = ["3389"] }, "csv");
        var lines = csv.TrimEnd().Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Start,InterfaceId,SourceAddress", lines[0]);
        Assert.Contains(",172.31.9.69,49761,172.31.9.12,3389,6,20,4249,REJECT,OK", lines[1]);
        var (_, json, _) = Query([path], new FlowQueryArguments { Protocol = ["tcp"] }, "json");
        Assert.Equal(2, JsonDocument.Parse(json).RootElement.GetArrayLength());
        var (_, empty, _) = Query([path], new FlowQueryArguments { Protocol = ["udp"] }, "json");
        Assert.Equal(0, JsonDocument.Parse(empty).RootElement.GetArrayLength());
    }

    [Fact]
    public void Truncated_files_and_skipped_lines_go_to_stderr_with_exit_2_and_the_rest_is_read()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("cut.gz"), [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0x4b, 0x4c]);
        var (exit, output, err) = Query([dir.File("cut.gz"), FlowLogFixtureTests.Fixture("flowlogs-reader_v5.log")], new FlowQueryArguments(), count: true);
        Assert.Equal(2, exit);
        Assert.Contains($"vpcsec: FlowLogFileUnreadable: {dir.File("cut.gz")}", err);
        Assert.Contains("flowlogs-reader_v5.log:4: expected 29 fields, found 2", err);
        Assert.Contains("Matched", output);
    }

    [Fact]
    public void A_path_that_matches_nothing_stops_the_query_before_it_reads()
    {
        // A bad argument, as on every command that reads flow logs: nothing is read, one line, exit 2.
        using var dir = new TestPaths.TempDir();
        var (exit, output, err) = CliRunner.Run("flowlogs", "query", FlowLogFixtureTests.Fixture("flowlogs-reader_v5.log"), dir.File("none.log"), "--count");
        Assert.Equal((2, ""), (exit, output));
        Assert.Equal($"vpcsec: FlowLogPathNotFound: no flow-log file at '{dir.File("none.log")}' (no such file or folder, or the wildcard matches nothing)", err.TrimEnd());
    }

    [Fact]
    public void Bad_arguments_are_one_line_errors_with_exit_2()
    {
        Assert.Throws<FormatException>(() => new FlowQueryArguments { Action = ["DROP"] }.ToQuery());
        Assert.Throws<FormatException>(() => new FlowQueryArguments { Address = ["10.0.0.5/24"] }.ToQuery());
        Assert.Throws<FormatException>(() => new FlowQueryArguments { DestinationPort = ["70000"] }.ToQuery());
        Assert.Throws<FormatException>(() => new FlowQueryArguments { Bin = "soon" }.ToQuery());
        Assert.Throws<FormatException>(() => new FlowQueryArguments { Top = 5 }.ToQuery());
        Assert.Equal(TimeSpan.FromMinutes(5), FlowQueryArguments.ParseDuration("5m"));
        Assert.Equal("FlowLogPathNotFound", Errors.ErrorCatalog.Classify(new FlowLogPathNotFoundException("x.log")).ErrorId);
        var unreadable = Errors.ErrorCatalog.Classify(new FlowLogFileException(new FlowLogFileError("a.gz", "the gzip data is truncated", 10)));
        Assert.Equal(("FlowLogFileUnreadable", "a.gz"), (unreadable.ErrorId, unreadable.Target));
        Assert.Equal("FlowLogFormatMismatch", Errors.ErrorCatalog.Classify(new FlowLogFormatMismatchException("no vpc-id")).ErrorId);
        Assert.Equal(TimeSpan.FromDays(1), FlowQueryArguments.ParseDuration("1d"));
        int exit = CliRunner.Run("flowlogs", "query", FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log"), "--action", "DROP").Exit;
        Assert.Equal(2, exit);
        exit = CliRunner.Run("flowlogs", "query", FlowLogFixtureTests.Fixture("flowlogs-reader_v2_records.log"), "--group-by", "action", "--top", "1", "--format", "csv").Exit;
        Assert.Equal(0, exit);
    }

    [Fact]
    public void Cmdlets_are_exported_with_documentation_and_views()
    {
        var psd1 = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "VpcSecTools.psd1"));
        var views = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "module", "VpcSecTools.Format.ps1xml"));
        foreach (var name in new[] { "Invoke-FlowLogQuery", "Get-VpcFlowLogCoverage" })
        {
            Assert.Contains($"'{name}'", psd1);
            // Help completeness (every parameter, incl. the inherited AWS ones) is Module/HelpTests' job.
            Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "docs", "en-US", name + ".md")));
            Assert.True(File.Exists(Path.Combine(TestPaths.RepoRoot, "tests", name + ".Tests.ps1")));
        }
        foreach (var t in new[] { typeof(FlowRecord), typeof(FlowGroup), typeof(FlowLogResult), typeof(FlowLogCoverage) })
            Assert.Contains($"<TypeName>{t.FullName}</TypeName>", views);
    }
}
