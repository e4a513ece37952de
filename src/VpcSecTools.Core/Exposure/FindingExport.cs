using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace VpcSecTools.Exposure;

/// <summary>
/// Where and when exported findings come from. Account and region default to the finding's own; they are
/// only needed here when the snapshot did not say (a Batfish folder has no account).
/// </summary>
public sealed record ExportContext
{
    public string? AccountId { get; init; }
    public string? Region { get; init; }
    /// <summary>The ASFF ProductArn; default: the account's own custom-integration ARN in the finding's region.</summary>
    public string? ProductArn { get; init; }
    public DateTimeOffset Time { get; init; } = DateTimeOffset.UtcNow;
    public string Partition { get; init; } = "aws";
}

/// <summary>
/// Exports findings for Security Hub (ASFF, schema 2018-10-08) and for SIEMs (OCSF Detection Finding,
/// class 2004), as ordered dictionaries that serialise to the exact field names of each format.
/// </summary>
public static class FindingExport
{
    /// <summary>
    /// PowerShell type names of the exported documents. They are JSON-shaped objects (PSObject), not .NET types,
    /// so their views in Format.ps1xml select these names.
    /// </summary>
    public const string AsffTypeName = "VpcSecTools.Exposure.AsffFinding", OcsfTypeName = "VpcSecTools.Exposure.OcsfFinding";

    /// <summary>Every view-selectable name that is not a .NET type.</summary>
    public static IReadOnlyList<string> DocumentTypeNames { get; } = [AsffTypeName, OcsfTypeName];

    public const string AsffSchemaVersion = "2018-10-08";
    public const string OcsfVersion = "1.3.0";
    public const int OcsfDetectionFindingClass = 2004;
    private const string Product = "VpcSecTools";

    /// <summary>One finding in the AWS Security Finding Format, ready for BatchImportFindings.</summary>
    public static Dictionary<string, object?> ToAsff(Finding f, ExportContext? context = null)
    {
        var c = context ?? new ExportContext();
        var (account, region) = Where(f, c);
        var time = c.Time.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var resource = new Dictionary<string, object?>
        {
            // ASFF lists the types it details; a DB subnet group is not one of them, so it is Other.
            ["Type"] = f.ResourceType == Checks.DbSubnetGroupType ? "Other" : f.ResourceType,
            ["Id"] = Arn(f, c.Partition, account, region),
            ["Partition"] = c.Partition,
            ["Region"] = region,
            ["Details"] = ResourceDetails(f, account),
        };
        if (f.ResourceName is { Length: > 0 } name) resource["Tags"] = new Dictionary<string, string> { ["Name"] = name };
        var finding = new Dictionary<string, object?>
        {
            ["SchemaVersion"] = AsffSchemaVersion,
            ["Id"] = $"{region}/{account}/{StableId(f)}",
            ["ProductArn"] = c.ProductArn ?? $"arn:{c.Partition}:securityhub:{region}:{account}:product/{account}/default",
            ["ProductName"] = Product,
            ["CompanyName"] = Product,
            ["GeneratorId"] = $"vpcsec/{f.CheckId}",
            ["AwsAccountId"] = account,
            ["Types"] = new[] { f.Traffic is null ? "Software and Configuration Checks/AWS Security Best Practices/Network Reachability" : "Unusual Behaviors/Network Flow" },
            ["CreatedAt"] = time,
            ["UpdatedAt"] = time,
            ["Severity"] = new Dictionary<string, object?> { ["Label"] = f.Severity.Label(), ["Original"] = f.BaseSeverity.Label() },
            ["Title"] = Clip(f.Title, 256),
            ["Description"] = Clip(Describe(f), 1024),
            ["Remediation"] = new Dictionary<string, object?> { ["Recommendation"] = new Dictionary<string, object?> { ["Text"] = Clip(f.Remediation, 512) } },
            ["ProductFields"] = ProductFields(f),
            ["Resources"] = new[] { resource },
            // WARNING is Security Hub's "cannot determine whether it passes or fails": an unconfirmed finding.
            ["Compliance"] = new Dictionary<string, object?> { ["Status"] = f.Confirmed ? "FAILED" : "WARNING", ["RelatedRequirements"] = f.References.Take(32).ToArray() },
            ["Workflow"] = new Dictionary<string, object?> { ["Status"] = f.Suppressed ? "SUPPRESSED" : "NEW" },
            ["RecordState"] = "ACTIVE",
        };
        if (f.Traffic is { } seen) AddObserved(finding, f, seen);
        if (f.Suppressed && f.SuppressedBy is { } why) finding["Note"] = new Dictionary<string, object?> { ["Text"] = Clip(why, 512), ["UpdatedBy"] = Product, ["UpdatedAt"] = time };
        return finding;
    }

    /// <summary>ASFF's own fields for what was observed: when, and the flow (direction, protocol, addresses, port).</summary>
    private static void AddObserved(Dictionary<string, object?> finding, Finding f, FlowEvidence seen)
    {
        static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        if (seen.FirstSeen is { } first) finding["FirstObservedAt"] = Time(first);
        if (seen.LastSeen is { } last) finding["LastObservedAt"] = Time(last);
        // The connection's direction: when the interface opened it, the records' source is the remote end answering, and
        // the port is the remote's, so the interface is the connection's source.
        bool outbound = f.Direction == "Egress";
        var (from, to) = outbound ? (seen.DestinationAddress, seen.SourceAddress) : (seen.SourceAddress, seen.DestinationAddress);
        var network = new Dictionary<string, object?> { ["Direction"] = outbound ? "OUT" : "IN" };
        if (f.Protocol is { Length: > 0 } protocol) network["Protocol"] = protocol.ToUpperInvariant();
        network[from.Contains(':') ? "SourceIpV6" : "SourceIpV4"] = from;
        network[to.Contains(':') ? "DestinationIpV6" : "DestinationIpV4"] = to;
        if (int.TryParse(f.Ports, NumberStyles.None, CultureInfo.InvariantCulture, out int port)) network["DestinationPort"] = port;
        finding["Network"] = network;
    }

    /// <summary>One finding as an OCSF Detection Finding (class 2004, activity Create) with the cloud profile.</summary>
    public static Dictionary<string, object?> ToOcsf(Finding f, ExportContext? context = null)
    {
        var c = context ?? new ExportContext();
        var (account, region) = Where(f, c);
        long epochMs = c.Time.ToUnixTimeMilliseconds();
        const int activity = 1;
        var unmapped = ProductFields(f);
        var ocsf = new Dictionary<string, object?>
        {
            ["activity_id"] = activity,
            ["activity_name"] = "Create",
            ["category_uid"] = 2,
            ["category_name"] = "Findings",
            ["class_uid"] = OcsfDetectionFindingClass,
            ["class_name"] = "Detection Finding",
            ["type_uid"] = OcsfDetectionFindingClass * 100 + activity,
            ["type_name"] = "Detection Finding: Create",
            ["time"] = epochMs,
            ["severity_id"] = f.Severity.OcsfId(),
            ["severity"] = f.Severity.ToString(),
            ["status_id"] = f.Suppressed ? 3 : 1,
            ["status"] = f.Suppressed ? "Suppressed" : "New",
            ["message"] = f.Title,
            ["is_alert"] = !f.Suppressed && f.Severity >= Severity.High,
            // Proven by the snapshot, or rated by its worst case with the data it needs missing (MissingData in unmapped).
            ["confidence_id"] = f.Confirmed ? 3 : 0,
            ["confidence"] = f.Confirmed ? "High" : "Unknown",
            ["metadata"] = new Dictionary<string, object?>
            {
                ["version"] = OcsfVersion,
                ["product"] = new Dictionary<string, object?> { ["name"] = Product, ["vendor_name"] = Product, ["version"] = typeof(FindingExport).Assembly.GetName().Version?.ToString(3) },
                ["profiles"] = new[] { "cloud" },
            },
            ["finding_info"] = new Dictionary<string, object?>
            {
                ["uid"] = StableId(f),
                ["title"] = f.Title,
                ["desc"] = Describe(f),
                ["types"] = new[] { f.CheckId },
                ["created_time"] = epochMs,
                ["analytic"] = new Dictionary<string, object?> { ["uid"] = f.CheckId, ["name"] = f.Title, ["type_id"] = 1, ["type"] = "Rule" },
            },
            ["cloud"] = new Dictionary<string, object?>
            {
                ["provider"] = "AWS",
                ["region"] = region,
                ["account"] = new Dictionary<string, object?> { ["uid"] = account, ["type_id"] = 10, ["type"] = "AWS Account" },
            },
            ["resources"] = new[]
            {
                new Dictionary<string, object?>
                {
                    ["uid"] = Arn(f, c.Partition, account, region),
                    ["name"] = f.ResourceName ?? f.ResourceId,
                    ["type"] = f.ResourceType,
                    ["cloud_partition"] = c.Partition,
                    ["region"] = region,
                    ["data"] = ResourceDetails(f, account),
                },
            },
            ["remediation"] = new Dictionary<string, object?> { ["desc"] = f.Remediation },
            ["unmapped"] = unmapped,
        };
        if (f.Traffic is { } seen)
        {
            // The base event's count of what the finding groups, and the finding's first and last sightings.
            ocsf["count"] = seen.Records;
            var info = (Dictionary<string, object?>)ocsf["finding_info"]!;
            if (seen.FirstSeen is { } first) info["first_seen_time"] = first.ToUnixTimeMilliseconds();
            if (seen.LastSeen is { } last) info["last_seen_time"] = last.ToUnixTimeMilliseconds();
        }
        return ocsf;
    }

    private static (string Account, string Region) Where(Finding f, ExportContext c)
    {
        var account = c.AccountId ?? f.AccountId;
        if (account is null || account.Length != 12 || !account.All(char.IsAsciiDigit))
            throw new ArgumentException($"Finding {f.CheckId} on {f.ResourceId}: the AWS account id is {(account is null ? "unknown" : $"'{account}', not 12 digits")}; pass the account id explicitly.");
        var region = c.Region ?? f.Region;
        if (string.IsNullOrEmpty(region))
            throw new ArgumentException($"Finding {f.CheckId} on {f.ResourceId}: the region is unknown; pass the region explicitly.");
        return (account, region);
    }

    private static string Arn(Finding f, string partition, string account, string region) => f.ResourceType switch
    {
        // ASFF's documented Id of an AwsAccount resource.
        Checks.AccountType => $"AWS::::Account:{account}",
        Checks.NetworkAclType => $"arn:{partition}:ec2:{region}:{account}:network-acl/{f.ResourceId}",
        Checks.InstanceType => $"arn:{partition}:ec2:{region}:{account}:instance/{f.ResourceId}",
        Checks.SubnetType => $"arn:{partition}:ec2:{region}:{account}:subnet/{f.ResourceId}",
        Checks.DbSubnetGroupType => $"arn:{partition}:rds:{region}:{account}:subgrp:{f.ResourceId}",
        Checks.NetworkInterfaceType => $"arn:{partition}:ec2:{region}:{account}:network-interface/{f.ResourceId}",
        Checks.VpcType => $"arn:{partition}:ec2:{region}:{account}:vpc/{f.ResourceId}",
        _ => $"arn:{partition}:ec2:{region}:{account}:security-group/{f.ResourceId}",
    };

    private static Dictionary<string, object?> ResourceDetails(Finding f, string account) => f.ResourceType switch
    {
        // An account has no ASFF details type: Other is a map of strings.
        Checks.AccountType => new Dictionary<string, object?> { ["Other"] = new Dictionary<string, string> { ["Region"] = f.Region ?? "", ["ChecksNotRun"] = string.Join(",", f.ChecksNotRun) } },
        Checks.NetworkAclType => new Dictionary<string, object?> { [f.ResourceType] = new Dictionary<string, object?> { ["NetworkAclId"] = f.ResourceId, ["VpcId"] = f.VpcId, ["OwnerId"] = account } },
        Checks.InstanceType => new Dictionary<string, object?> { [f.ResourceType] = new Dictionary<string, object?> { ["VpcId"] = f.VpcId } },
        Checks.SubnetType => new Dictionary<string, object?> { [f.ResourceType] = new Dictionary<string, object?> { ["SubnetId"] = f.ResourceId, ["VpcId"] = f.VpcId, ["OwnerId"] = account } },
        Checks.DbSubnetGroupType => new Dictionary<string, object?> { ["Other"] = new Dictionary<string, string> { ["DBSubnetGroupName"] = f.ResourceId, ["VpcId"] = f.VpcId ?? "" } },
        Checks.NetworkInterfaceType => new Dictionary<string, object?> { [f.ResourceType] = new Dictionary<string, object?> { ["NetworkInterfaceId"] = f.ResourceId } },
        // ASFF's AwsEc2Vpc details have no VPC id (its ARN names it) and we keep none of its fields: Other is a map of strings.
        Checks.VpcType => new Dictionary<string, object?> { ["Other"] = new Dictionary<string, string> { ["VpcId"] = f.ResourceId } },
        _ => new Dictionary<string, object?> { [f.ResourceType] = new Dictionary<string, object?> { ["GroupId"] = f.ResourceId, ["GroupName"] = f.ResourceName, ["VpcId"] = f.VpcId, ["OwnerId"] = account } },
    };

    /// <summary>Everything specific to the rule and its exposure, as string pairs (ASFF ProductFields are strings).</summary>
    private static Dictionary<string, object?> ProductFields(Finding f)
    {
        var fields = new Dictionary<string, object?> { ["vpcsec/CheckId"] = f.CheckId };
        void Put(string key, string? value) { if (!string.IsNullOrEmpty(value)) fields[key] = value; }
        Put("vpcsec/Direction", f.Direction);
        Put("vpcsec/Rule", f.Rule);
        Put("vpcsec/Protocol", f.Protocol);
        Put("vpcsec/Ports", f.Ports);
        Put("vpcsec/Source", f.Source);
        Put("vpcsec/Exposure", f.ExposureVerdict);
        if (f.Exposure is { } e)
            Put("vpcsec/ExposedNetworkInterfaces", string.Join(",", e.Exposed.Select(x => $"{x.NetworkInterfaceId}:{x.Owner}:{x.PublicAddress}")));
        Put("vpcsec/RelatedGroupIds", string.Join(",", f.RelatedGroupIds));
        Put("vpcsec/SuppressedBy", f.SuppressedBy);
        Put("vpcsec/MissingData", f.MissingData);
        Put("vpcsec/ChecksNotRun", string.Join(",", f.ChecksNotRun));
        if (f.Traffic is { } seen)
        {
            Put("vpcsec/NetworkInterfaceId", seen.NetworkInterfaceId);
            Put("vpcsec/SourceAddress", seen.SourceAddress);
            Put("vpcsec/SourceOwner", seen.SourceOwner);
            Put("vpcsec/EnteredThrough", seen.EnteredThrough);
            Put("vpcsec/Action", seen.Action);
            Put("vpcsec/Records", seen.Records.ToString(CultureInfo.InvariantCulture));
            Put("vpcsec/Bytes", seen.Bytes.ToString(CultureInfo.InvariantCulture));
        }
        return fields;
    }

    private static string Describe(Finding f) =>
        string.IsNullOrWhiteSpace(f.Detail) ? f.Title : f.Detail;

    /// <summary>The same finding gets the same id on every run: check, resource, rule and ports (and the region of an account).</summary>
    public static string StableId(Finding f)
    {
        var key = $"{f.CheckId}|{f.ResourceId}|{f.Direction}|{f.Rule}|{f.Protocol}|{f.Ports}|{f.Source}{(f.ResourceType == Checks.AccountType ? $"|{f.Region}" : "")}";
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..16].ToLowerInvariant();
        return $"{f.CheckId}/{f.ResourceId}/{hash}";
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
