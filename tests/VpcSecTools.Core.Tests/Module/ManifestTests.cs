using System.Text.RegularExpressions;

namespace VpcSecTools.Tests.Module;

/// <summary>The repository's VpcSecTools.psd1: a data file that says what the module is and exports.</summary>
public sealed class ManifestTests
{
    private static readonly IReadOnlyDictionary<string, object?> Manifest = PowerShellDataFile.Read(ModuleSurface.ManifestPath);

    [Fact]
    public void Manifest_declares_version_edition_and_identity()
    {
        Assert.Matches(new Regex(@"^\d+\.\d+\.\d+$"), (string)Manifest["ModuleVersion"]!);
        Assert.True(Guid.TryParse((string)Manifest["GUID"]!, out var guid) && guid != Guid.Empty);
        Assert.Equal("7.4", Manifest["PowerShellVersion"]);
        Assert.Equal(["Core"], ModuleSurface.Strings(Manifest["CompatiblePSEditions"]));
        Assert.Equal("VpcSecTools.psm1", Manifest["RootModule"]);
        Assert.Contains("VpcSecTools.Format.ps1xml", ModuleSurface.Strings(Manifest["FormatsToProcess"]));
    }

    [Fact]
    public void Manifest_module_version_is_the_assembly_version()
    {
        var assembly = ModuleSurface.CmdletAssembly.GetName().Version!;
        Assert.Equal($"{assembly.Major}.{assembly.Minor}.{assembly.Build}", Manifest["ModuleVersion"]);
    }

    [Fact]
    public void CmdletsToExport_is_exactly_the_cmdlet_classes_of_the_assembly()
    {
        var exported = ModuleSurface.Strings(Manifest["CmdletsToExport"]).Order(StringComparer.Ordinal).ToArray();
        var inAssembly = ModuleSurface.Cmdlets.Select(c => c.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.NotEmpty(inAssembly);
        Assert.Equal(inAssembly, exported);
    }

    [Fact]
    public void Nothing_is_exported_by_wildcard()
    {
        foreach (var key in new[] { "CmdletsToExport", "FunctionsToExport", "VariablesToExport", "AliasesToExport" })
            Assert.DoesNotContain(ModuleSurface.Strings(Manifest.GetValueOrDefault(key)), name => name.Contains('*'));
    }

    [Fact]
    public void Gallery_metadata_is_present()
    {
        var psData = (IReadOnlyDictionary<string, object?>)((IReadOnlyDictionary<string, object?>)Manifest["PrivateData"]!)["PSData"]!;
        Assert.Contains("AWS", ModuleSurface.Strings(psData["Tags"]));
        Assert.True(Uri.TryCreate((string)psData["ProjectUri"]!, UriKind.Absolute, out var uri) && uri.Scheme == "https");
        Assert.False(string.IsNullOrWhiteSpace((string?)psData["ReleaseNotes"]));
        // The gallery rejects tags with spaces.
        Assert.DoesNotContain(ModuleSurface.Strings(psData["Tags"]), tag => tag.Contains(' '));
    }
}
