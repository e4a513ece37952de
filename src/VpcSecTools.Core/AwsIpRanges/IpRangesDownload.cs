using System.Text.Json;

namespace VpcSecTools.AwsIpRanges;

/// <summary>
/// The ip-ranges a plan used, and how it got them: a fresh download (cached), or the bundled copy with
/// the reason the download was not used.
/// </summary>
/// <param name="Ranges">The complete set the plan uses (never a half-loaded one).</param>
/// <param name="Downloaded">True when <paramref name="Ranges"/> is the fresh download.</param>
/// <param name="CachePath">Where the download was saved, when it was.</param>
/// <param name="Warning">Why the bundled copy was used, or why the download could not be cached; null when all went well.</param>
public sealed record IpRangesUpdate(AwsIpRangeSet Ranges, bool Downloaded, string? CachePath, string? Warning);

/// <summary>
/// Downloads ip-ranges.json (<c>-UpdateIpRanges</c>), checks it is whole (syncToken, createDate, prefixes),
/// caches it under the user's local application data, and falls back to the bundled dated copy on any
/// failure, saying why. AWS republishes the file several times a week, so a plan may want today's copy.
/// </summary>
/// <param name="Url">Where to download from (a mirror, or a loopback server in tests).</param>
/// <param name="CacheDirectory">Where the validated download is saved as <c>ip-ranges.json</c>.</param>
public sealed record IpRangesDownload(string Url, string CacheDirectory)
{
    /// <summary>AWS's published location.</summary>
    public const string DefaultUrl = "https://ip-ranges.amazonaws.com/ip-ranges.json";

    /// <summary>The cache file's name inside <see cref="CacheDirectory"/>.</summary>
    public const string CacheFileName = "ip-ranges.json";

    /// <summary>The user's local app-data folder (<c>%LOCALAPPDATA%</c>, <c>~/.local/share</c>) + <c>VpcSecTools</c>.</summary>
    public static string DefaultCacheDirectory =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "VpcSecTools");

    /// <summary>AWS's URL and the default cache, or the given URL.</summary>
    public static IpRangesDownload Default(string? url = null) => new(string.IsNullOrEmpty(url) ? DefaultUrl : url, DefaultCacheDirectory);

    /// <summary>How long the download may take before the bundled copy is used.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Downloads, validates and caches; on any failure returns the bundled copy and the reason.</summary>
    public IpRangesUpdate Fetch()
    {
        AwsIpRangeSet fresh;
        byte[] body;
        try
        {
            body = Get();
            fresh = Validate(AwsIpRangeSet.Parse(new MemoryStream(body), Url));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or JsonException or FormatException
                                      or InvalidDataException or UriFormatException or InvalidOperationException or NotSupportedException)
        {
            return new IpRangesUpdate(AwsIpRangeSet.Bundled, false, null,
                $"could not update ip-ranges from {Url} ({e.Message.TrimEnd('.')}): using the bundled copy of {AwsIpRangeSet.BundledCreateDate}");
        }
        try
        {
            // Written beside and moved into place, so a reader never sees a half-written cache.
            Directory.CreateDirectory(CacheDirectory);
            var path = Path.Combine(CacheDirectory, CacheFileName);
            var temp = path + ".tmp";
            File.WriteAllBytes(temp, body);
            File.Move(temp, path, overwrite: true);
            return new IpRangesUpdate(fresh, true, path, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new IpRangesUpdate(fresh, true, null, $"ip-ranges downloaded but not cached in {CacheDirectory}: {e.Message}");
        }
    }

    private byte[] Get()
    {
        using var client = new HttpClient { Timeout = Timeout };
        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, Url));
        if (!response.IsSuccessStatusCode) throw new HttpRequestException($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}");
        using var body = new MemoryStream();
        response.Content.ReadAsStream().CopyTo(body);
        return body.ToArray();
    }

    /// <summary>A whole file names its publication and has prefixes; anything less is not used.</summary>
    private static AwsIpRangeSet Validate(AwsIpRangeSet set)
    {
        if (!long.TryParse(set.SyncToken, out _)) throw new FormatException($"syncToken '{set.SyncToken}' is not a number");
        if (!DateTime.TryParseExact(set.CreateDate, "yyyy-MM-dd-HH-mm-ss", System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AdjustToUniversal, out _))
            throw new FormatException($"createDate '{set.CreateDate}' is not yyyy-MM-dd-HH-mm-ss");
        if (set.Prefixes.Count == 0) throw new FormatException("no prefixes");
        return set;
    }
}
