using System.Reflection;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using VpcSecTools.Aws.Athena;
using VpcSecTools.Aws.Logs;
using VpcSecTools.Aws.S3;

namespace VpcSecTools.Aws;

/// <summary>
/// The connector the module and the CLI use: AWSSDK.Core's credential providers in AWS.Tools' order. The module
/// creates it by name inside its own load context (see the cmdlet assembly's AwsLoadContext).
/// </summary>
public sealed class AwsSdkConnector : IAwsConnector
{
    public AwsConnection Connect(AwsConnectionRequest request) => AwsSdkConnection.Resolve(request);
}

/// <summary>
/// A connection on AWSSDK.Core: credential providers are the SDK's own, so profiles (including SSO, assume-role and
/// credential_process), container and instance credentials refresh as the SDK does.
/// </summary>
public sealed class AwsSdkConnection : AwsConnection
{
    private AwsSdkConnection(AWSCredentials credentials, string credentialSource, string region, string regionSource, string? endpointUrl)
        : base(credentialSource, region, regionSource, endpointUrl)
    {
        Credentials = credentials;
    }

    internal AWSCredentials Credentials { get; }

    /// <summary>Each attempt's time limit; null keeps the SDK's. Tests set a short one, so a slow answer fails fast.</summary>
    internal TimeSpan? Timeout { get; set; }

    /// <summary>Retries after the first attempt; null keeps the SDK's standard mode default.</summary>
    internal int? MaxErrorRetry { get; set; }

    /// <summary>
    /// An SDK client configuration for <paramref name="region"/>: the standard retry mode (throttling, 5xx, resets and
    /// timeouts retried with backoff), and this connection's explicit endpoint when it has one, signed for the region
    /// (a host such as 127.0.0.1 does not name it). Every client, the SDK's and our own, is configured here.
    /// </summary>
    internal T Configure<T>(T config, string region) where T : ClientConfig
    {
        config.RetryMode = RequestRetryMode.Standard;
        // AWSSDK.Core 4.1 resends a call whose connection was reset or whose body ended early up to 10 more times, at once
        // and outside MaxErrorRetry (it takes them for a stale pooled connection): a persistent cut cost 12 attempts where
        // MaxErrorRetry = 1 allows 2. Off, every transport fault is one of the standard mode's retries, with backoff;
        // .NET's handler still resends a request that failed on a reused connection before any byte of the answer.
        config.MaxStaleConnectionRetries = 0;
        config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        if (EndpointUrl is { } url)
        {
            config.ServiceURL = url;
            config.AuthenticationRegion = region;
        }
        if (Timeout is { } timeout) config.Timeout = timeout;
        if (MaxErrorRetry is { } retries) config.MaxErrorRetry = retries;
        return config;
    }

    public override Task<InventoryResult> CaptureAsync(InventoryRequest request, Action<InventoryProgress>? progress = null,
        CancellationToken cancellationToken = default) =>
        Ec2Inventory.CaptureAsync(this, request, progress, cancellationToken);

    public override IS3Client CreateS3Client() => new S3Client(this);

    public override ICloudWatchLogsClient CreateCloudWatchLogsClient(string region) => new CloudWatchLogsClient(this, region);

    public override IAthenaClient CreateAthenaClient(string region) => new AthenaClient(this, region);

    /// <inheritdoc cref="IAwsConnector.Connect"/>
    public static AwsSdkConnection Resolve(AwsConnectionRequest request)
    {
        var profiles = new CredentialProfileStoreChain(request.ProfileLocation);
        var (credentials, credentialSource, profileUsed) = ResolveCredentials(request, profiles);
        var (region, regionSource) = ResolveRegion(request, profiles, profileUsed);
        if (request.EndpointUrl is { } url && !Uri.TryCreate(url, UriKind.Absolute, out _))
            throw new AwsConfigurationException($"-EndpointUrl '{url}' is not an absolute URL such as https://ec2.eu-west-1.amazonaws.com");
        return new AwsSdkConnection(credentials, credentialSource, region, regionSource, request.EndpointUrl);
    }

    private static (AWSCredentials, string, string?) ResolveCredentials(AwsConnectionRequest r, CredentialProfileStoreChain profiles)
    {
        if (!string.IsNullOrEmpty(r.AccessKey) || !string.IsNullOrEmpty(r.SecretKey))
        {
            if (string.IsNullOrEmpty(r.AccessKey) || string.IsNullOrEmpty(r.SecretKey))
                throw new AwsConfigurationException("-AccessKey and -SecretKey go together: give both, or neither.");
            return (KeysOf(r.AccessKey, r.SecretKey, r.SessionToken), ParameterCredentialSource, null);
        }
        if (r.Credential is not null) return (FromObject(r.Credential, "-Credential"), "parameter -Credential", null);
        if (!string.IsNullOrEmpty(r.ProfileName))
            return (FromProfile(profiles, r.ProfileName, r.ProfileLocation, "-ProfileName"), ProfileSource(r.ProfileName, r.ProfileLocation, profiles), r.ProfileName);
        switch (r.StoredCredentials)
        {
            case string stored when stored.Length > 0:
                return (FromProfile(profiles, stored, r.ProfileLocation, "$StoredAWSCredentials"), "$StoredAWSCredentials: " + ProfileSource(stored, r.ProfileLocation, profiles), stored);
            case null or string:
                break;
            default:
                return (FromObject(r.StoredCredentials, "$StoredAWSCredentials"), "$StoredAWSCredentials", null);
        }
        var envKey = r.Environment("AWS_ACCESS_KEY_ID");
        var envSecret = r.Environment("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrEmpty(envKey) && !string.IsNullOrEmpty(envSecret))
            return (KeysOf(envKey, envSecret, r.Environment("AWS_SESSION_TOKEN")), "environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", null);
        var profileName = r.Environment("AWS_PROFILE") is { Length: > 0 } envProfile ? envProfile : null;
        if (profileName is not null)
            return (FromProfile(profiles, profileName, r.ProfileLocation, "AWS_PROFILE"), "AWS_PROFILE: " + ProfileSource(profileName, r.ProfileLocation, profiles), profileName);
        if (profiles.TryGetAWSCredentials("default", out var defaults))
            return (defaults, ProfileSource("default", r.ProfileLocation, profiles), "default");
        if (!string.IsNullOrEmpty(r.Environment("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) || !string.IsNullOrEmpty(r.Environment("AWS_CONTAINER_CREDENTIALS_FULL_URI")))
            return (new DeferredCredentials(() => new GenericContainerCredentials(), "container credentials"), "container credentials endpoint (AWS_CONTAINER_CREDENTIALS_*)", null);
        if (!string.Equals(r.Environment("AWS_EC2_METADATA_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
            return (new DeferredCredentials(() => new InstanceProfileAWSCredentials(), "EC2 instance profile credentials"), "EC2 instance profile (instance metadata service)", null);
        throw new AwsConfigurationException("No AWS credentials found: pass -ProfileName or -AccessKey/-SecretKey, run Set-AWSCredential, set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or configure a default profile.");
    }

    private static (string, string) ResolveRegion(AwsConnectionRequest r, CredentialProfileStoreChain profiles, string? profileUsed)
    {
        if (!string.IsNullOrEmpty(r.Region)) return (CheckRegion(r.Region, "-Region"), "parameter -Region");
        if (!string.IsNullOrEmpty(r.StoredRegion)) return (CheckRegion(r.StoredRegion, "$StoredAWSRegion"), "$StoredAWSRegion");
        foreach (var name in new[] { "AWS_REGION", "AWS_DEFAULT_REGION" })
            if (r.Environment(name) is { Length: > 0 } env) return (CheckRegion(env, name), "environment variable " + name);
        var profileName = profileUsed ?? r.Environment("AWS_PROFILE") ?? "default";
        if (profiles.TryGetProfile(profileName, out var profile) && profile.Region is { } region)
            return (region.SystemName, $"region of profile '{profileName}'");
        throw new AwsConfigurationException("No AWS region: pass -Region (CLI --region), run Set-DefaultAWSRegion, set AWS_REGION, or set region in the profile.");
    }

    /// <summary>Region names are checked by shape only, so new regions work without a new SDK.</summary>
    private static string CheckRegion(string region, string from)
    {
        var trimmed = region.Trim();
        if (!Snapshot.InventoryBuilder.IsRegionName(trimmed))
            throw new AwsConfigurationException($"{from} '{region}' is not a region name such as eu-west-1");
        return trimmed;
    }

    private static AWSCredentials KeysOf(string accessKey, string secretKey, string? sessionToken) =>
        string.IsNullOrEmpty(sessionToken) ? new BasicAWSCredentials(accessKey, secretKey) : new SessionAWSCredentials(accessKey, secretKey, sessionToken);

    private static AWSCredentials FromProfile(CredentialProfileStoreChain profiles, string name, string? location, string from)
    {
        if (!profiles.TryGetProfile(name, out var profile))
            throw new AwsConfigurationException($"{from}: profile '{name}' was not found{(location is null ? " in the SDK store or the shared credentials/config files" : $" in {location}")}");
        try
        {
            return profile.GetAWSCredentials(profiles);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new AwsConfigurationException($"{from}: profile '{name}' cannot give credentials: {e.Message}", e);
        }
    }

    private static string ProfileSource(string name, string? location, CredentialProfileStoreChain profiles)
    {
        var kind = profiles.TryGetProfile(name, out var profile) && profile.Options.SsoStartUrl is not null ? " (SSO)" : "";
        return $"profile '{name}'{kind} from {location ?? "the SDK store or the shared credentials/config files"}";
    }

    /// <summary>
    /// Accepts an AWSCredentials from this load context or, by shape, from another one (AWS.Tools loads its own
    /// AWSSDK.Core): anything with <c>GetCredentials()</c> returning AccessKey/SecretKey/Token, or a wrapper
    /// with a <c>Credentials</c> property (AWS.Tools' AWSPSCredentials).
    /// </summary>
    private static AWSCredentials FromObject(object value, string from)
    {
        if (value is AWSCredentials own) return own;
        var type = value.GetType();
        if (type.GetProperty("Credentials", BindingFlags.Public | BindingFlags.Instance)?.GetValue(value) is { } inner && !ReferenceEquals(inner, value))
            return FromObject(inner, from);
        var immutable = type.GetMethod("GetCredentials", BindingFlags.Public | BindingFlags.Instance, Type.EmptyTypes)?.Invoke(value, null);
        string? Read(string property) => immutable?.GetType().GetProperty(property)?.GetValue(immutable) as string;
        var key = Read("AccessKey");
        var secret = Read("SecretKey");
        if (string.IsNullOrEmpty(key) || string.IsNullOrEmpty(secret))
            throw new AwsConfigurationException($"{from}: a {type.Name} is not AWS credentials (expected an AWSCredentials object)");
        return KeysOf(key, secret, Read("Token"));
    }
}

/// <summary>
/// Builds an SDK credential provider on first use. The container and instance providers contact their
/// endpoints as soon as they are constructed, which must not happen merely because the chain reached them.
/// </summary>
internal sealed class DeferredCredentials(Func<AWSCredentials> create, string what) : AWSCredentials
{
    private readonly Lazy<AWSCredentials> _inner = new(() =>
    {
        try { return create(); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new AwsConfigurationException($"No AWS credentials: the chain reached {what}, which are not available here ({e.Message}). Pass -ProfileName or -AccessKey/-SecretKey.", e);
        }
    });

    public override ImmutableCredentials GetCredentials() => _inner.Value.GetCredentials();

    public override Task<ImmutableCredentials> GetCredentialsAsync() => _inner.Value.GetCredentialsAsync();
}
