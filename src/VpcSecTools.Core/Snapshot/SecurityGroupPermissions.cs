using System.Globalization;
using VpcSecTools.Net;

namespace VpcSecTools.Snapshot;

/// <summary>
/// A security group's permissions as the analyses read them, parsed once per snapshot
/// (<see cref="SnapshotIndex.PermissionsOf(string)"/>): protocol, ports, CIDRs by family, prefix lists and group
/// references, with every value that could not be read named where it is.
/// </summary>
public sealed class SecurityGroupPermissions
{
    public SecurityGroup Group { get; }
    public IReadOnlyList<GroupPermission> Ingress { get; }
    public IReadOnlyList<GroupPermission> Egress { get; }

    /// <summary>Every value of the group's rules that could not be read.</summary>
    public IReadOnlyList<Uninterpretable> Problems { get; }

    public SecurityGroupPermissions(SecurityGroup group)
    {
        Group = group;
        Ingress = group.IpPermissions.Select((p, i) => GroupPermission.Read(group.GroupId, true, i, p)).ToArray();
        Egress = group.IpPermissionsEgress.Select((p, i) => GroupPermission.Read(group.GroupId, false, i, p)).ToArray();
        Problems = Ingress.Concat(Egress).SelectMany(p => p.Problems).ToArray();
    }

    public IReadOnlyList<GroupPermission> Of(bool ingress) => ingress ? Ingress : Egress;
}

/// <summary>A CIDR a rule names, with its text as captured (the evidence shown for it).</summary>
public readonly record struct RuleCidr(Cidr Cidr, string Text);

/// <summary>
/// One permission (<c>IpPermission</c>) of a group, read: what it covers (protocol, ports or ICMP type/code) and whom
/// (CIDRs of each family, prefix lists, referenced groups). A part that could not be read is null or listed under
/// its problems, never dropped: a rule that might allow is evaluated as "maybe".
/// </summary>
public sealed record GroupPermission
{
    public string GroupId { get; init; } = "";
    public bool Ingress { get; init; }
    /// <summary>0-based position in <c>IpPermissions</c> or <c>IpPermissionsEgress</c>.</summary>
    public int Index { get; init; }
    public IpPermission Permission { get; init; } = new();

    /// <summary>Null when <c>IpProtocol</c> could not be read.</summary>
    public IpProtocol? Protocol { get; init; }
    /// <summary>TCP/UDP ports (all for other protocols); null when FromPort/ToPort could not be read.</summary>
    public PortRange? Ports { get; init; }
    /// <summary>ICMP type and code (-1 for any); null for ICMP when they could not be read.</summary>
    public (int Type, int Code)? Icmp { get; init; }
    /// <summary>Why protocol, ports or ICMP type/code could not be read: which traffic the permission covers is unknown.</summary>
    public Uninterpretable? CoverageProblem { get; init; }

    public IReadOnlyList<RuleCidr> Ipv4 { get; init; } = [];
    public IReadOnlyList<RuleCidr> Ipv6 { get; init; } = [];
    /// <summary>IpRanges (IPv4) and Ipv6Ranges entries (and prefix-list references) that could not be read: they may name any address of their family.</summary>
    public IReadOnlyList<Uninterpretable> Ipv4Problems { get; init; } = [];
    public IReadOnlyList<Uninterpretable> Ipv6Problems { get; init; } = [];
    public IReadOnlyList<string> PrefixListIds { get; init; } = [];
    /// <summary>References to groups that can match (stale references across a deleted peering left out).</summary>
    public IReadOnlyList<UserIdGroupPair> References { get; init; } = [];
    /// <summary>References that name no group id: they may name any group.</summary>
    public IReadOnlyList<Uninterpretable> ReferenceProblems { get; init; } = [];

    public IEnumerable<Uninterpretable> Problems =>
        (CoverageProblem is null ? [] : new[] { CoverageProblem }).Concat(Ipv4Problems).Concat(Ipv6Problems).Concat(ReferenceProblems).Distinct();

    /// <summary>The CIDRs of one family, and the entries of it that could not be read.</summary>
    public (IReadOnlyList<RuleCidr> Cidrs, IReadOnlyList<Uninterpretable> Problems) Family(bool ipv6) => ipv6 ? (Ipv6, Ipv6Problems) : (Ipv4, Ipv4Problems);

    internal static GroupPermission Read(string groupId, bool ingress, int index, IpPermission p)
    {
        var at = $"{(ingress ? "IpPermissions" : "IpPermissionsEgress")}[{index}]";
        Uninterpretable Problem(string field, string reason) => new(groupId, $"{at}.{field}", reason);

        IpProtocol? protocol = IpProtocol.TryParse(p.IpProtocol, out var parsed, out var error) ? parsed : null;
        Uninterpretable? coverage = protocol is null ? Problem("IpProtocol", error) : null;
        PortRange? ports = PortRange.All;
        (int, int)? icmp = (-1, -1);
        if (protocol is { HasPorts: true })
        {
            ports = RulePorts(p.FromPort, p.ToPort, out var why);
            if (ports is null) coverage = Problem(why!.Value.Field, why.Value.Reason);
        }
        else if (protocol is { IsIcmp: true })
        {
            // For ICMP, FromPort is the type and ToPort the code (SEMANTICS 6).
            icmp = (p.FromPort ?? -1, p.ToPort ?? -1);
            if (p.FromPort is < -1 or > 255) coverage = Problem("FromPort", $"ICMP type {p.FromPort} is outside -1-255");
            else if (p.ToPort is < -1 or > 255) coverage = Problem("ToPort", $"ICMP code {p.ToPort} is outside -1-255");
            if (coverage is not null) icmp = null;
        }

        var v4 = new List<RuleCidr>(); var v6 = new List<RuleCidr>();
        var v4Problems = new List<Uninterpretable>(); var v6Problems = new List<Uninterpretable>();
        for (int j = 0; j < p.IpRanges.Count; j++)
            ReadCidr(p.IpRanges[j].CidrIp, ipv6: false, v4, v4Problems, reason => Problem($"IpRanges[{j}].CidrIp", reason));
        for (int j = 0; j < p.Ipv6Ranges.Count; j++)
            ReadCidr(p.Ipv6Ranges[j].CidrIpv6, ipv6: true, v6, v6Problems, reason => Problem($"Ipv6Ranges[{j}].CidrIpv6", reason));

        var prefixLists = new List<string>();
        for (int j = 0; j < p.PrefixListIds.Count; j++)
        {
            // A prefix list without an id may be any list: it may name any address (both families).
            if (string.IsNullOrEmpty(p.PrefixListIds[j].PrefixListId))
            {
                var missing = Problem($"PrefixListIds[{j}].PrefixListId", "is missing: which prefix list it means is unknown");
                v4Problems.Add(missing);
                v6Problems.Add(missing);
            }
            else prefixLists.Add(p.PrefixListIds[j].PrefixListId);
        }
        var references = new List<UserIdGroupPair>();
        var referenceProblems = new List<Uninterpretable>();
        for (int j = 0; j < p.UserIdGroupPairs.Count; j++)
        {
            var pair = p.UserIdGroupPairs[j];
            // A reference across a deleted peering is stale: it matches nothing (SEMANTICS 4).
            if (ResourceState.Is(pair.PeeringStatus, "deleted")) continue;
            if (string.IsNullOrEmpty(pair.GroupId))
                referenceProblems.Add(Problem($"UserIdGroupPairs[{j}].GroupId", $"is missing (group name '{pair.GroupName}'): which group it means is unknown"));
            else references.Add(pair);
        }
        return new GroupPermission
        {
            GroupId = groupId, Ingress = ingress, Index = index, Permission = p, Protocol = protocol, Ports = ports, Icmp = icmp, CoverageProblem = coverage,
            Ipv4 = v4, Ipv6 = v6, Ipv4Problems = v4Problems, Ipv6Problems = v6Problems,
            PrefixListIds = prefixLists, References = references, ReferenceProblems = referenceProblems,
        };
    }

    /// <summary>FromPort/ToPort of a TCP/UDP rule: absent or -1 means every port (as EC2 writes protocol -1 rules); else 0-65535, From &lt;= To.</summary>
    private static PortRange? RulePorts(int? from, int? to, out (string Field, string Reason)? problem)
    {
        problem = null;
        if (from is null or -1 || to is null or -1) return PortRange.All;
        if (from is < 0 or > 65535) problem = ("FromPort", string.Create(CultureInfo.InvariantCulture, $"port {from} is outside 0-65535"));
        else if (to is < 0 or > 65535) problem = ("ToPort", string.Create(CultureInfo.InvariantCulture, $"port {to} is outside 0-65535"));
        else if (from > to) problem = ("FromPort", string.Create(CultureInfo.InvariantCulture, $"{from} is above ToPort {to}"));
        return problem is null ? new PortRange(from.Value, to.Value) : null;
    }

    private static void ReadCidr(string? text, bool ipv6, List<RuleCidr> cidrs, List<Uninterpretable> problems, Func<string, Uninterpretable> problem)
    {
        // EC2 rejects host bits, but hand-written snapshots may carry them: normalise rather than lose the rule.
        if (!Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise)) problems.Add(problem(string.IsNullOrWhiteSpace(text) ? "is empty or missing" : error));
        else if (cidr.IsIPv6 != ipv6) problems.Add(problem($"'{text}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR in an {(ipv6 ? "IPv6" : "IPv4")} field"));
        else cidrs.Add(new RuleCidr(cidr, text!));
    }
}
