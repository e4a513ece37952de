using System.IO.Enumeration;
using VpcSecTools.Exposure;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>
/// What Find-UntrustedPrivateTraffic lets a user tune: which ports are sensitive (by default the audit's high-risk lists,
/// AUDIT.md), what counts as a data store, which receiving VPCs, and the baseline new talkers are judged against.
/// </summary>
public sealed record PrivateTrustOptions
{
    /// <summary>Security Hub EC2.19 and the Prowler/CloudSploit extended list, as the audit has them.</summary>
    public static IReadOnlyList<int> DefaultSensitivePorts { get; } =
        new AuditOptions().HighRiskPorts.Concat(new AuditOptions().ExtendedHighRiskPorts).Distinct().Order().ToArray();

    public IReadOnlyList<int> SensitivePorts { get; init; } = DefaultSensitivePorts;

    /// <summary>Owners whose ENIs are data stores whatever their names (AWS names them in the ENI's description or type).</summary>
    public IReadOnlyList<OwnerType> DataStoreOwnerTypes { get; init; } = [OwnerType.Rds, OwnerType.ElastiCache, OwnerType.Redshift, OwnerType.Efs];

    /// <summary>Wildcards (<c>*</c>, <c>?</c>, any case) on the Name of an ENI or its instance that mark a data store.</summary>
    public IReadOnlyList<string> DataStoreNames { get; init; } = ["*db*", "*database*", "*sql*", "*redis*", "*mongo*"];

    /// <summary>Tags that mark a data store on an ENI or its instance: <c>Key=Value</c> with wildcards, or <c>Key</c> for any value.</summary>
    public IReadOnlyList<string> DataStoreTags { get; init; } = [];

    /// <summary>Only traffic received by network interfaces of these VPCs; all when empty.</summary>
    public IReadOnlyList<string> VpcIds { get; init; } = [];

    /// <summary>The conversations of an earlier window: a pair absent from it is a new talker. Null: no new-talker findings.</summary>
    public TrustBaseline? Baseline { get; init; }

    /// <summary>
    /// Why <paramref name="eni"/> is a data store (its owner's kind, a name or a tag that matches), or null when it is not one.
    /// </summary>
    public string? DataStoreEvidence(NetworkInterface eni, EniOwner owner, SnapshotIndex index)
    {
        if (DataStoreOwnerTypes.Contains(owner.Type)) return $"{owner.Type} ({owner.Evidence})";
        var instance = eni.Attachment?.InstanceId is { } id ? index.Instances.GetValueOrDefault(id) : null;
        IReadOnlyList<Tag> tags = [.. eni.TagSet, .. instance?.Tags ?? []];
        foreach (var name in new[] { eni.TagSet.NameTag(), owner.Name, instance?.Tags.NameTag() }.OfType<string>().Distinct())
            foreach (var pattern in DataStoreNames)
                if (FileSystemName.MatchesSimpleExpression(pattern, name)) return $"named '{name}' (matches '{pattern}')";
        foreach (var pattern in DataStoreTags)
        {
            var (key, value) = pattern.IndexOf('=') is var eq and >= 0 ? (pattern[..eq], pattern[(eq + 1)..]) : (pattern, "*");
            foreach (var t in tags)
                if (FileSystemName.MatchesSimpleExpression(key, t.Key) && FileSystemName.MatchesSimpleExpression(value, t.Value ?? ""))
                    return $"tagged {t.Key}={t.Value} (matches '{pattern}')";
        }
        return null;
    }
}
