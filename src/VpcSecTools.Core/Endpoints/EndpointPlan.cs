namespace VpcSecTools.Endpoints;

/// <summary>What a recommendation asks to do.</summary>
public enum EndpointAction
{
    /// <summary>Create a gateway endpoint (S3, DynamoDB) on route tables.</summary>
    CreateGatewayEndpoint,
    /// <summary>Add route tables to a gateway endpoint that already exists.</summary>
    AddRouteTables,
    /// <summary>Create an interface endpoint in one subnet per AZ.</summary>
    CreateInterfaceEndpoint,
}

/// <summary>How far the figures can be trusted: the length of the window and the distance from break-even.</summary>
public enum PlanConfidence { Low, Medium, High }

/// <summary>The security-group rule an interface endpoint needs: HTTPS from its clients.</summary>
public sealed record EndpointSecurityGroupRule(string Protocol, int Port, IReadOnlyList<string> SourceCidrs)
{
    public override string ToString() => $"{Protocol} {Port} from {string.Join(", ", SourceCidrs)}";
}

/// <summary>
/// One endpoint worth creating (or extending), with the traffic that proves it: observed GB per month,
/// what that costs through NAT, what the endpoint costs, the saving, the break-even and the reasons.
/// Money is in <see cref="Currency"/> per month; GB are 2^30 bytes as AWS bills them.
/// </summary>
public sealed record EndpointRecommendation
{
    public EndpointAction Action { get; init; }
    public string VpcId { get; init; } = "";
    public string Region { get; init; } = "";
    /// <summary>The traffic's service as flow logs / ip-ranges name it (<c>S3</c>) or as given (<c>sqs</c>).</summary>
    public string Service { get; init; } = "";
    /// <summary>The endpoint service (<c>com.amazonaws.us-east-1.s3</c>).</summary>
    public string ServiceName { get; init; } = "";
    /// <summary><c>Gateway</c> or <c>Interface</c>.</summary>
    public string VpcEndpointType { get; init; } = "";
    /// <summary>For <see cref="EndpointAction.AddRouteTables"/>: the endpoint to extend.</summary>
    public string? VpcEndpointId { get; init; }
    /// <summary>Gateway endpoints: the route tables of the subnets that send the traffic (main table included when used implicitly).</summary>
    public ValueList<string> RouteTableIds { get; init; } = [];
    /// <summary>Interface endpoints: one subnet per AZ that has clients.</summary>
    public ValueList<string> SubnetIds { get; init; } = [];
    public ValueList<string> AvailabilityZones { get; init; } = [];
    /// <summary>The subnets whose traffic this moves.</summary>
    public ValueList<string> SourceSubnetIds { get; init; } = [];
    /// <summary>Interface endpoints: the rule the endpoint's security group needs.</summary>
    public EndpointSecurityGroupRule? SecurityGroupRule { get; init; }
    /// <summary>Interface endpoints: the private-DNS prerequisites (enableDnsSupport, enableDnsHostnames) and what is known of them.</summary>
    public string? PrivateDns { get; init; }
    public decimal ObservedGbPerMonth { get; init; }
    public decimal NatCostPerMonth { get; init; }
    public decimal EndpointCostPerMonth { get; init; }
    public decimal SavingPerMonth { get; init; }
    /// <summary>GB per month above which the endpoint costs less than the NAT gateway (0 for gateway endpoints).</summary>
    public decimal BreakEvenGbPerMonth { get; init; }
    public string Currency { get; init; } = "USD";
    public PlanConfidence Confidence { get; init; }
    public ValueList<string> Reasons { get; init; } = [];
}

/// <summary>Something wrong with an endpoint that already exists.</summary>
public sealed record EndpointFinding
{
    /// <summary><see cref="GatewayEndpointMissingRouteTable"/> or <see cref="InterfaceEndpointWithoutTraffic"/>.</summary>
    public string Kind { get; init; } = "";
    public string VpcId { get; init; } = "";
    public string VpcEndpointId { get; init; } = "";
    public string ServiceName { get; init; } = "";
    /// <summary>Route tables (missing ones) or ENIs (idle ones) the finding is about.</summary>
    public ValueList<string> Resources { get; init; } = [];
    public string Detail { get; init; } = "";

    public const string GatewayEndpointMissingRouteTable = nameof(GatewayEndpointMissingRouteTable);
    public const string InterfaceEndpointWithoutTraffic = nameof(InterfaceEndpointWithoutTraffic);
}

/// <summary>What became of one group of NAT traffic (a VPC, a service, a destination region).</summary>
public enum TrafficDisposition
{
    /// <summary>Recommended for a gateway endpoint (new or extended).</summary>
    GatewayEndpoint,
    /// <summary>Recommended for an interface endpoint: it clears break-even.</summary>
    InterfaceEndpoint,
    /// <summary>An interface endpoint would serve it but costs more than the NAT gateway does.</summary>
    BelowBreakEven,
    /// <summary>An endpoint for it exists already.</summary>
    ExistingEndpoint,
    /// <summary>An endpoint service in another region: endpoints serve only their own region.</summary>
    CrossRegion,
    /// <summary>Only <c>AMAZON</c> names it.</summary>
    Unnamed,
    /// <summary>No VPC endpoint serves it (internet, EC2-hosted hosts, global services).</summary>
    NoEndpoint,
    /// <summary>It could not be placed (e.g. no client subnet inside the VPC).</summary>
    Unknown,
}

/// <summary>One line of the traffic summary: every byte attributed to NAT ends up in exactly one group.</summary>
public sealed record NatTrafficGroup
{
    public string VpcId { get; init; } = "";
    public string Service { get; init; } = "";
    /// <summary>The destination's region (<c>GLOBAL</c> or empty when it has none).</summary>
    public string DestinationRegion { get; init; } = "";
    public decimal GbPerMonth { get; init; }
    public decimal NatCostPerMonth { get; init; }
    public TrafficDisposition Disposition { get; init; }
    public string Reason { get; init; } = "";
}

/// <summary>The whole plan: recommendations, findings about existing endpoints, and where all the NAT traffic went.</summary>
public sealed record EndpointPlan
{
    public ValueList<EndpointRecommendation> Recommendations { get; init; } = [];
    public ValueList<EndpointFinding> Findings { get; init; } = [];
    public ValueList<NatTrafficGroup> Traffic { get; init; } = [];
    public DateTimeOffset WindowStart { get; init; }
    public DateTimeOffset WindowEnd { get; init; }
    /// <summary>Observed bytes are multiplied by this to give a month (hours per month / hours observed).</summary>
    public decimal MonthlyFactor { get; init; }
    public string PriceSource { get; init; } = "";
    /// <summary>The ip-ranges.json the services were named from: <c>bundled</c>, a path, or the URL it was downloaded from.</summary>
    public string IpRangesSource { get; init; } = "";
    /// <summary>That file's <c>syncToken</c>.</summary>
    public string IpRangesSyncToken { get; init; } = "";
    /// <summary>That file's <c>createDate</c> (<c>yyyy-MM-dd-HH-mm-ss</c>, UTC).</summary>
    public string IpRangesCreateDate { get; init; } = "";
    /// <summary>What the user should know went wrong around the plan (e.g. an ip-ranges download that fell back to the bundled copy).</summary>
    public ValueList<string> Warnings { get; init; } = [];
    public decimal TotalSavingPerMonth => Recommendations.Sum(r => r.SavingPerMonth);
    public ValueList<string> Notes { get; init; } = [];
}
