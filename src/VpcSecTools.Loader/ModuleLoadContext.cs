using System.Reflection;
using System.Runtime.Loader;

namespace VpcSecTools.Loader;

/// <summary>
/// The module's private <see cref="AssemblyLoadContext"/>: VpcSecTools.dll, VpcSecTools.Core.dll and every
/// third-party dependency (AWSSDK.*) load from the module's <c>bin</c> folder into this context, so another
/// module that carries a different AWSSDK.Core (AWS.Tools) can share the session. Assemblies that are not in
/// <c>bin</c> (System.Management.Automation, the runtime) resolve from the default context, which is what
/// makes our cmdlets PowerShell's cmdlets.
/// </summary>
public sealed class ModuleLoadContext : AssemblyLoadContext
{
    /// <summary>The name of the assembly that holds the cmdlets.</summary>
    public const string ModuleAssemblyName = "VpcSecTools";

    /// <summary>The folder, next to this assembly, that holds the module assembly and its dependencies.</summary>
    public const string DependencyFolder = "bin";

    // One context per process, created on first import: an assembly cannot be unloaded from a
    // non-collectible context, so a second import (Remove-Module, Import-Module) must reuse this one
    // rather than load a second copy of every type.
    private static readonly Lazy<ModuleLoadContext> Instance = new(
        () => new ModuleLoadContext(Path.Combine(LoaderDirectory(), DependencyFolder)));

    private readonly string _dependencyDirectory;

    private ModuleLoadContext(string dependencyDirectory) : base(ModuleAssemblyName, isCollectible: false) =>
        _dependencyDirectory = dependencyDirectory;

    /// <summary>The module assembly, loaded (once per process) into the module's private context.</summary>
    public static Assembly LoadModuleAssembly() =>
        Instance.Value.LoadFromAssemblyName(new AssemblyName(ModuleAssemblyName));

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Only what ships in bin is ours; returning null hands everything else to the default context.
        var candidate = Path.Combine(_dependencyDirectory, assemblyName.Name + ".dll");
        return File.Exists(candidate) ? LoadFromAssemblyPath(candidate) : null;
    }

    private static string LoaderDirectory() =>
        Path.GetDirectoryName(typeof(ModuleLoadContext).Assembly.Location)
        ?? throw new InvalidOperationException("The VpcSecTools loader has no file location; load it with Add-Type -Path.");
}
