using System.Reflection;
using System.Reflection.Emit;
using System.Xml.Linq;
using VpcSecTools.Commands;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// The dependency rules of ARCHITECTURE.md, pinned: only VpcSecTools.Aws references AWSSDK (Amazon.*), nothing in the
/// engine or the adapters references PowerShell, and the engine's folders depend on each other only downwards
/// (Net on nothing, Snapshot on Net, the analyses never on the AWS contracts). Dependencies are read from the compiled
/// assemblies: signatures and every type, method and field a method body names.
/// </summary>
public sealed class ArchitectureTests
{
    private static readonly Assembly Core = typeof(VpcSecTools.Snapshot.SnapshotIndex).Assembly;
    private static readonly Assembly Adapters = typeof(VpcSecTools.Aws.AwsSdkConnector).Assembly;

    /// <summary>The assemblies we ship, and the one of them that may reference AWSSDK.</summary>
    private static readonly Assembly[] Shipped =
        [Core, Adapters, typeof(VpcSecCmdlet).Assembly, typeof(VpcSecTools.Cli.Program).Assembly, typeof(VpcSecTools.HelpCompiler.Program).Assembly];

    [Fact]
    public void Only_VpcSecTools_Aws_references_AWSSDK()
    {
        foreach (var assembly in Shipped.Where(a => a != Adapters))
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name!.StartsWith("AWSSDK.", StringComparison.Ordinal));
        Assert.Contains(Adapters.GetReferencedAssemblies(), r => r.Name == "AWSSDK.Core");
    }

    [Fact]
    public void Only_VpcSecTools_Aws_and_test_projects_declare_an_AWSSDK_package()
    {
        var declaring = Directory.EnumerateFiles(TestPaths.RepoRoot, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(p => XDocument.Load(p).Descendants("PackageReference").Any(r => ((string?)r.Attribute("Include"))?.StartsWith("AWSSDK.", StringComparison.Ordinal) == true))
            .Select(p => Path.GetRelativePath(TestPaths.RepoRoot, p).Replace('\\', '/'))
            .Where(p => !p.StartsWith("tests/", StringComparison.Ordinal));
        Assert.Equal(["src/VpcSecTools.Aws/VpcSecTools.Aws.csproj"], declaring);
    }

    [Fact]
    public void Neither_the_engine_nor_the_adapters_reference_PowerShell()
    {
        foreach (var assembly in new[] { Core, Adapters })
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), r => r.Name == "System.Management.Automation");
    }

    [Fact]
    public void Net_depends_on_no_other_folder() => Assert.Empty(Dependencies("Net"));

    /// <summary>Errors holds the base exception every engine exception derives from: it can lean on no capability.</summary>
    [Fact]
    public void Errors_depends_on_no_other_folder() => Assert.Empty(Dependencies("Errors"));

    /// <remarks>
    /// One known exception: SnapshotIndex caches Routing's route-table lookups (<c>RouteLookupOf</c>), while Routing reads
    /// the index, a cycle. It is allowed here by name so that no other dependency can join it unnoticed. Errors and Files,
    /// like Net, are beneath every folder (the snapshot's exceptions derive from its base exception).
    /// </remarks>
    [Fact]
    public void Snapshot_depends_only_on_Net() => Assert.Subset(new HashSet<string> { "Net", "Errors", "Routing", "Files" }, Dependencies("Snapshot"));

    /// <summary>Files holds what the local file system says of a path, for every reader of local files: it leans on nothing.</summary>
    [Fact]
    public void Files_depends_on_no_other_folder() => Assert.Empty(Dependencies("Files"));

    [Theory]
    [InlineData("Routing")]
    [InlineData("IpMap")]
    [InlineData("Reachability")]
    [InlineData("Exposure")]
    public void Analyses_never_depend_on_the_AWS_contracts(string folder) => Assert.DoesNotContain("Aws", Dependencies(folder));

    /// <summary>
    /// vpcsec writes only where <c>Program.Run</c> points it: Main hands Run the console, and no command reaches the
    /// Console's writers itself, so command lines run side by side in one process and a test sees all a command says.
    /// </summary>
    [Fact]
    public void Only_Program_Main_reaches_the_Console_writers()
    {
        string[] writers = ["get_Out", "get_Error", "Write", "WriteLine", "SetOut", "SetError", "OpenStandardOutput", "OpenStandardError"];
        var reaching = Calling(typeof(VpcSecTools.Cli.Program).Assembly, m => m.DeclaringType == typeof(Console) && writers.Contains(m.Name))
            .Select(m => $"{m.DeclaringType!.Name}.{m.Name}");
        Assert.Equal(["Program.Main"], reaching);
    }

    [Fact]
    public void The_dependency_reader_sees_a_dependency_in_a_method_body()
    {
        // Reachability's analyzer uses Snapshot's index inside its methods, and Snapshot's types name Net's in signatures.
        Assert.Contains("Snapshot", Dependencies("Reachability"));
        Assert.Contains("Net", Dependencies("Snapshot"));
    }

    /// <summary>The other Core folders (<c>VpcSecTools.&lt;Folder&gt;</c> namespaces) the types of <paramref name="folder"/> use.</summary>
    private static HashSet<string> Dependencies(string folder) =>
        Core.GetTypes().Where(t => FolderOf(t) == folder)
            .SelectMany(Uses).Where(t => t.Assembly == Core).Select(FolderOf).OfType<string>()
            .Where(f => f != folder).ToHashSet(StringComparer.Ordinal);

    private static string? FolderOf(Type type)
    {
        var parts = (type.Namespace ?? "").Split('.');
        return parts is ["VpcSecTools", var folder, ..] ? folder : null;
    }

    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    /// <summary>Every type <paramref name="type"/> names: base, interfaces, members' signatures, locals, and its IL's tokens.</summary>
    private static IEnumerable<Type> Uses(Type type)
    {
        var named = new List<Type>();
        if (type.BaseType is { } b) named.Add(b);
        named.AddRange(type.GetInterfaces());
        foreach (var field in type.GetFields(Declared)) named.Add(field.FieldType);
        foreach (var property in type.GetProperties(Declared)) named.Add(property.PropertyType);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            if (method is MethodInfo m) named.Add(m.ReturnType);
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method.GetMethodBody() is not { } body) continue;
            named.AddRange(body.LocalVariables.Select(l => l.LocalType));
            named.AddRange(Tokens(body.GetILAsByteArray()!).SelectMany(token => Resolve(type, method, token)));
        }
        return named.SelectMany(Expand);
    }

    private static IEnumerable<Type> Expand(Type type)
    {
        if (type.HasElementType) return Expand(type.GetElementType()!);
        if (type.IsGenericType && !type.IsGenericTypeDefinition) return type.GetGenericArguments().SelectMany(Expand).Prepend(type.GetGenericTypeDefinition());
        return type.IsGenericParameter ? [] : [type];
    }

    private static IEnumerable<Type> Resolve(Type type, MethodBase method, int token) =>
        Member(type, method, token) switch
        {
            Type t => [t],
            MethodInfo m => [m.DeclaringType!, m.ReturnType, .. m.GetParameters().Select(p => p.ParameterType), .. m.IsGenericMethod ? m.GetGenericArguments() : []],
            MethodBase c => [c.DeclaringType!],
            FieldInfo f => [f.DeclaringType!, f.FieldType],
            _ => [],
        };

    private static MemberInfo Member(Type type, MethodBase method, int token) =>
        type.Module.ResolveMember(token, type.IsGenericType ? type.GetGenericArguments() : null, method.IsGenericMethod ? method.GetGenericArguments() : null)!;

    /// <summary>The methods of <paramref name="assembly"/> (lambdas included) whose bodies call <paramref name="calls"/>.</summary>
    private static IEnumerable<MethodBase> Calling(Assembly assembly, Func<MethodBase, bool> calls) =>
        from type in assembly.GetTypes()
        from method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared))
        where method.GetMethodBody() is { } body && Tokens(body.GetILAsByteArray()!).Any(token => Member(type, method, token) is MethodBase m && calls(m))
        select method;

    /// <summary>The metadata tokens of an IL stream: the operands of the opcodes that name a type, method or field.</summary>
    private static IEnumerable<int> Tokens(byte[] il)
    {
        for (int at = 0; at < il.Length;)
        {
            var code = il[at] == 0xFE ? TwoByte[il[at + 1]] : OneByte[il[at]];
            at += code.Size;
            switch (code.OperandType)
            {
                case OperandType.InlineField or OperandType.InlineMethod or OperandType.InlineType or OperandType.InlineTok:
                    yield return BitConverter.ToInt32(il, at);
                    at += 4;
                    break;
                case OperandType.InlineSwitch:
                    at += 4 + 4 * BitConverter.ToInt32(il, at);
                    break;
                default:
                    at += code.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        _ => 4,
                    };
                    break;
            }
        }
    }

    private static readonly OpCode[] OneByte = new OpCode[256], TwoByte = new OpCode[256];

    static ArchitectureTests()
    {
        foreach (var code in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (OpCode)f.GetValue(null)!))
            if (code.Size == 1) OneByte[(byte)code.Value] = code;
            else TwoByte[(byte)(code.Value & 0xFF)] = code;
    }
}
