using System.Collections.ObjectModel;
using System.Reflection;

namespace VpcSecTools.HelpCompiler;

/// <summary>Reads attribute arguments from metadata without constructing the attribute.</summary>
public static class AttributeData
{
    /// <summary>The first <typeparamref name="T"/> applied to <paramref name="member"/>, or null.</summary>
    public static CustomAttributeData? Find<T>(MemberInfo member) where T : Attribute =>
        All<T>(member).FirstOrDefault();

    /// <summary>Every <typeparamref name="T"/> applied to <paramref name="member"/> (inherited ones included for types).</summary>
    public static IReadOnlyList<CustomAttributeData> All<T>(MemberInfo member) where T : Attribute
    {
        var own = member.GetCustomAttributesData().Where(a => a.AttributeType == typeof(T));
        if (member is Type { BaseType: { } baseType } && IsInherited<T>())
            own = own.Concat(All<T>(baseType));
        return own.ToArray();
    }

    /// <summary>A named argument (Mandatory = true), or <paramref name="fallback"/> when not given.</summary>
    public static T Named<T>(CustomAttributeData attribute, string name, T fallback)
    {
        foreach (var argument in attribute.NamedArguments)
            if (argument.MemberName == name) return (T)argument.TypedValue.Value!;
        return fallback;
    }

    /// <summary>The strings of a <c>params string[]</c> constructor ([Alias("a", "b")]).</summary>
    public static IEnumerable<string> StringArguments(CustomAttributeData attribute) =>
        Flatten(attribute).OfType<string>();

    /// <summary>The types of a <c>params Type[]</c> constructor ([OutputType(typeof(X))]).</summary>
    public static IEnumerable<Type> TypeArguments(CustomAttributeData attribute) =>
        Flatten(attribute).OfType<Type>();

    private static IEnumerable<object?> Flatten(CustomAttributeData attribute) =>
        attribute.ConstructorArguments.SelectMany(a => a.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items
            ? items.Select(i => i.Value)
            : [a.Value]);

    private static bool IsInherited<T>() =>
        typeof(T).GetCustomAttribute<AttributeUsageAttribute>()?.Inherited ?? true;
}
