using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Xml.Linq;
using VpcSecTools.HelpCompiler;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// The folder src/VpcSecTools.Module assembles is a complete, self-consistent module: the manifest reads as data,
/// every file it names exists, it exports exactly the assembled assembly's cmdlets, every dependency ships where
/// its load context finds it, the help is there, and the AWS adapters really load in a context of their own.
/// </summary>
public sealed class AssembledModuleTests(AssembledModule module) : IClassFixture<AssembledModule>
{
    private IReadOnlyDictionary<string, object?> Manifest => PowerShellDataFile.Read(module.File("VpcSecTools.psd1"));

    [Fact]
    public void The_folder_is_named_for_the_manifest_version()
    {
        Assert.Equal(Manifest["ModuleVersion"], Path.GetFileName(module.Folder));
        Assert.Equal("VpcSecTools", Path.GetFileName(Path.GetDirectoryName(module.Folder)));
    }

    [Fact]
    public void Every_file_the_manifest_names_exists()
    {
        var named = new[] { "RootModule", "FormatsToProcess", "TypesToProcess", "NestedModules", "RequiredAssemblies", "ScriptsToProcess", "FileList" }
            .SelectMany(key => ModuleSurface.Strings(Manifest.GetValueOrDefault(key)))
            .ToArray();
        Assert.NotEmpty(named);
        foreach (var file in named)
            Assert.True(File.Exists(module.File(file)), $"the manifest names {file}, which is not in {module.Folder}");
    }

    [Fact]
    public void The_cmdlets_and_the_engine_sit_beside_the_manifest_and_the_AWS_adapters_in_bin()
    {
        // Beside the manifest: what loads in PowerShell's default context (the cmdlets, the engine and what they need),
        // never an AWS assembly, which would meet AWS.Tools' there.
        var root = Directory.EnumerateFiles(module.Folder, "*.dll").Select(Path.GetFileName).ToArray();
        Assert.Contains("VpcSecTools.dll", root);
        Assert.Contains("VpcSecTools.Core.dll", root);
        Assert.DoesNotContain(root, name => name!.StartsWith("AWSSDK.", StringComparison.Ordinal) || name == "VpcSecTools.Aws.dll");
        var bin = Directory.EnumerateFiles(module.File("bin"), "*.dll").Select(Path.GetFileName).ToArray();
        Assert.Contains("VpcSecTools.Aws.dll", bin);
        Assert.Contains("AWSSDK.Core.dll", bin);
        // System.IO.Hashing: AWSSDK.Core 4.1's own dependency, beside it.
        Assert.All(bin, name => Assert.True(name is "VpcSecTools.Aws.dll" or "System.IO.Hashing.dll" || name!.StartsWith("AWSSDK.", StringComparison.Ordinal),
            $"bin/{name}: the module's own context holds the AWS adapters and what they need beyond the cmdlets"));
        Assert.Empty(Directory.EnumerateFiles(module.Folder, "System.Management.Automation.dll", SearchOption.AllDirectories));
    }

    [Fact]
    public void Every_dependency_ships_where_its_load_context_finds_it()
    {
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        var root = Names(module.Folder);
        var bin = Names(module.File("bin"));
        bool FromPwsh(string reference) => File.Exists(Path.Combine(framework, reference + ".dll")) || reference is "System.Management.Automation" or "netstandard";
        // The default context sees only the module root; the module's own context sees bin, then the cmdlets' context.
        foreach (var file in Directory.EnumerateFiles(module.Folder, "*.dll"))
            foreach (var reference in References(file))
                Assert.True(root.Contains(reference) || FromPwsh(reference), $"{Path.GetFileName(file)} needs {reference}, which is not beside it");
        foreach (var file in Directory.EnumerateFiles(module.File("bin"), "*.dll"))
            foreach (var reference in References(file))
                Assert.True(bin.Contains(reference) || root.Contains(reference) || FromPwsh(reference), $"bin/{Path.GetFileName(file)} needs {reference}, which the module does not ship");
    }

    private static HashSet<string> Names(string folder) =>
        Directory.EnumerateFiles(folder, "*.dll").Select(f => Path.GetFileNameWithoutExtension(f)).ToHashSet(StringComparer.OrdinalIgnoreCase);

    [Fact]
    public void CmdletsToExport_equals_the_cmdlets_of_the_assembled_assembly_loaded_in_its_own_context()
    {
        var context = new SessionContext(module.Folder);
        var assembly = context.LoadFromAssemblyPath(module.File("VpcSecTools.dll"));
        var inAssembly = CmdletMetadata.FromAssembly(assembly).Select(c => c.Name).Order(StringComparer.Ordinal);
        Assert.Equal(inAssembly, ModuleSurface.Strings(Manifest["CmdletsToExport"]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_modules_own_context_loads_the_adapters_from_bin_and_shares_the_engine_with_the_cmdlets()
    {
        // A context of the test's own stands in for pwsh's default one: it holds what the module root holds.
        var session = new SessionContext(module.Folder);
        var connector = SessionContext.Connector(session.LoadFromAssemblyPath(module.File("VpcSecTools.dll")));
        var adapters = connector.GetType().Assembly;
        var own = AssemblyLoadContext.GetLoadContext(adapters)!;
        Assert.Equal("VpcSecTools", own.Name);
        Assert.Equal(Path.GetFullPath(module.File("bin", "VpcSecTools.Aws.dll")), adapters.Location);
        var sdk = own.LoadFromAssemblyName(new AssemblyName("AWSSDK.Core"));
        Assert.Equal(Path.GetFullPath(module.File("bin", "AWSSDK.Core.dll")), sdk.Location);
        // The adapters implement the engine's interface as the cmdlets see it: one VpcSecTools.Core, the session's.
        var engine = connector.GetType().GetInterfaces().Single(i => i.Name == "IAwsConnector").Assembly;
        Assert.Same(session.LoadFromAssemblyName(new AssemblyName("VpcSecTools.Core")), engine);
        Assert.DoesNotContain(own.Assemblies, a => a.GetName().Name is "VpcSecTools.Core" or "VpcSecTools");
    }

    [Fact]
    public void Help_is_compiled_for_every_exported_cmdlet()
    {
        // Beside the cmdlet assembly, in its culture's folder, where Get-Help looks for <assembly>-Help.xml.
        var maml = XDocument.Load(module.File("en-US", Program.MamlFileName));
        var names = maml.Root!.Elements(MamlWriter.Command + "command")
            .Select(c => c.Element(MamlWriter.Command + "details")!.Element(MamlWriter.Command + "name")!.Value);
        Assert.Equal(ModuleSurface.Strings(Manifest["CmdletsToExport"]).Order(), names.Order());
        Assert.True(new FileInfo(module.File("en-US", "about_VpcSecTools.help.txt")).Length > 0);
    }

    private static IEnumerable<string> References(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
    }
}
