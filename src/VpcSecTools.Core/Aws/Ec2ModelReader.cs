using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text.Json.Nodes;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws;

/// <summary>
/// Reads EC2 model objects (<c>Amazon.EC2.Model.*</c> of AWSSDK.EC2 4, as AWS.Tools 5 carries it, or 3, as AWS.Tools 4
/// does) into the snapshot's sections as the AWS CLI prints them, by property name: the snapshot's records say which
/// members to read, and each is looked up on the object under the CLI's name or the one the .NET SDK gave it. No SDK
/// type is referenced, so objects from any load context read the same (AWS.Tools loads its own AWSSDK, which is
/// another type from ours even at the same version). Live capture reads the SDK's responses through it and
/// <c>ConvertTo-VpcSnapshot</c> reads piped Get-EC2* output through it; both end in the loaders' reader
/// (<see cref="InventoryBuilder.AddDocument"/>), which validates what it is given.
/// </summary>
public static class Ec2ModelReader
{
    /// <summary>
    /// Members the .NET SDK names differently from the CLI: CLI name, then the SDK's names in the order they are tried.
    /// <c>IpPermission.IpRanges</c> is <c>Ipv4Ranges</c> in SDK 4; SDK 3 has both, <c>IpRanges</c> as bare CIDR strings.
    /// </summary>
    private static readonly Dictionary<(Type Record, string Member), string[]> SdkNames = new()
    {
        [(typeof(IpPermission), nameof(IpPermission.IpRanges))] = ["Ipv4Ranges", nameof(IpPermission.IpRanges)],
        [(typeof(PrefixListReference), nameof(PrefixListReference.PrefixListId))] = [nameof(PrefixListReference.PrefixListId), "Id"],
        [(typeof(CidrBlockEntry), nameof(CidrBlockEntry.CidrBlock))] = [nameof(CidrBlockEntry.CidrBlock), "Cidr"],
        [(typeof(Ipv6CidrBlockEntry), nameof(Ipv6CidrBlockEntry.Ipv6CidrBlock))] = [nameof(Ipv6CidrBlockEntry.Ipv6CidrBlock), "Value"],
    };

    /// <summary>Records a bare string stands for (SDK 3's <c>IpRanges</c> items), and the member it fills.</summary>
    private static readonly Dictionary<Type, string> StringForms = new() { [typeof(IpRange)] = nameof(IpRange.CidrIp) };

    /// <summary>
    /// The section an object is an item of, by its type's name: the snapshot's records are named as the SDK's classes
    /// (<c>SecurityGroup</c>, <c>NetworkInterface</c>...), plus <c>Instance</c> (kept as a reservation of its own) and
    /// <c>PrefixList</c> (describe-prefix-lists). Per-parent sections (a route table's routes, a prefix list's entries)
    /// have no item type in the SDK, whose items do not name their parent: they come as documents keyed by section.
    /// </summary>
    private static readonly Dictionary<string, Section> ItemTypes = Section.All
        .GroupBy(s => s.ItemType.Name).Where(g => g.Count() == 1)
        .ToDictionary(g => g.Key, g => g.Single(), StringComparer.Ordinal);

    /// <summary>Names the sections as the CLI keys them, whatever case a hashtable used.</summary>
    private static readonly Dictionary<string, Section> Keys = Section.All.ToDictionary(s => s.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <paramref name="value"/> as a describe output: an item of a section (<c>Amazon.EC2.Model.Vpc</c>, ...) becomes
    /// <c>{"Vpcs": [item]}</c>; a response (<c>DescribeVpcsResponse</c>) or a dictionary whose keys are section names
    /// gives each of those sections, an absent or null list counting as captured with none.
    /// </summary>
    /// <param name="value">The object to read.</param>
    /// <param name="place">Where it came from, for errors (<c>input object 3 (Amazon.EC2.Model.Vpc)</c>).</param>
    /// <exception cref="SnapshotFormatException">It is none of these, or a member does not fit its type; the message names the member's path.</exception>
    public static JsonObject ToDocument(object value, string place)
    {
        if (ItemSectionOf(value) is { } section)
            return ToDocument(section, [value.GetType().Name == "Instance" ? new Dictionary<string, object?> { ["Instances"] = new[] { value } } : value], place);
        var document = new JsonObject();
        foreach (var (name, list) in Members(value))
        {
            if (!Keys.TryGetValue(name, out var keyed)) continue;
            if (document.ContainsKey(keyed.Key))
                throw new SnapshotFormatException(place, $"the section {keyed.Key} appears twice");
            document[keyed.Key] = Read(list, typeof(IReadOnlyList<>).MakeGenericType(keyed.ItemType), place, "$." + keyed.Key) ?? new JsonArray();
        }
        if (document.Count == 0)
            throw new SnapshotFormatException(place, $"a {value.GetType().FullName} is not EC2 network configuration: expected the output of Get-EC2Vpc, " +
                "Get-EC2Subnet, Get-EC2SecurityGroup, Get-EC2NetworkInterface, Get-EC2RouteTable... (Amazon.EC2.Model objects), a Describe*Response, " +
                "or a dictionary keyed by snapshot section (Vpcs, SecurityGroups...)");
        return document;
    }

    /// <summary>Items of a known section (SDK model objects, or dictionaries in the CLI's shape) as a describe output.</summary>
    /// <exception cref="SnapshotFormatException">A member does not fit its type; the message names the member's path.</exception>
    public static JsonObject ToDocument(Section section, IEnumerable<object> items, string place)
    {
        var array = new JsonArray();
        int i = 0;
        foreach (var item in items) array.Add(Record(item, section.ItemType, place, $"$.{section.Key}[{i++}]"));
        return new JsonObject { [section.Key] = array };
    }

    /// <summary>
    /// The sections <paramref name="value"/> gives: the one it is an item of (by its type name), or those a response or
    /// dictionary names; empty when it is none of these. Reads names only, so it answers for an object that cannot be read.
    /// </summary>
    public static IReadOnlyList<Section> SectionsOf(object value) =>
        ItemSectionOf(value) is { } section ? [section]
            : Members(value).Select(m => Keys.GetValueOrDefault(m.Name)).OfType<Section>().Distinct().ToArray();

    private static Section? ItemSectionOf(object item)
    {
        var name = item.GetType().Name;
        if (name == "Instance") return Find(Section.Reservations);
        if (name == "PrefixList") return Find(Section.PrefixLists);
        return ItemTypes.GetValueOrDefault(name);
    }

    private static Section Find(string key) => Keys[key];

    /// <summary>A record: every member the snapshot's record declares, read from the object by name.</summary>
    private static JsonObject Record(object source, Type record, string place, string path)
    {
        if (source is string text && StringForms.TryGetValue(record, out var member))
            return new JsonObject { [member] = text };
        if (source is string or IEnumerable and not IDictionary || IsScalar(source))
            throw new SnapshotFormatException($"{place}: {path}", $"expected an object ({record.Name}), found {Describe(source)}");
        var json = new JsonObject();
        foreach (var property in PropertiesOf(record))
        {
            var names = SdkNames.GetValueOrDefault((record, property.Name)) ?? [property.Name];
            if (!TryMember(source, names, out var value) || value is null) continue;
            if (Read(value, property.PropertyType, place, $"{path}.{property.Name}") is { } node) json[property.Name] = node;
        }
        return json;
    }

    /// <summary>A value as the member's type in the record wants it; null when it says nothing (an unset member).</summary>
    private static JsonNode? Read(object? value, Type type, string place, string path)
    {
        if (value is null) return null;
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string)) return Text(value, place, path);
        if (type == typeof(bool))
            return value switch
            {
                bool b => JsonValue.Create(b),
                string s when bool.TryParse(s, out var b) => JsonValue.Create(b),
                _ => throw Mismatch(place, path, "true or false", value),
            };
        if (type == typeof(int) || type == typeof(long))
            return Integer(value) is { } n ? JsonValue.Create(n) : throw Mismatch(place, path, "an integer", value);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            if (value is string or IDictionary || value is not IEnumerable items) throw Mismatch(place, path, "a list", value);
            var item = type.GetGenericArguments()[0];
            var array = new JsonArray();
            int i = 0;
            foreach (var element in items)
            {
                var at = $"{path}[{i++}]";
                // A null item stays null: the loader names it (skipping it could drop a rule).
                array.Add(element is null ? null : item == typeof(string) ? Text(element, place, at) : Record(element, item, place, at));
            }
            return array;
        }
        return Record(value, type, place, path);
    }

    /// <summary>Text as the CLI prints it: SDK enumerations (<c>ConstantClass</c>) by value, timestamps as botocore does.</summary>
    private static JsonValue Text(object value, string place, string path) => value switch
    {
        string s => JsonValue.Create(s),
        DateTime t => JsonValue.Create(CliTimestamp(t.Kind == DateTimeKind.Unspecified ? new DateTimeOffset(t, TimeSpan.Zero) : new DateTimeOffset(t.ToUniversalTime()))),
        DateTimeOffset t => JsonValue.Create(CliTimestamp(t)),
        Enum e => JsonValue.Create(e.ToString()),
        _ when Integer(value) is { } n => JsonValue.Create(n.ToString(CultureInfo.InvariantCulture)),
        _ when ConstantValue(value.GetType()) is { } constant => JsonValue.Create((string?)constant.GetValue(value) ?? ""),
        _ => throw Mismatch(place, path, "text", value),
    };

    /// <summary>
    /// A timestamp as the AWS CLI prints it (botocore's datetime in UTC: <c>2019-11-28 18:49:58+00:00</c>, with
    /// microseconds only when there are any), so live capture and saved describe outputs agree.
    /// </summary>
    public static string CliTimestamp(DateTimeOffset t)
    {
        t = t.ToUniversalTime();
        var micros = t.Ticks % TimeSpan.TicksPerSecond / 10;
        var text = t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? text + "+00:00" : $"{text}.{micros:D6}+00:00";
    }

    private static long? Integer(object value) => value switch
    {
        int i => i, long l => l, short s => s, byte b => b, sbyte sb => sb, ushort us => us, uint ui => ui,
        ulong ul when ul <= long.MaxValue => (long)ul,
        decimal d when d == decimal.Truncate(d) && d >= long.MinValue && d <= long.MaxValue => (long)d,
        double d when d == Math.Truncate(d) && Math.Abs(d) < 9e15 => (long)d,
        string s when long.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static bool IsScalar(object value) => value.GetType().IsPrimitive || value is decimal or DateTime or DateTimeOffset or Enum;

    private static SnapshotFormatException Mismatch(string place, string path, string expected, object found) =>
        new($"{place}: {path}", $"expected {expected}, found {Describe(found)}");

    private static string Describe(object value) => value switch
    {
        string s => $"\"{s}\"",
        _ when IsScalar(value) => $"{value.GetType().Name} {Convert.ToString(value, CultureInfo.InvariantCulture)}",
        _ => value.GetType().FullName ?? value.GetType().Name,
    };

    /// <summary>The first of <paramref name="names"/> that the object has and has set (an empty list counts as unset when another name follows).</summary>
    private static bool TryMember(object source, string[] names, out object? value)
    {
        value = null;
        bool found = false;
        foreach (var name in names)
        {
            if (!TryMember(source, name, out var candidate) || candidate is null) continue;
            if (!found) { value = candidate; found = true; }
            if (candidate is not ICollection { Count: 0 }) { value = candidate; return true; }
        }
        return found;
    }

    /// <summary>
    /// One member by name: a dictionary's key (any case), or a public property. The SDK's own <c>IsSet…()</c> says
    /// whether a member was set at all; SDK 3 has no nullable value types, so an unset port reads 0 without it.
    /// </summary>
    private static bool TryMember(object source, string name, out object? value)
    {
        value = null;
        if (source is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
                if (entry.Key is string key && key.Equals(name, StringComparison.OrdinalIgnoreCase)) { value = entry.Value; return true; }
            return false;
        }
        var member = Accessors.GetOrAdd((source.GetType(), name), static k => Accessor.Of(k.Type, k.Name));
        if (member.Property is null) return false;
        if (member.IsSet is { } isSet && isSet.Invoke(source, null) is false) return false;
        value = member.Property.GetValue(source);
        return true;
    }

    /// <summary>Every member of an object that could be a section: dictionary entries, or public properties.</summary>
    private static IEnumerable<(string Name, object? Value)> Members(object source)
    {
        if (source is IDictionary dictionary)
        {
            foreach (DictionaryEntry entry in dictionary)
                if (entry.Key is string key) yield return (key, entry.Value);
            yield break;
        }
        // A response's list the SDK left unset is an answer with none: the call was made.
        foreach (var property in source.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
            if (Keys.ContainsKey(property.Name) && property.GetIndexParameters().Length == 0)
                yield return (property.Name, TryMember(source, property.Name, out var value) ? value : null);
    }

    private sealed record Accessor(PropertyInfo? Property, MethodInfo? IsSet)
    {
        public static Accessor Of(Type type, string name)
        {
            var property = type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
            if (property is null || property.GetIndexParameters().Length > 0 || property.GetMethod is null) return new(null, null);
            var isSet = type.GetMethod("IsSet" + name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, Type.EmptyTypes);
            return new(property, isSet?.ReturnType == typeof(bool) ? isSet : null);
        }
    }

    private static readonly ConcurrentDictionary<(Type Type, string Name), Accessor> Accessors = new();
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Records = new();
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> Constants = new();

    private static PropertyInfo[] PropertiesOf(Type record) =>
        Records.GetOrAdd(record, static t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray());

    /// <summary>
    /// The <c>Value</c> of an SDK enumeration: a class derived from <c>Amazon.Runtime.ConstantClass</c>, found by name
    /// because the SDK that made it may be loaded in another context.
    /// </summary>
    private static PropertyInfo? ConstantValue(Type type) => Constants.GetOrAdd(type, static t =>
    {
        for (var b = t; b is not null; b = b.BaseType)
            if (b.FullName == "Amazon.Runtime.ConstantClass") return b.GetProperty("Value", BindingFlags.Public | BindingFlags.Instance);
        return null;
    });
}
