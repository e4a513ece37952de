namespace VpcSecTools.Aws.Ec2;

/// <summary>
/// An EC2 read operation the inventory calls: its name, the largest page the API allows (from the model's
/// MaxResults constraints or documentation; null = not paginated) and the filter that narrows it to VPCs.
/// </summary>
/// <param name="Name">The API operation (<c>DescribeVpcs</c>).</param>
/// <param name="MaxResults">The largest MaxResults the API accepts; null when the operation has no paging.</param>
/// <param name="VpcFilters">Filter names that select by VPC id; each is its own call when there are several
/// (filters with different names are ANDed by EC2). Empty when the API cannot filter by VPC.</param>
public sealed record Ec2Operation(string Name, int? MaxResults, params string[] VpcFilters)
{
    /// <summary>The IAM action that allows it.</summary>
    public string IamAction => "ec2:" + Name;

    public override string ToString() => Name;
}

/// <summary>The EC2 operations VpcSecTools calls, and nothing else (the IAM policy test compares with this list).</summary>
public static class Ec2Operations
{
    public static readonly Ec2Operation
        DescribeVpcs = new(nameof(DescribeVpcs), 1000, "vpc-id"),
        DescribeSubnets = new(nameof(DescribeSubnets), 1000, "vpc-id"),
        DescribeRouteTables = new(nameof(DescribeRouteTables), 100, "vpc-id"),
        DescribeNetworkAcls = new(nameof(DescribeNetworkAcls), 1000, "vpc-id"),
        DescribeSecurityGroups = new(nameof(DescribeSecurityGroups), 1000, "vpc-id"),
        DescribeNetworkInterfaces = new(nameof(DescribeNetworkInterfaces), 1000, "vpc-id"),
        DescribeInstances = new(nameof(DescribeInstances), 1000, "vpc-id"),
        DescribeInternetGateways = new(nameof(DescribeInternetGateways), 1000, "attachment.vpc-id"),
        DescribeEgressOnlyInternetGateways = new(nameof(DescribeEgressOnlyInternetGateways), 255),
        DescribeNatGateways = new(nameof(DescribeNatGateways), 1000, "vpc-id"),
        DescribeVpcEndpoints = new(nameof(DescribeVpcEndpoints), 1000, "vpc-id"),
        DescribeVpcPeeringConnections = new(nameof(DescribeVpcPeeringConnections), 1000, "requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id"),
        DescribeTransitGateways = new(nameof(DescribeTransitGateways), 1000),
        DescribeTransitGatewayAttachments = new(nameof(DescribeTransitGatewayAttachments), 1000),
        DescribeTransitGatewayVpcAttachments = new(nameof(DescribeTransitGatewayVpcAttachments), 1000),
        DescribeTransitGatewayRouteTables = new(nameof(DescribeTransitGatewayRouteTables), 1000),
        SearchTransitGatewayRoutes = new(nameof(SearchTransitGatewayRoutes), null),
        GetTransitGatewayRouteTableAssociations = new(nameof(GetTransitGatewayRouteTableAssociations), 1000),
        GetTransitGatewayRouteTablePropagations = new(nameof(GetTransitGatewayRouteTablePropagations), 1000),
        DescribeManagedPrefixLists = new(nameof(DescribeManagedPrefixLists), 100),
        GetManagedPrefixListEntries = new(nameof(GetManagedPrefixListEntries), 100),
        DescribeVpnGateways = new(nameof(DescribeVpnGateways), null, "attachment.vpc-id"),
        DescribeVpnConnections = new(nameof(DescribeVpnConnections), null),
        DescribeFlowLogs = new(nameof(DescribeFlowLogs), 1000, "resource-id"),
        DescribeCustomerGateways = new(nameof(DescribeCustomerGateways), null),
        DescribeRegions = new(nameof(DescribeRegions), null);

    /// <summary>
    /// SearchTransitGatewayRoutes returns at most this many routes and has no paging: more sets
    /// AdditionalRoutesAvailable, which the snapshot keeps so analyses know the list is incomplete.
    /// </summary>
    public const int SearchTransitGatewayRoutesMax = 1000;

    public static IReadOnlyList<Ec2Operation> All { get; } =
    [
        DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls, DescribeSecurityGroups, DescribeNetworkInterfaces,
        DescribeInstances, DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeNatGateways, DescribeVpcEndpoints,
        DescribeVpcPeeringConnections, DescribeTransitGateways, DescribeTransitGatewayAttachments, DescribeTransitGatewayVpcAttachments,
        DescribeTransitGatewayRouteTables, SearchTransitGatewayRoutes, GetTransitGatewayRouteTableAssociations,
        GetTransitGatewayRouteTablePropagations, DescribeManagedPrefixLists, GetManagedPrefixListEntries, DescribeVpnGateways,
        DescribeVpnConnections, DescribeFlowLogs, DescribeCustomerGateways, DescribeRegions,
    ];
}
