using VpcSecTools.Snapshot;

namespace VpcSecTools.FlowLogs;

/// <summary>Whether a resource's traffic is recorded by flow logs.</summary>
public enum CoverageStatus
{
    /// <summary>Every traffic type (ACCEPT and REJECT) is logged.</summary>
    Covered,
    /// <summary>Only ACCEPT or only REJECT traffic is logged.</summary>
    Partial,
    NotCovered,
    /// <summary>The snapshot did not capture describe-flow-logs for the region: nothing can be said.</summary>
    Unknown,
}

/// <summary>
/// The flow-log coverage of one VPC, subnet or ENI: the flow logs that record its traffic (on the resource
/// itself or inherited from its subnet or VPC), where they deliver, in which format, and the finding if any.
/// </summary>
public sealed record FlowLogCoverage
{
    public string Region { get; init; } = "";
    /// <summary>
    /// <c>VPC</c>, <c>Subnet</c> or <c>NetworkInterface</c>; <c>Region</c> (Unknown) for the resources a region could
    /// not list because describe-vpcs, -subnets or -network-interfaces is missing.
    /// </summary>
    public string ResourceType { get; init; } = "";
    public string ResourceId { get; init; } = "";
    public string? VpcId { get; init; }
    public CoverageStatus Status { get; init; }
    /// <summary><c>ALL</c>, <c>ACCEPT</c> or <c>REJECT</c>: the union of the active flow logs' traffic types.</summary>
    public string? TrafficType { get; init; }
    public ValueList<string> FlowLogIds { get; init; } = [];
    /// <summary>The resource each flow log is attached to (this one, its subnet or its VPC), in FlowLogIds order.</summary>
    public ValueList<string> AttachedTo { get; init; } = [];
    /// <summary>Destination type and place of each flow log (<c>s3:arn:aws:s3:::bucket</c>, <c>cloud-watch-logs:group</c>).</summary>
    public ValueList<string> Destinations { get; init; } = [];
    /// <summary>Each flow log's LogFormat, or <c>default</c> for the v2 format.</summary>
    public ValueList<string> Formats { get; init; } = [];
    /// <summary>A problem worth acting on (a VPC without flow logs, partial traffic, failing delivery, coverage Unknown), or null.</summary>
    public string? Finding { get; init; }
    /// <summary>Why the status is what it is, naming the evidence.</summary>
    public string Reason { get; init; } = "";
}

/// <summary>Works out flow-log coverage from a snapshot's describe-flow-logs, VPCs, subnets and ENIs.</summary>
public static class FlowLogCoverageAnalysis
{
    /// <summary>
    /// One row per VPC, then its subnets, then their ENIs (optionally only those of <paramref name="vpcIds"/>).
    /// Flow logs that are not ACTIVE do not cover anything. What the snapshot cannot tell is Unknown and a finding:
    /// every row of a region without describe-flow-logs, and one Region row where VPCs, subnets or ENIs were not
    /// captured and some of them may be uncovered (their rows are missing, not absent).
    /// </summary>
    public static IReadOnlyList<FlowLogCoverage> Analyse(SnapshotIndex index, IReadOnlyCollection<string>? vpcIds = null)
    {
        var rows = new List<FlowLogCoverage>();
        foreach (var region in index.Snapshot.Regions)
        {
            var byResource = region.FlowLogs.Where(f => f.ResourceId is not null)
                .ToLookup(f => f.ResourceId!, StringComparer.Ordinal);
            bool known = region.Has(Section.FlowLogs);
            // Without describe-vpcs or describe-subnets, the VPCs and subnets the other sections name are still listed.
            var subnets = region.Subnets.Select(s => (s.SubnetId, s.VpcId))
                .Concat(region.NetworkInterfaces.Where(e => e.SubnetId is not null && e.VpcId is not null).Select(e => (SubnetId: e.SubnetId!, VpcId: e.VpcId!)))
                .DistinctBy(s => s.SubnetId).ToArray();
            var vpcs = region.Vpcs.Select(v => v.VpcId).Concat(subnets.Select(s => s.VpcId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
            var regionRows = new List<FlowLogCoverage>();
            foreach (var vpc in vpcs)
            {
                if (vpcIds is { Count: > 0 } && !vpcIds.Contains(vpc)) continue;
                regionRows.Add(Row(region.Region, "VPC", vpc, vpc, [vpc], byResource, known));
                foreach (var subnet in subnets.Where(s => s.VpcId == vpc).Select(s => s.SubnetId).Order(StringComparer.Ordinal))
                {
                    regionRows.Add(Row(region.Region, "Subnet", subnet, vpc, [subnet, vpc], byResource, known));
                    foreach (var eni in region.NetworkInterfaces.Where(e => e.SubnetId == subnet).OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal))
                        regionRows.Add(Row(region.Region, "NetworkInterface", eni.NetworkInterfaceId, vpc,
                            [eni.NetworkInterfaceId, subnet, vpc], byResource, known));
                }
            }
            if (Unlisted(index, region, regionRows, vpcIds) is { } unlisted) rows.Add(unlisted);
            rows.AddRange(regionRows);
        }
        return rows;
    }

    /// <summary>
    /// The Region row for resources a region could not list: VPCs without describe-vpcs (one the other sections do not
    /// name may exist), subnets or ENIs without their describe call in a VPC whose own flow logs do not cover everything.
    /// </summary>
    private static FlowLogCoverage? Unlisted(SnapshotIndex index, RegionInventory region, List<FlowLogCoverage> listed, IReadOnlyCollection<string>? vpcIds)
    {
        var missing = new[] { Section.Vpcs, Section.Subnets, Section.NetworkInterfaces }.Where(s => !region.Has(s)).ToArray();
        if (missing.Length == 0) return null;
        bool vpcsUnlisted = !region.Has(Section.Vpcs) && (vpcIds is not { Count: > 0 }
            || vpcIds.Any(v => !listed.Any(x => x.ResourceId == v) && (index.RegionOf(v) is not { } r || ReferenceEquals(r, region))));
        bool partsUnlisted = (!region.Has(Section.Subnets) || !region.Has(Section.NetworkInterfaces))
            && listed.Any(r => r.ResourceType == "VPC" && r.Status != CoverageStatus.Covered);
        if (!vpcsUnlisted && !partsUnlisted) return null;
        var what = $"{string.Join(", ", missing)} of {region.Region} were not captured";
        return new FlowLogCoverage
        {
            Region = region.Region, ResourceType = "Region", ResourceId = region.Region, Status = CoverageStatus.Unknown,
            Finding = $"flow-log coverage is Unknown for what the region could not list: {what}",
            Reason = $"{what}: {(vpcsUnlisted ? "VPCs no other section names are not listed" : "the subnets and network interfaces of VPCs that do not log all their traffic are not all listed")}",
        };
    }

    private static FlowLogCoverage Row(string region, string type, string id, string vpcId, string[] scopes,
        ILookup<string, FlowLog> byResource, bool known)
    {
        var row = new FlowLogCoverage { Region = region, ResourceType = type, ResourceId = id, VpcId = vpcId };
        if (!known)
            return row with
            {
                Status = CoverageStatus.Unknown, Reason = $"the snapshot has no describe-flow-logs for {region}",
                Finding = $"flow-log coverage is Unknown: the snapshot has no describe-flow-logs for {region}",
            };
        var logs = scopes.SelectMany(s => byResource[s].Select(f => (Scope: s, Log: f))).ToList();
        var active = logs.Where(l => l.Log.FlowLogStatus is null || l.Log.FlowLogStatus.Equals("ACTIVE", StringComparison.OrdinalIgnoreCase)).ToList();
        var types = active.Select(l => (l.Log.TrafficType ?? "ALL").ToUpperInvariant()).ToHashSet();
        string? traffic = types.Contains("ALL") || (types.Contains("ACCEPT") && types.Contains("REJECT")) ? "ALL" : types.SingleOrDefault();
        var status = active.Count == 0 ? CoverageStatus.NotCovered : traffic == "ALL" ? CoverageStatus.Covered : CoverageStatus.Partial;
        var failing = active.Where(l => l.Log.DeliverLogsStatus is { } d && !d.Equals("SUCCESS", StringComparison.OrdinalIgnoreCase)).ToList();
        string? finding = status switch
        {
            CoverageStatus.NotCovered when type == "VPC" => "VPC has no active flow log: its traffic is not recorded",
            CoverageStatus.Partial => $"only {traffic} traffic is logged",
            _ when failing.Count > 0 => $"flow log {failing[0].Log.FlowLogId} delivery status is {failing[0].Log.DeliverLogsStatus}" +
                (failing[0].Log.DeliverLogsErrorMessage is { } m ? $": {m}" : ""),
            _ => null,
        };
        string reason = active.Count == 0
            ? logs.Count == 0 ? $"no flow log is attached to {string.Join(", ", scopes)}"
                : $"flow logs {string.Join(", ", logs.Select(l => l.Log.FlowLogId))} are not ACTIVE"
            : string.Join("; ", active.Select(l => $"{l.Log.FlowLogId} on {l.Scope} logs {l.Log.TrafficType ?? "ALL"}"));
        return row with
        {
            Status = status,
            TrafficType = traffic,
            FlowLogIds = active.Select(l => l.Log.FlowLogId).ToList(),
            AttachedTo = active.Select(l => l.Scope).ToList(),
            Destinations = active.Select(l => $"{l.Log.LogDestinationType ?? "cloud-watch-logs"}:{l.Log.LogDestination ?? l.Log.LogGroupName}").ToList(),
            Formats = active.Select(l => l.Log.LogFormat ?? "default").ToList(),
            Finding = finding,
            Reason = reason,
        };
    }

    /// <summary>The format to read a flow log's records with: its LogFormat, or the v2 default.</summary>
    public static FlowLogFormat FormatOf(FlowLog log) =>
        string.IsNullOrWhiteSpace(log.LogFormat) ? FlowLogFormat.Default : FlowLogFormat.Parse(log.LogFormat);
}
