using System.Text.RegularExpressions;

namespace VpcSecTools.Exposure;

/// <summary>
/// A finding's identity across captures, for comparing two audits: what the finding is about (check, resource, direction,
/// protocol, ports, source, related groups, and the region of an account-wide finding), not where its rule sits. A rule's
/// place in <c>IpPermissions</c> moves when another rule is added before it, so list positions are left out of the rule
/// (<c>IpPermissions[2].IpRanges[0]</c> reads <c>IpPermissions.IpRanges</c>); a NACL entry's rule number is content and stays.
/// </summary>
public static partial class FindingIdentity
{
    public static string Of(Finding f) => string.Join("|",
        f.CheckId, f.ResourceId, f.Direction, f.Protocol, f.Ports, f.Source, Rule(f.Rule),
        string.Join(",", f.RelatedGroupIds.Order(StringComparer.Ordinal)), f.ResourceType == Checks.AccountType ? f.Region : null);

    /// <summary>The rule's places without positions, in one order (several rules are joined by "; " in the order they sit).</summary>
    private static string? Rule(string? rule) => rule is null ? null
        : string.Join("; ", rule.Split("; ").Select(r => Positions().Replace(r, "")).Order(StringComparer.Ordinal));

    [GeneratedRegex(@"\[\d+\]")]
    private static partial Regex Positions();
}
