namespace VpcSecTools.Snapshot;

/// <summary>An EC2 tag.</summary>
public sealed record Tag
{
    public string Key { get; init; } = "";
    public string? Value { get; init; }
}

/// <summary>A state with an optional message, as EC2 reports for CIDR blocks and associations.</summary>
public sealed record StateWithMessage
{
    public string? State { get; init; }
    public string? StatusMessage { get; init; }
}

/// <summary>A security group named on an ENI, instance or endpoint.</summary>
public sealed record GroupIdentifier
{
    public string? GroupName { get; init; }
    public string GroupId { get; init; } = "";
}

public static class TagExtensions
{
    /// <summary>The value of the <c>Name</c> tag, or null.</summary>
    public static string? NameTag(this IReadOnlyList<Tag>? tags)
    {
        if (tags is null) return null;
        foreach (var t in tags) if (t.Key == "Name") return t.Value;
        return null;
    }
}
