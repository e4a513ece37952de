using System.Reflection;
using System.Text.Json;
using VpcSecTools.Aws.Ec2;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The XML reader is driven by shapes generated from botocore's model; these tests check every member the
/// snapshot model reads against that model, and the generated file against the installed botocore.
/// </summary>
public class Ec2ModelTests
{
    private static readonly string Shapes = Path.Combine(TestPaths.RepoRoot, "src", "VpcSecTools.Aws", "Ec2", "ec2-output-shapes.json");
    private const string Botocore = "/usr/lib/python3/dist-packages/botocore/data/ec2/2016-11-15/service-2.json";

    /// <summary>Top-level sections and the operation + output member that fills them (per-parent wrappers excluded).</summary>
    public static TheoryData<string, string> TopLevel => new()
    {
        { Section.Vpcs, "DescribeVpcs" }, { Section.Subnets, "DescribeSubnets" }, { Section.RouteTables, "DescribeRouteTables" },
        { Section.NetworkAcls, "DescribeNetworkAcls" }, { Section.SecurityGroups, "DescribeSecurityGroups" },
        { Section.NetworkInterfaces, "DescribeNetworkInterfaces" }, { Section.Reservations, "DescribeInstances" },
        { Section.InternetGateways, "DescribeInternetGateways" }, { Section.EgressOnlyInternetGateways, "DescribeEgressOnlyInternetGateways" },
        { Section.NatGateways, "DescribeNatGateways" }, { Section.VpcEndpoints, "DescribeVpcEndpoints" },
        { Section.VpcPeeringConnections, "DescribeVpcPeeringConnections" }, { Section.TransitGateways, "DescribeTransitGateways" },
        { Section.TransitGatewayAttachments, "DescribeTransitGatewayAttachments" },
        { Section.TransitGatewayVpcAttachments, "DescribeTransitGatewayVpcAttachments" },
        { Section.TransitGatewayRouteTables, "DescribeTransitGatewayRouteTables" }, { Section.PrefixLists, "DescribeManagedPrefixLists" },
        { Section.VpnGateways, "DescribeVpnGateways" }, { Section.VpnConnections, "DescribeVpnConnections" }, { Section.FlowLogs, "DescribeFlowLogs" },
        { Section.CustomerGateways, "DescribeCustomerGateways" },
    };

    [Theory]
    [MemberData(nameof(TopLevel))]
    public void Every_member_the_snapshot_model_reads_exists_in_the_operations_output_shape(string section, string operation)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Shapes));
        var shapes = doc.RootElement.GetProperty("shapes");
        var output = shapes.GetProperty(doc.RootElement.GetProperty("operations").GetProperty(operation).GetString()!);
        var list = shapes.GetProperty(output.GetProperty("members").GetProperty(section).GetProperty("shape").GetString()!);
        Section.TryGet(section, out var s);
        var problems = new List<string>();
        Check(s.ItemType, list.GetProperty("member").GetString()!, shapes, section + "[]", problems, []);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
    }

    /// <summary>Walks a model record against a structure shape: every property must be a member; nested records recurse.</summary>
    private static void Check(Type type, string shapeName, JsonElement shapes, string path, List<string> problems, HashSet<Type> seen)
    {
        if (!seen.Add(type)) return;
        var shape = shapes.GetProperty(shapeName);
        if (shape.GetProperty("type").GetString() != "structure") { problems.Add($"{path}: {shapeName} is not a structure"); return; }
        var members = shape.GetProperty("members");
        // Cidrs comes from describe-prefix-lists (AWS service lists), not describe-managed-prefix-lists.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && !(type == typeof(ManagedPrefixList) && p.Name == "Cidrs")))
        {
            if (!members.TryGetProperty(property.Name, out var member)) { problems.Add($"{path}.{property.Name}: not in {shapeName}"); continue; }
            var memberShape = member.GetProperty("shape").GetString()!;
            var element = ElementType(property.PropertyType);
            if (element.Namespace != typeof(Vpc).Namespace) continue;
            var target = shapes.GetProperty(memberShape);
            var structure = target.GetProperty("type").GetString() == "list" ? target.GetProperty("member").GetString()! : memberShape;
            Check(element, structure, shapes, $"{path}.{property.Name}", problems, seen);
        }
        seen.Remove(type);
    }

    private static Type ElementType(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)) return t.GetGenericArguments()[0];
        return t;
    }

    [Fact]
    public void Embedded_shapes_match_the_installed_botocore_model()
    {
        if (!File.Exists(Botocore)) return; // the generated file is the committed source of truth elsewhere
        using var generated = JsonDocument.Parse(File.ReadAllText(Shapes));
        using var model = JsonDocument.Parse(File.ReadAllText(Botocore));
        var modelShapes = model.RootElement.GetProperty("shapes");
        foreach (var shape in generated.RootElement.GetProperty("shapes").EnumerateObject())
        {
            var source = modelShapes.GetProperty(shape.Name);
            Assert.Equal(source.GetProperty("type").GetString(), shape.Value.GetProperty("type").GetString());
            if (shape.Value.GetProperty("type").GetString() != "structure") continue;
            foreach (var member in shape.Value.GetProperty("members").EnumerateObject())
            {
                if (member.Value.TryGetProperty("supplement", out _) && !source.GetProperty("members").TryGetProperty(member.Name, out _)) continue;
                var sourceMember = source.GetProperty("members").GetProperty(member.Name);
                var xml = sourceMember.TryGetProperty("locationName", out var location) ? location.GetString() : member.Name;
                Assert.Equal(xml, member.Value.GetProperty("xml").GetString());
            }
        }
        Assert.Equal(Ec2Operations.All.Select(o => o.Name).Order(), generated.RootElement.GetProperty("operations").EnumerateObject().Select(p => p.Name).Order());
    }

    [Theory]
    [InlineData("2019-11-28T18:49:58.000Z", "2019-11-28 18:49:58+00:00")]
    [InlineData("2019-11-28T18:49:58.123Z", "2019-11-28 18:49:58.123000+00:00")]
    [InlineData("2019-11-28T20:49:58+02:00", "2019-11-28 18:49:58+00:00")]
    public void Timestamps_are_printed_as_the_AWS_CLI_prints_them(string wire, string cli) =>
        Assert.Equal(cli, Ec2OutputShapes.CliTimestamp(wire, "$"));

    [Fact]
    public void Filters_are_flattened_as_the_Query_protocol_does()
    {
        var parameters = new List<KeyValuePair<string, string>>();
        Ec2Client.AddFilters(parameters, [new Ec2Filter("vpc-id", "vpc-1", "vpc-2"), new Ec2Filter("type", "static")]);
        Assert.Equal(["Filter.1.Name=vpc-id", "Filter.1.Value.1=vpc-1", "Filter.1.Value.2=vpc-2", "Filter.2.Name=type", "Filter.2.Value.1=static"],
            parameters.Select(p => $"{p.Key}={p.Value}"));
    }
}
