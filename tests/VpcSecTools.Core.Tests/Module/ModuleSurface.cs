using System.Reflection;
using VpcSecTools.Commands;
using VpcSecTools.HelpCompiler;

namespace VpcSecTools.Tests.Module;

/// <summary>The module as the tests see it: its cmdlets (by reflection), manifest, views and help sources.</summary>
public static class ModuleSurface
{
    public static Assembly CmdletAssembly => typeof(VpcSecCmdlet).Assembly;
    public static Assembly CoreAssembly => typeof(VpcSecTools.Snapshot.SnapshotIndex).Assembly;

    public static IReadOnlyList<CmdletMetadata> Cmdlets { get; } = CmdletMetadata.FromAssembly(CmdletAssembly);

    public static string ManifestPath => Path.Combine(TestPaths.RepoRoot, "VpcSecTools.psd1");
    public static string FormatPath => Path.Combine(TestPaths.RepoRoot, "module", "VpcSecTools.Format.ps1xml");
    public static string DocsFolder => Path.Combine(TestPaths.RepoRoot, "docs", "en-US");

    /// <summary>One row per cmdlet, for [Theory] data.</summary>
    public static TheoryData<string> CmdletNames()
    {
        var data = new TheoryData<string>();
        foreach (var cmdlet in Cmdlets) data.Add(cmdlet.Name);
        return data;
    }

    public static CmdletMetadata Cmdlet(string name) => Cmdlets.Single(c => c.Name == name);

    /// <summary>Every type of ours a cmdlet declares with [OutputType] (a string or PSObject output needs no view of ours).</summary>
    public static IReadOnlyList<Type> OutputTypes =>
        Cmdlets.SelectMany(c => c.OutputTypes)
            .Where(t => t.Assembly == CoreAssembly || t.Assembly == CmdletAssembly)
            .Distinct().OrderBy(t => t.FullName, StringComparer.Ordinal).ToArray();

    /// <summary>The names a manifest string array holds (a single string is a one-element array in a psd1).</summary>
    public static IReadOnlyList<string> Strings(object? value) => value switch
    {
        null => [],
        string s => [s],
        object?[] items => items.Select(i => i as string ?? throw new FormatException($"'{i}' is not a string")).ToArray(),
        _ => throw new FormatException($"{value.GetType().Name} is not a string or an array of strings"),
    };
}
