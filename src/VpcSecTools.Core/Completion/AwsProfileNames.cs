namespace VpcSecTools.Completion;

/// <summary>A named profile and the shared file that defines it.</summary>
public sealed record AwsProfileName(string Name, string File);

/// <summary>
/// The profile names in the AWS shared config and credentials files, for <c>-ProfileName</c> completion.
/// Only section headers are read: completion must never touch secrets. In the config file a profile is
/// <c>[default]</c> or <c>[profile name]</c> (other sections such as <c>[sso-session x]</c> and
/// <c>[services x]</c> are not profiles); in the credentials file every section is a profile.
/// </summary>
public static class AwsProfileNames
{
    /// <summary>The shared files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials.</summary>
    public static (string ConfigFile, string CredentialsFile) SharedFiles(Func<string, string?> environment, string homeDirectory)
    {
        static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
        return (
            NonEmpty(environment("AWS_CONFIG_FILE")) ?? Path.Combine(homeDirectory, ".aws", "config"),
            NonEmpty(environment("AWS_SHARED_CREDENTIALS_FILE")) ?? Path.Combine(homeDirectory, ".aws", "credentials"));
    }

    /// <summary>
    /// Profiles from both files (a missing or unreadable file contributes none), first definition wins,
    /// ordered by name. <paramref name="credentialsFile"/> is -ProfileLocation when the user gave one.
    /// </summary>
    public static IReadOnlyList<AwsProfileName> Read(string configFile, string credentialsFile) =>
        FromFile(credentialsFile, isConfigFile: false)
            .Concat(FromFile(configFile, isConfigFile: true))
            .DistinctBy(p => p.Name, StringComparer.Ordinal)
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>Profile names matching the start of the word.</summary>
    public static IReadOnlyList<CompletionCandidate> Complete(IEnumerable<AwsProfileName> profiles, string? wordToComplete)
    {
        var word = SnapshotIdCandidates.Unquote(wordToComplete);
        return profiles
            .Where(p => p.Name.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionCandidate(p.Name, p.Name, $"{p.Name} ({p.File})"))
            .ToArray();
    }

    /// <summary>The profile names declared by one file's section headers.</summary>
    public static IEnumerable<string> SectionProfiles(IEnumerable<string> lines, bool isConfigFile)
    {
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length < 2 || line[0] != '[') continue;
            var end = line.IndexOf(']');
            if (end < 0) continue;
            var section = line[1..end].Trim();
            if (!isConfigFile)
            {
                if (section.Length > 0) yield return section;
                continue;
            }
            if (section == "default") yield return section;
            else if (section.StartsWith("profile ", StringComparison.Ordinal) || section.StartsWith("profile\t", StringComparison.Ordinal))
            {
                var name = section["profile".Length..].Trim();
                if (name.Length > 0) yield return name;
            }
        }
    }

    private static IEnumerable<AwsProfileName> FromFile(string file, bool isConfigFile)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return [];
        }
        return SectionProfiles(lines, isConfigFile).Select(name => new AwsProfileName(name, file));
    }
}
