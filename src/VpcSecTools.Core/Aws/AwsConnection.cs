namespace VpcSecTools.Aws;

/// <summary>
/// What the user (or the shell) said about credentials and region, in AWS.Tools' terms. The cmdlet fills the
/// parameters and the session values (<c>$StoredAWSCredentials</c>, <c>$StoredAWSRegion</c>); the CLI fills
/// the parameters only. <see cref="IAwsConnector.Connect"/> applies the AWS.Tools order.
/// </summary>
public sealed record AwsConnectionRequest
{
    public string? Region { get; init; }
    public string? ProfileName { get; init; }
    /// <summary>A shared credentials file or SDK store to read profiles from instead of the default ones.</summary>
    public string? ProfileLocation { get; init; }
    public string? AccessKey { get; init; }
    public string? SecretKey { get; init; }
    public string? SessionToken { get; init; }
    /// <summary>An AWSCredentials object (ours, or AWS.Tools' from another load context).</summary>
    public object? Credential { get; init; }
    public string? EndpointUrl { get; init; }
    /// <summary>The shell's <c>$StoredAWSCredentials</c>: a profile name or a credentials object.</summary>
    public object? StoredCredentials { get; init; }
    /// <summary>The shell's <c>$StoredAWSRegion</c>.</summary>
    public string? StoredRegion { get; init; }
    /// <summary>Reads environment variables; replaceable so the resolution order can be tested.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}

/// <summary>
/// Resolves what the user said about credentials and region into a connection, in AWS.Tools' order. VpcSecTools.Aws
/// implements it on AWSSDK.Core; the module loads that assembly, with AWSSDK.*, into a load context of its own.
/// </summary>
public interface IAwsConnector
{
    /// <summary>
    /// Credentials: -AccessKey/-SecretKey[/-SessionToken], -Credential, -ProfileName, $StoredAWSCredentials,
    /// environment (AWS_ACCESS_KEY_ID...), the AWS_PROFILE or default profile, container credentials, the EC2
    /// instance profile. Region: -Region, $StoredAWSRegion, AWS_REGION, AWS_DEFAULT_REGION, the profile's region.
    /// </summary>
    /// <exception cref="AwsConfigurationException">Nothing usable was found, or the settings contradict each other.</exception>
    AwsConnection Connect(AwsConnectionRequest request);
}

/// <summary>
/// Resolved credentials and region, and where each came from (for <c>-Verbose</c>/<c>-Debug</c> and
/// <c>--verbose</c>), and the AWS clients the engine reads through. The credentials themselves stay with the
/// implementation (VpcSecTools.Aws), so no AWSSDK type crosses into the engine or the session.
/// </summary>
public abstract class AwsConnection
{
    protected AwsConnection(string credentialSource, string region, string regionSource, string? endpointUrl)
    {
        CredentialSource = credentialSource; Region = region; RegionSource = regionSource; EndpointUrl = endpointUrl;
    }

    /// <summary>Where the credentials came from, e.g. <c>profile 'dev' (SSO) from the shared config files</c>.</summary>
    public string CredentialSource { get; }
    public string Region { get; }
    /// <summary>Where the region came from, e.g. <c>environment variable AWS_REGION</c>.</summary>
    public string RegionSource { get; }
    /// <summary>An explicit endpoint every client uses instead of the regional one.</summary>
    public string? EndpointUrl { get; }

    /// <summary>One line for verbose output.</summary>
    public string Describe() =>
        $"Credentials: {CredentialSource}. Region: {Region} ({RegionSource}).{(EndpointUrl is null ? "" : $" Endpoint: {EndpointUrl}.")}";

    public const string ParameterCredentialSource = "parameters -AccessKey/-SecretKey";

    /// <summary>
    /// Captures the EC2 network configuration of the requested regions. Access denied and unreadable responses mark
    /// the section missing and are returned as faults; credentials that cannot be used, and any other failure, stop
    /// the capture with one error.
    /// </summary>
    /// <param name="request">Regions and VPCs to capture; no regions = this connection's region.</param>
    /// <param name="progress">Receives each finished step, from worker threads.</param>
    /// <param name="cancellationToken">Stops the capture.</param>
    public abstract Task<InventoryResult> CaptureAsync(InventoryRequest request, Action<InventoryProgress>? progress = null,
        CancellationToken cancellationToken = default);

    /// <summary>An S3 client in this connection's region (path-style at an explicit endpoint).</summary>
    public abstract IS3Client CreateS3Client();

    /// <summary>A CloudWatch Logs client for <paramref name="region"/>.</summary>
    public abstract Logs.ICloudWatchLogsClient CreateCloudWatchLogsClient(string region);

    /// <summary>An Athena client for <paramref name="region"/>.</summary>
    public abstract Athena.IAthenaClient CreateAthenaClient(string region);
}
