using System.Buffers.Binary;
using System.IO.Compression;

namespace VpcSecTools.FlowLogs;

/// <summary>Gzip data that is cut short, fails its trailer check or has something other than gzip after a member.</summary>
public sealed class GzipDataException(string message, long offset, bool textComplete = false) : IOException(message)
{
    /// <summary>The offset in the stored (compressed) bytes where the problem is.</summary>
    public long Offset { get; } = offset;
    /// <summary>True when every member before the problem was whole (data after the last member): its text, last line included, is sound.</summary>
    public bool TextComplete { get; } = textComplete;
}

/// <summary>
/// The text of a gzip file (RFC 1952), member by member: concatenated members (<c>cat a.gz b.gz</c>) are read in
/// turn, and each member's trailer (CRC-32 and size of its text) is checked here, whatever the process-wide
/// System.IO.Compression switches say. A member cut short, a trailer that does not match, and anything after a
/// member that is not another member are <see cref="GzipDataException"/>s naming the offset, raised after the text
/// before them has been read.
/// </summary>
/// <remarks>
/// The deflate data is inflated by <see cref="DeflateStream"/>, which does not say where the data ended in its input;
/// the trailer is then found by its value: the CRC-32 and size of the text just inflated, searched in the last slice
/// of input handed to the inflater (the only place the deflate data can have ended) and just beyond it. The bytes
/// after the trailer that the inflater had taken are still in this stream's buffer and start the next member.
/// </remarks>
internal sealed class GzipMemberStream : ReadOnlyStream
{
    private const int TrailerLength = 8;
    private readonly Stream _compressed;
    private byte[] _in = new byte[64 << 10];
    /// <summary>Unread input is _in[_next.._end]; _in[0] is at file offset _inOffset.</summary>
    private int _next, _end;
    private long _inOffset;
    private bool _eof;
    /// <summary>Where the last slice handed to the inflater starts (a buffer index), and where the member's deflate data starts (a file offset).</summary>
    private int _handedFrom;
    private long _memberStart, _dataStart;
    private bool _inflaterSawEnd;
    private DeflateStream? _deflate;
    private uint _crc;
    private long _size;
    private bool _done;

    public GzipMemberStream(Stream compressed) => _compressed = compressed;

    public override int Read(Span<byte> buffer)
    {
        if (buffer.IsEmpty) return 0;
        while (!_done)
        {
            if (_deflate is null && !BeginMember()) { _done = true; return 0; }
            int n;
            try { n = _deflate!.Read(buffer); }
            catch (InvalidDataException) when (_inflaterSawEnd) { throw Truncated(); }
            catch (InvalidDataException e)
            {
                throw new GzipDataException($"the gzip member at offset {_memberStart} is corrupt ({e.Message.TrimEnd('.')})", _memberStart);
            }
            if (n > 0)
            {
                _crc = Crc32.Append(_crc, buffer[..n]);
                _size += n;
                return n;
            }
            EndMember();
        }
        return 0;
    }

    private long Offset(int index) => _inOffset + index;

    private GzipDataException Truncated() =>
        new($"the gzip data is truncated at offset {Offset(_end)}: the member at offset {_memberStart} has no end (an interrupted download or copy)", Offset(_end));

    /// <summary>
    /// At least <paramref name="count"/> unread bytes in the buffer, unless the input ends first. Read bytes are dropped
    /// from the front, except the last slice handed to the inflater and the 8 bytes before it (the trailer search needs them).
    /// </summary>
    private bool Fill(int count)
    {
        while (_end - _next < count && !_eof)
        {
            int keep = Math.Max(0, Math.Min(_next, _handedFrom) - TrailerLength);
            if (keep > 0)
            {
                _in.AsSpan(keep, _end - keep).CopyTo(_in);
                _inOffset += keep;
                _next -= keep; _end -= keep; _handedFrom -= keep;
            }
            if (_end == _in.Length) Array.Resize(ref _in, _in.Length * 2);
            int n = _compressed.Read(_in, _end, _in.Length - _end);
            if (n == 0) _eof = true;
            _end += n;
        }
        return _end - _next >= count;
    }

    private byte Next()
    {
        if (!Fill(1)) throw Truncated();
        return _in[_next++];
    }

    /// <summary>Reads a member's header; false at the clean end of the input.</summary>
    private bool BeginMember()
    {
        _memberStart = Offset(_next);
        if (!Fill(1)) return false;
        Fill(3);
        if (_end - _next < 3 || _in[_next] != 0x1f || _in[_next + 1] != 0x8b || _in[_next + 2] != 8)
        {
            long at = Offset(_next), extra = _end - _next;
            if (at == 0) throw new GzipDataException("the data is not gzip (no 1f 8b 08 header)", 0);
            // Everything after the last member is counted, so the message says how much was not read.
            while (!_eof) { _next = _end; _handedFrom = _end; Fill(1); extra += _end - _next; }
            throw new GzipDataException($"{extra} byte(s) after the gzip member ending at offset {at} are not gzip (appended or corrupt data): not read", at, textComplete: true);
        }
        _next += 3;
        byte flags = Next();
        if ((flags & 0xE0) != 0) throw new GzipDataException($"the gzip member at offset {_memberStart} has reserved header flags set ({flags:x2}): corrupt", _memberStart);
        for (int i = 0; i < 6; i++) Next(); // MTIME, XFL, OS
        if ((flags & 4) != 0)
        {
            int extraLength = Next() | Next() << 8;
            for (int i = 0; i < extraLength; i++) Next();
        }
        if ((flags & 8) != 0) while (Next() != 0) { } // file name
        if ((flags & 16) != 0) while (Next() != 0) { } // comment
        if ((flags & 2) != 0) { Next(); Next(); } // header CRC
        _dataStart = Offset(_next);
        _handedFrom = _next;
        _inflaterSawEnd = false;
        _crc = 0;
        _size = 0;
        _deflate = new DeflateStream(new MemberInput(this), CompressionMode.Decompress, leaveOpen: false);
        return true;
    }

    /// <summary>The inflater has finished (or run out of input): finds and checks the trailer, and leaves the input after it.</summary>
    private void EndMember()
    {
        if (_inflaterSawEnd) throw Truncated();
        _deflate!.Dispose();
        _deflate = null;
        Fill(TrailerLength);
        Span<byte> trailer = stackalloc byte[TrailerLength];
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc);
        BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)_size);
        int from = Math.Max(_handedFrom - TrailerLength, (int)Math.Max(0, _dataStart - _inOffset));
        int to = Math.Min(_end, _next + TrailerLength);
        int at = _in.AsSpan(from, to - from).IndexOf(trailer);
        if (at < 0)
        {
            var check = $"the member at offset {_memberStart} does not end in its CRC-32 {_crc:x8} and size {(uint)_size}";
            throw _eof
                ? new GzipDataException($"the gzip data is truncated at offset {Offset(_end)} or corrupt: {check}", Offset(_end))
                : new GzipDataException($"the gzip data is corrupt: {check}", _memberStart);
        }
        _next = from + at + TrailerLength;
        _handedFrom = _next;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _deflate?.Dispose();
            _compressed.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <summary>The inflater's input: the buffer's unread bytes, one refill at a time, so each slice handed out is contiguous.</summary>
    private sealed class MemberInput(GzipMemberStream owner) : ReadOnlyStream
    {
        public override int Read(Span<byte> buffer)
        {
            var o = owner;
            if (o._next == o._end)
            {
                o._handedFrom = o._next;
                if (!o.Fill(1)) { o._inflaterSawEnd = true; return 0; }
            }
            int n = Math.Min(buffer.Length, o._end - o._next);
            o._in.AsSpan(o._next, n).CopyTo(buffer);
            o._handedFrom = o._next;
            o._next += n;
            return n;
        }
    }
}
