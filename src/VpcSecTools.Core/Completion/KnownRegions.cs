namespace VpcSecTools.Completion;

/// <summary>An AWS Region code and the name the console shows for it.</summary>
public sealed record AwsRegion(string Code, string Name);

/// <summary>
/// The AWS Regions <c>-Region</c> completes from. A list rather than a call to AWS: completion must work
/// offline and instantly; a Region missing here can still be typed, nothing validates against this list.
/// </summary>
public static class KnownRegions
{
    /// <summary>Commercial, GovCloud and China Regions, by code.</summary>
    public static IReadOnlyList<AwsRegion> All { get; } =
    [
        new("af-south-1", "Africa (Cape Town)"),
        new("ap-east-1", "Asia Pacific (Hong Kong)"),
        new("ap-east-2", "Asia Pacific (Taipei)"),
        new("ap-northeast-1", "Asia Pacific (Tokyo)"),
        new("ap-northeast-2", "Asia Pacific (Seoul)"),
        new("ap-northeast-3", "Asia Pacific (Osaka)"),
        new("ap-south-1", "Asia Pacific (Mumbai)"),
        new("ap-south-2", "Asia Pacific (Hyderabad)"),
        new("ap-southeast-1", "Asia Pacific (Singapore)"),
        new("ap-southeast-2", "Asia Pacific (Sydney)"),
        new("ap-southeast-3", "Asia Pacific (Jakarta)"),
        new("ap-southeast-4", "Asia Pacific (Melbourne)"),
        new("ap-southeast-5", "Asia Pacific (Malaysia)"),
        new("ap-southeast-7", "Asia Pacific (Thailand)"),
        new("ca-central-1", "Canada (Central)"),
        new("ca-west-1", "Canada West (Calgary)"),
        new("cn-north-1", "China (Beijing)"),
        new("cn-northwest-1", "China (Ningxia)"),
        new("eu-central-1", "Europe (Frankfurt)"),
        new("eu-central-2", "Europe (Zurich)"),
        new("eu-north-1", "Europe (Stockholm)"),
        new("eu-south-1", "Europe (Milan)"),
        new("eu-south-2", "Europe (Spain)"),
        new("eu-west-1", "Europe (Ireland)"),
        new("eu-west-2", "Europe (London)"),
        new("eu-west-3", "Europe (Paris)"),
        new("il-central-1", "Israel (Tel Aviv)"),
        new("me-central-1", "Middle East (UAE)"),
        new("me-south-1", "Middle East (Bahrain)"),
        new("mx-central-1", "Mexico (Central)"),
        new("sa-east-1", "South America (Sao Paulo)"),
        new("us-east-1", "US East (N. Virginia)"),
        new("us-east-2", "US East (Ohio)"),
        new("us-gov-east-1", "AWS GovCloud (US-East)"),
        new("us-gov-west-1", "AWS GovCloud (US-West)"),
        new("us-west-1", "US West (N. California)"),
        new("us-west-2", "US West (Oregon)"),
    ];

    /// <summary>
    /// Regions whose code starts with the word, or, for a plain word, whose name contains it ("tokyo" finds
    /// ap-northeast-1). A word with a hyphen or digit is a code being typed: "us-e" must not also offer GovCloud (US-East).
    /// </summary>
    public static IReadOnlyList<CompletionCandidate> Complete(string? wordToComplete)
    {
        var word = SnapshotIdCandidates.Unquote(wordToComplete);
        var byName = word.Length > 0 && word.All(char.IsLetter);
        return All
            .Where(r => r.Code.StartsWith(word, StringComparison.OrdinalIgnoreCase)
                        || (byName && r.Name.Contains(word, StringComparison.OrdinalIgnoreCase)))
            .Select(r => new CompletionCandidate(r.Code, r.Code, r.Name))
            .ToArray();
    }
}
