namespace VpcSecTools.Endpoints;

/// <summary>What kind of endpoint, if any, can carry traffic to a service.</summary>
public enum EndpointKind
{
    /// <summary>No VPC endpoint serves it (the internet, EC2-hosted third parties, CloudFront, Route 53…).</summary>
    None,
    /// <summary>Only <c>AMAZON</c> names it: some AWS API, which one flow logs cannot tell.</summary>
    Unnamed,
    /// <summary>An interface endpoint (PrivateLink) serves it.</summary>
    Interface,
    /// <summary>A free gateway endpoint serves it (an interface endpoint would too, at a price).</summary>
    Gateway,
}

/// <summary>The endpoint a destination service maps to: its kind and the last part of its service name.</summary>
public sealed record EndpointService(string Service, EndpointKind Kind, string? EndpointName, string Why);

/// <summary>
/// Maps the service names that flow logs and ip-ranges.json use (<c>S3</c>, <c>DYNAMODB</c>, <c>AMAZON</c>…)
/// to VPC endpoints. Lower-case names are endpoint service names given directly (from DNS query logs or
/// the user: <c>sqs</c>, <c>ecr.dkr</c>), which is how traffic the flow logs only call <c>AMAZON</c> gets named.
/// </summary>
public static class EndpointCatalog
{
    /// <summary>What would name traffic the flow logs only attribute to <c>AMAZON</c>.</summary>
    public const string HowToNameAmazonTraffic =
        "Route 53 Resolver query logs of the sources (the API host names, e.g. sqs.<region>.amazonaws.com) name it; " +
        "flow-log v5 pkt-dst-aws-service and ip-ranges.json only say AMAZON for most APIs (SQS, KMS, STS, Logs, ECR…)";

    private static readonly Dictionary<string, EndpointService> Known = new(StringComparer.Ordinal)
    {
        ["S3"] = new("S3", EndpointKind.Gateway, "s3", "S3 has a free gateway endpoint"),
        ["DYNAMODB"] = new("DYNAMODB", EndpointKind.Gateway, "dynamodb", "DynamoDB has a free gateway endpoint"),
        ["API_GATEWAY"] = new("API_GATEWAY", EndpointKind.Interface, "execute-api", "API Gateway has interface endpoints (execute-api)"),
        ["CODEBUILD"] = new("CODEBUILD", EndpointKind.Interface, "codebuild", "CodeBuild has interface endpoints"),
        ["AMAZON"] = new("AMAZON", EndpointKind.Unnamed, null, "AMAZON covers every AWS service: " + HowToNameAmazonTraffic),
        ["EC2"] = new("EC2", EndpointKind.None, null, "EC2 ranges are instances' public addresses (third-party hosts on EC2), not the EC2 API"),
        ["CLOUDFRONT"] = new("CLOUDFRONT", EndpointKind.None, null, "CloudFront edges are global: no VPC endpoint"),
        ["GLOBALACCELERATOR"] = new("GLOBALACCELERATOR", EndpointKind.None, null, "Global Accelerator is global: no VPC endpoint"),
        ["ROUTE53"] = new("ROUTE53", EndpointKind.None, null, "Route 53 is global: no VPC endpoint for its data plane"),
        ["ROUTE53_HEALTHCHECKS"] = new("ROUTE53_HEALTHCHECKS", EndpointKind.None, null, "Route 53 health checkers: no VPC endpoint"),
        [NatTraffic.Internet] = new(NatTraffic.Internet, EndpointKind.None, null, "not in AWS's published ranges: internet traffic"),
    };

    /// <summary>The endpoint for a service name; unknown upper-case names have no endpoint we can vouch for.</summary>
    public static EndpointService Lookup(string service)
    {
        if (Known.TryGetValue(service, out var known)) return known;
        if (service.Length > 0 && service.Any(char.IsLower))
        {
            var name = service.ToLowerInvariant();
            return name is "s3" or "dynamodb" ? Known[name.ToUpperInvariant()] with { Service = service }
                : new(service, EndpointKind.Interface, name, $"{name} named by DNS logs or the user; interface endpoint assumed (check describe-vpc-endpoint-services)");
        }
        return new(service, EndpointKind.None, null, $"{service}: no VPC endpoint known for this ip-ranges service");
    }

    /// <summary>
    /// The endpoint service name in a region: <c>com.amazonaws.&lt;region&gt;.&lt;name&gt;</c>; China's interface
    /// endpoints use the <c>cn.com.amazonaws</c> prefix (gateway endpoints there keep <c>com.amazonaws</c>).
    /// </summary>
    public static string ServiceName(string partition, string region, string endpointName, EndpointKind kind) =>
        partition == "aws-cn" && kind == EndpointKind.Interface
            ? $"cn.com.amazonaws.{region}.{endpointName}"
            : $"com.amazonaws.{region}.{endpointName}";
}
