using VpcSecTools.Errors;

namespace VpcSecTools.Snapshot;

/// <summary>
/// A subnet or security-group id, given to limit a question, that the snapshot does not hold: an error naming it,
/// rather than an answer about nothing (or, worse, about everything). VPCs have <see cref="IpMap.VpcNotInSnapshotException"/>.
/// </summary>
public sealed class ResourceNotInSnapshotException : VpcSecToolsException
{
    private ResourceNotInSnapshotException(string errorId, string what, string id)
        : base(errorId, ErrorKind.ObjectNotFound, $"{what} '{id}' is not in the snapshot.", id)
    {
    }

    public static ResourceNotInSnapshotException Subnet(string subnetId) => new(ErrorCatalog.SubnetNotFound, "subnet", subnetId);

    public static ResourceNotInSnapshotException SecurityGroup(string groupId) => new(ErrorCatalog.SecurityGroupNotFound, "security group", groupId);
}
