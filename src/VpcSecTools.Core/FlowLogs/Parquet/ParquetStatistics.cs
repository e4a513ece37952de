namespace VpcSecTools.FlowLogs.Parquet;

/// <summary>
/// Which row groups a filter can skip by their columns' min and max: a text criterion (action, interface-id, ...) none
/// of whose values lies within the column's range, a port or protocol range outside it, a time window the row group's
/// start and end times miss. A row group is skipped only when no row of it could match, nor be malformed where the
/// filter reads it (a negative number is reported as a skipped line when read, so a range that holds one is read).
/// </summary>
internal static class ParquetStatistics
{
    /// <summary>The test of a row group, or null when the filter has nothing statistics can decide (or the file lacks a field it needs).</summary>
    public static Func<ParquetRowGroup, bool>? MayMatch(FlowFilter filter, ParquetFlowLog log)
    {
        var format = log.Format;
        if (FlowPredicate.Fields(filter).Any(f => format.IndexOf(f) < 0)) return null;
        var tests = new List<Func<ParquetRowGroup, bool>>();
        foreach (var (field, values) in FlowPredicate.TextCriteria(filter))
        {
            int c = format.IndexOf(field);
            // '-' is a null in Parquet: a filter on it is left to the rows.
            if (log.Footer.Columns[c].Type != ParquetType.ByteArray || values.Any(v => v is [(byte)'-'])) continue;
            tests.Add(g => g.Chunks[c] is { Min: { } min, Max: { } max } && values.Any(v => v.AsSpan().SequenceCompareTo(min) >= 0 && v.AsSpan().SequenceCompareTo(max) <= 0)
                || g.Chunks[c].Min is null || g.Chunks[c].Max is null);
        }
        void Ranges(IEnumerable<Net.PortRange> ranges, params FlowField[] fields)
        {
            var list = ranges.ToArray();
            if (list.Length == 0) return;
            var columns = fields.Select(format.IndexOf).ToArray();
            tests.Add(g => columns.Any(c => Range(g.Chunks[c]) is not { } r || r.Min < 0 || list.Any(p => p.From <= r.Max && p.To >= r.Min)));
        }
        Ranges(filter.Protocol.Select(p => new Net.PortRange(p, p)), FlowField.Protocol);
        Ranges(filter.DestinationPort, FlowField.DestinationPort);
        Ranges(filter.SourcePort, FlowField.SourcePort);
        Ranges(filter.Port, FlowField.SourcePort, FlowField.DestinationPort);
        if (filter.Since is not null || filter.Until is not null)
        {
            int start = format.IndexOf(FlowField.Start), end = format.IndexOf(FlowField.End);
            long since = filter.Since is { } s ? FlowText.ToMilliseconds(s) : long.MinValue;
            long until = filter.Until is { } u ? FlowText.ToMilliseconds(u) : long.MaxValue;
            tests.Add(g => Milliseconds(g.Chunks[end]) is not { } e || e.Max >= since) ;
            tests.Add(g => Milliseconds(g.Chunks[start]) is not { } b || b.Min < until);
        }
        return tests.Count == 0 ? null : g => tests.All(t => t(g));
    }

    private static (long Min, long Max)? Range(ParquetChunk chunk) =>
        chunk.Type is ParquetType.Int32 or ParquetType.Int64 && chunk.Min is { } min && chunk.Max is { } max
        && ThriftReader.Integer(min) is { } a && ThriftReader.Integer(max) is { } b ? (a, b) : null;

    /// <summary>
    /// A time column's range in milliseconds, when every value in it is read the same way: all seconds or all milliseconds
    /// (the reading switches at 10^11, so a range across it says nothing), none negative.
    /// </summary>
    private static (long Min, long Max)? Milliseconds(ParquetChunk chunk)
    {
        if (Range(chunk) is not { } r || r.Min < 0) return null;
        bool seconds = r.Max < 100_000_000_000, milliseconds = r.Min >= 100_000_000_000;
        return seconds || milliseconds ? (FlowText.ToMillisecondsFromUnix(r.Min), FlowText.ToMillisecondsFromUnix(r.Max)) : null;
    }
}
