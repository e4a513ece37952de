using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;

namespace VpcSecTools.Aws.S3;

/// <summary>
/// <see cref="IS3Client"/> on AWSSDK.S3, with the connection's credentials and region. With an endpoint URL (a local
/// S3, a VPC endpoint) requests go there path-style, as bucket host names do not resolve on such endpoints. Failures
/// come out as <see cref="AwsCallException"/>s naming the operation and the IAM action, as every client's do.
/// </summary>
internal sealed class S3Client : IS3Client
{
    private readonly AmazonS3Client _s3;
    private readonly string _region;
    // The continuation tokens each listing has been given, so one given twice stops it instead of paging for ever.
    private readonly ConcurrentDictionary<(string Bucket, string Prefix, string? Delimiter), ConcurrentDictionary<string, byte>> _tokens = new();

    public S3Client(AwsSdkConnection connection)
    {
        _region = connection.Region;
        var config = connection.Configure(new AmazonS3Config(), connection.Region);
        if (connection.EndpointUrl is not null) config.ForcePathStyle = true;
        _s3 = new AmazonS3Client(connection.Credentials, config);
    }

    public async Task<S3ListPage> ListObjectsV2Async(string bucket, string prefix, string? delimiter, string? continuationToken, CancellationToken cancellationToken)
    {
        const string operation = "ListObjectsV2";
        ListObjectsV2Response page;
        try
        {
            page = await _s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket, Prefix = prefix, Delimiter = delimiter, ContinuationToken = continuationToken,
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (AwsCallFailure.Translate(e, operation, _region, "s3:ListBucket", cancellationToken) is { } failure)
        {
            throw failure;
        }
        // Every listing says whether it is truncated: without it the body was empty or not a listing, not an empty bucket.
        if (page.IsTruncated is not { } truncated)
            throw new AwsMalformedResponseException(operation, _region, $"the listing of s3://{bucket}/{prefix} has no IsTruncated (an empty or foreign body)");
        var next = truncated ? page.NextContinuationToken : null;
        var seen = _tokens.GetOrAdd((bucket, prefix, delimiter), _ => new());
        if (continuationToken is null) seen.Clear();
        if (next is not null && !seen.TryAdd(next, 0))
            throw new AwsMalformedResponseException(operation, _region, $"NextContinuationToken '{next}' for s3://{bucket}/{prefix} was returned twice (the pages would never end)");
        return new S3ListPage(page.CommonPrefixes ?? [], (page.S3Objects ?? []).Select(o => new S3ObjectSummary(o.Key, o.Size ?? 0)).ToList(), next);
    }

    public async Task<Stream> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken)
    {
        try
        {
            var response = await _s3.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken).ConfigureAwait(false);
            return response.ResponseStream;
        }
        catch (Exception e) when (AwsCallFailure.Translate(e, "GetObject", _region, "s3:GetObject", cancellationToken) is { } failure)
        {
            throw failure;
        }
    }

    public void Dispose() => _s3.Dispose();
}
