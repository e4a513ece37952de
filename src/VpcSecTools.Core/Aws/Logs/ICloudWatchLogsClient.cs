namespace VpcSecTools.Aws.Logs;

/// <summary>One log event as FilterLogEvents returns it.</summary>
/// <param name="LogStreamName">The stream; for VPC flow logs, the network interface id (<c>eni-...-all</c>).</param>
/// <param name="Timestamp">The event time.</param>
/// <param name="Message">The raw line.</param>
/// <param name="EventId">The service's id of the event.</param>
public sealed record LogEvent(string LogStreamName, DateTimeOffset Timestamp, string Message, string? EventId);

/// <summary>What FilterLogEvents reads: one log group, optionally some streams, a time window and a filter pattern.</summary>
public sealed record LogEventFilter
{
    /// <summary>The most stream names one FilterLogEvents call takes.</summary>
    public const int MaxLogStreamNames = 100;

    public required string LogGroupName { get; init; }
    /// <summary>Only these streams (at most 100; the API's limit). Not together with <see cref="LogStreamNamePrefix"/>.</summary>
    public IReadOnlyList<string> LogStreamNames { get; init; } = [];
    public string? LogStreamNamePrefix { get; init; }
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? EndTime { get; init; }
    /// <summary>A CloudWatch Logs filter pattern, evaluated by the service.</summary>
    public string? FilterPattern { get; init; }

    /// <summary>Checks the API's rules before any call; returns the problem or null.</summary>
    public string? Validate()
    {
        if (string.IsNullOrWhiteSpace(LogGroupName)) return "a log group name is required";
        if (LogStreamNames.Count > 0 && LogStreamNamePrefix is not null) return "give log stream names or a log stream name prefix, not both";
        if (LogStreamNames.Count > MaxLogStreamNames) return $"at most {MaxLogStreamNames} log stream names per call, not {LogStreamNames.Count}";
        if (StartTime is { } s && EndTime is { } e && e < s) return $"the end time {e:u} is before the start time {s:u}";
        return null;
    }
}

/// <summary>What StartQuery runs: a Logs Insights query over log groups and a time window (whole seconds).</summary>
public sealed record InsightsQueryRequest(IReadOnlyList<string> LogGroupNames, DateTimeOffset StartTime, DateTimeOffset EndTime, string QueryString, int? Limit = null);

/// <summary>Scan statistics of a Logs Insights query.</summary>
public sealed record InsightsStatistics(double RecordsMatched, double RecordsScanned, double BytesScanned);

/// <summary>A finished (or running) Logs Insights query: its status and rows, each row field name to value (<c>@ptr</c> left out).</summary>
public sealed record InsightsQueryResults(string Status, IReadOnlyList<IReadOnlyDictionary<string, string>> Rows, InsightsStatistics? Statistics);

/// <summary>
/// The CloudWatch Logs calls VpcSecTools makes (FilterLogEvents, StartQuery, GetQueryResults, StopQuery), each
/// after the SDK's retries; a failed call is an <see cref="AwsCallException"/> (denied: naming the IAM action).
/// </summary>
public interface ICloudWatchLogsClient : IDisposable
{
    string Region { get; }
    /// <summary>Calls made so far (pages).</summary>
    int Calls { get; }

    /// <summary>Every matching event, page after page until the service has no more.</summary>
    /// <exception cref="ArgumentException">The filter breaks the API's rules (<see cref="LogEventFilter.Validate"/>).</exception>
    IAsyncEnumerable<LogEvent> FilterLogEventsAsync(LogEventFilter filter, CancellationToken cancellationToken = default);

    /// <summary>Starts a Logs Insights query; returns its id.</summary>
    Task<string> StartQueryAsync(InsightsQueryRequest request, CancellationToken cancellationToken);

    /// <summary>The query's status, and its rows so far.</summary>
    Task<InsightsQueryResults> GetQueryResultsAsync(string queryId, CancellationToken cancellationToken);

    /// <summary>Stops a running query; true when the service stopped it (false when it had already finished).</summary>
    Task<bool> StopQueryAsync(string queryId, CancellationToken cancellationToken);
}
