namespace VpcSecTools.Net;

/// <summary>
/// What an address is before any route is read, the same for every analysis: the internet, an AWS link-local
/// service every instance reaches without routing, or a VPC's resolver. Reachability, the IP map and the audit
/// all ask here, so "is this the internet?" has one answer.
/// </summary>
public static class AddressScope
{
    /// <summary>The address used for "any public address" unless a rule asks for another (TEST-NET-3, RFC 5737).</summary>
    public static readonly IpAddress DefaultInternetIPv4 = IpAddress.Parse("203.0.113.10");
    public static readonly IpAddress DefaultInternetIPv6 = IpAddress.Parse("2001:db8::10");

    // Besides RFC 1918 and RFC 6598 (IpAddress.IsPrivate): "this network", loopback, link-local, multicast and reserved.
    // Documentation ranges are not here: they stand for internet hosts in examples and demos.
    private static readonly Cidr[] NotInternetV4 = [Cidr.Parse("0.0.0.0/8"), Cidr.Parse("127.0.0.0/8"), Cidr.Parse("169.254.0.0/16"), Cidr.Parse("224.0.0.0/3")];
    // IANA allocates global unicast only from 2000::/3; everything else (ULA, link-local, multicast, loopback) stays local.
    private static readonly Cidr GlobalUnicastV6 = Cidr.Parse("2000::/3");

    /// <summary>A globally routable address: not RFC 1918/6598/ULA, loopback, link-local, multicast or reserved.</summary>
    public static bool IsInternet(IpAddress ip)
    {
        if (ip.IsIPv6) return GlobalUnicastV6.Contains(ip);
        if (ip.IsPrivate) return false;
        foreach (var c in NotInternetV4) if (c.Contains(ip)) return false;
        return true;
    }

    /// <summary>Whether any address of <paramref name="cidr"/> is an internet address (a rule for it can admit the internet).</summary>
    public static bool HoldsInternet(Cidr cidr)
    {
        if (cidr.IsIPv6) return GlobalUnicastV6.Overlaps(cidr);
        // The non-internet blocks are CIDRs no two of which join into a larger one: a CIDR inside their union is inside one.
        foreach (var c in Cidr.Rfc1918) if (c.Contains(cidr)) return false;
        if (Cidr.SharedAddressSpace.Contains(cidr)) return false;
        foreach (var c in NotInternetV4) if (c.Contains(cidr)) return false;
        return true;
    }

    /// <summary>
    /// The AWS link-local service at this address, answered by the Nitro host of every instance without routing, security
    /// groups or network ACLs: Amazon DNS, instance metadata, Amazon Time Sync (IPv4 and their IPv6 addresses); else null.
    /// </summary>
    public static string? AwsLinkLocalService(IpAddress address)
    {
        foreach (var (ip, name) in LinkLocalServices) if (ip == address) return name;
        return null;
    }

    private static readonly (IpAddress Address, string Name)[] LinkLocalServices =
    [
        (IpAddress.Parse("169.254.169.253"), "Amazon DNS (169.254.169.253)"),
        (IpAddress.Parse("169.254.169.254"), "instance metadata (169.254.169.254)"),
        (IpAddress.Parse("169.254.169.123"), "Amazon Time Sync (169.254.169.123)"),
        (IpAddress.Parse("fd00:ec2::253"), "Amazon DNS (fd00:ec2::253)"),
        (IpAddress.Parse("fd00:ec2::254"), "instance metadata (fd00:ec2::254)"),
        (IpAddress.Parse("fd00:ec2::123"), "Amazon Time Sync (fd00:ec2::123)"),
    ];

    /// <summary>The Amazon DNS resolver of a VPC: its primary IPv4 CIDR's base + 2 (SEMANTICS 10, 23).</summary>
    public static IpAddress ResolverOf(Cidr primaryCidr) => primaryCidr.Network.Add(2);

    /// <summary>An internet address inside <paramref name="cidr"/> (the default one if it is inside), or null if it has none.</summary>
    public static IpAddress? WitnessIn(Cidr cidr)
    {
        var preferred = cidr.IsIPv6 ? DefaultInternetIPv6 : DefaultInternetIPv4;
        if (cidr.Contains(preferred)) return preferred;
        foreach (var candidate in new[] { cidr.First.Add(cidr.Size > 2 ? 1 : 0), cidr.Last.Add(cidr.Size > 2 ? -1 : 0) })
            if (IsInternet(candidate)) return candidate;
        return null;
    }
}
