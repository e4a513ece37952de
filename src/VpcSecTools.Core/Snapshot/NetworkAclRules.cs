using System.Globalization;
using VpcSecTools.Net;

namespace VpcSecTools.Snapshot;

/// <summary>
/// A network ACL's entries as the analyses read them, parsed once per snapshot (<see cref="SnapshotIndex.RulesOf(NetworkAcl)"/>):
/// per direction and address family, in evaluation order (ascending rule number; API order is not evaluation order,
/// SEMANTICS 8), with the entries that could not be read kept in their place.
/// </summary>
public sealed class NetworkAclRules
{
    private readonly NetworkAclRule[][] _lists = [[], [], [], []];

    public NetworkAcl Acl { get; }

    /// <summary>Every value of the ACL's entries that could not be read.</summary>
    public IReadOnlyList<Uninterpretable> Problems { get; }

    public NetworkAclRules(NetworkAcl acl)
    {
        Acl = acl;
        var lists = new List<NetworkAclRule>[] { [], [], [], [] };
        var problems = new List<Uninterpretable>();
        foreach (var entry in acl.Entries)
        {
            var (rule, ipv4, ipv6) = NetworkAclRule.Read(acl.NetworkAclId, entry);
            if (ipv4) lists[Slot(entry.Egress, false)].Add(rule);
            if (ipv6) lists[Slot(entry.Egress, true)].Add(rule);
            problems.AddRange(rule.Problems);
        }
        // A stable sort: two entries with one number (which EC2 refuses) keep their API order.
        for (int i = 0; i < 4; i++) _lists[i] = lists[i].OrderBy(r => r.RuleNumber).ToArray();
        Problems = problems;
    }

    /// <summary>The entries of one direction and family in evaluation order, unreadable ones included.</summary>
    public IReadOnlyList<NetworkAclRule> Of(bool egress, bool ipv6) => _lists[Slot(egress, ipv6)];

    private static int Slot(bool egress, bool ipv6) => (egress ? 2 : 0) + (ipv6 ? 1 : 0);
}

/// <summary>
/// One NACL entry, read. A part that could not be read is null and named in <see cref="Problems"/>: the entry may then
/// match more than its readable parts say, and an evaluation that reaches it before deciding says Unknown.
/// </summary>
public sealed record NetworkAclRule
{
    public string NetworkAclId { get; init; } = "";
    public NetworkAclEntry Entry { get; init; } = new();
    public int RuleNumber => Entry.RuleNumber;
    public bool Egress => Entry.Egress;

    /// <summary>True for allow, false for deny, null when <c>RuleAction</c> is neither.</summary>
    public bool? Allow { get; init; }
    /// <summary>Null when the CIDR could not be read (or is of the other family than its field).</summary>
    public Cidr? Cidr { get; init; }
    /// <summary>Null when <c>Protocol</c> could not be read.</summary>
    public IpProtocol? Protocol { get; init; }
    /// <summary>TCP/UDP ports (all when the entry has no PortRange); null when the range could not be read.</summary>
    public PortRange? Ports { get; init; }
    /// <summary>ICMP type and code (-1 for any); null when they could not be read.</summary>
    public (int Type, int Code)? Icmp { get; init; }
    public IReadOnlyList<Uninterpretable> Problems { get; init; } = [];

    public bool IsReadable => Problems.Count == 0;

    /// <summary>The entry, and which family lists it belongs to: its field's family, or both when the family cannot be told.</summary>
    internal static (NetworkAclRule Rule, bool Ipv4, bool Ipv6) Read(string aclId, NetworkAclEntry e)
    {
        var problems = new List<Uninterpretable>();
        var at = string.Create(CultureInfo.InvariantCulture, $"{(e.Egress ? "outbound" : "inbound")} entry {e.RuleNumber}");
        void Problem(string field, string reason) => problems.Add(new Uninterpretable(aclId, $"{at} {field}", reason));

        bool? allow = ResourceState.Is(e.RuleAction, "allow") ? true : ResourceState.Is(e.RuleAction, "deny") ? false : null;
        if (allow is null) Problem("RuleAction", $"'{e.RuleAction}' is neither allow nor deny");

        Cidr? cidr = null;
        bool ipv4 = e.CidrBlock is not null, ipv6 = e.Ipv6CidrBlock is not null;
        if (ipv4 == ipv6)
        {
            // Neither or both: which family the entry filters cannot be told, so it stands in both lists.
            Problem("CidrBlock", ipv4 ? $"both CidrBlock '{e.CidrBlock}' and Ipv6CidrBlock '{e.Ipv6CidrBlock}' are set" : "neither CidrBlock nor Ipv6CidrBlock is set");
            ipv4 = ipv6 = true;
        }
        else
        {
            var (field, text) = ipv4 ? ("CidrBlock", e.CidrBlock) : ("Ipv6CidrBlock", e.Ipv6CidrBlock);
            if (!Net.Cidr.TryParse(text, out var parsed, out var error, HostBits.Normalise)) Problem(field, string.IsNullOrWhiteSpace(text) ? "is empty" : error);
            else if (parsed.IsIPv6 == ipv6) cidr = parsed;
            else
            {
                // A CIDR of the other family in the field: which family it was meant for cannot be told.
                Problem(field, $"'{text}' is an {(parsed.IsIPv6 ? "IPv6" : "IPv4")} CIDR");
                ipv4 = ipv6 = true;
            }
        }

        IpProtocol? protocol = IpProtocol.TryParse(e.Protocol, out var p, out var protocolError) ? p : null;
        if (protocol is null) Problem("Protocol", protocolError);
        PortRange? ports = PortRange.All;
        (int, int)? icmp = (-1, -1);
        if (protocol is { HasPorts: true } && e.PortRange is { } range && !(range.From is null && range.To is null))
        {
            if (range.From is not (>= 0 and <= 65535)) { Problem("PortRange.From", $"port {Text(range.From)} is outside 0-65535"); ports = null; }
            else if (range.To is not (>= 0 and <= 65535)) { Problem("PortRange.To", $"port {Text(range.To)} is outside 0-65535"); ports = null; }
            else if (range.From > range.To) { Problem("PortRange.From", $"{range.From} is above To {range.To}"); ports = null; }
            else ports = new PortRange(range.From.Value, range.To.Value);
        }
        else if (protocol is { IsIcmp: true } && e.IcmpTypeCode is { } tc)
        {
            icmp = (tc.Type ?? -1, tc.Code ?? -1);
            if (tc.Type is < -1 or > 255) { Problem("IcmpTypeCode.Type", $"ICMP type {tc.Type} is outside -1-255"); icmp = null; }
            else if (tc.Code is < -1 or > 255) { Problem("IcmpTypeCode.Code", $"ICMP code {tc.Code} is outside -1-255"); icmp = null; }
        }
        var rule = new NetworkAclRule { NetworkAclId = aclId, Entry = e, Allow = allow, Cidr = cidr, Protocol = protocol, Ports = ports, Icmp = icmp, Problems = problems };
        return (rule, ipv4, ipv6);

        static string Text(int? port) => port?.ToString(CultureInfo.InvariantCulture) ?? "(missing)";
    }
}
