using System.CommandLine;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Errors;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec ipmap</c>: every private address and its owner, who given addresses could be, or the CIDR overlaps.</summary>
public static class IpMapCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var vpcIds = new Option<string[]>("--vpc-id") { Description = "Only addresses of these VPCs (map).", AllowMultipleArgumentsPerToken = true };
        var subnetIds = new Option<string[]>("--subnet-id") { Description = "Only addresses of these subnets (map).", AllowMultipleArgumentsPerToken = true };
        var ips = new Option<string[]>("--ip") { Description = "Addresses to attribute instead of listing the map.", AllowMultipleArgumentsPerToken = true };
        var fromVpc = new Option<string>("--from-vpc") { Description = "The VPC to see the addresses from (default: the VPC holding or containing each)." };
        var overlap = new Option<bool>("--overlap") { Description = "List overlapping CIDRs among VPCs, peers, TGW and VPN ranges." };
        var ipRanges = new Option<string>("--ip-ranges") { Description = "An ip-ranges.json (plain or .gz) instead of the bundled copy." };
        var format = SnapshotCommand.FormatOption();
        var command = new Command("ipmap", "Every private IP and its owner; or who an address could be, seen from a VPC.")
        {
            snapshot, vpcIds, subnetIds, ips, fromVpc, overlap, ipRanges, format,
        };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            var json = parse.GetValue(format) == "json";
            var addresses = parse.GetValue(ips) ?? [];
            if (!parse.GetValue(overlap) && addresses.Length == 0)
            {
                var (vpcs, subnets, _) = ScopeIds.Held(index, vpcIds: parse.GetValue(vpcIds), subnetIds: parse.GetValue(subnetIds));
                var map = new PrivateIpMap(index);
                WriteMap(map.Select(vpcs.ToArray(), subnets.ToArray()).ToArray(), json, stdout);
                // A region without its network interfaces is missing from the map, not empty: say so, exit Unknown.
                var gaps = map.GapsFor(vpcs.ToArray(), subnets.ToArray()).ToArray();
                foreach (var gap in gaps) stderr.WriteLine($"vpcsec: warning: {gap}");
                return gaps.Length > 0 ? Program.Unknown : Program.Ok;
            }
            var attributor = new AddressAttributor(index, AwsIpRangeSet.LoadOrBundled(parse.GetValue(ipRanges)));
            if (parse.GetValue(overlap))
            {
                WriteOverlaps(CidrOverlapReport.Find(attributor), json, stdout);
                var unseen = CidrOverlapReport.Gaps(attributor);
                foreach (var gap in unseen) stderr.WriteLine($"vpcsec: warning: {gap}");
                return unseen.Count > 0 ? Program.Unknown : Program.Ok;
            }
            return Attribute(attributor, addresses, parse.GetValue(fromVpc), json, stdout, stderr);
        }));
        return command;
    }

    /// <summary>
    /// Attributes each address; a bad one is one stderr line (exit 2 at the end), the rest are still answered. An
    /// answer the snapshot cannot give (scope Unknown) exits 3.
    /// </summary>
    public static int Attribute(AddressAttributor attributor, IReadOnlyList<string> addresses, string? fromVpc, bool json, TextWriter stdout, TextWriter stderr)
    {
        var results = new List<AddressAttribution>();
        int failed = 0;
        foreach (var address in addresses)
        {
            try { results.Add(attributor.Attribute(address, fromVpc)); }
            catch (InvalidIpAddressException e)
            {
                failed++;
                stderr.WriteLine($"vpcsec: {ErrorCatalog.InvalidIpAddress}: {e.Message}");
            }
        }
        if (json) CliOutput.WriteJson(results, stdout);
        else
            CliOutput.WriteTable(["IpAddress", "FromVpcId", "Scope", "VpcId", "Owner", "Detail", "Route"],
                results.Select(r => (IReadOnlyList<string>)[r.IpAddress, r.FromVpcId ?? "-", r.Scope.ToString(), r.VpcId ?? "-", OwnerText(r), DetailText(r), r.Route ?? "-"]),
                stdout);
        return failed > 0 ? Program.Error : results.Any(r => r.Scope == AttributionScope.Unknown) ? Program.Unknown : Program.Ok;
    }

    private static void WriteMap(IReadOnlyList<PrivateIpMapEntry> entries, bool json, TextWriter stdout)
    {
        if (json) { CliOutput.WriteJson(entries, stdout); return; }
        CliOutput.WriteTable(["Address", "Kind", "NetworkInterfaceId", "SubnetId", "VpcId", "OwnerType", "OwnerResourceId", "OwnerName", "PublicIp"],
            entries.Select(e => (IReadOnlyList<string>)
            [
                e.IpAddress, e.Kind.ToString(), e.NetworkInterfaceId, e.SubnetId ?? "-", e.VpcId ?? "-",
                e.OwnerSubtype is null ? e.OwnerType.ToString() : $"{e.OwnerType}/{e.OwnerSubtype}", e.OwnerResourceId ?? "-", e.OwnerName ?? "-", e.PublicIp ?? "-",
            ]), stdout);
    }

    private static void WriteOverlaps(IReadOnlyList<CidrOverlap> overlaps, bool json, TextWriter stdout)
    {
        if (json) { CliOutput.WriteJson(overlaps, stdout); return; }
        CliOutput.WriteTable(["Cidr", "Source", "OtherCidr", "OtherSource", "SeenFrom", "Effect"],
            overlaps.Select(o => (IReadOnlyList<string>)
            [
                o.Cidr, $"{o.SourceKind} {o.Source}", o.OtherCidr, $"{o.OtherSourceKind} {o.OtherSource}",
                o.SeenFrom.Count == 0 ? "-" : string.Join(",", o.SeenFrom), o.Effect,
            ]), stdout);
    }

    private static string OwnerText(AddressAttribution r) =>
        r.Owner is { } o ? $"{o.OwnerType}{(o.OwnerSubtype is null ? "" : "/" + o.OwnerSubtype)} {o.OwnerResourceId ?? o.NetworkInterfaceId}" : "-";

    private static string DetailText(AddressAttribution r) => r.Scope switch
    {
        AttributionScope.ReservedAddress => r.ReservedRole ?? "-",
        AttributionScope.PeeredVpc => r.VpcPeeringConnectionId ?? "-",
        AttributionScope.TransitGateway => $"{r.TransitGatewayAttachmentId} ({r.TransitGatewayAttachmentType} {r.TransitGatewayAttachmentResourceId})",
        AttributionScope.Vpn => r.VpnGatewayId ?? "-",
        AttributionScope.AwsService => $"{r.Service} {r.Region} {r.AwsPrefix}",
        AttributionScope.Ambiguous => string.Join(" | ", r.Candidates.Select(c => $"{c.Scope} {c.VpcId}")),
        _ => r.Reason ?? "-",
    };
}
