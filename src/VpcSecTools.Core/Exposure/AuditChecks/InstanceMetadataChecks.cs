using VpcSecTools.Snapshot;

namespace VpcSecTools.Exposure;

/// <summary>
/// The instance metadata service of each instance (IMDS): one that accepts IMDSv1, rated by how exposed the instance is
/// (an SSRF needs a way in), and one whose token hop limit lets containers on it take the instance role. An instance whose
/// describe-instances item lacks the setting is judged by its worst case, unconfirmed.
/// </summary>
internal sealed class InstanceMetadataChecks : IAuditCheck
{
    public IReadOnlyList<CheckDefinition> Reports { get; } = [Checks.ImdsV1Allowed, Checks.ImdsHopLimit];

    public bool RunsWith(AuditOptions options, AuditScope scope) => scope.GroupIds.Count == 0;

    public void Run(AuditContext audit)
    {
        foreach (var instance in audit.Index.Instances.Values)
        {
            // A terminated instance (or one on its way) has no metadata service left to ask.
            if (ResourceState.IsAny(instance.State?.Name, "terminated", "shutting-down") || !audit.Scope.IncludesVpc(instance.VpcId)) continue;
            var options = instance.MetadataOptions;
            if (ResourceState.Is(options?.HttpEndpoint, "disabled")) continue;
            var name = instance.Tags.NameTag();
            var who = $"{name ?? instance.InstanceId} ({instance.InstanceId}{(instance.State?.Name is { } state ? $", {state}" : "")})";
            var role = instance.IamInstanceProfile?.Arn is { } arn ? arn[(arn.LastIndexOf('/') + 1)..] : null;
            var pending = ResourceState.Is(options?.State, "pending") ? " (a change to these options is pending)" : "";
            var exposure = ExposureOf(audit, instance);

            string? missing = options is null ? $"the describe-instances item of {instance.InstanceId} has no MetadataOptions"
                : !ResourceState.IsAny(options.HttpTokens, "optional", "required") ? $"MetadataOptions.HttpTokens of {instance.InstanceId} is {Text(options.HttpTokens)}, not optional or required"
                : !ResourceState.IsAbsentOr(options.HttpEndpoint, "enabled") ? $"MetadataOptions.HttpEndpoint of {instance.InstanceId} is {Text(options.HttpEndpoint)}, not enabled or disabled"
                : null;
            if (options is null || !ResourceState.Is(options.HttpTokens, "required"))
            {
                var credentials = role is null
                    ? "It has no instance profile today, but its user data and any role attached later are readable the same way."
                    : $"That includes the temporary credentials of instance profile {role}.";
                audit.Add(new ResourceFindingDraft(Checks.ImdsV1Allowed, instance.InstanceId)
                {
                    ResourceName = name, VpcId = instance.VpcId, Exposure = exposure, MissingData = missing,
                    Rule = $"MetadataOptions.HttpTokens = {Text(options?.HttpTokens)}",
                    Remediation = $"aws ec2 modify-instance-metadata-options --instance-id {instance.InstanceId} --http-tokens required --http-endpoint enabled " +
                        "(check first that the software on it sends IMDSv2 tokens; the MetadataNoToken CloudWatch metric counts the requests without one).",
                    Detail = missing is null
                        ? $"{who} accepts IMDSv1 (HttpTokens optional){pending}: any request a process on it can be made to send to 169.254.169.254, such as an SSRF, reads the metadata service without a session token. {credentials}"
                        : $"{who} may accept IMDSv1: whether it requires session tokens cannot be read, so it is judged by its worst case. {credentials}",
                });
                continue;
            }
            // Tokens are required: the hop limit decides who beyond the instance can obtain one.
            if (role is null) continue;
            var hops = options.HttpPutResponseHopLimit;
            if (hops is 1) continue;
            audit.Add(new ResourceFindingDraft(Checks.ImdsHopLimit, instance.InstanceId)
            {
                ResourceName = name, VpcId = instance.VpcId, Exposure = exposure,
                MissingData = hops is null ? $"MetadataOptions of {instance.InstanceId} has no HttpPutResponseHopLimit" : hops < 1 ? $"HttpPutResponseHopLimit {hops} is not 1-64" : null,
                Rule = $"MetadataOptions.HttpPutResponseHopLimit = {(hops is null ? "(absent)" : hops.ToString())}",
                Remediation = $"aws ec2 modify-instance-metadata-options --instance-id {instance.InstanceId} --http-put-response-hop-limit 1 " +
                    "(unless a container on it must use the instance role; give containers roles of their own).",
                Detail = hops is null
                    ? $"{who} requires IMDSv2, but its hop limit cannot be read: a limit above 1 would let a container on it take the credentials of instance profile {role}."
                    : $"{who} requires IMDSv2 but lets the token travel {hops} hops{pending}: a container or any process one network hop away on the instance can get a token and the credentials of instance profile {role}.",
            });
        }
    }

    private static string Text(string? value) => value is null ? "(absent)" : value.Length == 0 ? "empty" : value;

    /// <summary>
    /// The instance's own exposure to the internet: its interfaces against everything their groups open to the whole internet.
    /// Unknown when the interfaces or groups were not captured, or a rule that cannot be read may open more.
    /// </summary>
    private static ExposureSummary ExposureOf(AuditContext audit, Instance instance)
    {
        var region = audit.Index.RegionOf(instance.InstanceId);
        var lacking = new[] { Section.NetworkInterfaces, Section.SecurityGroups }.Where(s => region is not null && !region.Has(s)).ToArray();
        if (lacking.Length > 0)
            return new ExposureSummary(ExposureVerdict.Unknown, [], $"{string.Join(" and ", lacking)} of {region!.Region} were not captured: what reaches {instance.InstanceId} is Unknown");
        var enis = audit.Index.EnisOfInstance(instance.InstanceId);
        var groups = enis.SelectMany(e => e.Groups).Select(g => g.GroupId).Distinct().ToArray();
        if (groups.FirstOrDefault(id => !audit.Index.SecurityGroups.ContainsKey(id)) is { } absent)
            return new ExposureSummary(ExposureVerdict.Unknown, [], $"security group {absent} on its interfaces is not in the snapshot");
        var exposure = audit.Exposure.OfInterfaces(enis, id => audit.Openings(audit.Index.SecurityGroups[id]));
        var unreadable = groups.SelectMany(id => audit.Unresolved(audit.Index.SecurityGroups[id], RuleDirection.Ingress)).FirstOrDefault();
        return unreadable is null || exposure.Verdict == ExposureVerdict.Reachable ? exposure
            : exposure with { Verdict = ExposureVerdict.Unknown, Evidence = $"{exposure.Evidence}; but {unreadable.GroupId} {unreadable.Path} ({unreadable.Source}) cannot be read in full and may open more" };
    }
}
