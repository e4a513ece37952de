using System.Text;

namespace VpcSecTools.HelpCompiler;

/// <summary>
/// Turns <c>docs/en-US/about_*.md</c> into the plain-text layout of <c>about_*.help.txt</c>: headings in capitals
/// at the margin, prose indented four spaces, code indented eight, tables kept as drawn.
/// </summary>
public static class AboutTopic
{
    /// <summary>The text of the help file for the markdown <paramref name="lines"/>.</summary>
    public static string Convert(IEnumerable<string> lines)
    {
        var text = new StringBuilder();
        var inCode = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal)) { inCode = !inCode; continue; }
            if (inCode) { text.Append("        ").AppendLine(line); continue; }
            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                text.AppendLine("TOPIC").Append("    ").AppendLine(line[2..].Trim());
                continue;
            }
            if (line.StartsWith('#'))
            {
                if (!EndsWithBlankLine(text)) text.AppendLine();
                text.AppendLine(line.TrimStart('#').Trim().ToUpperInvariant());
                continue;
            }
            text.AppendLine(line.Length == 0 ? "" : "    " + line.Replace("`", ""));
        }
        return text.ToString();
    }

    private static bool EndsWithBlankLine(StringBuilder text) =>
        text.Length == 0 || text.ToString().EndsWith(Environment.NewLine + Environment.NewLine, StringComparison.Ordinal);
}
