using System.Text.Json;
using VpcSecTools.Errors;
using VpcSecTools.Exposure;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Reachability;
using static VpcSecTools.Tests.PrivateTrust.TrustScenario;

namespace VpcSecTools.Tests.PrivateTrust;

/// <summary>
/// Each finding kind on a small hand-built network and a few flow-log lines: who the source is from the receiving VPC,
/// its trust zone, and the evidence the finding carries (records, bytes, window, the way in, the rule).
/// </summary>
public sealed class PrivateTrustTests
{
    private static DateTimeOffset At(long unixSeconds) => DateTimeOffset.FromUnixTimeSeconds(unixSeconds);

    [Fact]
    public void Another_accounts_peer_reaching_a_database_port_is_other_account_with_the_rule_that_admitted_it()
    {
        using var s = new TrustScenario();
        // The connection's first window (SYN) and a later one (no flags): two groups of one conversation.
        var logs = s.Logs("peer.log",
            Line("eni-b", "10.9.0.5", "10.0.2.20", 40000, 5432),
            Line("eni-b", "10.9.0.5", "10.0.2.20", 40000, 5432, flags: 0, start: T0 + 600, packets: 10, bytes: 1000));
        var report = Run(CrossAccountPeering().Build(), logs);

        var source = Assert.Single(report.Sources);
        Assert.Equal(("10.9.0.5", TrustZone.OtherAccount, "222222222222", "pcx-x"), (source.SourceAddress, source.Zone, source.AccountId, source.EnteredThrough));
        Assert.Equal((2L, 2L, 0L, 1180L), (source.Records, source.AcceptedRecords, source.RejectedRecords, source.Bytes));
        var zone = Assert.Single(report.Zones);
        Assert.Equal((TrustZone.OtherAccount, 1, 1, 1), (zone.Zone, zone.SourceCount, zone.NetworkInterfaceCount, zone.FindingCount));

        var f = Assert.Single(report.Findings, x => x.CheckId == TrustChecks.SensitiveFromOutside.Id);
        Assert.Equal((Severity.High, true, Checks.NetworkInterfaceType, "eni-b", "tcp", "5432"), (f.Severity, f.Confirmed, f.ResourceType, f.ResourceId, f.Protocol, f.Ports));
        // sg-db's second permission (index 1) admits 10.9.0.0/16; the default NACL's rule 100 lets it into subnet-b.
        Assert.StartsWith("sg-db IpPermissions[1] (inbound allow tcp 5432 from 10.9.0.0/16)", f.Rule);
        Assert.EndsWith("; acl-default-vpc-a inbound 100 allow all 0.0.0.0/0", f.Rule);
        Assert.Contains("account 222222222222", f.Detail);
        Assert.Contains("port 5432 is on the sensitive list", f.Detail);
        var t = f.Traffic!;
        Assert.Equal(("10.9.0.5", "10.0.2.20", "eni-b", "ACCEPT", 2L, 13L, 1180L), (t.SourceAddress, t.DestinationAddress, t.NetworkInterfaceId, t.Action, t.Records, t.Packets, t.Bytes));
        Assert.Equal((At(T0), At(T0 + 660)), (t.FirstSeen, t.LastSeen));
        Assert.Equal("pcx-x (rtb-main-vpc-a: 10.9.0.0/16 -> pcx-x (active))", t.EnteredThrough);
    }

    [Fact]
    public void An_attachment_of_another_account_behind_the_transit_gateway_is_other_account()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("tgw.log", Line("eni-b", "10.1.3.7", "10.0.2.20", 51000, 22));
        var report = Run(OtherAccountAttachment().Build(), logs);

        var source = Assert.Single(report.Sources);
        Assert.Equal((TrustZone.OtherAccount, "333333333333"), (source.Zone, source.AccountId));
        Assert.StartsWith("tgw-attach-c (vpc vpc-c) of tgw-1", source.EnteredThrough);
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.SensitiveFromOutside.Id, "22"), (f.CheckId, f.Ports));
        Assert.StartsWith("sg-db IpPermissions[0] (inbound allow tcp 22 from 10.1.0.0/16)", f.Rule);
        Assert.Contains("account 333333333333", f.Detail);
    }

    [Fact]
    public void A_vpn_range_is_on_premises_and_the_model_judges_what_it_sent()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("vpn.log",
            // Admitted by sg-db (5432 from 192.168.0.0/16): sensitive port from on premises.
            Line("eni-b", "192.168.1.9", "10.0.2.20", 40001, 5432),
            // Refused, as sg-db says: consistent with the model, no finding.
            Line("eni-b", "192.168.1.9", "10.0.2.20", 40002, 22, action: "REJECT"),
            // Accepted although no rule of sg-db opens 6000: the model disagrees.
            Line("eni-b", "192.168.1.9", "10.0.2.20", 40003, 6000));
        var report = Run(Vpn().Build(), logs);

        var source = Assert.Single(report.Sources);
        Assert.Equal((TrustZone.OnPremises, "vgw-1 (vpn-9)"), (source.Zone, source.EnteredThrough));
        Assert.Equal((3L, 2L, 1L), (source.Records, source.AcceptedRecords, source.RejectedRecords));
        Assert.Equal(["tcp/22", "tcp/5432", "tcp/6000"], source.Ports);

        Assert.Equal([TrustChecks.AcceptedButNotReachable.Id, TrustChecks.SensitiveFromOutside.Id], report.Findings.Select(f => f.CheckId).Order());
        var sensitive = report.Findings.Single(f => f.CheckId == TrustChecks.SensitiveFromOutside.Id);
        Assert.Equal("5432", sensitive.Ports);
        Assert.Contains("On premises: behind vgw-1", sensitive.Detail);
        var model = report.Findings.Single(f => f.CheckId == TrustChecks.AcceptedButNotReachable.Id);
        Assert.Equal(("6000", "Ingress", Severity.Medium), (model.Ports, model.Direction, model.Severity));
        Assert.StartsWith("sg-db", model.Rule);
        Assert.Contains(ExplanationCodes.SecurityGroupRules, model.Detail);
        Assert.Contains("The source opened it (SYN)", model.Detail);
    }

    /// <remarks>A hand-converted log's 'accept' is neither outcome: a skipped line named by its reason, where the record was dropped with nothing said.</remarks>
    [Fact]
    public void A_record_whose_action_is_neither_accept_nor_reject_is_a_skipped_line_named_by_its_reason()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("vpn.log", Line("eni-b", "192.168.1.9", "10.0.2.20", 40001, 5432), Line("eni-b", "192.168.1.9", "10.0.2.20", 40002, 5432, action: "accept"));
        var warnings = new List<string>();
        var report = PrivateTrustAnalysis.Run(Vpn().Build(), new PrivateTrustRequest { Paths = [logs], Options = new PrivateTrustOptions() },
            () => throw new InvalidOperationException("these tests never call AWS"), new VpcSecTools.FlowLogs.FlowLogRunEvents { Warning = warnings.Add });
        Assert.Equal(1L, Assert.Single(report.Sources).Records);
        Assert.Contains(warnings, w => w.EndsWith(":3: action 'accept' is neither ACCEPT nor REJECT", StringComparison.Ordinal));
    }

    [Fact]
    public void A_source_no_eni_holds_inside_the_vpc_is_unowned_and_an_unknown_interface_sending_from_it_is_named()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("unowned.log",
            Line("eni-b", "10.0.1.99", "10.0.2.20", 40000, 5432),
            Line("eni-b", "10.0.1.99", "10.0.2.20", 40001, 22, action: "REJECT"),
            // The sender's own record, logged at an interface the snapshot does not hold.
            Line("eni-0f00000000000gone", "10.0.1.99", "10.0.2.20", 40000, 5432));
        var report = Run(TwoSubnets().Build(), logs);

        var source = Assert.Single(report.Sources);
        Assert.Equal((TrustZone.NoOwner, "10.0.1.99"), (source.Zone, source.Name));
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.UnownedSourceInVpc.Id, Checks.VpcType, "vpc-a", Severity.High), (f.CheckId, f.ResourceType, f.ResourceId, f.Severity));
        Assert.Equal(("ACCEPT, REJECT", 2L, "eni-b"), (f.Traffic!.Action, f.Traffic.Records, f.Traffic.NetworkInterfaceId));
        Assert.Contains("eni-0f00000000000gone, an interface the snapshot does not hold", f.Detail);
        Assert.Contains("in subnet-a, held by no ENI of the snapshot", f.Detail);
        Assert.Contains(report.Warnings, w => w.StartsWith("1 record(s) of 1 network interface(s) the snapshot does not hold (eni-0f00000000000gone)"));
    }

    [Fact]
    public void An_unowned_source_whose_every_record_was_rejected_is_medium()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("rejected.log", Line("eni-b", "10.0.1.99", "10.0.2.20", 40001, 22, action: "REJECT"));
        var f = Assert.Single(Run(TwoSubnets().Build(), logs).Findings);
        Assert.Equal((TrustChecks.UnownedSourceInVpc.Id, Severity.Medium, Severity.High), (f.CheckId, f.Severity, f.BaseSeverity));
        Assert.Contains("No interface in the logs sent from it", f.Detail);
    }

    [Fact]
    public void A_reject_of_what_the_model_allows_is_a_finding_and_an_allowed_accept_is_none()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("reject.log",
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40000, 5432, action: "REJECT"),
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40001, 5432, start: T0 + 120));
        var report = Run(TwoSubnets().Build(), logs);
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.RejectedButReachable.Id, Severity.Low, "REJECT", 1L), (f.CheckId, f.Severity, f.Traffic!.Action, f.Traffic.Records));
        Assert.Contains("is Reachable", f.Detail);
        Assert.Equal(TrustZone.OwnAccount, Assert.Single(report.Sources).Zone);
    }

    [Fact]
    public void Without_tcp_flags_a_record_disagrees_only_when_both_readings_do()
    {
        using var s = new TrustScenario();
        var logs = s.Write("v2.log", V2Header,
            // i-b answering i-a's connection to 5432: i-a opening to 5432 is Reachable, so the reply is consistent.
            V2Line("eni-a", "10.0.2.20", "10.0.1.10", 5432, 45000),
            // From i-b's port 6000 to i-a's 45001: neither i-b opening to 45001 (sg-client opens nothing) nor i-a opening to 6000
            // (sg-db opens 5432 only) is allowed.
            V2Line("eni-a", "10.0.2.20", "10.0.1.10", 6000, 45001, start: T0 + 60));
        var report = Run(TwoSubnets().Build(), logs);
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.AcceptedButNotReachable.Id, "eni-a", "6000", "Egress"), (f.CheckId, f.ResourceId, f.Ports, f.Direction));
        Assert.Contains("do not say which side opened the connection", f.Detail);
        Assert.Contains("eni-a opening tcp/6000 to 10.0.2.20", f.Detail);
        Assert.Contains("10.0.2.20 opening tcp/45001 to eni-a", f.Detail);
        Assert.Equal(1L, f.Traffic!.Records);
        // In ASFF the connection is eni-a's, outbound to the remote's port 6000.
        var network = JsonDocument.Parse(JsonSerializer.Serialize(FindingExport.ToAsff(f))).RootElement.GetProperty("Network");
        Assert.Equal(("OUT", "10.0.1.10", "10.0.2.20", 6000),
            (network.GetProperty("Direction").GetString(), network.GetProperty("SourceIpV4").GetString(), network.GetProperty("DestinationIpV4").GetString(),
             network.GetProperty("DestinationPort").GetInt32()));
    }

    [Fact]
    public void A_baseline_of_earlier_logs_names_the_new_talker_only()
    {
        using var s = new TrustScenario();
        var network = TwoSubnets().Eni("eni-c", "subnet-a", "10.0.1.11", ["sg-client"], "i-c");
        var baseline = s.Logs("monday.log", Line("eni-b", "10.0.1.10", "10.0.2.20", 40000, 5432));
        var window = s.Logs("tuesday.log",
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40001, 5432, start: T0 + 86_400),
            Line("eni-b", "10.0.1.11", "10.0.2.20", 40002, 5432, start: T0 + 86_460));
        var report = Run(network.Build(), new PrivateTrustRequest { Paths = [window], BaselinePaths = [baseline] });
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.NewTalker.Id, "eni-b", "5432", "Ingress", Severity.Low), (f.CheckId, f.ResourceId, f.Ports, f.Direction, f.Severity));
        Assert.Equal("10.0.1.11", f.Traffic!.SourceAddress);
        Assert.Equal(At(T0 + 86_460), f.Traffic.FirstSeen);
        Assert.Equal(2, report.Talkers.Count);
    }

    [Fact]
    public void A_saved_baseline_and_a_baseline_window_over_the_same_logs_give_the_same_new_talkers()
    {
        using var s = new TrustScenario();
        var network = TwoSubnets().Eni("eni-c", "subnet-a", "10.0.1.11", ["sg-client"], "i-c").Build();
        var logs = s.Logs("day.log",
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40000, 5432),
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40001, 5432, start: T0 + 7200),
            Line("eni-b", "10.0.1.11", "10.0.2.20", 40002, 5432, start: T0 + 7200));
        var noon = At(T0 + 3600);
        var morning = Run(network, new PrivateTrustRequest { Paths = [logs], Until = noon });
        var file = s.File("morning.baseline.json");
        new TrustBaseline { Talkers = morning.Talkers, FirstSeen = morning.FirstSeen, LastSeen = morning.LastSeen }.Save(file);
        var loaded = TrustBaseline.Load(file);
        Assert.Equal(("10.0.1.10", "eni-b"), (Assert.Single(loaded.Talkers).SourceAddress, loaded.Talkers[0].NetworkInterfaceId));
        Assert.Equal((At(T0), At(T0 + 60)), (loaded.FirstSeen, loaded.LastSeen));

        var fromFile = Run(network, new PrivateTrustRequest { Paths = [logs], Since = noon, BaselineFile = file });
        var fromWindow = Run(network, new PrivateTrustRequest { Paths = [logs], Since = noon, BaselineUntil = noon });
        foreach (var report in new[] { fromFile, fromWindow })
            Assert.Equal("10.0.1.11", Assert.Single(report.Findings, f => f.CheckId == TrustChecks.NewTalker.Id).Traffic!.SourceAddress);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("[]", "must hold a JSON object")]
    [InlineData("{\"Version\": 1}", "Talkers: expected an array")]
    [InlineData("{\"Talkers\": [{\"SourceAddress\": \"10.0.1.10\", \"NetworkInterfaceId\": \"eni-b\"}, {\"SourceAddress\": \"10.0.1\", \"NetworkInterfaceId\": \"eni-b\"}]}", "Talkers[1].SourceAddress: '10.0.1'")]
    [InlineData("{\"Talkers\": [{\"SourceAddress\": \"10.0.1.10\"}]}", "Talkers[0].NetworkInterfaceId: missing")]
    [InlineData("{\"Version\": 2, \"Talkers\": []}", "Version 2")]
    public void A_baseline_file_that_cannot_be_used_names_the_file_and_the_member(string content, string expected)
    {
        using var s = new TrustScenario();
        var path = s.Write("bad.json", content);
        var e = Assert.Throws<TrustBaselineException>(() => TrustBaseline.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
        Assert.Equal((ErrorCatalog.TrustBaselineInvalid, (object?)path), (ErrorCatalog.Classify(e).ErrorId, ErrorCatalog.Classify(e).Target));
    }

    [Fact]
    public void Records_not_addressed_to_the_interface_public_sources_and_nodata_are_not_sources_and_bad_lines_are_counted()
    {
        using var s = new TrustScenario();
        var logs = s.Logs("mixed.log",
            Line("eni-b", "10.0.1.10", "10.0.2.20", 40000, 5432),
            // Through eni-b, not to it (eni-b does not hold 10.0.2.99).
            Line("eni-b", "10.0.1.10", "10.0.2.99", 40000, 5432),
            // From the internet.
            Line("eni-b", "198.51.100.7", "10.0.2.20", 40000, 5432),
            $"5 {Own} eni-b - - - - - - - 1700000000 1700000060 - NODATA -",
            // Malformed: a port past 65535 is skipped and counted by the reader.
            $"5 {Own} eni-b 10.0.1.10 10.0.2.20 40000 70000 6 3 180 1700000000 1700000060 ACCEPT OK 2");
        var request = new PrivateTrustRequest { Paths = [logs] };
        var warnings = new List<string>();
        var report = PrivateTrustAnalysis.Run(TwoSubnets().Build(), request, () => throw new InvalidOperationException(),
            new VpcSecTools.FlowLogs.FlowLogRunEvents { Warning = warnings.Add });
        var source = Assert.Single(report.Sources);
        Assert.Equal(("10.0.1.10", 1L), (source.SourceAddress, source.Records));
        Assert.Empty(report.Findings);
        Assert.Contains("1 record(s) from internet addresses and 1 record(s) not addressed to the interface", report.Notes[0]);
        Assert.Contains(warnings, w => w.StartsWith("1 malformed line(s) skipped"));
        Assert.Contains(warnings, w => w.Contains(":6: port '70000' is out of range"));
    }

    [Fact]
    public void A_source_whose_space_is_unknown_gives_an_unconfirmed_finding_with_the_reason()
    {
        using var s = new TrustScenario();
        var n = CrossAccountPeering();
        // The peering's far side without an owner account: whose space it is cannot be told.
        n.Peerings[0] = n.Peerings[0] with { AccepterVpcInfo = n.Peerings[0].AccepterVpcInfo! with { OwnerId = null } };
        var report = Run(n.Build(), s.Logs("unknown.log", Line("eni-b", "10.9.0.5", "10.0.2.20", 40000, 5432)));
        Assert.Equal(TrustZone.Unknown, Assert.Single(report.Sources).Zone);
        var f = Assert.Single(report.Findings);
        Assert.Equal((TrustChecks.SensitiveFromOutside.Id, false, Severity.High), (f.CheckId, f.Confirmed, f.Severity));
        Assert.Contains("does not record its owner account", f.MissingData);
        Assert.True(report.HasUnconfirmed(Severity.High));
        Assert.False(report.HasConfirmed(Severity.Low));
    }

    [Fact]
    public void A_data_store_is_named_by_its_owner_a_name_or_a_tag()
    {
        using var s = new TrustScenario();
        var n = CrossAccountPeering();
        // A port no list calls sensitive, to an ENI named as a database.
        n.SecurityGroups[1] = n.SecurityGroups[1] with { IpPermissions = [TestNetwork.Tcp(7777, "10.9.0.0/16")] };
        n.Enis[1] = n.Enis[1] with { TagSet = [new VpcSecTools.Snapshot.Tag { Key = "Name", Value = "orders-db-1" }] };
        var logs = s.Logs("store.log", Line("eni-b", "10.9.0.5", "10.0.2.20", 40000, 7777));
        var named = Assert.Single(Run(n.Build(), logs).Findings);
        Assert.Contains("eni-b is a data store: named 'orders-db-1' (matches '*db*')", named.Detail);
        Assert.Empty(Run(n.Build(), logs, new PrivateTrustOptions { DataStoreNames = [] }).Findings);
        var tagged = Run(n.Build(), logs, new PrivateTrustOptions { DataStoreNames = [], DataStoreTags = ["Name=orders-*"] });
        Assert.Contains("tagged Name=orders-db-1 (matches 'Name=orders-*')", Assert.Single(tagged.Findings).Detail);
    }
}
