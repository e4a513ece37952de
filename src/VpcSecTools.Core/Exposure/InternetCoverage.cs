using VpcSecTools.Net;

namespace VpcSecTools.Exposure;

/// <summary>
/// Ports a set of rules opens to the whole internet of one family. "Internet" is coverage, not a string:
/// 0.0.0.0/0, the halves 0.0.0.0/1 + 128.0.0.0/1, a prefix list whose entries add up to everything, or
/// several rules (of one group or of all groups on an ENI) that together cover the address space.
/// </summary>
public sealed record InternetOpening(IpProtocol Protocol, PortRange Ports, bool IsIPv6, IReadOnlyList<SecurityGroupRule> Rules)
{
    public IReadOnlyList<string> GroupIds => Rules.Select(r => r.GroupId).Distinct().ToArray();

    /// <summary>Whether traffic of this TCP/UDP port is inside the opening.</summary>
    public bool Contains(IpProtocol protocol, int port) => (Protocol.IsAll || Protocol == protocol) && Ports.Contains(port);

    /// <summary>Every protocol, or every port of TCP or UDP.</summary>
    public bool IsAllTraffic => Protocol.IsAll || Ports.IsAll;

    public string ProtocolText => Protocol.IsAll ? "all" : Protocol.ToString();
    public string PortsText => Protocol.IsAll ? "all" : Ports.ToString();

    /// <summary>The sources, joined as the user wrote them, e.g. <c>0.0.0.0/1 + 128.0.0.0/1</c>.</summary>
    public string SourceText => string.Join(" + ", Rules.Select(r => r.Source).Distinct());

    /// <summary>The rules that reach one port, for evidence of port-specific checks.</summary>
    public IReadOnlyList<SecurityGroupRule> RulesFor(IpProtocol protocol, int port)
    {
        var matching = Rules.Where(r => r.AppliesTo(protocol, port) || (Protocol.IsAll && r.Protocol.IsAll)).ToArray();
        return matching.Length > 0 ? matching : Rules;
    }
}

/// <summary>Computes <see cref="InternetOpening"/>s from rules.</summary>
public static class InternetCoverage
{
    private static readonly IpProtocol[] PortProtocols = [IpProtocol.Tcp, IpProtocol.Udp];

    /// <summary>
    /// The openings of <paramref name="rules"/> to the whole internet of one family. When protocol -1 rules
    /// alone cover the internet the answer is one all-traffic opening; otherwise TCP and UDP port ranges
    /// (protocol -1 rules count for every port).
    /// </summary>
    public static IReadOnlyList<InternetOpening> Openings(IReadOnlyList<SecurityGroupRule> rules, bool ipv6)
    {
        var family = rules.Where(r => r.Cidrs is { Count: > 0 } c && c.Any(x => x.IsIPv6 == ipv6)).ToArray();
        if (family.Length == 0) return [];

        var allProtocol = family.Where(r => r.Protocol.IsAll).ToArray();
        if (allProtocol.Length > 0 && Covers(allProtocol, ipv6))
            return [new InternetOpening(IpProtocol.All, PortRange.All, ipv6, Minimal(allProtocol, ipv6))];

        var openings = new List<InternetOpening>();
        foreach (var protocol in PortProtocols)
        {
            var candidates = family.Where(r => r.Protocol.IsAll || r.Protocol == protocol).ToArray();
            // Cheap exit: if all of them together do not cover the internet, no port can be open.
            if (candidates.Length == 0 || !Covers(candidates, ipv6)) continue;
            openings.AddRange(Segments(candidates, protocol, ipv6));
        }
        return openings;
    }

    private static IEnumerable<InternetOpening> Segments(SecurityGroupRule[] rules, IpProtocol protocol, bool ipv6)
    {
        var bounds = new SortedSet<int>();
        foreach (var r in rules)
        {
            var ports = r.Protocol.IsAll ? PortRange.All : r.Ports;
            bounds.Add(ports.From);
            bounds.Add(ports.To + 1);
        }
        var edges = bounds.ToArray();
        int? openFrom = null, openTo = null;
        var contributors = new List<SecurityGroupRule>();
        for (int k = 0; k + 1 < edges.Length; k++)
        {
            int from = edges[k], to = edges[k + 1] - 1;
            var reaching = rules.Where(r => r.Protocol.IsAll || r.Ports.Contains(new PortRange(from, to))).ToArray();
            if (reaching.Length > 0 && Covers(reaching, ipv6))
            {
                openFrom ??= from;
                openTo = to;
                foreach (var r in Minimal(reaching, ipv6)) if (!contributors.Contains(r)) contributors.Add(r);
                continue;
            }
            if (openFrom is { } f) yield return new InternetOpening(protocol, new PortRange(f, openTo!.Value), ipv6, contributors.ToArray());
            openFrom = null;
            contributors.Clear();
        }
        if (openFrom is { } last) yield return new InternetOpening(protocol, new PortRange(last, openTo!.Value), ipv6, contributors.ToArray());
    }

    private static bool Covers(IEnumerable<SecurityGroupRule> rules, bool ipv6)
    {
        var set = new AddressRangeSet(ipv6);
        foreach (var r in rules)
            foreach (var c in r.Cidrs!)
                if (c.IsIPv6 == ipv6) set.Add(c);
        return set.CoversEverything;
    }

    /// <summary>The evidence: one rule when one alone covers the internet, else every rule with a public source.</summary>
    private static SecurityGroupRule[] Minimal(SecurityGroupRule[] rules, bool ipv6)
    {
        foreach (var r in rules) if (Covers([r], ipv6)) return [r];
        return rules.Where(r => r.Cidrs!.Any(c => c.IsIPv6 == ipv6 && AddressScope.HoldsInternet(c))).ToArray();
    }
}
