using System.Text;
using System.IO.Compression;
using System.Text.Json;
using VpcSecTools.Net;

namespace VpcSecTools.AwsIpRanges;

/// <summary>One entry of ip-ranges.json: a CIDR published for one service in one region.</summary>
/// <param name="Prefix">The CIDR (<c>ip_prefix</c> or <c>ipv6_prefix</c>).</param>
/// <param name="Region">The region, or <c>GLOBAL</c>.</param>
/// <param name="Service">The service name as AWS spells it (<c>AMAZON</c>, <c>EC2</c>, <c>S3</c>...).</param>
/// <param name="NetworkBorderGroup">Where the range is advertised from (a region or a Local Zone group).</param>
public sealed record AwsIpPrefix(Cidr Prefix, string Region, string Service, string NetworkBorderGroup)
{
    /// <summary>
    /// How much the entry says: <c>AMAZON</c> is a superset of every service (0), <c>EC2</c> covers
    /// everything running on instances, including other services' front ends (1), any other service
    /// names exactly what the range is for (2).
    /// </summary>
    public int Specificity => AwsIpRangeSet.SpecificityOf(Service);
}

/// <summary>
/// AWS's published address ranges (ip-ranges.json), IPv4 and IPv6, indexed for address lookup.
/// The engine ships a dated copy (<see cref="Bundled"/>); users may point at a fresher file.
/// </summary>
/// <remarks>Immutable after load; lookups allocate nothing and are safe from any number of threads.</remarks>
public sealed class AwsIpRangeSet
{
    /// <summary>The dated copy compiled into the engine (see <see cref="BundledCreateDate"/>).</summary>
    public const string BundledResourceName = "VpcSecTools.AwsIpRanges.ip-ranges.json.gz";

    /// <summary>createDate of the bundled copy: AWS changes the file several times a week.</summary>
    public const string BundledCreateDate = "2026-08-22-15-17-05";

    private static readonly Lazy<AwsIpRangeSet> BundledSet = new(LoadBundled);

    // Non-AMAZON entries answer "which service"; AMAZON-only entries answer just "AWS". Two tries keep the
    // lookup a single allocation-free walk each, with the best entry per CIDR chosen at build time.
    private readonly PrefixTrie<AwsIpPrefix[]> _specific = new();
    private readonly PrefixTrie<AwsIpPrefix[]> _amazon = new();

    /// <summary>The file's <c>syncToken</c> (seconds since the epoch of publication).</summary>
    public string SyncToken { get; }

    /// <summary>The file's <c>createDate</c> (<c>yyyy-MM-dd-HH-mm-ss</c>, UTC).</summary>
    public string CreateDate { get; }

    /// <summary>Where the data came from: a path, or <c>bundled</c>.</summary>
    public string Source { get; }

    /// <summary>Every entry, IPv4 then IPv6, in file order.</summary>
    public IReadOnlyList<AwsIpPrefix> Prefixes { get; }

    private AwsIpRangeSet(string syncToken, string createDate, string source, IReadOnlyList<AwsIpPrefix> prefixes)
    {
        SyncToken = syncToken;
        CreateDate = createDate;
        Source = source;
        Prefixes = prefixes;
        var byCidr = new Dictionary<Cidr, List<AwsIpPrefix>>();
        foreach (var p in prefixes)
        {
            if (!byCidr.TryGetValue(p.Prefix, out var list)) byCidr[p.Prefix] = list = [];
            list.Add(p);
        }
        foreach (var (cidr, entries) in byCidr)
        {
            var specific = entries.Where(e => e.Specificity > 0).OrderByDescending(e => e.Specificity).ToArray();
            if (specific.Length > 0) _specific.Set(cidr, specific);
            var amazon = entries.Where(e => e.Specificity == 0).ToArray();
            if (amazon.Length > 0) _amazon.Set(cidr, amazon);
        }
    }

    /// <summary>The copy shipped with the engine, loaded once per process.</summary>
    public static AwsIpRangeSet Bundled => BundledSet.Value;

    /// <summary>Reads ip-ranges.json from a file (plain or <c>.gz</c>).</summary>
    public static AwsIpRangeSet Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ip-ranges file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        return Parse(stream, path);
    }

    /// <summary>The bundled copy, or the file at <paramref name="path"/> when one is given.</summary>
    public static AwsIpRangeSet LoadOrBundled(string? path) => string.IsNullOrEmpty(path) ? Bundled : Load(path);

    /// <summary>Parses ip-ranges.json; a malformed entry stops the load with the entry named.</summary>
    public static AwsIpRangeSet Parse(Stream json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (Exception e) when (e is JsonException or InvalidDataException or DecoderFallbackException)
        {
            throw new FormatException($"{source}: not an ip-ranges.json file: {e.Message.TrimEnd('.')}", e);
        }
        using var parsed = doc;
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("prefixes", out _))
            throw new FormatException($"{source}: not an ip-ranges.json file (no 'prefixes' array).");
        var prefixes = new List<AwsIpPrefix>();
        Read(root, "prefixes", "ip_prefix", source, prefixes);
        Read(root, "ipv6_prefixes", "ipv6_prefix", source, prefixes);
        return new AwsIpRangeSet(Text(root, "syncToken") ?? "", Text(root, "createDate") ?? "", source, prefixes);
    }

    /// <summary>
    /// What AWS says this address is: the longest prefix published for a named service, most specific
    /// service first when one CIDR is listed under several (S3 over EC2); an <c>AMAZON</c>-only entry only
    /// when no service names the address. Null: not an AWS address.
    /// </summary>
    public AwsIpPrefix? Find(IpAddress address)
    {
        if (_specific.TryLongestMatch(address, out _, out var specific)) return specific[0];
        return _amazon.TryLongestMatch(address, out _, out var amazon) ? amazon[0] : null;
    }

    /// <summary>Every entry whose CIDR contains the address, most specific service first, then longest prefix.</summary>
    public IReadOnlyList<AwsIpPrefix> Matches(IpAddress address) =>
        _specific.Matches(address).SelectMany(m => m.Value)
            .Concat(_amazon.Matches(address).SelectMany(m => m.Value))
            .OrderByDescending(p => p.Specificity).ThenByDescending(p => p.Prefix.Prefix)
            .ToArray();

    /// <summary>The rank behind <see cref="AwsIpPrefix.Specificity"/>.</summary>
    public static int SpecificityOf(string service) => service switch
    {
        "AMAZON" => 0,
        "EC2" => 1,
        _ => 2,
    };

    private static AwsIpRangeSet LoadBundled()
    {
        using var resource = typeof(AwsIpRangeSet).Assembly.GetManifestResourceStream(BundledResourceName)
            ?? throw new InvalidOperationException($"The engine was built without its bundled ip-ranges ({BundledResourceName}).");
        using var gzip = new GZipStream(resource, CompressionMode.Decompress);
        return Parse(gzip, "bundled");
    }

    private static void Read(JsonElement root, string arrayName, string prefixName, string source, List<AwsIpPrefix> into)
    {
        if (!root.TryGetProperty(arrayName, out var array) || array.ValueKind != JsonValueKind.Array) return;
        int i = 0;
        foreach (var entry in array.EnumerateArray())
        {
            var text = Text(entry, prefixName);
            if (!Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise))
                throw new FormatException($"{source}: {arrayName}[{i}]: {error}");
            into.Add(new AwsIpPrefix(cidr, Text(entry, "region") ?? "", Text(entry, "service") ?? "", Text(entry, "network_border_group") ?? ""));
            i++;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
