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

/// <summary>An <c>IpRanges</c> or <c>Ipv6Ranges</c> entry, read.</summary>
/// <param name="Cidr">Its CIDR; null when it cannot be read.</param>
/// <param name="Problem">Why it cannot be read; null when it can.</param>
/// <param name="EitherFamily">The problem leaves the family open (a CIDR of the other family in the field): it may name addresses of both.</param>
public readonly record struct RangeReading(RuleCidr? Cidr, Uninterpretable? Problem, bool EitherFamily);

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

    /// <summary>
    /// Entry <paramref name="j"/> of <c>IpRanges</c> (or <c>Ipv6Ranges</c>), read: its CIDR, or why it cannot be read. A CIDR of
    /// the other family in the field may have been meant for either family, so it may name any address of both.
    /// </summary>
    public RangeReading Range(bool ipv6, int j)
    {
        var text = ipv6 ? Permission.Ipv6Ranges[j].CidrIpv6 : Permission.IpRanges[j].CidrIp;
        // EC2 rejects host bits, but hand-written snapshots may carry them: normalise rather than lose the rule.
        bool read = Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise);
        if (read && cidr.IsIPv6 == ipv6) return new(new RuleCidr(cidr, text!), null, false);
        var field = ipv6 ? $"Ipv6Ranges[{j}].CidrIpv6" : $"IpRanges[{j}].CidrIp";
        if (!read) return new(null, Problem(field, string.IsNullOrWhiteSpace(text) ? "is empty or missing" : error), false);
        return new(null, Problem(field, $"'{text}' is an {(cidr.IsIPv6 ? "IPv6" : "IPv4")} CIDR in an {(ipv6 ? "IPv6" : "IPv4")} field: which family it was meant for cannot be told"), true);
    }

    /// <summary>Entry <paramref name="j"/> of <c>PrefixListIds</c>: the list's id, or why it names no list (it may then be any list, of either family).</summary>
    public (string? Id, Uninterpretable? Problem) PrefixList(int j) =>
        Permission.PrefixListIds[j].PrefixListId is { Length: > 0 } id ? (id, null)
        : (null, Problem($"PrefixListIds[{j}].PrefixListId", "is missing: which prefix list it means is unknown"));

    /// <summary>
    /// Entry <paramref name="j"/> of <c>UserIdGroupPairs</c>: the reference, or why it names no group (it may then be any group);
    /// neither for a reference across a deleted peering, which is stale and matches nothing (SEMANTICS 4). A group id written as
    /// the console writes another account's (<c>account/sg-…</c>) is read as that account's group: compared as text it matched
    /// no interface's group, and the reference admitted nobody.
    /// </summary>
    public (UserIdGroupPair? Reference, Uninterpretable? Problem) Reference(int j)
    {
        var pair = Permission.UserIdGroupPairs[j];
        if (ResourceState.Is(pair.PeeringStatus, "deleted")) return (null, null);
        if (string.IsNullOrEmpty(pair.GroupId))
            return (null, Problem($"UserIdGroupPairs[{j}].GroupId", $"is missing (group name '{pair.GroupName}'): which group it means is unknown"));
        return Named(pair) is { } named ? (named, null)
            : (null, Problem($"UserIdGroupPairs[{j}].GroupId", $"'{pair.GroupId}' is not a group id nor account/group id{(pair.UserId is { Length: > 0 } u ? $" of UserId {u}" : "")}: which group it means is unknown"));
    }

    /// <summary>
    /// The group a reference names, its id read as <see cref="Reference"/> reads it (<c>account/sg-…</c> as that account's
    /// group), whatever its peering's state; null when the id is missing or malformed (it may then mean any group).
    /// </summary>
    public static UserIdGroupPair? Named(UserIdGroupPair pair)
    {
        if (string.IsNullOrEmpty(pair.GroupId)) return null;
        if (pair.GroupId.IndexOf('/') is not (var slash and >= 0)) return pair;
        var (account, id) = (pair.GroupId[..slash], pair.GroupId[(slash + 1)..]);
        if (account.Length == 0 || id.Length == 0 || id.Contains('/') || pair.UserId is { Length: > 0 } user && user != account) return null;
        return pair with { UserId = account, GroupId = id };
    }

    /// <summary>Whom the permission names, read entry by entry (<see cref="Range"/>, <see cref="PrefixList"/>, <see cref="Reference"/>).</summary>
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
            void Either(bool ipv6, bool both, Uninterpretable problem)
            {
                if (!ipv6 || both) (v4Problems ??= []).Add(problem);
                if (ipv6 || both) (v6Problems ??= []).Add(problem);
            }
            List<RuleCidr> Ranges(bool ipv6, int count)
            {
                var cidrs = new List<RuleCidr>(count);
                for (int j = 0; j < count; j++)
                {
                    var read = owner.Range(ipv6, j);
                    if (read.Cidr is { } c) cidrs.Add(c);
                    else Either(ipv6, read.EitherFamily, read.Problem!);
                }
                return cidrs;
            }
            if (p.IpRanges.Count > 0) Ipv4 = Ranges(false, p.IpRanges.Count);
            if (p.Ipv6Ranges.Count > 0) Ipv6 = Ranges(true, p.Ipv6Ranges.Count);
            if (p.PrefixListIds.Count > 0)
            {
                var prefixLists = new List<string>(p.PrefixListIds.Count);
                for (int j = 0; j < p.PrefixListIds.Count; j++)
                {
                    var (id, problem) = owner.PrefixList(j);
                    if (id is not null) prefixLists.Add(id);
                    else Either(false, true, problem!);
                }
                PrefixListIds = prefixLists;
            }
            if (p.UserIdGroupPairs.Count > 0)
            {
                var references = new List<UserIdGroupPair>(p.UserIdGroupPairs.Count);
                for (int j = 0; j < p.UserIdGroupPairs.Count; j++)
                {
                    var (pair, problem) = owner.Reference(j);
                    if (pair is not null) references.Add(pair);
                    else if (problem is not null) (referenceProblems ??= []).Add(problem);
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
}
