using VpcSecTools.Snapshot;

namespace VpcSecTools.Completion;

/// <summary>The kinds of resource whose ids complete from a snapshot.</summary>
public enum CompletableResource
{
    Vpc,
    Subnet,
    Instance,
    SecurityGroup,
}

/// <summary>
/// Resource ids from the snapshot in use, for <c>-VpcId</c>, <c>-SubnetId</c>, <c>-InstanceId</c> and
/// <c>-GroupId</c>. A typed word matches the start of an id or of the resource's Name tag (or group name), so
/// <c>-InstanceId web&lt;Tab&gt;</c> finds the instance called "web-1" and inserts its id.
/// </summary>
public static class SnapshotIdCandidates
{
    /// <summary>Candidates of <paramref name="kind"/> matching <paramref name="wordToComplete"/>, ordered by id.</summary>
    public static IReadOnlyList<CompletionCandidate> For(SnapshotIndex index, CompletableResource kind, string? wordToComplete)
    {
        var word = Unquote(wordToComplete);
        return Describe(index, kind)
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
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Not a completable resource."),
    };

    private static string? NameTag(IReadOnlyList<Tag> tags) =>
        tags.FirstOrDefault(t => t.Key == "Name")?.Value is { Length: > 0 } name ? name : null;

    private static string Join(params string?[] parts) => string.Join(" ", parts.Where(p => !string.IsNullOrEmpty(p)));

    private static bool Matches(string candidate, string word) =>
        candidate.StartsWith(word, StringComparison.OrdinalIgnoreCase);

    /// <summary>The word as typed, without the quote the user may have opened.</summary>
    public static string Unquote(string? wordToComplete) =>
        (wordToComplete ?? "").Trim('\'', '"');
}
