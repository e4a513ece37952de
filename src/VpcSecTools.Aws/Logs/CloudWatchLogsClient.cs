using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using VpcSecTools.Aws.Json;

namespace VpcSecTools.Aws.Logs;

/// <summary>
/// The CloudWatch Logs calls VpcSecTools makes (JSON 1.1, target prefix <c>Logs_20140328</c>): FilterLogEvents,
/// StartQuery, GetQueryResults, StopQuery.
/// </summary>
internal sealed class CloudWatchLogsClient(AwsSdkConnection connection, string region) : ICloudWatchLogsClient
{
    public static readonly AwsServiceDescription Service = new("CloudWatch Logs", "logs", "logs", "2014-03-28");
    /// <summary>The most rows a Logs Insights query returns.</summary>
    public const int MaxQueryRows = 10_000;

    /// <summary>The CloudWatch Logs operations VpcSecTools calls (the IAM policy test compares with this list).</summary>
    public static readonly IReadOnlyList<string> Operations = ["FilterLogEvents", "StartQuery", "GetQueryResults", "StopQuery"];

    private readonly AwsJsonClient _json = new(Service, "Logs_20140328", "logs", connection, region);

    public string Region => _json.Region;
    public int Calls => _json.Calls;

    /// <summary>Every matching event, page after page (<c>nextToken</c>) until the service has no more.</summary>
    public async IAsyncEnumerable<LogEvent> FilterLogEventsAsync(LogEventFilter filter, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (filter.Validate() is { } problem) throw new ArgumentException($"FilterLogEvents on '{filter.LogGroupName}': {problem}");
        const string operation = "FilterLogEvents";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var body = new JsonObject { ["logGroupName"] = filter.LogGroupName };
            if (filter.LogStreamNames.Count > 0) body["logStreamNames"] = new JsonArray(filter.LogStreamNames.Select(n => (JsonNode)n).ToArray());
            if (filter.LogStreamNamePrefix is { } prefix) body["logStreamNamePrefix"] = prefix;
            if (filter.StartTime is { } start) body["startTime"] = start.ToUnixTimeMilliseconds();
            if (filter.EndTime is { } end) body["endTime"] = end.ToUnixTimeMilliseconds();
            if (!string.IsNullOrEmpty(filter.FilterPattern)) body["filterPattern"] = filter.FilterPattern;
            if (token is not null) body["nextToken"] = token;
            var page = await _json.CallAsync(operation, body, cancellationToken).ConfigureAwait(false);
            // Every page carries its events, [] when none: without them the body was empty, not a page of no events.
            if (page["events"] is not JsonArray events) throw new AwsMalformedResponseException(operation, Region, "no 'events' in the response");
            foreach (var e in events)
            {
                if (e is not JsonObject ev) continue;
                yield return new LogEvent(Text(ev["logStreamName"]) ?? "", DateTimeOffset.FromUnixTimeMilliseconds(Number(ev["timestamp"]) ?? 0),
                    Text(ev["message"]) ?? "", Text(ev["eventId"]));
            }
            token = Text(page["nextToken"]);
            if (string.IsNullOrEmpty(token)) token = null;
            else if (!seen.Add(token))
                throw new AwsMalformedResponseException(operation, Region, $"nextToken '{token}' was returned twice (the pages would never end)");
        } while (token is not null);
    }

    /// <summary>Starts a Logs Insights query; returns its id.</summary>
    public async Task<string> StartQueryAsync(InsightsQueryRequest request, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["logGroupNames"] = new JsonArray(request.LogGroupNames.Select(n => (JsonNode)n).ToArray()),
            ["startTime"] = request.StartTime.ToUnixTimeSeconds(),
            ["endTime"] = request.EndTime.ToUnixTimeSeconds(),
            ["queryString"] = request.QueryString,
        };
        if (request.Limit is { } limit) body["limit"] = limit;
        var response = await _json.CallAsync("StartQuery", body, cancellationToken).ConfigureAwait(false);
        return _json.Required(response, "StartQuery", "queryId");
    }

    /// <summary>The query's status, and its rows so far.</summary>
    public async Task<InsightsQueryResults> GetQueryResultsAsync(string queryId, CancellationToken cancellationToken)
    {
        var response = await _json.CallAsync("GetQueryResults", new JsonObject { ["queryId"] = queryId }, cancellationToken).ConfigureAwait(false);
        var status = _json.Required(response, "GetQueryResults", "status");
        var rows = new List<IReadOnlyDictionary<string, string>>();
        foreach (var r in response["results"] as JsonArray ?? [])
        {
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var f in r as JsonArray ?? [])
                if (f is JsonObject cell && Text(cell["field"]) is { } name && name != "@ptr") row[name] = Text(cell["value"]) ?? "";
            rows.Add(row);
        }
        InsightsStatistics? statistics = response["statistics"] is JsonObject s
            ? new(Double(s["recordsMatched"]), Double(s["recordsScanned"]), Double(s["bytesScanned"]))
            : null;
        return new InsightsQueryResults(status, rows, statistics);
    }

    /// <summary>Stops a running query; true when the service stopped it (false when it had already finished).</summary>
    public async Task<bool> StopQueryAsync(string queryId, CancellationToken cancellationToken)
    {
        var response = await _json.CallAsync("StopQuery", new JsonObject { ["queryId"] = queryId }, cancellationToken).ConfigureAwait(false);
        return response["success"] is JsonValue v && v.TryGetValue<bool>(out var ok) && ok;
    }

    internal static string? Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node is JsonValue n ? n.ToJsonString() : null;

    internal static long? Number(JsonNode? node) =>
        node is JsonValue v ? v.TryGetValue<long>(out var l) ? l : v.TryGetValue<double>(out var d) ? (long)d : long.TryParse(Text(v), NumberStyles.Integer, CultureInfo.InvariantCulture, out var p) ? p : null : null;

    private static double Double(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : 0;

    public void Dispose() => _json.Dispose();
}
