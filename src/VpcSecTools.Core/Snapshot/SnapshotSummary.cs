namespace VpcSecTools.Snapshot;

/// <summary>What one region of a snapshot holds: counts per section, and what is missing.</summary>
public sealed record SnapshotSummary
{
    public string Region { get; init; } = "";
    public string? AccountId { get; init; }
    public int Vpcs { get; init; }
    public int Subnets { get; init; }
    public int SecurityGroups { get; init; }
    public int NetworkInterfaces { get; init; }
    public int Instances { get; init; }
    public int RouteTables { get; init; }
    public int NetworkAcls { get; init; }
    /// <summary>Section keys the source did not hold or could not read; analyses say Unknown where they need them.</summary>
    public ValueList<string> MissingSections { get; init; } = [];
    public string? Source { get; init; }
    /// <summary>The snapshot file written, when this summarises an export.</summary>
    public string? OutFile { get; init; }

    public static IReadOnlyList<SnapshotSummary> Of(VpcSnapshot snapshot, string? outFile = null) =>
        snapshot.Regions.Select(r => new SnapshotSummary
        {
            Region = r.Region,
            AccountId = r.AccountId,
            Vpcs = r.Vpcs.Count,
            Subnets = r.Subnets.Count,
            SecurityGroups = r.SecurityGroups.Count,
            NetworkInterfaces = r.NetworkInterfaces.Count,
            Instances = r.Instances.Count(),
            RouteTables = r.RouteTables.Count,
            NetworkAcls = r.NetworkAcls.Count,
            MissingSections = Section.All.Where(s => !r.Has(s.Key)).Select(s => s.Key)
                .Concat(r.MissingSections.Select(m => m.Section)).Distinct().ToArray(),
            Source = snapshot.Metadata.Source,
            OutFile = outFile,
        }).ToArray();
}
