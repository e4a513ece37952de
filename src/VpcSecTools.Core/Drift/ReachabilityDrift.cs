using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>What the reachability comparison did: how many destinations, probes and class verdicts it computed.</summary>
/// <param name="Destinations">ENIs of either snapshot compared as destinations.</param>
/// <param name="Recomputed">Destinations for which some verdict was computed (the others: no change can reach them).</param>
/// <param name="Verdicts">Class verdicts computed, both snapshots together.</param>
/// <param name="Full">Whether every verdict was computed (no shortcut).</param>
public sealed record ReachabilityWork(int Destinations, int Recomputed, int Verdicts, bool Full);

/// <summary>
/// Who can reach what, before and after: for every ENI of either snapshot and every port range its groups' inbound rules
/// name (split where its subnet NACL splits them), the verdict of each source class (the internet over IPv4 and IPv6, each
/// VPC's ENIs, peers outside the snapshot, VPN and Direct Connect ranges), from the fan-out and the analyzer on each
/// snapshot; the pairs whose verdict differs, with the configuration changes on their paths as the cause. Only verdicts a
/// change can move are computed (<see cref="ChangeImpact"/>) unless the full recomputation is asked for.
/// </summary>
internal static partial class ReachabilityDrift
{
    /// <summary>Sections that do not feed the engine: a region lacking one of them is still compared.</summary>
    private static readonly HashSet<string> NotRead = new(StringComparer.Ordinal) { Section.FlowLogs };

    public static List<DriftChange> Compare(SnapshotIndex before, SnapshotIndex after, IReadOnlyList<ConfigurationChange> configuration, bool full, out ReachabilityWork work)
    {
        var changes = new ConcurrentBag<DriftChange>();
        var comparable = ComparableRegions(before, after, changes);
        bool Comparable(SnapshotIndex index, NetworkInterface e) => index.RegionOf(e.NetworkInterfaceId) is { } r && comparable.Contains(ConfigurationDiff.RegionKey(r));
        var sides = (Before: new ReachabilitySide(before, e => Comparable(before, e)), After: new ReachabilitySide(after, e => Comparable(after, e)));
        var impact = full ? ChangeImpact.All() : new ChangeImpact(configuration, before, after);
        var causes = configuration.ToLookup(c => c.ResourceId, StringComparer.Ordinal);
        var vpcs = sides.Before.Vpcs.Union(sides.After.Vpcs, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var vpcClasses = vpcs.ToDictionary(v => v, v => VpcClass(v, before, after), StringComparer.Ordinal);
        var (earlierClasses, laterClasses) = (SourceClass.AddressClassesOf(before).ToArray(), SourceClass.AddressClassesOf(after).ToArray());
        var addressClasses = SourceClass.Union(earlierClasses, laterClasses);
        var classKeys = (Before: earlierClasses.Select(c => c.Key).ToHashSet(StringComparer.Ordinal), After: laterClasses.Select(c => c.Key).ToHashSet(StringComparer.Ordinal));
        var destinations = before.NetworkInterfaces.Keys.Union(after.NetworkInterfaces.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select(id => (Before: Destination(before, id), After: Destination(after, id))).Where(d => d.Before is not null || d.After is not null)
            // An ENI of a region that is a gap is not compared as a destination either: its verdicts would move only by what is missing.
            .Where(d => (d.Before is null || Comparable(before, d.Before)) && (d.After is null || Comparable(after, d.After)))
            .Where(d => Addressed(d.Before, before, "reference", changes) & Addressed(d.After, after, "difference", changes)).ToArray();
        int recomputed = 0, verdicts = 0;

        Parallel.ForEach(destinations, d =>
        {
            var eni = (d.After ?? d.Before)!;
            var (home, address) = (eni.VpcId, ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false));
            var atDestination = impact.AtDestination(d.Before, d.After);
            var atHomeEdge = impact.AtEdge(home);
            // The sources whose change may concern this destination, each on its own snapshot.
            var changedSources = impact.Everything || address is null ? [] : impact.SourcesFor(address.Value).Where(s => s.Eni.VpcId is { } v && vpcClasses.ContainsKey(v)).ToArray();
            if (atDestination.Count == 0 && changedSources.Length == 0 && !impact.AtEdgesOrVpcs) return;
            var context = new Pair(d.Before, d.After, sides.Before, sides.After);
            int computed = 0;
            foreach (var probe in Probes(d.Before, d.After, before, after))
            {
                var traffic = Traffic.Of(probe.Protocol, probe.Ports.From);
                // Classes a destination-side change concerns are recomputed whole, and those across an edge that changed; the
                // others only for sources whose side changed.
                bool Whole(SourceClass c) => ChangeImpact.Concerns(atDestination, probe, c.Names)
                    || c.Key != home && (ChangeImpact.ConcernsEdge(atHomeEdge, probe, c.Names, address)
                        || c.Kind == SourceClassKind.Vpc && ChangeImpact.ConcernsEdge(impact.AtEdge(c.Key), probe, c.Names, address));
                var moved = vpcs.Where(v => impact.Vpc(v) || Whole(vpcClasses[v])).ToHashSet(StringComparer.Ordinal);
                var whole = moved.ToArray();
                var changed = changedSources.Where(s => !moved.Contains(s.Eni.VpcId!) && impact.AtSource(s.Eni, address!.Value, probe)).ToArray();
                if (changed.Length > 0)
                {
                    // Only the changed sources the destination's groups may admit, on each side: recompute their VPC whole when one moved.
                    var was = d.Before is null ? [] : sides.Before.Members(d.Before, traffic, sides.Before.Admitted(d.Before, traffic, changed.Where(s => !s.After).Select(s => s.Eni)));
                    var now = d.After is null ? [] : sides.After.Members(d.After, traffic, sides.After.Admitted(d.After, traffic, changed.Where(s => s.After).Select(s => s.Eni)));
                    computed += was.Count + now.Count;
                    // A source only one side admits is denied by the destination's groups on the other.
                    foreach (var id in was.Keys.Union(now.Keys))
                    {
                        var (a, b) = (was.TryGetValue(id, out var x) ? x : (Verdict.NotReachable, now[id].Vpc), now.TryGetValue(id, out var y) ? y : (Verdict.NotReachable, x.Vpc));
                        if (a != b) moved.Add(a.Vpc);
                    }
                }
                if (moved.Count > 0)
                {
                    var candidates = (Before: context.Candidates(sides.Before, d.Before, traffic, moved), After: context.Candidates(sides.After, d.After, traffic, moved));
                    var was = d.Before is null ? null : sides.Before.FromVpcs(d.Before, traffic, candidates.Before);
                    var now = d.After is null ? null : sides.After.FromVpcs(d.After, traffic, candidates.After);
                    computed += (was?.Sum(v => v.Value.Members.Count) ?? 0) + (now?.Sum(v => v.Value.Members.Count) ?? 0);
                    foreach (var vpc in moved.Order(StringComparer.Ordinal))
                        Report(context, vpcClasses[vpc], probe, traffic, Of(was, vpc, d.Before), Of(now, vpc, d.After), causes, changes);
                }
                foreach (var source in new[] { SourceClass.InternetIPv4, SourceClass.InternetIPv6 })
                {
                    bool v6 = source == SourceClass.InternetIPv6;
                    // Without a public address of the family on either side, both verdicts are "no public address": no change.
                    if (!Whole(source) || (d.Before is null || ReachabilitySide.PublicAddress(d.Before, v6) is null) && (d.After is null || ReachabilitySide.PublicAddress(d.After, v6) is null)) continue;
                    var was = d.Before is null ? null : sides.Before.FromInternet(d.Before, traffic, v6);
                    var now = d.After is null ? null : sides.After.FromInternet(d.After, traffic, v6);
                    computed += (was?.Members.Count ?? 0) + (now?.Members.Count ?? 0);
                    Report(context, source, probe, traffic, was, now, causes, changes);
                }
                foreach (var source in addressClasses.Where(Whole))
                {
                    var was = context.FromAddresses(sides.Before, d.Before, traffic, source, classKeys.Before);
                    var now = context.FromAddresses(sides.After, d.After, traffic, source, classKeys.After);
                    computed += (was?.Members.Count ?? 0) + (now?.Members.Count ?? 0);
                    Report(context, source, probe, traffic, was, now, causes, changes);
                }
            }
            if (computed > 0)
            {
                Interlocked.Increment(ref recomputed);
                Interlocked.Add(ref verdicts, computed);
            }
        });
        work = new ReachabilityWork(destinations.Length, recomputed, verdicts, impact.Everything);
        return changes.OrderBy(c => c is DriftGap ? 0 : 1).ThenBy(c => c.Region, StringComparer.Ordinal).ThenBy(c => (c as ReachabilityChange)?.DestinationId, StringComparer.Ordinal)
            .ThenBy(c => (c as ReachabilityChange)?.Source, StringComparer.Ordinal).ThenBy(c => (c as ReachabilityChange)?.Protocol, StringComparer.Ordinal)
            .ThenBy(c => (c as ReachabilityChange)?.Ports, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Regions both snapshots hold with the same sections the engine reads. Elsewhere a verdict could move only because a
    /// snapshot lacks what it needs: that region is a gap, Unknown, and none of its ENIs is compared.
    /// </summary>
    private static HashSet<string> ComparableRegions(SnapshotIndex before, SnapshotIndex after, ConcurrentBag<DriftChange> changes)
    {
        var comparable = new HashSet<string>(StringComparer.Ordinal);
        var earlier = before.Snapshot.Regions.ToDictionary(ConfigurationDiff.RegionKey);
        var later = after.Snapshot.Regions.ToDictionary(ConfigurationDiff.RegionKey);
        foreach (var key in earlier.Keys.Union(later.Keys))
        {
            if (!earlier.TryGetValue(key, out var a) || !later.TryGetValue(key, out var b))
            {
                var region = a ?? later[key];
                changes.Add(ConfigurationDiff.Gap(DriftKind.Reachability, region, "*", a is null ? "reference" : "difference",
                    $"{ConfigurationDiff.Where(region)} is only in the {(a is null ? "difference" : "reference")} snapshot: who can reach its ENIs, and whom they reach, is not compared (Unknown)"));
                continue;
            }
            var differing = Section.All.Select(s => s.Key).Where(s => !NotRead.Contains(s) && a.Has(s) != b.Has(s)).ToArray();
            if (differing.Length == 0) { comparable.Add(key); continue; }
            changes.Add(ConfigurationDiff.Gap(DriftKind.Reachability, b, string.Join(",", differing), string.Join(",", differing.Select(s => ConfigurationDiff.MissingIn(a, b, s)).Distinct()),
                $"{string.Join(", ", differing)} of {ConfigurationDiff.Where(b)} {(differing.Length == 1 ? "is" : "are")} in one snapshot only: reachability there is not compared (Unknown)"));
        }
        return comparable;
    }

    /// <summary>
    /// Whether the destination has an address to be reached at on that side; a damaged capture's interface without one is a gap
    /// naming it (who reaches it is Unknown), where the fan-out refused it and the whole comparison failed.
    /// </summary>
    private static bool Addressed(NetworkInterface? eni, SnapshotIndex index, string side, ConcurrentBag<DriftChange> changes)
    {
        if (eni is null || ReachabilityAnalyzer.AddressToReach(eni) is not null) return true;
        changes.Add(ConfigurationDiff.Gap(DriftKind.Reachability, index.RegionOf(eni.NetworkInterfaceId)!, Section.NetworkInterfaces, side,
            $"{eni.NetworkInterfaceId} has no private address in the {side} snapshot: who can reach it is not compared (Unknown)") with { Subject = eni.NetworkInterfaceId });
        return false;
    }

    /// <summary>The ENI as a destination: an ENI that forwards others' traffic (NAT gateway, transit gateway) serves none.</summary>
    private static NetworkInterface? Destination(SnapshotIndex index, string id) =>
        index.NetworkInterfaces.TryGetValue(id, out var eni) && !SecurityGroupEvaluator.IsUnfiltered(eni) ? eni : null;

    /// <summary>A VPC as a source class: its name and IPv4 CIDRs in either snapshot (its ENIs' addresses lie in them).</summary>
    private static SourceClass VpcClass(string vpcId, SnapshotIndex before, SnapshotIndex after)
    {
        var cidrs = before.VpcCidrs(vpcId).Concat(after.VpcCidrs(vpcId)).Where(c => !c.IsIPv6).Distinct().Order().ToArray();
        var name = (after.Vpcs.GetValueOrDefault(vpcId) ?? before.Vpcs.GetValueOrDefault(vpcId))?.Tags.NameTag();
        return new(vpcId, SourceClassKind.Vpc, $"{(name is null ? "" : name + " ")}{string.Join(", ", cidrs)}".Trim(), cidrs);
    }

    /// <summary>A VPC's verdict on one side: none when the ENI is not there; not reachable when its groups admit no source of the VPC.</summary>
    private static ClassVerdict? Of(Dictionary<string, ClassVerdict>? verdicts, string vpc, NetworkInterface? destination) =>
        destination is null ? null
        : verdicts?.GetValueOrDefault(vpc) ?? ClassVerdict.None(
            ReachabilitySide.Blocker(string.Join(", ", destination.Groups.Select(g => g.GroupId)), $"no inbound rule admits an ENI of {vpc}", ExplanationCodes.SecurityGroupRules));

    /// <summary>One port range of one protocol that the destination's groups open and its NACL treats alike, judged at its first port.</summary>
    internal readonly record struct Probe(IpProtocol Protocol, PortRange Ports);

    /// <summary>
    /// The TCP and UDP port ranges the ENI's inbound rules open in either snapshot, cut where another of those rules or an
    /// inbound entry of its subnet NACL begins or ends, so that each range is decided alike by the destination's side.
    /// </summary>
    internal static IEnumerable<Probe> Probes(NetworkInterface? before, NetworkInterface? after, SnapshotIndex earlier, SnapshotIndex later)
    {
        var opened = new List<(IpProtocol Protocol, PortRange Ports)>();
        var cuts = new Dictionary<int, SortedSet<int>> { [IpProtocol.Tcp.Number] = [0, 65536], [IpProtocol.Udp.Number] = [0, 65536] };
        foreach (var (eni, index) in new[] { (before, earlier), (after, later) })
        {
            if (eni is null) continue;
            foreach (var g in eni.Groups)
                foreach (var p in index.PermissionsOf(g.GroupId)?.Ingress ?? [])
                {
                    if (p.Protocol is not { } protocol) continue;
                    if (protocol.IsAll) { opened.Add((IpProtocol.Tcp, PortRange.All)); opened.Add((IpProtocol.Udp, PortRange.All)); }
                    else if (protocol.HasPorts && p.Ports is { } ports) opened.Add((protocol, ports));
                }
            if (eni.SubnetId is not null && index.NetworkAclOf(eni.SubnetId).Acl is { } acl)
                foreach (var rule in index.RulesOf(acl).Of(egress: false, ipv6: false).Concat(index.RulesOf(acl).Of(egress: false, ipv6: true)))
                    if (rule.Protocol is { } protocol && (protocol.IsAll || protocol.HasPorts) && rule.Ports is { IsAll: false } ports)
                        foreach (var number in protocol.IsAll ? [IpProtocol.Tcp.Number, IpProtocol.Udp.Number] : new[] { protocol.Number })
                        {
                            cuts[number].Add(ports.From);
                            cuts[number].Add(ports.To + 1);
                        }
        }
        foreach (var (protocol, ports) in opened)
        {
            cuts[protocol.Number].Add(ports.From);
            cuts[protocol.Number].Add(ports.To + 1);
        }
        foreach (var protocol in new[] { IpProtocol.Tcp, IpProtocol.Udp })
        {
            var points = cuts[protocol.Number].ToArray();
            for (int i = 0; i + 1 < points.Length; i++)
            {
                var range = new PortRange(points[i], points[i + 1] - 1);
                if (opened.Any(o => o.Protocol == protocol && o.Ports.Contains(range))) yield return new Probe(protocol, range);
            }
        }
    }

    /// <summary>A verdict pair whose reaching sources differ, as a change with its cause; nothing when they do not.</summary>
    private static void Report(Pair d, SourceClass source, Probe probe, Traffic traffic, ClassVerdict? was, ClassVerdict? now,
        ILookup<string, ConfigurationChange> configuration, ConcurrentBag<DriftChange> changes)
    {
        if (Difference(was, now) is not var (kind, moved)) return;
        var eni = (d.After ?? d.Before)!;
        var index = d.After is null ? d.BeforeSide.Index : d.AfterSide.Index;
        bool internet = source.Kind == SourceClassKind.Internet;
        var address = internet ? (d.After is { } a ? ReachabilitySide.PublicAddress(a, source == SourceClass.InternetIPv6) : null)
            ?? (d.Before is { } b ? ReachabilitySide.PublicAddress(b, source == SourceClass.InternetIPv6) : null)
            : ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false);
        // The source that explains it: the first that moved, as each snapshot has it.
        var witness = moved[0];
        var (witnessBefore, witnessAfter) = (was?.Members.FirstOrDefault(m => m.Key == witness.Key), now?.Members.FirstOrDefault(m => m.Key == witness.Key));
        var causes = Causes(d, source, probe, traffic, witness.WitnessId, witnessBefore, witnessAfter, was, now, configuration);
        var name = EniOwnerRules.Detect(eni, index).Name ?? eni.Attachment?.InstanceId;
        var ports = $"{probe.Protocol}/{probe.Ports}";
        var because = causes.Count == 0 ? "no configuration change on the paths compared (see the configuration changes)"
            : string.Join("; ", causes.Take(3).Select(c => $"{c.Subject}: {c.Summary}")) + (causes.Count > 3 ? $"; and {causes.Count - 3} more" : "");
        var (reachingBefore, reachingAfter) = (was?.Of(Verdict.Reachable).Count() ?? 0, now?.Of(Verdict.Reachable).Count() ?? 0);
        var sources = $"{(kind == DriftChangeKind.Opened ? "now" : kind == DriftChangeKind.Closed ? "no longer" : kind == DriftChangeKind.BecameUnknown ? "maybe" : "not")} from {witness.Text}{(moved.Count > 1 ? $" and {moved.Count - 1} more" : "")}";
        changes.Add(new ReachabilityChange
        {
            Change = kind, AccountId = index.RegionOf(eni.NetworkInterfaceId)?.AccountId, Region = index.RegionOf(eni.NetworkInterfaceId)?.Region,
            Subject = $"{source.Key} -> {eni.NetworkInterfaceId}{(name is null ? "" : $" ({name})")}",
            Summary = $"{ports} {sources}: {because}",
            SourceKind = source.Kind, Source = source.Key, SourceDescription = source.Description,
            DestinationId = eni.NetworkInterfaceId, DestinationName = name, DestinationAddress = address?.ToString(), VpcId = eni.VpcId, SubnetId = eni.SubnetId,
            Protocol = probe.Protocol.ToString(), Ports = probe.Ports.ToString(), Before = was?.Verdict, After = now?.Verdict,
            ReachingBefore = reachingBefore, ReachingAfter = reachingAfter, Moved = moved.Select(m => m.Text).ToArray(),
            CausingComponent = causes.FirstOrDefault()?.ResourceId, Cause = because,
            BlockedBefore = witnessBefore?.Blocker ?? (witnessBefore is null ? was?.Blocker : null), BlockedAfter = witnessAfter?.Blocker ?? (witnessAfter is null ? now?.Blocker : null),
            Witness = witness.Text, AllowedBy = witnessAfter?.AllowedBy ?? witnessBefore?.AllowedBy,
            Causes = causes,
        });
    }

    /// <summary>
    /// How the reaching sources moved (null: none did): opened when a source reaches now that did not (a new ENI, or a range
    /// no earlier reaching range covers); else closed when one no longer reaches (unknown when it may still); else unknown
    /// when a source may now reach that surely did not; else not reachable when one that may have reached surely does not.
    /// The sources that moved come with it, the witness first.
    /// </summary>
    internal static (DriftChangeKind Kind, List<ClassMember> Moved)? Difference(ClassVerdict? was, ClassVerdict? now)
    {
        var empty = new ClassVerdict([]);
        var (a, b) = (was ?? empty, now ?? empty);
        var opened = b.Of(Verdict.Reachable).Where(m => !Covered(a, Verdict.Reachable, m)).ToList();
        if (opened.Count > 0) return (DriftChangeKind.Opened, opened);
        var closed = a.Of(Verdict.Reachable).Where(m => !Covered(b, Verdict.Reachable, m)).ToList();
        if (closed.Count > 0) return (closed.All(m => Covered(b, Verdict.Unknown, m)) ? DriftChangeKind.BecameUnknown : DriftChangeKind.Closed, closed);
        var unknown = b.Of(Verdict.Unknown).Where(m => !Covered(a, Verdict.Unknown, m) && !Covered(a, Verdict.Reachable, m)).ToList();
        if (unknown.Count > 0) return (DriftChangeKind.BecameUnknown, unknown);
        var decided = a.Of(Verdict.Unknown).Where(m => !Covered(b, Verdict.Unknown, m) && !Covered(b, Verdict.Reachable, m)).ToList();
        return decided.Count > 0 ? (DriftChangeKind.BecameNotReachable, decided) : null;
    }

    /// <summary>Whether the other side's members of a verdict hold this one: the same ENI, or ranges that cover its range.</summary>
    private static bool Covered(ClassVerdict other, Verdict verdict, ClassMember member)
    {
        if (member.Range is not { } range) return other.Of(verdict).Any(m => m.Key == member.Key);
        var set = new AddressRangeSet(range.IsIPv6);
        foreach (var m in other.Of(verdict)) if (m.Range is { } r && r.IsIPv6 == range.IsIPv6) set.Add(r);
        return set.Covers(range);
    }

    /// <summary>
    /// The configuration changes of the components on the witness's paths in both snapshots that concern this traffic: the
    /// blocking component's first, then the rest in path order.
    /// </summary>
    private static List<ConfigurationChange> Causes(Pair d, SourceClass source, Probe probe, Traffic traffic, string witness,
        ClassMember? witnessBefore, ClassMember? witnessAfter, ClassVerdict? was, ClassVerdict? now, ILookup<string, ConfigurationChange> configuration)
    {
        var ids = new List<string>();
        void AddIds(string? text)
        {
            if (text is null) return;
            foreach (Match m in ResourceIds().Matches(text)) if (!ids.Contains(m.Value)) ids.Add(m.Value);
        }
        AddIds(witnessBefore?.Blocker ?? was?.NoneAdmitted);
        AddIds(witnessAfter?.Blocker ?? now?.NoneAdmitted);
        var addresses = new List<IpAddress>();
        bool internet = source.Kind == SourceClassKind.Internet;
        foreach (var (eni, side, member) in new[] { (d.Before, d.BeforeSide, witnessBefore), (d.After, d.AfterSide, witnessAfter) })
        {
            if (eni is null) continue;
            foreach (var id in new[] { eni.NetworkInterfaceId, eni.SubnetId }.Concat(eni.Groups.Select(g => g.GroupId))) if (id is not null && !ids.Contains(id)) ids.Add(id);
            var address = internet ? ReachabilitySide.PublicAddress(eni, source == SourceClass.InternetIPv6) : ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false);
            foreach (var x in new[] { address, ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false) }) if (x is { } known) addresses.Add(known);
            if (side.Index.NetworkInterfaces.GetValueOrDefault(witness) is { } from)
            {
                foreach (var id in new[] { from.NetworkInterfaceId, from.SubnetId }.Concat(from.Groups.Select(g => g.GroupId))) if (id is not null && !ids.Contains(id)) ids.Add(id);
                if (ReachabilityAnalyzer.PrivateAddressOf(from, ipv6: false) is { } f) addresses.Add(f);
            }
            else if (IpAddress.TryParse(witness, out var w)) addresses.Add(w);
            if (internet && address is null) continue;
            var path = member?.Path ?? side.PathOf(witness, eni, address, traffic);
            foreach (var hop in path?.ForwardPath.Concat(path.ReturnPath) ?? [])
            {
                if (!ids.Contains(hop.ComponentId)) ids.Add(hop.ComponentId);
                AddIds(hop.Rule);
                AddIds(hop.Detail);
            }
        }
        var found = new List<ConfigurationChange>();
        foreach (var id in ids)
            foreach (var change in configuration[id])
                if ((change.Rule?.Concerns(probe.Protocol, probe.Ports.From, addresses) ?? true) && !found.Contains(change)) found.Add(change);
        return found;
    }

    [GeneratedRegex(@"\b(?:tgw-attach|tgw-rtb|sg|acl|rtb|pcx|tgw|igw|eigw|nat|vpce|vgw|vpn|cgw|eni|pl|subnet|vpc)-[0-9a-zA-Z]+")]
    private static partial Regex ResourceIds();

    /// <summary>One destination ENI as each snapshot holds it, and the snapshots' engines.</summary>
    private sealed record Pair(NetworkInterface? Before, NetworkInterface? After, ReachabilitySide BeforeSide, ReachabilitySide AfterSide)
    {
        public HashSet<NetworkInterface> Candidates(ReachabilitySide side, NetworkInterface? eni, Traffic traffic, IReadOnlyCollection<string> vpcs) =>
            eni is not null && ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false) is { } address
                ? side.Candidates(eni, address, traffic, vpcs) : new HashSet<NetworkInterface>(ReferenceEqualityComparer.Instance);

        /// <summary>A class outside the snapshot's ENIs, on one side: not reachable where that snapshot does not route it at all.</summary>
        public ClassVerdict? FromAddresses(ReachabilitySide side, NetworkInterface? eni, Traffic traffic, SourceClass source, HashSet<string> known)
        {
            if (eni is null) return null;
            if (!known.Contains(source.Key))
                return ClassVerdict.None(ReachabilitySide.Blocker(source.Key, "not in this snapshot", null));
            return ReachabilityAnalyzer.PrivateAddressOf(eni, ipv6: false) is { } address ? side.FromAddresses(eni, address, traffic, source) : null;
        }
    }
}
