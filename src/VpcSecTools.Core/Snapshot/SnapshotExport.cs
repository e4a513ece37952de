namespace VpcSecTools.Snapshot;

/// <summary>Offline export: any loadable source in, our snapshot file out.</summary>
public static class SnapshotExport
{
    /// <remarks>CapturedAt is kept from a snapshot file and left empty for describe outputs, whose capture time is not known.</remarks>
    public static VpcSnapshot FromPath(string from, string outFile, Action<string>? verbose = null)
    {
        var snapshot = SnapshotLoader.Load(from, verbose);
        SnapshotFile.Write(snapshot, outFile);
        verbose?.Invoke($"wrote {outFile}");
        return snapshot;
    }
}
