using System.Management.Automation;

namespace VpcSecTools.Completion;

/// <summary>Turns the engine's candidates into PowerShell completion results.</summary>
internal static class CompletionResults
{
    public static IEnumerable<CompletionResult> From(IEnumerable<CompletionCandidate> candidates) =>
        candidates.Select(c => new CompletionResult(Quote(c.Value), c.ListItemText, CompletionResultType.ParameterValue, c.ToolTip));

    // Profile names may hold spaces; a single-quoted string is literal in PowerShell once its quotes are doubled.
    internal static string Quote(string value) =>
        value.Any(ch => char.IsWhiteSpace(ch) || "'\"`$&|;,(){}@#<>".Contains(ch))
            ? "'" + value.Replace("'", "''") + "'"
            : value;
}
