namespace VpcSecTools.IpMap;

/// <summary>An address that is not a valid IPv4 or IPv6 address; the message names it.</summary>
public sealed class InvalidIpAddressException(string address, string problem)
    : FormatException(problem)
{
    public string Address { get; } = address;
}

/// <summary>A VPC id that the snapshot does not hold (for <c>-FromVpcId</c>).</summary>
public sealed class VpcNotInSnapshotException(string vpcId)
    : ArgumentException($"VPC '{vpcId}' is not in the snapshot.")
{
    public string VpcId { get; } = vpcId;
}
