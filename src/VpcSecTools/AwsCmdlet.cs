using System.Collections.Concurrent;
using System.Management.Automation;
using VpcSecTools.Aws;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// The base of every cmdlet that reads AWS: the common credential and region parameters, named and aliased as
/// AWS.Tools names them, resolved by the engine in AWS.Tools' order with the shell's
/// <c>$StoredAWSCredentials</c>/<c>$StoredAWSRegion</c>; progress, verbose/debug notes and Ctrl+C handled here.
/// </summary>
public abstract class AwsCmdlet : VpcSecCmdlet
{
    /// <summary>The region(s) to read; the first one is also where account-wide calls go.</summary>
    [Parameter]
    [Alias("RegionToCall")]
    [ValidateNotNullOrEmpty]
    public string[]? Region { get; set; }

    /// <summary>A profile in the shared credentials/config files or the SDK store (including SSO profiles).</summary>
    [Parameter]
    [Alias("StoredCredentials", "AWSProfileName")]
    [ValidateNotNullOrEmpty]
    public string? ProfileName { get; set; }

    /// <summary>A credentials file to read profiles from instead of the default locations.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProfileLocation { get; set; }

    /// <summary>An access key id; with -SecretKey (and -SessionToken for temporary keys).</summary>
    [Parameter]
    [Alias("AK")]
    [ValidateNotNullOrEmpty]
    public string? AccessKey { get; set; }

    /// <summary>The secret access key that goes with -AccessKey.</summary>
    [Parameter]
    [Alias("SK", "SecretAccessKey")]
    [ValidateNotNullOrEmpty]
    public string? SecretKey { get; set; }

    /// <summary>The session token of temporary credentials.</summary>
    [Parameter]
    [Alias("ST")]
    [ValidateNotNullOrEmpty]
    public string? SessionToken { get; set; }

    /// <summary>An AWSCredentials object, such as AWS.Tools' Get-AWSCredential returns.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Credential { get; set; }

    /// <summary>Send every AWS call to this URL instead of the regional endpoint.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? EndpointUrl { get; set; }

    // Not disposed: it has no timer, and derived cmdlets may capture in EndProcessing after calling the base.
    private readonly CancellationTokenSource _stop = new();

    /// <summary>Ctrl+C: the capture's calls are cancelled and the cmdlet returns promptly.</summary>
    protected override void StopProcessing() => _stop.Cancel();

    /// <summary>The parameters and the session's stored values, for the engine to resolve.</summary>
    protected AwsConnectionRequest ConnectionRequest() => new()
    {
        Region = Region?.FirstOrDefault(),
        ProfileName = ProfileName,
        ProfileLocation = ProfileLocation is null ? null : GetUnresolvedProviderPathFromPSPath(ProfileLocation),
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        SessionToken = SessionToken,
        Credential = Credential is PSObject pso ? pso.BaseObject : Credential,
        EndpointUrl = EndpointUrl,
        StoredCredentials = SessionValue("StoredAWSCredentials"),
        StoredRegion = SessionValue("StoredAWSRegion") as string,
    };

    /// <summary>Resolves the AWS connection now (when a cmdlet is about to call AWS) and says which one -Verbose.</summary>
    protected AwsConnection Connect()
    {
        var connection = AwsLoadContext.Connector.Connect(ConnectionRequest());
        WriteVerbose(connection.Describe());
        return connection;
    }

    /// <summary>Cancelled when the user presses Ctrl+C.</summary>
    protected CancellationToken Cancellation => _stop.Token;

    private object? SessionValue(string name) => SessionState.PSVariable.GetValue(name) is PSObject p ? p.BaseObject : SessionState.PSVariable.GetValue(name);

    /// <summary>
    /// Captures live: the engine works on a background task while this thread reports its progress
    /// (Write-Progress per region and resource type) and notes (-Verbose). Sections that could not be
    /// read are written as non-terminating errors naming the IAM action, so -ErrorAction decides whether to stop.
    /// </summary>
    protected VpcSnapshot CaptureLive(IReadOnlyList<string> vpcIds, bool allRegions)
    {
        var request = new InventoryRequest { Regions = Region ?? [], AllRegions = allRegions, VpcIds = vpcIds };
        using var events = new BlockingCollection<object>();
        var capture = Task.Run(async () =>
        {
            try { return await LiveSnapshot.CaptureAsync(AwsLoadContext.Connector, ConnectionRequest(), request, null, events.Add, events.Add, _stop.Token).ConfigureAwait(false); }
            finally { events.CompleteAdding(); }
        });
        var activities = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var e in events.GetConsumingEnumerable())
        {
            if (e is string note) { WriteVerbose(note); continue; }
            var p = (InventoryProgress)e;
            if (!activities.TryGetValue(p.Region, out int id)) activities[p.Region] = id = activities.Count + 1;
            WriteProgress(new ProgressRecord(id, $"Capturing EC2 network configuration in {p.Region}", p.Step == "region" ? "done" : p.Step)
            {
                PercentComplete = p.Total == 0 ? 100 : 100 * p.Completed / p.Total,
                RecordType = p.Step == "region" ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            });
        }
        var result = capture.GetAwaiter().GetResult();
        // Each names its own target: the IAM action to grant, or the operation that failed.
        foreach (var fault in result.Faults) WriteClassifiedError(fault);
        return result.Snapshot;
    }

    /// <summary>
    /// Captures live, limited to the VPCs given. Each given VPC the capture did not find is a VpcNotFound error (unless
    /// describe-vpcs itself could not be read), and when none is found the answer is nothing (null), never the region.
    /// </summary>
    private protected VpcSnapshot? CaptureVpcs(ScopeIds vpcIds, bool allRegions)
    {
        var ids = vpcIds.Distinct();
        var snapshot = CaptureLive(ids, allRegions);
        if (!vpcIds.Given || snapshot.Regions.Any(r => !r.Has("Vpcs"))) return snapshot;
        var found = snapshot.Regions.SelectMany(r => r.Vpcs).Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        var missing = ids.Where(id => !found.Contains(id)).ToArray();
        foreach (var id in missing) WriteClassifiedError(new IpMap.VpcNotInSnapshotException(id));
        return missing.Length == ids.Count ? null : snapshot;
    }
}
