using System.Management.Automation;
using VpcSecTools.Completion;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Loads a snapshot once, for reuse by every VpcSecTools cmdlet.</para>
/// <para type="description">Reads a snapshot file, a folder of aws ec2 describe-* outputs or a Batfish
/// aws_configs folder, builds its index and returns it. Pass the result to -Snapshot of any cmdlet so the
/// work is done once. The last snapshot imported also feeds tab completion of -VpcId, -SubnetId,
/// -InstanceId and -GroupId.</para>
/// </summary>
[Cmdlet(VerbsData.Import, "VpcSnapshot")]
[OutputType(typeof(SnapshotIndex))]
public sealed class ImportVpcSnapshotCommand : VpcSecCmdlet
{
    /// <summary>A snapshot file, a folder of describe-* outputs, or a Batfish aws_configs folder; wildcards import each match.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [ValidateNotNull]
    public TextValue? Path { get; set; }

    protected override object? ErrorTarget => Path?.Value;

    protected override void Process() => ForEachInput(Paths(Path!.Value), path =>
    {
        var index = SnapshotSource.Read(GetUnresolvedProviderPathFromPSPath(path), WriteVerbose, WriteLoaderNote);
        // The completers of -VpcId, -SubnetId, ... offer this snapshot's ids until the next import.
        SessionSnapshot.Remember(this, index);
        WriteObject(index);
    });

    /// <summary>
    /// The path as given when it exists (a name may hold [ ]); else each match of its wildcards. A wildcard that
    /// matches nothing goes on as given, to be reported as SnapshotNotFound naming it.
    /// </summary>
    private IEnumerable<string> Paths(string path)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(path) || InvokeProvider.Item.Exists(path, force: false, literalPath: true)) return [path];
        var matches = SessionState.Path.GetResolvedPSPathFromPSPath(path).Select(p => p.ProviderPath).ToArray();
        return matches.Length > 0 ? matches : [path];
    }
}
