using System.CommandLine;
using VpcSecTools.Aws;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// <c>--region</c>, <c>--profile</c> and <c>--endpoint-url</c> for commands that read from AWS only when asked to
/// (S3 paths, log groups, push-down queries, a VPC's own flow logs); resolved only when a call is made.
/// </summary>
public sealed class AwsConnectionOptions(string usedFor)
{
    private readonly Option<string?> _region = new("--region") { Description = $"{usedFor}: the region to call (default: AWS_REGION or the profile's region)." };
    private readonly Option<string?> _profile = new("--profile") { Description = $"{usedFor}: the named profile (shared config/credentials files, including SSO)." };
    private readonly Option<string?> _endpointUrl = new("--endpoint-url") { Description = $"{usedFor}: send calls to this URL instead of the regional endpoint." };

    public void AddTo(Command command)
    {
        command.Options.Add(_region);
        command.Options.Add(_profile);
        command.Options.Add(_endpointUrl);
    }

    /// <summary>Resolves the connection when called, not before: an offline run never needs credentials.</summary>
    public Func<AwsConnection> Connect(ParseResult parse) => () =>
        AwsSdkConnection.Resolve(new AwsConnectionRequest { Region = parse.GetValue(_region), ProfileName = parse.GetValue(_profile), EndpointUrl = parse.GetValue(_endpointUrl) });

    /// <summary>The --region value, if given.</summary>
    public string? Region(ParseResult parse) => parse.GetValue(_region);
}
