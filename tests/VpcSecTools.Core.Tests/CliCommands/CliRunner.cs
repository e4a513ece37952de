using VpcSecTools.Cli;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>
/// Runs <c>vpcsec</c> in process through <see cref="Program.Run"/>, the entry point <c>Main</c> uses, with writers of its
/// own: no global Console is touched, so CLI tests run in parallel like any other.
/// </summary>
public static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
