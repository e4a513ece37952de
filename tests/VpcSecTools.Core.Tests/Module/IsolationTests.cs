using System.Reflection;
using VpcSecTools.Loader;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// AWSSDK types never cross the module's boundary: the module loads AWSSDK.* in its own load context, so an
/// AWSSDK type handed to PowerShell would be a different type from the AWS.Tools one of the same name. The
/// cmdlet assembly exposes none at all; Core exposes none through properties, fields or return values (what a
/// user can reach from an output object), though an engine constructor may take an AWS client.
/// </summary>
public sealed class IsolationTests
{
    private static bool IsAwsSdk(Type type) =>
        type.Assembly.GetName().Name!.StartsWith("AWSSDK", StringComparison.OrdinalIgnoreCase)
        || (type.HasElementType && IsAwsSdk(type.GetElementType()!))
        || (type.IsGenericType && !type.IsGenericTypeDefinition && type.GetGenericArguments().Any(IsAwsSdk));

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Public types whose public surface mentions an AWSSDK type, with where.</summary>
    internal static IEnumerable<string> Exposures(Assembly assembly, bool includeParameters)
    {
        foreach (var type in assembly.GetExportedTypes())
        {
            var mentioned = new List<(string Where, Type Type)>();
            if (type.BaseType is { } baseType) mentioned.Add(("base type", baseType));
            mentioned.AddRange(type.GetInterfaces().Select(i => ("interface", i)));
            mentioned.AddRange(type.GetProperties(Declared).Select(p => ($"property {p.Name}", p.PropertyType)));
            mentioned.AddRange(type.GetFields(Declared).Select(f => ($"field {f.Name}", f.FieldType)));
            mentioned.AddRange(type.GetMethods(Declared).Where(m => !m.IsSpecialName).Select(m => ($"method {m.Name}", m.ReturnType)));
            if (includeParameters)
                mentioned.AddRange(type.GetConstructors().Cast<MethodBase>().Concat(type.GetMethods(Declared))
                    .SelectMany(m => m.GetParameters().Select(p => ($"{m.Name}({p.Name})", p.ParameterType))));
            foreach (var (where, mentionedType) in mentioned.Where(m => IsAwsSdk(m.Type)))
                yield return $"{type.FullName} {where}: {mentionedType.FullName}";
        }
    }

    [Fact]
    public void The_cmdlet_assembly_exposes_no_AWSSDK_type() =>
        Assert.Empty(Exposures(ModuleSurface.CmdletAssembly, includeParameters: true));

    [Fact]
    public void Core_hands_out_no_AWSSDK_type() =>
        Assert.Empty(Exposures(ModuleSurface.CoreAssembly, includeParameters: false));

    [Fact]
    public void The_check_sees_an_AWSSDK_type_when_there_is_one()
    {
        var awsCore = AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => a.GetName().Name == "AWSSDK.Core");
        // Before Core references AWSSDK there is nothing to find; the generic check is still exercised.
        Assert.False(IsAwsSdk(typeof(List<string>)));
        if (awsCore is null) return;
        var sdkType = awsCore.GetExportedTypes().First();
        Assert.True(IsAwsSdk(sdkType));
        Assert.True(IsAwsSdk(typeof(List<>).MakeGenericType(sdkType)));
        Assert.True(IsAwsSdk(sdkType.MakeArrayType()));
    }

    [Fact]
    public void The_loader_depends_on_the_runtime_only()
    {
        var references = typeof(ModuleLoadContext).Assembly.GetReferencedAssemblies().Select(r => r.Name!);
        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal) || name == "netstandard",
            $"VpcSecTools.Loader references {name}; it loads into the shared context and must stay dependency-free"));
    }
}
