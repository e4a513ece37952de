using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>The forms the safe proposals can be written in.</summary>
public enum RuleUsageFormat { Cli, CloudFormation, Terraform }

/// <summary>
/// Writes the safe proposals as something a person reviews and then applies: AWS CLI commands (authorize first, then
/// revoke, so no flow the window saw is cut between the two), a CloudFormation template, or Terraform. Revoking a rule a
/// template does not manage cannot be written as a resource: CloudFormation and Terraform carry those revocations as the
/// AWS CLI commands to run once the new rules are in place. Withheld proposals are listed with why, never written as changes.
/// Nothing here calls AWS.
/// </summary>
public static class RuleUsageRendering
{
    public static string Render(RuleUsageReport report, RuleUsageFormat format) => format switch
    {
        RuleUsageFormat.Cli => Cli(report),
        RuleUsageFormat.CloudFormation => CloudFormation(report),
        RuleUsageFormat.Terraform => Terraform(report),
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown rule-usage format"),
    };

    /// <summary>A POSIX shell script of AWS CLI commands, one block per safe proposal.</summary>
    public static string Cli(RuleUsageReport report)
    {
        var s = new StringBuilder();
        s.Append("#!/bin/sh\n# Security-group tightening written by VpcSecTools from flow-log evidence: review, then run. Nothing has been changed.\n");
        foreach (var line in Header(report)) s.Append("# ").Append(line).Append('\n');
        s.Append("set -e\n");
        int n = 0;
        foreach (var p in report.Proposals.Where(p => p.Safe))
        {
            n++;
            s.Append($"\n# {n}. {p.GroupId}{(p.GroupName is null ? "" : $" ({p.GroupName})")}: {p.Change}\n");
            foreach (var line in Evidence(p)) s.Append("#    ").Append(line).Append('\n');
            var verb = p.Direction == RuleDirection.Ingress ? "ingress" : "egress";
            if (p.Authorize.Count > 0)
                s.Append($"aws ec2 authorize-security-group-{verb} --region {p.Region} --group-id {p.GroupId} --ip-permissions {Quote(Json(p.Authorize))}\n");
            s.Append($"aws ec2 revoke-security-group-{verb} --region {p.Region} --group-id {p.GroupId} --ip-permissions {Quote(Json(p.Revoke))}\n");
        }
        if (n == 0) s.Append("\n# No safe proposal: nothing to do.\n");
        foreach (var line in WithheldLines(report)) s.Append("# ").Append(line).Append('\n');
        return s.ToString();
    }

    /// <summary>
    /// A CloudFormation template in JSON: one <c>AWS::EC2::SecurityGroupIngress</c> or <c>Egress</c> per authorized source;
    /// the revocations, which a template cannot make on rules it does not manage, in its metadata as the commands to run.
    /// </summary>
    public static string CloudFormation(RuleUsageReport report)
    {
        var resources = new JsonObject();
        var revocations = new JsonArray();
        foreach (var p in report.Proposals.Where(p => p.Safe))
        {
            int k = 0;
            var ingress = p.Direction == RuleDirection.Ingress;
            foreach (var rule in p.Authorize)
            {
                var (kind, value, owner) = Source(rule);
                var properties = new JsonObject { ["GroupId"] = p.GroupId, ["IpProtocol"] = rule.IpProtocol };
                if (rule.FromPort is { } from) properties["FromPort"] = from;
                if (rule.ToPort is { } to) properties["ToPort"] = to;
                switch (kind)
                {
                    case "ipv4": properties["CidrIp"] = value; break;
                    case "ipv6": properties["CidrIpv6"] = value; break;
                    case "prefix-list": properties[ingress ? "SourcePrefixListId" : "DestinationPrefixListId"] = value; break;
                    default:
                        properties[ingress ? "SourceSecurityGroupId" : "DestinationSecurityGroupId"] = value;
                        if (ingress && owner is not null) properties["SourceSecurityGroupOwnerId"] = owner;
                        break;
                }
                if (rule.Description is { } description) properties["Description"] = description;
                resources[$"{LogicalId(p.GroupId)}{(ingress ? "Ingress" : "Egress")}{Index(report, p)}N{++k}"] = new JsonObject
                {
                    ["Type"] = ingress ? "AWS::EC2::SecurityGroupIngress" : "AWS::EC2::SecurityGroupEgress", ["Properties"] = properties,
                };
            }
            revocations.Add($"{p.Change}: {RevokeCommand(p)}");
        }
        // A template must declare a resource; a handle that creates nothing says "nothing to authorize".
        if (resources.Count == 0) resources["NothingToAuthorize"] = new JsonObject { ["Type"] = "AWS::CloudFormation::WaitConditionHandle" };
        var template = new JsonObject
        {
            ["AWSTemplateFormatVersion"] = "2010-09-09",
            ["Description"] = $"Security-group rules that admit what the flow logs saw (VpcSecTools), {report.Proposals.Count(p => p.Safe)} safe proposal(s)",
            ["Metadata"] = new JsonObject
            {
                ["VpcSecTools"] = new JsonObject
                {
                    ["Header"] = Array(Header(report)),
                    ["RevokeAfterDeploy"] = revocations,
                    ["Withheld"] = Array(WithheldLines(report)),
                },
            },
            ["Resources"] = resources,
        };
        return template.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    /// <summary>Terraform (HCL) for the AWS provider: one rule resource per authorized source; revocations as comments with the commands.</summary>
    public static string Terraform(RuleUsageReport report)
    {
        var s = new StringBuilder();
        s.Append("# Security-group tightening written by VpcSecTools from flow-log evidence: review, then apply. Nothing has been changed.\n");
        foreach (var line in Header(report)) s.Append("# ").Append(line).Append('\n');
        var safe = report.Proposals.Where(p => p.Safe).ToList();
        foreach (var region in safe.Select(p => p.Region).Distinct())
            s.Append($"\nprovider \"aws\" {{\n  alias  = \"{Identifier(region)}\"\n  region = \"{region}\"\n}}\n");
        foreach (var p in safe)
        {
            s.Append($"\n# {p.GroupId}{(p.GroupName is null ? "" : $" ({p.GroupName})")}: {p.Change}\n");
            foreach (var line in Evidence(p)) s.Append("#   ").Append(line).Append('\n');
            int k = 0;
            var ingress = p.Direction == RuleDirection.Ingress;
            foreach (var rule in p.Authorize)
            {
                var (kind, value, owner) = Source(rule);
                var name = Identifier($"{p.GroupId}_{(ingress ? "in" : "out")}_{Index(report, p)}_{++k}");
                s.Append($"resource \"{(ingress ? "aws_vpc_security_group_ingress_rule" : "aws_vpc_security_group_egress_rule")}\" \"{name}\" {{\n")
                 .Append($"  provider          = aws.{Identifier(p.Region)}\n  security_group_id = {Hcl(p.GroupId)}\n  ip_protocol       = {Hcl(rule.IpProtocol)}\n");
                if (rule.IpProtocol != "-1" && rule.FromPort is { } from && rule.ToPort is { } to)
                    s.Append($"  from_port         = {from.ToString(CultureInfo.InvariantCulture)}\n  to_port           = {to.ToString(CultureInfo.InvariantCulture)}\n");
                s.Append(kind switch
                {
                    "ipv4" => $"  cidr_ipv4         = {Hcl(value)}\n",
                    "ipv6" => $"  cidr_ipv6         = {Hcl(value)}\n",
                    "prefix-list" => $"  prefix_list_id    = {Hcl(value)}\n",
                    _ => $"  referenced_security_group_id = {Hcl(owner is null ? value : $"{owner}/{value}")}\n",
                });
                if (rule.Description is { } description) s.Append($"  description       = {Hcl(description)}\n");
                s.Append("}\n");
            }
            s.Append("# then revoke the rule it replaces (not managed here):\n# ").Append(RevokeCommand(p)).Append('\n');
        }
        if (safe.Count == 0) s.Append("\n# No safe proposal: nothing to do.\n");
        foreach (var line in WithheldLines(report)) s.Append("# ").Append(line).Append('\n');
        return s.ToString();
    }

    private static IEnumerable<string> Header(RuleUsageReport report)
    {
        yield return $"Flow logs {report.WindowStart:u} .. {report.WindowEnd:u}: {report.Proposals.Count(p => p.Safe)} safe proposal(s), {report.Proposals.Count(p => !p.Safe)} withheld.";
        yield return "Each safe proposal would have dropped no flow of the window, and every network interface of its group was logged.";
    }

    private static IEnumerable<string> Evidence(RuleProposal p)
    {
        yield return $"seen: {SaturatingSum.Text(p.Flows)} flow(s), {SaturatingSum.Text(p.Bytes)} bytes; dropped by the change: {SaturatingSum.Text(p.DroppedFlows)}";
        yield return $"internet pairs {p.InternetPairsBefore} -> {p.InternetPairsAfter}; sources no longer admitted: {p.SourcesRemovedCount}";
    }

    private static IEnumerable<string> WithheldLines(RuleUsageReport report) =>
        report.Proposals.Where(p => !p.Safe).Select(p => $"withheld: {p.GroupId}: {p.Change}: {p.Withheld}");

    private static string RevokeCommand(RuleProposal p) =>
        $"aws ec2 revoke-security-group-{(p.Direction == RuleDirection.Ingress ? "ingress" : "egress")} --region {p.Region} --group-id {p.GroupId} --ip-permissions {Quote(Json(p.Revoke))}";

    /// <summary>A rule's one source: kind, value, the referenced group's account when another's.</summary>
    private static (string Kind, string Value, string? Owner) Source(ProposedRule r) =>
        r.CidrIpv4 is { } v4 ? ("ipv4", v4, null) : r.CidrIpv6 is { } v6 ? ("ipv6", v6, null) : r.PrefixListId is { } pl ? ("prefix-list", pl, null)
        : ("group", r.ReferencedGroupId ?? "", r.ReferencedUserId);

    /// <summary>
    /// Rules as <c>--ip-permissions</c> takes them, in the EC2 API's IpPermission shape: rules of one protocol and port
    /// range share a permission; lists a rule does not use are left out.
    /// </summary>
    private static string Json(IEnumerable<ProposedRule> rules)
    {
        var permissions = new JsonArray();
        foreach (var same in rules.GroupBy(r => (r.IpProtocol, r.FromPort, r.ToPort)))
        {
            var p = new JsonObject { ["IpProtocol"] = same.Key.IpProtocol };
            if (same.Key.FromPort is { } from) p["FromPort"] = from;
            if (same.Key.ToPort is { } to) p["ToPort"] = to;
            Add(p, "IpRanges", same.Where(r => r.CidrIpv4 is not null).Select(r => Entry(("CidrIp", r.CidrIpv4!), r.Description)));
            Add(p, "Ipv6Ranges", same.Where(r => r.CidrIpv6 is not null).Select(r => Entry(("CidrIpv6", r.CidrIpv6!), r.Description)));
            Add(p, "PrefixListIds", same.Where(r => r.PrefixListId is not null).Select(r => Entry(("PrefixListId", r.PrefixListId!), r.Description)));
            Add(p, "UserIdGroupPairs", same.Where(r => r.ReferencedGroupId is not null).Select(r => Entry(("GroupId", r.ReferencedGroupId!), r.Description,
                ("UserId", r.ReferencedUserId), ("VpcPeeringConnectionId", r.VpcPeeringConnectionId))));
            permissions.Add(p);
        }
        return permissions.ToJsonString();

        static JsonObject Entry((string Name, string Value) key, string? description, params (string Name, string? Value)[] more)
        {
            var o = new JsonObject { [key.Name] = key.Value };
            foreach (var (name, value) in more) if (value is not null) o[name] = value;
            if (description is not null) o["Description"] = description;
            return o;
        }

        static void Add(JsonObject permission, string name, IEnumerable<JsonObject> entries)
        {
            var list = new JsonArray(entries.Select(e => (JsonNode?)e).ToArray());
            if (list.Count > 0) permission[name] = list;
        }
    }

    private static int Index(RuleUsageReport report, RuleProposal p) => report.Proposals.ToList().IndexOf(p) + 1;
    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    private static string Hcl(string text) => JsonSerializer.Serialize(text).Replace("${", "$${", StringComparison.Ordinal);
    private static string Identifier(string text) => new(text.Select(c => char.IsLetterOrDigit(c) ? c : '_').ToArray());
    private static string LogicalId(string groupId) => new(groupId.Where(char.IsLetterOrDigit).Select((c, i) => i == 0 ? char.ToUpperInvariant(c) : c).ToArray());
    private static JsonArray Array(IEnumerable<string> items) => new(items.Select(i => (JsonNode?)JsonValue.Create(i)).ToArray());
}
