using VpcSecTools.HelpCompiler;
using VpcSecTools.Tests.Module;
using System.Text.Json;
using VpcSecTools.Exposure;

namespace VpcSecTools.Tests.CliCommands;

public class OpenPortsCommandTests
{
    private static readonly string Nat = TestPaths.Batfish("test-nat-gateway");
    /// <summary>A snapshot every check has its data in (the Batfish captures lack instance metadata options and RDS's section).</summary>
    private static readonly string Demo = TestPaths.Demo;

    [Fact]
    public void Table_lists_the_findings_and_the_gate_fails_on_critical()
    {
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", Demo, "--fail-on", "critical");
        Assert.Equal(1, exit);
        Assert.Contains("SG.SshFromInternet", stdout);
        Assert.Contains("sg-04ce5d4dc299e624b", stdout);
        Assert.Contains("Reachable", stdout);
        Assert.DoesNotContain("vpcsec:", stderr);
        // The RDS and route-parity findings name whole route lists: the table cuts them, JSON keeps them.
        var header = stdout.Split('\n')[0];
        Assert.InRange(header.IndexOf("Protocol", StringComparison.Ordinal) - header.IndexOf("Rule", StringComparison.Ordinal), 4, 50);
        Assert.Contains("are whole in --format json", stdout);
    }

    [Theory]
    [InlineData("--vpc-id", "vpc-0000000000000typo", "VpcNotFound")]
    [InlineData("--group-id", "sg-0000000000000typo", "SecurityGroupNotFound")]
    public void A_scope_id_the_snapshot_lacks_is_an_error_naming_it_not_a_clean_audit(string option, string id, string errorId)
    {
        // It audited nothing and passed the gate (no findings, exit 0), where the cmdlet says the id is not in the snapshot.
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", Demo, option, id, "--fail-on", "low");
        Assert.Equal((2, ""), (exit, stdout));
        Assert.Equal($"vpcsec: {errorId}: {(option == "--vpc-id" ? "VPC" : "security group")} '{id}' is not in the snapshot.", stderr.Trim());
    }

    [Fact]
    public void Comma_separated_scope_ids_are_each_audited()
    {
        // Read as one id "a,b", they matched nothing: no findings, exit 0.
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--vpc-id", "vpc-04be895ea4d91bcbf,vpc-09d7bc1194c9e4030", "--format", "json");
        var (bothExit, both, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--vpc-id", "vpc-04be895ea4d91bcbf", "vpc-09d7bc1194c9e4030", "--format", "json");
        Assert.Equal(bothExit, exit);
        Assert.NotEmpty(JsonDocument.Parse(stdout).RootElement.EnumerateArray());
        Assert.Equal(both, stdout);
    }

    [Fact]
    public void The_gate_passes_when_nothing_reaches_the_severity_after_suppression()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("allow.json"), """
            { "AcceptedFindings": [ { "CheckId": "SG.SshFromInternet", "ResourceId": "*" }, { "CheckId": "SG.RdpFromInternet", "ResourceId": "*" },
              { "CheckId": "SG.HighRiskPortFromInternet", "ResourceId": "*" }, { "CheckId": "SG.PortOutsideAllowList", "ResourceId": "*" },
              { "CheckId": "EC2.ImdsV1Allowed", "ResourceId": "*" } ] }
            """);
        var (exit, _, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--fail-on", "CRITICAL", "--allow-list", dir.File("allow.json"));
        Assert.Equal(0, exit);
        var (strict, _, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--fail-on", "CRITICAL");
        Assert.Equal(1, strict);
    }

    [Fact]
    public void Json_uses_the_finding_property_names_and_min_severity_filters()
    {
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--format", "json", "--min-severity", "high");
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
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--format", format);
        Assert.Equal(0, exit);
        Assert.All(JsonDocument.Parse(stdout).RootElement.EnumerateArray(), i => Assert.True(i.TryGetProperty(field, out _)));
    }

    /// <summary>The NAT-gateway capture with its SecurityGroups file removed, emptied or under a misspelled key.</summary>
    private static string WithoutSecurityGroups(TestPaths.TempDir dir, string how)
    {
        foreach (var file in Directory.GetFiles(Nat)) File.Copy(file, dir.File(Path.GetFileName(file)));
        var groups = dir.File("SecurityGroups.json");
        switch (how)
        {
            case "absent": File.Delete(groups); break;
            case "empty": File.WriteAllText(groups, "{}"); break;
            default: File.WriteAllText(groups, File.ReadAllText(groups).Replace("\"SecurityGroups\"", "\"SecurityGroup\"")); break;
        }
        return dir.Path;
    }

    [Theory]
    [InlineData("absent")]
    [InlineData("empty")]
    [InlineData("misspelled")]
    public void Without_security_groups_the_gate_exits_3_and_names_the_checks_that_did_not_run(string how)
    {
        using var dir = new TestPaths.TempDir();
        var snapshot = WithoutSecurityGroups(dir, how);
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", snapshot, "--fail-on", "CRITICAL");
        Assert.Equal(3, exit);
        Assert.Contains("Audit.ChecksNotRun", stdout);
        Assert.Contains("SecurityGroups", stderr);
        Assert.Contains("SG.SshFromInternet", stderr);

        var (jsonExit, json, _) = CliRunner.Run("open-ports", "--snapshot", snapshot, "--format", "json");
        Assert.Equal(3, jsonExit);
        var gap = JsonDocument.Parse(json).RootElement.EnumerateArray().Single(i => i.GetProperty(nameof(Finding.CheckId)).GetString() == "Audit.ChecksNotRun");
        Assert.False(gap.GetProperty(nameof(Finding.Confirmed)).GetBoolean());
        Assert.Equal("Critical", gap.GetProperty(nameof(Finding.Severity)).GetString());
    }

    [Fact]
    public void A_confirmed_finding_at_the_gate_exits_1_even_when_other_checks_could_not_run()
    {
        using var dir = new TestPaths.TempDir();
        // The NACL findings (MEDIUM) are confirmed; the security-group checks did not run.
        var (exit, _, _) = CliRunner.Run("open-ports", "--snapshot", WithoutSecurityGroups(dir, "absent"), "--fail-on", "MEDIUM");
        Assert.Equal(1, exit);
    }

    [Fact]
    public void A_complete_snapshot_exits_0_without_a_gate_and_its_table_marks_nothing_unconfirmed()
    {
        var (exit, stdout, stderr) = CliRunner.Run("open-ports", "--snapshot", Demo);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("unconfirmed", stdout + stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Check_ids_narrow_the_findings_and_an_unknown_id_is_one_line_and_exit_2()
    {
        var (exit, stdout, _) = CliRunner.Run("open-ports", "--snapshot", Demo, "--format", "json", "--check-id", "RDS.SubnetGroupSingleAz", "Route.Ipv4Ipv6Parity");
        Assert.Equal(0, exit);
        Assert.Equal(["RDS.SubnetGroupSingleAz", "Route.Ipv4Ipv6Parity"],
            JsonDocument.Parse(stdout).RootElement.EnumerateArray().Select(i => i.GetProperty(nameof(Finding.CheckId)).GetString()!).Order(StringComparer.Ordinal));
        var (bad, _, stderr) = CliRunner.Run("open-ports", "--snapshot", Demo, "--check-id", "SG.Nope");
        Assert.Equal(2, bad);
        Assert.Contains("'SG.Nope' is not a check id", stderr);
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
