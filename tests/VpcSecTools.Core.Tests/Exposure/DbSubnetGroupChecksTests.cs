using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Exposure.DemoNetwork;

namespace VpcSecTools.Tests.Exposure;

/// <summary>The RDS.SubnetGroup* checks on the demo (expected.json db_subnet_groups) and on changed copies of it.</summary>
public class DbSubnetGroupChecksTests
{
    private static readonly string[] RdsChecks = ["RDS.SubnetGroupSingleAz", "RDS.SubnetGroupPublicSubnet", "RDS.SubnetGroupNaclBlocksClients"];

    [Fact]
    public void Each_group_gets_the_findings_of_the_ground_truth()
    {
        foreach (var group in Expected.GetProperty("db_subnet_groups").EnumerateObject())
        {
            var found = Audit.Findings.Where(f => RdsChecks.Contains(f.CheckId) && f.ResourceId == group.Name).ToArray();
            Assert.Equal(group.Value.GetProperty("findings").EnumerateArray().Select(e => e.GetString()!).Order(StringComparer.Ordinal),
                found.Select(f => f.CheckId).Order(StringComparer.Ordinal));
            Assert.All(found, f => Assert.True(f.Confirmed));
        }
    }

    [Fact]
    public void The_migration_group_names_its_public_subnet_route_and_its_one_zone()
    {
        var truth = Expected.GetProperty("db_subnet_groups").GetProperty("prod-db-migration");
        var publicSubnet = truth.GetProperty("public_subnets").EnumerateArray().Single();
        var f = Audit.Of("RDS.SubnetGroupPublicSubnet", "prod-db-migration").Single();
        Assert.Equal((Severity.High, "AwsRdsDbSubnetGroup", Id("vpc", "prod")), (f.Severity, f.ResourceType, f.VpcId));
        Assert.Contains($"{publicSubnet.GetProperty("subnet").GetString()}): {publicSubnet.GetProperty("route_table").GetString()}: 0.0.0.0/0 -> {publicSubnet.GetProperty("target").GetString()}", f.Rule);
        var zone = Audit.Of("RDS.SubnetGroupSingleAz", "prod-db-migration").Single();
        Assert.Equal(Severity.Medium, zone.Severity);
        Assert.Contains($"all in {truth.GetProperty("zones").EnumerateArray().Single().GetString()}", zone.Detail);
    }

    /// <summary>db-c gets a NACL of its own: the db NACL with an inbound deny of app-c at 105. app-3 reaches the primary in db-a today and would lose it there.</summary>
    [Fact]
    public void A_subnet_whose_nacl_refuses_a_client_that_reaches_the_database_today_is_a_finding()
    {
        var dbAcl = Id("acl-db");
        var dbC = Id("subnet", "db-c");
        var report = AuditWith(r =>
        {
            var original = r.NetworkAcls.Single(a => a.NetworkAclId == dbAcl);
            var strict = original with
            {
                NetworkAclId = "acl-0ddbc0ffee0000001",
                Associations = [new NetworkAclAssociation { NetworkAclId = "acl-0ddbc0ffee0000001", SubnetId = dbC }],
                Entries = [.. original.Entries, new NetworkAclEntry { RuleNumber = 105, Egress = false, Protocol = "6", RuleAction = "deny", CidrBlock = "10.0.12.0/24", PortRange = new NetworkAclPortRange { From = 5432, To = 5432 } }],
            };
            return r with
            {
                NetworkAcls = [.. r.NetworkAcls.Select(a => a.NetworkAclId != dbAcl ? a : a with { Associations = a.Associations.Where(x => x.SubnetId != dbC).ToArray() }), strict],
            };
        });
        var f = report.Of("RDS.SubnetGroupNaclBlocksClients", "prod-db-subnets").Single();
        Assert.Equal(("tcp", "5432", Severity.Medium, true), (f.Protocol, f.Ports, f.Severity, f.Confirmed));
        Assert.Contains(Expected.GetProperty("addresses").GetProperty("app-3").GetProperty("private")[0].GetString()!, f.Source);
        Assert.DoesNotContain(Expected.GetProperty("addresses").GetProperty("app-1").GetProperty("private")[0].GetString()!, f.Source);
        Assert.Contains("acl-0ddbc0ffee0000001 inbound 105 deny tcp 5432 10.0.12.0/24", f.Rule);
        Assert.Contains(dbC, f.Detail);
    }

    [Fact]
    public void A_database_interface_with_only_an_ipv6_address_is_asked_at_it()
    {
        // The fan-out refused an interface without an IPv4 address (and the whole audit failed; then it was left out as having
        // no address): IPv6-only, it is reached at its IPv6 address, and is not named as unaskable.
        var primary = Id("eni", "rds-primary");
        var report = AuditWith(r => r with
        {
            NetworkInterfaces = r.NetworkInterfaces.Select(e => e.NetworkInterfaceId != primary ? e : e with
            {
                PrivateIpAddress = null, PrivateIpAddresses = [], Ipv6Addresses = [new NetworkInterfaceIpv6Address { Ipv6Address = "2600:1f18:4a3c:7e14::77" }],
            }).ToArray(),
        });
        Assert.Equal(Audit.Of("RDS.SubnetGroupSingleAz").Select(f => f.ResourceId), report.Of("RDS.SubnetGroupSingleAz").Select(f => f.ResourceId));
        Assert.DoesNotContain(report.Notes, n => n.Contains(primary, StringComparison.Ordinal));
    }

    /// <summary>Found by the snapshot fuzzer: a database interface without an address stopped the whole audit.</summary>
    [Fact]
    public void A_database_interface_captured_without_its_address_is_named_and_its_clients_are_not_compared()
    {
        var report = AuditWith(r => r with
        {
            NetworkInterfaces = r.NetworkInterfaces.Select(e => e.RequesterId != "amazon-rds" ? e : e with { PrivateIpAddress = null, PrivateIpAddresses = [] }).ToArray(),
        });
        var rds = DemoIndex.NetworkInterfaces.Values.Where(e => e.RequesterId == "amazon-rds").Select(e => e.NetworkInterfaceId).ToArray();
        Assert.NotEmpty(rds);
        Assert.All(rds, id => Assert.Contains(report.Notes, n => n.Contains($"{id} has no private IPv4 address in the snapshot")));
        Assert.Empty(report.Of("RDS.SubnetGroupNaclBlocksClients"));
        // The checks that need no address still answer.
        Assert.Equal(Audit.Of("RDS.SubnetGroupPublicSubnet").Select(f => f.ResourceId), report.Of("RDS.SubnetGroupPublicSubnet").Select(f => f.ResourceId));
    }

    [Fact]
    public void Without_db_subnet_groups_the_checks_did_not_run_and_the_fix_is_the_rds_call()
    {
        var report = AuditWith(r => r.Without(Section.DBSubnetGroups));
        Assert.DoesNotContain(report.Findings, f => RdsChecks.Contains(f.CheckId));
        var gap = report.Of("Audit.ChecksNotRun").Single();
        Assert.Equal(RdsChecks.Order(StringComparer.Ordinal), gap.ChecksNotRun.Order(StringComparer.Ordinal));
        Assert.Equal((Severity.High, false), (gap.Severity, gap.Confirmed));
        Assert.Contains("rds describe-db-subnet-groups", gap.Remediation);
    }

    [Fact]
    public void A_subnet_status_is_read_whatever_its_case()
    {
        DBSubnetGroupSubnet Subnet(string key, string zone, string status) =>
            new() { SubnetIdentifier = Id("subnet", key), SubnetAvailabilityZone = new DBSubnetAvailabilityZone { Name = zone }, SubnetStatus = status };
        var report = AuditWith(r => r with
        {
            DBSubnetGroups = [new DBSubnetGroup
            {
                DBSubnetGroupName = "cased", VpcId = Id("vpc", "prod"),
                Subnets = [Subnet("db-a", "us-east-1a", "active"), Subnet("db-b", "us-east-1b", "ACTIVE"), Subnet("db-c", "us-east-1c", "Inactive")],
            }],
        });
        Assert.Empty(report.Of("RDS.SubnetGroupSingleAz", "cased"));
        var single = AuditWith(r => r with { DBSubnetGroups = [new DBSubnetGroup
        {
            DBSubnetGroupName = "one", VpcId = Id("vpc", "prod"),
            Subnets = [Subnet("db-a", "us-east-1a", "active"), Subnet("db-b", "us-east-1b", "inactive")],
        }] }).Of("RDS.SubnetGroupSingleAz", "one").Single();
        Assert.Contains("1 usable subnet(s) (1 more not Active)", single.Detail);
    }

    [Fact]
    public void A_subnet_the_snapshot_does_not_hold_leaves_the_public_subnet_question_unconfirmed()
    {
        var report = AuditWith(r => r with
        {
            DBSubnetGroups = [new DBSubnetGroup
            {
                DBSubnetGroupName = "elsewhere", VpcId = Id("vpc", "prod"),
                Subnets = [new DBSubnetGroupSubnet { SubnetIdentifier = "subnet-0aaaaaaaaaaaaaaaa", SubnetAvailabilityZone = new DBSubnetAvailabilityZone { Name = "us-east-1a" } },
                           new DBSubnetGroupSubnet { SubnetIdentifier = Id("subnet", "db-b"), SubnetAvailabilityZone = new DBSubnetAvailabilityZone { Name = "us-east-1b" } }],
            }],
        });
        var f = report.Of("RDS.SubnetGroupPublicSubnet", "elsewhere").Single();
        Assert.False(f.Confirmed);
        Assert.Contains("subnet-0aaaaaaaaaaaaaaaa is not in the snapshot", f.MissingData);
        Assert.Empty(report.Of("RDS.SubnetGroupSingleAz", "elsewhere"));
    }
}
