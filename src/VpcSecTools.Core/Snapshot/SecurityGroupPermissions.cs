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
    // Each direction is read on first use: a path asks one direction of most groups it meets (egress at the source).
    private GroupPermission[]? _ingress, _egress;

    public SecurityGroupPermissions(SecurityGroup group) => Group = group;

    public SecurityGroup Group { get; }
    public IReadOnlyList<GroupPermission> Ingress => _ingress ?? LazyInitializer.EnsureInitialized(ref _ingress, () => Read(true));
    public IReadOnlyList<GroupPermission> Egress => _egress ?? LazyInitializer.EnsureInitialized(ref _egress, () => Read(false));

    /// <summary>Every value of the group's rules that could not be read.</summary>
    public IReadOnlyList<Uninterpretable> Problems => Ingress.Concat(Egress).SelectMany(p => p.Problems).ToArray();

    public IReadOnlyList<GroupPermission> Of(bool ingress) => ingress ? Ingress : Egress;

    private GroupPermission[] Read(bool ingress)
    {
        var permissions = ingress ? Group.IpPermissions : Group.IpPermissionsEgress;
        var read = new GroupPermission[permissions.Count];
        for (int i = 0; i < read.Length; i++) read[i] = new GroupPermission(Group.GroupId, ingress, i, permissions[i]);
        return read;
    }
}

/// <summary>A CIDR a rule names, with its text as captured (the evidence shown for it).</summary>
public readonly record struct RuleCidr(Cidr Cidr, string Text);

/// <summary>
/// One permission (<c>IpPermission</c>) of a group, read: what it covers (protocol, ports or ICMP type/code) and whom
/// (CIDRs of each family, prefix lists, referenced groups). A part that could not be read is null or listed under
/// its problems, never dropped: a rule that might allow is evaluated as "maybe". Whom it names is read on first use:
/// most permissions a path meets do not cover its traffic, and are never asked.
/// </summary>
public sealed class GroupPermission
{
    private Sources? _sources;

    internal GroupPermission(string groupId, bool ingress, int index, IpPermission permission)
    {
        GroupId = groupId; Ingress = ingress; Index = index; Permission = permission;
        Protocol = IpProtocol.TryParse(permission.IpProtocol, out var parsed, out var error) ? parsed : null;
        if (Protocol is null) CoverageProblem = Problem("IpProtocol", error);
        else if (Protocol.Value.HasPorts)
        {
            Ports = RulePorts(permission.FromPort, permission.ToPort, out var why);
            if (Ports is null) CoverageProblem = Problem(why!.Value.Field, why.Value.Reason);
        }
        else if (Protocol.Value.IsIcmp)
        {
            // For ICMP, FromPort is the type and ToPort the code (SEMANTICS 6).
            if (permission.FromPort is < -1 or > 255) CoverageProblem = Problem("FromPort", $"ICMP type {permission.FromPort} is outside -1-255");
            else if (permission.ToPort is < -1 or > 255) CoverageProblem = Problem("ToPort", $"ICMP code {permission.ToPort} is outside -1-255");
            else Icmp = (permission.FromPort ?? -1, permission.ToPort ?? -1);
        }
    }

    public string GroupId { get; }
    public bool Ingress { get; }
    /// <summary>0-based position in <c>IpPermissions</c> or <c>IpPermissionsEgress</c>.</summary>
    public int Index { get; }
    public IpPermission Permission { get; }

    /// <summary>Null when <c>IpProtocol</c> could not be read.</summary>
    public IpProtocol? Protocol { get; }
    /// <summary>TCP/UDP ports (all for other protocols); null when FromPort/ToPort could not be read.</summary>
    public PortRange? Ports { get; } = PortRange.All;
    /// <summary>ICMP type and code (-1 for any); null for ICMP when they could not be read.</summary>
    public (int Type, int Code)? Icmp { get; } = (-1, -1);
    /// <summary>Why protocol, ports or ICMP type/code could not be read: which traffic the permission covers is unknown.</summary>
    public Uninterpretable? CoverageProblem { get; }

    public IReadOnlyList<RuleCidr> Ipv4 => Whom.Ipv4;
    public IReadOnlyList<RuleCidr> Ipv6 => Whom.Ipv6;
    /// <summary>IpRanges (IPv4) and Ipv6Ranges entries (and prefix-list references) that could not be read: they may name any address of their family.</summary>
    public IReadOnlyList<Uninterpretable> Ipv4Problems => Whom.Ipv4Problems;
    public IReadOnlyList<Uninterpretable> Ipv6Problems => Whom.Ipv6Problems;
    public IReadOnlyList<string> PrefixListIds => Whom.PrefixListIds;
    /// <summary>References to groups that can match (stale references across a deleted peering left out).</summary>
    public IReadOnlyList<UserIdGroupPair> References => Whom.References;
    /// <summary>References that name no group id: they may name any group.</summary>
    public IReadOnlyList<Uninterpretable> ReferenceProblems => Whom.ReferenceProblems;

    public IEnumerable<Uninterpretable> Problems =>
        (CoverageProblem is null ? [] : new[] { CoverageProblem }).Concat(Ipv4Problems).Concat(Ipv6Problems).Concat(ReferenceProblems).Distinct();

    /// <summary>The CIDRs of one family, and the entries of it that could not be read.</summary>
    public (IReadOnlyList<RuleCidr> Cidrs, IReadOnlyList<Uninterpretable> Problems) Family(bool ipv6) =>
        ipv6 ? (Whom.Ipv6, Whom.Ipv6Problems) : (Whom.Ipv4, Whom.Ipv4Problems);

    private Sources Whom => _sources ?? LazyInitializer.EnsureInitialized(ref _sources, () => new Sources(this));

    /// <summary>A value that could not be read, named by its place in the group (the text is built only then).</summary>
    private Uninterpretable Problem(string field, string reason) =>
        new(GroupId, string.Create(CultureInfo.InvariantCulture, $"{(Ingress ? "IpPermissions" : "IpPermissionsEgress")}[{Index}].{field}"), reason);

    /// <summary>Whom the permission names, read from its ranges, prefix lists and group pairs.</summary>
    private sealed class Sources
    {
        public IReadOnlyList<RuleCidr> Ipv4 { get; } = [];
        public IReadOnlyList<RuleCidr> Ipv6 { get; } = [];
        public IReadOnlyList<Uninterpretable> Ipv4Problems { get; } = [];
        public IReadOnlyList<Uninterpretable> Ipv6Problems { get; } = [];
        public IReadOnlyList<string> PrefixListIds { get; } = [];
        public IReadOnlyList<UserIdGroupPair> References { get; } = [];
        public IReadOnlyList<Uninterpretable> ReferenceProblems { get; } = [];

        public Sources(GroupPermission owner)
        {
            var p = owner.Permission;
            List<Uninterpretable>? v4Problems = null, v6Problems = null, referenceProblems = null;
            if (p.IpRanges.Count > 0)
            {
                var v4 = new List<RuleCidr>(p.IpRanges.Count);
                for (int j = 0; j < p.IpRanges.Count; j++)
                    if (ReadCidr(p.IpRanges[j].CidrIp, ipv6: false, v4) is { } why) (v4Problems ??= []).Add(owner.Problem($"IpRanges[{j}].CidrIp", why));
                Ipv4 = v4;
            }
            if (p.Ipv6Ranges.Count > 0)
            {
                var v6 = new List<RuleCidr>(p.Ipv6Ranges.Count);
                for (int j = 0; j < p.Ipv6Ranges.Count; j++)
                    if (ReadCidr(p.Ipv6Ranges[j].CidrIpv6, ipv6: true, v6) is { } why) (v6Problems ??= []).Add(owner.Problem($"Ipv6Ranges[{j}].CidrIpv6", why));
                Ipv6 = v6;
            }
            if (p.PrefixListIds.Count > 0)
            {
                var prefixLists = new List<string>(p.PrefixListIds.Count);
                for (int j = 0; j < p.PrefixListIds.Count; j++)
                {
                    // A prefix list without an id may be any list: it may name any address (both families).
                    if (string.IsNullOrEmpty(p.PrefixListIds[j].PrefixListId))
                    {
                        var missing = owner.Problem($"PrefixListIds[{j}].PrefixListId", "is missing: which prefix list it means is unknown");
                        (v4Problems ??= []).Add(missing);
                        (v6Problems ??= []).Add(missing);
                    }
                    else prefixLists.Add(p.PrefixListIds[j].PrefixListId);
                }
                PrefixListIds = prefixLists;
            }
            if (p.UserIdGroupPairs.Count > 0)
            {
                var references = new List<UserIdGroupPair>(p.UserIdGroupPairs.Count);
                for (int j = 0; j < p.UserIdGroupPairs.Count; j++)
                {
                    var pair = p.UserIdGroupPairs[j];
                    // A reference across a deleted peering is stale: it matches nothing (SEMANTICS 4).
                    if (ResourceState.Is(pair.PeeringStatus, "deleted")) continue;
                    if (string.IsNullOrEmpty(pair.GroupId))
                        (referenceProblems ??= []).Add(owner.Problem($"UserIdGroupPairs[{j}].GroupId", $"is missing (group name '{pair.GroupName}'): which group it means is unknown"));
                    else references.Add(pair);
                }
                References = references;
            }
            Ipv4Problems = v4Problems ?? (IReadOnlyList<Uninterpretable>)[];
            Ipv6Problems = v6Problems ?? (IReadOnlyList<Uninterpretable>)[];
            ReferenceProblems = referenceProblems ?? (IReadOnlyList<Uninterpretable>)[];
        }
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

    /// <summary>Adds the CIDR to its family's list, or says why it cannot be read.</summary>
    private static string? ReadCidr(string? text, bool ipv6, List<RuleCidr> cidrs)
    {
        // EC2 rejects host bits, but hand-written snapshots may carry them: normalise rather than lose the rule.
        if (!Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise)) return string.IsNullOrWhiteSpace(text) ? "is empty or missing" : error;
        if (cidr.IsIPv6 != ipv6) return $"'{text}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR in an {(ipv6 ? "IPv6" : "IPv4")} field";
        cidrs.Add(new RuleCidr(cidr, text!));
        return null;
    }
}
