using System.Collections;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

// The root namespace: every engine folder's output types use it without an import.
namespace VpcSecTools;

/// <summary>
/// A read-only list on an output type. It enumerates like any list (pipelines, views, ConvertTo-Json write its
/// items), and its text is its items joined, so Export-Csv and string conversion write <c>sg-1, sg-2</c> rather
/// than the list's type name.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>
{
    private readonly T[] _items;

    internal ValueList(T[] items) => _items = items;

    public static ValueList<T> Empty { get; } = new([]);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _items);

    /// <summary>Takes the array as it is (not a copy): the engine builds it for this list alone.</summary>
    public static implicit operator ValueList<T>(T[] items) => items.Length == 0 ? Empty : new(items);

    public static implicit operator ValueList<T>(List<T> items) => ValueList.Create<T>(CollectionsMarshal.AsSpan(items));
}

/// <summary>Builds <see cref="ValueList{T}"/>s: collection expressions, and <c>ToValueList()</c> for any sequence.</summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => items.IsEmpty ? ValueList<T>.Empty : new(items.ToArray());

    public static ValueList<T> ToValueList<T>(this IEnumerable<T> items) => items as ValueList<T> ?? items.ToArray();
}
