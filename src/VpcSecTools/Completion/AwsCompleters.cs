using System.Collections;
using System.Management.Automation;

namespace VpcSecTools.Completion;

/// <summary>Completes <c>-Region</c> from the known AWS Regions.</summary>
public sealed class RegionCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters) =>
        (KnownRegions.Complete(wordToComplete), "no known AWS Region starts so");
}

/// <summary>
/// Completes <c>-ProfileName</c> from the AWS shared config and credentials files; a <c>-ProfileLocation</c>
/// already on the command line replaces the credentials file, as it does when the cmdlet runs.
/// </summary>
public sealed class ProfileNameCompleter : CandidateCompleter
{
    /// <inheritdoc />
    protected override (IEnumerable<CompletionCandidate>, string) Complete(string parameterName, string wordToComplete, IDictionary fakeBoundParameters)
    {
        var (config, credentials) = AwsProfileNames.SharedFiles(Environment.GetEnvironmentVariable,
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));
        var location = fakeBoundParameters.Contains("ProfileLocation") ? fakeBoundParameters["ProfileLocation"] : null;
        if ((location is PSObject pso ? pso.BaseObject : location) is string { Length: > 0 } given) credentials = given;
        return (AwsProfileNames.Complete(AwsProfileNames.Read(config, credentials), wordToComplete), "no profile in the AWS config or credentials files starts so");
    }
}
