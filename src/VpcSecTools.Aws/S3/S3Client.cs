using Amazon.S3;
using Amazon.S3.Model;

namespace VpcSecTools.Aws.S3;

/// <summary>
/// <see cref="IS3Client"/> on AWSSDK.S3, with the connection's credentials and region. With an endpoint URL (a local
/// S3, a VPC endpoint) requests go there path-style, as bucket host names do not resolve on such endpoints.
/// </summary>
internal sealed class S3Client : IS3Client
{
    private readonly AmazonS3Client _s3;

    public S3Client(AwsSdkConnection connection)
    {
        var config = new AmazonS3Config();
        if (connection.EndpointUrl is { } url)
        {
            config.ServiceURL = url;
            config.ForcePathStyle = true;
            config.AuthenticationRegion = connection.Region;
        }
        else config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(connection.Region);
        _s3 = new AmazonS3Client(connection.Credentials, config);
    }

    public async Task<S3ListPage> ListObjectsV2Async(string bucket, string prefix, string? delimiter, string? continuationToken, CancellationToken cancellationToken)
    {
        var page = await _s3.ListObjectsV2Async(new ListObjectsV2Request
        {
            BucketName = bucket, Prefix = prefix, Delimiter = delimiter, ContinuationToken = continuationToken,
        }, cancellationToken).ConfigureAwait(false);
        return new S3ListPage(page.CommonPrefixes ?? [], (page.S3Objects ?? []).Select(o => new S3ObjectSummary(o.Key, o.Size ?? 0)).ToList(),
            page.IsTruncated == true ? page.NextContinuationToken : null);
    }

    public async Task<Stream> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
        return response.ResponseStream;
    }

    public void Dispose() => _s3.Dispose();
}
