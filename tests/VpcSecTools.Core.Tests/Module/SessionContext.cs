using System.Reflection;
using System.Runtime.Loader;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// Stands in for a pwsh session's default load context: loads what the given folders hold (the assembled module's
/// root, a foreign AWSSDK.Core), and leaves the runtime to the real default context. Each test makes a fresh
/// "session" and keeps it: not collectible, because the SDK's background work (HTTP connection clean-up, timers)
/// may still load assemblies after a test ends, and an unloading context fails those loads.
/// </summary>
internal sealed class SessionContext(params string[] folders) : AssemblyLoadContext("session-" + Guid.NewGuid().ToString("n"), isCollectible: false)
{
    protected override Assembly? Load(AssemblyName name) =>
        folders.Select(f => Path.Combine(f, name.Name + ".dll")).Where(File.Exists).Select(LoadFromAssemblyPath).FirstOrDefault();

    /// <summary>The AWS connector the module's cmdlets use (<c>AwsLoadContext.Connector</c>), made inside this session.</summary>
    public static object Connector(Assembly cmdlets) =>
        cmdlets.GetType("VpcSecTools.Commands.AwsLoadContext", throwOnError: true)!
            .GetProperty("Connector", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!;
}
