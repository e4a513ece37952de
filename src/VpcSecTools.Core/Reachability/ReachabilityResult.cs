using System.Globalization;
using System.Text;
using VpcSecTools.Net;

namespace VpcSecTools.Reachability;

/// <summary>The three-valued answer: a path exists, a named rule or route stops it, or the snapshot cannot tell.</summary>
public enum Verdict
{
    Reachable,
    NotReachable,
    Unknown,
}

/// <summary>Which way a hop's packet travels: the request, or the response back to the client.</summary>
public enum PathDirection
{
    Forward,
    Return,
}

/// <summary>What a component did to the packet.</summary>
public enum HopResult
{
    Allowed,
    Denied,
    Unknown,
}

/// <summary>What a hop's component is: the kind of thing its <see cref="PathHop.ComponentId"/> names.</summary>
public enum ComponentKind
{
    /// <summary>A security group: its outbound rules at the source ENI, its inbound rules at the destination ENI.</summary>
    SecurityGroup,
    /// <summary>A subnet's network ACL, where the packet leaves or enters the subnet.</summary>
    NetworkAcl,
    /// <summary>A VPC route table (the subnet's explicit one or the VPC's main table).</summary>
    RouteTable,
    /// <summary>A subnet: delivery inside it, or a subnet the snapshot cannot place.</summary>
    Subnet,
    /// <summary>A VPC: no subnet holds the address, no internet gateway is attached, or a peer the snapshot does not hold.</summary>
    Vpc,
    /// <summary>An ENI: the packet is delivered to it, or it is a route target (appliance).</summary>
    NetworkInterface,
    /// <summary>An instance named as a route target.</summary>
    Instance,
    /// <summary>An internet gateway (1:1 NAT between private and public addresses).</summary>
    InternetGateway,
    /// <summary>An egress-only internet gateway (IPv6, outbound only).</summary>
    EgressOnlyInternetGateway,
    /// <summary>A NAT gateway (source translation, drops unsolicited inbound).</summary>
    NatGateway,
    /// <summary>A VPC peering connection.</summary>
    VpcPeeringConnection,
    /// <summary>A transit gateway the VPC has no usable attachment to.</summary>
    TransitGateway,
    /// <summary>A transit-gateway attachment (VPC, VPN or Direct Connect gateway): where the packet enters or leaves the TGW.</summary>
    TransitGatewayAttachment,
    /// <summary>A transit-gateway route table.</summary>
    TransitGatewayRouteTable,
    /// <summary>A gateway VPC endpoint (or another endpoint type named as a route target).</summary>
    VpcEndpoint,
    /// <summary>A virtual private gateway (Site-to-Site VPN or Direct Connect on a VPC).</summary>
    VpnGateway,
    /// <summary>A local gateway (Outposts) named as a route target: not modelled.</summary>
    LocalGateway,
    /// <summary>A carrier gateway (Wavelength) named as a route target: not modelled.</summary>
    CarrierGateway,
    /// <summary>A Cloud WAN core network named as a route target: not modelled.</summary>
    CoreNetwork,
    /// <summary>A route target of a kind the snapshot does not say (no target field set).</summary>
    RouteTarget,
    /// <summary>The internet, outside every VPC.</summary>
    Internet,
    /// <summary>The Amazon DNS resolver, instance metadata or time service: answered without routing or filtering.</summary>
    AmazonProvidedService,
    /// <summary>An address outside the snapshot whose way into the network cannot be told.</summary>
    Address,
    /// <summary>A section of the snapshot (e.g. <c>NetworkAcls</c>) that was not captured.</summary>
    Section,
}

/// <summary>
/// One step of a path: the component (id and kind), what it decided, and the exact rule, route or
/// entry that decided it (with its rule number or position in the list, 0-based).
/// </summary>
public sealed record PathHop
{
    public PathDirection Direction { get; init; }
    /// <summary>What <see cref="ComponentId"/> names: a security group, NACL, route table, gateway, ENI...</summary>
    public ComponentKind ComponentType { get; init; }
    public string ComponentId { get; init; } = "";
    public HopResult Result { get; init; }
    /// <summary>The rule, route or entry, as text (e.g. <c>inbound 100 allow tcp 22 0.0.0.0/0</c>).</summary>
    public string? Rule { get; init; }
    /// <summary>The NACL rule number, or the 0-based position of the route or security-group permission.</summary>
    public int? RuleNumber { get; init; }
    /// <summary>The packet as this component saw it, and why it decided so.</summary>
    public string? Detail { get; init; }
    /// <summary>Set on a Denied or Unknown hop: Reachability Analyzer's code where it has one.</summary>
    public string? ExplanationCode { get; init; }

    public override string ToString()
    {
        var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"{Result,-7} {ComponentType} {ComponentId}");
        if (Rule is not null) text.Append(CultureInfo.InvariantCulture, $" [{Rule}]");
        if (Detail is not null) text.Append(" - ").Append(Detail);
        if (ExplanationCode is not null) text.Append(CultureInfo.InvariantCulture, $" ({ExplanationCode})");
        return text.ToString();
    }
}

/// <summary>Whether the stateless return path lets a client using this ephemeral port range get its replies (SEMANTICS 9).</summary>
public sealed record EphemeralRangeCheck(string Client, PortRange Ports, Verdict Verdict, PathHop? BlockedAt);

/// <summary>
/// The answer to "can Source reach Destination on Protocol/Port": the verdict, both paths hop by hop,
/// and for a block the component, its exact rule/route/entry and an explanation code.
/// </summary>
public sealed record ReachabilityResult
{
    public string Source { get; init; } = "";
    public string Destination { get; init; } = "";
    /// <summary>The addresses the request left with and was sent to.</summary>
    public string? SourceAddress { get; init; }
    public string? DestinationAddress { get; init; }
    /// <summary>The source address as the destination sees it (after NAT or an internet gateway); null if the request did not arrive.</summary>
    public string? SeenSourceAddress { get; init; }
    /// <summary>Whether security-group references can match the source at the destination (no translation, same VPC, peering or TGW with referencing).</summary>
    public bool ReferencesPreserved { get; init; }
    public string Protocol { get; init; } = "";
    /// <summary>Destination port (TCP/UDP), or <c>type/code</c> for ICMP; null for all.</summary>
    public string? Port { get; init; }
    public Verdict Verdict { get; init; }
    /// <summary>For NotReachable/Unknown: the code (ENI_SG_RULES_MISMATCH, SUBNET_ACL_RESTRICTION...).</summary>
    public string? ExplanationCode { get; init; }
    /// <summary>The component that blocked (or could not be evaluated), e.g. <c>acl-0123</c>.</summary>
    public string? BlockingComponent { get; init; }
    public ComponentKind? BlockingComponentType { get; init; }
    /// <summary>The exact rule, route or entry that blocked, or null when the block is the absence of one.</summary>
    public string? BlockingRule { get; init; }
    public int? BlockingRuleNumber { get; init; }
    public PathDirection? BlockingDirection { get; init; }
    /// <summary>One sentence: why.</summary>
    public string Reason { get; init; } = "";
    public ValueList<PathHop> ForwardPath { get; init; } = [];
    public ValueList<PathHop> ReturnPath { get; init; } = [];
    /// <summary>Which client ephemeral ranges the stateless return path lets through (TCP/UDP only).</summary>
    public ValueList<EphemeralRangeCheck> ReturnEphemeralRanges { get; init; } = [];
    /// <summary>Things the verdict assumes (e.g. an endpoint policy not evaluated).</summary>
    public ValueList<string> Notes { get; init; } = [];

    /// <summary>The whole answer as readable text: verdict, reason, then each hop of both paths.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Source} -> {Destination} {Protocol}{(Port is null ? "" : "/" + Port)}: {Verdict}");
        if (SourceAddress is not null) text.AppendLine(CultureInfo.InvariantCulture, $"  addresses: {SourceAddress} -> {DestinationAddress}");
        if (Verdict != Verdict.Reachable)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  {ExplanationCode}: {Reason}");
            if (BlockingComponent is not null)
                text.AppendLine(CultureInfo.InvariantCulture, $"  blocked at {BlockingComponentType} {BlockingComponent}{(BlockingRule is null ? "" : " by " + BlockingRule)} ({BlockingDirection} path)");
        }
        else text.AppendLine("  " + Reason);
        AppendPath(text, "Forward path", ForwardPath);
        AppendPath(text, "Return path", ReturnPath);
        if (ReturnEphemeralRanges.Count > 0)
        {
            text.AppendLine("Return traffic to client ephemeral ports:");
            foreach (var r in ReturnEphemeralRanges)
                text.AppendLine(CultureInfo.InvariantCulture, $"  {r.Client,-26} {r.Ports,-12} {r.Verdict}{(r.BlockedAt is null ? "" : " at " + r.BlockedAt.ComponentId + (r.BlockedAt.Rule is null ? "" : " [" + r.BlockedAt.Rule + "]"))}");
        }
        foreach (var n in Notes) text.AppendLine("Note: " + n);
        return text.ToString();
    }

    private static void AppendPath(StringBuilder text, string title, IReadOnlyList<PathHop> hops)
    {
        if (hops.Count == 0) return;
        text.AppendLine(title + ":");
        for (int i = 0; i < hops.Count; i++) text.AppendLine(CultureInfo.InvariantCulture, $"  {i + 1,2}. {hops[i]}");
    }
}

/// <summary>
/// Explanation codes. Where AWS Reachability Analyzer has a code for the same cause its name is used;
/// the others are ours and say so by not pretending to be AWS's.
/// </summary>
public static class ExplanationCodes
{
    public const string SecurityGroupRules = "ENI_SG_RULES_MISMATCH";
    public const string SubnetAcl = "SUBNET_ACL_RESTRICTION";
    public const string NoRoute = "NO_ROUTE_TO_DESTINATION";
    public const string BadStateRoute = "BAD_STATE_ROUTE";
    public const string TgwAzRestriction = "TGW_ROUTE_AZ_RESTRICTION";
    public const string PeeringCidr = "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR";
    public const string NatSourceNotInVpc = "NGW_REQUIRES_SOURCE_IN_VPC";
    public const string IgwPublicIpForEgress = "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS";
    public const string SourceDestCheck = "ENI_SOURCE_DEST_CHECK_RESTRICTION";
    public const string UnknownPeeredGroups = "UNKNOWN_PEERED_SGS";
    public const string GroupReferencesNotPreserved = "SG_REFERENCES_NOT_PRESERVED";
    // Ours (no Reachability Analyzer equivalent).
    public const string NoPublicAddress = "NO_PUBLIC_ADDRESS";
    public const string NoInternetGateway = "NO_ATTACHED_INTERNET_GATEWAY";
    public const string NatUnsolicitedInbound = "NGW_DROPS_UNSOLICITED_INBOUND";
    public const string NatProtocol = "NGW_UNSUPPORTED_PROTOCOL";
    public const string PeeringNotActive = "PCX_NOT_ACTIVE";
    public const string AddressUnassigned = "DESTINATION_ADDRESS_UNASSIGNED";
    public const string ReturnMisrouted = "RETURN_PATH_DELIVERED_ELSEWHERE";
    public const string TgwAttachmentMissing = "TGW_ATTACHMENT_MISSING";
    public const string VpnNotAvailable = "VPN_CONNECTION_NOT_AVAILABLE";
    public const string Ipv6EgressOnly = "EIGW_OUTBOUND_ONLY";
    public const string SectionNotCaptured = "SECTION_NOT_CAPTURED";
    public const string ComponentNotModelled = "COMPONENT_NOT_MODELLED";
    public const string ComponentNotInSnapshot = "COMPONENT_NOT_IN_SNAPSHOT";
    public const string PrefixListEntriesMissing = "PREFIX_LIST_ENTRIES_NOT_CAPTURED";
    /// <summary>A rule, entry or route that could not be read might decide: named with where it is (SEMANTICS 0).</summary>
    public const string UninterpretableEntry = "UNINTERPRETABLE_ENTRY";
}
