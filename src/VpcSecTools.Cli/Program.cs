using System.CommandLine;
using VpcSecTools.Cli.Commands;

namespace VpcSecTools.Cli;

/// <summary><c>vpcsec</c>: the VpcSecTools engine for bash runbooks and CI gates.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>
    /// Runs one command line against the given writers and returns its exit code: <see cref="Main"/> passes the console,
    /// tests pass their own writers. No command touches <see cref="Console"/>: each writes where its
    /// <see cref="CliOutput.Guard"/> points it, so command lines can run side by side in one process.
    /// </summary>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var parse = BuildRoot().Parse(args);
        // Usage errors exit 2, never 1: CI gates read 1 as "findings" or "not reachable".
        if (parse.Errors.Count > 0 && !args.Any(a => a is "-h" or "--help" or "-?"))
        {
            foreach (var error in parse.Errors) stderr.WriteLine($"vpcsec: UsageError: {error.Message}");
            return Error;
        }
        return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
    }

    /// <summary>Exit codes shared by every command (reach adds 1 = not reachable, 3 = unknown).</summary>
    public const int Ok = 0, Findings = 1, Error = 2, Unknown = 3;

    /// <summary>Every command: a static <c>Create()</c> in <c>Commands/</c>, one line here.</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("vpcsec: AWS VPC network security answers from a snapshot or live AWS.");
        root.Subcommands.Add(SnapshotCommand.Create());
        root.Subcommands.Add(ReachCommand.Create());
        root.Subcommands.Add(IpMapCommand.Create());
        root.Subcommands.Add(FlowLogsCommand.Create());
        root.Subcommands.Add(OpenPortsCommand.Create());
        root.Subcommands.Add(EndpointPlanCommand.Create());
        root.Subcommands.Add(TransferCostCommand.Create());
        root.Subcommands.Add(DiffCommand.Create());
        root.Subcommands.Add(RuleUsageCommand.Create());
        root.Subcommands.Add(PrivateTrustCommand.Create());
        return root;
    }
}
