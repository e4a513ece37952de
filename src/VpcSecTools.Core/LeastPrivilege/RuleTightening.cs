using System.Globalization;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// Tightening proposals from the evidence, one per rule broader than its use, broadest rule first, each judged against the
/// rules as the safe proposals before it leave them (two rules that each make the other redundant are not both removed):
/// <list type="bullet">
/// <item>an unused rule, or one whose every flow a remaining rule also admits: remove it;</item>
/// <item>otherwise the flows only it admits, as security-group references where their peers are ENIs whose groups reach
/// the rule's ENI with their identity (same VPC, same-region peering), else as the fewest CIDRs that hold exactly the peer
/// addresses (more than <see cref="RuleUsageOptions.MaxCidrs"/> keep the rule's own source), on the ports they used.</item>
/// </list>
/// A proposal is safe only if it would have dropped no flow of the window, every ENI of the group was logged, and no peer it
/// relies on is gone from the snapshot (an ENI deleted since, whose groups are unknown).
/// </summary>
internal sealed class RuleTightening(SnapshotIndex index, SourceRules book, RuleAttribution attribution, WindowCoverage coverage,
    IReadOnlyDictionary<int, UsageVerdict> verdicts, RuleUsageOptions options)
{
    private readonly HashSet<int> _revoked = [];
    private readonly AddedRules _added = new();
    private readonly Dictionary<(int Rule, string Group), bool> _within = [];
    private int _nextSyntheticId = -1;

    public IReadOnlyList<RuleProposal> Propose(IEnumerable<SecurityGroup> groups)
    {
        var exposure = new TighteningExposure(index, book, options.Shortcuts);
        var candidates = groups.SelectMany(g => book.Of(g.GroupId, true).Concat(book.Of(g.GroupId, false)))
            .Where(r => verdicts.GetValueOrDefault(r.Id) != UsageVerdict.Unknown && r.Problem is null && index.EnisInGroup(r.GroupId).Count > 0)
            .OrderByDescending(r => r, Comparer<SourceRule>.Create((a, b) => Breadth.Compare(index, a, b)))
            .ToList();
        var proposals = new List<(SourceRule Rule, RuleProposal Proposal)>();
        foreach (var rule in candidates)
        {
            var draft = verdicts[rule.Id] == UsageVerdict.Unused ? Unused(rule) : Used(rule);
            if (draft is null) continue;
            var (proposal, added) = draft.Value;
            proposal = proposal with { Region = index.RegionOf(rule.GroupId)?.Region ?? "", GroupName = rule.Rule.Group.GroupName, VpcId = rule.Rule.Group.VpcId };
            var before = (Func<SourceRule, bool>)(r => _revoked.Contains(r.Id));
            var after = (Func<SourceRule, bool>)(r => _revoked.Contains(r.Id) || r.Id == rule.Id);
            proposal = exposure.Of(rule, proposal, before, _added, after, _added.With(added));
            if (proposal.Safe)
            {
                _revoked.Add(rule.Id);
                _added.AddRange(added);
            }
            proposals.Add((rule, proposal));
        }
        return proposals.OrderBy(p => p.Rule.GroupId, StringComparer.Ordinal).ThenBy(p => p.Rule.Id).Select(p => p.Proposal).ToList();
    }

    private (RuleProposal, IReadOnlyList<SourceRule>)? Unused(SourceRule rule) =>
        (Draft(rule, ProposalAction.Remove, rule.IsStale ? $"revoke {rule.Text}: a stale reference, it matches nothing"
            : $"revoke {rule.Text}: no flow used it in {coverage.Window}", []), []);

    private (RuleProposal, IReadOnlyList<SourceRule>)? Used(SourceRule rule)
    {
        var tally = attribution.TallyOf(rule)!;
        var flows = tally.FlowIndexes.Select(i => attribution.Flows[i]).ToList();
        // The flows only this rule admits once it (and what earlier proposals revoke) is gone.
        var needed = flows.Where(f => !Admitted(f, r => _revoked.Contains(r.Id) || r.Id == rule.Id, _added)).ToList();
        if (needed.Count == 0)
        {
            var keeping = flows.SelectMany(f => Admitting(f, r => _revoked.Contains(r.Id) || r.Id == rule.Id, _added)).Select(r => $"{r.GroupId} {r.Rule.Source}")
                .Distinct().Order(StringComparer.Ordinal).Take(4);
            var draft = Draft(rule, ProposalAction.Remove, $"revoke {rule.Text}: every flow it admitted in {coverage.Window} is also admitted by {string.Join(", ", keeping)}", []);
            return Judge(draft, rule, tally, flows, needed, []);
        }
        var notes = new SortedSet<string>(StringComparer.Ordinal);
        var authorize = Replacement(rule, needed, notes);
        var synthetic = authorize.SelectMany(p => Flatten(rule, p)).ToList();
        // Rules the group already has are not authorized again; a proposal that keeps the rule itself is no proposal.
        synthetic = synthetic.Where(s => !Exists(rule, s)).ToList();
        if (synthetic.Any(s => Same(s, rule))) return null;
        var change = $"replace {rule.Text} with {string.Join("; ", synthetic.Select(s => s.Text))}{(notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})")}";
        var proposal = Draft(rule, synthetic.Count == 0 ? ProposalAction.Remove : ProposalAction.Replace, change, synthetic.Select(Spec).ToValueList());
        // Internet clients change address, and on an open port most of what one window sees is scanning: a rule narrowed to
        // the addresses of one window is a person's decision (keep the service public, or close it), never offered as safe.
        var internet = rule.Ingress ? needed.Where(f => f.Peer.Attribution?.Scope == IpMap.AttributionScope.Public).Select(f => f.Key.Peer).Distinct().Count() : 0;
        var caution = internet == 0 ? null
            : $"it would name the {internet} internet address(es) seen in {coverage.Window}: internet clients change address and open ports draw scanners, so decide whether the service should be public at all";
        return Judge(proposal, rule, tally, flows, needed, synthetic, caution);
    }

    /// <summary>
    /// Drops (flows no rule admits after the change) and what else makes a proposal unsafe. Only the flows the rule alone
    /// admitted (<paramref name="needed"/>) can be dropped: the rules the change adds only admit more.
    /// </summary>
    private (RuleProposal, IReadOnlyList<SourceRule>) Judge(RuleProposal proposal, SourceRule rule, RuleTally tally, List<AttributedFlow> flows, List<AttributedFlow> needed,
        IReadOnlyList<SourceRule> added, string? caution = null)
    {
        Func<SourceRule, bool> after = r => _revoked.Contains(r.Id) || r.Id == rule.Id;
        var extra = _added.With(added);
        var dropped = (options.Shortcuts ? needed : flows).Where(f => !Admitted(f, after, extra)).ToList();
        // A flow the rule may have admitted (its side uncertain, a peer whose groups cannot be seen) may be dropped too,
        // unless a rule that stays admits it, or may.
        var mayDrop = tally.MaybeIndexes.Select(i => attribution.MaybeFlows[i]).Where(f => !MayBeAdmitted(f, after, extra)).ToList();
        // Sums that saturate (FlowText.Add) where LINQ's Sum throws past the largest long.
        static long Total(IEnumerable<long> values) => values.Aggregate(0L, FlowText.Add);
        long droppedFlows = FlowText.Add(Total(dropped.Select(f => f.Sums.Records)), Total(mayDrop.Select(f => f.Sums.Records)));
        long droppedBytes = FlowText.Add(Total(dropped.Select(f => f.Sums.Bytes)), Total(mayDrop.Select(f => f.Sums.Bytes)));
        string? withheld = null;
        if (dropped.Count > 0)
            withheld = $"it would have dropped {SaturatingSum.Text(Total(dropped.Select(f => f.Sums.Records)))} flow(s), {SaturatingSum.Text(Total(dropped.Select(f => f.Sums.Bytes)))} bytes, of {dropped.Select(f => f.Key.Peer).Distinct().Count()} peer(s) observed in the window";
        else if (mayDrop.Count > 0)
            withheld = $"it may have dropped {SaturatingSum.Text(Total(mayDrop.Select(f => f.Sums.Records)))} flow(s) observed in the window that it may have admitted and no rule that stays admits: {tally.MaybeWhy}";
        else if (flows.FirstOrDefault(f => f.Peer.Kind == PeerKind.GoneEni && added.Count > 0) is { } gone)
            withheld = $"its peer {gone.Key.Peer} is held by no network interface of the snapshot now ({gone.Peer.Owner}): a short-lived interface (Lambda, ECS) gets another address";
        else withheld = Gap(rule) ?? caution;
        return (proposal with
        {
            Safe = withheld is null, Withheld = withheld, DroppedFlows = droppedFlows, DroppedBytes = droppedBytes,
            DroppedPeers = dropped.Concat(mayDrop).Select(f => $"{f.Key.Peer} ({f.Peer.Owner})").Distinct().Take(options.MaxPeers).ToValueList(),
        }, added);
    }

    /// <summary>Why a flow of the group's ENIs might have gone unseen: the same evidence an "unused" verdict needs.</summary>
    private string? Gap(SourceRule rule)
    {
        foreach (var eni in index.EnisInGroup(rule.GroupId))
        {
            if (coverage.GapOf(eni, accept: true, reject: false) is { } gap) return $"flows it admits may be missing from the window: {gap}";
            if (attribution.Unexplained(eni.NetworkInterfaceId) is { } u) return $"{eni.NetworkInterfaceId} has {u.Flows} ACCEPTed flow(s) no rule of the snapshot allows";
            if (coverage.Unplaced(eni) > 0) return $"{eni.NetworkInterfaceId} logged records with neither address its own";
        }
        return null;
    }

    private RuleProposal Draft(SourceRule rule, ProposalAction action, string change, ValueList<ProposedRule> authorize)
    {
        var t = attribution.TallyOf(rule);
        return new RuleProposal
        {
            Safe = true, Action = action, GroupId = rule.GroupId, Direction = rule.Rule.Direction, Rule = rule.Text, Change = change,
            Revoke = [Spec(rule) with { Description = null }], Authorize = authorize, Flows = t?.Flows ?? 0, Bytes = t?.Bytes ?? 0,
        };
    }

    private bool Admitted(AttributedFlow f, Func<SourceRule, bool> except, AddedRules extra) => Admitting(f, except, extra).Any();

    private bool MayBeAdmitted(AttributedFlow f, Func<SourceRule, bool> except, AddedRules extra)
    {
        var yes = new List<SourceRule>();
        var maybe = new List<SourceRule>();
        AllowingRules.Find(book, f.Eni, f.Ingress, f.Peer, f.Protocol, f.Ports, yes, maybe, except, extra);
        return yes.Count + maybe.Count > 0;
    }

    private List<SourceRule> Admitting(AttributedFlow f, Func<SourceRule, bool> except, AddedRules extra)
    {
        var yes = new List<SourceRule>();
        AllowingRules.Find(book, f.Eni, f.Ingress, f.Peer, f.Protocol, f.Ports, yes, null, except, extra);
        return yes;
    }

    /// <summary>
    /// The permissions that admit exactly what the flows needed, within the rule: per protocol, the sources seen on each
    /// port (ports seen by the same sources share a permission); past <see cref="RuleUsageOptions.MaxPortRanges"/> port
    /// ranges, the rule's own ports with every source.
    /// </summary>
    private List<IpPermission> Replacement(SourceRule rule, List<AttributedFlow> needed, SortedSet<string> notes)
    {
        var permissions = new List<IpPermission>();
        foreach (var byProtocol in needed.GroupBy(f => f.Key.Protocol).OrderBy(g => g.Key))
        {
            var protocol = new IpProtocol(byProtocol.Key);
            var perPorts = byProtocol.GroupBy(f => protocol.HasPorts ? f.Ports : null)
                .Select(g => (Ports: g.Key, Sources: Sources(rule, g.ToList(), notes))).ToList();
            var shared = perPorts.GroupBy(p => string.Join(" ", p.Sources.Select(x => x.Kind + ":" + x.Value)))
                .Select(g => (Ports: protocol.HasPorts ? new PortSet(g.Select(p => p.Ports!.Value)).Ranges : [], g.First().Sources)).ToList();
            if (protocol.HasPorts && shared.Sum(x => x.Ports.Count) > options.MaxPortRanges)
            {
                notes.Add($"{protocol} used more than {options.MaxPortRanges} port ranges: the rule's own ports stay");
                var all = shared.SelectMany(x => x.Sources).DistinctBy(x => x.Kind + ":" + x.Value).ToList();
                permissions.Add(Permission(protocol, rule.Rule.Protocol.IsAll ? PortRange.All : rule.Rule.Ports, all, rule));
                continue;
            }
            foreach (var (ports, sources) in shared)
            {
                if (!protocol.HasPorts) permissions.Add(Permission(protocol, null, sources, rule));
                else foreach (var range in ports) permissions.Add(Permission(protocol, range, sources, rule));
            }
        }
        return permissions;
    }

    /// <summary>
    /// Whom a replacement names for these flows, never more than the rule did: the groups of peers whose identity reaches
    /// the rule's ENIs, among groups whose every member the rule admits (fewest groups, each with as few unobserved members as
    /// it can; a default group only when nothing else covers), then the other peers' addresses as the fewest CIDRs that hold
    /// exactly them. The rule's own source stays for peers that cannot be named that way: past <see cref="RuleUsageOptions.MaxCidrs"/>
    /// CIDRs (500 internet clients stay a public rule), AWS service addresses, and internet destinations of an outbound rule
    /// (both change address).
    /// </summary>
    private List<(string Kind, string Value, UserIdGroupPair? Pair)> Sources(SourceRule rule, List<AttributedFlow> flows, SortedSet<string> notes)
    {
        var result = new List<(string, string, UserIdGroupPair?)>();
        bool keep = false;
        var unstable = flows.Where(f => f.Peer.Attribution?.Scope == IpMap.AttributionScope.AwsService
            || !rule.Ingress && f.Peer.Attribution?.Scope == IpMap.AttributionScope.Public).ToList();
        if (unstable.Count > 0)
        {
            keep = true;
            notes.Add(rule.Ingress ? "AWS service addresses change: the rule's own source stays for them" : "internet destinations change address: the rule's own destination stays for them");
        }
        // Flows are distinct objects of distinct flow kinds: told apart by reference, not by hashing every field.
        var rest = flows.Except<AttributedFlow>(unstable, options.Shortcuts ? ReferenceEqualityComparer.Instance : EqualityComparer<AttributedFlow>.Default).ToList();
        var byGroup = rest.Where(f => f.Peer is { Kind: PeerKind.Eni, IdentityPreserved: true, NetworkInterface.Groups.Count: > 0 }).ToList();
        var uncovered = byGroup.Select(f => f.Peer.NetworkInterface!).Distinct().ToHashSet();
        var covered = new HashSet<NetworkInterface>();
        while (uncovered.Count > 0)
        {
            var best = uncovered.SelectMany(e => e.Groups.Select(g => g.GroupId)).Distinct(StringComparer.Ordinal).Where(g => Within(rule, g))
                .Select(g => (Group: g, Covers: uncovered.Count(e => e.Groups.Any(x => x.GroupId == g)), Members: Math.Max(1, index.EnisInGroup(g).Count),
                    IsDefault: index.SecurityGroups.GetValueOrDefault(g)?.GroupName == "default"))
                .OrderBy(c => c.IsDefault).ThenByDescending(c => (double)c.Covers / c.Members).ThenByDescending(c => c.Covers).ThenBy(c => c.Group, StringComparer.Ordinal)
                .FirstOrDefault();
            if (best.Group is null) break;
            var flow = byGroup.First(f => f.Peer.NetworkInterface!.Groups.Any(x => x.GroupId == best.Group));
            result.Add(("group", best.Group, Pair(rule, best.Group, flow)));
            foreach (var e in uncovered.Where(e => e.Groups.Any(x => x.GroupId == best.Group)).ToList())
            {
                uncovered.Remove(e);
                covered.Add(e);
            }
        }
        var addresses = rest.Where(f => f.Peer.NetworkInterface is not { } e || !covered.Contains(e)).Select(f => f.Key.Peer).Distinct().ToList();
        foreach (var family in addresses.GroupBy(a => a.IsIPv6))
        {
            var cidrs = Aggregate(family.ToList());
            if (cidrs is null || cidrs.Count > options.MaxCidrs)
            {
                keep = true;
                notes.Add(string.Create(CultureInfo.InvariantCulture, $"{family.Count()} {(family.Key ? "IPv6" : "IPv4")} peers need more than {options.MaxCidrs} CIDRs: the rule's own source stays for them"));
                continue;
            }
            foreach (var c in cidrs) result.Add((c.IsIPv6 ? "ipv6" : "ipv4", c.ToString(), null));
        }
        // The rule's own source holds every other source here: keeping it, they add nothing.
        return keep ? [(RuleSourceKindText(rule), rule.Rule.Source, rule.Pair)] : result;
    }

    /// <summary>Whether every member of <paramref name="groupId"/> is one the rule admits (every private address inside it, or in its group): a reference to it widens nothing.</summary>
    private bool Within(SourceRule rule, string groupId)
    {
        // The snapshot's answer: each rule asks it of the same groups once per peer it covers.
        if (!options.Shortcuts) return IsWithin(rule, groupId);
        if (!_within.TryGetValue((rule.Id, groupId), out bool within)) _within[(rule.Id, groupId)] = within = IsWithin(rule, groupId);
        return within;
    }

    private bool IsWithin(SourceRule rule, string groupId)
    {
        if (!index.Captured(groupId, Section.NetworkInterfaces) && !index.SecurityGroups.ContainsKey(groupId)) return false;
        var members = index.EnisInGroup(groupId);
        if (members.Count == 0) return false;
        if (rule.Rule.Kind == RuleSourceKind.SecurityGroup)
            return rule.Pair?.GroupId is { Length: > 0 } x && members.All(m => m.Groups.Any(g => g.GroupId == x));
        var cidrs = rule.Rule.Cidrs;
        if (cidrs is null) return false;
        // A reference admits every private address of its members; a family none of the rule's ENIs has cannot be used.
        var families = index.EnisInGroup(rule.GroupId).SelectMany(PrivateAddresses).Select(a => a.IsIPv6).ToHashSet();
        return members.All(m => PrivateAddresses(m).Where(a => families.Contains(a.IsIPv6)).All(a => cidrs.Any(c => c.IsIPv6 == a.IsIPv6 && c.Contains(a))));
    }

    private static IEnumerable<IpAddress> PrivateAddresses(NetworkInterface eni)
    {
        foreach (var text in eni.PrivateIpAddresses.Select(p => p.PrivateIpAddress).Append(eni.PrivateIpAddress).Concat(eni.Ipv6Addresses.Select(a => a.Ipv6Address)))
            if (text is not null && IpAddress.TryParse(text, out var ip)) yield return ip;
        foreach (var prefix in eni.Ipv4Prefixes.Select(p => p.Ipv4Prefix).Concat(eni.Ipv6Prefixes.Select(p => p.Ipv6Prefix)))
            if (Cidr.TryParse(prefix, out var c, HostBits.Normalise)) { yield return c.First; yield return c.Last; }
    }

    private static string RuleSourceKindText(SourceRule r) => r.Rule.Kind switch
    {
        RuleSourceKind.Ipv4Cidr => "ipv4",
        RuleSourceKind.Ipv6Cidr => "ipv6",
        RuleSourceKind.PrefixList => "prefix-list",
        _ => "group",
    };

    /// <summary>
    /// A reference to <paramref name="groupId"/> as the rule's group names it: with the account when it is another's
    /// (<c>account/sg-…</c>, VPC peering guide), and the peering it crosses.
    /// </summary>
    private UserIdGroupPair Pair(SourceRule rule, string groupId, AttributedFlow flow)
    {
        var owner = index.SecurityGroups.GetValueOrDefault(groupId)?.OwnerId ?? flow.Peer.NetworkInterface?.OwnerId;
        return new UserIdGroupPair
        {
            GroupId = groupId, UserId = owner is not null && owner != rule.Rule.Group.OwnerId ? owner : null,
            VpcPeeringConnectionId = flow.Peer.Attribution?.Scope == IpMap.AttributionScope.PeeredVpc ? flow.Peer.Attribution.VpcPeeringConnectionId : null,
        };
    }

    /// <summary>The fewest CIDRs whose union is exactly these addresses (siblings merged); null past a few thousand addresses.</summary>
    internal static List<Cidr>? Aggregate(IReadOnlyList<IpAddress> addresses)
    {
        if (addresses.Count > 4096) return null;
        var cidrs = addresses.Distinct().Select(a => new Cidr(a, a.Bits)).OrderBy(c => c).ToList();
        bool merged = true;
        while (merged)
        {
            merged = false;
            var next = new List<Cidr>(cidrs.Count);
            for (int i = 0; i < cidrs.Count; i++)
            {
                var c = cidrs[i];
                if (i + 1 < cidrs.Count && c.Prefix > 0 && cidrs[i + 1].Prefix == c.Prefix && new Cidr(c.Network, c.Prefix - 1) is var parent
                    && parent.Network == c.Network && parent.Contains(cidrs[i + 1]))
                {
                    next.Add(parent);
                    i++;
                    merged = true;
                }
                else next.Add(c);
            }
            cidrs = next;
        }
        return cidrs;
    }

    private static IpPermission Permission(IpProtocol protocol, PortRange? ports, List<(string Kind, string Value, UserIdGroupPair? Pair)> sources, SourceRule rule)
    {
        // TCP/UDP name their ports; ICMP every type and code (-1); other protocols have none.
        int? from = protocol.HasPorts ? ports!.Value.From : protocol.IsIcmp ? -1 : null;
        int? to = protocol.HasPorts ? ports!.Value.To : protocol.IsIcmp ? -1 : null;
        var description = $"replaces {rule.Rule.Source} {rule.Rule.ProtocolText} {rule.Rule.PortsText}";
        return new IpPermission
        {
            IpProtocol = ProtocolText(protocol), FromPort = from, ToPort = to,
            IpRanges = sources.Where(s => s.Kind == "ipv4").Select(s => new IpRange { CidrIp = s.Value, Description = description }).ToList(),
            Ipv6Ranges = sources.Where(s => s.Kind == "ipv6").Select(s => new Ipv6Range { CidrIpv6 = s.Value, Description = description }).ToList(),
            PrefixListIds = sources.Where(s => s.Kind == "prefix-list").Select(s => new PrefixListReference { PrefixListId = s.Value, Description = description }).ToList(),
            UserIdGroupPairs = sources.Where(s => s.Kind == "group").Select(s => (s.Pair ?? new UserIdGroupPair { GroupId = s.Value }) with { Description = description }).ToList(),
        };
    }

    /// <summary>The protocol as EC2 takes it: tcp, udp, icmp, icmpv6, or the number.</summary>
    internal static string ProtocolText(IpProtocol p) => p.Number switch
    {
        -1 => "-1",
        6 => "tcp",
        17 => "udp",
        1 => "icmp",
        58 => "icmpv6",
        _ => p.Number.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>One rule as EC2 takes it: its protocol and ports as the permission holds them, and its one source.</summary>
    private static ProposedRule Spec(SourceRule rule)
    {
        var raw = Raw(rule);
        var path = rule.Rule.Path;
        int j = int.Parse(path[(path.LastIndexOf('[') + 1)..^1], CultureInfo.InvariantCulture);
        var spec = new ProposedRule { IpProtocol = raw.IpProtocol, FromPort = raw.FromPort, ToPort = raw.ToPort, Text = rule.Text };
        return rule.Rule.Kind switch
        {
            RuleSourceKind.Ipv4Cidr => spec with { CidrIpv4 = raw.IpRanges[j].CidrIp, Description = raw.IpRanges[j].Description },
            RuleSourceKind.Ipv6Cidr => spec with { CidrIpv6 = raw.Ipv6Ranges[j].CidrIpv6, Description = raw.Ipv6Ranges[j].Description },
            RuleSourceKind.PrefixList => spec with { PrefixListId = raw.PrefixListIds[j].PrefixListId, Description = raw.PrefixListIds[j].Description },
            _ => spec with
            {
                ReferencedGroupId = rule.Pair!.GroupId, ReferencedUserId = rule.Pair.UserId is { } u && u != rule.Rule.Group.OwnerId ? u : null,
                VpcPeeringConnectionId = rule.Pair.VpcPeeringConnectionId, Description = rule.Pair.Description,
            },
        };
    }

    private IEnumerable<SourceRule> Flatten(SourceRule rule, IpPermission permission)
    {
        var group = rule.Rule.Group with
        {
            IpPermissions = rule.Ingress ? [permission] : [], IpPermissionsEgress = rule.Ingress ? [] : [permission],
        };
        var flat = SecurityGroupRule.Of(group, rule.Rule.Direction, index);
        int pair = 0;
        foreach (var r in flat)
            yield return new SourceRule(_nextSyntheticId--, r, null, r.Kind == RuleSourceKind.SecurityGroup ? permission.UserIdGroupPairs[pair++] : null);
    }

    private static IpPermission Raw(SourceRule r) => (r.Ingress ? r.Rule.Group.IpPermissions : r.Rule.Group.IpPermissionsEgress)[r.Rule.PermissionIndex];

    /// <summary>Whether the group already has a rule of this protocol, ports and source.</summary>
    private bool Exists(SourceRule rule, SourceRule candidate) =>
        book.Of(rule.GroupId, rule.Ingress).Any(r => r.Id != rule.Id && !_revoked.Contains(r.Id) && Same(candidate, r))
        || _added.Of(rule.GroupId, rule.Ingress).Any(r => Same(candidate, r));

    private static bool Same(SourceRule a, SourceRule b) =>
        a.Rule.Protocol == b.Rule.Protocol && (a.Rule.Protocol.IsAll || a.Rule.Ports == b.Rule.Ports) && a.Rule.Kind == b.Rule.Kind
        && (a.Rule.Kind == RuleSourceKind.SecurityGroup ? a.Pair?.GroupId == b.Pair?.GroupId
            : a.Rule.Cidrs is { Count: 1 } x && b.Rule.Cidrs is { Count: 1 } y && a.Rule.Kind != RuleSourceKind.PrefixList ? x[0] == y[0] : a.Rule.Source == b.Rule.Source);
}
