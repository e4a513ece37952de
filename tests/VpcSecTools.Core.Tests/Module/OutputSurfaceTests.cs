using System.Collections;
using System.Reflection;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// What scripts see of every output type, and of the types its properties lead to: addresses and CIDRs as text (the
/// engine's IP and CIDR structs serialise as their fields), lists whose text is their items (Export-Csv writes a
/// property's ToString()). The snapshot model behind SnapshotIndex is the EC2 API's shapes, not an output, and is left out.
/// </summary>
public sealed class OutputSurfaceTests
{
    private static readonly Type[] EngineStructs = [typeof(VpcSecTools.Net.IpAddress), typeof(VpcSecTools.Net.Cidr)];

    /// <summary>
    /// The properties of the output types and of what they lead to; with <paramref name="rowsOnly"/>, only of the
    /// types that become rows (outputs, and the items of their lists: <c>$plan.Recommendations | Export-Csv</c>).
    /// </summary>
    private static IEnumerable<(Type Owner, PropertyInfo Property)> Surface(bool rowsOnly = false)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(ModuleSurface.OutputTypes.Where(t => t != typeof(SnapshotIndex)));
        while (queue.TryDequeue(out var type))
        {
            if (!seen.Add(type)) continue;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                yield return (type, property);
                var isList = property.PropertyType.IsGenericType && typeof(IEnumerable).IsAssignableFrom(property.PropertyType);
                if (rowsOnly && !isList) continue;
                var next = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments() : [property.PropertyType];
                foreach (var t in next)
                    if (t.Assembly == ModuleSurface.CoreAssembly && !t.IsEnum && !t.IsValueType) queue.Enqueue(t);
            }
        }
    }

    [Fact]
    public void No_output_property_is_an_engine_address_or_cidr_struct()
    {
        foreach (var (owner, property) in Surface())
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            Assert.False(EngineStructs.Contains(type), $"{owner.Name}.{property.Name} is a {type.Name}: give scripts the text (a string property), keep the struct internal");
        }
    }

    [Fact]
    public void Every_list_on_an_output_type_reads_as_its_items()
    {
        foreach (var (owner, property) in Surface(rowsOnly: true))
        {
            var type = property.PropertyType;
            if (type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type) || typeof(IDictionary).IsAssignableFrom(type)
                || type.GetInterfaces().Append(type).Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>)))
                continue;
            // A computed view of another list (ExposureSummary.Exposed) is not exported on its own.
            if (!property.CanWrite) continue;
            Assert.True(type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueList<>),
                $"{owner.Name}.{property.Name} is a {type.Name}: make it a ValueList<> so Export-Csv writes its items, not its type name");
        }
    }

    [Fact]
    public void A_value_list_writes_its_items_and_enumerates_them()
    {
        ValueList<string> groups = ["sg-1", "sg-2"];
        Assert.Equal("sg-1, sg-2", groups.ToString());
        Assert.Equal(["sg-1", "sg-2"], groups);
        Assert.Same(ValueList<string>.Empty, (ValueList<string>)Array.Empty<string>());
        Assert.Equal("[\"sg-1\",\"sg-2\"]", System.Text.Json.JsonSerializer.Serialize(groups));
    }
}
