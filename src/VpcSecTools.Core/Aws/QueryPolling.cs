namespace VpcSecTools.Aws;

/// <summary>
/// How a remote query (Logs Insights, Athena) is polled until it finishes: waits grow from <see cref="Initial"/> by
/// <see cref="Factor"/> up to <see cref="Maximum"/>, so short queries answer quickly and long ones do not spend
/// the account's request rate on status calls.
/// </summary>
public sealed record QueryPolling
{
    public TimeSpan Initial { get; init; } = TimeSpan.FromMilliseconds(250);
    public double Factor { get; init; } = 1.6;
    public TimeSpan Maximum { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How to wait; replaceable so tests poll without sleeping.</summary>
    public Func<TimeSpan, CancellationToken, Task> Delay { get; init; } = Task.Delay;

    /// <summary>Waits before the n-th status call after the first (0-based).</summary>
    public TimeSpan WaitBefore(int attempt)
    {
        double ms = Initial.TotalMilliseconds * Math.Pow(Factor, Math.Min(attempt, 64));
        return TimeSpan.FromMilliseconds(Math.Min(ms, Maximum.TotalMilliseconds));
    }

    /// <summary>Polling with no waits (tests, replay).</summary>
    public static QueryPolling Immediate { get; } = new() { Delay = (_, cancel) => cancel.IsCancellationRequested ? Task.FromCanceled(cancel) : Task.CompletedTask };
}

/// <summary>A remote query ended without results: failed, cancelled by someone else, or timed out on the service.</summary>
public sealed class RemoteQueryFailedException(string operation, string region, string state, string queryId, string? reason)
    : AwsCallException(operation, region, "Query" + state, $"The query {queryId} in {region} ended {state}{(string.IsNullOrEmpty(reason) ? "" : ": " + reason)}")
{
    /// <summary>The service's final state (<c>Failed</c>, <c>Cancelled</c>, <c>Timeout</c>, <c>FAILED</c>...).</summary>
    public string State { get; } = state;
    public string QueryId { get; } = queryId;
}

/// <summary>How far a remote query has got, for progress bars and <c>-Verbose</c>.</summary>
/// <param name="QueryId">The service's id of the query.</param>
/// <param name="State">The service's state (<c>Running</c>, <c>RUNNING</c>...).</param>
/// <param name="Polls">Status calls made so far.</param>
/// <param name="BytesScanned">Data scanned so far, when the service says.</param>
/// <param name="RecordsMatched">Records matched so far (Logs Insights).</param>
public sealed record RemoteQueryProgress(string QueryId, string State, int Polls, long? BytesScanned, long? RecordsMatched);

/// <summary>The loop shared by Logs Insights and Athena: poll with backoff until finished; on cancellation stop the query on the service.</summary>
internal static class RemoteQueryLoop
{
    /// <summary>How long stopping a cancelled query may take; it runs after the caller's token has fired.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Calls <paramref name="poll"/> until <paramref name="finished"/>, waiting as <paramref name="polling"/> says between
    /// calls and reporting each state. When <paramref name="cancel"/> fires, calls <paramref name="stop"/> (with a token
    /// of its own, since the caller's is already cancelled) so the query stops costing money, then rethrows.
    /// </summary>
    public static async Task<T> PollAsync<T>(string queryId, Func<CancellationToken, Task<T>> poll, Func<T, bool> finished,
        Func<T, int, RemoteQueryProgress> describe, Func<CancellationToken, Task> stop, QueryPolling polling,
        IProgress<RemoteQueryProgress>? progress, CancellationToken cancel)
    {
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                var state = await poll(cancel).ConfigureAwait(false);
                progress?.Report(describe(state, attempt + 1));
                if (finished(state)) return state;
                await polling.Delay(polling.WaitBefore(attempt), cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            using var timeout = new CancellationTokenSource(StopTimeout);
            try { await stop(timeout.Token).ConfigureAwait(false); }
            catch (Exception e) when (e is AwsCallException or OperationCanceledException)
            {
                // The query may have finished meanwhile, or the service is unreachable: the cancellation still stands.
            }
            progress?.Report(new RemoteQueryProgress(queryId, "Cancelled", 0, null, null));
            throw;
        }
    }
}
