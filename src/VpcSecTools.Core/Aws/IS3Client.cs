namespace VpcSecTools.Aws;

/// <summary>An object as ListObjectsV2 lists it.</summary>
public sealed record S3ObjectSummary(string Key, long Size);

/// <summary>One page of ListObjectsV2.</summary>
/// <param name="CommonPrefixes">The folders below the prefix (with a delimiter).</param>
/// <param name="Objects">The objects of the page.</param>
/// <param name="NextContinuationToken">The token of the next page; null on the last one.</param>
public sealed record S3ListPage(IReadOnlyList<string> CommonPrefixes, IReadOnlyList<S3ObjectSummary> Objects, string? NextContinuationToken);

/// <summary>
/// The S3 calls VpcSecTools makes (ListObjectsV2 and GetObject: IAM actions s3:ListBucket and s3:GetObject),
/// each after the SDK's retries.
/// </summary>
public interface IS3Client : IDisposable
{
    /// <summary>One page of the keys under <paramref name="prefix"/>; with a delimiter, the folders below it as common prefixes.</summary>
    Task<S3ListPage> ListObjectsV2Async(string bucket, string prefix, string? delimiter, string? continuationToken, CancellationToken cancellationToken);

    /// <summary>The object's content, streamed.</summary>
    Task<Stream> GetObjectAsync(string bucket, string key, CancellationToken cancellationToken);
}
