using System.Globalization;
using System.Text.RegularExpressions;
using VpcSecTools.Net;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// A flow-log query as the cmdlet and the CLI receive it (text), turned into a <see cref="FlowLogQuery"/> in one
/// place so both front ends accept and refuse exactly the same values with the same messages.
/// </summary>
public sealed partial record FlowQueryArguments
{
    public IReadOnlyList<string>? SourceAddress { get; init; }
    public IReadOnlyList<string>? DestinationAddress { get; init; }
    public IReadOnlyList<string>? Address { get; init; }
    public IReadOnlyList<string>? SourcePort { get; init; }
    public IReadOnlyList<string>? DestinationPort { get; init; }
    public IReadOnlyList<string>? Port { get; init; }
    public IReadOnlyList<string>? Protocol { get; init; }
    public IReadOnlyList<string>? Action { get; init; }
    public IReadOnlyList<string>? LogStatus { get; init; }
    public IReadOnlyList<string>? InterfaceId { get; init; }
    public IReadOnlyList<string>? VpcId { get; init; }
    public IReadOnlyList<string>? SubnetId { get; init; }
    public IReadOnlyList<string>? InstanceId { get; init; }
    public IReadOnlyList<string>? FlowDirection { get; init; }
    public DateTimeOffset? Since { get; init; }
    /// <summary>
    /// The window is the last this long, in <see cref="ParseDuration"/>'s syntax: since now minus it, until now (or
    /// <see cref="Until"/>); instead of <see cref="Since"/>.
    /// </summary>
    public string? Last { get; init; }
    public DateTimeOffset? Until { get; init; }
    public IReadOnlyList<string>? GroupBy { get; init; }
    public int? Top { get; init; }
    /// <summary><c>bytes</c>, <c>packets</c> or <c>count</c>.</summary>
    public string? By { get; init; }
    /// <summary>A duration: <c>5m</c>, <c>1h</c>, <c>300s</c>, <c>1d</c> or <c>hh:mm:ss</c>.</summary>
    public string? Bin { get; init; }
    public int? First { get; init; }

    /// <summary>Builds the query; a bad value is a <see cref="FormatException"/> naming it.</summary>
    public FlowLogQuery ToQuery()
    {
        var (since, until) = Window();
        var query = new FlowLogQuery
        {
            Filter = new FlowFilter
            {
                SourceAddress = Cidrs(SourceAddress, "source address"), DestinationAddress = Cidrs(DestinationAddress, "destination address"),
                Address = Cidrs(Address, "address"),
                SourcePort = Ports(SourcePort, "source port"), DestinationPort = Ports(DestinationPort, "destination port"), Port = Ports(Port, "port"),
                Protocol = Protocols(Protocol),
                Action = OneOf(Action, "action", "ACCEPT", "REJECT"),
                LogStatus = OneOf(LogStatus, "log-status", "OK", "NODATA", "SKIPDATA"),
                FlowDirection = OneOf(FlowDirection, "flow-direction", "ingress", "egress"),
                InterfaceId = Split(InterfaceId, "interface id"), VpcId = Split(VpcId, "VPC id"), SubnetId = Split(SubnetId, "subnet id"),
                InstanceId = Split(InstanceId, "instance id"),
                Since = since, Until = until,
            },
            GroupBy = Split(GroupBy, "group-by field"),
            Top = Top,
            By = Metric(By),
            Bin = Bin is null ? null : ParseDuration(Bin),
            Limit = First,
        };
        if (query.Validate() is { } problem) throw new FormatException(problem);
        return query;
    }

    /// <summary>
    /// Values may come one per argument or comma-separated in one. An empty value is refused: leaving it out would
    /// widen the question to every record, the opposite of what was asked.
    /// </summary>
    private static List<string> Split(IReadOnlyList<string>? values, string what) =>
        values?.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.TrimEntries)).Select(v => v.Length > 0 ? v
            : throw new FormatException($"an empty {what} matches nothing: give a value, or leave the option out to match every record")).ToList() ?? [];

    private static List<Cidr> Cidrs(IReadOnlyList<string>? values, string what) => Split(values, what).Select(v => Cidr.Parse(v)).ToList();

    private static List<PortRange> Ports(IReadOnlyList<string>? values, string what) => Split(values, what).Select(PortRange.Parse).ToList();

    /// <summary>
    /// Since and Until; with Last, the span that long up to now, so a month scaled from "the last 7 days" is scaled from 7
    /// days even when the logs stop earlier.
    /// </summary>
    private (DateTimeOffset? Since, DateTimeOffset? Until) Window()
    {
        if (Last is null) return (Since, Until);
        if (Since is not null) throw new FormatException($"give a start time (since) or a duration back from now (last '{Last}'), not both");
        var back = ParseDuration(Last);
        var now = DateTimeOffset.UtcNow;
        return back < now - DateTimeOffset.MinValue ? (now - back, Until ?? now)
            : throw new FormatException($"'{Last}' reaches back before the year 1: give a shorter duration");
    }

    private static List<int> Protocols(IReadOnlyList<string>? values) => Split(values, "protocol").Select(v =>
    {
        var p = IpProtocol.Parse(v);
        return p.IsAll ? throw new FormatException($"protocol '{v}' means every protocol; leave the protocol filter out instead") : p.Number;
    }).ToList();

    private static List<string> OneOf(IReadOnlyList<string>? values, string field, params string[] allowed) => Split(values, field).Select(v =>
        allowed.FirstOrDefault(a => a.Equals(v, StringComparison.OrdinalIgnoreCase))
        ?? throw new FormatException($"'{v}' is not a valid {field} (one of {string.Join(", ", allowed)})")).ToList();

    private static FlowMetric Metric(string? by) => by?.Trim().ToLowerInvariant() switch
    {
        null or "" or "bytes" => FlowMetric.Bytes,
        "packets" => FlowMetric.Packets,
        "count" or "records" or "flows" => FlowMetric.Count,
        _ => throw new FormatException($"'{by}' is not something to rank by (bytes, packets or count)"),
    };

    /// <summary>Parses <c>5m</c>, <c>90s</c>, <c>1h</c>, <c>1d</c>, <c>1w</c> or a .NET TimeSpan (<c>00:05:00</c>).</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var m = DurationPattern().Match(text.Trim());
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            double seconds = n * m.Groups[2].Value.ToLowerInvariant() switch { "s" => 1, "m" => 60, "h" => 3600, "d" => 86400, _ => 7 * 86400 };
            if (seconds >= TimeSpan.MaxValue.TotalSeconds)
                throw new FormatException($"'{text}' is too long a duration (at most {(long)TimeSpan.MaxValue.TotalDays:N0} days)");
            var span = TimeSpan.FromSeconds(seconds);
            if (span > TimeSpan.Zero) return span;
        }
        // A bare number has no unit (7 is not 7 days or 7 ticks): it is refused below.
        else if (!text.Trim().All(char.IsAsciiDigit) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) return t;
        throw new FormatException($"'{text}' is not a positive duration (e.g. 30m, 1h, 7d or 00:05:00)");
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhdwSMHDW])$")]
    private static partial Regex DurationPattern();

    /// <summary>
    /// Parses an amount of memory: bytes, or a number with K, M, G or T (powers of 1024, as PowerShell's 256MB is; KiB,
    /// MB and the like mean the same); at least 1 MiB.
    /// </summary>
    public static long ParseMemory(string text)
    {
        var m = MemoryPattern().Match(text.Trim());
        if (m.Success)
        {
            double n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            int shift = m.Groups[2].Value.Length == 0 ? 0 : char.ToUpperInvariant(m.Groups[2].Value[0]) switch { 'K' => 10, 'M' => 20, 'G' => 30, _ => 40 };
            double bytes = n * Math.Pow(2, shift);
            if (bytes >= 1 << 20 && bytes < long.MaxValue) return (long)bytes;
        }
        throw new FormatException($"'{text}' is not an amount of memory of at least 1 MiB (e.g. 256MiB, 2G or a number of bytes)");
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([KMGT](?:i?B)?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex MemoryPattern();
}
