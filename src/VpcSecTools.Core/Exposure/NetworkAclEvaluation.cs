using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>One NACL entry of one direction and family, parsed.</summary>
public sealed record AclEntryView(int RuleNumber, bool Allow, IpProtocol Protocol, PortRange Ports, Cidr Cidr)
{
    /// <summary>The same entry for the shared evaluator (<see cref="NetworkAclEvaluator"/>): the audit asks it, not a copy.</summary>
    internal NetworkAclRule Rule { get; } = new()
    {
        Entry = new NetworkAclEntry { RuleNumber = RuleNumber, RuleAction = Allow ? "allow" : "deny" },
        Allow = Allow, Protocol = Protocol, Ports = Ports, Cidr = Cidr,
    };

    /// <summary>The catch-all deny every NACL ends with (shown as rule 32767).</summary>
    public bool IsDefaultDeny => RuleNumber >= 32767;

    public bool Matches(IpProtocol protocol, int port) => NetworkAclEvaluator.Matches(Rule, Cidr.Network, protocol, port);

    public override string ToString() => $"entry {RuleNumber} {(Allow ? "allows" : "denies")} {Cidr}";
}

/// <summary>Ports a NACL admits from (or to) the internet, and the entries that decided it.</summary>
public sealed record AclOpening(IpProtocol Protocol, IReadOnlyList<PortRange> Ports, IReadOnlyList<AclEntryView> Allowing, IReadOnlyList<AclEntryView> Shadowing)
{
    public bool IsEmpty => Ports.Count == 0;
    public bool CoversAll(PortRange range) => Ports.Any(p => p.Contains(range));
    public string PortsText => string.Join(",", Ports);
}

/// <summary>
/// First-match NACL evaluation (SEMANTICS 8): entries by ascending RuleNumber, the first entry matching the
/// protocol, port and address decides. A deny at 90 shadows an allow at 100 for the addresses it names.
/// </summary>
public static class NetworkAclEvaluation
{
    /// <summary>
    /// The entries of one direction and family, sorted by rule number (API order is not evaluation order), as the shared
    /// reader reads them, once per snapshot (<see cref="SnapshotIndex.RulesOf(NetworkAcl)"/>); entries it cannot read are left
    /// out and named in the notes.
    /// </summary>
    public static IReadOnlyList<AclEntryView> Entries(SnapshotIndex index, NetworkAcl acl, bool egress, bool ipv6, List<string>? notes = null)
    {
        var list = new List<AclEntryView>();
        foreach (var r in index.RulesOf(acl).Of(egress, ipv6))
        {
            if (r.IsReadable) list.Add(new AclEntryView(r.RuleNumber, r.Allow!.Value, r.Protocol!.Value, r.Protocol.Value.HasPorts ? r.Ports!.Value : PortRange.All, r.Cidr!.Value));
            else foreach (var problem in r.Problems) notes?.Add($"{problem}; entry skipped");
        }
        return list;
    }

    /// <summary>
    /// The ports of <paramref name="within"/> (for <paramref name="protocol"/>) that the entries admit from the
    /// internet: the entries before the catch-all decide every address, and what they admit is not empty.
    /// A narrow deny (one bad address) ahead of an allow-all leaves the port open; a deny of everything does not.
    /// </summary>
    public static AclOpening OpenToInternet(IReadOnlyList<AclEntryView> entries, IpProtocol protocol, PortRange within, bool ipv6)
    {
        var ports = new List<PortRange>();
        var allowing = new List<AclEntryView>();
        var shadowing = new List<AclEntryView>();
        foreach (var segment in Segments(entries, protocol, within))
        {
            var (open, allow, shadow) = Decide(entries, protocol, segment.From, ipv6);
            foreach (var a in allow) if (!allowing.Contains(a)) allowing.Add(a);
            foreach (var s in shadow) if (!shadowing.Contains(s)) shadowing.Add(s);
            if (!open) continue;
            if (ports.Count > 0 && ports[^1].To + 1 == segment.From) ports[^1] = new PortRange(ports[^1].From, segment.To);
            else ports.Add(segment);
        }
        return new AclOpening(protocol, ports, allowing, shadowing);
    }

    /// <summary>
    /// Whether every protocol and port is admitted from the internet: every protocol an entry names, one it
    /// does not, and every TCP/UDP port segment.
    /// </summary>
    public static bool AllTrafficOpen(IReadOnlyList<AclEntryView> entries, bool ipv6, out AclOpening evidence)
    {
        var named = entries.Where(e => !e.Protocol.IsAll).Select(e => e.Protocol).ToHashSet();
        var other = Enumerable.Range(0, 256).Select(n => new IpProtocol(n)).First(p => !named.Contains(p) && !p.HasPorts);
        evidence = OpenToInternet(entries, other, PortRange.All, ipv6);
        if (!evidence.CoversAll(PortRange.All)) return false;
        foreach (var p in named.Append(IpProtocol.Tcp).Append(IpProtocol.Udp).Distinct())
        {
            var opening = OpenToInternet(entries, p, PortRange.All, ipv6);
            if (!opening.CoversAll(PortRange.All)) { evidence = opening; return false; }
        }
        return true;
    }

    private static (bool Open, List<AclEntryView> Allowing, List<AclEntryView> Shadowing) Decide(
        IReadOnlyList<AclEntryView> entries, IpProtocol protocol, int port, bool ipv6)
    {
        var deciding = entries.Where(e => !e.IsDefaultDeny).ToArray();
        var rules = deciding.Select(e => e.Rule).ToArray();
        var shadowing = new List<AclEntryView>();
        // Earlier denies that take (part of) an allow's addresses are evidence either way.
        foreach (var e in deciding)
            if (e.Allow && e.Matches(protocol, port))
                foreach (var d in deciding)
                    if (d.RuleNumber < e.RuleNumber && !d.Allow && d.Matches(protocol, port) && d.Cidr.Overlaps(e.Cidr) && !shadowing.Contains(d)) shadowing.Add(d);
        // The address space cut where any entry's CIDR starts or ends: within each piece one entry decides (first match).
        bool everyAddressDecided = true;
        var allowing = new List<AclEntryView>();
        foreach (var address in Pieces(deciding, ipv6))
        {
            var decider = NetworkAclEvaluator.FirstMatch(rules, address, protocol, port);
            if (decider is null) { everyAddressDecided = false; continue; }
            var entry = deciding[Array.IndexOf(rules, decider)];
            if (entry.Allow && !allowing.Contains(entry)) allowing.Add(entry);
        }
        allowing.Sort((a, b) => Array.IndexOf(deciding, a).CompareTo(Array.IndexOf(deciding, b)));
        return (everyAddressDecided && allowing.Count > 0, allowing, shadowing);
    }

    /// <summary>The first address of each piece of the family's address space that the entries' CIDRs cut it into.</summary>
    private static IEnumerable<IpAddress> Pieces(IReadOnlyList<AclEntryView> entries, bool ipv6)
    {
        var bounds = new SortedSet<UInt128> { 0 };
        foreach (var e in entries)
        {
            if (e.Cidr.IsIPv6 != ipv6) continue;
            bounds.Add(e.Cidr.First.Value);
            if (e.Cidr.Last.Value != Cidr.AllOnes(ipv6)) bounds.Add(e.Cidr.Last.Value + 1);
        }
        return bounds.Select(b => new IpAddress(b, ipv6));
    }

    /// <summary>Port segments within which every entry matches the same way.</summary>
    private static IEnumerable<PortRange> Segments(IReadOnlyList<AclEntryView> entries, IpProtocol protocol, PortRange within)
    {
        if (!protocol.HasPorts) { yield return within; yield break; }
        var bounds = new SortedSet<int> { within.From, within.To + 1 };
        foreach (var e in entries)
        {
            if (!e.Protocol.HasPorts || e.Protocol != protocol) continue;
            if (e.Ports.From > within.From && e.Ports.From <= within.To) bounds.Add(e.Ports.From);
            if (e.Ports.To + 1 > within.From && e.Ports.To + 1 <= within.To) bounds.Add(e.Ports.To + 1);
        }
        var edges = bounds.ToArray();
        for (int k = 0; k + 1 < edges.Length; k++) yield return new PortRange(edges[k], edges[k + 1] - 1);
    }
}
