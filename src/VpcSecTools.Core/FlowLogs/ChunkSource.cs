using System.Buffers;
using System.Collections.Concurrent;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Cuts a text stream into pooled buffers of whole lines (each ends with a newline; a last line without one
/// gets one). A partial line at a buffer's end is carried into the next buffer.
/// </summary>
internal sealed class LineChunker(Stream stream, int chunkSize)
{
    /// <summary>Longer lines than this are not flow-log records: the stream is refused rather than memory exhausted.</summary>
    private const int MaxLine = 64 << 20;
    /// <summary>The partial line carried to the next buffer: small at first, as most files are (a file of one buffer never needs it).</summary>
    private byte[] _carry = new byte[Math.Min(chunkSize, 4096)];
    private int _carryLength;
    private bool _eof;
    private Exception? _failure;

    public long TextBytes { get; private set; }

    /// <summary>The next buffer (rented; give it back to <see cref="ArrayPool{T}.Shared"/>), or null at the end.</summary>
    public byte[]? Next(out int length)
    {
        length = 0;
        if (_eof && _carryLength == 0) return _failure is null ? null : throw _failure;
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(chunkSize, _carryLength * 2));
        _carry.AsSpan(0, _carryLength).CopyTo(buffer);
        int filled = _carryLength, searched = 0;
        _carryLength = 0;
        while (true)
        {
            while (filled < buffer.Length && !_eof)
            {
                int n;
                try { n = stream.Read(buffer, filled, buffer.Length - filled); }
                catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
                {
                    // The whole lines before a cut are given out first; the failure follows them.
                    _failure = e;
                    n = 0;
                }
                if (n == 0) _eof = true;
                filled += n;
                TextBytes += n;
            }
            int last = buffer.AsSpan(searched, filled - searched).LastIndexOf((byte)'\n');
            if (last >= 0)
            {
                last += searched;
                _carryLength = filled - last - 1;
                if (_carryLength > _carry.Length) _carry = new byte[_carryLength * 2];
                buffer.AsSpan(last + 1, _carryLength).CopyTo(_carry);
                length = last + 1;
                return buffer;
            }
            if (_eof)
            {
                // After a cut, text without a newline is a fragment of a line cut short, not a record; after whole
                // gzip members (data appended to them) it is their last line.
                if (filled == 0 || (_failure is not null and not GzipDataException { TextComplete: true }))
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    return _failure is null ? null : throw _failure;
                }
                if (filled == buffer.Length) buffer = Grow(buffer, filled);
                buffer[filled++] = (byte)'\n';
                length = filled;
                return buffer;
            }
            if (buffer.Length >= MaxLine) { ArrayPool<byte>.Shared.Return(buffer); throw new InvalidDataException($"a line longer than {MaxLine >> 20} MiB: not a flow log"); }
            searched = filled;
            buffer = Grow(buffer, filled);
        }
    }

    private static byte[] Grow(byte[] buffer, int filled)
    {
        var bigger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        buffer.AsSpan(0, filled).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(buffer);
        return bigger;
    }
}

/// <summary>Where a scan gets its buffers: straight from the chunker, or from a thread that decompresses ahead.</summary>
internal abstract class ChunkSource : IDisposable
{
    /// <summary>The failure that ended the stream early (truncated gzip, I/O), reported after the good lines.</summary>
    public Exception? Failure { get; protected set; }
    public abstract long TextBytes { get; }
    /// <summary>The fields of every line, when the source knows them (Parquet's columns); null: a header or the configured format says.</summary>
    public virtual FlowLogFormat? Format => null;
    public abstract byte[]? Next(out int length);
    public abstract void Dispose();
}

internal sealed class SerialChunkSource(LineChunker chunker, Stream stream) : ChunkSource
{
    public override long TextBytes => chunker.TextBytes;

    public override byte[]? Next(out int length)
    {
        length = 0;
        if (Failure is not null) return null;
        try { return chunker.Next(out length); }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException) { Failure = e; return null; }
    }

    public override void Dispose() => stream.Dispose();
}

/// <summary>
/// Decompression on its own thread, a few buffers ahead of the scan: on two cores the scan then costs nothing
/// over decompressing alone.
/// </summary>
internal sealed class PipelinedChunkSource : ChunkSource
{
    private readonly BlockingCollection<(byte[] Buffer, int Length)> _queue = new(boundedCapacity: 4);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _producer;
    private readonly LineChunker _chunker;
    private readonly Stream _stream;

    public PipelinedChunkSource(LineChunker chunker, Stream stream)
    {
        _chunker = chunker;
        _stream = stream;
        _producer = Task.Factory.StartNew(Produce, TaskCreationOptions.LongRunning);
    }

    public override long TextBytes => _chunker.TextBytes;

    private void Produce()
    {
        try
        {
            while (_chunker.Next(out int length) is { } buffer)
            {
                if (!TryAdd(buffer, length)) { ArrayPool<byte>.Shared.Return(buffer); return; }
            }
        }
        catch (Exception e) { Failure = e; }
        finally { _queue.CompleteAdding(); }
    }

    private bool TryAdd(byte[] buffer, int length)
    {
        try { _queue.Add((buffer, length), _stop.Token); return true; }
        catch (OperationCanceledException) { return false; }
    }

    public override byte[]? Next(out int length)
    {
        if (_queue.TryTake(out var item, Timeout.Infinite))
        {
            length = item.Length;
            return item.Buffer;
        }
        length = 0;
        return null;
    }

    public override void Dispose()
    {
        _stop.Cancel();
        while (_queue.TryTake(out var item)) ArrayPool<byte>.Shared.Return(item.Buffer);
        try { _producer.Wait(); } catch (AggregateException) { }
        while (_queue.TryTake(out var item)) ArrayPool<byte>.Shared.Return(item.Buffer);
        _stream.Dispose();
        _queue.Dispose();
        _stop.Dispose();
    }
}

/// <summary>A forward-only readable stream: the reader's wrappers need nothing else.</summary>
internal abstract class ReadOnlyStream : Stream
{
    public abstract override int Read(Span<byte> buffer);
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Counts the stored bytes read (for progress and the report), and optionally stops at a slice's end.</summary>
internal sealed class CountingStream(Stream inner, long limit, FlowLogProgress? progress) : ReadOnlyStream
{
    private long _remaining = limit < 0 ? long.MaxValue : limit;
    public long BytesRead { get; private set; }

    public override int Read(Span<byte> buffer)
    {
        if (_remaining <= 0) return 0;
        if (buffer.Length > _remaining) buffer = buffer[..(int)_remaining];
        int n = inner.Read(buffer);
        _remaining -= n;
        BytesRead += n;
        progress?.Add(n);
        return n;
    }

    protected override void Dispose(bool disposing) { if (disposing) inner.Dispose(); base.Dispose(disposing); }
}

/// <summary>Bytes already read to sniff the content, followed by the rest of the stream.</summary>
internal sealed class PrefixedStream(byte[] prefix, int prefixLength, Stream rest) : ReadOnlyStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        if (_position < prefixLength)
        {
            int n = Math.Min(buffer.Length, prefixLength - _position);
            prefix.AsSpan(_position, n).CopyTo(buffer);
            _position += n;
            return n;
        }
        return rest.Read(buffer);
    }

    protected override void Dispose(bool disposing) { if (disposing) rest.Dispose(); base.Dispose(disposing); }
}
