using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// The VPC, subnet and group ids a command is limited to, held to the snapshot as the cmdlets hold them (SnapshotCmdlet.Held):
/// an id it lacks is an error naming it, where the command answered about nothing (no findings, an empty map, exit 0).
/// (SnapshotIndex.Lacks: where a region did not capture the section, an id cannot be told missing and is kept.) The ids are read as every list
/// option is (<see cref="CliOutput.Values"/>: repeated, or comma-separated).
/// </summary>
internal static class ScopeIds
{
    /// <summary>The ids given, each held by the snapshot (else the error naming the first that is not).</summary>
    public static (IReadOnlyList<string> VpcIds, IReadOnlyList<string> SubnetIds, IReadOnlyList<string> GroupIds) Held(SnapshotIndex index,
        string[]? vpcIds = null, string[]? subnetIds = null, string[]? groupIds = null)
    {
        var ids = (CliOutput.Values(vpcIds), CliOutput.Values(subnetIds), CliOutput.Values(groupIds));
        Require(index, ids.Item1, index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        Require(index, ids.Item2, index.Subnets, Section.Subnets, ResourceNotInSnapshotException.Subnet);
        Require(index, ids.Item3, index.SecurityGroups, Section.SecurityGroups, ResourceNotInSnapshotException.SecurityGroup);
        return ids;
    }

    private static void Require<T>(SnapshotIndex index, IReadOnlyList<string> ids, IReadOnlyDictionary<string, T> held, string section, Func<string, Exception> notFound)
    {
        foreach (var id in ids)
            if (index.Lacks(id, held, section)) throw notFound(id);
    }
}
