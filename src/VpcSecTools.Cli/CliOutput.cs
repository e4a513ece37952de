using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Serialization;
using VpcSecTools.Errors;

namespace VpcSecTools.Cli;

/// <summary>Output and failure handling shared by every command.</summary>
public static class CliOutput
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>
    /// Runs a command's body with the writers <see cref="Program.Run"/> was given (stdout, stderr); any failure becomes
    /// one line on stderr and exit code 2. Every command's action is <c>parse =&gt; CliOutput.Guard(parse, (stdout, stderr) =&gt; …)</c>.
    /// </summary>
    public static int Guard(ParseResult parse, Func<TextWriter, TextWriter, int> body)
    {
        var (stdout, stderr) = (parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        try
        {
            return body(stdout, stderr);
        }
        catch (Exception e)
        {
            stderr.WriteLine(ErrorLine(e));
            return Program.Error;
        }
    }

    /// <summary>An error as vpcsec writes it: <c>vpcsec: ErrorId: message</c>, on one line.</summary>
    public static string ErrorLine(Exception e)
    {
        var info = ErrorCatalog.Classify(e);
        return $"vpcsec: {info.ErrorId}: {OneLine(info.Message)}";
    }

    /// <summary>An option's values given repeated or comma-separated in one (<c>--vpc-id a,b</c>); empty when none.</summary>
    public static IReadOnlyList<string> Values(string[]? given) =>
        given?.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList() ?? [];

    public static void WriteJson<T>(T value, TextWriter stdout) => stdout.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>A plain aligned table: headers, then one row per item.</summary>
    public static void WriteTable(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, TextWriter stdout)
    {
        var all = rows.ToList();
        var widths = headers.Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => r[i].Length))).ToArray();
        stdout.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        stdout.WriteLine(string.Join("  ", widths.Select(n => new string('-', n))));
        foreach (var r in all) stdout.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
