using VpcSecTools.Cli;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>Runs <c>vpcsec</c> in process with captured stdout/stderr. Console is global, so CLI tests never run in parallel.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliRunner
{
    public const string Name = "vpcsec CLI";

    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exit = Program.Main(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }
}
