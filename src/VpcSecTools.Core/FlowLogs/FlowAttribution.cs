using System.Collections.Concurrent;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.FlowLogs;

/// <summary>
/// Says who the addresses of flow records and groups are (<c>-Attribute</c>), as the VPC of the record's network
/// interface sees them: an ENI's owner, a peered VPC, a transit-gateway attachment, an AWS service range, the
/// internet. Each distinct (address, VPC) is attributed once, so a million records cost as many lookups as they
/// have distinct addresses.
/// </summary>
/// <param name="index">The network.</param>
/// <param name="ranges">AWS ip-ranges (the bundled copy by default).</param>
/// <param name="viewpoint">
/// The VPC whose flow logs were read, when one is known (the query's VPC, or the one VPC of the flow logs read): groups
/// that do not say which interface or VPC saw them are seen from it.
/// </param>
public sealed class FlowAttribution(SnapshotIndex index, AwsIpRangeSet? ranges = null, string? viewpoint = null)
{
    /// <summary>The VPC groups without interface-id or vpc-id are seen from (null: from the VPC that holds each address).</summary>
    public string? Viewpoint { get; } = viewpoint;

    /// <summary>
    /// The PowerShell type names of attributed records and groups (a FlowRecord or FlowGroup with owner properties
    /// added), so the module's format file can show the owner columns; binned groups show their bin as well.
    /// </summary>
    public static readonly string RecordTypeName = typeof(FlowRecord).FullName + "#Attributed", GroupTypeName = typeof(FlowGroup).FullName + "#Attributed",
        BinnedGroupTypeName = FlowGroup.BinnedTypeName + "#Attributed";

    private readonly AddressAttributor _attributor = new(index, ranges ?? AwsIpRangeSet.Bundled);
    private readonly ConcurrentDictionary<(string Address, string? Vpc), AddressAttribution> _seen = new();

    /// <summary>The address fields a group can be attributed on.</summary>
    private static readonly HashSet<string> AddressFields = ["srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr"];

    /// <summary>
    /// Who <paramref name="address"/> is, seen from the VPC of <paramref name="interfaceId"/> (else <paramref name="vpcId"/>,
    /// else the attributor's choice); null for a missing or malformed address.
    /// </summary>
    public AddressAttribution? Of(string? address, string? interfaceId = null, string? vpcId = null)
    {
        if (address is null || !IpAddress.TryParse(address, out var ip)) return null;
        var from = interfaceId is not null && index.NetworkInterfaces.TryGetValue(interfaceId, out var eni) ? eni.VpcId : null;
        from ??= vpcId is not null && index.Vpcs.ContainsKey(vpcId) ? vpcId : null;
        return _seen.GetOrAdd((address, from), k => _attributor.Attribute(ip, k.Vpc));
    }

    /// <summary>The source and destination of a record.</summary>
    public (AddressAttribution? Source, AddressAttribution? Destination) Of(FlowRecord record) =>
        (Of(record.SourceAddress, record.InterfaceId, record.VpcId), Of(record.DestinationAddress, record.InterfaceId, record.VpcId));

    /// <summary>
    /// For each field of a group, who its value is when the field is an address (srcaddr, dstaddr, pkt-srcaddr,
    /// pkt-dstaddr), else null. Seen from the group's interface-id or vpc-id when it is grouped by one, else from
    /// <see cref="Viewpoint"/>, else from the VPC that holds each address (the attribution's FromVpcId says which).
    /// </summary>
    public IReadOnlyList<AddressAttribution?> Of(FlowGroup group)
    {
        var eni = group["interface-id"];
        var vpc = group["vpc-id"] ?? (eni is null ? Viewpoint : null);
        return group.Fields.Select((f, i) => AddressFields.Contains(f) ? Of(group.Values[i], eni, vpc) : null).ToList();
    }

    /// <summary>Whether groups by these fields say which VPC saw their records (an interface-id or vpc-id field).</summary>
    public static bool HasViewpointField(IEnumerable<string> awsFieldNames) => awsFieldNames.Any(f => f is "interface-id" or "vpc-id");

    /// <summary>Whether a group has any field <see cref="Of(FlowGroup)"/> attributes.</summary>
    public static bool HasAddressField(IEnumerable<string> awsFieldNames) => awsFieldNames.Any(AddressFields.Contains);
}
