using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json.Serialization;

namespace VpcSecTools.Snapshot;

/// <summary>
/// A model record as the snapshot JSON sees it, read from its declaration: a member declared non-nullable
/// (<c>string IpProtocol</c>, <c>int RuleNumber</c>) is required; a nullable one may be absent; a list
/// absent or null is empty (a nullable list stays null). <see cref="RequiresOneOfAttribute"/> adds "one of
/// these" requirements. The model is the schema: there is no second list of required fields to keep in step.
/// </summary>
internal sealed class RecordShape
{
    private static readonly ConcurrentDictionary<Type, RecordShape> Cache = new();
    private readonly Dictionary<string, RecordMember> _byName;
    private readonly ConstructorInfo? _positional;

    private RecordShape(Type type)
    {
        Type = type;
        var nullability = new NullabilityInfoContext();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();
        Members = properties.Select((p, i) => new RecordMember(p, i, nullability.Create(p).WriteState == NullabilityState.Nullable)).ToArray();
        _byName = new Dictionary<string, RecordMember>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in Members)
            if (!_byName.TryAdd(m.Name, m)) throw new InvalidOperationException($"{type.Name}: members {m.Name} and {_byName[m.Name].Name} differ only in case");
        // Positional records (MissingSection) are built by their constructor, whose parameters are the members.
        if (type.GetConstructor(Type.EmptyTypes) is null)
            _positional = type.GetConstructors().Single();
        OneOf = type.GetCustomAttributes<RequiresOneOfAttribute>().Select(a => a.Members.Select(n => _byName[n]).ToArray()).ToArray();
    }

    public static RecordShape Of(Type type) => Cache.GetOrAdd(type, static t => new RecordShape(t));

    public Type Type { get; }
    public RecordMember[] Members { get; }
    /// <summary>Groups of members of which at least one must be present.</summary>
    public RecordMember[][] OneOf { get; }

    /// <summary>The member named <paramref name="name"/>, matched without regard to case (hand-edited files vary).</summary>
    public bool TryGetMember(string name, out RecordMember member) => _byName.TryGetValue(name, out member!);

    /// <summary>Builds the record from the values read (null where a member was absent: its default stays).</summary>
    public object Create(object?[] values)
    {
        if (_positional is not null)
            return _positional.Invoke(_positional.GetParameters().Select(p => values[_byName[p.Name!].Index]).ToArray());
        var item = Activator.CreateInstance(Type)!;
        foreach (var m in Members)
            if (values[m.Index] is { } value) m.Property.SetValue(item, value);
        return item;
    }
}

/// <summary>What kind of JSON value a member holds.</summary>
internal enum MemberKind { String, Int32, Int64, Boolean, Record, List }

/// <summary>One member of a <see cref="RecordShape"/>.</summary>
internal sealed class RecordMember
{
    public RecordMember(PropertyInfo property, int index, bool nullable)
    {
        Property = property;
        Index = index;
        Name = property.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? property.Name;
        Kind = KindOf(property.PropertyType, out var itemType);
        ItemType = itemType;
        if (itemType is not null) ItemKind = KindOf(itemType, out _);
        Nullable = nullable;
        // Lists default to empty; every other non-nullable member must be in the input.
        Required = !nullable && Kind != MemberKind.List;
    }

    public PropertyInfo Property { get; }
    public int Index { get; }
    public string Name { get; }
    public MemberKind Kind { get; }
    public Type? ItemType { get; }
    public MemberKind ItemKind { get; }
    public bool Nullable { get; }
    public bool Required { get; }

    /// <summary>The type a record member reads as (the element type for lists).</summary>
    public Type RecordType => ItemType ?? System.Nullable.GetUnderlyingType(Property.PropertyType) ?? Property.PropertyType;

    private static MemberKind KindOf(Type type, out Type? itemType)
    {
        itemType = null;
        var t = System.Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(string)) return MemberKind.String;
        if (t == typeof(int)) return MemberKind.Int32;
        if (t == typeof(long)) return MemberKind.Int64;
        if (t == typeof(bool)) return MemberKind.Boolean;
        if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            itemType = t.GetGenericArguments()[0];
            return MemberKind.List;
        }
        if (t.IsClass && t.Namespace == typeof(RecordShape).Namespace) return MemberKind.Record;
        throw new InvalidOperationException($"snapshot model member of type {type} is not supported by the reader");
    }
}

/// <summary>At least one of these members must be present (a NACL entry's IPv4 or IPv6 CIDR, a route's destination).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class RequiresOneOfAttribute(params string[] members) : Attribute
{
    public IReadOnlyList<string> Members { get; } = members;
}
