using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;
using static VpcSecTools.Tests.Exposure.DemoNetwork;

namespace VpcSecTools.Tests.Exposure;

/// <summary>EC2.ImdsV1Allowed and EC2.ImdsHopLimitAboveOne on the demo (expected.json instance_metadata) and on changed copies of it.</summary>
public class InstanceMetadataChecksTests
{
    private static string Legacy => Id("instance", "legacy");

    [Fact]
    public void The_legacy_host_accepts_imdsv1_and_is_critical_because_the_internet_reaches_it()
    {
        var expected = Expected.GetProperty("instance_metadata").GetProperty("imdsv1").EnumerateArray().Single();
        var f = Audit.Findings.Single(x => x.CheckId == "EC2.ImdsV1Allowed");
        Assert.Equal((expected.GetProperty("instance").GetString(), expected.GetProperty("severity").GetString(), expected.GetProperty("exposure").GetString()),
            (f.ResourceId, f.Severity.Label(), f.ExposureVerdict));
        Assert.True(f.Confirmed);
        Assert.Equal(("AwsEc2Instance", "legacy-admin-01", "MetadataOptions.HttpTokens = optional"), (f.ResourceType, f.ResourceName, f.Rule));
        Assert.Contains($"aws ec2 modify-instance-metadata-options --instance-id {Legacy} --http-tokens required", f.Remediation);
        // The evidence of the rating: the opening and the public address the internet reaches.
        Assert.Contains("tcp 22 from 0.0.0.0/0", f.Detail);
        Assert.Contains("54.145.9.200", f.Detail);
    }

    [Fact]
    public void Hop_limits_above_one_are_flagged_on_instances_with_a_role_only()
    {
        var expected = Expected.GetProperty("instance_metadata").GetProperty("hop_limit_above_one").EnumerateArray()
            .Select(e => e.GetProperty("instance").GetString()!).Order(StringComparer.Ordinal).ToArray();
        var found = Audit.Of("EC2.ImdsHopLimitAboveOne");
        Assert.Equal(expected, found.Select(f => f.ResourceId).Order(StringComparer.Ordinal));
        Assert.All(found, f => Assert.Equal((Severity.Low, true, "MetadataOptions.HttpPutResponseHopLimit = 2"), (f.Severity, f.Confirmed, f.Rule)));
        Assert.All(found, f => Assert.Contains("prod-app-instance", f.Detail));
        // The bastion has hop limit 2 too, but no role whose credentials a container could take.
        Assert.Empty(Audit.Of("EC2.ImdsHopLimitAboveOne", Id("instance", "bastion")));
    }

    [Fact]
    public void Requiring_tokens_with_hop_limit_one_or_disabling_the_endpoint_clears_the_findings()
    {
        var app1 = Id("instance", "app-1");
        var fixedUp = AuditWith(r => r
            .WithInstance(Legacy, i => i with { MetadataOptions = i.MetadataOptions! with { HttpTokens = "required" } })
            .WithInstance(app1, i => i with { MetadataOptions = i.MetadataOptions! with { HttpEndpoint = "disabled", HttpTokens = "optional" } }));
        Assert.Empty(fixedUp.Of("EC2.ImdsV1Allowed"));
        Assert.Empty(fixedUp.Of("EC2.ImdsHopLimitAboveOne", app1));
        var one = AuditWith(r => r.WithInstance(app1, i => i with { MetadataOptions = i.MetadataOptions! with { HttpPutResponseHopLimit = 1 } }));
        Assert.Empty(one.Of("EC2.ImdsHopLimitAboveOne", app1));
    }

    /// <summary>EC2's states and options are read as the index reads states, whatever their case (a hand-edited or converted capture).</summary>
    [Fact]
    public void States_and_options_in_another_case_are_read_as_ec2_s()
    {
        var app1 = Id("instance", "app-1");
        var report = AuditWith(r => r
            .WithInstance(Legacy, i => i with { MetadataOptions = i.MetadataOptions! with { HttpTokens = "Required", HttpPutResponseHopLimit = 1 } })
            .WithInstance(app1, i => i with { MetadataOptions = i.MetadataOptions! with { HttpEndpoint = "Disabled", HttpTokens = "optional" } })
            .WithInstance(Id("terminated_instance"), i => i with { State = i.State! with { Name = "Terminated" } }));
        Assert.Empty(report.Of("EC2.ImdsV1Allowed"));
        Assert.Empty(report.Of("EC2.ImdsHopLimitAboveOne", app1));
        Assert.Empty(report.Of("EC2.ImdsHopLimitAboveOne", Legacy));
    }

    [Theory]
    [InlineData("app-1", Severity.High)]   // a global IPv6 address, but nothing open to the whole internet
    [InlineData("ecs-1", Severity.Medium)] // no public address at all
    public void Imdsv1_elsewhere_is_rated_by_that_instance_s_own_exposure(string key, Severity severity)
    {
        var id = Id("instance", key);
        var f = AuditWith(r => r.WithInstance(id, i => i with { MetadataOptions = i.MetadataOptions! with { HttpTokens = "optional" } })).Of("EC2.ImdsV1Allowed", id).Single();
        Assert.Equal((severity, true), (f.Severity, f.Confirmed));
        Assert.Contains("prod-app-instance", f.Detail);
    }

    [Fact]
    public void An_instance_without_metadata_options_is_judged_by_its_worst_case_and_unconfirmed()
    {
        var report = AuditWith(r => r.WithInstance(Legacy, i => i with { MetadataOptions = null }));
        var f = report.Of("EC2.ImdsV1Allowed", Legacy).Single();
        Assert.Equal((Severity.Critical, false), (f.Severity, f.Confirmed));
        Assert.Contains("has no MetadataOptions", f.MissingData);
        // The terminated instance of the demo has none either, and no metadata service to judge.
        Assert.Empty(Audit.Of("EC2.ImdsV1Allowed", Id("terminated_instance")));
    }

    [Fact]
    public void Without_network_interfaces_the_exposure_is_unknown_and_the_rating_its_worst_case()
    {
        var f = AuditWith(r => r.Without(Section.NetworkInterfaces)).Of("EC2.ImdsV1Allowed", Legacy).Single();
        Assert.Equal((ExposureVerdict.Unknown, Severity.Critical, false), (f.Exposure!.Verdict, f.Severity, f.Confirmed));
        Assert.Contains("NetworkInterfaces", f.MissingData);
    }

    [Fact]
    public void Without_reservations_the_checks_did_not_run_and_the_audit_says_so()
    {
        var report = AuditWith(r => r.Without(Section.Reservations));
        Assert.Empty(report.Of("EC2.ImdsV1Allowed"));
        var gap = report.Of("Audit.ChecksNotRun").Single();
        Assert.Contains("EC2.ImdsV1Allowed", gap.ChecksNotRun);
        Assert.Contains("EC2.ImdsHopLimitAboveOne", gap.ChecksNotRun);
        Assert.Equal(Severity.Critical, gap.Severity);
        Assert.Contains("describe-instances", gap.Remediation);
    }
}
