using System.Management.Automation;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Lists every private IP address of a network with its owner, or says who an address could be.</para>
/// <para type="description">Without -IpAddress, emits one object per address of every network interface (primary and
/// secondary IPv4, IPv6, delegated prefixes) with its subnet, VPC, account, owner (instance, NAT gateway, load balancer,
/// endpoint, Lambda...), public IP, security groups and source/destination check. With -IpAddress (or addresses piped in,
/// including flow-log records with SourceAddress/DestinationAddress), attributes each address as seen from a VPC:
/// ThisVpc, ReservedAddress, UnassignedInVpc, PeeredVpc, TransitGateway, Vpn, AwsService, Public, Ambiguous or Unknown,
/// with the route that led there. With -Overlap, lists overlapping CIDRs and the attributions they make ambiguous.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "VpcPrivateIpMap", DefaultParameterSetName = MapSet)]
[OutputType(typeof(PrivateIpMapEntry), ParameterSetName = [MapSet])]
[OutputType(typeof(AddressAttribution), ParameterSetName = [AttributeSet])]
[OutputType(typeof(CidrOverlap), ParameterSetName = [OverlapSet])]
public sealed class GetVpcPrivateIpMapCommand : SnapshotCmdlet
{
    private const string MapSet = "Map", AttributeSet = "Attribute", OverlapSet = "Overlap";

    // The map's scope comes from the command line only: a piped object is attributed by its own addresses,
    // never widened to the whole VPC or subnet it names.

    /// <summary>Only addresses of these VPCs.</summary>
    [Parameter(ParameterSetName = MapSet)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Only addresses of these subnets.</summary>
    [Parameter(ParameterSetName = MapSet)]
    [ValidateNotNullOrEmpty]
    public string[]? SubnetId { get; set; }

    /// <summary>Addresses to attribute (IPv4 or IPv6); also from the pipeline, or from objects' IpAddress / PrivateIpAddress.</summary>
    [Parameter(ParameterSetName = AttributeSet, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PrivateIpAddress")]
    public TextValue[]? IpAddress { get; set; }

    /// <summary>A flow record's source address (bound from piped objects with a SourceAddress property).</summary>
    [Parameter(ParameterSetName = AttributeSet, ValueFromPipelineByPropertyName = true)]
    public string? SourceAddress { get; set; }

    /// <summary>A flow record's destination address (bound from piped objects with a DestinationAddress property).</summary>
    [Parameter(ParameterSetName = AttributeSet, ValueFromPipelineByPropertyName = true)]
    public string? DestinationAddress { get; set; }

    /// <summary>The VPC to see the addresses from. Default: the VPC whose ENI holds the address, else the VPC containing it, else the only VPC.</summary>
    [Parameter(ParameterSetName = AttributeSet)]
    [ValidateNotNullOrEmpty]
    public string? FromVpcId { get; set; }

    /// <summary>List overlapping CIDRs among the VPCs, their peers and the ranges behind transit gateways and VPNs.</summary>
    [Parameter(ParameterSetName = OverlapSet, Mandatory = true)]
    public SwitchParameter Overlap { get; set; }

    /// <summary>An ip-ranges.json file (plain or .gz) to use instead of the copy bundled with the module.</summary>
    [Parameter(ParameterSetName = AttributeSet)]
    [Parameter(ParameterSetName = OverlapSet)]
    [ValidateNotNullOrEmpty]
    public string? IpRangesPath { get; set; }

    private AddressAttributor? _attributor;
    private readonly HashSet<string> _seenSourceDestination = new(StringComparer.Ordinal);

    private AddressAttributor Attributor => _attributor ??= new AddressAttributor(Index, IpRangesPath is null ? AwsIpRangeSet.Bundled
        : Concerning(IpRangesPath, () => AwsIpRangeSet.LoadOrBundled(GetUnresolvedProviderPathFromPSPath(IpRangesPath))));

    protected override void Process()
    {
        switch (ParameterSetName)
        {
            case MapSet:
                var vpcs = Held(ScopeIds.Of(VpcId), Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
                var subnets = Held(ScopeIds.Of(SubnetId), Index.Subnets, Section.Subnets, ResourceNotInSnapshotException.Subnet);
                if (vpcs is { Count: 0 } || subnets is { Count: 0 }) return;
                WriteObject(Attributor.Map.Select(vpcs, subnets), enumerateCollection: true);
                foreach (var gap in Attributor.Map.GapsFor(vpcs, subnets)) WriteWarning(gap);
                break;
            case OverlapSet:
                WriteObject(CidrOverlapReport.Find(Attributor), enumerateCollection: true);
                foreach (var gap in CidrOverlapReport.Gaps(Attributor)) WriteWarning(gap);
                break;
            default:
                ForEachInput(AddressesOfThisRecord(), address => WriteObject(Attributor.Attribute(address, FromVpcId)));
                break;
        }
    }

    /// <summary>A flow record gives its two ends, each distinct address once per call; anything else gives -IpAddress.</summary>
    private IEnumerable<string> AddressesOfThisRecord()
    {
        if (SourceAddress is not null || DestinationAddress is not null)
            return new[] { SourceAddress, DestinationAddress }.OfType<string>().Where(a => a != "-" && _seenSourceDestination.Add(a)).ToArray();
        return IpAddress?.Select(a => a.Value).ToArray() ?? [];
    }
}
