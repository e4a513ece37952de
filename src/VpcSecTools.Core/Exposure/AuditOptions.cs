using System.Text.Json;
using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>A CIDR known to be fine as a source (a CDN, the company's egress), with why.</summary>
public sealed record AllowedCidr(Cidr Cidr, string? Reason);

/// <summary>A finding accepted by a person: a check id and a resource id (<c>*</c> for every resource), with why.</summary>
public sealed record AcceptedFinding(string CheckId, string ResourceId, string? Reason)
{
    public bool Matches(Finding f) =>
        CheckId.Equals(f.CheckId, StringComparison.OrdinalIgnoreCase) && (ResourceId == "*" || ResourceId.Equals(f.ResourceId, StringComparison.Ordinal));
}

/// <summary>
/// Everything the audit lets a user tune. Defaults follow the incumbents: allowed internet ports 80 and 443
/// (Security Hub EC2.18), the EC2.19 high-risk list, the Prowler/CloudSploit extended list (AUDIT.md).
/// </summary>
public sealed record AuditOptions
{
    /// <summary>Ports that may be open to the internet without a finding.</summary>
    public IReadOnlyList<int> AllowedPorts { get; init; } = [80, 443];

    /// <summary>Security Hub EC2.19.</summary>
    public IReadOnlyList<int> HighRiskPorts { get; init; } =
        [20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500, 5601, 8080, 8088, 8888, 9200, 9300];

    /// <summary>Prowler and CloudSploit's further ports.</summary>
    public IReadOnlyList<int> ExtendedHighRiskPorts { get; init; } =
        [1521, 2483, 2484, 6379, 7000, 7001, 7199, 9042, 9160, 9092, 11211, 27017, 27018, 27019, 2049, 2375, 2376, 4505, 4506, 5900, 139, 389, 636, 88, 464, 53, 161, 8020, 50070];

    /// <summary>A TCP/UDP rule opening more ports than this is a wide range.</summary>
    public int WidePortRangeThreshold { get; init; } = 10;

    /// <summary>Public IPv4 prefixes this short or shorter (but not /0) are wide (Prowler: /1 to /23).</summary>
    public int WidePublicIPv4Prefix { get; init; } = 23;

    /// <summary>Public IPv6 prefixes this short or shorter (but not /0) are wide.</summary>
    public int WidePublicIPv6Prefix { get; init; } = 31;

    /// <summary>Admin ports for the hygiene check (SSH, RDP).</summary>
    public IReadOnlyList<int> AdminPorts { get; init; } = [22, 3389];

    /// <summary>Groups that are bastions; groups named or tagged with "bastion" count too.</summary>
    public IReadOnlyList<string> BastionGroupIds { get; init; } = [];

    /// <summary>Well-known service ports for the default-port hygiene check.</summary>
    public IReadOnlyList<int> DefaultServicePorts { get; init; } = [1433, 1521, 3306, 5432, 6379, 9200, 11211, 27017];

    /// <summary>Whether to run the port hygiene checks (low severity).</summary>
    public bool PortHygiene { get; init; } = true;

    /// <summary>The severity of egress all-to-anywhere (informational by default).</summary>
    public Severity EgressAllSeverity { get; init; } = Severity.Informational;

    public IReadOnlyList<AllowedCidr> AllowedCidrs { get; init; } = [];
    public IReadOnlyList<AcceptedFinding> AcceptedFindings { get; init; } = [];

    /// <summary>
    /// Reads an allow-list file over these options. Shape (every member optional):
    /// <c>{"AllowedCidrs":[{"Cidr":"203.0.113.0/24","Reason":"CDN"}], "AcceptedFindings":[{"CheckId":"SG.SshFromInternet",
    /// "ResourceId":"sg-1","Reason":"..."}], "AllowedPorts":[80,443], "HighRiskPorts":[...], "ExtendedHighRiskPorts":[...],
    /// "WidePortRangeThreshold":10, "BastionGroupIds":["sg-..."], "DefaultServicePorts":[...], "PortHygiene":true}</c>.
    /// </summary>
    public AuditOptions WithFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Allow-list file '{path}' does not exist.", path);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(path), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new FormatException($"Allow-list file '{path}' is not valid JSON: {e.Message}"); }
        using (doc) return With(doc.RootElement, path);
    }

    private AuditOptions With(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"Allow-list file '{path}' must hold a JSON object.");
        var options = this;
        foreach (var p in root.EnumerateObject())
        {
            string where = $"{path}: {p.Name}";
            options = p.Name switch
            {
                "AllowedCidrs" => options with { AllowedCidrs = Items(p.Value, where, e => new AllowedCidr(
                    Cidr.TryParse(Text(e, "Cidr", where), out var c, out var error) ? c : throw new FormatException($"{where}: {error}"), Optional(e, "Reason"))) },
                "AcceptedFindings" => options with { AcceptedFindings = Items(p.Value, where, e => new AcceptedFinding(
                    Checks.Find(Text(e, "CheckId", where))?.Id ?? throw new FormatException($"{where}: '{Text(e, "CheckId", where)}' is not a check id ({string.Join(", ", Checks.All.Select(c => c.Id))})"),
                    Text(e, "ResourceId", where), Optional(e, "Reason"))) },
                "AllowedPorts" => options with { AllowedPorts = Ports(p.Value, where) },
                "HighRiskPorts" => options with { HighRiskPorts = Ports(p.Value, where) },
                "ExtendedHighRiskPorts" => options with { ExtendedHighRiskPorts = Ports(p.Value, where) },
                "AdminPorts" => options with { AdminPorts = Ports(p.Value, where) },
                "DefaultServicePorts" => options with { DefaultServicePorts = Ports(p.Value, where) },
                "BastionGroupIds" => options with { BastionGroupIds = Items(p.Value, where, e => e.GetString() ?? "") },
                "WidePortRangeThreshold" => options with { WidePortRangeThreshold = p.Value.TryGetInt32(out var n) && n >= 1 ? n : throw new FormatException($"{where}: '{p.Value}' is not a positive number") },
                "PortHygiene" => options with { PortHygiene = p.Value.ValueKind is JsonValueKind.True or JsonValueKind.False ? p.Value.GetBoolean() : throw new FormatException($"{where}: '{p.Value}' is not true or false") },
                _ => throw new FormatException($"{where}: unknown setting (AllowedCidrs, AcceptedFindings, AllowedPorts, HighRiskPorts, ExtendedHighRiskPorts, AdminPorts, DefaultServicePorts, BastionGroupIds, WidePortRangeThreshold, PortHygiene)"),
            };
        }
        return options;
    }

    private static T[] Items<T>(JsonElement array, string where, Func<JsonElement, T> item)
    {
        if (array.ValueKind != JsonValueKind.Array) throw new FormatException($"{where}: expected a JSON array");
        return array.EnumerateArray().Select(item).ToArray();
    }

    private static int[] Ports(JsonElement array, string where) => Items(array, where, e =>
        e.TryGetInt32(out var port) && port is >= 0 and <= 65535 ? port : throw new FormatException($"{where}: '{e}' is not a port (0-65535)"));

    private static string Text(JsonElement e, string name, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String && v.GetString() is { Length: > 0 } s
            ? s : throw new FormatException($"{where}: an item has no {name}");

    private static string? Optional(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
