using VpcSecTools.Errors;

namespace VpcSecTools.IpMap;

/// <summary>An address that is not a valid IPv4 or IPv6 address; the message names it.</summary>
public sealed class InvalidIpAddressException(string address, string problem)
    : VpcSecToolsException(ErrorCatalog.InvalidIpAddress, ErrorKind.InvalidArgument, problem, address)
{
    public string Address { get; } = address;
}

/// <summary>A VPC id that the snapshot does not hold (for <c>-FromVpcId</c>).</summary>
public sealed class VpcNotInSnapshotException(string vpcId)
    : VpcSecToolsException(ErrorCatalog.VpcNotFound, ErrorKind.ObjectNotFound, $"VPC '{vpcId}' is not in the snapshot.", vpcId)
{
    public string VpcId { get; } = vpcId;
}
