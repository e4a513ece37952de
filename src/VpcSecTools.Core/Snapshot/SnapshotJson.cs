using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VpcSecTools.Snapshot;

/// <summary>How snapshot records map to and from JSON: the AWS CLI's names, nulls omitted.</summary>
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

    /// <summary>Parses a whole document; invalid JSON names file, line and column.</summary>
    public static JsonDocument Parse(byte[] utf8, string file)
    {
        try
        {
            return JsonDocument.Parse(utf8, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            long line = (e.LineNumber ?? 0) + 1, column = (e.BytePositionInLine ?? 0) + 1;
            throw new SnapshotFormatException($"{file}:{line}:{column}", $"invalid JSON: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>Reads one item of a section; a wrong shape names the JSON path.</summary>
    public static object ReadItem(JsonElement element, Type type, string file, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw new SnapshotFormatException($"{file}: {path}", $"expected an object, found {element.ValueKind}");
        try
        {
            return element.Deserialize(type, Options) ?? throw new JsonException("null item");
        }
        catch (JsonException e)
        {
            string inner = (e.Path ?? "$").TrimStart('$');
            throw new SnapshotFormatException($"{file}: {path}{inner}", $"wrong shape: {FirstSentence(e.Message)}", e);
        }
    }

    /// <summary>
    /// Collects members the model does not read (e.g. <c>Reservations[].Instances[].Monitoring</c>), so a
    /// verbose note can say what was ignored. Unknown members are never an error: AWS adds fields.
    /// </summary>
    public static void CollectUnknownMembers(JsonElement element, Type type, string path, ISet<string> unknown)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            var itemType = ItemTypeOf(type);
            if (itemType is null) return;
            foreach (var item in element.EnumerateArray()) CollectUnknownMembers(item, itemType, path + "[]", unknown);
            return;
        }
        if (element.ValueKind != JsonValueKind.Object || !IsRecord(type)) return;
        var members = MembersOf(type);
        foreach (var property in element.EnumerateObject())
        {
            if (members.TryGetValue(property.Name, out var memberType))
                CollectUnknownMembers(property.Value, memberType, $"{path}.{property.Name}", unknown);
            else
                unknown.Add($"{path}.{property.Name}");
        }
    }

    private static readonly Dictionary<Type, Dictionary<string, Type>> MemberCache = [];

    private static Dictionary<string, Type> MembersOf(Type type)
    {
        lock (MemberCache)
        {
            if (!MemberCache.TryGetValue(type, out var members))
            {
                members = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                    .Where(p => p.CanWrite)
                    .ToDictionary(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, p => p.PropertyType, StringComparer.Ordinal);
                MemberCache[type] = members;
            }
            return members;
        }
    }

    private static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && type.Namespace == typeof(Vpc).Namespace;

    private static Type? ItemTypeOf(Type type)
    {
        if (type == typeof(string)) return null;
        if (type.IsArray) return type.GetElementType();
        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)) return type.GetGenericArguments()[0];
        return null;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        if (cut < 0) cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).Trim().TrimEnd('.', '|', ' ');
    }
}
