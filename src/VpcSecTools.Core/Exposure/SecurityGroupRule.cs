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

    /// <summary>Whether every part of the rule is known: readable, and its source resolved to addresses or a group.</summary>
    public bool IsResolved => Problem is null && Cidrs is not null;

    /// <summary>Whether the rule admits traffic of this TCP/UDP port (protocol -1 counts for every port).</summary>
    public bool AppliesTo(IpProtocol protocol, int port) =>
        Protocol.IsAll || (Protocol == protocol && Ports.Contains(port));

    /// <summary>Whether the rule opens every port of every protocol, or every port of TCP or UDP.</summary>
    public bool OpensAllPorts => Protocol.IsAll || (Protocol.HasPorts && Ports.IsAll);

    public string ProtocolText => Protocol.IsAll ? "all" : Protocol.ToString();
    public string PortsText => Protocol.IsAll ? "all" : Protocol.HasPorts ? Ports.ToString() : Protocol.IsIcmp ? $"type {Ports}" : "all";

    /// <summary>Flattens one group's rules of one direction, resolving prefix lists through the index.</summary>
    public static IReadOnlyList<SecurityGroupRule> Of(SecurityGroup group, RuleDirection direction, SnapshotIndex index, List<string>? notes = null)
    {
        var permissions = direction == RuleDirection.Ingress ? group.IpPermissions : group.IpPermissionsEgress;
        var key = direction == RuleDirection.Ingress ? "IpPermissions" : "IpPermissionsEgress";
        var rules = new List<SecurityGroupRule>();
        for (int i = 0; i < permissions.Count; i++)
        {
            var p = permissions[i];
            // A rule that cannot be read means any protocol and any port it might: it is judged by that worst case.
            string? problem = null;
            if (!IpProtocol.TryParse(p.IpProtocol, out var protocol, out var error))
            {
                (protocol, problem) = (IpProtocol.All, $"{key}[{i}].IpProtocol: {error}");
                notes?.Add($"{group.GroupId} {problem}");
            }
            // ICMP FromPort/ToPort are type/code; other non-port protocols have no ports at all.
            var ports = protocol.HasPorts || protocol.IsIcmp ? PortRange.FromRule(p.FromPort, p.ToPort) : PortRange.All;
            if (protocol.HasPorts && !IsPortRange(p.FromPort, p.ToPort))
            {
                (ports, problem) = (PortRange.All, $"{key}[{i}]: FromPort {p.FromPort} to ToPort {p.ToPort} is not a port range (0-65535)");
                notes?.Add($"{group.GroupId} {problem}");
            }
            var rulesBefore = rules.Count;
            for (int j = 0; j < p.IpRanges.Count; j++)
                rules.Add(CidrRule(group, direction, i, $"{key}[{i}].IpRanges[{j}]", protocol, ports, RuleSourceKind.Ipv4Cidr, p.IpRanges[j].CidrIp, p.IpRanges[j].Description, notes));
            for (int j = 0; j < p.Ipv6Ranges.Count; j++)
                rules.Add(CidrRule(group, direction, i, $"{key}[{i}].Ipv6Ranges[{j}]", protocol, ports, RuleSourceKind.Ipv6Cidr, p.Ipv6Ranges[j].CidrIpv6, p.Ipv6Ranges[j].Description, notes));
            for (int j = 0; j < p.PrefixListIds.Count; j++)
            {
                var pl = p.PrefixListIds[j];
                rules.Add(new(group, direction, i, $"{key}[{i}].PrefixListIds[{j}]", protocol, ports, RuleSourceKind.PrefixList,
                    pl.PrefixListId, index.PrefixListCidrs(pl.PrefixListId), pl.Description));
            }
            for (int j = 0; j < p.UserIdGroupPairs.Count; j++)
            {
                var pair = p.UserIdGroupPairs[j];
                var source = pair.UserId is { } user && user != group.OwnerId ? $"{user}/{pair.GroupId}" : pair.GroupId ?? pair.GroupName ?? "?";
                rules.Add(new(group, direction, i, $"{key}[{i}].UserIdGroupPairs[{j}]", protocol, ports, RuleSourceKind.SecurityGroup,
                    source, [], pair.Description));
            }
            if (problem is not null)
                for (int k = rulesBefore; k < rules.Count; k++) rules[k] = rules[k] with { Problem = rules[k].Problem is null ? problem : $"{problem}; {rules[k].Problem}" };
        }
        return rules;
    }

    private static readonly Cidr[] Ipv4Internet = [Cidr.Parse("0.0.0.0/0")], Ipv6Internet = [Cidr.Parse("::/0")];

    /// <summary>
    /// The rule at its worst: unknown addresses are the whole internet of every family the source may name (its own,
    /// or a prefix list's when describe-managed-prefix-lists says it); protocol and ports are already the widest.
    /// </summary>
    public SecurityGroupRule WorstCase(SnapshotIndex index) => Cidrs is not null ? this : this with
    {
        Cidrs = Kind switch
        {
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

    /// <summary>Absent or -1 (every port), or 0-65535 with FromPort not above ToPort.</summary>
    private static bool IsPortRange(int? from, int? to) =>
        from is null or -1 || to is null or -1 || (from is >= 0 and <= 65535 && to is >= 0 and <= 65535 && from <= to);

    private static SecurityGroupRule CidrRule(SecurityGroup group, RuleDirection direction, int index, string path, IpProtocol protocol,
        PortRange ports, RuleSourceKind kind, string text, string? description, List<string>? notes)
    {
        // EC2 rejects host bits, but hand-written snapshots may carry them: normalise rather than lose the rule.
        if (Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise))
            return new(group, direction, index, path, protocol, ports, kind, text, [cidr], description);
        notes?.Add($"{group.GroupId} {path}: {error}; its addresses are unknown");
        return new(group, direction, index, path, protocol, ports, kind, text, null, description) { Problem = $"{path}: {error}" };
    }
}
