using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>
/// What Find-UntrustedPrivateTraffic reports: findings drawn from flow logs and the snapshot together. Ids never change
/// once published; they sit beside the audit's (<see cref="Checks"/>) and export the same way.
/// </summary>
public static class TrustChecks
{
    private static readonly string[] Traffic = [Section.NetworkInterfaces, Section.Vpcs, Section.RouteTables];

    public static readonly CheckDefinition SensitiveFromOutside = new("Trust.SensitiveFromOutside",
        "Another account's or on-premises private address reached a sensitive port or a data store", Severity.High, Checks.NetworkInterfaceType,
        "Confirm that this source should reach the service. If not, narrow the rule that admitted it to the sources that need it " +
        "(a security-group reference, or their /32 addresses) and remove the routes that bring its network in where nothing else needs them.",
        ["AWS VPC User Guide: monitor unusual traffic with VPC Flow Logs", "Security Hub EC2.19 (high-risk ports)"]) { Requires = Traffic };

    public static readonly CheckDefinition UnownedSourceInVpc = new("Trust.UnownedSourceInVpc",
        "A source inside the VPC's own CIDR that no network interface of the snapshot holds", Severity.High, Checks.VpcType,
        "Find who sent it: capture the network again (an ENI made or deleted since the snapshot: Lambda, ECS tasks, Auto Scaling), and look the " +
        "address up in CloudTrail (CreateNetworkInterface, AssignPrivateIpAddresses). An address that nothing in your account holds is spoofed or " +
        "belongs to something you do not control: do not trust rules that admit the whole VPC CIDR.",
        ["AWS VPC User Guide: monitor unusual traffic with VPC Flow Logs"]) { Requires = Traffic };

    public static readonly CheckDefinition AcceptedButNotReachable = new("Trust.AcceptedButNotReachable",
        "Flow logs show ACCEPTed traffic that the snapshot's model says cannot flow", Severity.Medium, Checks.NetworkInterfaceType,
        "A person must look: either the network changed since the snapshot (capture it again and compare), or a path exists that the model " +
        "does not see. When the block is on the response path, the traffic is admitted but its responses cannot return: fix the route or NACL named.",
        ["VpcSecTools (flow logs against the reachability model)"]) { Requires = Traffic };

    public static readonly CheckDefinition RejectedButReachable = new("Trust.RejectedButReachable",
        "Flow logs show REJECTed traffic that the snapshot's model says is allowed", Severity.Low, Checks.NetworkInterfaceType,
        "A person must look: a rule changed since the snapshot (capture it again and compare), a connection's tracking expired, or the model " +
        "misses a filter (a network firewall, an instance's own firewall does not show in flow logs).",
        ["VpcSecTools (flow logs against the reachability model)"]) { Requires = Traffic };

    public static readonly CheckDefinition NewTalker = new("Trust.NewTalker",
        "A private source talked to a network interface it did not talk to in the baseline", Severity.Medium, Checks.NetworkInterfaceType,
        "Confirm the new conversation is expected (a deployment, a new client); if it is, take this window into the next baseline.",
        ["AWS VPC User Guide: monitor unusual traffic with VPC Flow Logs"]) { Requires = Traffic };

    public static IReadOnlyList<CheckDefinition> All { get; } =
        [SensitiveFromOutside, UnownedSourceInVpc, AcceptedButNotReachable, RejectedButReachable, NewTalker];
}
