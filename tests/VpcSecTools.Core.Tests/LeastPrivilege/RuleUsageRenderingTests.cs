using System.Text.Json;
using VpcSecTools.Exposure;
using VpcSecTools.LeastPrivilege;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>The safe proposals written as AWS CLI, CloudFormation and Terraform; withheld ones only as comments.</summary>
public sealed class RuleUsageRenderingTests
{
    private static readonly RuleUsageReport Report = new()
    {
        WindowStart = DateTimeOffset.Parse("2026-11-21T00:00:00Z"), WindowEnd = DateTimeOffset.Parse("2026-11-22T00:00:00Z"),
        Proposals =
        [
            new RuleProposal
            {
                Safe = true, Action = ProposalAction.Replace, GroupId = "sg-db", GroupName = "db", Region = "us-east-1", Direction = RuleDirection.Ingress,
                Rule = "inbound allow tcp 5432 from 10.100.0.0/16", Change = "replace inbound allow tcp 5432 from 10.100.0.0/16 with inbound allow tcp 5432 from sg-mon",
                Revoke = [new ProposedRule { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, CidrIpv4 = "10.100.0.0/16", Text = "inbound allow tcp 5432 from 10.100.0.0/16" }],
                Authorize =
                [
                    new ProposedRule { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, ReferencedGroupId = "sg-mon", ReferencedUserId = "444455556666",
                        VpcPeeringConnectionId = "pcx-1", Description = "replaces 10.100.0.0/16 tcp 5432", Text = "inbound allow tcp 5432 from sg-mon" },
                    new ProposedRule { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, CidrIpv4 = "10.100.9.9/32", Text = "inbound allow tcp 5432 from 10.100.9.9/32" },
                ],
            },
            new RuleProposal
            {
                Safe = true, Action = ProposalAction.Remove, GroupId = "sg-app", Region = "us-east-1", Direction = RuleDirection.Egress,
                Rule = "outbound allow all to ::/0", Change = "revoke outbound allow all to ::/0: no flow used it",
                Revoke = [new ProposedRule { IpProtocol = "-1", CidrIpv6 = "::/0", Text = "outbound allow all to ::/0" }],
            },
            new RuleProposal
            {
                Safe = false, Action = ProposalAction.Replace, GroupId = "sg-s", Region = "us-east-1", Direction = RuleDirection.Ingress,
                Rule = "inbound allow tcp 40000-50000 from 10.0.0.0/16", Change = "replace it", Withheld = "it may have dropped 1 flow(s)",
                Revoke = [new ProposedRule { IpProtocol = "tcp", FromPort = 40000, ToPort = 50000, CidrIpv4 = "10.0.0.0/16", Text = "inbound allow tcp 40000-50000 from 10.0.0.0/16" }],
                Authorize = [new ProposedRule { IpProtocol = "tcp", FromPort = 41000, ToPort = 41000, ReferencedGroupId = "sg-p1", Text = "inbound allow tcp 41000 from sg-p1" }],
            },
        ],
    };

    [Fact]
    public void Cli_authorizes_before_it_revokes_and_writes_withheld_proposals_only_as_comments()
    {
        var lines = RuleUsageRendering.Cli(Report).Split('\n');
        var commands = lines.Where(l => l.StartsWith("aws ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(
        [
            "aws ec2 authorize-security-group-ingress --region us-east-1 --group-id sg-db --ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432," +
                "\"IpRanges\":[{\"CidrIp\":\"10.100.9.9/32\"}],\"UserIdGroupPairs\":[{\"GroupId\":\"sg-mon\",\"UserId\":\"444455556666\",\"VpcPeeringConnectionId\":\"pcx-1\"," +
                "\"Description\":\"replaces 10.100.0.0/16 tcp 5432\"}]}]'",
            "aws ec2 revoke-security-group-ingress --region us-east-1 --group-id sg-db --ip-permissions '[{\"IpProtocol\":\"tcp\",\"FromPort\":5432,\"ToPort\":5432,\"IpRanges\":[{\"CidrIp\":\"10.100.0.0/16\"}]}]'",
            "aws ec2 revoke-security-group-egress --region us-east-1 --group-id sg-app --ip-permissions '[{\"IpProtocol\":\"-1\",\"Ipv6Ranges\":[{\"CidrIpv6\":\"::/0\"}]}]'",
        ], commands);
        Assert.Contains("# withheld: sg-s: replace it: it may have dropped 1 flow(s)", lines);
        Assert.Equal("#!/bin/sh", lines[0]);
    }

    [Fact]
    public void CloudFormation_declares_each_authorized_rule_and_carries_the_revocations_as_commands()
    {
        using var template = JsonDocument.Parse(RuleUsageRendering.CloudFormation(Report));
        var resources = template.RootElement.GetProperty("Resources").EnumerateObject().ToArray();
        Assert.Equal(2, resources.Length);
        Assert.All(resources, r => Assert.Equal("AWS::EC2::SecurityGroupIngress", r.Value.GetProperty("Type").GetString()));
        var reference = resources.Select(r => r.Value.GetProperty("Properties")).Single(p => p.TryGetProperty("SourceSecurityGroupId", out _));
        Assert.Equal(("sg-db", "tcp", 5432, "sg-mon", "444455556666"),
            (reference.GetProperty("GroupId").GetString(), reference.GetProperty("IpProtocol").GetString(), reference.GetProperty("FromPort").GetInt32(),
             reference.GetProperty("SourceSecurityGroupId").GetString(), reference.GetProperty("SourceSecurityGroupOwnerId").GetString()));
        var revoke = template.RootElement.GetProperty("Metadata").GetProperty("VpcSecTools").GetProperty("RevokeAfterDeploy").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(2, revoke.Length);
        Assert.Contains("aws ec2 revoke-security-group-egress --region us-east-1 --group-id sg-app", revoke[1]);
        Assert.Single(template.RootElement.GetProperty("Metadata").GetProperty("VpcSecTools").GetProperty("Withheld").EnumerateArray());
    }

    [Fact]
    public void Terraform_writes_one_rule_resource_per_source_and_names_a_cross_account_group_with_its_account()
    {
        var text = RuleUsageRendering.Terraform(Report);
        Assert.Contains("resource \"aws_vpc_security_group_ingress_rule\" \"sg_db_in_1_1\" {\n  provider          = aws.us_east_1\n  security_group_id = \"sg-db\"\n" +
            "  ip_protocol       = \"tcp\"\n  from_port         = 5432\n  to_port           = 5432\n  referenced_security_group_id = \"444455556666/sg-mon\"\n", text);
        Assert.Contains("  cidr_ipv4         = \"10.100.9.9/32\"\n", text);
        Assert.Contains("# aws ec2 revoke-security-group-egress --region us-east-1 --group-id sg-app", text);
        Assert.DoesNotContain("sg-p1", text.Split('\n').Where(l => !l.StartsWith('#')));
    }
}
