namespace VpcSecTools.FlowLogs.S3;

/// <summary>An <c>s3://bucket/prefix</c> location; the prefix is empty or ends with <c>/</c>.</summary>
public sealed record S3Location(string Bucket, string Prefix)
{
    public static bool IsS3Uri(string text) => text.StartsWith("s3://", StringComparison.OrdinalIgnoreCase);

    /// <summary>Parses <c>s3://bucket[/prefix]</c>, also the ARN form flow-log destinations use (<c>arn:aws:s3:::bucket/prefix</c>).</summary>
    public static S3Location Parse(string text)
    {
        string rest;
        if (IsS3Uri(text)) rest = text[5..];
        else if (text.StartsWith("arn:", StringComparison.Ordinal) && text.Split(':', 6) is { Length: 6 } arn && arn[2] == "s3") rest = arn[5];
        else throw new FormatException($"'{text}' is not an S3 location (expected s3://bucket/prefix)");
        int slash = rest.IndexOf('/');
        var bucket = slash < 0 ? rest : rest[..slash];
        var prefix = slash < 0 ? "" : rest[(slash + 1)..];
        if (bucket.Length is < 3 or > 63 || bucket.Any(c => !(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '.')))
            throw new FormatException($"'{text}' does not name a valid S3 bucket");
        if (prefix.Length > 0 && !prefix.EndsWith('/')) prefix += "/";
        return new S3Location(bucket, prefix);
    }

    public override string ToString() => $"s3://{Bucket}/{Prefix}";
}
