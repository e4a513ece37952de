using VpcSecTools.Net;
using VpcSecTools.Snapshot;

namespace VpcSecTools.IpMap;

/// <summary>
/// Every private address in a snapshot with its owner (SEMANTICS 23): primary and secondary IPv4, delegated
/// IPv4/IPv6 prefixes and IPv6 addresses of every ENI, built once and looked up by address.
/// </summary>
/// <remarks>Immutable after construction; safe to read from any number of threads.</remarks>
public sealed class PrivateIpMap
{
    private readonly Dictionary<string, Dictionary<IpAddress, PrivateIpMapEntry>> _byVpc = new(StringComparer.Ordinal);
    private readonly Dictionary<IpAddress, List<PrivateIpMapEntry>> _byAddress = [];
    private readonly PrefixTrie<List<PrivateIpMapEntry>> _delegated = new();
    private readonly Dictionary<IpAddress, PrivateIpMapEntry> _byPublicIp = [];

    public SnapshotIndex Index { get; }

    /// <summary>Every entry, in snapshot order of the ENIs.</summary>
    public IReadOnlyList<PrivateIpMapEntry> Entries { get; }

    /// <summary>ENI fields the map could not read (an address that does not parse), one sentence each.</summary>
    public IReadOnlyList<string> Notes { get; }

    public PrivateIpMap(SnapshotIndex index)
    {
        Index = index;
        var entries = new List<PrivateIpMapEntry>();
        var notes = new List<string>();
        foreach (var region in index.Snapshot.Regions)
            foreach (var eni in region.NetworkInterfaces)
                foreach (var entry in EntriesOf(eni, region.Region, index, notes))
                {
                    entries.Add(entry);
                    if (entry.PublicIp is { } text && IpAddress.TryParse(text, out var publicIp)) _byPublicIp.TryAdd(publicIp, entry);
                    if (entry.Kind is AddressKind.Ipv4Prefix or AddressKind.Ipv6Prefix) AddToTrie(entry);
                    else
                    {
                        if (!_byAddress.TryGetValue(entry.Cidr.Network, out var list)) _byAddress[entry.Cidr.Network] = list = [];
                        list.Add(entry);
                        if (entry.VpcId is null) continue;
                        if (!_byVpc.TryGetValue(entry.VpcId, out var inVpc)) _byVpc[entry.VpcId] = inVpc = [];
                        inVpc.TryAdd(entry.Cidr.Network, entry);
                    }
                }
        Entries = entries;
        Notes = notes;
    }

    /// <summary>
    /// Regions whose network interfaces were not captured: their addresses are missing from the map, not absent. Only
    /// those that may hold the VPCs or subnets asked for (one the snapshot cannot place may be anywhere).
    /// </summary>
    public IEnumerable<string> GapsFor(IReadOnlyCollection<string>? vpcIds, IReadOnlyCollection<string>? subnetIds)
    {
        var named = subnetIds is { Count: > 0 } ? subnetIds : vpcIds ?? [];
        foreach (var region in Index.Snapshot.Regions)
            if (!region.Has(Section.NetworkInterfaces) && (named.Count == 0 || named.Any(id => Index.RegionOf(id) is not { } r || ReferenceEquals(r, region))))
                yield return $"NetworkInterfaces of {region.Region}{(region.AccountId is null ? "" : $" (account {region.AccountId})")} were not captured: " +
                    "their addresses are missing from the map, not free";
    }

    /// <summary>Every region whose network interfaces were not captured, one sentence each.</summary>
    public IReadOnlyList<string> Gaps => GapsFor(null, null).ToArray();

    /// <summary>The entry whose public IPv4 (auto-assigned or Elastic IP) this is.</summary>
    public PrivateIpMapEntry? AtPublicIp(IpAddress address) => _byPublicIp.GetValueOrDefault(address);

    /// <summary>The entry holding this address in one VPC (an exact address first, else a delegated prefix).</summary>
    public PrivateIpMapEntry? At(string vpcId, IpAddress address)
    {
        if (_byVpc.TryGetValue(vpcId, out var inVpc) && inVpc.TryGetValue(address, out var entry)) return entry;
        if (_delegated.Count == 0) return null;
        foreach (var (_, list) in _delegated.Matches(address))
            foreach (var e in list) if (e.VpcId == vpcId) return e;
        return null;
    }

    /// <summary>The single addresses (not delegated prefixes) of one VPC, by address.</summary>
    public IReadOnlyDictionary<IpAddress, PrivateIpMapEntry> AddressesIn(string vpcId) =>
        _byVpc.TryGetValue(vpcId, out var inVpc) ? inVpc : EmptyAddresses;

    /// <summary>Whether any ENI has a delegated prefix (lookups can skip the prefix trie when none has).</summary>
    public bool HasDelegatedPrefixes => _delegated.Count > 0;

    private static readonly IReadOnlyDictionary<IpAddress, PrivateIpMapEntry> EmptyAddresses = new Dictionary<IpAddress, PrivateIpMapEntry>();

    /// <summary>Every entry holding this address, in any VPC (overlapping VPCs can give several).</summary>
    public IReadOnlyList<PrivateIpMapEntry> At(IpAddress address)
    {
        if (_byAddress.TryGetValue(address, out var list)) return list;
        return _delegated.Count > 0 && _delegated.TryLongestMatch(address, out _, out var delegated) ? delegated : [];
    }

    /// <summary>Entries of the given VPCs and subnets (either filter empty = no filter).</summary>
    public IEnumerable<PrivateIpMapEntry> Select(IReadOnlyCollection<string>? vpcIds, IReadOnlyCollection<string>? subnetIds) =>
        Entries.Where(e => (vpcIds is null || vpcIds.Count == 0 || (e.VpcId is not null && vpcIds.Contains(e.VpcId)))
                        && (subnetIds is null || subnetIds.Count == 0 || (e.SubnetId is not null && subnetIds.Contains(e.SubnetId))));

    /// <summary>The entries of one ENI: primary IPv4 first, then secondaries, prefixes and IPv6.</summary>
    public static IEnumerable<PrivateIpMapEntry> EntriesOf(NetworkInterface eni, string? region, SnapshotIndex? index, List<string>? notes = null)
    {
        var owner = EniOwnerRules.Detect(eni, index);
        var template = new PrivateIpMapEntry
        {
            NetworkInterfaceId = eni.NetworkInterfaceId,
            SubnetId = eni.SubnetId,
            VpcId = eni.VpcId,
            AvailabilityZone = eni.AvailabilityZone,
            Region = region,
            OwnerId = eni.OwnerId,
            OwnerType = owner.Type,
            OwnerSubtype = owner.Subtype,
            OwnerResourceId = owner.ResourceId,
            OwnerName = owner.Name,
            OwnerEvidence = owner.Evidence,
            InterfaceType = eni.InterfaceType,
            Description = string.IsNullOrEmpty(eni.Description) ? null : eni.Description,
            RequesterManaged = eni.RequesterManaged ?? false,
            RequesterId = eni.RequesterId,
            SecurityGroups = eni.Groups.Select(g => g.GroupId).ToArray(),
            SourceDestCheck = eni.SourceDestCheck ?? true,
        };
        var seen = new HashSet<IpAddress>();
        var privates = eni.PrivateIpAddresses.Count > 0
            ? eni.PrivateIpAddresses.OrderByDescending(p => p.Primary == true || p.PrivateIpAddress == eni.PrivateIpAddress)
                .Select(p => (p.PrivateIpAddress, Primary: p.Primary == true || p.PrivateIpAddress == eni.PrivateIpAddress, p.Association?.PublicIp))
            : [(eni.PrivateIpAddress ?? "", true, eni.Association?.PublicIp)];
        foreach (var (text, primary, publicIp) in privates)
        {
            if (string.IsNullOrEmpty(text)) continue;
            if (!IpAddress.TryParse(text, out var ip)) { notes?.Add($"{eni.NetworkInterfaceId}: '{text}' is not an IP address"); continue; }
            if (!seen.Add(ip)) continue;
            yield return template with
            {
                IpAddress = ip.ToString(),
                Cidr = new Cidr(ip, ip.Bits),
                Kind = primary ? AddressKind.PrimaryIpv4 : AddressKind.SecondaryIpv4,
                PublicIp = publicIp ?? (primary ? eni.Association?.PublicIp : null),
            };
        }
        foreach (var a in eni.Ipv6Addresses)
        {
            if (!IpAddress.TryParse(a.Ipv6Address, out var ip)) { notes?.Add($"{eni.NetworkInterfaceId}: '{a.Ipv6Address}' is not an IP address"); continue; }
            if (!seen.Add(ip)) continue;
            yield return template with { IpAddress = ip.ToString(), Cidr = new Cidr(ip, 128), Kind = AddressKind.Ipv6Address };
        }
        foreach (var (text, kind) in eni.Ipv4Prefixes.Select(p => (p.Ipv4Prefix, AddressKind.Ipv4Prefix))
                     .Concat(eni.Ipv6Prefixes.Select(p => (p.Ipv6Prefix, AddressKind.Ipv6Prefix))))
        {
            if (!Cidr.TryParse(text, out var cidr, out var error, HostBits.Normalise)) { notes?.Add($"{eni.NetworkInterfaceId}: {error}"); continue; }
            yield return template with { IpAddress = cidr.ToString(), Cidr = cidr, Kind = kind };
        }
    }

    private void AddToTrie(PrivateIpMapEntry entry)
    {
        if (!_delegated.TryGetExact(entry.Cidr, out var list)) _delegated.Set(entry.Cidr, list = []);
        list.Add(entry);
    }
}
