using System.Text.Json;
using VpcSecTools.Exposure;
using VpcSecTools.Net;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.CliCommands;

namespace VpcSecTools.Tests.PrivateTrust;

/// <summary>
/// The demo network's day of flow logs (samples/demo/README.md): the shared-services monitoring host is named as
/// own-account traffic across the peering into the database, and the ACCEPTs the model forbids are the two signatures
/// the README describes, reachability questions 5 (monitoring to the replica in db-c, no route back) and 14 (on premises
/// to app-3, whose responses cannot enter the transit gateway from us-east-1c).
/// </summary>
public sealed class DemoTrustTests
{
    private const string Prod = "vpc-04be895ea4d91bcbf", Account = "111122223333";
    private const string RdsPrimary = "eni-02dbfad5f6dc1d8fe", Replica = "eni-0de899cdd96909643", App3 = "eni-04fde501f0b4230b4";
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    private static readonly Lazy<PrivateTrustReport> Demo = new(() =>
        TrustScenario.Run(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo)), Flows));

    [Fact]
    public void The_monitoring_host_is_own_account_traffic_across_the_peering_into_the_database()
    {
        var monitoring = Demo.Value.Sources.Single(s => s.SourceAddress == "10.100.1.25");
        Assert.Equal((Prod, TrustZone.OwnAccount, Account, "pcx-0f5c75a7d52d137ac", "shared-monitoring-1"),
            (monitoring.VpcId, monitoring.Zone, monitoring.AccountId, monitoring.EnteredThrough, monitoring.Name));
        Assert.Contains(RdsPrimary, monitoring.NetworkInterfaceIds);
        Assert.Contains("tcp/5432", monitoring.Ports);
        Assert.Equal("vpc-09d7bc1194c9e4030", monitoring.Attribution.VpcId);
    }

    [Fact]
    public void The_accepts_the_model_forbids_are_the_replica_and_app_3_signatures()
    {
        var findings = Demo.Value.Findings;
        Assert.All(findings, f => Assert.Equal(TrustChecks.AcceptedButNotReachable.Id, f.CheckId));
        var replica = Assert.Single(findings, f => f.ResourceId == Replica);
        Assert.Equal(("10.100.1.25", "5432", "rtb-01ffbf44e064bc2a5"), (replica.Traffic!.SourceAddress, replica.Ports, replica.Rule));
        Assert.Contains("the response path is blocked", replica.Detail);
        Assert.Contains("NO_ROUTE_TO_DESTINATION", replica.Detail);
        // Every other one: an on-premises client (172.16.0.0/12, behind the VPN) of app-3 on 443.
        var onPremises = Cidr.Parse("172.16.0.0/12");
        var app3 = findings.Where(f => f.ResourceId != Replica).ToArray();
        Assert.NotEmpty(app3);
        Assert.All(app3, f =>
        {
            Assert.Equal((App3, "443"), (f.ResourceId, f.Ports));
            Assert.True(onPremises.Contains(IpAddress.Parse(f.Traffic!.SourceAddress)), f.Traffic.SourceAddress);
            Assert.Contains("TGW_ROUTE_AZ_RESTRICTION", f.Detail);
        });
        Assert.All(Demo.Value.Sources.Where(s => onPremises.Contains(IpAddress.Parse(s.SourceAddress))), s => Assert.Equal(TrustZone.OnPremises, s.Zone));
        Assert.Equal([TrustZone.OwnAccount, TrustZone.OnPremises], Demo.Value.Zones.Select(z => z.Zone));
    }

    [Fact]
    public void Demo_findings_export_with_their_traffic_to_asff_and_ocsf()
    {
        var f = Demo.Value.Findings.Single(x => x.ResourceId == Replica);
        var asff = JsonDocument.Parse(JsonSerializer.Serialize(FindingExport.ToAsff(f))).RootElement;
        var resource = asff.GetProperty("Resources")[0];
        Assert.Equal(("AwsEc2NetworkInterface", $"arn:aws:ec2:us-east-1:{Account}:network-interface/{Replica}"),
            (resource.GetProperty("Type").GetString(), resource.GetProperty("Id").GetString()));
        Assert.Equal(Replica, resource.GetProperty("Details").GetProperty("AwsEc2NetworkInterface").GetProperty("NetworkInterfaceId").GetString());
        Assert.Equal("Unusual Behaviors/Network Flow", asff.GetProperty("Types")[0].GetString());
        var network = asff.GetProperty("Network");
        Assert.Equal(("IN", "TCP", "10.100.1.25", "10.0.22.36", 5432),
            (network.GetProperty("Direction").GetString(), network.GetProperty("Protocol").GetString(), network.GetProperty("SourceIpV4").GetString(),
             network.GetProperty("DestinationIpV4").GetString(), network.GetProperty("DestinationPort").GetInt32()));
        Assert.Equal(f.Traffic!.FirstSeen!.Value.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ"), asff.GetProperty("FirstObservedAt").GetString());
        Assert.Equal(f.Traffic.Records.ToString(), asff.GetProperty("ProductFields").GetProperty("vpcsec/Records").GetString());

        var ocsf = JsonDocument.Parse(JsonSerializer.Serialize(FindingExport.ToOcsf(f))).RootElement;
        Assert.Equal(f.Traffic.Records, ocsf.GetProperty("count").GetInt64());
        Assert.Equal(f.Traffic.LastSeen!.Value.ToUnixTimeMilliseconds(), ocsf.GetProperty("finding_info").GetProperty("last_seen_time").GetInt64());
    }
}

public sealed class PrivateTrustCommandTests
{
    private static readonly string Flows = Path.Combine(TestPaths.Demo, "flowlogs");

    [Fact]
    public void The_table_names_zones_and_findings_and_fail_on_gates_the_exit_code()
    {
        var (exit, stdout, _) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows);
        Assert.Equal(0, exit);
        Assert.Contains("OnPremises", stdout);
        // The top sources are named as the view names them: the address and its owner's name.
        Assert.Contains("10.0.10.37 prod-app-1; ", stdout);
        Assert.Contains("Trust.AcceptedButNotReachable", stdout);
        Assert.Equal(1, CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--fail-on", "MEDIUM").Exit);
        Assert.Equal(0, CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--fail-on", "HIGH").Exit);
    }

    [Fact]
    public void Json_holds_the_report_and_asff_one_document_per_finding()
    {
        var (exit, stdout, _) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "json");
        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        int findings = root.GetProperty(nameof(PrivateTrustReport.Findings)).GetArrayLength();
        Assert.True(findings > 0);
        Assert.Equal("OwnAccount", root.GetProperty(nameof(PrivateTrustReport.Zones))[0].GetProperty(nameof(TrustZoneSummary.Zone)).GetString());
        var (_, asff, _) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "asff");
        Assert.Equal(findings, JsonDocument.Parse(asff).RootElement.GetArrayLength());
        var (_, csv, _) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--format", "csv");
        Assert.Equal(findings + 1, csv.Trim().Split('\n').Length);
        Assert.StartsWith("Severity,CheckId,SourceAddress", csv);
    }

    [Fact]
    public void A_saved_baseline_is_read_back_and_a_bad_one_is_one_line_and_exit_2()
    {
        using var dir = new TestPaths.TempDir();
        var file = dir.File("day.json");
        Assert.Equal(0, CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--save-baseline", file).Exit);
        // The same day as its own baseline has no new talker.
        var (exit, stdout, _) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--baseline", file, "--format", "json");
        Assert.Equal(0, exit);
        Assert.DoesNotContain(TrustChecks.NewTalker.Id, stdout);

        File.WriteAllText(file, "{\"Talkers\": 3}");
        var bad = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, "--baseline", file);
        Assert.Equal((2, ""), (bad.Exit, bad.Out));
        Assert.StartsWith("vpcsec: TrustBaselineInvalid: baseline file", bad.Err);
        Assert.Single(bad.Err.Trim().Split('\n'));
    }

    [Fact]
    public void A_path_that_matches_nothing_is_a_partial_read_and_exit_2()
    {
        var (exit, _, stderr) = CliRunner.Run("private-trust", "--snapshot", TestPaths.Demo, "--flow-logs", Flows, Path.Combine(Flows, "nothing-*.gz"));
        Assert.Equal(2, exit);
        Assert.Contains("nothing-*.gz", stderr);
    }
}
