using System.Globalization;
using System.Text.RegularExpressions;

namespace VpcSecTools.Drift;

/// <summary>One capture of a <see cref="CaptureFolder"/>: a snapshot file or folder and the UTC time its name gives.</summary>
public sealed record Capture(string Path, DateTimeOffset CapturedAt);

/// <summary>
/// The folder convention for scheduled captures: one snapshot per capture, named by its UTC capture time
/// (<c>2026-12-06T030000Z.snapshot.json</c>, written by <c>Export-VpcSnapshot -OutFile</c> with <see cref="FileName"/>),
/// or a dated folder of describe-* outputs (<c>2026-12-06/</c>). Names are read, not files: finding yesterday's capture
/// loads nothing. Entries whose name is not a capture time are left alone (a README, a lock file).
/// </summary>
public static partial class CaptureFolder
{
    public const string Extension = ".snapshot.json";

    /// <summary>The file name of a capture taken at this time: sortable, UTC, no colons (valid on Windows).</summary>
    public static string FileName(DateTimeOffset capturedAt) =>
        capturedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + Extension;

    /// <summary>The captures of a folder, oldest first.</summary>
    public static IReadOnlyList<Capture> List(string folder)
    {
        if (!Directory.Exists(folder)) throw new FileNotFoundException($"The capture folder '{folder}' does not exist.", folder);
        return Directory.EnumerateFileSystemEntries(folder)
            .Select(path => TimeOf(System.IO.Path.GetFileName(path)) is { } at ? new Capture(path, at) : null)
            .OfType<Capture>().OrderBy(c => c.CapturedAt).ThenBy(c => c.Path, StringComparer.Ordinal).ToArray();
    }

    /// <summary>The capture time a name stands for (<c>2026-12-06</c>, <c>2026-12-06T0300Z</c>, <c>2026-12-06T030000Z</c>, with
    /// <c>.snapshot.json</c> or <c>.json</c> or nothing after it); null for any other name.</summary>
    public static DateTimeOffset? TimeOf(string name)
    {
        var m = Stamp().Match(name);
        if (!m.Success) return null;
        var text = m.Groups["date"].Value + (m.Groups["hm"].Success ? m.Groups["hm"].Value + (m.Groups["s"].Success ? m.Groups["s"].Value : "00") : "000000");
        return DateTimeOffset.TryParseExact(text, "yyyy-MM-ddHHmmss", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    /// <summary>
    /// The two captures to compare: the latest (the difference) and, for the reference, the latest taken at or before
    /// <paramref name="since"/>, or without it the one before the latest. A folder that cannot give both is an error that
    /// says what it holds.
    /// </summary>
    public static (Capture Reference, Capture Difference) Pick(string folder, DateTimeOffset? since)
    {
        var captures = List(folder);
        if (captures.Count < 2)
            throw new FileNotFoundException($"The capture folder '{folder}' holds {captures.Count} capture(s) named by their time (such as 2026-12-06T030000Z{Extension}): two are needed to compare.", folder);
        var latest = captures[^1];
        var earlier = captures.Take(captures.Count - 1);
        var reference = since is { } s ? earlier.LastOrDefault(c => c.CapturedAt <= s) : captures[^2];
        if (reference is null)
            throw new FileNotFoundException($"The capture folder '{folder}' has no capture at or before {since:u} (the earliest is {captures[0].CapturedAt:u}, {System.IO.Path.GetFileName(captures[0].Path)}).", folder);
        return (reference, latest);
    }

    /// <summary>
    /// A <c>-Since</c> value: <c>yesterday</c> (24 hours ago), <c>last-week</c> (7 days), a duration (<c>36h</c>, <c>2d</c>),
    /// or a date and time (UTC unless it says otherwise).
    /// </summary>
    public static DateTimeOffset ParseSince(string text, DateTimeOffset now)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "yesterday") return now.AddDays(-1);
        if (t is "last-week" or "lastweek") return now.AddDays(-7);
        var d = Duration().Match(t);
        if (d.Success)
        {
            var n = int.Parse(d.Groups[1].Value, CultureInfo.InvariantCulture);
            return d.Groups[2].Value == "h" ? now.AddHours(-n) : now.AddDays(-n);
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)) return at;
        throw new ArgumentException($"-Since '{text}' is not yesterday, last-week, a duration such as 36h or 2d, or a date and time.");
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})(?:T(?<hm>\d{4})(?<s>\d{2})?Z?)?(?:\.snapshot)?(?:\.json)?$", RegexOptions.IgnoreCase)]
    private static partial Regex Stamp();

    [GeneratedRegex(@"^(\d{1,4})\s*(h|d)$")]
    private static partial Regex Duration();
}
