using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Credentials.Internal;
using Amazon.Runtime.Endpoints;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Auth;
using Amazon.Runtime.Internal.Transform;

namespace VpcSecTools.Aws;

/// <summary>
/// Which AWS service a client speaks to: the names AWSSDK.Core needs to sign, route and retry its calls.
/// One per service without an SDK package on our feed (CloudWatch Logs, Athena: JSON 1.1); the protocol lives in the marshallers.
/// </summary>
/// <param name="ServiceId">The SDK service id (<c>EC2</c>, <c>CloudWatch Logs</c>, <c>Athena</c>).</param>
/// <param name="EndpointPrefix">The host prefix of the regional endpoint (<c>ec2</c>, <c>logs</c>, <c>athena</c>).</param>
/// <param name="SigningName">The SigV4 service name (<c>ec2</c>, <c>logs</c>, <c>athena</c>).</param>
/// <param name="ApiVersion">The API version the models were taken from.</param>
public sealed record AwsServiceDescription(string ServiceId, string EndpointPrefix, string SigningName, string ApiVersion);

/// <summary>
/// AWSSDK.Core configuration for one of our own service clients. The SDK's defaults give the standard retry
/// mode (exponential backoff with jitter, throttling codes such as RequestLimitExceeded and 5xx retried).
/// </summary>
internal sealed class AwsServiceConfig : ClientConfig
{
    private readonly AwsServiceDescription _service;

    public AwsServiceDescription Service => _service;

    public AwsServiceConfig(AwsServiceDescription service)
        : base(new DefaultConfigurationProvider([new DefaultConfiguration { Name = DefaultConfigurationMode.Standard, RetryMode = RequestRetryMode.Standard }]))
    {
        _service = service;
        AuthenticationServiceName = service.SigningName;
        ServiceId = service.ServiceId;
        EndpointProvider = new AwsEndpointProvider(this);
    }

    public override string RegionEndpointServiceName => _service.EndpointPrefix;
    public override string ServiceVersion => _service.ApiVersion;
    public override string UserAgent => "VpcSecTools";

    /// <summary>
    /// The explicit endpoint (-EndpointUrl) when given, else the service's regional endpoint in the region's
    /// partition (<c>https://ec2.eu-west-1.amazonaws.com</c>, <c>.amazonaws.com.cn</c> in China).
    /// </summary>
    public override Endpoint DetermineServiceOperationEndpoint(ServiceOperationEndpointParameters parameters)
    {
        if (!string.IsNullOrEmpty(ServiceURL)) return new Endpoint(ServiceURL);
        var region = RegionEndpoint ?? throw new AmazonClientException("No region is set for " + _service.ServiceId);
        var suffix = string.IsNullOrEmpty(region.PartitionDnsSuffix) ? "amazonaws.com" : region.PartitionDnsSuffix;
        return new Endpoint($"https://{_service.EndpointPrefix}.{region.SystemName}.{suffix}");
    }
}

/// <summary>The pipeline stage that puts our endpoint on each request (the SDK's generated clients add one per service).</summary>
internal sealed class AwsEndpointStage : BaseEndpointResolver
{
    // Our endpoint rule needs no parameters beyond the client configuration the provider already holds.
    protected override EndpointParameters MapEndpointsParameters(IRequestContext requestContext) => new();
}

/// <summary>Resolves a client's endpoint from its configuration (explicit URL, else regional).</summary>
internal sealed class AwsEndpointProvider(AwsServiceConfig config) : IEndpointProvider
{
    public Endpoint ResolveEndpoint(EndpointParameters parameters) => config.DetermineServiceOperationEndpoint(null!);
}

/// <summary>Chooses SigV4 for every operation: all the services we call sign that way.</summary>
internal sealed class AwsSigV4AuthStage : BaseAuthResolverHandler
{
    protected override List<IAuthSchemeOption> ResolveAuthOptions(IExecutionContext executionContext) => AuthSchemeOption.DEFAULT_SIGV4;
}

/// <summary>Names the service to the SDK (telemetry, operation names).</summary>
internal sealed class AwsServiceMetadata(string serviceId) : IServiceMetadata
{
    public string ServiceId { get; } = serviceId;
    public IDictionary<string, string> OperationNameMapping { get; } = new Dictionary<string, string>();
}

/// <summary>
/// A client on AWSSDK.Core's runtime pipeline: credentials, SigV4 signing, retries with backoff and throttling,
/// endpoint and region handling all come from the SDK. A protocol (JSON 1.1) plugs in a request
/// marshaller and a response unmarshaller per call.
/// </summary>
/// <remarks>
/// A JSON 1.1 service (CloudWatch Logs, Athena) needs only its <see cref="AwsServiceDescription"/>
/// (e.g. <c>new("CloudWatch Logs", "logs", "logs", "2014-03-28")</c>), a marshaller producing a POST
/// <c>DefaultRequest</c> with header <c>X-Amz-Target: &lt;TargetPrefix&gt;.&lt;Operation&gt;</c>
/// (<c>Logs_20140328</c>, <c>AmazonAthena</c>), <c>Content-Type: application/x-amz-json-1.1</c> and the JSON body
/// as <c>Content</c>, and a <c>JsonResponseUnmarshaller</c> for the response and the <c>__type</c> error body.
/// Configuration, endpoint, auth stages and this client are shared unchanged. EC2 and S3 use their SDK packages.
/// </remarks>
internal sealed class AwsServiceClient : AmazonServiceClient
{
    private readonly AwsServiceMetadata _metadata;

    public AwsServiceClient(AWSCredentials credentials, AwsServiceConfig config) : base(credentials, config)
    {
        _metadata = new AwsServiceMetadata(config.Service.ServiceId);
    }

    protected override IServiceMetadata ServiceMetadata => _metadata;

    /// <summary>
    /// A client for <paramref name="service"/> in <paramref name="region"/>, at the connection's explicit endpoint when
    /// it has one; signing uses the region even when the endpoint (e.g. 127.0.0.1) hides it from the host name.
    /// </summary>
    public static AwsServiceClient Create(AwsServiceDescription service, AwsSdkConnection connection, string region)
    {
        var config = connection.Configure(new AwsServiceConfig(service), region);
        config.AuthenticationRegion = region;
        return new AwsServiceClient(connection.Credentials, config);
    }

    protected override void CustomizeRuntimePipeline(RuntimePipeline pipeline)
    {
        // The order the SDK's generated clients use: Marshaller, auth scheme, endpoint, ..., Signer.
        pipeline.RemoveHandler<EndpointResolver>();
        pipeline.AddHandlerAfter<Marshaller>(new AwsEndpointStage());
        pipeline.AddHandlerAfter<Marshaller>(new AwsSigV4AuthStage());
    }

    /// <summary>Sends one request through the SDK pipeline and returns what the unmarshaller made of the response.</summary>
    public Task<TResponse> SendAsync<TResponse>(AmazonWebServiceRequest request, IMarshaller<IRequest, AmazonWebServiceRequest> marshaller,
        ResponseUnmarshaller unmarshaller, CancellationToken cancellationToken) where TResponse : AmazonWebServiceResponse, new()
    {
        var options = new InvokeOptions { RequestMarshaller = marshaller, ResponseUnmarshaller = unmarshaller };
        return InvokeAsync<TResponse>(request, options, cancellationToken);
    }
}
