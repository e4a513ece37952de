using System.Collections;
using System.Management.Automation;

namespace VpcSecTools.Commands;

/// <summary>
/// Turns what names a reachability endpoint into its id: strings as they are; AWS.Tools objects (and ours) by their
/// InstanceId, NetworkInterfaceId or PrivateIpAddress; a Reservation (what Get-EC2Instance returns) by each of its
/// Instances. Anything else is a binding error naming it, never its type name taken for an id.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ReachabilityEndpointsAttribute : ArgumentTransformationAttribute
{
    private static readonly string[] IdProperties = ["InstanceId", "NetworkInterfaceId", "PrivateIpAddress"];

    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) => Ids(inputData).ToArray();

    private static IEnumerable<string> Ids(object? value)
    {
        switch (value is PSObject pso ? pso.BaseObject : value)
        {
            case null:
                yield break;
            case string text:
                yield return text;
                yield break;
            case IEnumerable items:
                foreach (var item in items)
                    foreach (var id in Ids(item))
                        yield return id;
                yield break;
        }
        var properties = PSObject.AsPSObject(value).Properties;
        foreach (var name in IdProperties)
            if (properties[name]?.Value is { } id && id.ToString() is { Length: > 0 } text)
            {
                yield return text;
                yield break;
            }
        if (properties["Instances"]?.Value is IEnumerable instances)
        {
            foreach (var id in Ids(instances)) yield return id;
            yield break;
        }
        throw new ArgumentTransformationMetadataException(
            $"a {PSObject.AsPSObject(value).TypeNames.FirstOrDefault()} names no endpoint: give an id or address, or an object with " +
            "InstanceId, NetworkInterfaceId or PrivateIpAddress (an instance, a network interface), or a Reservation's Instances");
    }
}
