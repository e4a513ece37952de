using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>Which side of a security group a rule is on.</summary>
public enum RuleDirection { Ingress, Egress }

/// <summary>What a rule names as its source (ingress) or destination (egress).</summary>
public enum RuleSourceKind { Ipv4Cidr, Ipv6Cidr, PrefixList, SecurityGroup }

/// <summary>
/// One source of one permission of a security group, flattened: a group with a permission naming three CIDRs
/// has three rules. <see cref="Cidrs"/> is what the source means in addresses: the CIDR itself, a prefix
/// list's entries (null when they were not captured or the CIDR cannot be read), or empty for a group reference.
/// A rule that cannot be interpreted carries its <see cref="Problem"/>, with every protocol or port it might mean.
/// </summary>
public sealed record SecurityGroupRule(
    SecurityGroup Group,
    RuleDirection Direction,
    int PermissionIndex,
    string Path,
    IpProtocol Protocol,
    PortRange Ports,
    RuleSourceKind Kind,
    string Source,
    IReadOnlyList<Cidr>? Cidrs,
    string? Description)
{
    public string GroupId => Group.GroupId;

    /// <summary>Why the rule cannot be interpreted (a bad protocol, port or CIDR); null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>The CIDR is of the other family than its field: the rule may name addresses of both.</summary>
    public bool EitherFamily { get; init; }

    /// <summary>Whether every part of the rule is known: readable, and its source resolved to addresses or a group.</summary>
    public bool IsResolved => Problem is null && Cidrs is not null;

    /// <summary>Whether the rule admits traffic of this TCP/UDP port (protocol -1 counts for every port).</summary>
    public bool AppliesTo(IpProtocol protocol, int port) =>
        Protocol.IsAll || (Protocol == protocol && Ports.Contains(port));

    /// <summary>Whether the rule opens every port of every protocol, or every port of TCP or UDP.</summary>
    public bool OpensAllPorts => Protocol.IsAll || (Protocol.HasPorts && Ports.IsAll);

    public string ProtocolText => Protocol.IsAll ? "all" : Protocol.ToString();
    public string PortsText => Protocol.IsAll ? "all" : Protocol.HasPorts ? Ports.ToString() : Protocol.IsIcmp ? $"type {Ports}" : "all";

    /// <summary>
    /// Flattens one group's rules of one direction as the snapshot index reads them (<see cref="SnapshotIndex.PermissionsOf"/>),
    /// resolving prefix lists through the index; what the index could not read is the rule's <see cref="Problem"/>.
    /// </summary>
    public static IReadOnlyList<SecurityGroupRule> Of(SecurityGroup group, RuleDirection direction, SnapshotIndex index, List<string>? notes = null)
    {
        // A caller's edited copy of a group is read for the call, as the index does with its own.
        var read = index.PermissionsOf(group.GroupId) is { } own && ReferenceEquals(own.Group, group) ? own : new SecurityGroupPermissions(group);
        var rules = new List<SecurityGroupRule>();
        foreach (var p in read.Of(direction == RuleDirection.Ingress))
        {
            // A rule whose coverage cannot be read means any protocol and any port it might: it is judged by that worst case.
            var coverage = p.CoverageProblem is { } c ? $"{c.Field}: {c.Reason}" : null;
            if (coverage is not null) notes?.Add($"{group.GroupId} {coverage}");
            var protocol = p.Protocol ?? IpProtocol.All;
            // ICMP's "ports" are its types.
            var ports = protocol.HasPorts ? p.Ports ?? PortRange.All
                : protocol.IsIcmp && p.Icmp is (>= 0 and var type, _) ? new PortRange(type, type) : PortRange.All;
            var at = $"{(p.Ingress ? "IpPermissions" : "IpPermissionsEgress")}[{p.Index}]";
            SecurityGroupRule Rule(string entry, RuleSourceKind kind, string source, IReadOnlyList<Cidr>? cidrs, string? description, Uninterpretable? problem = null)
            {
                var why = problem is null ? coverage : $"{(coverage is null ? "" : coverage + "; ")}{problem.Field}: {problem.Reason}";
                if (problem is not null) notes?.Add($"{problem}; its addresses are unknown");
                return new(group, direction, p.Index, $"{at}.{entry}", protocol, ports, kind, source, cidrs, description) { Problem = why };
            }
            var permission = p.Permission;
            foreach (var ipv6 in new[] { false, true })
            {
                int count = ipv6 ? permission.Ipv6Ranges.Count : permission.IpRanges.Count;
                for (int j = 0; j < count; j++)
                {
                    var (text, description) = ipv6 ? (permission.Ipv6Ranges[j].CidrIpv6, permission.Ipv6Ranges[j].Description) : (permission.IpRanges[j].CidrIp, permission.IpRanges[j].Description);
                    var entry = p.Range(ipv6, j);
                    rules.Add(Rule($"{(ipv6 ? "Ipv6Ranges" : "IpRanges")}[{j}]", ipv6 ? RuleSourceKind.Ipv6Cidr : RuleSourceKind.Ipv4Cidr, text ?? "",
                        entry.Cidr is { } cidr ? [cidr.Cidr] : null, description, entry.Problem) with { EitherFamily = entry.EitherFamily });
                }
            }
            for (int j = 0; j < permission.PrefixListIds.Count; j++)
            {
                var (id, problem) = p.PrefixList(j);
                rules.Add(Rule($"PrefixListIds[{j}]", RuleSourceKind.PrefixList, id ?? "(no prefix list id)", id is null ? null : index.PrefixListCidrs(id),
                    permission.PrefixListIds[j].Description, problem));
            }
            for (int j = 0; j < permission.UserIdGroupPairs.Count; j++)
            {
                var (pair, problem) = p.Reference(j);
                // A stale reference (across a deleted peering) matches nothing: it is no rule.
                if (pair is null && problem is null) continue;
                var raw = pair ?? permission.UserIdGroupPairs[j];
                var source = raw.UserId is { } user && user != group.OwnerId ? $"{user}/{raw.GroupId}" : raw.GroupId ?? raw.GroupName ?? "?";
                rules.Add(Rule($"UserIdGroupPairs[{j}]", RuleSourceKind.SecurityGroup, source, [], raw.Description, problem));
            }
        }
        return rules;
    }

    private static readonly Cidr[] Ipv4Internet = [Cidr.Parse("0.0.0.0/0")], Ipv6Internet = [Cidr.Parse("::/0")];

    /// <summary>
    /// The rule at its worst: unknown addresses are the whole internet of every family the source may name (its field's,
    /// both for a CIDR of the other family, or a prefix list's when describe-managed-prefix-lists says it); protocol and
    /// ports are already the widest.
    /// </summary>
    public SecurityGroupRule WorstCase(SnapshotIndex index) => Cidrs is not null ? this : this with
    {
        Cidrs = Kind switch
        {
            RuleSourceKind.Ipv4Cidr or RuleSourceKind.Ipv6Cidr when EitherFamily => [.. Ipv4Internet, .. Ipv6Internet],
            RuleSourceKind.Ipv4Cidr => Ipv4Internet,
            RuleSourceKind.Ipv6Cidr => Ipv6Internet,
            RuleSourceKind.PrefixList => index.PrefixLists.GetValueOrDefault(Source)?.AddressFamily?.ToUpperInvariant() switch
            {
                "IPV4" => Ipv4Internet,
                "IPV6" => Ipv6Internet,
                _ => [.. Ipv4Internet, .. Ipv6Internet],
            },
            _ => [],
        },
    };
}
