using VpcSecTools.Exposure;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Tests.Reachability;
using static VpcSecTools.Tests.LeastPrivilege.UsageNet;
using static VpcSecTools.Tests.TestNetwork;

namespace VpcSecTools.Tests.LeastPrivilege;

/// <summary>NACL entries credited by first match, for the request and for the response to the client's ports.</summary>
public sealed class NetworkAclUsageTests
{
    /// <summary>
    /// Clients in 10.0.1.0/24, the database (10.0.2.20) in 10.0.2.0/24 behind acl-db: inbound 90 denies 5432 from
    /// 10.0.1.128/25, 100 allows 5432 from the VPC, 110 allows 5432 from 10.0.1.0/24 (shadowed by 100), 120 allows
    /// 1024-65535 from the VPC; outbound 100 allows 1024-65535 to the VPC; then the implicit denies.
    /// </summary>
    private static UsageNet Network() => new UsageNet(new TestNetwork()
            .Vpc("vpc-a", "10.0.0.0/16")
            .Subnet("subnet-app", "vpc-a", "10.0.1.0/24").Subnet("subnet-db", "vpc-a", "10.0.2.0/24")
            .Group("sg-app", "vpc-a")
            .Group("sg-db", "vpc-a", [Tcp(5432, "10.0.0.0/16")])
            .Eni("eni-app", "subnet-app", "10.0.1.10", ["sg-app"], "i-app")
            .Eni("eni-db", "subnet-db", "10.0.2.20", ["sg-db"], "i-db")
            .Acl("acl-db", "vpc-a", ["subnet-db"],
                Entry(90, false, "deny", "10.0.1.128/25", "6", 5432, 5432),
                Entry(100, false, "allow", "10.0.0.0/16", "6", 5432, 5432),
                Entry(110, false, "allow", "10.0.1.0/24", "6", 5432, 5432),
                Entry(120, false, "allow", "10.0.0.0/16", "6", 1024, 65535),
                Entry(32767, false, "deny"),
                Entry(100, true, "allow", "10.0.0.0/16", "6", 1024, 65535),
                Entry(32767, true, "deny")))
        .FlowLog("fl-1", "vpc-a");

    [Fact]
    public void Accepted_flows_count_for_the_allow_entry_that_matched_first_and_rejected_ones_for_the_deny()
    {
        using var net = Network();
        var report = Read(net.Index(), [net.Log("fl-1",
            // app's request enters the database subnet (inbound 100) and the response leaves it to app's port (outbound 100).
            Record("eni-db", "10.0.1.10", "10.0.2.20", 40001, 5432, 10, 1000, 0, flags: 2, direction: "ingress"),
            Record("eni-db", "10.0.2.20", "10.0.1.10", 5432, 40001, 8, 5000, 0, flags: 18, direction: "egress"),
            // 10.0.1.200 is stopped by 90 (no ENI holds it: a host since gone).
            Record("eni-db", "10.0.1.200", "10.0.2.20", 51000, 5432, 1, 60, 3, action: "REJECT", flags: 2, direction: "ingress"),
            Record("eni-db", "10.0.1.200", "10.0.2.20", 51001, 5432, 1, 60, 4, action: "REJECT", flags: 2, direction: "ingress"))]);

        RuleUsage Entry(bool egress, int number) => report.Rules.Single(r => r.ResourceId == "acl-db" && r.RuleNumber == number
            && r.Direction == (egress ? RuleDirection.Egress : RuleDirection.Ingress));
        Assert.Equal((UsageVerdict.Used, 2L, 120L, "deny"), (Entry(false, 90).Verdict, Entry(false, 90).Flows, Entry(false, 90).Bytes, Entry(false, 90).Action));
        Assert.Equal((UsageVerdict.Used, 1L, 1000L), (Entry(false, 100).Verdict, Entry(false, 100).Flows, Entry(false, 100).Bytes));
        Assert.Equal(["tcp/5432"], Entry(false, 100).PortsUsed);
        Assert.Equal((UsageVerdict.Used, 1L, 5000L), (Entry(true, 100).Verdict, Entry(true, 100).Flows, Entry(true, 100).Bytes));
        Assert.Equal(["tcp/40001"], Entry(true, 100).PortsUsed);
        // 110 is shadowed by 100, 120 matched nothing first, and the implicit denies stopped nothing.
        Assert.Equal(UsageVerdict.Unused, Entry(false, 110).Verdict);
        Assert.Equal(UsageVerdict.Unused, Entry(false, 120).Verdict);
        Assert.Equal(UsageVerdict.Unused, Entry(false, 32767).Verdict);
        Assert.Contains("no REJECTed flow of the 1 network interface(s) in its subnets matched it first", Entry(true, 32767).Reason);
    }

    [Fact]
    public void Flows_between_interfaces_of_one_subnet_cross_no_acl()
    {
        using var net = Network();
        net.Network.Eni("eni-db-2", "subnet-db", "10.0.2.30", ["sg-app"], "i-db-2");
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-db", "10.0.2.30", "10.0.2.20", 40001, 5432, 10, 1000, 0, flags: 2, direction: "ingress"))]);
        Assert.All(report.Rules.Where(r => r.ResourceId == "acl-db"), r => Assert.Equal(0, r.Flows));
        // The security group still admitted it.
        Assert.Equal(1, report.Rule("sg-db", "inbound allow tcp 5432 from 10.0.0.0/16").Flows);
    }

    [Fact]
    public void An_accepted_flow_the_entries_deny_says_the_entries_are_not_those_that_saw_it()
    {
        using var net = Network();
        var report = Read(net.Index(), [net.Log("fl-1",
            Record("eni-db", "10.0.1.200", "10.0.2.20", 51000, 5432, 1, 60, 3, flags: 2, direction: "ingress"))]);
        Assert.Contains(report.Warnings, w => w.StartsWith("acl-db: 1 ACCEPTed flow(s) its entries deny", StringComparison.Ordinal));
        var shadowed = report.Rules.Single(r => r.ResourceId == "acl-db" && r.RuleNumber == 110 && r.Direction == RuleDirection.Ingress);
        Assert.Equal(UsageVerdict.Unknown, shadowed.Verdict);
    }
}
