using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Reflection;
using System.Runtime.Loader;
using System.Xml.Linq;
using VpcSecTools.HelpCompiler;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// The folder build.sh produces is a complete, self-consistent module: the manifest reads as data, every file
/// it names exists, it exports exactly the assembled assembly's cmdlets, every dependency ships in bin/, the
/// help is there, and the loader really puts the module in a load context of its own.
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
    public void The_layout_puts_the_loader_in_front_and_the_rest_in_bin()
    {
        Assert.True(File.Exists(module.File("VpcSecTools.psm1")));
        Assert.True(File.Exists(module.File("VpcSecTools.Loader.dll")));
        Assert.True(File.Exists(module.File("bin", "VpcSecTools.dll")));
        Assert.True(File.Exists(module.File("bin", "VpcSecTools.Core.dll")));
        Assert.False(File.Exists(module.File("bin", "VpcSecTools.Loader.dll")), "the loader must not be in the private context's folder");
        Assert.Empty(Directory.EnumerateFiles(module.Folder, "System.Management.Automation.dll", SearchOption.AllDirectories));
        // Only the loader sits beside the manifest: anything else there could be picked up by the shared context.
        Assert.Equal(["VpcSecTools.Loader.dll"], Directory.EnumerateFiles(module.Folder, "*.dll").Select(Path.GetFileName));
    }

    [Fact]
    public void Every_dependency_of_bin_ships_in_bin_or_comes_with_pwsh()
    {
        var bin = module.File("bin");
        var shipped = Directory.EnumerateFiles(bin, "*.dll").Select(Path.GetFileNameWithoutExtension).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var framework = Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        foreach (var file in Directory.EnumerateFiles(bin, "*.dll"))
            foreach (var reference in References(file))
            {
                var provided = shipped.Contains(reference)
                               || File.Exists(Path.Combine(framework, reference + ".dll"))
                               || reference is "System.Management.Automation" or "netstandard";
                Assert.True(provided, $"{Path.GetFileName(file)} needs {reference}, which is not in bin/");
            }
    }

    [Fact]
    public void CmdletsToExport_equals_the_cmdlets_of_the_assembled_assembly_loaded_in_its_own_context()
    {
        var context = new ModuleFolderContext(module.File("bin"));
        try
        {
            var assembly = context.LoadFromAssemblyPath(module.File("bin", "VpcSecTools.dll"));
            var inAssembly = CmdletMetadata.FromAssembly(assembly).Select(c => c.Name).Order(StringComparer.Ordinal);
            Assert.Equal(inAssembly, ModuleSurface.Strings(Manifest["CmdletsToExport"]).Order(StringComparer.Ordinal));
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void The_loader_loads_the_module_and_its_dependencies_into_a_private_context()
    {
        // A context of the test's own stands in for pwsh's default one, so the loader's once-per-process
        // instance is fresh and sees the assembled folder as its home.
        var host = new ModuleFolderContext(module.Folder);
        var loader = host.LoadFromAssemblyPath(module.File("VpcSecTools.Loader.dll"));
        var contextType = loader.GetType("VpcSecTools.Loader.ModuleLoadContext", throwOnError: true)!;
        var moduleAssembly = (Assembly)contextType.GetMethod("LoadModuleAssembly")!.Invoke(null, null)!;

        var moduleContext = AssemblyLoadContext.GetLoadContext(moduleAssembly)!;
        Assert.Equal("VpcSecTools", moduleContext.Name);
        Assert.NotSame(AssemblyLoadContext.Default, moduleContext);
        Assert.Equal(Path.GetFullPath(module.File("bin", "VpcSecTools.dll")), moduleAssembly.Location);

        var core = moduleContext.LoadFromAssemblyName(new AssemblyName("VpcSecTools.Core"));
        Assert.Same(moduleContext, AssemblyLoadContext.GetLoadContext(core));
        Assert.Equal(Path.GetFullPath(module.File("bin", "VpcSecTools.Core.dll")), core.Location);
        // The module's copy is not the test's copy: a second VpcSecTools.Core lives beside the first.
        Assert.NotSame(typeof(SnapshotIndex).Assembly, core);
        // PowerShell's own assembly comes from the shared context, which is what makes these cmdlets pwsh's.
        var cmdletBase = moduleAssembly.GetType("VpcSecTools.Commands.VpcSecCmdlet", throwOnError: true)!.BaseType!;
        Assert.Same(typeof(System.Management.Automation.PSCmdlet), cmdletBase);
    }

    [Fact]
    public void Help_is_compiled_for_every_exported_cmdlet()
    {
        foreach (var path in new[] { module.File("en-US", Program.MamlFileName), module.File("bin", "en-US", Program.MamlFileName) })
        {
            var maml = XDocument.Load(path);
            var names = maml.Root!.Elements(MamlWriter.Command + "command")
                .Select(c => c.Element(MamlWriter.Command + "details")!.Element(MamlWriter.Command + "name")!.Value);
            Assert.Equal(ModuleSurface.Strings(Manifest["CmdletsToExport"]).Order(), names.Order());
        }
        Assert.True(new FileInfo(module.File("en-US", "about_VpcSecTools.help.txt")).Length > 0);
        Assert.DoesNotContain("help: ", module.BuildLog);
    }

    private static IEnumerable<string> References(string file)
    {
        using var stream = File.OpenRead(file);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        return reader.AssemblyReferences.Select(h => reader.GetString(reader.GetAssemblyReference(h).Name)).ToArray();
    }

    /// <summary>Loads what a folder holds, and leaves everything else to the default context.</summary>
    private sealed class ModuleFolderContext(string folder) : AssemblyLoadContext("test-" + Path.GetFileName(folder), isCollectible: true)
    {
        protected override Assembly? Load(AssemblyName name)
        {
            var candidate = Path.Combine(folder, name.Name + ".dll");
            return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
        }
    }
}
