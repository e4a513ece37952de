using VpcSecTools.Exposure;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Drift;

/// <summary>
/// What Compare-VpcSnapshot reports as a finding of its own: a reachability the later capture opened. New audit findings
/// keep their own checks; this one carries an exposure that no rule check names (a route, a NACL entry removed, a public
/// address attached). Ids never change once published.
/// </summary>
public static class DriftChecks
{
    public static readonly CheckDefinition ReachabilityOpened = new("Drift.ReachabilityOpened",
        "A source reaches a network interface that it did not reach in the earlier capture", Severity.Medium, Checks.NetworkInterfaceType,
        "Confirm that the change was intended: the cause names the rule, NACL entry, route or address that opened the path. " +
        "If it was not, revert that change; if it was, narrow it to the sources that need it.",
        ["VpcSecTools (exposure drift between captures)"])
    { Requires = [Section.SecurityGroups, Section.NetworkAcls, Section.RouteTables, Section.NetworkInterfaces] };

    public static IReadOnlyList<CheckDefinition> All { get; } = [ReachabilityOpened];

    /// <summary>The finding of an opened reachability: high from the internet, medium from any other source class.</summary>
    internal static Finding Of(ReachabilityChange c)
    {
        var severity = c.SourceKind == SourceClassKind.Internet ? Severity.High : Severity.Medium;
        var cause = c.Cause ?? c.CausingComponent ?? "no configuration change on the paths names the cause";
        return new Finding
        {
            CheckId = ReachabilityOpened.Id, Severity = severity, BaseSeverity = ReachabilityOpened.BaseSeverity, Title = ReachabilityOpened.Title,
            ResourceType = ReachabilityOpened.ResourceType, ResourceId = c.DestinationId, ResourceName = c.DestinationName, VpcId = c.VpcId,
            AccountId = c.AccountId, Region = c.Region, Direction = "Ingress", Rule = c.AllowedBy, Protocol = c.Protocol, Ports = c.Ports, Source = c.Source,
            Detail = $"{c.Source} reaches {c.DestinationId}{(c.DestinationName is null ? "" : $" ({c.DestinationName})")}" +
                $"{(c.DestinationAddress is null ? "" : $" at {c.DestinationAddress}")} on {c.Protocol} {c.Ports}: {c.Before?.ToString() ?? "absent"} -> " +
                $"{c.After}; {c.ReachingAfter} source(s) of the class reach it, {c.ReachingBefore} before. Cause: {cause}.",
            Remediation = ReachabilityOpened.Remediation, References = ReachabilityOpened.References.ToValueList(),
        };
    }
}
