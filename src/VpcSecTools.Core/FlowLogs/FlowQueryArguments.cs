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
        var query = new FlowLogQuery
        {
            Filter = new FlowFilter
            {
                SourceAddress = Cidrs(SourceAddress), DestinationAddress = Cidrs(DestinationAddress), Address = Cidrs(Address),
                SourcePort = Ports(SourcePort), DestinationPort = Ports(DestinationPort), Port = Ports(Port),
                Protocol = Protocols(Protocol),
                Action = OneOf(Action, "action", "ACCEPT", "REJECT"),
                LogStatus = OneOf(LogStatus, "log-status", "OK", "NODATA", "SKIPDATA"),
                FlowDirection = OneOf(FlowDirection, "flow-direction", "ingress", "egress"),
                InterfaceId = Split(InterfaceId), VpcId = Split(VpcId), SubnetId = Split(SubnetId), InstanceId = Split(InstanceId),
                Since = Since, Until = Until,
            },
            GroupBy = Split(GroupBy),
            Top = Top,
            By = Metric(By),
            Bin = Bin is null ? null : ParseDuration(Bin),
            Limit = First,
        };
        if (query.Validate() is { } problem) throw new FormatException(problem);
        return query;
    }

    /// <summary>Values may come one per argument or comma-separated in one.</summary>
    private static List<string> Split(IReadOnlyList<string>? values) =>
        values?.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList() ?? [];

    private static List<Cidr> Cidrs(IReadOnlyList<string>? values) => Split(values).Select(v => Cidr.Parse(v)).ToList();

    private static List<PortRange> Ports(IReadOnlyList<string>? values) => Split(values).Select(PortRange.Parse).ToList();

    private static List<int> Protocols(IReadOnlyList<string>? values) => Split(values).Select(v =>
    {
        var p = IpProtocol.Parse(v);
        return p.IsAll ? throw new FormatException($"protocol '{v}' means every protocol; leave the protocol filter out instead") : p.Number;
    }).ToList();

    private static List<string> OneOf(IReadOnlyList<string>? values, string field, params string[] allowed) => Split(values).Select(v =>
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
            var span = m.Groups[2].Value.ToLowerInvariant() switch
            {
                "s" => TimeSpan.FromSeconds(n), "m" => TimeSpan.FromMinutes(n), "h" => TimeSpan.FromHours(n),
                "d" => TimeSpan.FromDays(n), _ => TimeSpan.FromDays(7 * n),
            };
            if (span > TimeSpan.Zero) return span;
        }
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var t) && t > TimeSpan.Zero) return t;
        throw new FormatException($"'{text}' is not a positive duration (e.g. 5m, 1h, 1d or 00:05:00)");
    }

    [GeneratedRegex(@"^(\d+(?:\.\d+)?)\s*([smhdwSMHDW])$")]
    private static partial Regex DurationPattern();
}
