using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Completion;

/// <summary>
/// The snapshot the completers use: the command line's own <c>-Snapshot</c> value, else the last snapshot
/// imported in this session. The session's copy is a global PowerShell variable (one per runspace, removed
/// with the module), not a static, so two runspaces never see each other's snapshot.
/// </summary>
public static class SessionSnapshot
{
    /// <summary>The session variable holding the last imported snapshot.</summary>
    public const string VariableName = "VpcSecToolsSnapshot";

    /// <summary>Records <paramref name="index"/> as the session's last imported snapshot.</summary>
    public static void Remember(PSCmdlet cmdlet, SnapshotIndex index) =>
        cmdlet.SessionState.PSVariable.Set("global:" + VariableName, index);

    /// <summary>
    /// The snapshot for completing the command being typed: -Snapshot when it is a snapshot object or a path
    /// (read now), else the session's last import; null when there is none or it cannot be read.
    /// </summary>
    public static SnapshotIndex? ForCompletion(IDictionary fakeBoundParameters)
    {
        try
        {
            var given = fakeBoundParameters.Contains("Snapshot") ? fakeBoundParameters["Snapshot"] : null;
            return FromValue(given) ?? FromValue(SessionValue());
        }
        catch (Exception e) when (e is SnapshotFormatException or IOException or UnauthorizedAccessException
                                      or ArgumentException or FormatException or PSInvalidOperationException)
        {
            // Completion never reports errors: an unreadable snapshot simply offers nothing.
            return null;
        }
    }

    private static SnapshotIndex? FromValue(object? value) => (value is PSObject pso ? pso.BaseObject : value) switch
    {
        SnapshotIndex index => index,
        VpcSnapshot snapshot => new SnapshotIndex(snapshot),
        string path when path.Length > 0 => new SnapshotIndex(SnapshotLoader.Load(Path.GetFullPath(ExpandHome(path)))),
        FileSystemInfo item => new SnapshotIndex(SnapshotLoader.Load(item.FullName)),
        _ => null,
    };

    private static string ExpandHome(string path) =>
        path == "~" || path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~\\", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path.TrimStart('~').TrimStart('/', '\\'))
            : path;

    private static object? SessionValue()
    {
        // Completers run on the pipeline thread of the session being typed in; a nested pipeline reads its variable.
        if (Runspace.DefaultRunspace is null) return null;
        using var shell = PowerShell.Create(RunspaceMode.CurrentRunspace);
        shell.AddCommand("Get-Variable")
            .AddParameter("Name", VariableName)
            .AddParameter("Scope", "Global")
            .AddParameter("ValueOnly")
            .AddParameter("ErrorAction", "Ignore");
        return shell.Invoke().FirstOrDefault();
    }
}
