using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using VpcSecTools.Aws;
using VpcSecTools.Aws.Logs;
using VpcSecTools.FlowLogs.PushDown;

namespace VpcSecTools.FlowLogs.CloudWatch;

/// <summary>One flow-log line from CloudWatch Logs, with the stream it came from (one stream per network interface).</summary>
/// <param name="LogStream">The stream name (<c>eni-0a1b2c3d-all</c>).</param>
/// <param name="InterfaceId">The network interface the stream belongs to, when the name shows it.</param>
/// <param name="Timestamp">The event time.</param>
/// <param name="Message">The record line, without header (the format comes from the flow log's LogFormat).</param>
public sealed record CloudWatchFlowLogLine(string LogStream, string? InterfaceId, DateTimeOffset Timestamp, string Message);

/// <summary>
/// Reads flow-log lines from a CloudWatch Logs group with FilterLogEvents for the local reader, narrowing on the
/// service where the API can: the time window, the log stream of a single interface, and a space-delimited filter
/// pattern for single-valued criteria. The pattern only narrows; the local query still applies every filter.
/// </summary>
public sealed partial class CloudWatchLogsFlowLogSource(AwsConnection connection, string region) : IDisposable
{
    private readonly ICloudWatchLogsClient _client = connection.CreateCloudWatchLogsClient(region);

    /// <summary>FilterLogEvents calls made so far (pages).</summary>
    public int Calls => _client.Calls;

    /// <summary>Every line of the group that may match the query (all lines when <paramref name="query"/> is null).</summary>
    public async IAsyncEnumerable<CloudWatchFlowLogLine> ReadAsync(string logGroupName, FlowLogQuery? query, FlowLogFormat? format = null,
        [EnumeratorCancellation] CancellationToken cancel = default)
    {
        var filter = FilterFor(logGroupName, query, format ?? FlowLogFormat.Default);
        await foreach (var e in _client.FilterLogEventsAsync(filter, cancel).ConfigureAwait(false))
            yield return new CloudWatchFlowLogLine(e.LogStreamName, InterfaceOf(e.LogStreamName), e.Timestamp, e.Message);
    }

    /// <summary>
    /// The log group as a reader input: its events' messages, filtered server-side for the query, streamed as lines
    /// when the reader opens it. This source must stay undisposed until the reader is done.
    /// </summary>
    public FlowLogInput Input(string logGroupName, FlowLogQuery? query, FlowLogFormat? format = null, CancellationToken cancel = default) =>
        FlowLogInput.FromStream($"logs:{logGroupName}",
            () => new LineStream(ReadAsync(logGroupName, query, format, cancel).ToBlockingEnumerable(cancel).Select(l => l.Message)), null, format);

    /// <summary>
    /// The FilterLogEvents request for a query: the window widened by <see cref="InsightsFlowLogQuery.EventTimeMargin"/>
    /// (an event's time is near, not at, its record's window), the stream prefix of a single interface, the pattern.
    /// </summary>
    public static LogEventFilter FilterFor(string logGroupName, FlowLogQuery? query, FlowLogFormat format) => new()
    {
        LogGroupName = logGroupName,
        StartTime = query?.Filter.Since - InsightsFlowLogQuery.EventTimeMargin,
        EndTime = query?.Filter.Until + InsightsFlowLogQuery.EventTimeMargin,
        LogStreamNamePrefix = query?.Filter.InterfaceId is [var eni] ? eni : null,
        FilterPattern = query is null ? null : FilterPattern(query.Filter, format),
    };

    /// <summary>
    /// A space-delimited filter pattern (<c>[version, account_id, ..., dstport=22, ..., action="REJECT", log_status]</c>)
    /// holding the criteria that are one value on one field; null when there are none. Either-side criteria
    /// (<c>-Address</c>, <c>-Port</c>) and ranges stay with the local filter.
    /// </summary>
    public static string? FilterPattern(FlowFilter filter, FlowLogFormat format)
    {
        var conditions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var criterion in PushDownPlan.Criteria(filter))
        {
            if (criterion.Fields.Count != 1 || !format.Fields.Contains(criterion.Fields[0])) continue;
            var field = criterion.Fields[0];
            var condition = criterion switch
            {
                TextCriterion { Values: [var text] } when !text.Contains('"') => $"\"{text}\"",
                PortCriterion { Ranges: [var r] } when r.From == r.To => r.From.ToString(System.Globalization.CultureInfo.InvariantCulture),
                AddressCriterion { Cidrs: [var c] } when c.Prefix == c.Network.Bits => $"\"{c.Network}\"",
                _ => null,
            };
            if (condition is not null) conditions[field] = condition;
        }
        if (conditions.Count == 0) return null;
        return "[" + string.Join(", ", format.Fields.Select(f =>
        {
            var name = f.Replace('-', '_');
            return conditions.TryGetValue(f, out var c) ? $"{name}={c}" : name;
        })) + "]";
    }

    /// <summary>The interface id in a flow-log stream name (<c>eni-0a1b2c3d-all</c> → <c>eni-0a1b2c3d</c>).</summary>
    public static string? InterfaceOf(string logStream)
    {
        var m = EniStream().Match(logStream);
        return m.Success ? m.Groups[1].Value : null;
    }

    [GeneratedRegex("^(eni-[0-9a-f]+)(-|$)")]
    private static partial Regex EniStream();

    public void Dispose() => _client.Dispose();
}
