using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using VpcSecTools.FlowLogs.Parquet;

namespace VpcSecTools.FlowLogs;

/// <summary>How the reader reads: the format for inputs without a header, parallelism, and reporting.</summary>
public sealed record FlowLogReadOptions
{
    /// <summary>The format of inputs that have no header line and no format of their own; null means the v2 default.</summary>
    public FlowLogFormat? Format { get; init; }
    /// <summary>Worker threads: files (and slices of large plain files) are read in parallel.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;
    /// <summary>How many skipped lines the report keeps with their reasons (all are counted).</summary>
    public int MaxSkippedKept { get; init; } = 100;
    public FlowLogProgress? Progress { get; init; }
    /// <summary>Size of each buffer of lines.</summary>
    public int ChunkSize { get; init; } = 512 << 10;
    /// <summary>Plain files at least this large are split into slices read in parallel.</summary>
    public long MinSplitBytes { get; init; } = 32 << 20;
    /// <summary>
    /// The bytes a group-by's tables may hold before groups are spilled to disk; null: half the memory the process may use
    /// (the machine's, or a container's or GC limit's).
    /// </summary>
    public long? MaxMemory { get; init; }
    /// <summary>Where spilled groups go; null: the system's temporary folder.</summary>
    public string? SpillFolder { get; init; }

    /// <summary>The group budget a read uses: <see cref="MaxMemory"/>, or half the memory available to the process.</summary>
    public long GroupBudget => MaxMemory ?? GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 2;
}

/// <summary>
/// Reads VPC flow logs (any version, header or not, plain or gzip, CloudWatch Logs subscription JSON) from
/// files or streams, filters on raw bytes, and counts, groups or materialises what matches.
/// </summary>
public sealed class FlowLogReader
{
    private readonly FlowLogReadOptions _options;

    public FlowLogReader(FlowLogReadOptions? options = null)
    {
        _options = options ?? new FlowLogReadOptions();
        if (_options.Threads < 1) throw new ArgumentException($"Threads must be at least 1, not {_options.Threads}");
    }

    /// <summary>Counts matches, and groups them when the query groups; reads inputs in parallel.</summary>
    public FlowLogResult Run(IReadOnlyList<FlowLogInput> inputs, FlowLogQuery query, CancellationToken cancel = default)
    {
        Check(query);
        var filterFields = FlowPredicate.Fields(query.Filter);
        if (!query.IsAggregate)
            return new FlowLogResult
            {
                Report = Scan(inputs, new Reading(query.Filter, (format, result) => result.Sink = new CountSink(format), FieldNeeds.Of(filterFields, typed: true))
                    { Typed = new TypedQuery(query, null) }, cancel).Report,
            };
        bool binned = (long)(query.Bin?.TotalMilliseconds ?? 0) > 0;
        using var groups = new GroupAggregate(query.GroupBy.Count, binned, _options.GroupBudget, _options.Threads,
            _options.SpillFolder ?? Path.GetTempPath());
        var needs = FieldNeeds.Of([.. filterFields, .. query.GroupBy, "packets", "bytes", "start", "end"]);
        var report = Scan(inputs, new Reading(query.Filter, (format, result) => result.Sink = new GroupSink(format, query, groups), needs)
            { Typed = new TypedQuery(query, groups) }, cancel).Report;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (list, count) = groups.Results(query.GroupBy.Select(FlowFieldCatalog.ToAwsName).ToList(), query.By, query.Top, _options.Threads);
        report.SpilledBytes = groups.SpilledBytes;
        report.Elapsed += clock.Elapsed;
        return new FlowLogResult { Report = report, Groups = list.ToValueList(), GroupCount = count };
    }

    /// <summary>
    /// Feeds the records that match <paramref name="filter"/> to sinks of the caller's own, one per file or slice of
    /// a file, made by <paramref name="newSink"/> once the format is known, and returns them for the caller to merge.
    /// A sink that cannot read a format throws <see cref="FlowLogFormatMismatchException"/> (a file error); a sink's
    /// false without a problem means the record does not match. <paramref name="reads"/> names the fields the sinks read
    /// (beside the filter's), so a columnar input (Parquet) reads only those columns; null: every field.
    /// </summary>
    internal (IReadOnlyList<TSink> Sinks, FlowLogReadReport Report) Run<TSink>(IReadOnlyList<FlowLogInput> inputs, FlowFilter filter,
        Func<FlowLogFormat, TSink> newSink, CancellationToken cancel = default, IEnumerable<FlowField>? reads = null) where TSink : RecordSink
    {
        var needs = reads is null ? FieldNeeds.All
            : FieldNeeds.Of([.. FlowPredicate.Fields(filter), .. reads.Select(f => FlowFieldCatalog.Info(f).AwsName)]);
        var (report, results) = Scan(inputs, new Reading(filter, (format, result) => result.Sink = newSink(format), needs), cancel);
        return (results.Select(r => r.Sink).OfType<TSink>().ToList(), report);
    }

    /// <summary>What a read does with each input: its filter, the sink it makes per work item once the format is known, the fields they read.</summary>
    private sealed record Reading(FlowFilter Filter, Func<FlowLogFormat, WorkResult, RecordSink?> Sinks, FieldNeeds Needs)
    {
        /// <summary>A count or group-by that Parquet files answer on column values; null: every input is read as lines.</summary>
        public TypedQuery? Typed { get; init; }
    }

    /// <summary>Reads every input (large plain files in slices, large Parquet files by row groups) in parallel into the sinks made per work item.</summary>
    private (FlowLogReadReport Report, WorkResult[] Results) Scan(IReadOnlyList<FlowLogInput> inputs, Reading reading, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var items = Plan(inputs);
        SetTotal(inputs);
        var results = new WorkResult[items.Count];
        bool pipeline = items.Count < _options.Threads;
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = _options.Threads, CancellationToken = cancel }, i =>
        {
            results[i] = new WorkResult(new ScanTally(items[i].Input.Name, _options.MaxSkippedKept));
            foreach (var _ in Process(items[i], reading, results[i], pipeline, cancel)) { }
        });
        var report = new FlowLogReadReport();
        Merge(inputs.Count, items, results, report);
        report.Elapsed = clock.Elapsed;
        return (report, results);
    }

    /// <summary>
    /// The matching records, streamed input by input; <paramref name="report"/> is complete when the enumeration
    /// ends (or is abandoned). Memory holds one buffer's matches at a time.
    /// </summary>
    public IEnumerable<FlowRecord> Records(IReadOnlyList<FlowLogInput> inputs, FlowLogQuery query, FlowLogReadReport report, CancellationToken cancel = default)
    {
        Check(query);
        var clock = Stopwatch.StartNew();
        var items = inputs.Select((input, i) => new WorkItem(input, i, 0, 0, -1, null)).ToList();
        var reading = new Reading(query.Filter, null!, FieldNeeds.All);
        SetTotal(inputs);
        var results = new List<WorkResult>();
        var batch = new List<FlowRecord>();
        long yielded = 0, limit = query.Limit ?? long.MaxValue;
        try
        {
            foreach (var item in items)
            {
                if (yielded >= limit) break;
                var result = new WorkResult(new ScanTally(item.Input.Name, _options.MaxSkippedKept));
                results.Add(result);
                foreach (var _ in Process(item, reading with { Sinks = (format, _) => new CollectSink(format, item.Input.Name, batch) }, result, pipeline: _options.Threads > 1, cancel))
                {
                    foreach (var record in batch)
                    {
                        if (yielded++ >= limit) break;
                        yield return record;
                    }
                    batch.Clear();
                    if (yielded >= limit) break;
                }
            }
        }
        finally
        {
            Merge(inputs.Count, items.Take(results.Count).ToList(), [.. results], report);
            report.Elapsed = clock.Elapsed;
        }
    }

    private static void Check(FlowLogQuery query)
    {
        if (query.Validate() is { } problem) throw new ArgumentException(problem);
    }

    private void SetTotal(IReadOnlyList<FlowLogInput> inputs)
    {
        if (_options.Progress is { } p) p.TotalBytes = inputs.All(i => i.Length is not null) ? inputs.Sum(i => i.Length!.Value) : 0;
    }

    /// <summary>A unit of work: a whole input, a line-aligned slice of a large plain file, or row groups of a large Parquet file.</summary>
    private sealed record WorkItem(FlowLogInput Input, int InputIndex, int Part, long Offset, long Length, FlowLogFormat? SliceFormat)
    {
        /// <summary>The Parquet file's footer and the row groups [FirstGroup, EndGroup) of this item, when the plan cut it by row groups.</summary>
        public ParquetFlowLog? Parquet { get; init; }
        public int FirstGroup { get; init; }
        public int EndGroup { get; init; }
    }

    private sealed class WorkResult(ScanTally tally)
    {
        public ScanTally Tally { get; } = tally;
        public RecordSink? Sink { get; set; }
        public string? Error { get; set; }
        public long Bytes { get; set; }
        public long TextBytes { get; set; }
        public long ChunksDecoded { get; set; }
    }

    /// <summary>
    /// Whole inputs, except large local files: plain text is cut at line boundaries into one slice per thread, Parquet into
    /// about four runs of consecutive row groups per thread (the workers take them in turn; an item per row group allocated
    /// its column buffers anew each time).
    /// </summary>
    private List<WorkItem> Plan(IReadOnlyList<FlowLogInput> inputs)
    {
        var items = new List<WorkItem>();
        for (int i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            bool large = _options.Threads > 1 && input.FilePath is not null && input.Length >= _options.MinSplitBytes;
            if (large && RowGroups(input.FilePath!) is { } parquet)
            {
                int groups = parquet.Footer.RowGroups.Count, runs = Math.Min(groups, _options.Threads * 4);
                for (int r = 0; r < runs; r++)
                {
                    int first = (int)((long)groups * r / runs), end = (int)((long)groups * (r + 1) / runs);
                    items.Add(new WorkItem(input, i, r, 0, -1, null) { Parquet = parquet, FirstGroup = first, EndGroup = end });
                }
                continue;
            }
            var slices = large ? Slices(input.FilePath!, input.Length!.Value, input.Format ?? _options.Format) : null;
            if (slices is null) { items.Add(new WorkItem(input, i, 0, 0, -1, null)); continue; }
            for (int k = 0; k < slices.Value.Bounds.Count - 1; k++)
                items.Add(new WorkItem(input, i, k, slices.Value.Bounds[k], slices.Value.Bounds[k + 1] - slices.Value.Bounds[k], k == 0 ? null : slices.Value.Format));
        }
        return items;
    }

    /// <summary>A large Parquet file's footer, when the file is Parquet with more than one row group (else it is read whole).</summary>
    private static ParquetFlowLog? RowGroups(string path)
    {
        try
        {
            using var file = ParquetFile.FromPath(path, null);
            Span<byte> head = stackalloc byte[4];
            if (file.Length < 12) return null;
            file.Read(0, head);
            if (!ParquetFooter.IsParquet(head)) return null;
            var log = ParquetFlowLog.Of(file.Footer());
            return log.Footer.RowGroups.Count > 1 ? log : null;
        }
        // The item's own read reports what is wrong with the file.
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or FormatException) { return null; }
    }

    private (List<long> Bounds, FlowLogFormat Format)? Slices(string path, long length, FlowLogFormat? fallback)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            var probe = new byte[64 << 10];
            int n = file.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
            if (n < 2 || IsGzip(probe) || FirstNonBlank(probe.AsSpan(0, n)) == (byte)'{') return null;
            int firstNewline = probe.AsSpan(0, n).IndexOf((byte)'\n');
            if (firstNewline < 0) return null;
            var format = FlowLogFormat.TryParseHeader(probe.AsSpan(0, firstNewline)) ?? fallback ?? FlowLogFormat.Default;
            var bounds = new List<long> { 0 };
            for (int k = 1; k < _options.Threads; k++)
            {
                long at = length * k / _options.Threads;
                file.Position = at - 1;
                n = file.ReadAtLeast(probe, probe.Length, throwOnEndOfStream: false);
                int newline = probe.AsSpan(0, n).IndexOf((byte)'\n');
                if (newline < 0) break;
                long cut = at + newline;
                if (cut > bounds[^1] && cut < length) bounds.Add(cut);
            }
            bounds.Add(length);
            return bounds.Count > 2 ? (bounds, format) : null;
        }
        catch (IOException) { return null; }
    }

    private static string? EmptyFileError(string name) =>
        name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? "the file is empty, and a gzip file never is (a download or copy cut short?)"
        : name.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase) ? "the file is empty, and a Parquet file never is (a download or copy cut short?)"
        : null;

    private static bool IsGzip(ReadOnlySpan<byte> b) => b.Length >= 2 && b[0] == 0x1f && b[1] == 0x8b;

    private static byte FirstNonBlank(ReadOnlySpan<byte> b)
    {
        foreach (var c in b) if (c is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) return c;
        return 0;
    }

    /// <summary>
    /// Reads one work item, yielding after each buffer (so a caller can drain materialised records); failures
    /// become the item's error after its good lines are counted.
    /// </summary>
    private IEnumerable<bool> Process(WorkItem item, Reading reading, WorkResult result, bool pipeline, CancellationToken cancel)
    {
        CountingStream? counted = null;
        ChunkSource? source = null;
        try
        {
            source = Open(item, reading, pipeline, result, out counted);
            if (source is null) yield break;
            if (source is ParquetChunkSource parquet && reading.Typed is { } typed)
            {
                var scan = Typed(parquet, reading, typed, result);
                if (result.Error is not null) yield break;
                if (scan is not null)
                {
                    parquet.Scan(scan);
                    if (source.Failure is { } failed) result.Error ??= Describe(failed);
                    yield break;
                }
            }
            LineScanner? scanner = null;
            while (source.Next(out int length) is { } buffer)
            {
                try
                {
                    cancel.ThrowIfCancellationRequested();
                    var data = buffer.AsSpan(0, length);
                    if (scanner is null)
                    {
                        scanner = Begin(item, source.Format, data, reading, result, out int headerLength);
                        if (scanner is null) break;
                        data = data[headerLength..];
                    }
                    scanner.Scan(data);
                }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
                yield return true;
            }
            if (source.Failure is { } failure) result.Error ??= Describe(failure);
        }
        finally
        {
            result.TextBytes = source?.TextBytes ?? 0;
            result.Bytes = counted?.BytesRead ?? (source as ParquetChunkSource)?.BytesRead ?? 0;
            result.ChunksDecoded = (source as ParquetChunkSource)?.ChunksDecoded ?? 0;
            source?.Dispose();
        }
    }

    /// <summary>
    /// The typed scan of a Parquet item, after the line path's predicate and sink are compiled on the same columns (a field
    /// the format lacks is the same error); null when its columns are not of the types it reads.
    /// </summary>
    private static ParquetRowScan? Typed(ParquetChunkSource parquet, Reading reading, TypedQuery typed, WorkResult result)
    {
        try
        {
            FlowPredicate.Compile(reading.Filter, parquet.Format);
            reading.Sinks(parquet.Format, result);
        }
        catch (FlowLogFormatMismatchException e)
        {
            result.Error = e.Message;
            return null;
        }
        return ParquetRowScan.Of(typed, parquet.Format, parquet.Columns, result.Tally);
    }

    private static string Describe(Exception e) => e switch
    {
        GzipDataException or ParquetFormatException => $"{e.Message}; the records before it were read",
        InvalidDataException => $"the data is corrupt: {e.Message}; records before the corruption were read",
        _ => e.Message,
    };

    /// <summary>Opens an item's stream, sniffs Parquet, gzip and JSON from its first bytes, and returns its buffer source.</summary>
    private ChunkSource? Open(WorkItem item, Reading reading, bool pipeline, WorkResult result, out CountingStream? counted)
    {
        counted = null;
        Stream? raw = null;
        try
        {
            if (item.Parquet is { } planned)
                return Parquet(ParquetFile.FromPath(item.Input.FilePath!, _options.Progress), planned, item.FirstGroup, item.EndGroup, reading, result);
            raw = item.Input.Open();
            if (item.Offset > 0) raw.Seek(item.Offset, SeekOrigin.Begin);
            counted = new CountingStream(raw, item.Length, _options.Progress);
            raw = null;
            var head = new byte[4];
            int n = counted.ReadAtLeast(head, 4, throwOnEndOfStream: false);
            // Files are told by content, but an empty one named as compressed or Parquet is an aborted download, not a day without traffic.
            if (item.Offset == 0 && n == 0 && EmptyFileError(item.Input.Name) is { } empty) { result.Error = empty; counted.Dispose(); counted = null; return null; }
            if (item.Offset == 0 && ParquetFooter.IsParquet(head.AsSpan(0, n)))
            {
                // Parquet is read by offset: a local file in place (its first bytes were counted), anything else whole.
                ParquetFile file;
                if (item.Input.FilePath is { } path)
                {
                    counted.Dispose();
                    counted = null;
                    file = ParquetFile.FromPath(path, _options.Progress);
                }
                else file = ParquetFile.FromStream(new PrefixedStream(head, n, counted), _options.Progress);
                var log = ParquetFlowLog.Of(file.Footer());
                return Parquet(file, log, 0, log.Footer.RowGroups.Count, reading, result);
            }
            Stream text = new PrefixedStream(head, n, counted);
            bool gzip = IsGzip(head.AsSpan(0, n));
            if (gzip) text = new GzipMemberStream(text);
            text = SniffCloudWatch(text, item.Input);
            var chunker = new LineChunker(text, _options.ChunkSize);
            return gzip && pipeline ? new PipelinedChunkSource(chunker, text) : new SerialChunkSource(chunker, text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or JsonException or FormatException)
        {
            result.Error = Describe(e);
            raw?.Dispose();
            counted?.Dispose();
            return null;
        }
    }

    private ParquetChunkSource Parquet(ParquetFile file, ParquetFlowLog log, int firstGroup, int endGroup, Reading reading, WorkResult result) =>
        new(file, log, firstGroup, endGroup, reading.Needs, result.Tally, _options.ChunkSize, ParquetStatistics.MayMatch(reading.Filter, log));

    /// <summary>
    /// A CloudWatch Logs subscription payload (JSON with logEvents[].message) becomes the text of its messages;
    /// anything else passes through untouched.
    /// </summary>
    private static Stream SniffCloudWatch(Stream text, FlowLogInput input)
    {
        var head = new byte[1];
        int n;
        var prefix = new List<byte>();
        while ((n = text.Read(head)) > 0)
        {
            prefix.Add(head[0]);
            if (head[0] is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) break;
        }
        if (prefix.Count == 0 || prefix[^1] != (byte)'{')
            return new PrefixedStream([.. prefix], prefix.Count, text);
        using var all = new MemoryStream();
        all.Write([.. prefix]);
        text.CopyTo(all);
        text.Dispose();
        using var doc = JsonDocument.Parse(all.ToArray());
        if (!doc.RootElement.TryGetProperty("logEvents", out var events) || events.ValueKind != JsonValueKind.Array)
            throw new InvalidDataException($"{input.Name} is JSON but not a CloudWatch Logs subscription payload (no logEvents array)");
        var lines = new StringBuilder();
        int index = 0;
        foreach (var e in events.EnumerateArray())
        {
            // A message that is not valid text (bad UTF-8, an unpaired \u escape) makes the file unreadable, by name.
            try { if (e.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String) lines.Append(m.GetString()).Append('\n'); }
            catch (InvalidOperationException) { throw new InvalidDataException($"{input.Name}: logEvents[{index}].message is not valid UTF-8 text"); }
            index++;
        }
        return new MemoryStream(Encoding.UTF8.GetBytes(lines.ToString()));
    }

    /// <summary>
    /// Settles the item's format (a Parquet file's columns read, else the first line: header or not) and compiles filter and
    /// sink for it.
    /// </summary>
    private LineScanner? Begin(WorkItem item, FlowLogFormat? columns, ReadOnlySpan<byte> first, Reading reading, WorkResult result, out int headerLength)
    {
        headerLength = 0;
        var format = columns ?? item.SliceFormat;
        if (format is null)
        {
            int newline = first.IndexOf((byte)'\n');
            var header = FlowLogFormat.TryParseHeader(first[..newline]);
            if (header is not null) { headerLength = newline + 1; result.Tally.Lines++; }
            format = header ?? item.Input.Format ?? _options.Format ?? FlowLogFormat.Default;
        }
        try
        {
            var predicate = FlowPredicate.Compile(reading.Filter, format);
            return new LineScanner(format, predicate, reading.Sinks(format, result), result.Tally);
        }
        catch (FlowLogFormatMismatchException e)
        {
            result.Error = e.Message;
            return null;
        }
    }

    /// <summary>Sums the work results into the report, turning slice-relative line numbers into file line numbers.</summary>
    private void Merge(int inputCount, IReadOnlyList<WorkItem> items, IReadOnlyList<WorkResult> results, FlowLogReadReport report)
    {
        var lineBase = new long[items.Count];
        for (int i = 1; i < items.Count; i++)
            if (items[i].InputIndex == items[i - 1].InputIndex) lineBase[i] = lineBase[i - 1] + results[i - 1].Tally.Lines;
        var skipped = new List<(int Input, SkippedLine Line)>();
        var errors = new List<FlowLogFileError>();
        report.Files = inputCount;
        for (int i = 0; i < items.Count; i++)
        {
            var r = results[i];
            var t = r.Tally;
            report.Bytes += r.Bytes;
            report.TextBytes += r.TextBytes;
            report.ChunksDecoded += r.ChunksDecoded;
            report.Lines += t.Lines;
            report.Records += t.Records;
            report.Matched += t.Matched;
            report.SkippedLines += t.Skipped;
            skipped.AddRange(t.Kept.Select(s => (items[i].InputIndex, s with { Line = s.Line + lineBase[i] })));
            if (r.Error is not null) errors.Add(new FlowLogFileError(t.File, r.Error, lineBase[i] + t.Lines));
        }
        report.Skipped = skipped.OrderBy(s => s.Input).ThenBy(s => s.Line.Line).Take(_options.MaxSkippedKept).Select(s => s.Line).ToList();
        report.FileErrors = errors;
    }

    /// <summary>A count takes the records listing would return: every field valid.</summary>
    private sealed class CountSink(FlowLogFormat format) : RecordSink
    {
        private readonly RecordCheck _check = new(format);

        public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem) => _check.Valid(line, ref problem);
    }

    private sealed class CollectSink(FlowLogFormat format, string file, List<FlowRecord> into) : RecordSink
    {
        public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
        {
            var record = FlowRecord.From(line, format, file, lineNumber, ref problem);
            if (record is null) return false;
            into.Add(record);
            return true;
        }
    }
}
