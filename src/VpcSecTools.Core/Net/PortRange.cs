using System.Globalization;

namespace VpcSecTools.Net;

/// <summary>An inclusive range of TCP/UDP ports, 0-65535.</summary>
public readonly record struct PortRange(int From, int To)
{
    public static readonly PortRange All = new(0, 65535);

    /// <summary>Ephemeral ranges of common clients, for stateless NACL return traffic (SEMANTICS 9).</summary>
    public static readonly PortRange LinuxEphemeral = new(32768, 60999);
    public static readonly PortRange WindowsEphemeral = new(49152, 65535);
    public static readonly PortRange AwsServiceEphemeral = new(1024, 65535);

    public bool IsAll => From <= 0 && To >= 65535;
    public int Count => To - From + 1;
    public bool Contains(int port) => port >= From && port <= To;
    public bool Contains(PortRange other) => other.From >= From && other.To <= To;
    public bool Overlaps(PortRange other) => From <= other.To && other.From <= To;

    public PortRange? Intersect(PortRange other)
    {
        int from = Math.Max(From, other.From), to = Math.Min(To, other.To);
        return from <= to ? new PortRange(from, to) : null;
    }

    /// <summary>The range an EC2 rule means by FromPort/ToPort; absent or -1 means every port.</summary>
    public static PortRange FromRule(int? fromPort, int? toPort)
    {
        if (fromPort is null or -1 || toPort is null or -1) return All;
        return new PortRange(Math.Max(0, fromPort.Value), Math.Min(65535, toPort.Value));
    }

    public static PortRange Parse(string text) =>
        TryParse(text, out var range, out var error) ? range : throw new FormatException(error);

    /// <summary>Parses "22", "1024-65535", "all" or "-1".</summary>
    public static bool TryParse(string? text, out PortRange range, out string error)
    {
        range = default;
        var s = (text ?? "").Trim();
        if (s is "-1" || s.Equals("all", StringComparison.OrdinalIgnoreCase) || s == "*") { range = All; error = ""; return true; }
        int dash = s.IndexOf('-', 1 < s.Length ? 1 : 0);
        if (dash > 0)
        {
            if (TryPort(s[..dash], out int a) && TryPort(s[(dash + 1)..], out int b) && a <= b) { range = new PortRange(a, b); error = ""; return true; }
        }
        else if (TryPort(s, out int p)) { range = new PortRange(p, p); error = ""; return true; }
        error = $"'{text}' is not a port or port range (0-65535, e.g. 22 or 1024-65535)";
        return false;
    }

    private static bool TryPort(string s, out int port) =>
        int.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;

    public override string ToString() =>
        IsAll ? "all" : From == To ? From.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{From}-{To}");
}
