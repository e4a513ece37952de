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
    private readonly Func<object>? _new;

    private RecordShape(Type type)
    {
        Type = type;
        var nullability = new NullabilityInfoContext();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).ToArray();
        Members = properties.Select((p, i) => new RecordMember(p, i, nullability.Create(p).WriteState == NullabilityState.Nullable)).ToArray();
        // The reader tracks members in a 64-bit mask.
        if (Members.Length > 64) throw new InvalidOperationException($"{type.Name} has more than 64 members");
        NextGuess = new int[Members.Length + 1];
        _byName = new Dictionary<string, RecordMember>(StringComparer.OrdinalIgnoreCase);
        foreach (var m in Members)
            if (!_byName.TryAdd(m.Name, m)) throw new InvalidOperationException($"{type.Name}: members {m.Name} and {_byName[m.Name].Name} differ only in case");
        // Positional records (MissingSection) are built by their constructor, whose parameters are the members.
        if (type.GetConstructor(Type.EmptyTypes) is null)
            _positional = type.GetConstructors().Single();
        else
            _new = (Func<object>)typeof(RecordShape).GetMethod(nameof(Factory), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(type).Invoke(null, null)!;
        OneOf = type.GetCustomAttributes<RequiresOneOfAttribute>().Select(a => a.Members.Select(n => _byName[n]).ToArray()).ToArray();
    }

    public static RecordShape Of(Type type) => Cache.GetOrAdd(type, static t => new RecordShape(t));

    public Type Type { get; }
    public RecordMember[] Members { get; }
    /// <summary>Groups of members of which at least one must be present.</summary>
    public RecordMember[][] OneOf { get; }

    /// <summary>The member named <paramref name="name"/>, matched without regard to case (hand-edited files vary).</summary>
    public bool TryGetMember(string name, out RecordMember member) => _byName.TryGetValue(name, out member!);

    /// <summary>
    /// The member that followed each one (by index; the last slot is the first member) in the last object read.
    /// AWS output lists members in one order, so the next name is usually found by comparing its UTF-8 bytes, without
    /// making a string of it. A guess, shared by any thread: a wrong one only costs the lookup by name.
    /// </summary>
    public int[] NextGuess { get; }

    /// <summary>Whether the record is built from its constructor (collect values first) or by setting members on a new one.</summary>
    public bool IsPositional => _positional is not null;

    public object New() => _new!();

    /// <summary>Builds a positional record from the values read.</summary>
    public object Create(object?[] values) =>
        _positional!.Invoke(_positional.GetParameters().Select(p => values[_byName[p.Name!].Index]).ToArray());

    private static Func<object> Factory<T>() where T : new() => static () => new T();
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
        Utf8Name = System.Text.Encoding.UTF8.GetBytes(Name);
        Set = (Action<object, object>)Typed(nameof(Setter), property.DeclaringType!, property.PropertyType).Invoke(null, [property.SetMethod!])!;
        if (itemType is not null)
        {
            NewList = (Func<int, Array>)Typed(nameof(ListMaker), itemType).Invoke(null, null)!;
            SetItem = (Action<Array, int, object>)Typed(nameof(ItemSetter), itemType).Invoke(null, null)!;
        }
    }

    public byte[] Utf8Name { get; }
    /// <summary>Sets the member on a record being built (a direct call through a typed delegate, not reflection).</summary>
    public Action<object, object> Set { get; }
    public Func<int, Array>? NewList { get; }
    public Action<Array, int, object>? SetItem { get; }

    private static MethodInfo Typed(string name, params Type[] types) =>
        typeof(RecordMember).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(types);

    private static Action<object, object> Setter<TRecord, TValue>(MethodInfo set)
    {
        var typed = set.CreateDelegate<Action<TRecord, TValue>>();
        return (record, value) => typed((TRecord)record, (TValue)value);
    }

    private static Func<int, Array> ListMaker<T>() => static n => new T[n];

    private static Action<Array, int, object> ItemSetter<T>() => static (list, i, value) => ((T[])list)[i] = (T)value;

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
