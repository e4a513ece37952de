using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VpcSecTools.Endpoints;

/// <summary>The forms a plan can be written in.</summary>
public enum EndpointPlanFormat { Cli, CloudFormation, Terraform }

/// <summary>
/// Writes a plan as something a person reviews and then applies: AWS CLI commands, a CloudFormation
/// template (JSON) or Terraform. Nothing here calls AWS. Existing endpoints that need more route tables
/// are written as modifications where the format can express it (CLI, Terraform's route-table
/// association) and as template metadata where it cannot (CloudFormation cannot change an endpoint it
/// does not manage).
/// </summary>
public static class EndpointPlanRendering
{
    public static string Render(EndpointPlan plan, EndpointPlanFormat format) => format switch
    {
        EndpointPlanFormat.Cli => Cli(plan),
        EndpointPlanFormat.CloudFormation => CloudFormation(plan),
        EndpointPlanFormat.Terraform => Terraform(plan),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown plan format"),
    };

    /// <summary>A POSIX shell script of AWS CLI commands, one block per recommendation.</summary>
    public static string Cli(EndpointPlan plan)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/sh\n# VPC endpoint plan written by VpcSecTools: review, then run. Nothing has been created.\n");
        foreach (var line in Header(plan)) s.Append("# ").Append(line).Append('\n');
        s.Append("set -e\n");
        var n = 0;
        foreach (var r in plan.Recommendations)
        {
            n++;
            s.Append('\n').Append("# ").Append(n).Append(". ").Append(Summary(r)).Append('\n');
            var common = $"--region {r.Region}";
            switch (r.Action)
            {
                case EndpointAction.CreateGatewayEndpoint:
                    s.Append($"aws ec2 create-vpc-endpoint {common} --vpc-id {r.VpcId} --vpc-endpoint-type Gateway --service-name {r.ServiceName} --route-table-ids {string.Join(' ', r.RouteTableIds)}\n");
                    break;
                case EndpointAction.AddRouteTables:
                    s.Append($"aws ec2 modify-vpc-endpoint {common} --vpc-endpoint-id {r.VpcEndpointId} --add-route-table-ids {string.Join(' ', r.RouteTableIds)}\n");
                    break;
                case EndpointAction.CreateInterfaceEndpoint:
                    var sg = $"SG_{n}";
                    s.Append("# private DNS: ").Append(r.PrivateDns).Append('\n');
                    s.Append($"aws ec2 describe-vpc-attribute {common} --vpc-id {r.VpcId} --attribute enableDnsSupport\n");
                    s.Append($"aws ec2 describe-vpc-attribute {common} --vpc-id {r.VpcId} --attribute enableDnsHostnames\n");
                    s.Append($"{sg}=$(aws ec2 create-security-group {common} --vpc-id {r.VpcId} --group-name {GroupName(r)} --description {Quote(GroupDescription(r))} --query GroupId --output text)\n");
                    s.Append($"aws ec2 authorize-security-group-ingress {common} --group-id \"${sg}\" --ip-permissions {Quote(IpPermissions(r.SecurityGroupRule!))}\n");
                    s.Append($"aws ec2 create-vpc-endpoint {common} --vpc-id {r.VpcId} --vpc-endpoint-type Interface --service-name {r.ServiceName} --subnet-ids {string.Join(' ', r.SubnetIds)} --security-group-ids \"${sg}\" --private-dns-enabled\n");
                    break;
            }
        }
        if (n == 0) s.Append("\n# No endpoint clears its cost on the observed traffic: nothing to do.\n");
        return s.ToString();
    }

    /// <summary>A CloudFormation template in JSON (which is also valid YAML).</summary>
    public static string CloudFormation(EndpointPlan plan)
    {
        var resources = new JsonObject();
        var notExpressible = new JsonArray();
        foreach (var r in plan.Recommendations)
        {
            var id = LogicalId(r);
            switch (r.Action)
            {
                case EndpointAction.CreateGatewayEndpoint:
                    resources[id] = Resource("AWS::EC2::VPCEndpoint", new JsonObject
                    {
                        ["VpcId"] = r.VpcId, ["ServiceName"] = r.ServiceName, ["VpcEndpointType"] = "Gateway",
                        ["RouteTableIds"] = Array(r.RouteTableIds),
                    });
                    break;
                case EndpointAction.AddRouteTables:
                    notExpressible.Add($"{Summary(r)}: aws ec2 modify-vpc-endpoint --region {r.Region} --vpc-endpoint-id {r.VpcEndpointId} --add-route-table-ids {string.Join(' ', r.RouteTableIds)}");
                    break;
                case EndpointAction.CreateInterfaceEndpoint:
                    var ingress = new JsonArray();
                    foreach (var cidr in r.SecurityGroupRule!.SourceCidrs)
                        ingress.Add(new JsonObject
                        {
                            ["IpProtocol"] = r.SecurityGroupRule.Protocol, ["FromPort"] = r.SecurityGroupRule.Port, ["ToPort"] = r.SecurityGroupRule.Port,
                            [cidr.Contains(':') ? "CidrIpv6" : "CidrIp"] = cidr, ["Description"] = "HTTPS from endpoint clients",
                        });
                    resources[id + "SecurityGroup"] = Resource("AWS::EC2::SecurityGroup", new JsonObject
                    {
                        ["GroupDescription"] = GroupDescription(r), ["VpcId"] = r.VpcId, ["SecurityGroupIngress"] = ingress,
                    });
                    resources[id] = Resource("AWS::EC2::VPCEndpoint", new JsonObject
                    {
                        ["VpcId"] = r.VpcId, ["ServiceName"] = r.ServiceName, ["VpcEndpointType"] = "Interface",
                        ["SubnetIds"] = Array(r.SubnetIds), ["SecurityGroupIds"] = new JsonArray(new JsonObject { ["Ref"] = id + "SecurityGroup" }),
                        ["PrivateDnsEnabled"] = true,
                    });
                    break;
            }
        }
        // A template must declare at least one resource; a handle that creates nothing says "no endpoint to add".
        if (resources.Count == 0)
            resources["NoEndpointToCreate"] = new JsonObject { ["Type"] = "AWS::CloudFormation::WaitConditionHandle" };
        var regions = plan.Recommendations.Select(r => r.Region).Distinct().ToArray();
        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = $"VPC endpoints that pay for themselves (VpcSecTools), saving {Money(plan.TotalSavingPerMonth)}/month on observed NAT traffic",
            ["Metadata"] = new JsonObject
            {
                ["VpcSecTools"] = new JsonObject
                {
                    ["Header"] = Array(Header(plan)),
                    ["DeployToRegions"] = Array(regions),
                    ["Recommendations"] = Array(plan.Recommendations.Select(Summary)),
                    ["NotExpressible"] = notExpressible,
                },
            },
            ["Resources"] = resources,
        };
        return template.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Terraform (HCL) for the AWS provider, one provider alias per region.</summary>
    public static string Terraform(EndpointPlan plan)
    {
        var s = new StringBuilder();
        s.Append("# VPC endpoint plan written by VpcSecTools: review, then apply. Nothing has been created.\n");
        foreach (var line in Header(plan)) s.Append("# ").Append(line).Append('\n');
        foreach (var region in plan.Recommendations.Select(r => r.Region).Distinct())
            s.Append($"\nprovider \"aws\" {{\n  alias  = \"{Alias(region)}\"\n  region = \"{region}\"\n}}\n");
        foreach (var r in plan.Recommendations)
        {
            var name = TerraformName(r);
            var provider = $"aws.{Alias(r.Region)}";
            s.Append("\n# ").Append(Summary(r)).Append('\n');
            switch (r.Action)
            {
                case EndpointAction.CreateGatewayEndpoint:
                    s.Append($"resource \"aws_vpc_endpoint\" \"{name}\" {{\n  provider          = {provider}\n  vpc_id            = {Hcl(r.VpcId)}\n")
                     .Append($"  service_name      = {Hcl(r.ServiceName)}\n  vpc_endpoint_type = \"Gateway\"\n  route_table_ids   = {Hcl(r.RouteTableIds)}\n}}\n");
                    break;
                case EndpointAction.AddRouteTables:
                    foreach (var table in r.RouteTableIds)
                        s.Append($"resource \"aws_vpc_endpoint_route_table_association\" \"{name}_{Identifier(table)}\" {{\n  provider        = {provider}\n")
                         .Append($"  vpc_endpoint_id = {Hcl(r.VpcEndpointId!)}\n  route_table_id  = {Hcl(table)}\n}}\n");
                    break;
                case EndpointAction.CreateInterfaceEndpoint:
                    var rule = r.SecurityGroupRule!;
                    s.Append($"# private DNS: {r.PrivateDns}\n");
                    s.Append($"resource \"aws_security_group\" \"{name}\" {{\n  provider    = {provider}\n  name        = {Hcl(GroupName(r))}\n")
                     .Append($"  description = {Hcl(GroupDescription(r))}\n  vpc_id      = {Hcl(r.VpcId)}\n\n  ingress {{\n")
                     .Append($"    description      = \"HTTPS from endpoint clients\"\n    protocol         = {Hcl(rule.Protocol)}\n")
                     .Append($"    from_port        = {rule.Port}\n    to_port          = {rule.Port}\n")
                     .Append($"    cidr_blocks      = {Hcl(rule.SourceCidrs.Where(c => !c.Contains(':')))}\n")
                     .Append($"    ipv6_cidr_blocks = {Hcl(rule.SourceCidrs.Where(c => c.Contains(':')))}\n  }}\n}}\n\n");
                    s.Append($"resource \"aws_vpc_endpoint\" \"{name}\" {{\n  provider            = {provider}\n  vpc_id              = {Hcl(r.VpcId)}\n")
                     .Append($"  service_name        = {Hcl(r.ServiceName)}\n  vpc_endpoint_type   = \"Interface\"\n")
                     .Append($"  subnet_ids          = {Hcl(r.SubnetIds)}\n  security_group_ids  = [aws_security_group.{name}.id]\n")
                     .Append("  private_dns_enabled = true\n}\n");
                    break;
            }
        }
        return s.ToString();
    }

    private static IEnumerable<string> Header(EndpointPlan plan)
    {
        yield return $"Observed {plan.WindowStart:u} .. {plan.WindowEnd:u}, scaled x{plan.MonthlyFactor.ToString("0.###", CultureInfo.InvariantCulture)} to a month.";
        yield return $"Prices: {plan.PriceSource}.";
        yield return $"Saving if all applied: {Money(plan.TotalSavingPerMonth)} per month.";
    }

    private static string Summary(EndpointRecommendation r)
    {
        var what = r.Action switch
        {
            EndpointAction.CreateGatewayEndpoint => $"gateway endpoint {r.ServiceName} in {r.VpcId} on {string.Join(", ", r.RouteTableIds)}",
            EndpointAction.AddRouteTables => $"add {string.Join(", ", r.RouteTableIds)} to {r.VpcEndpointId} ({r.ServiceName})",
            _ => $"interface endpoint {r.ServiceName} in {r.VpcId}, subnets {string.Join(", ", r.SubnetIds)}",
        };
        return $"{what}: {r.ObservedGbPerMonth.ToString(CultureInfo.InvariantCulture)} GB/month, saves {Money(r.SavingPerMonth)} {r.Currency}/month ({r.Confidence} confidence)";
    }

    private static string GroupName(EndpointRecommendation r) => $"vpce-{r.ServiceName.Split('.').Last()}-{r.VpcId}";
    private static string GroupDescription(EndpointRecommendation r) => $"HTTPS from the clients of the {r.ServiceName} endpoint";

    private static string IpPermissions(EndpointSecurityGroupRule rule)
    {
        var v4 = rule.SourceCidrs.Where(c => !c.Contains(':')).Select(c => $"{{CidrIp={c}}}");
        var v6 = rule.SourceCidrs.Where(c => c.Contains(':')).Select(c => $"{{CidrIpv6={c}}}");
        var text = $"IpProtocol={rule.Protocol},FromPort={rule.Port},ToPort={rule.Port}";
        if (v4.Any()) text += $",IpRanges=[{string.Join(',', v4)}]";
        if (v6.Any()) text += $",Ipv6Ranges=[{string.Join(',', v6)}]";
        return text;
    }

    private static string LogicalId(EndpointRecommendation r)
    {
        var name = string.Concat(r.ServiceName.Split('.').Last().Split('-', '.', '_').Select(Capitalise));
        return name + r.VpcEndpointType + "Endpoint" + Capitalise(new string(r.VpcId.Where(char.IsLetterOrDigit).ToArray()));
    }

    private static string TerraformName(EndpointRecommendation r) => Identifier($"{r.ServiceName.Split('.').Last()}_{r.VpcId}");
    private static string Identifier(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
    private static string Alias(string region) => Identifier(region);
    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];
    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);
    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    private static string Hcl(string text) => JsonSerializer.Serialize(text).Replace("${", "$${", StringComparison.Ordinal);
    private static string Hcl(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Hcl)) + "]";
    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
    private static JsonObject Resource(string type, JsonObject properties) => new() { ["Type"] = type, ["Properties"] = properties };
}
