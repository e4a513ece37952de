namespace VpcSecTools.Snapshot;

/// <summary>
/// A value of a rule, entry or route that an analysis cannot interpret, and where it is: the resource, the field (with
/// the direction and position or rule number that find it) and why. Every verdict it could change is Unknown and
/// names it (SEMANTICS 0); it is never skipped.
/// </summary>
/// <param name="ResourceId">The security group, network ACL, route table... holding it.</param>
/// <param name="Field">Where in the resource, e.g. <c>IpPermissions[0].IpRanges[1].CidrIp</c> or <c>inbound entry 90 CidrBlock</c>.</param>
/// <param name="Reason">What is wrong with the value, quoting it.</param>
public sealed record Uninterpretable(string ResourceId, string Field, string Reason)
{
    public override string ToString() => $"{ResourceId} {Field}: {Reason}";
}
