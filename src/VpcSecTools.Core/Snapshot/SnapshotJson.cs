using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VpcSecTools.Snapshot;

/// <summary>
/// How snapshot records map to and from JSON: the AWS CLI's names, nulls omitted when written. Reading is strict
/// where an answer depends on it and lenient where real tools differ (see <see cref="RecordShape"/>):
/// <list type="bullet">
/// <item><c>null</c> means the same as an absent member: Go's and .NET's serialisers write it for a value the API left out.</item>
/// <item>An absent or null list is empty; a null item in a list is an error (no tool writes one, and skipping it could drop a rule).</item>
/// <item>A required member absent or null is an error, never a default (an <c>IpProtocol</c> must not become "-1").</item>
/// <item>Names match without regard to case (the AWS CLI prints exact case, hand-edited files may not), and one
/// member named twice in an object, in any case, is an error rather than "the last one wins".</item>
/// <item>Values are kept as written; what they mean (is <c>0.0.0.0/33</c> a CIDR) is the index's to decide.</item>
/// </list>
/// Every error names the file and the JSON path.
/// </summary>
public static class SnapshotJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        WriteIndented = true,
    };

    /// <summary>Parses a whole document (UTF-8, with or without a BOM, or UTF-16 with a BOM); invalid input names file, line and column.</summary>
    public static JsonDocument Parse(byte[] bytes, string file)
    {
        var utf8 = SnapshotEncoding.ToUtf8(bytes, file);
        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            var (line, column) = SnapshotEncoding.Position(utf8, SnapshotEncoding.Offset(utf8, e.LineNumber ?? 0, e.BytePositionInLine ?? 0));
            throw new SnapshotFormatException($"{file}:{line}:{column}", $"invalid JSON: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>
    /// Reads one item of a section. <paramref name="path"/> is its JSON path (<c>$.Vpcs[0]</c>); members the
    /// model does not read are added to <paramref name="unknownMembers"/> under <paramref name="unknownPath"/>
    /// (<c>Vpcs[]</c>), so a verbose note can say what was ignored: AWS adds fields, so they are never an error.
    /// </summary>
    public static object ReadItem(JsonElement element, Type type, string file, string path,
        ISet<string>? unknownMembers = null, string? unknownPath = null) =>
        new ItemReader(file, path, unknownMembers, unknownPath ?? path).Record(element, RecordShape.Of(type));

    /// <summary>
    /// A member of a JSON object found without regard to case; the same name twice is an error naming the place.
    /// </summary>
    public static bool TryGetMember(JsonElement obj, string name, string file, string path, out JsonElement value)
    {
        value = default;
        bool found = false;
        foreach (var property in obj.EnumerateObject())
        {
            var key = NameOf(property, file, path);
            if (!string.Equals(key, name, StringComparison.OrdinalIgnoreCase)) continue;
            if (found) throw new SnapshotFormatException($"{file}: {path}.{key}", $"{name} appears twice in one object");
            value = property.Value;
            found = true;
        }
        return found;
    }

    /// <summary>A property's name; an escaped lone surrogate (<c>\ud800</c>) is named, not thrown from deep inside.</summary>
    internal static string NameOf(JsonProperty property, string file, string path)
    {
        try { return property.Name; }
        catch (InvalidOperationException) { throw new SnapshotFormatException($"{file}: {path}", "a member name holds an invalid \\u escape (an unpaired surrogate)"); }
    }

    /// <summary>A JSON string's value; an escaped lone surrogate is named, not thrown from deep inside.</summary>
    internal static string StringOf(JsonElement e, string file, string path)
    {
        try { return e.GetString()!; }
        catch (InvalidOperationException) { throw new SnapshotFormatException($"{file}: {path}", "a string holds an invalid \\u escape (an unpaired surrogate)"); }
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var sentence = (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.', '|', ' ');
        // The parser quotes the offending bytes, line breaks and all: the message stays one line.
        return string.Concat(sentence.Select(c => char.IsControl(c) ? $"\\u{(int)c:X4}" : c.ToString()));
    }

    /// <summary>One walk over an item: builds the record and checks it, keeping the JSON path for the error.</summary>
    private sealed class ItemReader(string file, string basePath, ISet<string>? unknown, string unknownBase)
    {
        // The path below basePath: member names and list indices, formatted only when something is wrong.
        private readonly List<(string? Name, int Index)> _path = [];

        public object Record(JsonElement element, RecordShape shape)
        {
            if (element.ValueKind != JsonValueKind.Object)
                throw Error($"expected an object ({shape.Type.Name}), found {Describe(element)}");
            var values = shape.IsPositional ? new object?[shape.Members.Length] : null;
            var item = values is null ? shape.New() : null;
            ulong seen = 0, present = 0;
            int previous = shape.Members.Length;
            foreach (var property in element.EnumerateObject())
            {
                var member = Find(property, shape, previous);
                if (member is null)
                {
                    if (unknown is not null) unknown.Add($"{UnknownPath()}.{NameOf(property, file, Path())}");
                    continue;
                }
                shape.NextGuess[previous] = member.Index;
                previous = member.Index;
                ulong bit = 1UL << member.Index;
                if ((seen & bit) != 0)
                {
                    var (first, name) = (FirstSpelling(element, shape, member), NameOf(property, file, Path()));
                    _path.Add((name, -1));
                    throw Error(first == name ? $"{name} appears twice in one object" : $"\"{first}\" and \"{name}\" name the same member, {member.Name}");
                }
                seen |= bit;
                // null is absent: the default stays, and a required member is reported below.
                if (property.Value.ValueKind == JsonValueKind.Null) continue;
                _path.Add((member.Name, -1));
                var value = Value(property.Value, member);
                _path.RemoveAt(_path.Count - 1);
                present |= bit;
                if (values is null) member.Set(item!, value);
                else values[member.Index] = value;
            }
            foreach (var member in shape.Members)
            {
                if (!member.Required || (present & 1UL << member.Index) != 0) continue;
                _path.Add((member.Name, -1));
                throw Error((seen & 1UL << member.Index) == 0 ? "required, but absent" : "required, but null");
            }
            foreach (var group in shape.OneOf)
                if (group.All(m => (present & 1UL << m.Index) == 0))
                    throw Error($"one of {string.Join(", ", group.Select(m => m.Name))} is required, and none is given");
            return item ?? shape.Create(values!);
        }

        /// <summary>The member a property names: first the one that followed the previous member last time, by its bytes.</summary>
        private RecordMember? Find(JsonProperty property, RecordShape shape, int previous)
        {
            var guess = shape.Members[shape.NextGuess[previous]];
            bool guessed;
            try { guessed = property.NameEquals(guess.Utf8Name); }
            catch (InvalidOperationException) { guessed = false; } // a broken \u escape, named just below
            if (guessed) return guess;
            return shape.TryGetMember(NameOf(property, file, Path()), out var member) ? member : null;
        }

        private string FirstSpelling(JsonElement element, RecordShape shape, RecordMember member) =>
            element.EnumerateObject().Select(p => NameOf(p, file, Path())).First(n => shape.TryGetMember(n, out var m) && m == member);

        private object Value(JsonElement e, RecordMember member) => member.Kind switch
        {
            MemberKind.List => List(e, member),
            _ => Scalar(e, member.Kind, member.RecordType),
        };

        private object Scalar(JsonElement e, MemberKind kind, Type recordType)
        {
            switch (kind)
            {
                case MemberKind.String:
                    if (e.ValueKind != JsonValueKind.String) throw Error($"expected a string, found {Describe(e)}");
                    return StringOf(e, file, Path());
                case MemberKind.Boolean:
                    if (e.ValueKind is not (JsonValueKind.True or JsonValueKind.False)) throw Error($"expected true or false, found {Describe(e)}");
                    return e.GetBoolean();
                case MemberKind.Int32:
                    return Integer(e, int.MinValue, int.MaxValue, out long i) ? (int)i : throw Error($"expected a whole number from {int.MinValue} to {int.MaxValue}, found {Describe(e)}");
                case MemberKind.Int64:
                    return Integer(e, long.MinValue, long.MaxValue, out long l) ? l : throw Error($"expected a whole number from {long.MinValue} to {long.MaxValue}, found {Describe(e)}");
                default:
                    return Record(e, RecordShape.Of(recordType));
            }
        }

        /// <summary>A JSON integer, or a string holding one (some tools quote numbers).</summary>
        private static bool Integer(JsonElement e, long min, long max, out long value)
        {
            value = 0;
            bool parsed = e.ValueKind switch
            {
                JsonValueKind.Number => e.TryGetInt64(out value),
                JsonValueKind.String => long.TryParse(e.GetRawText().AsSpan()[1..^1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value),
                _ => false,
            };
            return parsed && value >= min && value <= max;
        }

        private Array List(JsonElement e, RecordMember member)
        {
            if (e.ValueKind != JsonValueKind.Array) throw Error($"expected an array, found {Describe(e)}");
            var items = member.NewList!(e.GetArrayLength());
            int i = 0;
            foreach (var item in e.EnumerateArray())
            {
                _path.Add((null, i));
                if (item.ValueKind == JsonValueKind.Null) throw Error("a list item is null");
                member.SetItem!(items, i++, Scalar(item, member.ItemKind, member.ItemType!));
                _path.RemoveAt(_path.Count - 1);
            }
            return items;
        }

        private SnapshotFormatException Error(string problem) => new($"{file}: {Path()}", problem);

        private string Path() => basePath + string.Concat(_path.Select(p => p.Name is null ? $"[{p.Index}]" : $".{p.Name}"));

        private string UnknownPath() => unknownBase + string.Concat(_path.Select(p => p.Name is null ? "[]" : $".{p.Name}"));

        private static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            JsonValueKind.Null => "null",
            _ => Shorten(e.GetRawText()),
        };

        private static string Shorten(string raw) => raw.Length <= 40 ? raw : raw[..37] + "...";
    }
}
