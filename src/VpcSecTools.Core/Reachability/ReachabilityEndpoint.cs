using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Reachability;

/// <summary>What an endpoint of a query is.</summary>
public enum EndpointKind
{
    /// <summary>An ENI of the snapshot (given by ENI id, instance id, or one of its addresses).</summary>
    NetworkInterface,
    /// <summary>An address no ENI of the snapshot holds privately: a destination attributed by routing, or a source outside every VPC
    /// (on premises) that enters where the network routes it (a VPN / Direct Connect attachment of a transit gateway, a virtual private gateway).</summary>
    Address,
    /// <summary>Any public address, or a given one.</summary>
    Internet,
}

/// <summary>A resolved source or destination.</summary>
/// <param name="Text">What the user gave.</param>
/// <param name="Kind">ENI, address or internet.</param>
/// <param name="NetworkInterface">The ENI, for an ENI endpoint.</param>
/// <param name="Address">The address given, or the ENI's address chosen for the query; null for "any public address".</param>
/// <param name="InstanceId">The instance the ENI is attached to, if any.</param>
public sealed record ReachabilityEndpoint(string Text, EndpointKind Kind, NetworkInterface? NetworkInterface, IpAddress? Address, string? InstanceId)
{
    /// <summary>
    /// An ENI of the snapshot as an endpoint, optionally at one of its addresses. Callers that hold the ENI use this rather than
    /// resolving its id as text: a damaged capture's id need not look like one ("10.0.0.5", "i-..." would resolve to something else).
    /// </summary>
    public static ReachabilityEndpoint Of(NetworkInterface eni, IpAddress? address = null) =>
        new(eni.NetworkInterfaceId, EndpointKind.NetworkInterface, eni, address, eni.Attachment?.InstanceId);

    /// <summary>
    /// Resolves an instance id (its primary ENI), an ENI id, a private or public IP, or <c>Internet</c>
    /// (any public address). A private address held by ENIs in several VPCs is ambiguous for a source
    /// (say which ENI); as a destination it is attributed by the route tables along the way.
    /// </summary>
    public static ReachabilityEndpoint Resolve(SnapshotIndex index, string text, bool asSource)
    {
        var t = (text ?? "").Trim();
        if (t.Length == 0) throw new ArgumentException($"empty {(asSource ? "source" : "destination")}");
        if (t.Equals("Internet", StringComparison.OrdinalIgnoreCase))
            return new(t, EndpointKind.Internet, null, null, null);
        if (t.StartsWith("i-", StringComparison.Ordinal))
        {
            var enis = index.EnisOfInstance(t);
            var primary = enis.OrderBy(e => e.Attachment?.DeviceIndex ?? int.MaxValue).FirstOrDefault()
                ?? throw new EndpointNotFoundException(t, $"instance '{t}' has no network interface in the snapshot");
            return new(t, EndpointKind.NetworkInterface, primary, null, t);
        }
        if (t.StartsWith("eni-", StringComparison.Ordinal))
        {
            if (!index.NetworkInterfaces.TryGetValue(t, out var eni)) throw new EndpointNotFoundException(t, $"network interface '{t}' is not in the snapshot");
            return Of(eni);
        }
        if (!IpAddress.TryParse(t, out var ip, out var error))
            throw new ArgumentException($"'{t}' is not an instance id, ENI id, IP address or 'Internet' ({error})");
        var holders = index.EnisAt(ip);
        if (holders.Count == 1 || holders.Count > 1 && !asSource)
        {
            if (holders.Count > 1) return new(t, EndpointKind.Address, null, ip, null);
            return new(t, EndpointKind.NetworkInterface, holders[0], ip, holders[0].Attachment?.InstanceId);
        }
        if (holders.Count > 1)
            throw new ArgumentException($"{t} is held by {string.Join(", ", holders.Select(h => $"{h.NetworkInterfaceId} ({h.VpcId})"))}: give the ENI id");
        if (index.EniByPublicIp(ip) is { } owner)
            return asSource ? new(t, EndpointKind.NetworkInterface, owner, null, owner.Attachment?.InstanceId) : new(t, EndpointKind.Address, null, ip, null);
        if (AddressScope.IsInternet(ip)) return new(t, EndpointKind.Internet, null, ip, null);
        if (asSource && index.VpcsContaining(ip).Count > 0)
            throw new EndpointNotFoundException(t, $"source {t} is inside {string.Join(", ", index.VpcsContaining(ip).Select(v => v.VpcId))} but no ENI in the snapshot holds it: give an ENI, an instance, a public address or 'Internet'");
        // An address outside every VPC (on premises behind a VPN or Direct Connect): the analyser finds where the network routes it.
        return new(t, EndpointKind.Address, null, ip, null);
    }
}

/// <summary>A source or destination (instance, ENI, address, VPC, subnet or group) that the snapshot does not hold.</summary>
public sealed class EndpointNotFoundException(string endpoint, string message)
    : Errors.VpcSecToolsException(Errors.ErrorCatalog.EndpointNotFound, Errors.ErrorKind.ObjectNotFound, message, endpoint)
{
    public string Endpoint { get; } = endpoint;
}
