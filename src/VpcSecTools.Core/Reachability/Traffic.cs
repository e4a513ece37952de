using System.Globalization;
using VpcSecTools.Net;

namespace VpcSecTools.Reachability;

/// <summary>
/// What a packet carries that rules match on: the protocol, and the destination ports (TCP/UDP) or
/// the ICMP type and code. Null ports or type mean "all of them": a rule must then allow every one.
/// </summary>
public sealed record Traffic(IpProtocol Protocol, PortRange? Ports = null, int? IcmpType = null, int? IcmpCode = null)
{
    public static Traffic Tcp(int port) => new(IpProtocol.Tcp, new PortRange(port, port));
    public static Traffic Udp(int port) => new(IpProtocol.Udp, new PortRange(port, port));

    /// <summary>Parses user input: a protocol name or number, and a port (TCP/UDP) or ICMP type/code.</summary>
    public static Traffic Parse(string protocol, int? port = null, int? icmpType = null, int? icmpCode = null) =>
        Of(IpProtocol.Parse(protocol), port, icmpType, icmpCode);

    /// <summary>Builds traffic from user input: ports for TCP/UDP, type/code for ICMP.</summary>
    public static Traffic Of(IpProtocol protocol, int? port = null, int? icmpType = null, int? icmpCode = null)
    {
        if (port is < 0 or > 65535) throw new ArgumentException($"port {port} is out of range 0-65535");
        if (protocol.HasPorts) return new Traffic(protocol, port is null ? null : new PortRange(port.Value, port.Value));
        if (protocol.IsIcmp) return new Traffic(protocol, null, icmpType ?? (port is null ? null : port), icmpCode);
        return new Traffic(protocol);
    }

    /// <summary>The response: same protocol, to the client's ephemeral <paramref name="clientPorts"/>; echo request becomes echo reply.</summary>
    public Traffic Reply(PortRange clientPorts) => Protocol.HasPorts
        ? this with { Ports = clientPorts }
        : Protocol.IsIcmp ? this with { IcmpType = ReplyType(Protocol, IcmpType) }
        : this;

    private static int? ReplyType(IpProtocol protocol, int? type) => (protocol.Number, type) switch
    {
        (1, 8) => 0,
        (58, 128) => 129,
        _ => type,
    };

    /// <summary>Port text as shown in results: a port, a range, <c>type/code</c> for ICMP, or null for all.</summary>
    public string? PortText => Protocol.HasPorts ? Ports?.ToString()
        : Protocol.IsIcmp && IcmpType is not null ? string.Create(CultureInfo.InvariantCulture, $"{IcmpType}/{IcmpCode?.ToString(CultureInfo.InvariantCulture) ?? "any"}")
        : null;

    public override string ToString() => PortText is null ? Protocol.ToString() : $"{Protocol}/{PortText}";
}

/// <summary>The ephemeral port range a client uses for its side of a connection (SEMANTICS 9).</summary>
public sealed record ClientEphemeralRange(string Client, PortRange Ports)
{
    public static readonly ClientEphemeralRange Linux = new("Linux", PortRange.LinuxEphemeral);
    public static readonly ClientEphemeralRange Windows = new("Windows", PortRange.WindowsEphemeral);
    public static readonly ClientEphemeralRange AwsService = new("NAT gateway/ELB/Lambda", PortRange.AwsServiceEphemeral);

    /// <summary>The ranges reported when the client's kind is not known.</summary>
    public static readonly IReadOnlyList<ClientEphemeralRange> All = [Linux, Windows, AwsService];
}
