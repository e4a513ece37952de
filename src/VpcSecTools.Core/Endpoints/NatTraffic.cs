namespace VpcSecTools.Endpoints;

/// <summary>How the destination service of NAT traffic was named.</summary>
public enum ServiceNamedBy
{
    /// <summary>The v5 flow-log field <c>pkt-dst-aws-service</c>.</summary>
    FlowLogField,
    /// <summary>AWS ip-ranges.json: longest prefix, then the most specific service.</summary>
    IpRanges,
    /// <summary>Given by the user or by DNS query logs (an endpoint service name such as <c>sqs</c>).</summary>
    Given,
    /// <summary>Nothing named it: the destination is not in AWS's published ranges.</summary>
    None,
}

/// <summary>
/// Bytes that went through one NAT gateway from one source to one AWS service (or the internet), already
/// counted once per flow. This is the neutral input of the planner: whoever reads the flow logs produces it.
/// </summary>
/// <param name="NatGatewayId">The NAT gateway the traffic went through.</param>
/// <param name="SourceSubnetId">The sending subnet when known (the flow-log <c>subnet-id</c> of the client side).</param>
/// <param name="SourceAddress">The original source address (<c>pkt-srcaddr</c>); used to find the subnet when it is not given.</param>
/// <param name="Service">
/// The destination: an ip-ranges / <c>pkt-dst-aws-service</c> name (<c>S3</c>, <c>DYNAMODB</c>, <c>EC2</c>, <c>AMAZON</c>…),
/// a lower-case endpoint service name from DNS logs (<c>sqs</c>, <c>ecr.dkr</c>), or <see cref="NatTraffic.Internet"/>.
/// </param>
/// <param name="Region">The destination's region (<c>GLOBAL</c> or null when it has none).</param>
/// <param name="Bytes">Bytes of the flows, both directions, counted once.</param>
/// <param name="NamedBy">What named <paramref name="Service"/>.</param>
public sealed record NatTraffic(string NatGatewayId, string? SourceSubnetId, string? SourceAddress, string Service, string? Region,
    long Bytes, ServiceNamedBy NamedBy = ServiceNamedBy.IpRanges)
{
    /// <summary>The service name for destinations outside AWS's published ranges.</summary>
    public const string Internet = "INTERNET";
}

/// <summary>
/// Bytes through one NAT gateway to one destination service and region, each flow counted once
/// (<c>Invoke-FlowLogQuery -ThroughNatGateway</c>).
/// </summary>
/// <param name="NatGatewayId">The NAT gateway the traffic went through.</param>
/// <param name="Service">The destination service (as in <see cref="NatTraffic"/>), or <see cref="NatTraffic.Internet"/>.</param>
/// <param name="Region">The destination's region, when it has one.</param>
/// <param name="NamedBy">What named the service.</param>
/// <param name="Bytes">Bytes of the flows, both directions, counted once.</param>
/// <param name="Clients">How many distinct client addresses sent it (0 when the log format cannot name them).</param>
public sealed record NatTrafficTotal(string NatGatewayId, string Service, string? Region, ServiceNamedBy NamedBy, long Bytes, int Clients)
{
    /// <summary>Bytes in GB as the plan and AWS billing count them (2^30 bytes).</summary>
    public decimal Gigabytes => Math.Round(Bytes / EndpointPlanner.BytesPerGb, 3);
}

/// <summary>
/// What the planner is given: attributed NAT traffic over an observed window, plus the bytes seen on
/// each ENI (to tell whether existing interface endpoints carry traffic).
/// </summary>
public sealed record ObservedTraffic
{
    public IReadOnlyList<NatTraffic> Flows { get; init; } = [];
    /// <summary>Start of the first flow record (UTC).</summary>
    public DateTimeOffset WindowStart { get; init; }
    /// <summary>End of the last flow record (UTC).</summary>
    public DateTimeOffset WindowEnd { get; init; }
    /// <summary>Bytes observed per ENI in the window (any direction); an ENI absent here had no records.</summary>
    public IReadOnlyDictionary<string, long> BytesByInterface { get; init; } = new Dictionary<string, long>();
    /// <summary>Sentences about the input the planner should pass on (skipped lines, SKIPDATA windows…).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    public TimeSpan Window => WindowEnd - WindowStart;
}

/// <summary>
/// The time window a plan covers (<c>-Since</c>/<c>-Until</c>): only flow records whose capture window
/// overlaps it are read, and the monthly scaling uses its length instead of the span the records happen
/// to cover. Either end may be open; an open end falls back to the first or last record seen.
/// </summary>
public sealed record PlanWindow(DateTimeOffset? Since, DateTimeOffset? Until)
{
    /// <summary>No window: every record, scaled by the span they cover.</summary>
    public static readonly PlanWindow All = new(null, null);

    public bool IsOpen => Since is null && Until is null;

    /// <summary>Throws when <see cref="Until"/> is not after <see cref="Since"/>.</summary>
    public PlanWindow Validated()
    {
        if (Since is { } s && Until is { } u && u <= s)
            throw new ArgumentException($"Until {u:O} is not after Since {s:O}: the window is empty");
        return this;
    }

    public override string ToString() => $"{(Since is { } s ? s.ToString("u") : "first record")} .. {(Until is { } u ? u.ToString("u") : "last record")}";
}
