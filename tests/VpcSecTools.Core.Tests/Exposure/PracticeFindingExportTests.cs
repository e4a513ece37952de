using System.Text.Json;
using VpcSecTools.Exposure;
using static VpcSecTools.Tests.Exposure.DemoNetwork;

namespace VpcSecTools.Tests.Exposure;

/// <summary>The findings about instances, subnets and DB subnet groups export to ASFF and OCSF with their own resource ARNs.</summary>
public class PracticeFindingExportTests
{
    private static JsonElement Json(object value) => JsonDocument.Parse(JsonSerializer.Serialize(value)).RootElement;

    [Theory]
    [InlineData("EC2.ImdsV1Allowed", "AwsEc2Instance", "arn:aws:ec2:us-east-1:111122223333:instance/{0}")]
    [InlineData("Route.Ipv4Ipv6Parity", "AwsEc2Subnet", "arn:aws:ec2:us-east-1:111122223333:subnet/{0}")]
    [InlineData("RDS.SubnetGroupPublicSubnet", "Other", "arn:aws:rds:us-east-1:111122223333:subgrp:{0}")]
    [InlineData("Design.PrivateLinkCandidate", "AwsEc2SecurityGroup", "arn:aws:ec2:us-east-1:111122223333:security-group/{0}")]
    public void Each_resource_kind_exports_with_its_arn_and_type(string checkId, string asffType, string arn)
    {
        foreach (var f in Audit.Of(checkId))
        {
            var asff = Json(FindingExport.ToAsff(f));
            var resource = asff.GetProperty("Resources")[0];
            Assert.Equal(asffType, resource.GetProperty("Type").GetString());
            Assert.Equal(string.Format(arn, f.ResourceId), resource.GetProperty("Id").GetString());
            Assert.Equal($"vpcsec/{checkId}", asff.GetProperty("GeneratorId").GetString());
            Assert.Equal("FAILED", asff.GetProperty("Compliance").GetProperty("Status").GetString());
            Assert.Equal(f.Rule, asff.GetProperty("ProductFields").GetProperty("vpcsec/Rule").GetString());
            var details = resource.GetProperty("Details");
            if (asffType == "Other") Assert.Equal(f.ResourceId, details.GetProperty("Other").GetProperty("DBSubnetGroupName").GetString());
            else if (asffType == "AwsEc2Subnet") Assert.Equal(f.ResourceId, details.GetProperty("AwsEc2Subnet").GetProperty("SubnetId").GetString());
            else Assert.Equal(f.VpcId, details.GetProperty(asffType).GetProperty("VpcId").GetString());

            var ocsf = Json(FindingExport.ToOcsf(f));
            Assert.Equal(string.Format(arn, f.ResourceId), ocsf.GetProperty("resources")[0].GetProperty("uid").GetString());
            Assert.Equal(f.ResourceType, ocsf.GetProperty("resources")[0].GetProperty("type").GetString());
            Assert.Equal(checkId, ocsf.GetProperty("finding_info").GetProperty("analytic").GetProperty("uid").GetString());
        }
        Assert.NotEmpty(Audit.Of(checkId));
    }

    [Fact]
    public void Two_findings_on_one_db_subnet_group_have_two_stable_ids()
    {
        var ids = Audit.Findings.Where(f => f.ResourceId == "prod-db-migration").Select(FindingExport.StableId).ToArray();
        Assert.Equal(2, ids.Distinct().Count());
        Assert.Equal(ids, AuditWith(r => r).Findings.Where(f => f.ResourceId == "prod-db-migration").Select(FindingExport.StableId));
    }
}
