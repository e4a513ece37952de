using System.Management.Automation;
using System.Reflection;

namespace VpcSecTools.HelpCompiler;

/// <summary>One parameter of a cmdlet, in one parameter set.</summary>
public sealed record ParameterSetMembership(string SetName, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

/// <summary>A cmdlet parameter as PowerShell binds it: name, type, aliases and the sets it belongs to.</summary>
public sealed record CmdletParameter(string Name, Type Type, IReadOnlyList<string> Aliases, IReadOnlyList<ParameterSetMembership> Sets)
{
    /// <summary>The type name help shows (String[], SwitchParameter, Int32).</summary>
    public string TypeName => DisplayName(Type);

    /// <summary>True for a [switch].</summary>
    public bool IsSwitch => Type == typeof(SwitchParameter);

    /// <summary>Mandatory in any set.</summary>
    public bool MandatoryAnywhere => Sets.Any(s => s.Mandatory);

    /// <summary>"True (ByPropertyName, ByValue)" / "False", in the words of Get-Help.</summary>
    public string PipelineInput
    {
        get
        {
            var kinds = new List<string>();
            if (Sets.Any(s => s.ByPropertyName)) kinds.Add("ByPropertyName");
            if (Sets.Any(s => s.ByValue)) kinds.Add("ByValue");
            return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
        }
    }

    internal static string DisplayName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return DisplayName(inner);
        if (type.IsArray) return DisplayName(type.GetElementType()!) + "[]";
        return type.Name;
    }
}

/// <summary>
/// A cmdlet's public surface read by reflection from its class: what Get-Help's SYNTAX and PARAMETERS show,
/// and what the metadata tests check. Common parameters (and -WhatIf/-Confirm) are PowerShell's, not listed.
/// </summary>
public sealed record CmdletMetadata(
    Type ImplementingType,
    string Verb,
    string Noun,
    bool SupportsShouldProcess,
    string? DefaultParameterSetName,
    IReadOnlyList<CmdletParameter> Parameters,
    IReadOnlyList<Type> OutputTypes)
{
    /// <summary>The name the user types.</summary>
    public string Name => $"{Verb}-{Noun}";

    /// <summary>Named parameter sets; one unnamed set when the cmdlet has none.</summary>
    public IReadOnlyList<string> ParameterSetNames
    {
        get
        {
            var named = Parameters.SelectMany(p => p.Sets).Select(s => s.SetName)
                .Where(n => n != ParameterAttribute.AllParameterSets).Distinct().ToArray();
            return named.Length == 0 ? [ParameterAttribute.AllParameterSets] : named;
        }
    }

    /// <summary>The parameters of one set, in the order of a syntax line: positional first by position, then mandatory, then the rest.</summary>
    public IEnumerable<(CmdletParameter Parameter, ParameterSetMembership Membership)> InSet(string setName) =>
        Parameters
            .Select(p => (Parameter: p, Membership: p.Sets.FirstOrDefault(s => s.SetName == setName)
                                                   ?? p.Sets.FirstOrDefault(s => s.SetName == ParameterAttribute.AllParameterSets)))
            .Where(x => x.Membership is not null)
            .Select(x => (x.Parameter, x.Membership!))
            .OrderBy(x => x.Item2.Position ?? int.MaxValue)
            .ThenBy(x => x.Item2.Mandatory ? 0 : 1);

    /// <summary>Every [Cmdlet] class of the assembly, by name.</summary>
    public static IReadOnlyList<CmdletMetadata> FromAssembly(Assembly assembly) =>
        assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && AttributeData.Find<CmdletAttribute>(t) is not null)
            .Select(FromType)
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();

    /// <summary>The metadata of one cmdlet class.</summary>
    /// <remarks>
    /// Attributes are read as metadata (<see cref="CustomAttributeData"/>), never instantiated: outside pwsh the
    /// System.Management.Automation at hand is PowerShellStandard's, whose attribute getters are stubs.
    /// </remarks>
    public static CmdletMetadata FromType(Type type)
    {
        var cmdlet = AttributeData.Find<CmdletAttribute>(type)
                     ?? throw new ArgumentException($"{type.FullName} has no [Cmdlet] attribute.", nameof(type));
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (Property: p, Attributes: AttributeData.All<ParameterAttribute>(p)))
            .Where(p => p.Attributes.Count > 0)
            // Base-class parameters (-Snapshot, -Region, ...) come after the cmdlet's own, as Get-Help lists them.
            .OrderBy(p => InheritanceDepth(type, p.Property.DeclaringType!))
            .ThenBy(p => p.Property.MetadataToken)
            .Select(p => new CmdletParameter(
                p.Property.Name,
                p.Property.PropertyType,
                AttributeData.All<AliasAttribute>(p.Property).SelectMany(AttributeData.StringArguments).ToArray(),
                p.Attributes.Select(a => new ParameterSetMembership(
                    AttributeData.Named(a, nameof(ParameterAttribute.ParameterSetName), ParameterAttribute.AllParameterSets),
                    AttributeData.Named(a, nameof(ParameterAttribute.Mandatory), false),
                    AttributeData.Named(a, nameof(ParameterAttribute.Position), int.MinValue) is var position && position >= 0 ? position : null,
                    AttributeData.Named(a, nameof(ParameterAttribute.ValueFromPipeline), false),
                    AttributeData.Named(a, nameof(ParameterAttribute.ValueFromPipelineByPropertyName), false))).ToArray()))
            .ToArray();
        var outputs = AttributeData.All<OutputTypeAttribute>(type)
            .SelectMany(AttributeData.TypeArguments)
            .Distinct()
            .ToArray();
        return new CmdletMetadata(type,
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            AttributeData.Named(cmdlet, nameof(CmdletAttribute.SupportsShouldProcess), false),
            AttributeData.Named<string?>(cmdlet, nameof(CmdletAttribute.DefaultParameterSetName), null),
            parameters, outputs);
    }

    private static int InheritanceDepth(Type type, Type declaring)
    {
        var depth = 0;
        for (var t = type; t is not null && t != declaring; t = t.BaseType) depth++;
        return depth;
    }
}
