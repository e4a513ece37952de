namespace VpcSecTools.HelpCompiler;

/// <summary>One example: its title, the PowerShell to type and what it shows.</summary>
public sealed record HelpExample(string Title, string Code, string Remarks);

/// <summary>A type named under INPUTS or OUTPUTS, with what it means.</summary>
public sealed record HelpType(string TypeName, string Description);

/// <summary>
/// A cmdlet's help as written in <c>docs/en-US/&lt;Verb-Noun&gt;.md</c>, in platyPS's markdown layout:
/// <c># Verb-Noun</c>, then <c>## SYNOPSIS</c>, <c>## SYNTAX</c>, <c>## DESCRIPTION</c>, <c>## EXAMPLES</c>
/// (<c>### Example N: title</c>, a powershell block, remarks), <c>## PARAMETERS</c> (<c>### -Name</c>, text, an
/// optional yaml block), <c>## INPUTS</c>, <c>## OUTPUTS</c>, <c>## NOTES</c>, <c>## RELATED LINKS</c>.
/// The SYNTAX section and the yaml blocks are not read: those facts come from the assembly.
/// </summary>
public sealed record MarkdownHelp(
    string File,
    string Name,
    string Synopsis,
    string Description,
    IReadOnlyList<HelpExample> Examples,
    IReadOnlyDictionary<string, string> Parameters,
    IReadOnlyList<HelpType> Inputs,
    IReadOnlyList<HelpType> Outputs,
    string Notes,
    IReadOnlyList<(string Text, string Uri)> RelatedLinks)
{
    /// <summary>Reads one help file.</summary>
    public static MarkdownHelp Read(string file) => Parse(System.IO.File.ReadAllLines(file), file);

    /// <summary>Parses help markdown; <paramref name="file"/> names it in messages.</summary>
    public static MarkdownHelp Parse(IReadOnlyList<string> lines, string file)
    {
        var body = SkipFrontMatter(lines);
        var name = body.FirstOrDefault(l => l.StartsWith("# ", StringComparison.Ordinal))?[2..].Trim() ?? "";
        var sections = Split(body, "## ");
        string Section(string heading) => Text(sections.GetValueOrDefault(heading) ?? []);

        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (heading, content) in Split(sections.GetValueOrDefault("PARAMETERS") ?? [], "### "))
            if (heading.StartsWith('-')) parameters[heading[1..].Trim()] = Text(WithoutCode(content));

        var examples = Split(sections.GetValueOrDefault("EXAMPLES") ?? [], "### ")
            .Select(e => new HelpExample(e.Key, string.Join("\n", CodeOf(e.Value)).Trim(), Text(WithoutCode(e.Value))))
            .ToArray();

        return new MarkdownHelp(file, name, Section("SYNOPSIS"), Section("DESCRIPTION"), examples, parameters,
            Types(sections.GetValueOrDefault("INPUTS")), Types(sections.GetValueOrDefault("OUTPUTS")),
            Section("NOTES"), Links(sections.GetValueOrDefault("RELATED LINKS")));
    }

    private static IReadOnlyList<string> SkipFrontMatter(IReadOnlyList<string> lines)
    {
        if (lines.Count == 0 || lines[0].Trim() != "---") return lines;
        for (var i = 1; i < lines.Count; i++)
            if (lines[i].Trim() == "---") return lines.Skip(i + 1).ToArray();
        return lines;
    }

    /// <summary>Headed sections at one level, in order, keyed by heading text (outside code blocks).</summary>
    private static Dictionary<string, List<string>> Split(IEnumerable<string> lines, string marker)
    {
        var result = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        List<string>? current = null;
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) inCode = !inCode;
            if (!inCode && line.StartsWith(marker, StringComparison.Ordinal))
            {
                current = [];
                result[line[marker.Length..].Trim()] = current;
                continue;
            }
            if (!inCode && current is not null && IsHigherHeading(line, marker)) { current = null; continue; }
            current?.Add(line);
        }
        return result;
    }

    private static bool IsHigherHeading(string line, string marker)
    {
        var level = marker.TrimEnd().Length;
        var hashes = line.TakeWhile(c => c == '#').Count();
        return hashes > 0 && hashes < level && line.Length > hashes && line[hashes] == ' ';
    }

    private static IEnumerable<string> CodeOf(IEnumerable<string> lines)
    {
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (inCode) yield return line;
        }
    }

    private static IEnumerable<string> WithoutCode(IEnumerable<string> lines)
    {
        var inCode = false;
        foreach (var line in lines)
        {
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (!inCode) yield return line;
        }
    }

    /// <summary>Paragraphs joined by blank lines; lines of a paragraph joined by spaces.</summary>
    internal static string Text(IEnumerable<string> lines)
    {
        var paragraphs = new List<string>();
        var current = new List<string>();
        foreach (var raw in lines.Append(""))
        {
            // Inline code marks mean nothing in Get-Help's plain text.
            var line = raw.Trim().Replace("`", "");
            if (line.Length == 0)
            {
                if (current.Count > 0) paragraphs.Add(string.Join(" ", current));
                current.Clear();
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("* ", StringComparison.Ordinal) || line.StartsWith('|'))
            {
                // List items and table rows keep their own lines.
                if (current.Count > 0) paragraphs.Add(string.Join(" ", current));
                current.Clear();
                paragraphs.Add(line);
            }
            else current.Add(line);
        }
        return string.Join("\n\n", paragraphs);
    }

    private static IReadOnlyList<HelpType> Types(List<string>? lines) =>
        Split(lines ?? [], "### ").Select(t => new HelpType(t.Key, Text(t.Value))).ToArray();

    private static IReadOnlyList<(string Text, string Uri)> Links(List<string>? lines) =>
        (lines ?? []).Select(l => l.Trim())
            .Where(l => l.StartsWith('[') && l.Contains("]("))
            .Select(l =>
            {
                var close = l.IndexOf("](", StringComparison.Ordinal);
                var end = l.IndexOf(')', close);
                return (l[1..close], end > close ? l[(close + 2)..end] : "");
            })
            .ToArray();
}
