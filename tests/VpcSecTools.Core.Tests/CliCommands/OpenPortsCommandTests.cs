using VpcSecTools.HelpCompiler;
using VpcSecTools.Tests.Module;
using System.Text.Json;
using VpcSecTools.Exposure;

namespace VpcSecTools.Tests.CliCommands;

[Collection(CliRunner.Name)]
public class OpenPortsCommandTests
{
    private static readonly string Nat = TestPaths.Batfish("test-nat-gateway");

    [Fact]
    public void Table_lists_the_findings_and_the_gate_fails_on_critical()
    {
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", Nat, "--fail-on", "critical");
        Assert.Equal(1, exit);
        Assert.Contains("SG.SshFromInternet", stdout);
        Assert.Contains("sg-0253af84ae6485905", stdout);
        Assert.Contains("Reachable", stdout);
        Assert.DoesNotContain("vpcsec:", stderr);
    }

    [Fact]
    public void The_gate_passes_when_nothing_reaches_the_severity_after_suppression()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("allow.json"), """
            { "AcceptedFindings": [ { "CheckId": "SG.SshFromInternet", "ResourceId": "*" },
              { "CheckId": "SG.HighRiskPortFromInternet", "ResourceId": "*" }, { "CheckId": "SG.PortOutsideAllowList", "ResourceId": "*" } ] }
            """);
        var (exit, _, _) = CliRunner.Run("open-ports", "--snapshot", Nat, "--fail-on", "CRITICAL", "--allow-list", dir.File("allow.json"));
        Assert.Equal(0, exit);
        var (strict, _, _) = CliRunner.Run("open-ports", "--snapshot", Nat, "--fail-on", "CRITICAL");
        Assert.Equal(1, strict);
    }

    [Fact]
    public void Json_uses_the_finding_property_names_and_min_severity_filters()
    {
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Nat, "--format", "json", "--min-severity", "high");
        Assert.Equal(0, exit);
        var items = JsonDocument.Parse(stdout).RootElement.EnumerateArray().ToArray();
        Assert.NotEmpty(items);
        Assert.All(items, i => Assert.Contains(i.GetProperty(nameof(Finding.Severity)).GetString(), new[] { "High", "Critical" }));
        Assert.Contains(items, i => i.GetProperty(nameof(Finding.CheckId)).GetString() == "SG.SshFromInternet"
            && i.GetProperty(nameof(Finding.ExposureVerdict)).GetString() == "Reachable");
    }

    [Theory]
    [InlineData("asff", "SchemaVersion")]
    [InlineData("ocsf", "class_uid")]
    public void Exports_are_arrays_of_findings_in_the_format(string format, string field)
    {
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Nat, "--format", format);
        Assert.Equal(0, exit);
        Assert.All(JsonDocument.Parse(stdout).RootElement.EnumerateArray(), i => Assert.True(i.TryGetProperty(field, out _)));
    }

    [Fact]
    public void A_bad_severity_is_one_line_and_exit_2()
    {
        var (exit, _, stderr) = CliRunner.Run("open-ports", "--snapshot", Nat, "--min-severity", "urgent");
        Assert.Equal(2, exit);
        Assert.Contains("'urgent'", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Theory]
    [InlineData("Find-OverlyOpenPort")]
    [InlineData("ConvertTo-SecurityHubFinding")]
    [InlineData("ConvertTo-OcsfFinding")]
    public void Cmdlets_are_exported_documented_and_bind_from_the_pipeline(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        Assert.Empty(HelpCheck.Problems(cmdlet, VpcSecTools.HelpCompiler.Program.HelpFor(ModuleSurface.DocsFolder, cmdlet)));
        Assert.Contains(name, ModuleSurface.Strings(PowerShellDataFile.Read(ModuleSurface.ManifestPath)["CmdletsToExport"]));
        Assert.Contains(cmdlet.OutputTypes.Single().FullName!, File.ReadAllText(ModuleSurface.FormatPath) + " System.Management.Automation.PSObject");
        if (name == "Find-OverlyOpenPort")
        {
            Assert.Equal([typeof(Finding)], cmdlet.OutputTypes);
            foreach (var p in new[] { "VpcId", "GroupId" })
                Assert.Contains(cmdlet.Parameters.Single(x => x.Name == p).Sets, m => m.ByPropertyName);
            Assert.Contains(cmdlet.Parameters, x => x.Name == "Snapshot");
        }
        else Assert.Contains(cmdlet.Parameters.Single(x => x.Name == "Finding").Sets, m => m.ByValue);
    }
}
