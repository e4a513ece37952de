namespace VpcSecTools.HelpCompiler;

/// <summary>
/// What a cmdlet's help is missing: the build prints these as warnings and the tests fail on them. Every
/// parameter described under its own name (an alias heading is named as such), a synopsis, a description and
/// at least two examples, each with code and an explanation.
/// </summary>
public static class HelpCheck
{
    /// <summary>The least number of examples a cmdlet's help carries.</summary>
    public const int MinimumExamples = 2;

    /// <summary>Problems with <paramref name="help"/> for <paramref name="cmdlet"/>; empty when complete.</summary>
    public static IReadOnlyList<string> Problems(CmdletMetadata cmdlet, MarkdownHelp? help)
    {
        if (help is null) return [$"{cmdlet.Name}: no help file docs/en-US/{cmdlet.Name}.md"];
        var problems = new List<string>();
        void Add(string problem) => problems.Add($"{cmdlet.Name} ({Path.GetFileName(help.File)}): {problem}");

        if (help.Name != cmdlet.Name) Add($"the title is '# {help.Name}', expected '# {cmdlet.Name}'");
        if (string.IsNullOrWhiteSpace(help.Synopsis)) Add("## SYNOPSIS is empty");
        if (string.IsNullOrWhiteSpace(help.Description)) Add("## DESCRIPTION is empty");
        if (help.Examples.Count < MinimumExamples) Add($"{help.Examples.Count} example(s) under ## EXAMPLES, at least {MinimumExamples} needed");
        foreach (var example in help.Examples)
        {
            if (string.IsNullOrWhiteSpace(example.Code)) Add($"example '{example.Title}' has no ```powershell block");
            if (string.IsNullOrWhiteSpace(example.Remarks)) Add($"example '{example.Title}' does not explain what it shows");
        }

        var known = cmdlet.Parameters.ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var parameter in cmdlet.Parameters)
            if (string.IsNullOrWhiteSpace(help.Parameters.GetValueOrDefault(parameter.Name)))
                Add($"parameter -{parameter.Name} is not described (### -{parameter.Name} under ## PARAMETERS)");
        foreach (var documented in help.Parameters.Keys)
        {
            if (known.ContainsKey(documented) || (cmdlet.SupportsShouldProcess && MamlWriter.ShouldProcessParameters.ContainsKey(documented)))
                continue;
            var owner = cmdlet.Parameters.FirstOrDefault(p => p.Aliases.Contains(documented, StringComparer.OrdinalIgnoreCase));
            Add(owner is null
                ? $"### -{documented} documents a parameter the cmdlet does not have"
                : $"### -{documented} is an alias of -{owner.Name}; document it as ### -{owner.Name}");
        }
        return problems;
    }
}
