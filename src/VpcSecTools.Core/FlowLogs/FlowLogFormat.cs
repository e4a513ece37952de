using System.Text;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// The field order of a flow log: the v2 default, a header line (S3 objects), or a custom format given by the
/// user or by the flow log's <c>LogFormat</c> (<c>${version} ${srcaddr} ...</c>).
/// </summary>
public sealed class FlowLogFormat
{
    private readonly int[] _indexOfKnown;
    private readonly FlowField[] _fieldAt;
    /// <summary>The format this one takes its fields from (a Parquet file's columns, of which a read takes a few), or null.</summary>
    private FlowLogFormat? _whole;

    /// <summary>The fields in order, by AWS name.</summary>
    public IReadOnlyList<string> Fields { get; }

    public int FieldCount => Fields.Count;

    /// <summary>
    /// The highest version among the fields: what AWS writes in the <c>version</c> field. A field the catalogue
    /// does not know counts as newer than version 8.
    /// </summary>
    public int Version { get; }

    public FlowLogFormat(IEnumerable<string> fields)
    {
        Fields = fields.Select(FlowFieldCatalog.ToAwsName).ToArray();
        if (Fields.Count == 0) throw new FormatException("a flow-log format needs at least one field");
        var duplicate = Fields.GroupBy(f => f).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new FormatException($"flow-log format names field '{duplicate.Key}' twice");
        foreach (var f in Fields)
            if (!FlowFieldCatalog.LooksLikeFieldName(f))
                throw new FormatException($"'{f}' is not a flow-log field name (lower case letters, digits and hyphens, e.g. srcaddr)");
        _indexOfKnown = Enumerable.Repeat(-1, Enum.GetValues<FlowField>().Length).ToArray();
        _fieldAt = new FlowField[Fields.Count];
        int version = 2;
        for (int i = 0; i < Fields.Count; i++)
        {
            var info = FlowFieldCatalog.Find(Fields[i]);
            if (info is not null)
            {
                _indexOfKnown[(int)info.Field] = i;
                _fieldAt[i] = info.Field;
                version = Math.Max(version, info.Version);
            }
            else version = Math.Max(version, FlowFieldCatalog.TransitGatewayFields.Contains(Fields[i]) ? 6 : 9);
        }
        Version = version;
    }

    /// <summary>The version 2 default format.</summary>
    public static FlowLogFormat Default { get; } = new(FlowFieldCatalog.DefaultFields);

    /// <summary>Where a known field is in a line, or -1 when the format does not have it.</summary>
    public int IndexOf(FlowField field) => _indexOfKnown[(int)field];

    /// <summary>Where a field is by any of its names, or -1.</summary>
    public int IndexOf(string name)
    {
        var aws = FlowFieldCatalog.ToAwsName(name);
        for (int i = 0; i < Fields.Count; i++) if (Fields[i] == aws) return i;
        return -1;
    }

    public bool Has(FlowField field) => IndexOf(field) >= 0;

    /// <summary>The known field at a position, or <see cref="FlowField.Unknown"/>.</summary>
    public FlowField FieldAt(int index) => _fieldAt[index];

    /// <summary>
    /// Parses a format as AWS writes it in <c>LogFormat</c> (<c>${version} ${srcaddr}</c>), or a plain list of
    /// field names separated by spaces or commas (<c>version srcaddr</c>, <c>SourceAddress,DestinationAddress</c>).
    /// </summary>
    public static FlowLogFormat Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text)) throw new FormatException("empty flow-log format");
        var names = new List<string>();
        foreach (var token in text.Split([' ', ',', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            var t = token;
            if (t.StartsWith("${", StringComparison.Ordinal))
            {
                if (!t.EndsWith('}')) throw new FormatException($"flow-log format token '{token}' has no closing brace");
                t = t[2..^1];
            }
            else if (t.Contains('$') || t.Contains('{') || t.Contains('}'))
                throw new FormatException($"flow-log format token '{token}' is neither ${{field}} nor a field name");
            names.Add(t);
        }
        return new FlowLogFormat(names);
    }

    /// <summary>
    /// A header line is one whose every token looks like a field name and at least one is a known field:
    /// data values never do (numbers, addresses, '-', resource ids contain digits but never equal a name). A UTF-8
    /// byte-order mark before it (Windows tools save text so) is not part of the first name.
    /// </summary>
    internal static FlowLogFormat? TryParseHeader(ReadOnlySpan<byte> line)
    {
        if (line.StartsWith("\uFEFF"u8)) line = line[3..];
        if (line.IsEmpty || line[0] < 'a' || line[0] > 'z') return null;
        var text = Encoding.UTF8.GetString(line).TrimEnd('\r');
        var tokens = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (tokens.Length == 0 || !tokens.All(t => FlowFieldCatalog.LooksLikeFieldName(t))) return null;
        if (!tokens.Any(FlowFieldCatalog.IsKnownName)) return null;
        try { return new FlowLogFormat(tokens); }
        catch (FormatException) { return null; }
    }

    /// <summary>
    /// The format of the fields a reader takes from this one (the Parquet columns a query reads): its positions are theirs,
    /// and it names this whole format, so a message about a field it lacks names the file's fields, not the ones read.
    /// </summary>
    public FlowLogFormat Projection(IEnumerable<string> fields) => new(fields) { _whole = _whole ?? this };

    /// <summary>The format as an AWS <c>LogFormat</c> string.</summary>
    public string ToLogFormat() => string.Join(' ', Fields.Select(f => "${" + f + "}"));

    /// <summary>The fields, by AWS name; of a <see cref="Projection"/>, the whole format's.</summary>
    public override string ToString() => string.Join(' ', (_whole ?? this).Fields);
}
