using System.Buffers.Binary;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace VpcSecTools.Net;

/// <summary>An IPv4 or IPv6 address as a 128-bit number; IPv4 uses the low 32 bits.</summary>
/// <remarks>A value type so tries, maps and flow-log readers can hold millions without allocating.</remarks>
public readonly record struct IpAddress(UInt128 Value, bool IsIPv6) : IComparable<IpAddress>
{
    public int Bits => IsIPv6 ? 128 : 32;

    public static IpAddress FromIPv4(uint value) => new(value, false);

    public static IpAddress Parse(string text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException(error);

    public static bool TryParse(string? text, out IpAddress address) => TryParse(text, out address, out _);

    /// <summary>Strict parse: dotted-quad IPv4 (no short forms such as "10.1", no leading zeros) or RFC 4291 IPv6.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out IpAddress address, out string error)
    {
        address = default;
        text = text.Trim();
        if (text.IsEmpty) { error = "empty address"; return false; }
        if (text.Contains(':'))
        {
            if (text.Contains('%')) { error = $"'{text}' has a zone id, which has no meaning in a VPC"; return false; }
            if (!IPAddress.TryParse(text, out var ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
            { error = $"'{text}' is not a valid IPv6 address"; return false; }
            Span<byte> bytes = stackalloc byte[16];
            ip.TryWriteBytes(bytes, out _);
            address = new IpAddress(BinaryPrimitives.ReadUInt128BigEndian(bytes), true);
            error = "";
            return true;
        }
        if (TryParseIPv4(text, out var v4)) { address = FromIPv4(v4); error = ""; return true; }
        error = $"'{text}' is not a valid IPv4 address (expected four decimal octets such as 10.0.1.25)";
        return false;
    }

    /// <summary>Parses four decimal octets; shared by the flow-log reader's hot path.</summary>
    public static bool TryParseIPv4(ReadOnlySpan<char> s, out uint value)
    {
        value = 0;
        int octets = 0, i = 0;
        while (i < s.Length)
        {
            int start = i, n = 0;
            while (i < s.Length && (uint)(s[i] - '0') <= 9) { n = n * 10 + (s[i] - '0'); i++; if (i - start > 3) return false; }
            int len = i - start;
            if (len == 0 || n > 255 || (len > 1 && s[start] == '0')) return false;
            value = (value << 8) | (uint)n;
            octets++;
            if (i == s.Length) break;
            if (s[i] != '.' || octets == 4) return false;
            i++;
            if (i == s.Length) return false;
        }
        return octets == 4;
    }

    public IPAddress ToIPAddress()
    {
        if (!IsIPv6) return new IPAddress(BinaryPrimitives.ReverseEndianness((uint)Value));
        Span<byte> bytes = stackalloc byte[16];
        BinaryPrimitives.WriteUInt128BigEndian(bytes, Value);
        return new IPAddress(bytes);
    }

    /// <summary>Canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest zero run compressed).</summary>
    public override string ToString()
    {
        if (IsIPv6) return ToIPAddress().ToString();
        uint v = (uint)Value;
        return string.Create(CultureInfo.InvariantCulture, $"{v >> 24}.{(v >> 16) & 255}.{(v >> 8) & 255}.{v & 255}");
    }

    public IpAddress Add(long offset) => new(offset >= 0 ? Value + (UInt128)offset : Value - (UInt128)(-offset), IsIPv6);

    public int CompareTo(IpAddress other) =>
        IsIPv6 != other.IsIPv6 ? IsIPv6.CompareTo(other.IsIPv6) : Value.CompareTo(other.Value);

    /// <summary>RFC 1918, RFC 6598 (carrier-grade NAT) and IPv6 unique-local addresses: what a VPC may use privately.</summary>
    public bool IsPrivate
    {
        get
        {
            if (IsIPv6) return Cidr.Ipv6UniqueLocal.Contains(this);
            foreach (var c in Cidr.Rfc1918) if (c.Contains(this)) return true;
            return Cidr.SharedAddressSpace.Contains(this);
        }
    }
}
