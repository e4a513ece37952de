namespace VpcSecTools.Aws.Athena;

/// <summary>Where and how an Athena query runs: database (and catalog), workgroup, results location.</summary>
public sealed record AthenaExecutionContext
{
    public required string Database { get; init; }
    /// <summary>The data catalog; Athena's default (<c>AwsDataCatalog</c>) when null.</summary>
    public string? Catalog { get; init; }
    /// <summary>The workgroup; <c>primary</c> when null.</summary>
    public string? WorkGroup { get; init; }
    /// <summary>Where Athena writes results (<c>s3://bucket/prefix/</c>); the workgroup's setting when null.</summary>
    public string? OutputLocation { get; init; }
}

/// <summary>The state of an Athena query execution and what it has scanned.</summary>
public sealed record AthenaQueryStatus(string State, string? StateChangeReason, long? DataScannedInBytes, long? EngineExecutionTimeInMillis)
{
    public bool IsFinished => State is "SUCCEEDED" or "FAILED" or "CANCELLED";
}

/// <summary>A column of an Athena result set: its name and Trino type (<c>varchar</c>, <c>bigint</c>...).</summary>
public sealed record AthenaColumn(string Name, string Type);

/// <summary>One page of Athena results: the columns and the rows' values (null for SQL NULL).</summary>
public sealed record AthenaResultPage(IReadOnlyList<AthenaColumn> Columns, IReadOnlyList<IReadOnlyList<string?>> Rows, string? NextToken);

/// <summary>
/// The Athena calls VpcSecTools makes (StartQueryExecution, GetQueryExecution, GetQueryResults, StopQueryExecution),
/// each after the SDK's retries; a failed call is an <see cref="AwsCallException"/> (denied: naming the IAM action).
/// </summary>
public interface IAthenaClient : IDisposable
{
    string Region { get; }
    /// <summary>Calls made so far.</summary>
    int Calls { get; }

    /// <summary>Starts a query; returns its execution id.</summary>
    Task<string> StartQueryExecutionAsync(string queryString, AthenaExecutionContext context, CancellationToken cancellationToken);

    Task<AthenaQueryStatus> GetQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken);

    /// <summary>One page of results. For SELECT, the first row of the first page is the header.</summary>
    Task<AthenaResultPage> GetQueryResultsAsync(string queryExecutionId, string? nextToken, CancellationToken cancellationToken);

    Task StopQueryExecutionAsync(string queryExecutionId, CancellationToken cancellationToken);
}
