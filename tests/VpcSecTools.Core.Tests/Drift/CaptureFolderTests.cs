using VpcSecTools.Drift;

namespace VpcSecTools.Tests.Drift;

/// <summary>The folder of scheduled captures: names by UTC time, the latest against the previous or the one at -Since.</summary>
public class CaptureFolderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 3, 5, 0, TimeSpan.Zero);

    private static TestPaths.TempDir Folder(params string[] names)
    {
        var dir = new TestPaths.TempDir();
        foreach (var n in names)
            if (n.EndsWith('/')) Directory.CreateDirectory(dir.File(n.TrimEnd('/')));
            else File.WriteAllText(dir.File(n), "{}");
        return dir;
    }

    [Fact]
    public void File_names_sort_by_time_and_read_back()
    {
        var at = new DateTimeOffset(2026, 12, 6, 3, 0, 9, TimeSpan.FromHours(1));
        Assert.Equal("2026-12-06T020009Z.snapshot.json", CaptureFolder.FileName(at));
        Assert.Equal(at, CaptureFolder.TimeOf(CaptureFolder.FileName(at)));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero), CaptureFolder.TimeOf("2026-12-05"));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 23, 30, 0, TimeSpan.Zero), CaptureFolder.TimeOf("2026-12-05T2330Z.json"));
        Assert.Null(CaptureFolder.TimeOf("README.md"));
        Assert.Null(CaptureFolder.TimeOf("2026-13-05.snapshot.json"));
        Assert.Null(CaptureFolder.TimeOf("latest-drift.md"));
    }

    [Fact]
    public void The_latest_is_compared_with_the_one_before_it_or_the_one_at_since()
    {
        using var dir = Folder("2026-12-04T030000Z.snapshot.json", "2026-12-05T030000Z.snapshot.json", "2026-12-05T150000Z.snapshot.json",
            "2026-12-06T030000Z.snapshot.json", "latest-drift.md", "2026-12-03/");
        var (r, d) = CaptureFolder.Pick(dir.Path, null);
        Assert.Equal(("2026-12-05T150000Z.snapshot.json", "2026-12-06T030000Z.snapshot.json"), (Path.GetFileName(r.Path), Path.GetFileName(d.Path)));
        (r, _) = CaptureFolder.Pick(dir.Path, CaptureFolder.ParseSince("yesterday", Now));
        Assert.Equal("2026-12-05T030000Z.snapshot.json", Path.GetFileName(r.Path));
        (r, _) = CaptureFolder.Pick(dir.Path, CaptureFolder.ParseSince("last-week", Now).AddDays(4));
        Assert.Equal("2026-12-03", Path.GetFileName(r.Path));
        (r, _) = CaptureFolder.Pick(dir.Path, CaptureFolder.ParseSince("2026-12-04T12:00:00Z", Now));
        Assert.Equal("2026-12-04T030000Z.snapshot.json", Path.GetFileName(r.Path));
    }

    [Fact]
    public void A_folder_that_cannot_give_two_captures_says_what_it_holds()
    {
        using var one = Folder("2026-12-06T030000Z.snapshot.json", "notes.txt");
        var e = Assert.Throws<FileNotFoundException>(() => CaptureFolder.Pick(one.Path, null));
        Assert.Contains("holds 1 capture(s)", e.Message);
        using var late = Folder("2026-12-05T030000Z.snapshot.json", "2026-12-06T030000Z.snapshot.json");
        e = Assert.Throws<FileNotFoundException>(() => CaptureFolder.Pick(late.Path, CaptureFolder.ParseSince("2d", Now)));
        Assert.Contains("no capture at or before 2026-12-04 03:05:00Z", e.Message);
        Assert.Contains("2026-12-05T030000Z.snapshot.json", e.Message);
        Assert.Throws<FileNotFoundException>(() => CaptureFolder.Pick(Path.Combine(one.Path, "nope"), null));
    }

    [Theory]
    [InlineData("36h", "2026-12-04T15:05:00Z")]
    [InlineData("2d", "2026-12-04T03:05:00Z")]
    [InlineData("Yesterday", "2026-12-05T03:05:00Z")]
    [InlineData("2026-12-01", "2026-12-01T00:00:00Z")]
    public void Since_reads_words_durations_and_dates(string text, string expected) =>
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), CaptureFolder.ParseSince(text, Now));

    [Fact]
    public void A_since_that_is_not_a_time_is_an_argument_error_naming_it() =>
        Assert.Contains("'fortnight'", Assert.Throws<ArgumentException>(() => CaptureFolder.ParseSince("fortnight", Now)).Message);
}
