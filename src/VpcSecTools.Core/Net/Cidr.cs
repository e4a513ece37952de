using System.Globalization;

namespace VpcSecTools.Net;

/// <summary>How to treat a CIDR whose address has bits set beyond the prefix (10.0.0.5/8).</summary>
public enum HostBits
{
    /// <summary>Refuse it: a user who typed it probably meant something else, and we say what.</summary>
    Reject,
    /// <summary>Clear them, as the EC2 API does when it stores a rule.</summary>
    Normalise,
}

/// <summary>An IPv4 or IPv6 network: the network address (host bits clear) and the prefix length.</summary>
public readonly record struct Cidr : IComparable<Cidr>
{
    public IpAddress Network { get; }
    public int Prefix { get; }

    public Cidr(IpAddress network, int prefix)
    {
        if (prefix < 0 || prefix > network.Bits)
            throw new ArgumentOutOfRangeException(nameof(prefix), $"prefix /{prefix} is out of range for {(network.IsIPv6 ? "IPv6" : "IPv4")}");
        Network = new IpAddress(network.Value & MaskOf(prefix, network.IsIPv6), network.IsIPv6);
        Prefix = prefix;
    }

    public bool IsIPv6 => Network.IsIPv6;
    public IpAddress First => Network;
    public IpAddress Last => new(Network.Value | ~MaskOf(Prefix, IsIPv6) & AllOnes(IsIPv6), IsIPv6);

    /// <summary>Number of addresses (saturates at UInt128.MaxValue for ::/0).</summary>
    public UInt128 Size => Prefix == 0 && IsIPv6 ? UInt128.MaxValue : (UInt128)1 << (Network.Bits - Prefix);

    public static readonly Cidr AnyIPv4 = new(IpAddress.FromIPv4(0), 0);
    public static readonly Cidr AnyIPv6 = new(new IpAddress(0, true), 0);
    internal static readonly Cidr[] Rfc1918 = [Parse("10.0.0.0/8"), Parse("172.16.0.0/12"), Parse("192.168.0.0/16")];
    internal static readonly Cidr SharedAddressSpace = Parse("100.64.0.0/10");
    internal static readonly Cidr Ipv6UniqueLocal = Parse("fc00::/7");

    public static Cidr Parse(string text, HostBits hostBits = HostBits.Reject) =>
        TryParse(text, out var cidr, out var error, hostBits) ? cidr : throw new FormatException(error);

    public static bool TryParse(string? text, out Cidr cidr, HostBits hostBits = HostBits.Reject) =>
        TryParse(text, out cidr, out _, hostBits);

    /// <summary>
    /// Parses "a.b.c.d/n" or "x::/n". A bare address is a host route (/32 or /128).
    /// With <see cref="HostBits.Reject"/>, host bits set is an error that names the network meant.
    /// </summary>
    public static bool TryParse(string? text, out Cidr cidr, out string error, HostBits hostBits = HostBits.Reject)
    {
        cidr = default;
        if (string.IsNullOrWhiteSpace(text)) { error = "empty CIDR"; return false; }
        var span = text.AsSpan().Trim();
        int slash = span.IndexOf('/');
        var addressPart = slash < 0 ? span : span[..slash];
        if (!IpAddress.TryParse(addressPart, out var address, out error))
        { error = $"'{text}' is not a valid CIDR: {error}"; return false; }
        int prefix = address.Bits;
        if (slash >= 0)
        {
            var prefixPart = span[(slash + 1)..];
            if (prefixPart.IsEmpty || prefixPart.Length > 3 || !int.TryParse(prefixPart, NumberStyles.None, CultureInfo.InvariantCulture, out prefix)
                || prefix > address.Bits)
            { error = $"'{text}' is not a valid CIDR: prefix length must be 0-{address.Bits}"; return false; }
        }
        var normal = new Cidr(address, prefix);
        if (normal.Network != address && hostBits == HostBits.Reject)
        { error = $"'{text}' has host bits set; the network is {normal}"; return false; }
        cidr = normal;
        error = "";
        return true;
    }

    public bool Contains(IpAddress address) =>
        address.IsIPv6 == IsIPv6 && (address.Value & MaskOf(Prefix, IsIPv6)) == Network.Value;

    public bool Contains(Cidr other) => other.IsIPv6 == IsIPv6 && other.Prefix >= Prefix && Contains(other.Network);

    public bool Overlaps(Cidr other) => Contains(other) || other.Contains(this);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Network}/{Prefix}");

    public int CompareTo(Cidr other)
    {
        int c = Network.CompareTo(other.Network);
        return c != 0 ? c : Prefix.CompareTo(other.Prefix);
    }

    internal static UInt128 AllOnes(bool v6) => v6 ? UInt128.MaxValue : uint.MaxValue;

    internal static UInt128 MaskOf(int prefix, bool v6)
    {
        int bits = v6 ? 128 : 32;
        if (prefix == 0) return 0;
        return (AllOnes(v6) << (bits - prefix)) & AllOnes(v6);
    }
}
