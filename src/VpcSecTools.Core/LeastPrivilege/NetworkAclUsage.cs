using System.Globalization;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.LeastPrivilege;

/// <summary>
/// NACL entries matched by the window's flows, first match as the one evaluator decides it (SEMANTICS 8-10): each
/// distinct flow is a packet crossing its ENI's subnet boundary (the request to the service port, the response to the
/// other end's ports); a flow between two ENIs of one subnet crosses nothing. ACCEPTed flows count for the allow entry that
/// let them through, REJECTed ones for the deny entry that stopped them. The response's ports are known as a range: the
/// entries deciding its two ends were used, an entry that decides only ports between them may have been.
/// </summary>
internal sealed class NetworkAclUsage
{
    private sealed class EntryTally
    {
        public long Flows, Packets, Bytes, Maybe;
        public long FirstMs = long.MaxValue, LastMs = long.MinValue;
        public string? MaybeWhy;
        public readonly Dictionary<IpAddress, (long Flows, long Bytes, FlowPeer Peer)> Peers = [];
        public readonly HashSet<string> Ports = [];
    }

    private readonly SnapshotIndex _index;
    private readonly Dictionary<NetworkAclEntry, EntryTally> _tallies = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, (long Flows, string Example)> _contradicted = new(StringComparer.Ordinal);

    public NetworkAclUsage(SnapshotIndex index, FlowPeers peers, ObservedTraffic traffic)
    {
        _index = index;
        foreach (var (key, sums) in traffic.Flows)
        {
            var eni = traffic.Scope.Enis[key.Eni];
            if (eni.SubnetId is not { } subnet || index.NetworkAclOf(subnet).Acl is not { } acl) continue;
            if (RuleAttribution.NotFiltered(index, eni, key.Peer)) continue;
            // Two ENIs of one subnet talk without crossing its NACL (SEMANTICS 10).
            if (eni.VpcId is not null && index.SubnetContaining(eni.VpcId, key.Peer)?.SubnetId == subnet) continue;
            bool egress = key.Request == (key.Side == ConnectionSide.Outbound);
            var protocol = new IpProtocol(key.Protocol);
            var rules = index.RulesOf(acl).Of(egress, key.Peer.IsIPv6);
            PortRange? ports = !protocol.HasPorts ? null : key.Request ? new PortRange(key.Port, key.Port) : sums.OtherPorts;
            if (protocol.HasPorts && ports is null) continue;
            var peer = peers.Of(key.Peer, eni);
            var ends = ports is { } r ? new[] { r.From, r.To }.Distinct() : [-1];
            var decided = new List<NetworkAclRule>();
            foreach (var port in ends)
            {
                var traffic1 = port < 0 ? new Traffic(protocol) : new Traffic(protocol, new PortRange(port, port));
                var decision = NetworkAclEvaluator.Evaluate(rules, egress, key.Peer, traffic1);
                var entry = decision.Entry;
                if (decision.Result == HopResult.Unknown)
                {
                    if (entry is not null) Maybe(entry, sums.Records, $"{decision.Problem}");
                    continue;
                }
                bool allowed = decision.Result == HopResult.Allowed;
                if (allowed != key.Accepted)
                {
                    // An ACCEPTed flow the NACL denies: the snapshot's entries are not those that saw it.
                    if (key.Accepted)
                    {
                        var c = _contradicted.GetValueOrDefault(acl.NetworkAclId);
                        _contradicted[acl.NetworkAclId] = (c.Flows + sums.Records,
                            c.Example ?? string.Create(CultureInfo.InvariantCulture, $"{protocol}/{port} {(egress ? "to" : "from")} {key.Peer} at {eni.NetworkInterfaceId}: {decision.Detail}"));
                    }
                    continue;
                }
                if (entry is null) continue;
                var rule = rules.First(x => ReferenceEquals(x.Entry, entry));
                if (!decided.Contains(rule)) decided.Add(rule);
            }
            foreach (var rule in decided) Count(rule.Entry, key, sums, peer, protocol, ports);
            // Entries that decide only ports between the two ends seen may have been used.
            if (ports is { } range && range.From < range.To)
                foreach (var between in Between(rules, key.Peer, protocol, range))
                    if (!decided.Contains(between)) Maybe(between.Entry, sums.Records, $"the other end's ports are known only as {range}");
        }
    }

    /// <summary>The entries that may be the first match for a port inside <paramref name="range"/> (after one covering all of it, none is).</summary>
    private static IEnumerable<NetworkAclRule> Between(IReadOnlyList<NetworkAclRule> rules, IpAddress peer, IpProtocol protocol, PortRange range)
    {
        foreach (var r in rules)
        {
            if (r.Cidr is { } c && !c.Contains(peer)) continue;
            if (r.Protocol is { } p && !p.IsAll && p.Number != protocol.Number) continue;
            if (r.Protocol is { HasPorts: true } && r.Ports is { } ports && !ports.Overlaps(range)) continue;
            yield return r;
            if (r.IsReadable && (r.Protocol!.Value.IsAll || !r.Protocol.Value.HasPorts || r.Ports!.Value.Contains(range))) yield break;
        }
    }

    private void Count(NetworkAclEntry entry, FlowKey key, FlowSums sums, FlowPeer peer, IpProtocol protocol, PortRange? ports)
    {
        var t = Tally(entry);
        t.Flows += sums.Records;
        t.Packets += sums.Packets;
        t.Bytes += sums.Bytes;
        t.FirstMs = Math.Min(t.FirstMs, sums.FirstMs);
        t.LastMs = Math.Max(t.LastMs, sums.LastMs);
        var p = t.Peers.GetValueOrDefault(key.Peer, (0, 0, peer));
        t.Peers[key.Peer] = (p.Flows + sums.Records, p.Bytes + sums.Bytes, peer);
        t.Ports.Add(ports is { } r ? $"{protocol}/{r}" : protocol.ToString());
    }

    private void Maybe(NetworkAclEntry entry, long records, string why)
    {
        var t = Tally(entry);
        t.Maybe += records;
        t.MaybeWhy ??= why;
    }

    private EntryTally Tally(NetworkAclEntry entry)
    {
        if (!_tallies.TryGetValue(entry, out var t)) _tallies[entry] = t = new EntryTally();
        return t;
    }

    /// <summary>ACCEPTed flows the NACL's entries deny, per NACL.</summary>
    public IEnumerable<string> Contradictions =>
        _contradicted.Select(kv => $"{kv.Key}: {kv.Value.Flows} ACCEPTed flow(s) its entries deny (e.g. {kv.Value.Example}): the entries that saw them were not these");

    /// <summary>The usage of every entry of <paramref name="acls"/>.</summary>
    public IEnumerable<RuleUsage> Usage(IEnumerable<NetworkAcl> acls, WindowCoverage coverage, int maxPeers)
    {
        foreach (var acl in acls)
        {
            var subnets = _index.SubnetsOf(acl.VpcId).Where(s => _index.NetworkAclOf(s.SubnetId).Acl?.NetworkAclId == acl.NetworkAclId).ToList();
            var enis = subnets.SelectMany(s => _index.EnisInSubnet(s.SubnetId)).ToList();
            var read = _index.RulesOf(acl);
            var region = _index.RegionOf(acl.NetworkAclId);
            var missing = new[] { Section.Subnets, Section.NetworkInterfaces }.Where(s => region?.Has(s) == false).ToList();
            foreach (var entry in acl.Entries.OrderBy(e => e.Egress).ThenBy(e => e.RuleNumber))
            {
                var rule = read.Of(entry.Egress, false).Concat(read.Of(entry.Egress, true)).First(r => ReferenceEquals(r.Entry, entry));
                var t = _tallies.GetValueOrDefault(entry);
                var (verdict, reason) = Judge(acl, rule, t, subnets, enis, missing, coverage);
                yield return new RuleUsage
                {
                    Verdict = verdict, Kind = RuleKind.NetworkAcl, ResourceId = acl.NetworkAclId, Name = acl.Tags.FirstOrDefault(x => x.Key == "Name")?.Value,
                    VpcId = acl.VpcId, Region = region?.Region ?? "", Direction = entry.Egress ? RuleDirection.Egress : RuleDirection.Ingress,
                    RuleNumber = entry.RuleNumber, Action = entry.RuleAction ?? "", Protocol = rule.Protocol?.ToString() ?? entry.Protocol ?? "",
                    Ports = PortsText(entry, rule), Source = entry.CidrBlock ?? entry.Ipv6CidrBlock ?? "", Rule = NetworkAclEvaluator.Describe(entry),
                    Path = $"{(entry.Egress ? "outbound" : "inbound")} entry {entry.RuleNumber.ToString(CultureInfo.InvariantCulture)}",
                    Flows = t?.Flows ?? 0, Packets = t?.Packets ?? 0, Bytes = t?.Bytes ?? 0, PeerCount = t?.Peers.Count ?? 0,
                    FirstSeen = t is { FirstMs: not long.MaxValue } ? FlowText.FromMilliseconds(t.FirstMs) : null,
                    LastSeen = t is { LastMs: not long.MinValue } ? FlowText.FromMilliseconds(t.LastMs) : null,
                    Peers = t is null ? [] : t.Peers.OrderByDescending(p => p.Value.Bytes).ThenBy(p => p.Key).Take(maxPeers)
                        .Select(p => RuleUsageAnalysis.Peer(p.Key, p.Value.Flows, p.Value.Bytes, p.Value.Peer)).ToValueList(),
                    PortsUsed = t?.Ports.Order(StringComparer.Ordinal).ToValueList() ?? [], NetworkInterfaces = enis.Count, Reason = reason,
                };
            }
        }
    }

    private (UsageVerdict, string) Judge(NetworkAcl acl, NetworkAclRule rule, EntryTally? t, List<Subnet> subnets, List<NetworkInterface> enis,
        List<string> missing, WindowCoverage coverage)
    {
        bool allow = rule.Allow != false;
        if (t is { Flows: > 0 })
            return (UsageVerdict.Used, $"{(allow ? "let through" : "stopped")} {t.Flows} flow(s), {SaturatingSum.Text(t.Bytes)} bytes, of {t.Peers.Count} peer(s) in {coverage.Window}");
        if (rule.Problems.Count > 0) return (UsageVerdict.Unknown, $"the entry cannot be read: {rule.Problems[0]}");
        if (t is { Maybe: > 0 }) return (UsageVerdict.Unknown, $"{t.Maybe} flow(s) may have matched it first: {t.MaybeWhy}");
        if (missing.Count > 0) return (UsageVerdict.Unknown, $"{string.Join(" and ", missing)} of its region were not captured: which interfaces it filters is unknown");
        if (enis.Count == 0)
            return (UsageVerdict.Unused, subnets.Count == 0 ? $"{acl.NetworkAclId} is associated with no subnet" : $"its subnets ({string.Join(", ", subnets.Select(s => s.SubnetId))}) hold no network interface");
        if (_contradicted.TryGetValue(acl.NetworkAclId, out var c))
            return (UsageVerdict.Unknown, $"{c.Flows} ACCEPTed flow(s) contradict its entries (e.g. {c.Example}): the entries that saw the window were not these");
        foreach (var eni in enis)
        {
            if (coverage.GapOf(eni, accept: allow, reject: !allow) is { } gap) return (UsageVerdict.Unknown, gap);
            if (coverage.Unplaced(eni) is > 0 and var n)
                return (UsageVerdict.Unknown, $"{eni.NetworkInterfaceId} logged {n} record(s) of traffic passing through it (neither address its own): which entries they crossed is unknown");
        }
        return (UsageVerdict.Unused, $"no {(allow ? "ACCEPTed" : "REJECTed")} flow of the {enis.Count} network interface(s) in its subnets matched it first in {coverage.Window}");
    }

    private static string PortsText(NetworkAclEntry e, NetworkAclRule r) => r.Protocol is { HasPorts: true } ? r.Ports?.ToString() ?? "?"
        : r.Protocol is { IsIcmp: true } && e.IcmpTypeCode is { } tc ? string.Create(CultureInfo.InvariantCulture, $"type {tc.Type} code {tc.Code}") : "all";
}
