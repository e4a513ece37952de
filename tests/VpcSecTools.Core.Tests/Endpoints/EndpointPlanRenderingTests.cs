using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using VpcSecTools.Endpoints;
using static VpcSecTools.Tests.Endpoints.PlanScenario;

namespace VpcSecTools.Tests.Endpoints;

public class EndpointPlanRenderingTests
{
    /// <summary>A plan with one of each action: new DynamoDB gateway, S3 route tables added, an SQS interface endpoint.</summary>
    private static EndpointPlan MixedPlan()
    {
        var index = Index(Gateway("vpce-s3", "com.amazonaws.us-east-1.s3", RtbA));
        var plan = Plan(index, Month(From(SubnetA, "DYNAMODB", "us-east-1", 100), From(SubnetC, "DYNAMODB", "us-east-1", 10),
            From(SubnetB, "S3", "us-east-1", 40), From(SubnetA, "sqs", "us-east-1", 800, ServiceNamedBy.Given),
            From(SubnetB, "sqs", "us-east-1", 700, ServiceNamedBy.Given)));
        Assert.Equal([EndpointAction.CreateGatewayEndpoint, EndpointAction.AddRouteTables, EndpointAction.CreateInterfaceEndpoint],
            plan.Recommendations.Select(r => r.Action).Order());
        return plan;
    }

    [Fact]
    public void Cli_rendering_is_valid_shell_with_one_command_per_action()
    {
        var plan = MixedPlan();
        var script = EndpointPlanRendering.Render(plan, EndpointPlanFormat.Cli);
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("plan.sh"), script);
        var sh = Process.Start(new ProcessStartInfo("sh", ["-n", dir.File("plan.sh")]) { RedirectStandardError = true })!;
        var stderr = sh.StandardError.ReadToEnd();
        sh.WaitForExit();
        Assert.True(sh.ExitCode == 0, stderr);

        var commands = script.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();
        Assert.Contains(commands, l => l.StartsWith("aws ec2 create-vpc-endpoint") && l.Contains("--vpc-endpoint-type Gateway")
            && l.Contains("com.amazonaws.us-east-1.dynamodb") && l.EndsWith($"--route-table-ids {RtbA} {RtbMain}"));
        Assert.Contains(commands, l => l == $"aws ec2 modify-vpc-endpoint --region us-east-1 --vpc-endpoint-id vpce-s3 --add-route-table-ids {RtbB}");
        Assert.Contains(commands, l => l.StartsWith("aws ec2 authorize-security-group-ingress") && l.Contains("FromPort=443") && l.Contains("CidrIp=10.0.1.0/24"));
        Assert.Contains(commands, l => l.Contains("--vpc-endpoint-type Interface") && l.Contains($"--subnet-ids {SubnetA} {SubnetB}"));
        Assert.Contains(commands, l => l.Contains("describe-vpc-attribute") && l.Contains("enableDnsHostnames"));
        Assert.All(commands, l => Assert.Matches(@"^(set -e|SG_\d+=\$\(aws ec2 |aws ec2 )", l));
    }

    [Fact]
    public void CloudFormation_rendering_parses_and_declares_the_endpoints()
    {
        var plan = MixedPlan();
        using var doc = JsonDocument.Parse(EndpointPlanRendering.Render(plan, EndpointPlanFormat.CloudFormation));
        var root = doc.RootElement;
        Assert.Equal("2010-09-09", root.GetProperty("AWSTemplateFormatVersion").GetString());
        var resources = root.GetProperty("Resources").EnumerateObject().ToDictionary(p => p.Name, p => p.Value);
        Assert.All(resources.Keys, k => Assert.Matches("^[A-Za-z0-9]+$", k));

        var endpoints = resources.Values.Where(r => r.GetProperty("Type").GetString() == "AWS::EC2::VPCEndpoint").ToArray();
        Assert.Equal(2, endpoints.Length);
        var gateway = endpoints.Single(e => e.GetProperty("Properties").GetProperty("VpcEndpointType").GetString() == "Gateway").GetProperty("Properties");
        Assert.Equal("com.amazonaws.us-east-1.dynamodb", gateway.GetProperty("ServiceName").GetString());
        Assert.Equal([RtbA, RtbMain], gateway.GetProperty("RouteTableIds").EnumerateArray().Select(e => e.GetString()));
        var iface = endpoints.Single(e => e.GetProperty("Properties").GetProperty("VpcEndpointType").GetString() == "Interface").GetProperty("Properties");
        var sgRef = iface.GetProperty("SecurityGroupIds")[0].GetProperty("Ref").GetString()!;
        var sg = resources[sgRef];
        Assert.Equal("AWS::EC2::SecurityGroup", sg.GetProperty("Type").GetString());
        Assert.All(sg.GetProperty("Properties").GetProperty("SecurityGroupIngress").EnumerateArray(),
            rule => Assert.Equal((443, 443, "tcp"), (rule.GetProperty("FromPort").GetInt32(), rule.GetProperty("ToPort").GetInt32(), rule.GetProperty("IpProtocol").GetString())));
        Assert.True(iface.GetProperty("PrivateDnsEnabled").GetBoolean());
        // The existing endpoint cannot be changed by a template: it is carried in the metadata instead.
        var notExpressible = root.GetProperty("Metadata").GetProperty("VpcSecTools").GetProperty("NotExpressible");
        Assert.Contains("modify-vpc-endpoint", Assert.Single(notExpressible.EnumerateArray()).GetString());
    }

    [Fact]
    public void CloudFormation_of_an_empty_plan_is_still_a_valid_template()
    {
        var plan = Plan(Index(), Month(From(SubnetA, "AMAZON", "us-east-1", 1)));
        using var doc = JsonDocument.Parse(EndpointPlanRendering.CloudFormation(plan));
        Assert.Single(doc.RootElement.GetProperty("Resources").EnumerateObject());
    }

    [Fact]
    public void Terraform_rendering_is_structurally_valid_hcl()
    {
        var plan = MixedPlan();
        var blocks = HclBlocks(EndpointPlanRendering.Render(plan, EndpointPlanFormat.Terraform));

        var provider = Assert.Single(blocks, b => b.Header == "provider \"aws\"");
        Assert.Equal("\"us-east-1\"", provider.Attributes["region"]);
        var resources = blocks.Where(b => b.Header.StartsWith("resource ")).ToArray();
        Assert.Equal(resources.Length, resources.Select(b => b.Header).Distinct().Count());
        Assert.All(resources, r => Assert.Equal("aws.us_east_1", r.Attributes["provider"]));

        var endpoints = resources.Where(r => r.Header.StartsWith("resource \"aws_vpc_endpoint\" ")).ToArray();
        Assert.Equal(2, endpoints.Length);
        var gateway = endpoints.Single(e => e.Attributes["vpc_endpoint_type"] == "\"Gateway\"");
        Assert.Equal($"[\"{RtbA}\", \"{RtbMain}\"]", gateway.Attributes["route_table_ids"]);
        var iface = endpoints.Single(e => e.Attributes["vpc_endpoint_type"] == "\"Interface\"");
        var sgReference = Regex.Match(iface.Attributes["security_group_ids"], @"^\[aws_security_group\.(\w+)\.id\]$");
        Assert.True(sgReference.Success, iface.Attributes["security_group_ids"]);
        Assert.Contains(resources, r => r.Header == $"resource \"aws_security_group\" \"{sgReference.Groups[1].Value}\"");
        var association = Assert.Single(resources, r => r.Header.StartsWith("resource \"aws_vpc_endpoint_route_table_association\""));
        Assert.Equal(("\"vpce-s3\"", $"\"{RtbB}\""), (association.Attributes["vpc_endpoint_id"], association.Attributes["route_table_id"]));
    }

    private sealed record HclBlock(string Header, Dictionary<string, string> Attributes);

    /// <summary>
    /// A structural HCL reader for the subset the renderer writes: top-level blocks (<c>type "label"... {</c>),
    /// nested blocks, <c>name = value</c> lines with balanced brackets and quotes, comments. Anything else fails.
    /// </summary>
    private static List<HclBlock> HclBlocks(string text)
    {
        var blocks = new List<HclBlock>();
        var depth = 0;
        HclBlock? current = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#')) continue;
            if (line == "}")
            {
                Assert.True(depth > 0, "unbalanced }");
                if (--depth == 0) current = null;
                continue;
            }
            var open = Regex.Match(line, @"^([a-z][a-z0-9_]*(?: ""[A-Za-z0-9_.-]+"")*) \{$");
            if (open.Success)
            {
                if (depth == 0) blocks.Add(current = new HclBlock(open.Groups[1].Value, []));
                depth++;
                continue;
            }
            var attribute = Regex.Match(line, @"^([a-z][a-z0-9_]*)\s+= (.+)$");
            Assert.True(attribute.Success && depth > 0, $"not an attribute inside a block: {line}");
            var value = attribute.Groups[2].Value;
            Assert.Matches(@"^(""([^""\\]|\\.)*""|\d+|true|false|aws\.[a-z0-9_]+|\[.*\])$", value);
            Assert.Equal(value.Count(c => c == '['), value.Count(c => c == ']'));
            Assert.Equal(0, Regex.Replace(value, @"\\.", "").Count(c => c == '"') % 2);
            if (depth == 1) current!.Attributes[attribute.Groups[1].Value] = value;
        }
        Assert.Equal(0, depth);
        return blocks;
    }
}
