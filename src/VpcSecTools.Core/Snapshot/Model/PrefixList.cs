namespace VpcSecTools.Snapshot;

/// <summary>
/// describe-managed-prefix-lists (and the older describe-prefix-lists, whose items carry <c>Cidrs</c>
/// directly). Entries come from get-managed-prefix-list-entries, kept in <see cref="PrefixListEntries"/>.
/// </summary>
public sealed record ManagedPrefixList
{
    public string PrefixListId { get; init; } = "";
    public string? PrefixListName { get; init; }
    public string? AddressFamily { get; init; }
    public string? State { get; init; }
    public string? PrefixListArn { get; init; }
    public int? MaxEntries { get; init; }
    public long? Version { get; init; }
    /// <summary><c>AWS</c> for AWS-managed lists (S3, DynamoDB, CloudFront...).</summary>
    public string? OwnerId { get; init; }
    /// <summary>Only from describe-prefix-lists (AWS service lists).</summary>
    public IReadOnlyList<string>? Cidrs { get; init; }
    public IReadOnlyList<Tag> Tags { get; init; } = [];
}

/// <summary>get-managed-prefix-list-entries for one list.</summary>
public sealed record PrefixListEntries
{
    public string PrefixListId { get; init; } = "";
    public IReadOnlyList<PrefixListEntry> Entries { get; init; } = [];
}

public sealed record PrefixListEntry
{
    public string Cidr { get; init; } = "";
    public string? Description { get; init; }
}
