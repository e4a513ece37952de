using System.Text.RegularExpressions;
using VpcSecTools.Snapshot;

namespace VpcSecTools.IpMap;

/// <summary>Who owns a network interface, and the field that said so.</summary>
/// <param name="Type">The kind of owner.</param>
/// <param name="Subtype">For load balancers: <c>application</c>, <c>network</c>, <c>classic</c> or <c>gateway</c>; for endpoints: <c>Interface</c> or <c>GatewayLoadBalancer</c>.</param>
/// <param name="ResourceId">The owner's id (instance, NAT gateway, endpoint, attachment, load balancer <c>app/name/id</c>, function...), when the ENI names it.</param>
/// <param name="Name">The owner's Name tag (or the name the description carries, e.g. a load balancer's).</param>
/// <param name="Evidence">The ENI field and value the owner was read from, e.g. <c>InterfaceType=nat_gateway</c>.</param>
public sealed record EniOwner(OwnerType Type, string? Subtype, string? ResourceId, string? Name, string Evidence)
{
    public static readonly EniOwner Unknown = new(OwnerType.Unknown, null, null, null, "no attachment, interface type, requester or description names an owner");
}

/// <summary>
/// Reads an ENI's owner, in the order of SEMANTICS 23: the attached instance, else the interface type
/// (matched loosely: real data says <c>nat_gateway</c> where the API enum says <c>natGateway</c>), else the
/// description's well-known patterns, else the requester.
/// </summary>
public static partial class EniOwnerRules
{
    /// <summary>The owner of <paramref name="eni"/>; <paramref name="index"/> (optional) supplies Name tags and ids the ENI lacks.</summary>
    public static EniOwner Detect(NetworkInterface eni, SnapshotIndex? index = null)
    {
        if (eni.Attachment?.InstanceId is { Length: > 0 } instanceId)
            return new(OwnerType.Instance, null, instanceId, index?.Instances.GetValueOrDefault(instanceId)?.Tags.NameTag(),
                $"Attachment.InstanceId={instanceId}");
        var fromDescription = FromDescription(eni.Description);
        var fromType = FromInterfaceType(eni.InterfaceType);
        EniOwner? owner = null;
        if (fromType is not null)
        {
            // The type is the surer signal; the description adds the id and name it lacks.
            var (type, subtype) = fromType.Value;
            owner = fromDescription is not null && fromDescription.Type == type
                ? fromDescription with { Subtype = subtype ?? fromDescription.Subtype, Evidence = $"InterfaceType={eni.InterfaceType}; {fromDescription.Evidence}" }
                : new EniOwner(type, subtype, null, null, $"InterfaceType={eni.InterfaceType}");
        }
        owner ??= fromDescription ?? FromRequester(eni.RequesterId);
        return owner is null ? EniOwner.Unknown : Complete(owner, eni, index);
    }

    /// <summary>Interface types as real data and the API enum spell them, compared without case, '_' or '-'.</summary>
    public static (OwnerType Type, string? Subtype)? FromInterfaceType(string? interfaceType) => Loose(interfaceType) switch
    {
        "natgateway" => (OwnerType.NatGateway, null),
        "networkloadbalancer" => (OwnerType.LoadBalancer, "network"),
        "gatewayloadbalancer" => (OwnerType.LoadBalancer, "gateway"),
        "gatewayloadbalancerendpoint" => (OwnerType.VpcEndpoint, "GatewayLoadBalancer"),
        "vpcendpoint" => (OwnerType.VpcEndpoint, "Interface"),
        "transitgateway" => (OwnerType.TransitGatewayAttachment, null),
        "lambda" => (OwnerType.Lambda, null),
        "efs" => (OwnerType.Efs, null),
        "apigatewaymanaged" => (OwnerType.ApiGateway, null),
        "globalacceleratormanaged" => (OwnerType.GlobalAccelerator, null),
        "quicksight" => (OwnerType.QuickSight, null),
        // "interface", "loadbalancer", "branch", "trunk", "efa": too general to name an owner by themselves.
        _ => null,
    };

    /// <summary>The well-known description patterns AWS services write on the ENIs they create.</summary>
    public static EniOwner? FromDescription(string? description)
    {
        if (string.IsNullOrWhiteSpace(description)) return null;
        var d = description.Trim();
        string evidence = $"Description='{d}'";
        Match m;
        if ((m = ElbV2().Match(d)).Success)
        {
            var kind = m.Groups["kind"].Value switch { "app" => "application", "net" => "network", _ => "gateway" };
            return new(OwnerType.LoadBalancer, kind, $"{m.Groups["kind"].Value}/{m.Groups["name"].Value}/{m.Groups["id"].Value}", m.Groups["name"].Value, evidence);
        }
        if ((m = ElbClassic().Match(d)).Success)
            return new(OwnerType.LoadBalancer, "classic", m.Groups["name"].Value, m.Groups["name"].Value, evidence);
        if ((m = NatGateway().Match(d)).Success) return new(OwnerType.NatGateway, null, m.Groups["id"].Value, null, evidence);
        if ((m = Endpoint().Match(d)).Success) return new(OwnerType.VpcEndpoint, "Interface", m.Groups["id"].Value, null, evidence);
        if ((m = TgwAttachment().Match(d)).Success) return new(OwnerType.TransitGatewayAttachment, null, m.Groups["id"].Value, null, evidence);
        if ((m = Lambda().Match(d)).Success)
        {
            var function = TrailingGuid().Replace(m.Groups["fn"].Value, "");
            return new(OwnerType.Lambda, null, function, function, evidence);
        }
        if (d.StartsWith("RDSNetworkInterface", StringComparison.Ordinal)) return new(OwnerType.Rds, null, null, null, evidence);
        if ((m = ElastiCache().Match(d)).Success) return new(OwnerType.ElastiCache, null, m.Groups["id"].Value, m.Groups["id"].Value, evidence);
        if ((m = EfsMountTarget().Match(d)).Success) return new(OwnerType.Efs, null, m.Groups["fs"].Value, m.Groups["mt"].Success ? m.Groups["mt"].Value : null, evidence);
        if ((m = EcsAttachment().Match(d)).Success) return new(OwnerType.Ecs, null, m.Value, null, evidence);
        if ((m = Eks().Match(d)).Success) return new(OwnerType.Eks, null, m.Groups["cluster"].Value, m.Groups["cluster"].Value, evidence);
        if (d.StartsWith("RedshiftNetworkInterface", StringComparison.Ordinal)) return new(OwnerType.Redshift, null, null, null, evidence);
        if ((m = Directory().Match(d)).Success) return new(OwnerType.DirectoryService, null, m.Groups["id"].Value, null, evidence);
        if ((m = Resolver().Match(d)).Success) return new(OwnerType.Route53Resolver, null, m.Groups["id"].Value, null, evidence);
        return null;
    }

    /// <summary>Service principals seen in <c>RequesterId</c> when nothing else names the owner.</summary>
    public static EniOwner? FromRequester(string? requesterId)
    {
        if (string.IsNullOrEmpty(requesterId)) return null;
        var evidence = $"RequesterId={requesterId}";
        return requesterId switch
        {
            "amazon-elb" => new(OwnerType.LoadBalancer, null, null, null, evidence),
            "amazon-rds" => new(OwnerType.Rds, null, null, null, evidence),
            "amazon-elasticache" => new(OwnerType.ElastiCache, null, null, null, evidence),
            "amazon-redshift" => new(OwnerType.Redshift, null, null, null, evidence),
            "amazon-aws" => null,
            _ when requesterId.Contains("lambda", StringComparison.OrdinalIgnoreCase) => new(OwnerType.Lambda, null, null, null, evidence),
            _ when requesterId.Contains("ecs", StringComparison.OrdinalIgnoreCase) => new(OwnerType.Ecs, null, null, null, evidence),
            _ when requesterId.Contains("eks", StringComparison.OrdinalIgnoreCase) => new(OwnerType.Eks, null, null, null, evidence),
            _ => null,
        };
    }

    /// <summary>Fills the id and Name tag from the snapshot where the ENI itself does not carry them.</summary>
    private static EniOwner Complete(EniOwner owner, NetworkInterface eni, SnapshotIndex? index)
    {
        if (index is null) return owner;
        switch (owner.Type)
        {
            case OwnerType.NatGateway:
                var nat = owner.ResourceId is { } natId ? index.NatGateways.GetValueOrDefault(natId)
                    : index.NatGatewayOfEni(eni.NetworkInterfaceId);
                return nat is null ? owner : owner with { ResourceId = nat.NatGatewayId, Name = nat.Tags.NameTag() ?? owner.Name };
            case OwnerType.VpcEndpoint:
                var endpoint = owner.ResourceId is { } vpceId ? index.VpcEndpoints.GetValueOrDefault(vpceId)
                    : index.VpcEndpoints.Values.FirstOrDefault(e => e.NetworkInterfaceIds.Contains(eni.NetworkInterfaceId));
                return endpoint is null ? owner : owner with
                {
                    ResourceId = endpoint.VpcEndpointId,
                    Subtype = endpoint.VpcEndpointType ?? owner.Subtype,
                    Name = endpoint.Tags.NameTag() ?? endpoint.ServiceName ?? owner.Name,
                };
            case OwnerType.TransitGatewayAttachment:
                var attachment = owner.ResourceId is { } attachId ? index.TransitGatewayAttachments.GetValueOrDefault(attachId) : null;
                return attachment is null ? owner : owner with { Name = attachment.Tags.NameTag() ?? owner.Name };
            default:
                return owner;
        }
    }

    private static string Loose(string? s) =>
        s is null ? "" : string.Concat(s.Where(c => c is not ('_' or '-' or ' '))).ToLowerInvariant();

    [GeneratedRegex(@"^ELB (?<kind>app|net|gwy)/(?<name>[^/]+)/(?<id>[0-9a-f]+)")]
    private static partial Regex ElbV2();
    [GeneratedRegex(@"^ELB (?<name>[A-Za-z0-9-]+)$")]
    private static partial Regex ElbClassic();
    [GeneratedRegex(@"^Interface for NAT Gateway (?<id>nat-[0-9a-f]+)")]
    private static partial Regex NatGateway();
    [GeneratedRegex(@"^VPC Endpoint Interface (?<id>vpce-[0-9a-f]+)")]
    private static partial Regex Endpoint();
    [GeneratedRegex(@"^Network Interface for Transit Gateway Attachment (?<id>tgw-attach-[0-9a-f]+)")]
    private static partial Regex TgwAttachment();
    [GeneratedRegex(@"^AWS Lambda VPC ENI-(?<fn>.+)$")]
    private static partial Regex Lambda();
    [GeneratedRegex(@"-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    private static partial Regex TrailingGuid();
    [GeneratedRegex(@"^ElastiCache (?<id>\S+)")]
    private static partial Regex ElastiCache();
    [GeneratedRegex(@"^EFS mount target for (?<fs>fs-[0-9a-f]+)(?: \((?<mt>fsmt-[0-9a-f]+)\))?")]
    private static partial Regex EfsMountTarget();
    [GeneratedRegex(@"^arn:aws[a-z-]*:ecs:[^:]*:\d*:attachment/\S+")]
    private static partial Regex EcsAttachment();
    [GeneratedRegex(@"^Amazon EKS (?<cluster>\S+)")]
    private static partial Regex Eks();
    [GeneratedRegex(@"^AWS created network interface for directory (?<id>d-[0-9a-f]+)")]
    private static partial Regex Directory();
    [GeneratedRegex(@"^Route 53 Resolver: (?<id>rslvr-[a-z]+-[0-9a-f]+)")]
    private static partial Regex Resolver();
}
