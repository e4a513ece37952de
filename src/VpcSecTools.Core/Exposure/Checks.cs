using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// One audit check: a stable id scripts and accepted-finding files can rely on, what it means, how bad it
/// is before exposure is known, how to fix it, the snapshot sections it cannot run without, and the incumbent
/// checks it covers (AUDIT.md).
/// </summary>
public sealed record CheckDefinition(string Id, string Title, Severity BaseSeverity, string ResourceType,
    string Remediation, IReadOnlyList<string> References)
{
    /// <summary>Whether the severity follows the exposure of the ENIs (internet ingress on a security group).</summary>
    public bool SeverityFollowsExposure { get; init; }

    /// <summary>
    /// The sections (<see cref="Section"/> keys) the check needs: where a region lacks one, the check does not run
    /// there and the audit says so. By default the section of the resources it judges.
    /// </summary>
    public IReadOnlyList<string> Requires { get; init; } = [ResourceType == Checks.NetworkAclType ? Section.NetworkAcls : Section.SecurityGroups];

    /// <summary>The most severe finding the check can give: critical when exposure can make it so.</summary>
    public Severity WorstSeverity => SeverityFollowsExposure ? Severity.Critical : BaseSeverity;
}

/// <summary>The catalogue of checks. Ids never change once published; new checks get new ids.</summary>
public static class Checks
{
    public const string SecurityGroupType = "AwsEc2SecurityGroup";
    public const string NetworkAclType = "AwsEc2NetworkAcl";
    /// <summary>The resource of a finding about a whole capture (an account in a region).</summary>
    public const string AccountType = "AwsAccount";
    public const string InstanceType = "AwsEc2Instance";
    public const string SubnetType = "AwsEc2Subnet";
    /// <summary>Not an ASFF resource type: exported as <c>Other</c>.</summary>
    public const string DbSubnetGroupType = "AwsRdsDbSubnetGroup";
    /// <summary>The resource of a finding about traffic a network interface received.</summary>
    public const string NetworkInterfaceType = "AwsEc2NetworkInterface";
    /// <summary>The resource of a finding about a VPC's address space.</summary>
    public const string VpcType = "AwsEc2Vpc";

    public static readonly CheckDefinition AllTrafficFromInternet = new("SG.AllTrafficFromInternet",
        "Security group allows all traffic from the internet", Severity.Critical, SecurityGroupType,
        "Remove the rule and allow only the protocols and ports the workload serves, from the sources that need them.",
        ["Prowler ec2_securitygroup_allow_ingress_from_internet_to_all_ports", "Security Hub EC2.18"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition PortOutsideAllowList = new("SG.PortOutsideAllowList",
        "Security group opens a port outside the allow-list to the internet", Severity.High, SecurityGroupType,
        "Restrict the source to known addresses or a security group, or put the service behind a load balancer on an allowed port.",
        ["Prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port", "Security Hub EC2.18", "Config vpc-sg-open-only-to-authorized-ports", "Trusted Advisor Security Groups - Specific Ports Unrestricted"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition SshFromInternet = new("SG.SshFromInternet",
        "Security group allows SSH (22) from the internet", Severity.High, SecurityGroupType,
        "Remove the internet source; reach instances through Session Manager or a bastion security group.",
        ["Security Hub EC2.13", "Security Hub EC2.53", "Config restricted-ssh", "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition RdpFromInternet = new("SG.RdpFromInternet",
        "Security group allows RDP (3389) from the internet", Severity.High, SecurityGroupType,
        "Remove the internet source; reach instances through Fleet Manager, a VPN or a bastion security group.",
        ["Security Hub EC2.14", "Security Hub EC2.54", "Prowler ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition HighRiskPortFromInternet = new("SG.HighRiskPortFromInternet",
        "Security group opens a high-risk port to the internet", Severity.Critical, SecurityGroupType,
        "Remove the internet source for these ports; database, file-sharing and admin services must only accept known clients.",
        ["Security Hub EC2.19"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition ExtendedHighRiskPortFromInternet = new("SG.ExtendedHighRiskPortFromInternet",
        "Security group opens a port of the extended high-risk list to the internet", Severity.High, SecurityGroupType,
        "Remove the internet source for these ports and allow only the clients of the service, preferably by security group.",
        ["Prowler ec2_securitygroup_allow_ingress_from_internet_to_port_*", "CloudSploit openOracle/openRedis/openMongoDB/..."]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition CombinedGroupsOpenToInternet = new("SG.CombinedGroupsOpenToInternet",
        "Security groups on the same ENI together open a port to the whole internet", Severity.High, SecurityGroupType,
        "Review the rules of these groups together: their sources add up to every internet address; replace them with the sources really needed.",
        ["VpcSecTools (no incumbent check: coverage across groups)"])
    { SeverityFollowsExposure = true, Requires = [Section.SecurityGroups, Section.NetworkInterfaces] };

    public static readonly CheckDefinition WidePublicCidr = new("SG.WidePublicCidr",
        "Security group allows a wide public CIDR", Severity.Medium, SecurityGroupType,
        "Narrow the source to the addresses that need access, or use a managed prefix list of them.",
        ["Prowler ec2_securitygroup_allow_wide_open_public_ipv4"]);

    public static readonly CheckDefinition PublicIpAnyPort = new("SG.PublicIpAnyPort",
        "Security group allows a specific public IP on every port", Severity.Medium, SecurityGroupType,
        "Limit the rule to the protocol and ports this address needs.",
        ["Prowler ec2_securitygroup_allow_ingress_from_internet_to_any_port_from_ip"]);

    public static readonly CheckDefinition WidePortRange = new("SG.WidePortRange",
        "Security group rule opens a wide port range", Severity.Low, SecurityGroupType,
        "Replace the range with the individual ports the service listens on.",
        ["ScoutSuite ec2-security-group-opens-port-range"]);

    public static readonly CheckDefinition DefaultGroupHasRules = new("SG.DefaultGroupHasRules",
        "Default security group has rules", Severity.High, SecurityGroupType,
        "Remove every inbound and outbound rule from the default group and attach purpose-made groups instead.",
        ["Security Hub EC2.2", "Config vpc-default-security-group-closed"]);

    public static readonly CheckDefinition UnusedSecurityGroup = new("SG.Unused",
        "Security group is not used", Severity.Medium, SecurityGroupType,
        "Delete the group after checking the users the snapshot cannot see (Lambda, ECS, launch templates, other accounts).",
        ["Security Hub EC2.22"]) { Requires = [Section.SecurityGroups, Section.NetworkInterfaces] };

    public static readonly CheckDefinition EgressAllToAnywhere = new("SG.EgressAllToAnywhere",
        "Security group allows all outbound traffic to anywhere", Severity.Informational, SecurityGroupType,
        "Limit outbound rules to the destinations and ports the workload needs.",
        ["CloudSploit openAllPortsProtocolsEgress"]);

    public static readonly CheckDefinition Ipv6OnlyOpening = new("SG.Ipv6ParityOpenOnIpv6",
        "Port open to the IPv6 internet but not to the IPv4 internet", Severity.Medium, SecurityGroupType,
        "Apply the same restriction to ::/0 as to 0.0.0.0/0, or remove the IPv6 rule if IPv6 clients are not intended.",
        ["VpcSecTools (IPv6 parity blind spot)"]);

    public static readonly CheckDefinition Ipv4OnlyOpening = new("SG.Ipv6ParityOpenOnIpv4",
        "Port open to the IPv4 internet but not to the IPv6 internet in a dual-stack VPC", Severity.Low, SecurityGroupType,
        "Decide whether the service is public; make the IPv4 and IPv6 rules agree.",
        ["VpcSecTools (IPv6 parity blind spot)"]) { Requires = [Section.SecurityGroups, Section.Vpcs] };

    public static readonly CheckDefinition CidrMatchesGroup = new("SG.CidrMatchesGroup",
        "Private CIDR source covers exactly the members of one security group", Severity.Low, SecurityGroupType,
        "Reference the security group instead of the CIDR so the rule follows the members and admits nothing else.",
        ["VpcSecTools (group reference would be tighter)"]) { Requires = [Section.SecurityGroups, Section.NetworkInterfaces] };

    // Unknown is never safe. These two rate a rule by its worst case: its source may be a wide public range
    // (SG.WidePublicCidr, medium) or the whole internet, rated by the exposure of the ENIs like the internet checks.
    public static readonly CheckDefinition PrefixListUnknown = new("SG.PrefixListEntriesUnknown",
        "Rule uses a prefix list whose entries are not in the snapshot", Severity.Medium, SecurityGroupType,
        "Capture get-managed-prefix-list-entries for this list so its coverage can be checked.",
        ["SEMANTICS 5"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition RuleUnreadable = new("SG.RuleUnreadable",
        "Security group rule cannot be interpreted", Severity.Medium, SecurityGroupType,
        "Check the snapshot against describe-security-groups: the protocol, ports or source of this rule are not what EC2 writes.",
        ["SEMANTICS 0"]) { SeverityFollowsExposure = true };

    public static readonly CheckDefinition AdminPortNotFromBastion = new("Hygiene.AdminPortNotFromBastion",
        "Admin port open to a source other than a bastion security group", Severity.Low, SecurityGroupType,
        "Allow SSH/RDP only from the bastion security group (or use Session Manager).",
        ["VpcSecTools port hygiene"]);

    public static readonly CheckDefinition PortSharedByTiers = new("Hygiene.PortSharedByTiers",
        "One port opened by unrelated security groups", Severity.Low, SecurityGroupType,
        "Check that each tier really runs this service; remove the rule where it was copied.",
        ["VpcSecTools port hygiene"]) { Requires = [Section.SecurityGroups, Section.NetworkInterfaces] };

    public static readonly CheckDefinition DefaultServicePort = new("Hygiene.DefaultServicePort",
        "Service on its well-known default port open to a CIDR", Severity.Low, SecurityGroupType,
        "Allow the service's clients by security group reference rather than by address range.",
        ["VpcSecTools port hygiene"]);

    public static readonly CheckDefinition NaclAllFromInternet = new("NACL.AllTrafficFromInternet",
        "Network ACL admits all traffic from the internet", Severity.Medium, NetworkAclType,
        "Add inbound entries that admit only the ports the subnet serves, ahead of any allow-all entry.",
        ["Prowler ec2_networkacl_allow_ingress_any_port", "Security Hub EC2.21"]);

    public static readonly CheckDefinition NaclSshFromInternet = new("NACL.SshFromInternet",
        "Network ACL admits SSH (22) from the internet", Severity.Medium, NetworkAclType,
        "Add a deny for port 22 from 0.0.0.0/0 and ::/0 with a lower rule number than the allow, or narrow the allow.",
        ["Prowler ec2_networkacl_allow_ingress_tcp_port_22", "Security Hub EC2.21"]);

    public static readonly CheckDefinition NaclRdpFromInternet = new("NACL.RdpFromInternet",
        "Network ACL admits RDP (3389) from the internet", Severity.Medium, NetworkAclType,
        "Add a deny for port 3389 from 0.0.0.0/0 and ::/0 with a lower rule number than the allow, or narrow the allow.",
        ["Prowler ec2_networkacl_allow_ingress_tcp_port_3389", "Security Hub EC2.21"]);

    public static readonly CheckDefinition UnusedNetworkAcl = new("NACL.Unused",
        "Network ACL is not associated with any subnet", Severity.Low, NetworkAclType,
        "Delete the network ACL, or associate it with the subnets it was written for.",
        ["Security Hub EC2.16"]);

    public static readonly CheckDefinition ImdsV1Allowed = new("EC2.ImdsV1Allowed",
        "Instance metadata service accepts IMDSv1 (no session token)", Severity.Medium, InstanceType,
        "Require IMDSv2 (aws ec2 modify-instance-metadata-options --http-tokens required) once the software on the instance sends tokens; " +
        "an SSRF then cannot read the metadata service or the instance role's credentials with a plain GET.",
        ["Security Hub EC2.8", "Config ec2-imdsv2-check", "Prowler ec2_instance_imdsv2_enabled"])
    { SeverityFollowsExposure = true, Requires = [Section.Reservations] };

    public static readonly CheckDefinition ImdsHopLimit = new("EC2.ImdsHopLimitAboveOne",
        "Instance metadata tokens reach past the instance (hop limit above 1) while it has a role", Severity.Low, InstanceType,
        "Set the PUT response hop limit to 1 (aws ec2 modify-instance-metadata-options --http-put-response-hop-limit 1) unless containers " +
        "on the instance must use its role; give containers roles of their own (ECS task roles, EKS Pod Identity).",
        ["AWS EC2 User Guide: instance metadata options (hop limit)", "Amazon EKS best practices: restrict access to the instance profile"])
    { Requires = [Section.Reservations] };

    public static readonly CheckDefinition RouteFamilyParity = new("Route.Ipv4Ipv6Parity",
        "Subnet routes IPv4 and IPv6 to the internet differently", Severity.High, SubnetType,
        "Give both families the same way out: ::/0 to an egress-only internet gateway where 0.0.0.0/0 goes to a NAT gateway, " +
        "to the internet gateway only where IPv4 goes there too; or remove the subnet's IPv6 CIDR if it needs none.",
        ["AWS VPC User Guide: egress-only internet gateways", "VpcSecTools (route tables apply IPv4 and IPv6 separately)"])
    { Requires = [Section.Subnets, Section.RouteTables] };

    public static readonly CheckDefinition DbSubnetGroupSingleAz = new("RDS.SubnetGroupSingleAz",
        "DB subnet group spans fewer than two Availability Zones", Severity.Medium, DbSubnetGroupType,
        "Add a subnet of a second Availability Zone (aws rds modify-db-subnet-group): RDS needs two for a new DB instance and for Multi-AZ failover.",
        ["AWS RDS User Guide: DB subnet groups need subnets in at least two Availability Zones", "Security Hub RDS.5"])
    { Requires = [Section.DBSubnetGroups] };

    public static readonly CheckDefinition DbSubnetGroupPublicSubnet = new("RDS.SubnetGroupPublicSubnet",
        "DB subnet group includes a public subnet (routed to an internet gateway)", Severity.High, DbSubnetGroupType,
        "Keep only private subnets in the group (aws rds modify-db-subnet-group with the private subnets): a database RDS places in a public subnet is one PubliclyAccessible setting away from the internet.",
        ["AWS RDS User Guide: hiding a DB instance in a VPC from the internet", "Security Hub RDS.2"])
    { Requires = [Section.DBSubnetGroups, Section.Subnets, Section.RouteTables] };

    public static readonly CheckDefinition DbSubnetGroupNaclBlocksClients = new("RDS.SubnetGroupNaclBlocksClients",
        "A subnet of the DB subnet group has a network ACL that blocks the database's clients", Severity.Medium, DbSubnetGroupType,
        "Give every subnet of the group NACL entries that admit the database port from its clients and the responses to their ephemeral ports, " +
        "so the database keeps its clients wherever RDS places it or fails it over.",
        ["VpcSecTools (every subnet of a DB subnet group must admit the app tier)"])
    { Requires = [Section.DBSubnetGroups, Section.Subnets, Section.NetworkAcls, Section.NetworkInterfaces, Section.SecurityGroups] };

    public static readonly CheckDefinition PrivateLinkCandidate = new("Design.PrivateLinkCandidate",
        "Service reached from another VPC across a peering or transit gateway on one port: a PrivateLink candidate", Severity.Informational, SecurityGroupType,
        "Publish the service as a VPC endpoint service (an NLB on this port) and give the other VPC an interface endpoint: it then reaches one port of one " +
        "load balancer instead of a routed network, and the rule can admit the load balancer alone; remove the routes once nothing else uses the connection.",
        ["AWS whitepaper: Building a scalable and secure multi-VPC network infrastructure (AWS PrivateLink)", "VpcSecTools (exposure of a routed network)"])
    { Requires = [Section.SecurityGroups, Section.NetworkInterfaces, Section.VpcPeeringConnections, Section.TransitGatewayAttachments] };

    public static readonly CheckDefinition ChecksNotRun = new("Audit.ChecksNotRun",
        "Checks did not run: the snapshot lacks a section they need", Severity.Informational, AccountType,
        "Capture the missing sections (the describe call of each, with the IAM permission it needs) and run the audit again.",
        ["SEMANTICS 0"]) { Requires = [] };

    /// <summary>Every check, for documentation and for validating accepted-finding files.</summary>
    public static readonly IReadOnlyList<CheckDefinition> All =
    [
        AllTrafficFromInternet, PortOutsideAllowList, SshFromInternet, RdpFromInternet, HighRiskPortFromInternet,
        ExtendedHighRiskPortFromInternet, CombinedGroupsOpenToInternet, WidePublicCidr, PublicIpAnyPort, WidePortRange,
        DefaultGroupHasRules, UnusedSecurityGroup, EgressAllToAnywhere, Ipv6OnlyOpening, Ipv4OnlyOpening, CidrMatchesGroup,
        PrefixListUnknown, RuleUnreadable, AdminPortNotFromBastion, PortSharedByTiers, DefaultServicePort, NaclAllFromInternet,
        NaclSshFromInternet, NaclRdpFromInternet, UnusedNetworkAcl, ImdsV1Allowed, ImdsHopLimit, RouteFamilyParity,
        DbSubnetGroupSingleAz, DbSubnetGroupPublicSubnet, DbSubnetGroupNaclBlocksClients, PrivateLinkCandidate, ChecksNotRun,
    ];

    public static CheckDefinition? Find(string id) => All.FirstOrDefault(c => c.Id.Equals(id, StringComparison.OrdinalIgnoreCase));
}
