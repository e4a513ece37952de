using System.Text;
using VpcSecTools.Exposure;

namespace VpcSecTools.Drift;

/// <summary>
/// A drift as Markdown for a ticket or a chat message: the counts, what could not be compared, new internet exposures
/// first, then reachability, configuration by resource, and findings. Table cells are escaped so a rule's text cannot
/// break the table.
/// </summary>
public static class DriftMarkdown
{
    public static string Render(DriftReport report)
    {
        var md = new StringBuilder();
        var reach = report.Reachability.ToArray();
        var configuration = report.Configuration.ToArray();
        var findings = report.Findings.ToArray();
        var gaps = report.Gaps.ToArray();
        md.AppendLine($"## Network drift: {report.Reference} -> {report.Difference}").AppendLine();
        md.AppendLine($"{report.NewExposures.Count()} new internet exposure(s), {reach.Length} reachability change(s), {configuration.Length} configuration change(s), " +
            $"{findings.Count(f => f.Change == DriftChangeKind.New)} new and {findings.Count(f => f.Change == DriftChangeKind.Resolved)} resolved finding(s)" +
            $"{(gaps.Length == 0 ? "." : $"; {gaps.Length} part(s) could not be compared (Unknown).")}").AppendLine();

        if (gaps.Length > 0)
        {
            md.AppendLine("### Not compared (Unknown)").AppendLine();
            foreach (var g in gaps) md.AppendLine($"- **{g.Kind}** {Inline(g.Summary)}");
            md.AppendLine();
        }
        if (reach.Length > 0)
        {
            md.AppendLine("### Reachability").AppendLine();
            Table(md, ["Change", "Source", "Destination", "Traffic", "Caused by"], reach
                .OrderBy(r => r.Change == DriftChangeKind.Opened && r.SourceKind == SourceClassKind.Internet ? 0 : 1)
                .Select(r => new[]
                {
                    r.Change == DriftChangeKind.Opened && r.SourceKind == SourceClassKind.Internet ? "**Opened**" : r.Change.ToString(), r.Source,
                    $"{r.DestinationId}{(r.DestinationName is null ? "" : $" ({r.DestinationName})")}{(r.DestinationAddress is null ? "" : $" {r.DestinationAddress}")}",
                    $"{r.Protocol}/{r.Ports}", r.Cause ?? r.CausingComponent ?? (r.BlockedAfter is null ? "" : $"now blocked: {r.BlockedAfter}"),
                }));
        }
        if (configuration.Length > 0)
        {
            md.AppendLine("### Configuration").AppendLine();
            foreach (var resource in configuration.GroupBy(c => (c.Region, c.ResourceId)))
            {
                var first = resource.First();
                var usedBy = first.UsedBy.Count == 0 ? "" : $", on {string.Join(", ", first.UsedBy.Take(5))}{(first.UsedBy.Count > 5 ? $" and {first.UsedBy.Count - 5} more" : "")}";
                md.AppendLine($"- **{Inline(first.Subject)}** ({first.ResourceType}{(first.VpcId is null ? "" : $" in {first.VpcId}")}{Inline(usedBy)})");
                foreach (var c in resource) md.AppendLine($"  - {c.Change}: {Inline(c.Summary)}");
            }
            md.AppendLine();
        }
        if (findings.Length > 0)
        {
            md.AppendLine("### Findings").AppendLine();
            Table(md, ["Change", "Severity", "Check", "Resource", "Finding"], findings.Select(f => new[]
            {
                f.Change.ToString(), f.SeverityBefore is { } was && was != f.Severity ? $"{was.Label()} -> {f.Severity.Label()}" : f.Severity.Label(),
                f.CheckId, f.Subject, f.Summary,
            }));
        }
        if (reach.Length + configuration.Length + findings.Length + gaps.Length == 0) md.AppendLine("No change.");
        return md.ToString().TrimEnd() + Environment.NewLine;
    }

    private static void Table(StringBuilder md, string[] headers, IEnumerable<string[]> rows)
    {
        md.AppendLine($"| {string.Join(" | ", headers)} |");
        md.AppendLine($"|{string.Join("|", headers.Select(_ => "---"))}|");
        foreach (var row in rows) md.AppendLine($"| {string.Join(" | ", row.Select(Cell))} |");
        md.AppendLine();
    }

    private static string Cell(string text) => Inline(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string Inline(string text) => text.ReplaceLineEndings(" ");
}
