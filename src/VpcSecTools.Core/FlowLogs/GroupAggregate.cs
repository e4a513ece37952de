using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// The groups of one aggregate read, at any number of groups within a memory budget. Each worker thread first groups
/// into a table of its own (few groups: nothing shared, no lock, merged at the end). A worker whose table passes a
/// limit hands its groups to the shared table, which is cut by key hash into <see cref="Partitions"/> partitions, and
/// from then on sends each record to its partition in batches: a group lives in one partition, so the threads never hold
/// copies of one another's groups, and a batch meets a partition small enough to stay in cache. A partition that would
/// grow past the budget is written to a spill file and starts again empty; at the end each spilled partition is read
/// back and merged on its own, so memory holds the budget plus one partition.
/// </summary>
internal sealed class GroupAggregate : IDisposable
{
    public const int PartitionBits = 6;
    public const int Partitions = 1 << PartitionBits;
    /// <summary>Entries a worker gathers for one partition before taking its lock.</summary>
    public const int PartitionBatch = 64;

    private readonly int _fields;
    private readonly bool _binned;
    private readonly long _budget;
    private readonly string _spillFolder;
    private readonly ThreadLocal<GroupWorker> _workers;
    private readonly object _gate = new();
    private Partition[]? _partitions;
    private long _partitionBytes;
    private SpillFile? _spill;

    /// <param name="fields">The number of group-by fields.</param>
    /// <param name="binned">Whether keys end with a time bin.</param>
    /// <param name="budget">The bytes the tables may hold before partitions spill.</param>
    /// <param name="threads">Worker threads (each has a local table and batches of its own, taken from the budget).</param>
    /// <param name="spillFolder">Where spill files go.</param>
    public GroupAggregate(int fields, bool binned, long budget, int threads, string spillFolder)
    {
        _fields = fields;
        _binned = binned;
        _spillFolder = spillFolder;
        // A local table holds up to 131,072 groups (about 11 MB), less when the budget is small: an eighth of it for all of them.
        LocalLimit = (int)Math.Clamp(budget / 8 / Math.Max(1, threads) / 96, 1024, 1 << 17);
        long perWorker = LocalLimit * 96L + Partitions * (PartitionBatch * (long)Unsafe.SizeOf<GroupEntry>() + 256);
        _budget = Math.Max(0, budget - threads * perWorker);
        _workers = new ThreadLocal<GroupWorker>(() => new GroupWorker(this), trackAllValues: true);
    }

    /// <summary>Groups a worker's own table may hold before its groups go to the partitions.</summary>
    public int LocalLimit { get; }

    /// <summary>The calling thread's worker.</summary>
    public GroupWorker Worker => _workers.Value!;

    /// <summary>Bytes written to the spill file (0: everything fitted).</summary>
    public long SpilledBytes => _spill?.Length ?? 0;

    /// <summary>The partitions, made when the first worker needs them.</summary>
    public Partition[] Shared()
    {
        if (Volatile.Read(ref _partitions) is { } made) return made;
        lock (_gate) return _partitions ??= Enumerable.Range(0, Partitions).Select(_ => new Partition()).ToArray();
    }

    /// <summary>Adds a worker's batch to partition <paramref name="p"/>, spilling the partition first if it would grow past the budget.</summary>
    public void Apply(int p, ReadOnlySpan<GroupEntry> batch, ReadOnlySpan<byte> keys)
    {
        var partition = Shared()[p];
        lock (partition)
        {
            var table = partition.Table;
            long before = table.Bytes;
            int keyBytes = 0;
            foreach (ref readonly var e in batch) if (e.Length > ByteKeys.Inline) keyBytes += e.Length;
            long after = table.BytesAfter(batch.Length, keyBytes);
            if (after > before && Interlocked.Read(ref _partitionBytes) + (after - before) > _budget && table.Count > 0) Spill(partition);
            table.WarmAll(batch);
            table.Add(batch, keys);
            long grown = table.Bytes - before;
            if (grown != 0) Interlocked.Add(ref _partitionBytes, grown);
        }
    }

    private void Spill(Partition partition)
    {
        if (_spill is null) lock (_gate) _spill ??= new SpillFile(_spillFolder);
        partition.Runs.Add(_spill.Write(partition.Table));
        partition.Table.Clear();
    }

    /// <summary>
    /// Every worker's groups gathered, ranked by <paramref name="by"/>: at most <paramref name="top"/>, best first, and the
    /// number of groups. Only the best <paramref name="top"/> of each table are ranked (a heap), never all of them.
    /// </summary>
    public (IReadOnlyList<FlowGroup> Groups, int Count) Results(IReadOnlyList<string> fields, FlowMetric by, int? top, int threads)
    {
        var workers = _workers.Values;
        foreach (var w in workers) w.Flush();
        var ranking = new GroupRanking(by, _fields, _binned);
        if (_partitions is null && workers.All(w => !w.Partitioned))
        {
            // Few groups: the largest table takes in the others (a lookup per group of the smaller ones).
            var tables = workers.Select(w => w.Local!).ToList();
            var all = tables.MaxBy(t => t.Count);
            if (all is null) return ([], 0);
            foreach (var t in tables) if (t != all) all.MergeFrom(t);
            var texts = new TextCache();
            return (all.Ranked(ranking, top).Select(g => all.ToGroup(g, fields, _binned, texts)).ToList(), all.Count);
        }
        foreach (var w in workers) w.ToPartitions();
        // Partition by partition, each table dropped once ranked. A spilled partition is merged with its runs in a table
        // each thread reuses: merged partitions are as large as all their groups, and new tables for each would leave
        // garbage the size of every group, which the collector frees late.
        var partitions = Shared();
        var chosen = new List<Ranked>[partitions.Length];
        var counts = new int[partitions.Length];
        Parallel.For(0, partitions.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new GroupTable(PartitionBatch), (p, _, merged) =>
        {
            var partition = partitions[p];
            var table = partition.Table;
            if (partition.Runs.Count > 0)
            {
                merged.Clear();
                merged.MergeFrom(table);
                partition.Drop();
                foreach (var run in partition.Runs) _spill!.Read(run, merged);
                table = merged;
            }
            counts[p] = table.Count;
            var texts = new TextCache();
            chosen[p] = table.Ranked(ranking, top).Select(g => new Ranked(table.ToGroup(g, fields, _binned, texts), table.Metric(g, by), table.KeyOf(g).ToArray())).ToList();
            partition.Drop();
            return merged;
        }, _ => { });
        var best = chosen.SelectMany(c => c).ToArray();
        Array.Sort(best, (a, b) => ranking.Compare(a.Metric, a.Group.Count, a.Key, b.Metric, b.Group.Count, b.Key));
        int count = counts.Sum();
        return (best.Take(top ?? best.Length).Select(r => r.Group).ToList(), count);
    }

    private sealed record Ranked(FlowGroup Group, long Metric, byte[] Key);

    public void Dispose()
    {
        _workers.Dispose();
        _spill?.Dispose();
    }

    /// <summary>One partition of the shared table and the runs of it already spilled.</summary>
    internal sealed class Partition
    {
        public GroupTable Table { get; private set; } = new(PartitionBatch);
        public List<SpillRun> Runs { get; } = [];

        /// <summary>Frees the table once its groups are ranked.</summary>
        public void Drop() => Table = new GroupTable(16);
    }

    /// <summary>Where a spilled run of a partition's groups is in the spill file.</summary>
    internal readonly record struct SpillRun(long Offset, long Length, int Groups);

    /// <summary>
    /// One file of spilled groups for the read, deleted when closed; runs are appended one at a time and read back by
    /// offset, so threads share it without sharing a position. Both go through a small buffer: a run held whole in
    /// memory would be garbage the size of a partition per spill, which the collector frees late (the process grew to
    /// four times the budget that way).
    /// </summary>
    private sealed class SpillFile : IDisposable
    {
        private readonly SafeFileHandle _handle;
        private long _end;

        public SpillFile(string folder)
        {
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, $"vpcsec-groups-{Guid.NewGuid():N}.spill");
            _handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, FileOptions.DeleteOnClose);
        }

        public long Length => Interlocked.Read(ref _end);

        public SpillRun Write(GroupTable table)
        {
            lock (this)
            {
                var run = new Region(_handle, _end);
                table.WriteGroups(run);
                _end += run.Position;
                return new SpillRun(run.Start, run.Position, table.Count);
            }
        }

        public void Read(SpillRun run, GroupTable into)
        {
            using var region = new Region(_handle, run.Offset, run.Length);
            into.ReadGroups(region, run.Groups);
        }

        public void Dispose() => _handle.Dispose();

        /// <summary>
        /// Bytes of the file from <see cref="Start"/> on, written in order through positional I/O, or read in order through
        /// a pooled buffer (a spill is read back in many small pieces).
        /// </summary>
        private sealed class Region(SafeFileHandle handle, long start, long length = long.MaxValue) : Stream
        {
            private byte[]? _buffer;
            private int _at, _filled;
            private long _fetched;

            public long Start => start;
            public override long Position { get; set; }
            public override bool CanRead => true;
            public override bool CanWrite => true;
            public override bool CanSeek => false;
            public override long Length => length;

            public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

            public override int Read(Span<byte> into)
            {
                if (into.Length == 0 || Position == length) return 0;
                if (_at == _filled)
                {
                    _buffer ??= ArrayPool<byte>.Shared.Rent(1 << 16);
                    _filled = RandomAccess.Read(handle, _buffer.AsSpan(0, (int)Math.Min(_buffer.Length, length - _fetched)), start + _fetched);
                    if (_filled == 0) throw new IOException("the group spill file ended early");
                    _fetched += _filled;
                    _at = 0;
                }
                int n = Math.Min(into.Length, _filled - _at);
                _buffer.AsSpan(_at, n).CopyTo(into);
                _at += n;
                Position += n;
                return n;
            }

            public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

            public override void Write(ReadOnlySpan<byte> buffer)
            {
                RandomAccess.Write(handle, buffer, start + Position);
                Position += buffer.Length;
            }

            protected override void Dispose(bool disposing)
            {
                if (_buffer is { } b) ArrayPool<byte>.Shared.Return(b);
                _buffer = null;
                base.Dispose(disposing);
            }

            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
        }
    }
}

/// <summary>
/// One worker thread's side of an aggregate: its own table while groups are few, then batches per partition of the
/// shared table. Records join in batches of <see cref="Batch"/>: each record's slot is fetched into cache when it is
/// read and its group one batch ahead, so the cache misses of many groups overlap the scanning of the next lines.
/// </summary>
internal sealed class GroupWorker(GroupAggregate owner)
{

    private const int Batch = 32;
    /// <summary>Room past a key for whole-vector copies into it and whole-word loads from it.</summary>
    public const int Slack = 32;

    public GroupTable? Local { get; private set; } = new();
    public bool Partitioned => Local is null;

    private GroupEntry[] _pending = new GroupEntry[Batch], _ready = new GroupEntry[Batch];
    private int _pendingCount, _readyCount;
    private byte[] _pendingKeys = new byte[Batch * 64], _readyKeys = new byte[Batch * 64];
    private int _pendingKeysUsed;

    private PartitionBatch[]? _batches;
    private byte[] _scratch = new byte[256];

    private sealed class PartitionBatch
    {
        public readonly GroupEntry[] Entries = new GroupEntry[GroupAggregate.PartitionBatch];
        public byte[] Keys = [];
        public int Count, KeysUsed;
    }

    /// <summary>Where the next key of up to <paramref name="length"/> bytes is written (with <see cref="Slack"/> bytes after it).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<byte> KeySpace(int length)
    {
        if (Local is null)
        {
            if (_scratch.Length < length + Slack) _scratch = new byte[(length + Slack) * 2];
            return _scratch;
        }
        if (_pendingKeysUsed + length + Slack > _pendingKeys.Length)
            Array.Resize(ref _pendingKeys, Math.Max(_pendingKeys.Length * 2, _pendingKeysUsed + length + Slack));
        return _pendingKeys.AsSpan(_pendingKeysUsed);
    }

    /// <summary>Adds a record whose key of <paramref name="length"/> bytes was written to <see cref="KeySpace"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(int length, long packets, long bytes, long first, long last)
    {
        if (Local is not { } local)
        {
            Route(_scratch.AsSpan(0, length + Slack), length, packets, bytes, first, last);
            return;
        }
        ref var p = ref _pending[_pendingCount];
        var key = _pendingKeys.AsSpan(_pendingKeysUsed);
        ByteKeys.Words(key, length, out p.K0, out p.K1);
        p.Length = length;
        p.Tag = ByteKeys.Tag(p.K0, p.K1, key[..length]);
        p.Records = 1; p.Packets = packets; p.Bytes = bytes; p.First = first; p.Last = last;
        if (length > ByteKeys.Inline) { p.KeyAt = _pendingKeysUsed; _pendingKeysUsed += length; }
        local.Prefetch(p.Tag);
        if (++_pendingCount == Batch) Advance(local);
    }

    /// <summary>Adds <paramref name="records"/> records of one key of at most 16 bytes, given as its two words (zero after its end).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(ulong k0, ulong k1, int length, long records, long packets, long bytes, long first, long last)
    {
        var entry = new GroupEntry
        {
            K0 = k0, K1 = k1, Length = length, Tag = (uint)(ByteKeys.HashShort(k0, k1, length) >> 32),
            Records = records, Packets = packets, Bytes = bytes, First = first, Last = last,
        };
        if (Local is not { } local)
        {
            Route(entry, default);
            return;
        }
        _pending[_pendingCount] = entry;
        local.Prefetch(entry.Tag);
        if (++_pendingCount == Batch) Advance(local);
    }

    /// <summary>
    /// A full batch: its groups are fetched into cache, and the batch before it (fetched one batch ago) joins its
    /// groups; a table past the limit goes to the partitions.
    /// </summary>
    private void Advance(GroupTable local)
    {
        local.Warm(_pending.AsSpan(0, _pendingCount));
        local.Add(_ready.AsSpan(0, _readyCount), _readyKeys);
        (_ready, _pending) = (_pending, _ready);
        (_readyKeys, _pendingKeys) = (_pendingKeys, _readyKeys);
        _readyCount = _pendingCount;
        _pendingCount = 0;
        _pendingKeysUsed = 0;
        if (local.Count > owner.LocalLimit) ToPartitions();
    }

    /// <summary>Adds every batched record to the local table.</summary>
    public void Flush()
    {
        if (Local is not { } local) return;
        local.Add(_ready.AsSpan(0, _readyCount), _readyKeys);
        _readyCount = 0;
        local.Add(_pending.AsSpan(0, _pendingCount), _pendingKeys);
        _pendingCount = 0;
        _pendingKeysUsed = 0;
    }

    /// <summary>Hands the local table's groups to the partitions, and sends every later record there; sends what is batched.</summary>
    public void ToPartitions()
    {
        if (Local is { } local)
        {
            Flush();
            Local = null;
            _batches = Enumerable.Range(0, GroupAggregate.Partitions).Select(_ => new PartitionBatch()).ToArray();
            for (int g = 0; g < local.Count; g++) Route(local.EntryOf(g), local.KeyOf(g));
        }
        for (int p = 0; p < _batches!.Length; p++) Send(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Route(ReadOnlySpan<byte> key, int length, long packets, long bytes, long first, long last)
    {
        ByteKeys.Words(key, length, out ulong k0, out ulong k1);
        var entry = new GroupEntry
        {
            K0 = k0, K1 = k1, Length = length, Tag = ByteKeys.Tag(k0, k1, key[..length]),
            Records = 1, Packets = packets, Bytes = bytes, First = first, Last = last,
        };
        Route(entry, key[..length]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Route(in GroupEntry entry, ReadOnlySpan<byte> key)
    {
        int p = (int)(entry.Tag >> (32 - GroupAggregate.PartitionBits));
        var batch = _batches![p];
        ref var e = ref batch.Entries[batch.Count];
        e = entry;
        if (entry.Length > ByteKeys.Inline)
        {
            if (batch.KeysUsed + entry.Length > batch.Keys.Length) Array.Resize(ref batch.Keys, Math.Max(batch.Keys.Length * 2, batch.KeysUsed + entry.Length + 256));
            key[..entry.Length].CopyTo(batch.Keys.AsSpan(batch.KeysUsed));
            e.KeyAt = batch.KeysUsed;
            batch.KeysUsed += entry.Length;
        }
        if (++batch.Count == GroupAggregate.PartitionBatch) Send(p);
    }

    private void Send(int p)
    {
        var batch = _batches![p];
        if (batch.Count == 0) return;
        owner.Apply(p, batch.Entries.AsSpan(0, batch.Count), batch.Keys);
        batch.Count = 0;
        batch.KeysUsed = 0;
    }
}

/// <summary>
/// Groups what the filter passed once the fields the answer reads are valid: the grouped fields (each checked as its key
/// value is written, so a group's values are of their kind), then the counts and times it sums. The other fields are
/// not read, so not checked: checking every field of every line costs a group-by a third to half of its speed.
/// </summary>
internal sealed class GroupSink : RecordSink
{
    private readonly GroupWorker _worker;
    private readonly int[] _keyIndexes;
    private readonly FlowFieldInfo?[] _keyFields;
    private readonly int _packets, _bytes, _start, _end;
    private readonly long _binMs;

    public GroupSink(FlowLogFormat format, FlowLogQuery query, GroupAggregate groups)
    {
        _worker = groups.Worker;
        _keyIndexes = query.GroupBy.Select(g =>
        {
            int i = format.IndexOf(g);
            return i >= 0 ? i : throw new FlowLogFormatMismatchException(
                $"cannot group by '{FlowFieldCatalog.ToAwsName(g)}': this format does not have it ({format})");
        }).ToArray();
        _keyFields = _keyIndexes.Select(i => format.FieldAt(i) is var f && f != FlowField.Unknown ? FlowFieldCatalog.Info(f) : null).ToArray();
        _packets = format.IndexOf(FlowField.Packets);
        _bytes = format.IndexOf(FlowField.Bytes);
        _start = format.IndexOf(FlowField.Start);
        _end = format.IndexOf(FlowField.End);
        _binMs = (long)(query.Bin?.TotalMilliseconds ?? 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override bool Accept(scoped in RawLine line, long lineNumber, ref string? problem)
    {
        var into = _worker.KeySpace(line.Text.Length + _keyIndexes.Length * 5 + 8);
        int length = 0;
        for (int k = 0; k < _keyIndexes.Length; k++)
        {
            var rest = line.FieldAndRest(_keyIndexes[k], out int fieldLength);
            int n = GroupKey.Write(_keyFields[k], rest, fieldLength, into[length..], ref problem);
            if (n < 0) return false;
            length += n;
        }
        long packets = 0, bytes = 0, start = long.MaxValue, end = long.MinValue;
        if (_packets >= 0 && !line.TryNumber(_packets, out packets) && !Dash(line, _packets, "packets", "a number", out packets, ref problem)) return false;
        if (_bytes >= 0 && !line.TryNumber(_bytes, out bytes) && !Dash(line, _bytes, "bytes", "a number", out bytes, ref problem)) return false;
        if (_start >= 0)
        {
            if (line.TryNumber(_start, out start)) start = FlowText.ToMillisecondsFromUnix(start);
            else if (!Dash(line, _start, "start", "a Unix time", out start, ref problem)) return false;
            else start = long.MaxValue;
            if (start > FlowText.MaxMilliseconds && start != long.MaxValue) { problem = FlowText.TimeProblem("start", line.Field(_start)); return false; }
        }
        if (_end >= 0)
        {
            if (line.TryNumber(_end, out end)) end = FlowText.ToMillisecondsFromUnix(end);
            else if (!Dash(line, _end, "end", "a Unix time", out end, ref problem)) return false;
            else end = long.MinValue;
            if (end > FlowText.MaxMilliseconds) { problem = FlowText.TimeProblem("end", line.Field(_end)); return false; }
        }
        if (_binMs > 0)
        {
            // A record without a start time has no bin; it groups under bin long.MinValue and is shown without one.
            long bin = start == long.MaxValue ? long.MinValue : start - Modulo(start, _binMs);
            BinaryPrimitives.WriteInt64LittleEndian(into[length..], bin);
            length += 8;
        }
        _worker.Add(length, packets, bytes, start, end);
        return true;
    }

    private static long Modulo(long a, long m) => ((a % m) + m) % m;

    /// <summary>A field that is not a number: '-' counts as nothing, anything else makes the line malformed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static bool Dash(scoped in RawLine line, int index, string name, string what, out long value, ref string? problem)
    {
        value = 0;
        var f = line.Field(index);
        if (FlowText.IsDash(f)) return true;
        problem = $"{name} '{FlowText.Describe(f)}' is not {what}";
        return false;
    }
}
