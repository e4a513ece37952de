using System.Reflection;

namespace VpcSecTools.Tests;

/// <summary>What tests/TestTools.targets pins, and where the build put the module and the tools (assembly metadata).</summary>
public static class TestTools
{
    /// <summary>The module folder src/VpcSecTools.Module assembled for this build (<c>output/VpcSecTools/&lt;version&gt;</c>).</summary>
    public static string ModuleFolder => Path.TrimEndingDirectorySeparator(Metadata("ModuleFolder"));

    /// <summary>The pinned pwsh, the .NET tool installed by the module tests' build.</summary>
    public static string PowerShell => Path.Combine(Metadata("PowerShellToolPath"), OperatingSystem.IsWindows() ? "pwsh.exe" : "pwsh");

    /// <summary>Pester's module manifest: the package's tools/ folder is the module.</summary>
    public static string PesterManifest => Path.Combine(NuGetPackageRoot, "pester", Metadata("PesterVersion"), "tools", "Pester.psd1");

    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    public static string RepoRoot => Path.TrimEndingDirectorySeparator(Metadata("RepoRoot"));

    /// <summary>The AWSSDK.Core versions AWS.Tools carries, which the isolation tests load beside the module.</summary>
    public static IReadOnlyList<string> ForeignAwsSdkCoreVersions => Metadata("ForeignAwsSdkCoreVersions").Split(';');

    /// <summary>The restored AWSSDK.Core.dll of <paramref name="version"/> for .NET (3.7 ships netcoreapp3.1, 4.x net8.0).</summary>
    public static string ForeignAwsSdkCore(string version) =>
        Path.Combine(NuGetPackageRoot, "awssdk.core", version, "lib", version.StartsWith("3.", StringComparison.Ordinal) ? "netcoreapp3.1" : "net8.0", "AWSSDK.Core.dll");

    private static string Metadata(string key) =>
        typeof(TestTools).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().SingleOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"no assembly metadata '{key}': tests/TestTools.targets sets it at build time");
}
