namespace VpcSecTools.FlowLogs;

/// <summary>A line the reader skipped, and why.</summary>
public sealed record SkippedLine(string File, long Line, string Reason);

/// <summary>A file (or stream) the reader could not read to its end: the records before the failure were counted.</summary>
public sealed record FlowLogFileError(string File, string Message, long LinesRead);

/// <summary>A flow-log path (file, folder or wildcard) that matches nothing.</summary>
public sealed class FlowLogPathNotFoundException(string path)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.FlowLogPathNotFound, Errors.ErrorKind.ObjectNotFound,
        $"no flow-log file at '{path}' (no such file or folder, or the wildcard matches nothing)", path)
{
    public string Path { get; } = path;
}

/// <summary>A file's read error as an exception, for front ends that report errors as exceptions.</summary>
public sealed class FlowLogFileException(FlowLogFileError error)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.FlowLogFileUnreadable, Errors.ErrorKind.ReadError,
        $"{error.File}: {error.Message} (after {error.LinesRead} lines)", error.File)
{
    public FlowLogFileError Error { get; } = error;
}

/// <summary>What a read covered: every figure a responder needs to trust (or distrust) the answer.</summary>
public sealed class FlowLogReadReport
{
    /// <summary>Files (or streams) read, failed ones included.</summary>
    public int Files { get; internal set; }
    /// <summary>Bytes of input as stored (compressed bytes for .gz).</summary>
    public long Bytes { get; internal set; }
    /// <summary>Bytes of text parsed (after decompression).</summary>
    public long TextBytes { get; internal set; }
    /// <summary>Lines read, headers and blank lines included.</summary>
    public long Lines { get; internal set; }
    /// <summary>Well-formed records read (lines with the format's number of fields).</summary>
    public long Records { get; internal set; }
    /// <summary>Records that matched the filter.</summary>
    public long Matched { get; internal set; }
    /// <summary>Lines skipped as malformed.</summary>
    public long SkippedLines { get; internal set; }
    /// <summary>The first skipped lines, in file and line order, with the reason for each.</summary>
    public IReadOnlyList<SkippedLine> Skipped { get; internal set; } = [];
    /// <summary>Files that could not be read to the end (truncated gzip, missing, unreadable, wrong format).</summary>
    public IReadOnlyList<FlowLogFileError> FileErrors { get; internal set; } = [];
    public TimeSpan Elapsed { get; internal set; }
    /// <summary>Bytes of groups written to disk because they did not fit the memory budget (0: none).</summary>
    public long SpilledBytes { get; internal set; }
    /// <summary>Parquet column chunks decoded (a column the question does not need, or that statistics prove valid, is not).</summary>
    internal long ChunksDecoded { get; set; }
}

/// <summary>
/// Bytes read so far against the total, updated by the reader's workers and read by whoever shows progress.
/// </summary>
public sealed class FlowLogProgress
{
    private long _bytesRead;
    public long BytesRead => Interlocked.Read(ref _bytesRead);
    /// <summary>Total input bytes, when every input's length is known (0 otherwise).</summary>
    public long TotalBytes { get; internal set; }
    internal void Add(long bytes) => Interlocked.Add(ref _bytesRead, bytes);
}

/// <summary>The answer to an aggregate or counting query.</summary>
public sealed record FlowLogResult
{
    public required FlowLogReadReport Report { get; init; }
    /// <summary>Records that matched the filter.</summary>
    public long Matched => Report.Matched;
    /// <summary>The groups (at most Top of them), largest first; empty when the query does not group.</summary>
    public ValueList<FlowGroup> Groups { get; init; } = [];
    /// <summary>Number of groups before Top was applied.</summary>
    public int GroupCount { get; init; }
}
