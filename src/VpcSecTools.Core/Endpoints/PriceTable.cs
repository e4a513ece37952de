using System.Text.Json;
using System.Text.Json.Serialization;

namespace VpcSecTools.Endpoints;

/// <summary>One step of a per-GB price that falls with volume: the price applies up to <see cref="UpToGb"/> (null = no limit).</summary>
public sealed record PerGbTier(decimal? UpToGb, decimal Price);

/// <summary>
/// The prices of one region that an endpoint plan needs. Currency and partition travel with the figures
/// because partitions (<c>aws-cn</c>, <c>aws-us-gov</c>) price differently and name services differently.
/// </summary>
public sealed record RegionPrices
{
    public string Region { get; init; } = "";
    /// <summary><c>aws</c>, <c>aws-cn</c> or <c>aws-us-gov</c>.</summary>
    public string Partition { get; init; } = "aws";
    public string Currency { get; init; } = "USD";
    /// <summary>When these figures were taken from the price pages.</summary>
    public string? AsOf { get; init; }
    public decimal NatGatewayHourly { get; init; }
    public decimal NatGatewayPerGb { get; init; }
    public decimal InterfaceEndpointHourlyPerAz { get; init; }
    /// <summary>Interface-endpoint data processing; the tiers count all of a region's interface endpoints together.</summary>
    public IReadOnlyList<PerGbTier> InterfaceEndpointPerGbTiers { get; init; } = [];
    public decimal GatewayLoadBalancerEndpointHourly { get; init; }
    public decimal GatewayLoadBalancerEndpointPerGb { get; init; }
    /// <summary>Data transfer between Availability Zones (in the VPC, or over a peering), charged in each direction; null when the table does not say.</summary>
    public decimal? CrossAzPerGb { get; init; }
    /// <summary>Transit gateway data processing, per GB sent into the transit gateway by an attachment; null when the table does not say.</summary>
    public decimal? TransitGatewayPerGb { get; init; }
    /// <summary>Data transfer out of this region to another AWS region; null when the table does not say.</summary>
    public decimal? InterRegionPerGb { get; init; }
    /// <summary>Destination regions priced otherwise than <see cref="InterRegionPerGb"/> (US East to US East is cheaper).</summary>
    public IReadOnlyDictionary<string, decimal> InterRegionPerGbTo { get; init; } = new Dictionary<string, decimal>();

    /// <summary>The price of a GB sent from this region to <paramref name="destination"/>; null when the table does not say.</summary>
    public decimal? InterRegionPrice(string destination) =>
        InterRegionPerGbTo.TryGetValue(destination, out var p) ? p : InterRegionPerGb;

    /// <summary>The price of the first GB of interface-endpoint data (the tier almost every VPC stays in).</summary>
    public decimal InterfaceEndpointPerGb => InterfaceEndpointPerGbTiers.Count > 0 ? InterfaceEndpointPerGbTiers[0].Price : 0m;

    /// <summary>Interface-endpoint data charge for <paramref name="gb"/> GB in a month, walking the tiers.</summary>
    public decimal InterfaceEndpointDataCost(decimal gb)
    {
        decimal cost = 0, below = 0;
        foreach (var tier in InterfaceEndpointPerGbTiers)
        {
            var top = tier.UpToGb ?? decimal.MaxValue;
            var inTier = Math.Min(gb, top) - below;
            if (inTier <= 0) break;
            cost += inTier * tier.Price;
            below = top;
        }
        return cost;
    }
}

/// <summary>
/// Prices per region: the bundled table (a dated copy of the AWS price pages, embedded as
/// <c>Endpoints/prices.json</c>) optionally overridden region by region from a file of the same shape.
/// A region with no prices is an error naming the region, never a guess from another region.
/// </summary>
public sealed class PriceTable
{
    public const string BundledResourceName = "VpcSecTools.Endpoints.prices.json";

    private readonly Dictionary<string, RegionPrices> _regions;

    private PriceTable(string source, string? asOf, decimal hoursPerMonth, Dictionary<string, RegionPrices> regions)
    {
        Source = source; AsOf = asOf; HoursPerMonth = hoursPerMonth; _regions = regions;
    }

    /// <summary>Where the figures come from (the bundled note, or the override file's path and note).</summary>
    public string Source { get; }
    public string? AsOf { get; }
    /// <summary>Hours in a billing month as AWS prices them (730).</summary>
    public decimal HoursPerMonth { get; }
    public IReadOnlyCollection<string> Regions => _regions.Keys;

    /// <summary>The bundled table.</summary>
    public static PriceTable Bundled()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(BundledResourceName)
            ?? throw new InvalidOperationException($"embedded resource {BundledResourceName} is missing");
        return Parse(stream, "bundled");
    }

    /// <summary>The bundled table with the regions of <paramref name="path"/> (when given) replacing the bundled ones.</summary>
    public static PriceTable LoadOrBundled(string? path)
    {
        var bundled = Bundled();
        if (string.IsNullOrEmpty(path)) return bundled;
        if (!File.Exists(path)) throw new FileNotFoundException($"price file '{path}' does not exist", path);
        PriceTable file;
        using (var stream = File.OpenRead(path)) file = Parse(stream, path);
        var merged = new Dictionary<string, RegionPrices>(bundled._regions, StringComparer.Ordinal);
        foreach (var (region, prices) in file._regions) merged[region] = prices;
        return new PriceTable($"{path} over bundled: {file.Source}", file.AsOf ?? bundled.AsOf, file.HoursPerMonth, merged);
    }

    /// <summary>Reads the JSON shape of <c>prices.json</c>; <paramref name="source"/> names it in errors.</summary>
    public static PriceTable Parse(Stream json, string source)
    {
        PriceFile? file;
        try { file = JsonSerializer.Deserialize<PriceFile>(json, JsonOptions); }
        catch (JsonException e) { throw new PriceTableException(source, e.Message); }
        if (file?.Regions is null || file.Regions.Count == 0) throw new PriceTableException(source, "no 'regions' object");
        var regions = new Dictionary<string, RegionPrices>(StringComparer.Ordinal);
        if (file.HoursPerMonth is <= 0) throw new PriceTableException(source, $"hoursPerMonth must be positive, not {file.HoursPerMonth}");
        foreach (var (name, r) in file.Regions)
        {
            if (r is null) throw new PriceTableException(source, $"region '{name}' is null: give its prices or leave it out");
            var tiers = r.InterfaceEndpointPerGbTiers ?? file.InterfaceEndpointPerGbTiers ?? [];
            CheckPrices(source, name, r, tiers);
            if (r.NatGatewayPerGb is null || r.NatGatewayHourly is null || r.InterfaceEndpointHourlyPerAz is null || tiers.Count == 0)
                throw new PriceTableException(source, $"region '{name}' lacks natGatewayHourly, natGatewayPerGb, interfaceEndpointHourlyPerAz or interfaceEndpointPerGbTiers");
            regions[name] = new RegionPrices
            {
                Region = name, Partition = r.Partition ?? PartitionOf(name), Currency = r.Currency ?? "USD", AsOf = r.AsOf ?? file.AsOf,
                NatGatewayHourly = r.NatGatewayHourly.Value, NatGatewayPerGb = r.NatGatewayPerGb.Value,
                InterfaceEndpointHourlyPerAz = r.InterfaceEndpointHourlyPerAz.Value, InterfaceEndpointPerGbTiers = tiers,
                GatewayLoadBalancerEndpointHourly = r.GatewayLoadBalancerEndpointHourly ?? 0,
                GatewayLoadBalancerEndpointPerGb = r.GatewayLoadBalancerEndpointPerGb ?? 0,
                CrossAzPerGb = r.CrossAzPerGb, TransitGatewayPerGb = r.TransitGatewayPerGb, InterRegionPerGb = r.InterRegionPerGb,
                InterRegionPerGbTo = r.InterRegionPerGbTo ?? new Dictionary<string, decimal>(),
            };
        }
        return new PriceTable(file.Source ?? source, file.AsOf, file.HoursPerMonth ?? 730m, regions);
    }

    /// <summary>Prices are never negative, and volume tiers climb: a plan from anything else would be a confident wrong answer.</summary>
    private static void CheckPrices(string source, string region, RegionEntry r, IReadOnlyList<PerGbTier> tiers)
    {
        foreach (var (field, value) in new[]
        {
            ("natGatewayHourly", r.NatGatewayHourly), ("natGatewayPerGb", r.NatGatewayPerGb), ("interfaceEndpointHourlyPerAz", r.InterfaceEndpointHourlyPerAz),
            ("gatewayLoadBalancerEndpointHourly", r.GatewayLoadBalancerEndpointHourly), ("gatewayLoadBalancerEndpointPerGb", r.GatewayLoadBalancerEndpointPerGb),
            ("crossAzPerGb", r.CrossAzPerGb), ("transitGatewayPerGb", r.TransitGatewayPerGb), ("interRegionPerGb", r.InterRegionPerGb),
        }.Concat((r.InterRegionPerGbTo ?? []).Select(kv => ($"interRegionPerGbTo.{kv.Key}", (decimal?)kv.Value))))
            if (value < 0) throw new PriceTableException(source, $"region '{region}': {field} {value} is negative");
        decimal below = 0;
        for (int i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i] ?? throw new PriceTableException(source, $"region '{region}': interface-endpoint tier {i + 1} is null");
            if (tier.Price < 0) throw new PriceTableException(source, $"region '{region}': interface-endpoint tier {i + 1} price {tier.Price} is negative");
            if (tier.UpToGb is { } top && top <= below)
                throw new PriceTableException(source, $"region '{region}': interface-endpoint tier {i + 1} ends at {top} GB, not above the tier before it ({below} GB)");
            if (tier.UpToGb is null && i < tiers.Count - 1)
                throw new PriceTableException(source, $"region '{region}': interface-endpoint tier {i + 1} has no upToGb but is not the last");
            below = tier.UpToGb ?? below;
        }
    }

    /// <summary>The prices of <paramref name="region"/>; a region missing from the table is an error, never another region's figures.</summary>
    public RegionPrices For(string region) =>
        TryFor(region, out var prices) ? prices
            : throw new PriceTableException(Source, $"no prices for region '{region}': give a price file with that region");

    public bool TryFor(string region, out RegionPrices prices) => _regions.TryGetValue(region, out prices!);

    /// <summary>The partition a region name belongs to (<c>cn-</c> and <c>us-gov-</c> prefixes).</summary>
    public static string PartitionOf(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov" : "aws";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    private sealed record PriceFile(string? Source, string? AsOf, decimal? HoursPerMonth,
        Dictionary<string, RegionEntry>? Regions, IReadOnlyList<PerGbTier>? InterfaceEndpointPerGbTiers);

    private sealed record RegionEntry(string? Partition, string? Currency, string? AsOf, decimal? NatGatewayHourly, decimal? NatGatewayPerGb,
        decimal? InterfaceEndpointHourlyPerAz, IReadOnlyList<PerGbTier>? InterfaceEndpointPerGbTiers,
        decimal? GatewayLoadBalancerEndpointHourly, decimal? GatewayLoadBalancerEndpointPerGb, decimal? CrossAzPerGb,
        decimal? TransitGatewayPerGb, decimal? InterRegionPerGb, Dictionary<string, decimal>? InterRegionPerGbTo);
}

/// <summary>A price table that cannot be read, or lacks the region asked for.</summary>
public sealed class PriceTableException(string source, string problem)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.PriceTableInvalid, Errors.ErrorKind.InvalidData, $"price table {source}: {problem}", source)
{
    public string TableSource { get; } = source;
    public string Problem { get; } = problem;
}
