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

/// <summary>Completes <c>-Last</c> and <c>-Bin</c> with common durations (5m, 1h, 6h, 1d, 7d, 30d).</summary>
public sealed class DurationCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        (CatalogCandidates.Durations(wordToComplete), "a number with s, m, h, d or w (90s, 12h, 2w), or a TimeSpan (1.00:00:00)");
}
