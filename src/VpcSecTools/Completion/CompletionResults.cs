using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VpcSecTools.Completion;

/// <summary>
/// The base of every completer: the engine chooses the candidates (so they can be tested without PowerShell),
/// this turns them into completion results.
/// </summary>
public abstract class CandidateCompleter : IArgumentCompleter
{
    /// <summary>
    /// The candidates for <paramref name="wordToComplete"/>, given what else is on the command line, and what the menu
    /// says when none matches.
    /// </summary>
    protected abstract (IEnumerable<CompletionCandidate> Candidates, string NoneMatches) Complete(string parameterName, string wordToComplete,
        IDictionary fakeBoundParameters);

    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var (candidates, none) = Complete(parameterName, wordToComplete, fakeBoundParameters);
        return CompletionResults.From(candidates, wordToComplete, none);
    }
}

/// <summary>Turns the engine's candidates into PowerShell completion results.</summary>
internal static class CompletionResults
{
    /// <summary>
    /// The candidates; when none matches a typed word, one entry that keeps the word and says why, because PowerShell
    /// completes file names for a completer that answers nothing, and no file is an id, a protocol or a check.
    /// </summary>
    public static IEnumerable<CompletionResult> From(IEnumerable<CompletionCandidate> candidates, string wordToComplete, string none)
    {
        var results = candidates.Select(c => new CompletionResult(Quote(c.Value), c.ListItemText, CompletionResultType.ParameterValue, c.ToolTip)).ToList();
        if (results.Count == 0 && !string.IsNullOrEmpty(wordToComplete))
            results.Add(new CompletionResult(wordToComplete, $"({none})", CompletionResultType.ParameterValue, $"{none}: '{wordToComplete}'"));
        return results;
    }

    // Profile names may hold spaces; a single-quoted string is literal in PowerShell once its quotes are doubled.
    internal static string Quote(string value) =>
        value.Any(ch => char.IsWhiteSpace(ch) || "'\"`$&|;,(){}@#<>".Contains(ch))
            ? "'" + value.Replace("'", "''") + "'"
            : value;
}
