using System.Runtime.CompilerServices;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// The values of a format's numeric, time and address fields checked on a raw line, by <see cref="FlowText.Problem"/>'s
/// rule, the one listing applies: a count takes what listing would return, no more.
/// </summary>
internal sealed class RecordCheck
{
    private readonly int[] _indexes;
    private readonly FlowFieldInfo[] _fields;

    /// <summary>Every typed field of the format but those a sink parses (and so checks) itself.</summary>
    public RecordCheck(FlowLogFormat format, params FlowField[] checkedBySink)
        : this(format, Enumerable.Range(0, format.FieldCount).Where(i => !checkedBySink.Contains(format.FieldAt(i))))
    {
    }

    /// <summary>The typed fields among those at <paramref name="positions"/>, checked in that order (text and unknown fields need no check).</summary>
    public RecordCheck(FlowLogFormat format, IEnumerable<int> positions)
    {
        var fields = positions
            .Where(i => format.FieldAt(i) is var f && f != FlowField.Unknown && FlowFieldCatalog.Info(f).Kind != FlowFieldKind.Text)
            .Distinct().ToArray();
        _indexes = fields;
        _fields = fields.Select(i => FlowFieldCatalog.Info(format.FieldAt(i))).ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool Valid(scoped in RawLine line, ref string? problem)
    {
        for (int k = 0; k < _indexes.Length; k++)
        {
            int i = _indexes[k];
            var info = _fields[k];
            // The common values on the fast paths; anything else is judged by the rule itself.
            switch (info.Kind)
            {
                case FlowFieldKind.Counter when line.TryNumber(i, out _):
                case FlowFieldKind.Integer when line.TryNumber(i, out long n) && n <= int.MaxValue:
                case FlowFieldKind.Time when line.TryNumber(i, out long t) && FlowText.ToMillisecondsFromUnix(t) <= FlowText.MaxMilliseconds:
                case FlowFieldKind.Address when FlowText.IsIPv4(line.FieldAndRest(i, out int length), length):
                    continue;
            }
            if (FlowText.Problem(info, line.Field(i)) is { } bad)
            {
                problem = bad;
                return false;
            }
        }
        return true;
    }
}
