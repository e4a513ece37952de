using System.Text;

namespace VpcSecTools.FlowLogs.CloudWatch;

/// <summary>
/// A read-only stream of lines (each followed by <c>\n</c>) pulled from an enumerable as the reader asks for bytes,
/// so log events reach the flow-log reader without being gathered in memory first.
/// </summary>
internal sealed class LineStream(IEnumerable<string> lines) : ReadOnlyStream
{
    private readonly IEnumerator<string> _lines = lines.GetEnumerator();
    private byte[] _pending = [];
    private int _at;

    public override int Read(Span<byte> buffer)
    {
        while (_at == _pending.Length)
        {
            if (!_lines.MoveNext()) return 0;
            _pending = Encoding.UTF8.GetBytes(_lines.Current + "\n");
            _at = 0;
        }
        int n = Math.Min(buffer.Length, _pending.Length - _at);
        _pending.AsSpan(_at, n).CopyTo(buffer);
        _at += n;
        return n;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _lines.Dispose();
        base.Dispose(disposing);
    }
}
