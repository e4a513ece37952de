using System.Reflection;
using Ec2 = Amazon.EC2.Model;
using VpcSecTools.Aws;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The snapshot's records against AWSSDK.EC2's model classes: every member a record declares must be a member of the
/// SDK class that fills it, under the CLI's name or the one <see cref="Ec2ModelReader"/> knows the SDK uses, so no field
/// is silently lost when the SDK's objects are read by name.
/// </summary>
public class Ec2ModelTests
{
    /// <summary>Top-level sections and the response member that fills them (per-parent wrappers are checked through their items).</summary>
    public static TheoryData<string, Type> Items => new()
    {
        { Section.Vpcs, typeof(Ec2.DescribeVpcsResponse) }, { Section.Subnets, typeof(Ec2.DescribeSubnetsResponse) },
        { Section.RouteTables, typeof(Ec2.DescribeRouteTablesResponse) }, { Section.NetworkAcls, typeof(Ec2.DescribeNetworkAclsResponse) },
        { Section.SecurityGroups, typeof(Ec2.DescribeSecurityGroupsResponse) }, { Section.NetworkInterfaces, typeof(Ec2.DescribeNetworkInterfacesResponse) },
        { Section.Reservations, typeof(Ec2.DescribeInstancesResponse) }, { Section.InternetGateways, typeof(Ec2.DescribeInternetGatewaysResponse) },
        { Section.EgressOnlyInternetGateways, typeof(Ec2.DescribeEgressOnlyInternetGatewaysResponse) }, { Section.NatGateways, typeof(Ec2.DescribeNatGatewaysResponse) },
        { Section.VpcEndpoints, typeof(Ec2.DescribeVpcEndpointsResponse) }, { Section.VpcPeeringConnections, typeof(Ec2.DescribeVpcPeeringConnectionsResponse) },
        { Section.TransitGateways, typeof(Ec2.DescribeTransitGatewaysResponse) }, { Section.TransitGatewayAttachments, typeof(Ec2.DescribeTransitGatewayAttachmentsResponse) },
        { Section.TransitGatewayVpcAttachments, typeof(Ec2.DescribeTransitGatewayVpcAttachmentsResponse) },
        { Section.TransitGatewayRouteTables, typeof(Ec2.DescribeTransitGatewayRouteTablesResponse) }, { Section.PrefixLists, typeof(Ec2.DescribeManagedPrefixListsResponse) },
        { Section.VpnGateways, typeof(Ec2.DescribeVpnGatewaysResponse) }, { Section.VpnConnections, typeof(Ec2.DescribeVpnConnectionsResponse) },
        { Section.FlowLogs, typeof(Ec2.DescribeFlowLogsResponse) }, { Section.CustomerGateways, typeof(Ec2.DescribeCustomerGatewaysResponse) },
    };

    [Theory]
    [MemberData(nameof(Items))]
    public void Every_member_the_snapshot_model_reads_is_a_member_of_the_SDK_class(string section, Type response)
    {
        Section.TryGet(section, out var s);
        var list = response.GetProperty(section)!.PropertyType;
        var problems = new List<string>();
        // Cidrs comes from describe-prefix-lists (Amazon.EC2.Model.PrefixList), not describe-managed-prefix-lists.
        Check(s.ItemType, list.GetGenericArguments()[0], section + "[]", problems, [], skip: (typeof(ManagedPrefixList), "Cidrs"));
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    [Theory]
    [InlineData(typeof(PrefixListEntries), "Entries", typeof(Ec2.GetManagedPrefixListEntriesResponse))]
    [InlineData(typeof(TransitGatewayRouteTableRoutes), "Routes", typeof(Ec2.SearchTransitGatewayRoutesResponse))]
    [InlineData(typeof(TransitGatewayRouteTableAssociations), "Associations", typeof(Ec2.GetTransitGatewayRouteTableAssociationsResponse))]
    [InlineData(typeof(TransitGatewayPropagationsOfTable), "TransitGatewayRouteTablePropagations", typeof(Ec2.GetTransitGatewayRouteTablePropagationsResponse))]
    public void Per_parent_items_are_members_of_the_SDK_class(Type wrapper, string member, Type response)
    {
        var problems = new List<string>();
        var item = wrapper.GetProperty(member)!.PropertyType.GetGenericArguments()[0];
        Check(item, response.GetProperty(member)!.PropertyType.GetGenericArguments()[0], member + "[]", problems, [], skip: default);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    /// <summary>The name AWSSDK.EC2 gives a record's member, where it is not the CLI's.</summary>
    internal static string SdkNameOf(Type record, string member) => SdkName.GetValueOrDefault((record, member), member);

    /// <summary>The names under which <see cref="Ec2ModelReader"/> looks a record's member up, besides its own.</summary>
    private static readonly Dictionary<(Type, string), string> SdkName = new()
    {
        [(typeof(IpPermission), "IpRanges")] = "Ipv4Ranges",
        [(typeof(PrefixListReference), "PrefixListId")] = "Id",
        [(typeof(CidrBlockEntry), "CidrBlock")] = "Cidr",
        [(typeof(Ipv6CidrBlockEntry), "Ipv6CidrBlock")] = "Value",
    };

    /// <summary>Walks a record against an SDK class: every property must be there; nested records recurse.</summary>
    private static void Check(Type record, Type sdk, string path, List<string> problems, HashSet<Type> seen, (Type, string) skip)
    {
        if (!seen.Add(record)) return;
        foreach (var property in record.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && (record, p.Name) != skip))
        {
            var name = SdkName.GetValueOrDefault((record, property.Name), property.Name);
            var member = sdk.GetProperty(name);
            if (member is null) { problems.Add($"{path}.{property.Name}: not in {sdk.Name}"); continue; }
            var element = ElementType(property.PropertyType);
            if (element.Namespace != typeof(Vpc).Namespace) continue;
            Check(element, ElementType(member.PropertyType), $"{path}.{property.Name}", problems, seen, skip);
        }
        seen.Remove(record);
    }

    private static Type ElementType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        return t.IsGenericType && t != typeof(string) && t.GetGenericArguments().Length == 1 ? t.GetGenericArguments()[0] : t;
    }

    [Theory]
    [InlineData("2019-11-28T18:49:58.000Z", "2019-11-28 18:49:58+00:00")]
    [InlineData("2019-11-28T18:49:58.123Z", "2019-11-28 18:49:58.123000+00:00")]
    [InlineData("2019-11-28T20:49:58+02:00", "2019-11-28 18:49:58+00:00")]
    public void Timestamps_are_printed_as_the_AWS_CLI_prints_them(string wire, string cli) =>
        Assert.Equal(cli, Ec2ModelReader.CliTimestamp(DateTimeOffset.Parse(wire, System.Globalization.CultureInfo.InvariantCulture)));
}
