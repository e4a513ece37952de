using System.CommandLine;
using VpcSecTools.FlowLogs;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// <c>--since</c>, <c>--until</c> and <c>--last</c> for every command that reads flow logs: declared once, and read by the
/// engine's one parser (<see cref="FlowQueryArguments"/>), so each command accepts and refuses the same values with the
/// same messages, as the cmdlets' -Since, -Until and -Last do.
/// </summary>
public sealed class FlowWindowOptions
{
    private readonly Option<DateTimeOffset?> _since = new("--since")
    {
        Description = "The window's start: records whose capture window ends at or after this instant (ISO 8601; without an offset, local time: add Z for UTC).",
    };
    private readonly Option<DateTimeOffset?> _until = new("--until") { Description = "The window's end: records whose capture window starts before this instant." };
    private readonly Option<string?> _last = new("--last")
    {
        Description = "The window is the last this long, up to now (30m, 6h, 1d, 2w or 00:30:00); instead of --since.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(_since);
        command.Options.Add(_until);
        command.Options.Add(_last);
    }

    /// <summary><paramref name="arguments"/> with the window given on the command line.</summary>
    public FlowQueryArguments Add(ParseResult parse, FlowQueryArguments arguments) =>
        arguments with { Since = parse.GetValue(_since), Until = parse.GetValue(_until), Last = parse.GetValue(_last) };

    /// <summary>The window (Since and Until; --last made a Since); a bad duration, or --since with --last, is a FormatException naming it.</summary>
    public FlowFilter Window(ParseResult parse) => Add(parse, new FlowQueryArguments()).ToQuery().Filter;
}
