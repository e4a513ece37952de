using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws;

/// <summary>
/// Live capture as the front ends use it: resolve credentials and region, say where they came from, capture,
/// optionally write the snapshot file. Shared by <c>Export-VpcSnapshot</c>, <c>Get-VpcSnapshot</c>, every
/// analysis cmdlet without <c>-Snapshot</c>, and <c>vpcsec snapshot export --region</c>.
/// </summary>
public static class LiveSnapshot
{
    /// <param name="connector">Resolves credentials and region (VpcSecTools.Aws's, in the module's own load context).</param>
    /// <param name="connection">Credentials and region settings as given.</param>
    /// <param name="request">Regions and VPCs to capture; no regions = the resolved region.</param>
    /// <param name="outFile">Where to write the snapshot file, or null to only return it.</param>
    /// <param name="progress">Receives each finished step, from worker threads.</param>
    /// <param name="verbose">Receives where credentials and region came from, and what was written.</param>
    /// <param name="cancellationToken">Stops the capture (Ctrl+C).</param>
    public static async Task<InventoryResult> CaptureAsync(IAwsConnector connector, AwsConnectionRequest connection, InventoryRequest request, string? outFile = null,
        Action<InventoryProgress>? progress = null, Action<string>? verbose = null, CancellationToken cancellationToken = default)
    {
        var resolved = connector.Connect(connection with { Region = connection.Region ?? request.Regions.FirstOrDefault() });
        verbose?.Invoke(resolved.Describe());
        var result = await resolved.CaptureAsync(request, progress, cancellationToken).ConfigureAwait(false);
        verbose?.Invoke($"{result.Calls} EC2 calls, {result.Snapshot.Regions.Count} region(s), {result.Faults.Count} section(s) missing");
        if (outFile is not null)
        {
            SnapshotFile.Write(result.Snapshot, outFile);
            verbose?.Invoke($"wrote {outFile}");
        }
        return result;
    }
}
