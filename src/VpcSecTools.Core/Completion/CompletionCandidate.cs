namespace VpcSecTools.Completion;

/// <summary>
/// One tab-completion answer: the text to insert, the text shown in the menu and a tooltip. The PowerShell
/// completers turn these into CompletionResults; the choice of candidates is made here so it can be tested.
/// </summary>
public sealed record CompletionCandidate(string Value, string ListItemText, string ToolTip);
