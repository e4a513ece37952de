using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Exposure;

/// <summary>The audit on the recorded Batfish networks, with answers worked out from SEMANTICS.md.</summary>
public class BatfishAuditTests
{
    private static AuditReport Run(string scenario) => OpenPortAudit.Run(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(scenario))));

    [Fact]
    public void NatGatewaySshIsReachableOnlyThroughThePublicInstance()
    {
        var report = Run("test-nat-gateway");
        // sg-0253... (SSH from 0.0.0.0/0) is on three instances: one with 18.216.129.140 in the subnet routed to the IGW
        // whose custom NACL admits everything at entry 200; one behind the NAT gateway; one with only the local route.
        var ssh = report.Of("SG.SshFromInternet", "sg-0253af84ae6485905").Single();
        Assert.Equal(Severity.Critical, ssh.Severity);
        Assert.Equal("IpPermissions[0].IpRanges[0]", ssh.Rule);
        var exposure = ssh.Exposure!;
        Assert.Equal(ExposureVerdict.Reachable, exposure.Verdict);
        var exposed = Assert.Single(exposure.Exposed);
        Assert.Equal(("eni-068fb5a0a9a57f23c", "i-0b31b509174d7f5de", "18.216.129.140"), (exposed.NetworkInterfaceId, exposed.Owner, exposed.PublicAddress));
        Assert.Contains("igw-071753b9c23d8a9b2", exposed.Route);
        Assert.Equal(2, exposure.NetworkInterfaces.Count(e => e.Verdict == ExposureVerdict.PrivateOnly));

        // The other launch group is on no ENI: its SSH rule keeps the check's own severity, and it is unused.
        var idle = report.Of("SG.SshFromInternet", "sg-0b647281e3f8f7c18").Single();
        Assert.Equal((Severity.High, ExposureVerdict.NotAttached), (idle.Severity, idle.Exposure!.Verdict));
        Assert.Single(report.Of("SG.Unused", "sg-0b647281e3f8f7c18"));
        Assert.Empty(report.Of("SG.Unused", "sg-0253af84ae6485905"));

        // The ICMP echo rule from 0.0.0.0/0 opens no TCP/UDP port; the default group only references itself.
        Assert.Empty(report.Of("SG.AllTrafficFromInternet", "sg-0253af84ae6485905"));
        Assert.Single(report.Of("SG.DefaultGroupHasRules", "sg-0010bf850022667c2"));
        Assert.Equal(3, report.Of("SG.EgressAllToAnywhere").Length);

        // Both NACLs admit everything from 0.0.0.0/0: the custom one at entry 200 after an ICMP allow for 10.1.1.0/24.
        var custom = report.Of("NACL.AllTrafficFromInternet", "acl-0792adae678b88f85").Single();
        Assert.Equal("ingress entry 200", custom.Rule);
        Assert.Single(report.Of("NACL.AllTrafficFromInternet", "acl-0380e24eb934b075e"));
        Assert.Empty(report.Of("NACL.Unused"));
    }

    [Fact]
    public void TransitGatewayScenarioPublicInstanceIsUnknownWithoutTheInternetGateways()
    {
        var report = Run("test-transit-gateway");
        // launch-wizard-1 is on an instance with 3.136.41.161; the other two groups' instances are private.
        var ssh = report.Findings.Where(f => f.CheckId == "SG.SshFromInternet").ToDictionary(f => f.ResourceId);
        Assert.Equal(3, ssh.Count);
        Assert.Equal(ExposureVerdict.PrivateOnly, ssh["sg-09606ce9642cac154"].Exposure!.Verdict);
        Assert.Equal(Severity.Medium, ssh["sg-051f619de836dbaf3"].Severity);
        var pub = ssh["sg-065c26b39e45ae384"].Exposure!.NetworkInterfaces.Single();
        Assert.Equal("3.136.41.161", pub.PublicAddress);
        // VPC A's main table routes 0.0.0.0/0 to igw-0a48..., but the capture has no InternetGateways section:
        // whether that gateway is attached is Unknown, so the finding ranks as its worst case (reachable), unconfirmed.
        Assert.Equal(ExposureVerdict.Unknown, pub.Verdict);
        Assert.Contains("InternetGateways", pub.Reason);
        var unknown = ssh["sg-065c26b39e45ae384"];
        Assert.Equal((Severity.Critical, Severity.High, false), (unknown.Severity, unknown.BaseSeverity, unknown.Confirmed));
        Assert.Contains("InternetGateways", unknown.MissingData);
        Assert.All(ssh.Values.Where(f => f != unknown), f => Assert.True(f.Confirmed));
        Assert.Equal(2, report.Of("SG.DefaultGroupHasRules").Length);
    }

    [Fact]
    public void PeeringScenarioHasNoPublicAddressSoEverySshOpeningIsMedium()
    {
        var report = Run("test-vpc-peering");
        var ssh = report.Of("SG.SshFromInternet");
        Assert.Equal(3, ssh.Length);
        Assert.All(ssh, f => Assert.Equal((Severity.Medium, ExposureVerdict.PrivateOnly), (f.Severity, f.Exposure!.Verdict)));
        Assert.Empty(report.Of("SG.Unused"));
    }
}
