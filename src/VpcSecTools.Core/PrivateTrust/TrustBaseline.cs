using System.Text.Json;
using System.Text.Json.Serialization;
using VpcSecTools.Errors;
using VpcSecTools.Net;

namespace VpcSecTools.PrivateTrust;

/// <summary>A baseline file that cannot be used: it names the file and the JSON path of the problem.</summary>
public sealed class TrustBaselineException(string path, string problem)
    : VpcSecToolsException(ErrorCatalog.TrustBaselineInvalid, ErrorKind.InvalidData, $"baseline file '{path}': {problem}", path)
{
    public string Path { get; } = path;
}

/// <summary>
/// The conversations of a window everyone agrees was normal: pairs of a private source and a network interface. A pair
/// seen later but absent here is a new talker. Saved as JSON (<see cref="Save"/>) from one run, read by the next.
/// </summary>
public sealed record TrustBaseline
{
    public const int CurrentVersion = 1;

    /// <summary>The file's format version.</summary>
    public int Version { get; init; } = CurrentVersion;
    /// <summary>The window the conversations were seen in.</summary>
    public DateTimeOffset? FirstSeen { get; init; }
    public DateTimeOffset? LastSeen { get; init; }
    public ValueList<TrustTalker> Talkers { get; init; } = [];
    /// <summary>Where it came from: a file, or flow logs read for the baseline window.</summary>
    [JsonIgnore]
    public string Source { get; init; } = "";

    /// <summary>The (source, network interface) pairs, for lookups.</summary>
    internal HashSet<(IpAddress Source, string Eni)> Pairs() =>
        Talkers.Select(t => (IpAddress.Parse(t.SourceAddress), t.NetworkInterfaceId)).ToHashSet();

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Writes the baseline as JSON (the talkers sorted, so the same window gives the same file).</summary>
    public void Save(string path)
    {
        var sorted = this with
        {
            Talkers = Talkers.OrderBy(t => t.NetworkInterfaceId, StringComparer.Ordinal).ThenBy(t => IpAddress.Parse(t.SourceAddress)).ToArray(),
        };
        try { File.WriteAllText(path, JsonSerializer.Serialize(sorted, Json) + "\n"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new FileWriteException(path, e); }
    }

    /// <summary>Reads a baseline file; a problem throws <see cref="TrustBaselineException"/> naming the file and the member.</summary>
    public static TrustBaseline Load(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"baseline file '{path}' does not exist", path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new TrustBaselineException(path, $"not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new TrustBaselineException(path, "must hold a JSON object with a Talkers array");
            int version = CurrentVersion;
            if (Member(root, "Version") is { } v && (!v.TryGetInt32(out version) || version != CurrentVersion))
                throw new TrustBaselineException(path, $"Version {v} is not one this version reads ({CurrentVersion})");
            if (Member(root, "Talkers") is not { ValueKind: JsonValueKind.Array } talkers)
                throw new TrustBaselineException(path, "Talkers: expected an array of {SourceAddress, NetworkInterfaceId}");
            var list = new List<TrustTalker>();
            int i = 0;
            foreach (var t in talkers.EnumerateArray())
            {
                string at = $"Talkers[{i++}]";
                if (t.ValueKind != JsonValueKind.Object) throw new TrustBaselineException(path, $"{at}: expected an object");
                var address = Text(t, "SourceAddress", path, at);
                if (!IpAddress.TryParse(address, out var ip, out var error)) throw new TrustBaselineException(path, $"{at}.SourceAddress: '{address}' {error}");
                var eni = Text(t, "NetworkInterfaceId", path, at);
                list.Add(new TrustTalker
                {
                    SourceAddress = ip.ToString(), NetworkInterfaceId = eni,
                    VpcId = Member(t, "VpcId")?.GetString(),
                    Records = Member(t, "Records") is { ValueKind: JsonValueKind.Number } r && r.TryGetInt64(out long n) ? n : 0,
                });
            }
            return new TrustBaseline
            {
                Version = version, Talkers = list, Source = path,
                FirstSeen = Time(root, "FirstSeen", path), LastSeen = Time(root, "LastSeen", path),
            };
        }
    }

    private static JsonElement? Member(JsonElement e, string name)
    {
        foreach (var p in e.EnumerateObject())
            if (p.NameEquals(name) || string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
                return p.Value.ValueKind == JsonValueKind.Null ? null : p.Value;
        return null;
    }

    private static string Text(JsonElement e, string name, string path, string at) =>
        Member(e, name) is { ValueKind: JsonValueKind.String } v && v.GetString() is { Length: > 0 } s ? s
            : throw new TrustBaselineException(path, $"{at}.{name}: missing or not a string");

    private static DateTimeOffset? Time(JsonElement e, string name, string path) =>
        Member(e, name) is not { } v ? null
        : v.ValueKind == JsonValueKind.String && v.TryGetDateTimeOffset(out var t) ? t
        : throw new TrustBaselineException(path, $"{name}: '{v}' is not an ISO 8601 time");
}
