using System.Reflection;
using System.Runtime.Loader;
using VpcSecTools.Aws;

namespace VpcSecTools.Commands;

/// <summary>
/// The module's own load context: VpcSecTools.Aws and AWSSDK.* load from the module's <c>bin</c> folder into it, so
/// a module that carries another AWSSDK.Core (AWS.Tools) can share the session. Everything else resolves from the
/// context that loaded the cmdlets (PowerShell's default one): VpcSecTools.Core is one assembly on both sides, so
/// the adapters implement the engine's interfaces and scripts can name the engine's types.
/// </summary>
internal sealed class AwsLoadContext : AssemblyLoadContext
{
    /// <summary>The folder, beside the cmdlet assembly, that holds the adapters and AWSSDK.*.</summary>
    public const string DependencyFolder = "bin";
    public const string AdapterAssembly = "VpcSecTools.Aws";
    public const string ConnectorType = "VpcSecTools.Aws.AwsSdkConnector";

    // One context per process, made on the first AWS call: pwsh's default context never unloads the cmdlets, so a
    // second import (Remove-Module, Import-Module) reuses it; offline work never loads AWSSDK at all.
    private static readonly Lazy<IAwsConnector> Shared = new(() => CreateConnector(Path.Combine(
        Path.GetDirectoryName(typeof(AwsLoadContext).Assembly.Location)
            ?? throw new InvalidOperationException("VpcSecTools.dll has no file location; import the module by its manifest."),
        DependencyFolder)));

    private readonly string _folder;
    private readonly AssemblyLoadContext _parent;

    private AwsLoadContext(string folder, AssemblyLoadContext parent) : base("VpcSecTools", isCollectible: parent.IsCollectible)
    {
        _folder = folder;
        _parent = parent;
    }

    /// <summary>The AWS connector of the module, in its own load context.</summary>
    public static IAwsConnector Connector => Shared.Value;

    /// <summary>Loads the adapters from <paramref name="folder"/> into a new context and makes their connector.</summary>
    private static IAwsConnector CreateConnector(string folder)
    {
        // As collectible as the cmdlets' own context: a context that cannot unload may not use one that can.
        var parent = GetLoadContext(typeof(AwsLoadContext).Assembly) ?? Default;
        var adapters = new AwsLoadContext(folder, parent).LoadFromAssemblyName(new AssemblyName(AdapterAssembly));
        return (IAwsConnector)Activator.CreateInstance(adapters.GetType(ConnectorType, throwOnError: true)!)!;
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        // Only what ships in bin is this context's; the rest (VpcSecTools.Core, the runtime) is the cmdlets' own.
        var candidate = Path.Combine(_folder, assemblyName.Name + ".dll");
        if (File.Exists(candidate)) return LoadFromAssemblyPath(candidate);
        return _parent == Default ? null : _parent.LoadFromAssemblyName(assemblyName);
    }
}
