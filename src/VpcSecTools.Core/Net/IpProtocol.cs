using System.Globalization;

namespace VpcSecTools.Net;

/// <summary>
/// An IP protocol as EC2 writes it in rules, NACL entries and flow logs: <c>-1</c> (all), a name
/// (<c>tcp</c>, <c>udp</c>, <c>icmp</c>, <c>icmpv6</c>) or a number 0-255. Real data uses names and
/// numbers interchangeably (SEMANTICS 6), so everything is compared by number.
/// </summary>
public readonly record struct IpProtocol(int Number)
{
    public static readonly IpProtocol All = new(-1);
    public static readonly IpProtocol Icmp = new(1);
    public static readonly IpProtocol Tcp = new(6);
    public static readonly IpProtocol Udp = new(17);
    public static readonly IpProtocol IcmpV6 = new(58);

    public bool IsAll => Number == -1;
    public bool HasPorts => Number is 6 or 17;
    public bool IsIcmp => Number is 1 or 58;

    /// <summary>Whether a rule with this protocol applies to traffic of <paramref name="traffic"/>.</summary>
    public bool Matches(IpProtocol traffic) => IsAll || Number == traffic.Number;

    public static IpProtocol Parse(string? text) =>
        TryParse(text, out var p, out var error) ? p : throw new FormatException(error);

    public static bool TryParse(string? text, out IpProtocol protocol, out string error)
    {
        protocol = default;
        var s = (text ?? "").Trim().ToLowerInvariant();
        switch (s)
        {
            case "-1" or "all" or "any": protocol = All; break;
            case "tcp": protocol = Tcp; break;
            case "udp": protocol = Udp; break;
            case "icmp": protocol = Icmp; break;
            case "icmpv6" or "ipv6-icmp" or "icmp6": protocol = IcmpV6; break;
            default:
                if (int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n <= 255) { protocol = new IpProtocol(n); break; }
                error = $"'{text}' is not a protocol (tcp, udp, icmp, icmpv6, -1 for all, or a number 0-255)";
                return false;
        }
        error = "";
        return true;
    }

    public override string ToString() => Number switch
    {
        -1 => "all",
        1 => "icmp",
        6 => "tcp",
        17 => "udp",
        58 => "icmpv6",
        _ => Number.ToString(CultureInfo.InvariantCulture),
    };
}
