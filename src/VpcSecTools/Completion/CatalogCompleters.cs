using System.Collections;

namespace VpcSecTools.Completion;

/// <summary>Completes <c>-Protocol</c>: tcp, udp, icmp, icmpv6, -1.</summary>
public sealed class ProtocolCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        (CatalogCandidates.Protocols(wordToComplete), "not a protocol name; a number 0-255 is also accepted");
}

/// <summary>Completes <c>-GroupBy</c> with the flow-log fields (SourceAddress, or srcaddr typed, ...).</summary>
public sealed class FlowFieldCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        (CatalogCandidates.FlowFields(wordToComplete), "no flow-log field starts so");
}

/// <summary>Completes <c>-CheckId</c> with the audit's check ids.</summary>
public sealed class CheckIdCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        (CatalogCandidates.CheckIds(wordToComplete), "no check id starts so");
}
