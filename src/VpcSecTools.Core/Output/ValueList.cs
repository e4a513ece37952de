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
/// <remarks>
/// Also a read-only <see cref="IList"/>: PowerShell converts a list, but not a bare sequence, to an array where a
/// script or Pester expects one (<c>$a.SecurityGroups | Should -Be $b.SecurityGroups</c>).
/// </remarks>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IList
{
    private readonly T[] _items;

    internal ValueList(T[] items) => _items = items;

    public static ValueList<T> Empty { get; } = new([]);

    public T this[int index] => _items[index];

    public int Count => _items.Length;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(", ", _items);

    bool IList.IsReadOnly => true;
    bool IList.IsFixedSize => true;
    bool ICollection.IsSynchronized => false;
    object ICollection.SyncRoot => _items;
    object? IList.this[int index] { get => _items[index]; set => throw ReadOnly(); }
    bool IList.Contains(object? value) => ((IList)_items).Contains(value);
    int IList.IndexOf(object? value) => ((IList)_items).IndexOf(value);
    void ICollection.CopyTo(Array array, int index) => _items.CopyTo(array, index);
    int IList.Add(object? value) => throw ReadOnly();
    void IList.Clear() => throw ReadOnly();
    void IList.Insert(int index, object? value) => throw ReadOnly();
    void IList.Remove(object? value) => throw ReadOnly();
    void IList.RemoveAt(int index) => throw ReadOnly();

    private static NotSupportedException ReadOnly() => new("the list is read-only");

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
