using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// module/VpcSecTools.Format.ps1xml gives every output type a default view, and names only what exists:
/// a PropertyName must be a property of the type; a ScriptBlock's <c>$_.A.B</c> path must resolve
/// (through collections, as PowerShell's member enumeration does).
/// </summary>
public sealed class ViewTests
{
    private static readonly XDocument Format = XDocument.Load(ModuleSurface.FormatPath);

    private static IEnumerable<XElement> Views => Format.Root!.Element("ViewDefinitions")!.Elements("View");

    private static IReadOnlyList<XElement> ViewsOf(Type type) =>
        Views.Where(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value.Trim() == type.FullName)).ToArray();

    public static TheoryData<string> OutputTypeNames()
    {
        var data = new TheoryData<string>();
        foreach (var type in ModuleSurface.OutputTypes) data.Add(type.FullName!);
        return data;
    }

    private static Type OutputType(string fullName) => ModuleSurface.OutputTypes.Single(t => t.FullName == fullName);

    [Theory]
    [MemberData(nameof(OutputTypeNames))]
    public void Every_output_type_has_a_default_table_view(string typeName)
    {
        var views = ViewsOf(OutputType(typeName));
        Assert.True(views.Count > 0, $"{typeName} has no <View> in module/VpcSecTools.Format.ps1xml");
        Assert.Contains(views, v => v.Element("TableControl") is not null || v.Element("ListControl") is not null);
    }

    [Theory]
    [MemberData(nameof(OutputTypeNames))]
    public void Every_column_names_something_the_type_has(string typeName)
    {
        var type = OutputType(typeName);
        foreach (var view in ViewsOf(type))
        {
            foreach (var property in view.Descendants("PropertyName"))
                Assert.True(Resolve(type, [property.Value.Trim()]) is not null,
                    $"view {view.Element("Name")?.Value}: {type.Name} has no property '{property.Value.Trim()}'");
            foreach (var script in view.Descendants("ScriptBlock"))
                foreach (Match path in Regex.Matches(script.Value, @"\$_((?:\.[A-Za-z_][A-Za-z0-9_]*)+)"))
                {
                    var segments = path.Groups[1].Value.Split('.', StringSplitOptions.RemoveEmptyEntries);
                    Assert.True(Resolve(type, segments) is not null,
                        $"view {view.Element("Name")?.Value}: '$_{path.Groups[1].Value}' does not resolve on {type.Name}");
                }
        }
    }

    [Fact]
    public void Tables_have_one_header_per_column_and_views_have_unique_names()
    {
        var names = Views.Select(v => v.Element("Name")!.Value).ToArray();
        Assert.Equal(names.Length, names.Distinct().Count());
        foreach (var table in Format.Descendants("TableControl"))
        {
            var headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            foreach (var row in table.Descendants("TableColumnItems"))
                Assert.Equal(headers, row.Elements("TableColumnItem").Count());
            foreach (var item in table.Descendants("TableColumnItem"))
                Assert.Single(item.Elements(), e => e.Name == "PropertyName" || e.Name == "ScriptBlock");
        }
    }

    [Fact]
    public void Every_view_selects_a_type_that_exists()
    {
        var known = ModuleSurface.CoreAssembly.GetExportedTypes().Concat(ModuleSurface.CmdletAssembly.GetExportedTypes())
            .Select(t => t.FullName).Concat(VpcSecTools.Exposure.FindingExport.DocumentTypeNames)
            .Concat([VpcSecTools.FlowLogs.FlowAttribution.RecordTypeName, VpcSecTools.FlowLogs.FlowAttribution.GroupTypeName, VpcSecTools.FlowLogs.FlowGroup.BinnedTypeName, VpcSecTools.FlowLogs.FlowAttribution.BinnedGroupTypeName,
                VpcSecTools.Exposure.FlowEvidence.FindingTypeName]).ToHashSet();
        foreach (var typeName in Views.SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName")))
            Assert.Contains(typeName.Value.Trim(), known);
    }

    [Fact]
    public void Path_resolution_follows_properties_interfaces_and_collections()
    {
        Assert.Equal(typeof(string), Resolve(typeof(SnapshotIndex), ["Snapshot", "Regions", "Region"]));
        Assert.Equal(typeof(int), Resolve(typeof(SnapshotIndex), ["Vpcs", "Count"]));
        Assert.Null(Resolve(typeof(SnapshotIndex), ["Snapshot", "NoSuchProperty"]));
    }

    /// <summary>The type a property path ends on, or null where a segment does not exist.</summary>
    internal static Type? Resolve(Type type, IReadOnlyList<string> path)
    {
        var current = type;
        foreach (var segment in path)
        {
            var property = PropertyOf(current, segment);
            if (property is null && ElementType(current) is { } element) property = PropertyOf(element, segment);
            if (property is null) return null;
            // PowerShell reads through a nullable value (Start.UtcDateTime of a DateTimeOffset?).
            current = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        }
        return current;
    }

    private static PropertyInfo? PropertyOf(Type type, string name) =>
        type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
        ?? type.GetInterfaces().Select(i => i.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase))
            .FirstOrDefault(p => p is not null);

    private static Type? ElementType(Type type) =>
        type == typeof(string) || !typeof(IEnumerable).IsAssignableFrom(type)
            ? null
            : type.GetInterfaces().Append(type)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))
                ?.GetGenericArguments()[0];
}
