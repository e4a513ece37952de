using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Exposure;

/// <summary>
/// Exports checked against the formats' required fields:
/// ASFF — "Required top-level ASFF attributes" (Security Hub user guide) and the AwsSecurityFinding API reference
/// (AwsAccountId 12 chars, Title ≤ 256, Description ≤ 1024, Id ≤ 512, Resources[].Type/Id required);
/// OCSF — base event (activity_id, category_uid, class_uid, metadata, severity_id, time, type_uid), finding
/// (finding_info with uid), metadata (product, version), cloud profile (cloud.provider).
/// </summary>
public class FindingExportTests
{
    private static readonly string[] AsffRequired =
        ["AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn", "Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"];
    private static readonly string[] OcsfRequired =
        ["activity_id", "category_uid", "class_uid", "metadata", "metadata.product", "metadata.version", "severity_id", "time", "type_uid", "finding_info", "finding_info.uid", "cloud.provider"];
    private static readonly string[] AsffSeverityLabels = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];

    private static Finding[] Findings()
    {
        var report = OpenPortAudit.Run(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway"))),
            new AuditOptions { AcceptedFindings = [new AcceptedFinding("SG.Unused", "*", "kept for DR")] });
        return report.Findings.ToArray();
    }

    private static JsonElement Json(object value) => JsonDocument.Parse(JsonSerializer.Serialize(value)).RootElement;

    private static JsonElement? Path(JsonElement e, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(part, out e)) return null;
        }
        return e;
    }

    [Fact]
    public void AsffCarriesEveryRequiredAttributeWithValidValues()
    {
        var findings = Findings();
        Assert.Contains(findings, f => f.ResourceType == Checks.NetworkAclType);
        var time = new DateTimeOffset(2026, 11, 22, 3, 0, 0, TimeSpan.Zero);
        foreach (var f in findings)
        {
            var asff = Json(FindingExport.ToAsff(f, new ExportContext { Time = time }));
            foreach (var name in AsffRequired)
            {
                var v = Path(asff, name);
                Assert.True(v is { } x && x.ValueKind != JsonValueKind.Null && !(x.ValueKind == JsonValueKind.String && x.GetString() == ""), $"{f.CheckId}: {name} missing");
            }
            Assert.Equal("2018-10-08", asff.GetProperty("SchemaVersion").GetString());
            Assert.Matches(new Regex("^[0-9]{12}$"), asff.GetProperty("AwsAccountId").GetString()!);
            Assert.Contains(asff.GetProperty("Severity").GetProperty("Label").GetString(), AsffSeverityLabels);
            Assert.True(asff.GetProperty("Title").GetString()!.Length <= 256);
            Assert.True(asff.GetProperty("Description").GetString()!.Length <= 1024);
            Assert.True(asff.GetProperty("Id").GetString()!.Length <= 512);
            Assert.Equal("2026-11-22T03:00:00.000Z", asff.GetProperty("CreatedAt").GetString());
            Assert.True(DateTimeOffset.TryParse(asff.GetProperty("UpdatedAt").GetString(), CultureInfo.InvariantCulture, out _));
            Assert.StartsWith("arn:aws:securityhub:us-east-2:", asff.GetProperty("ProductArn").GetString());
            var types = asff.GetProperty("Types").EnumerateArray().Select(t => t.GetString()!).ToArray();
            Assert.All(types, t => Assert.StartsWith("Software and Configuration Checks/", t));
            var resource = Assert.Single(asff.GetProperty("Resources").EnumerateArray());
            var type = resource.GetProperty("Type").GetString();
            Assert.Contains(type, new[] { "AwsEc2SecurityGroup", "AwsEc2NetworkAcl", "AwsEc2Instance", "AwsAccount" });
            if (type is "AwsEc2SecurityGroup" or "AwsEc2NetworkAcl")
                Assert.Equal(f.ResourceId, resource.GetProperty("Details").GetProperty(type!).GetProperty(type == "AwsEc2NetworkAcl" ? "NetworkAclId" : "GroupId").GetString());
            Assert.EndsWith((type == "AwsAccount" ? ":" : "/") + f.ResourceId, resource.GetProperty("Id").GetString());
            Assert.Equal(f.Suppressed ? "SUPPRESSED" : "NEW", asff.GetProperty("Workflow").GetProperty("Status").GetString());
            Assert.All(asff.GetProperty("ProductFields").EnumerateObject(), p => Assert.Equal(JsonValueKind.String, p.Value.ValueKind));
        }
    }

    [Fact]
    public void OcsfIsADetectionFindingWithEveryRequiredField()
    {
        foreach (var f in Findings())
        {
            var ocsf = Json(FindingExport.ToOcsf(f));
            foreach (var name in OcsfRequired)
                Assert.True(Path(ocsf, name) is { ValueKind: not JsonValueKind.Null }, $"{f.CheckId}: {name} missing");
            Assert.Equal(2004, ocsf.GetProperty("class_uid").GetInt32());
            Assert.Equal(2, ocsf.GetProperty("category_uid").GetInt32());
            Assert.Equal(2004 * 100 + ocsf.GetProperty("activity_id").GetInt32(), ocsf.GetProperty("type_uid").GetInt32());
            Assert.Equal((int)f.Severity + 1, ocsf.GetProperty("severity_id").GetInt32());
            Assert.Equal(f.Suppressed ? 3 : 1, ocsf.GetProperty("status_id").GetInt32());
            Assert.Equal(f.CheckId, ocsf.GetProperty("finding_info").GetProperty("analytic").GetProperty("uid").GetString());
            Assert.Equal(f.ResourceType, ocsf.GetProperty("resources")[0].GetProperty("type").GetString());
        }
    }

    [Fact]
    public void IdsAreStableAndMissingAccountIsAClearError()
    {
        var f = Findings().First(x => x.CheckId == "SG.SshFromInternet");
        Assert.Equal(FindingExport.ToAsff(f)["Id"], FindingExport.ToAsff(f with { Detail = "changed" })["Id"]);
        Assert.NotEqual(FindingExport.ToAsff(f)["Id"], FindingExport.ToAsff(f with { Ports = "23" })["Id"]);
        var e = Assert.Throws<ArgumentException>(() => FindingExport.ToAsff(f with { AccountId = null }));
        Assert.Contains(f.ResourceId, e.Message);
        Assert.Equal("444455556666", FindingExport.ToOcsf(f with { AccountId = null }, new ExportContext { AccountId = "444455556666" })["cloud"] is Dictionary<string, object?> cloud
            && cloud["account"] is Dictionary<string, object?> account ? account["uid"] : null);
    }

    /// <summary>The TGW capture (exposure Unknown without InternetGateways) and the ENI-only capture (checks not run, two regions).</summary>
    private static Finding[] Unconfirmed() =>
        new[] { "test-transit-gateway", "eni-attribution" }
            .SelectMany(s => OpenPortAudit.Run(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Batfish(s)))).Findings)
            .Where(f => !f.Confirmed).ToArray();

    [Fact]
    public void Unconfirmed_findings_say_so_in_asff_and_ocsf()
    {
        var unconfirmed = Unconfirmed();
        Assert.Contains(unconfirmed, f => f.CheckId == "SG.SshFromInternet");
        // The ENI-only capture lacks sections in two regions; the TGW capture lacks the peering and RDS sections.
        Assert.Equal(3, unconfirmed.Count(f => f.CheckId == "Audit.ChecksNotRun"));
        foreach (var f in unconfirmed)
        {
            var asff = Json(FindingExport.ToAsff(f));
            foreach (var name in AsffRequired) Assert.True(Path(asff, name) is { ValueKind: not JsonValueKind.Null }, $"{f.CheckId}: {name} missing");
            // Security Hub: WARNING = the check could not determine whether the resource passes or fails.
            Assert.Equal("WARNING", asff.GetProperty("Compliance").GetProperty("Status").GetString());
            Assert.Equal(f.MissingData, asff.GetProperty("ProductFields").GetProperty("vpcsec/MissingData").GetString());
            // Rated by the worst the missing data allows: an internet opening whose exposure is unknown, critical.
            Assert.Equal(f.Severity.Label(), asff.GetProperty("Severity").GetProperty("Label").GetString());
            if (f.CheckId.StartsWith("SG.", StringComparison.Ordinal)) Assert.Equal("CRITICAL", asff.GetProperty("Severity").GetProperty("Label").GetString());
            var ocsf = Json(FindingExport.ToOcsf(f));
            Assert.Equal(0, ocsf.GetProperty("confidence_id").GetInt32());
            Assert.Equal(f.MissingData, ocsf.GetProperty("unmapped").GetProperty("vpcsec/MissingData").GetString());
        }
        var gaps = unconfirmed.Where(f => f.CheckId == "Audit.ChecksNotRun").ToArray();
        var resource = Json(FindingExport.ToAsff(gaps[0])).GetProperty("Resources")[0];
        Assert.Equal(("AwsAccount", "AWS::::Account:554773406868"), (resource.GetProperty("Type").GetString(), resource.GetProperty("Id").GetString()));
        // One per region: their ids differ in both formats.
        Assert.NotEqual(FindingExport.StableId(gaps[0]), FindingExport.StableId(gaps[1]));
        var confirmed = Json(FindingExport.ToAsff(Findings().First(x => x.CheckId == "SG.SshFromInternet")));
        Assert.Equal("FAILED", confirmed.GetProperty("Compliance").GetProperty("Status").GetString());
        Assert.False(confirmed.GetProperty("ProductFields").TryGetProperty("vpcsec/MissingData", out _));
    }
}
