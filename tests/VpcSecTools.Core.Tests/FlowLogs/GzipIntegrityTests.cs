using System.IO.Compression;
using System.Text;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Tests.FlowLogs;

/// <summary>
/// Gzip as S3 delivers it and as it goes wrong: concatenated members are read; a cut, a trailer that does not match and
/// anything after a member are file errors naming the offset, after the records before them are counted. None of it
/// depends on the process-wide System.IO.Compression.UseStrictValidation switch (this test project does not set it).
/// </summary>
public class GzipIntegrityTests
{
    private static string Line(int i) => $"2 123456789012 eni-0a1b2c3d 10.0.{i % 250}.{i % 7 + 1} 203.0.113.{i % 50 + 1} {1024 + i % 60000} 443 6 {i % 90 + 1} {i * 37 % 100000 + 40} 1700000000 1700000060 {(i % 5 == 0 ? "REJECT" : "ACCEPT")} OK";

    private static byte[] Member(int from, int count, string end = "\n")
    {
        var text = string.Join('\n', Enumerable.Range(from, count).Select(Line)) + end;
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) gz.Write(Encoding.ASCII.GetBytes(text));
        return ms.ToArray();
    }

    private static FlowLogResult Read(byte[] data, int threads = 1)
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllBytes(dir.File("x.log.gz"), data);
        return new FlowLogReader(new FlowLogReadOptions { Threads = threads }).Run(FlowLogPaths.Expand([dir.File("x.log.gz")], out _), new FlowLogQuery());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Concatenated_members_are_all_read(int threads)
    {
        // Small and large members (the large ones span many input buffers, so trailers land anywhere in them).
        byte[] data = [.. Member(0, 3), .. Member(3, 60_000), .. Member(60_003, 1), .. Member(60_004, 20_000), .. Member(0, 3)];
        var result = Read(data, threads);
        Assert.Empty(result.Report.FileErrors);
        Assert.Equal(80_007, result.Matched);
        Assert.Equal(data.Length, result.Report.Bytes);
    }

    [Fact]
    public void A_member_with_a_file_name_comment_and_extra_field_is_read()
    {
        var plain = Member(0, 100);
        // FLG = FEXTRA | FNAME | FCOMMENT; the fields follow the 10-byte fixed header in that order.
        byte[] header = [.. plain[..10]];
        header[3] = 4 | 8 | 16;
        byte[] data = [.. header, 3, 0, 1, 2, 3, .. "x.log\0"u8, .. "flow log\0"u8, .. plain[10..]];
        var result = Read(data);
        Assert.Empty(result.Report.FileErrors);
        Assert.Equal(100, result.Matched);
    }

    public static TheoryData<string, int> Trailing => new()
    {
        { "a zero byte", 1 },
        { "appended text", 2 },
        { "a bad byte, then a whole member", 3 },
        { "a lone 1f", 4 },
    };

    [Theory]
    [MemberData(nameof(Trailing))]
    public void Anything_after_a_member_is_a_file_error_naming_the_offset_after_its_records(string what, int kind)
    {
        var first = Member(0, 500);
        byte[] after = kind switch
        {
            1 => [0],
            2 => "hello, these are not flow logs\n"u8.ToArray(),
            3 => [0x42, .. Member(500, 500)],
            _ => [0x1f],
        };
        var result = Read([.. first, .. after]);
        var error = Assert.Single(result.Report.FileErrors);
        Assert.Contains($"{after.Length} byte(s) after the gzip member ending at offset {first.Length} are not gzip", error.Message);
        Assert.Equal(500, result.Matched);
        Assert.Equal(500, error.LinesRead);
        Assert.True(what.Length > 0);
    }

    [Fact]
    public void The_last_line_of_a_whole_member_without_a_final_newline_is_read_before_the_data_after_it()
    {
        var result = Read([.. Member(0, 10, end: ""), .. "appended\n"u8]);
        Assert.Equal(10, result.Matched);
        Assert.Contains("are not gzip", Assert.Single(result.Report.FileErrors).Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_cut_keeps_and_counts_the_records_before_it_and_names_the_offset(int threads)
    {
        var whole = Member(0, 40_000);
        foreach (int cut in new[] { whole.Length - 1, whole.Length - 8, whole.Length / 2, 12 })
        {
            var result = Read(whole[..cut], threads);
            var error = Assert.Single(result.Report.FileErrors);
            Assert.Contains($"truncated at offset {cut}", error.Message);
            if (cut > whole.Length / 3) Assert.InRange(result.Matched, 10_000, 40_000);
            Assert.Equal(result.Matched, error.LinesRead);
        }
    }

    [Fact]
    public void A_trailer_that_does_not_match_the_data_is_an_error()
    {
        var data = Member(0, 1000);
        data[^8] ^= 0x01; // CRC-32
        var result = Read([.. data, .. Member(1000, 10)]);
        Assert.Contains("corrupt: the member at offset 0 does not end in its CRC-32", Assert.Single(result.Report.FileErrors).Message);
        var sized = Member(0, 1000);
        sized[^1] ^= 0x01; // ISIZE
        Assert.Contains("does not end in its CRC-32", Assert.Single(Read(sized).Report.FileErrors).Message);
    }
}
