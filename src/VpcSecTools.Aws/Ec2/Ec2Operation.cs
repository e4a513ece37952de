using System.Runtime.CompilerServices;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace VpcSecTools.Aws.Ec2;

/// <summary>
/// An EC2 read operation the inventory calls: its name, the largest page the API allows (null = not paginated),
/// the filter that narrows it to VPCs, and how AWSSDK.EC2 makes the call.
/// </summary>
/// <param name="Name">The API operation (<c>DescribeVpcs</c>).</param>
/// <param name="MaxResults">The largest MaxResults the API accepts; null when the operation has no paging.</param>
/// <param name="VpcFilters">Filter names that select by VPC id; each is its own call when there are several
/// (filters with different names are ANDed by EC2). Empty when the API cannot filter by VPC.</param>
public sealed record Ec2Operation(string Name, int? MaxResults, params string[] VpcFilters)
{
    /// <summary>The IAM action that allows it.</summary>
    public string IamAction => "ec2:" + Name;

    /// <summary>The responses of one call: the SDK's paginator (which follows NextToken), or the one response of an operation without paging.</summary>
    internal Func<IAmazonEC2, Ec2Call, IAsyncEnumerable<AmazonWebServiceResponse>> Pages { get; init; } = (_, _) => throw new NotSupportedException();

    public override string ToString() => Name;
}

/// <summary>What one call asks: filters (null for none), the page size, and the parent of a per-parent call.</summary>
internal sealed record Ec2Call(List<Filter>? Filters, int? MaxResults, string? ParentId);

/// <summary>The EC2 operations VpcSecTools calls, and nothing else (the IAM policy test compares with this list).</summary>
public static class Ec2Operations
{
    public static readonly Ec2Operation
        DescribeVpcs = new(nameof(DescribeVpcs), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeVpcs(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeSubnets = new(nameof(DescribeSubnets), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeSubnets(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeRouteTables = new(nameof(DescribeRouteTables), 100, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeRouteTables(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeNetworkAcls = new(nameof(DescribeNetworkAcls), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeNetworkAcls(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeSecurityGroups = new(nameof(DescribeSecurityGroups), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeSecurityGroups(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeNetworkInterfaces = new(nameof(DescribeNetworkInterfaces), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeNetworkInterfaces(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeInstances = new(nameof(DescribeInstances), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeInstances(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeInternetGateways = new(nameof(DescribeInternetGateways), 1000, "attachment.vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeInternetGateways(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeEgressOnlyInternetGateways = new(nameof(DescribeEgressOnlyInternetGateways), 255)
        { Pages = (ec2, c) => ec2.Paginators.DescribeEgressOnlyInternetGateways(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeNatGateways = new(nameof(DescribeNatGateways), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeNatGateways(new() { Filter = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeVpcEndpoints = new(nameof(DescribeVpcEndpoints), 1000, "vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeVpcEndpoints(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeVpcPeeringConnections = new(nameof(DescribeVpcPeeringConnections), 1000, "requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeVpcPeeringConnections(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeTransitGateways = new(nameof(DescribeTransitGateways), 1000)
        { Pages = (ec2, c) => ec2.Paginators.DescribeTransitGateways(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeTransitGatewayAttachments = new(nameof(DescribeTransitGatewayAttachments), 1000)
        { Pages = (ec2, c) => ec2.Paginators.DescribeTransitGatewayAttachments(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeTransitGatewayVpcAttachments = new(nameof(DescribeTransitGatewayVpcAttachments), 1000)
        { Pages = (ec2, c) => ec2.Paginators.DescribeTransitGatewayVpcAttachments(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeTransitGatewayRouteTables = new(nameof(DescribeTransitGatewayRouteTables), 1000)
        { Pages = (ec2, c) => ec2.Paginators.DescribeTransitGatewayRouteTables(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        SearchTransitGatewayRoutes = new(nameof(SearchTransitGatewayRoutes), 1000)
        {
            Pages = (ec2, c) => ec2.Paginators.SearchTransitGatewayRoutes(new()
                { TransitGatewayRouteTableId = c.ParentId, Filters = c.Filters, MaxResults = c.MaxResults }).Responses,
        },
        GetTransitGatewayRouteTableAssociations = new(nameof(GetTransitGatewayRouteTableAssociations), 1000)
        {
            Pages = (ec2, c) => ec2.Paginators.GetTransitGatewayRouteTableAssociations(new()
                { TransitGatewayRouteTableId = c.ParentId, Filters = c.Filters, MaxResults = c.MaxResults }).Responses,
        },
        GetTransitGatewayRouteTablePropagations = new(nameof(GetTransitGatewayRouteTablePropagations), 1000)
        {
            Pages = (ec2, c) => ec2.Paginators.GetTransitGatewayRouteTablePropagations(new()
                { TransitGatewayRouteTableId = c.ParentId, Filters = c.Filters, MaxResults = c.MaxResults }).Responses,
        },
        DescribeManagedPrefixLists = new(nameof(DescribeManagedPrefixLists), 100)
        { Pages = (ec2, c) => ec2.Paginators.DescribeManagedPrefixLists(new() { Filters = c.Filters, MaxResults = c.MaxResults }).Responses },
        GetManagedPrefixListEntries = new(nameof(GetManagedPrefixListEntries), 100)
        { Pages = (ec2, c) => ec2.Paginators.GetManagedPrefixListEntries(new() { PrefixListId = c.ParentId, MaxResults = c.MaxResults }).Responses },
        DescribeVpnGateways = new(nameof(DescribeVpnGateways), null, "attachment.vpc-id")
        { Pages = (ec2, c) => Once(ct => ec2.DescribeVpnGatewaysAsync(new() { Filters = c.Filters }, ct)) },
        DescribeVpnConnections = new(nameof(DescribeVpnConnections), null)
        { Pages = (ec2, c) => Once(ct => ec2.DescribeVpnConnectionsAsync(new() { Filters = c.Filters }, ct)) },
        DescribeFlowLogs = new(nameof(DescribeFlowLogs), 1000, "resource-id")
        { Pages = (ec2, c) => ec2.Paginators.DescribeFlowLogs(new() { Filter = c.Filters, MaxResults = c.MaxResults }).Responses },
        DescribeCustomerGateways = new(nameof(DescribeCustomerGateways), null)
        { Pages = (ec2, c) => Once(ct => ec2.DescribeCustomerGatewaysAsync(new() { Filters = c.Filters }, ct)) },
        DescribeRegions = new(nameof(DescribeRegions), null)
        { Pages = (ec2, c) => Once(ct => ec2.DescribeRegionsAsync(new() { Filters = c.Filters }, ct)) };

    public static IReadOnlyList<Ec2Operation> All { get; } =
    [
        DescribeVpcs, DescribeSubnets, DescribeRouteTables, DescribeNetworkAcls, DescribeSecurityGroups, DescribeNetworkInterfaces,
        DescribeInstances, DescribeInternetGateways, DescribeEgressOnlyInternetGateways, DescribeNatGateways, DescribeVpcEndpoints,
        DescribeVpcPeeringConnections, DescribeTransitGateways, DescribeTransitGatewayAttachments, DescribeTransitGatewayVpcAttachments,
        DescribeTransitGatewayRouteTables, SearchTransitGatewayRoutes, GetTransitGatewayRouteTableAssociations,
        GetTransitGatewayRouteTablePropagations, DescribeManagedPrefixLists, GetManagedPrefixListEntries, DescribeVpnGateways,
        DescribeVpnConnections, DescribeFlowLogs, DescribeCustomerGateways, DescribeRegions,
    ];

    /// <summary>The one response of an operation without paging, as a sequence of pages.</summary>
    private static async IAsyncEnumerable<AmazonWebServiceResponse> Once<T>(Func<CancellationToken, Task<T>> call,
        [EnumeratorCancellation] CancellationToken cancellationToken = default) where T : AmazonWebServiceResponse
    {
        yield return await call(cancellationToken).ConfigureAwait(false);
    }
}
