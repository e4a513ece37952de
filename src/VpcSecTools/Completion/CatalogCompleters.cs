using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace VpcSecTools.Completion;

/// <summary>Completes <c>-Protocol</c>: tcp, udp, icmp, icmpv6, -1.</summary>
public sealed class ProtocolCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionResults.From(CatalogCandidates.Protocols(wordToComplete), wordToComplete, "not a protocol name; a number 0-255 is also accepted");
}

/// <summary>Completes <c>-GroupBy</c> with the flow-log fields (SourceAddress, or srcaddr typed, ...).</summary>
public sealed class FlowFieldCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionResults.From(CatalogCandidates.FlowFields(wordToComplete), wordToComplete, "no flow-log field starts so");
}

/// <summary>Completes <c>-CheckId</c> with the audit's check ids.</summary>
public sealed class CheckIdCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        CompletionResults.From(CatalogCandidates.CheckIds(wordToComplete), wordToComplete, "no check id starts so");
}
