using VpcSecTools.Snapshot;

namespace VpcSecTools.Completion;

/// <summary>The kinds of resource whose ids complete from a snapshot.</summary>
public enum CompletableResource
{
    Vpc,
    Subnet,
    Instance,
    SecurityGroup,
    NetworkInterface,
    FlowLog,
}

/// <summary>
/// Resource ids from the snapshot in use, for <c>-VpcId</c>, <c>-SubnetId</c>, <c>-InstanceId</c>, <c>-GroupId</c>,
/// <c>-InterfaceId</c>, <c>-FlowLogId</c> and the ends of a reachability question. A typed word matches the start of an
/// id or of the resource's Name tag (or group name), so <c>-InstanceId web&lt;Tab&gt;</c> finds the instance called
/// "web-1" and inserts its id.
/// </summary>
public static class SnapshotIdCandidates
{
    /// <summary>Candidates of <paramref name="kind"/> matching <paramref name="wordToComplete"/>, ordered by id.</summary>
    public static IReadOnlyList<CompletionCandidate> For(SnapshotIndex index, CompletableResource kind, string? wordToComplete) =>
        For(index, [kind], wordToComplete);

    /// <summary>
    /// What a reachability question's end can be: the words <c>Internet</c> (and, for a source, <c>*</c>: everything),
    /// then instances and network interfaces; a source may also be a VPC, subnet or security group (every ENI in it).
    /// </summary>
    public static IReadOnlyList<CompletionCandidate> ForEndpoint(SnapshotIndex index, bool source, string? wordToComplete)
    {
        var word = Unquote(wordToComplete);
        var words = (source ? new[] { ("*", "every network interface of the snapshot, and the internet") } : [])
            .Append(("Internet", "any address on the internet"))
            .Where(w => Matches(w.Item1, word))
            .Select(w => new CompletionCandidate(w.Item1, w.Item1, w.Item2));
        CompletableResource[] kinds = source
            ? [CompletableResource.Instance, CompletableResource.NetworkInterface, CompletableResource.Vpc, CompletableResource.Subnet, CompletableResource.SecurityGroup]
            : [CompletableResource.Instance, CompletableResource.NetworkInterface];
        return [.. words, .. For(index, kinds, wordToComplete)];
    }

    private static IReadOnlyList<CompletionCandidate> For(SnapshotIndex index, IEnumerable<CompletableResource> kinds, string? wordToComplete)
    {
        var word = Unquote(wordToComplete);
        return kinds.SelectMany(kind => Describe(index, kind))
            .Where(r => Matches(r.Id, word) || (r.Name is not null && Matches(r.Name, word)))
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .Select(r => new CompletionCandidate(
                r.Id,
                r.Name is null ? r.Id : $"{r.Id} ({r.Name})",
                string.Join(" ", new[] { r.Id, r.Name is null ? null : $"\"{r.Name}\"", r.Detail }.Where(p => !string.IsNullOrEmpty(p)))))
            .ToArray();
    }

    private sealed record Described(string Id, string? Name, string? Detail);

    private static IEnumerable<Described> Describe(SnapshotIndex index, CompletableResource kind) => kind switch
    {
        CompletableResource.Vpc => index.Vpcs.Values.Select(v =>
            new Described(v.VpcId, NameTag(v.Tags), Join(v.CidrBlock, index.RegionOf(v.VpcId)?.Region))),
        CompletableResource.Subnet => index.Subnets.Values.Select(s =>
            new Described(s.SubnetId, NameTag(s.Tags), Join(s.CidrBlock, s.AvailabilityZone, s.VpcId))),
        CompletableResource.Instance => index.Instances.Values.Select(i =>
            new Described(i.InstanceId, NameTag(i.Tags), Join(i.PrivateIpAddress, i.State?.Name, i.SubnetId))),
        CompletableResource.SecurityGroup => index.SecurityGroups.Values.Select(g =>
            new Described(g.GroupId, NameTag(g.Tags) ?? g.GroupName, Join(g.GroupName, g.VpcId))),
        CompletableResource.NetworkInterface => index.NetworkInterfaces.Values.Select(e =>
            new Described(e.NetworkInterfaceId, NameTag(e.TagSet) ?? OwnerName(index, e), Join(e.PrivateIpAddress, e.InterfaceType, e.SubnetId))),
        CompletableResource.FlowLog => index.FlowLogs.Values.Select(f =>
            new Described(f.FlowLogId, NameTag(f.Tags), Join(f.ResourceId, f.TrafficType, f.LogDestinationType, f.LogDestination ?? f.LogGroupName))),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a completable resource."),
    };

    // An ENI rarely has its own Name tag: the name of what holds it (an instance, a load balancer) is the one users know.
    private static string? OwnerName(SnapshotIndex index, NetworkInterface eni) => IpMap.EniOwnerRules.Detect(eni, index).Name;

    private static string? NameTag(IReadOnlyList<Tag> tags) =>
        tags.FirstOrDefault(t => t.Key == "Name")?.Value is { Length: > 0 } name ? name : null;

    private static string Join(params string?[] parts) => string.Join(" ", parts.Where(p => !string.IsNullOrEmpty(p)));

    private static bool Matches(string candidate, string word) =>
        candidate.StartsWith(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The word as typed, without the quote the user may have opened.</summary>
    public static string Unquote(string? wordToComplete) =>
        (wordToComplete ?? "").Trim('\'', '"');
}
