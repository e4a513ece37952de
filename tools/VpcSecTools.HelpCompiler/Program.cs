using System.Reflection;
using VpcSecTools.Commands;

namespace VpcSecTools.HelpCompiler;

/// <summary>
/// <c>VpcSecTools.HelpCompiler --docs docs/en-US --out &lt;module&gt;/en-US [--strict]</c>: compiles the cmdlet help
/// markdown to <c>VpcSecTools.dll-Help.xml</c> and every <c>about_*.md</c> to <c>about_*.help.txt</c>. Prints what
/// is missing from the help; with --strict that fails the build (exit 1).
/// </summary>
public static class Program
{
    /// <summary>The MAML file name Get-Help looks for beside a binary module's assembly.</summary>
    public const string MamlFileName = "VpcSecTools.dll-Help.xml";

    public static int Main(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var docs = Option("--docs");
        var output = Option("--out");
        if (docs is null || output is null)
        {
            Console.Error.WriteLine("usage: VpcSecTools.HelpCompiler --docs <docs/en-US> --out <module>/en-US [--strict]");
            return 2;
        }
        var problems = Compile(typeof(VpcSecCmdlet).Assembly, docs, output);
        foreach (var problem in problems) Console.Error.WriteLine("help: " + problem);
        return problems.Count > 0 && args.Contains("--strict") ? 1 : 0;
    }

    /// <summary>Writes the MAML and about topics for <paramref name="cmdletAssembly"/>; returns what the help lacks.</summary>
    public static IReadOnlyList<string> Compile(Assembly cmdletAssembly, string docsFolder, string outputFolder)
    {
        Directory.CreateDirectory(outputFolder);
        var cmdlets = CmdletMetadata.FromAssembly(cmdletAssembly);
        var documented = cmdlets.Select(c => (Cmdlet: c, Help: HelpFor(docsFolder, c))).ToArray();
        var problems = documented.SelectMany(d => HelpCheck.Problems(d.Cmdlet, d.Help)).ToList();

        MamlWriter.Write(documented.Where(d => d.Help is not null).Select(d => (d.Cmdlet, d.Help!)))
            .Save(Path.Combine(outputFolder, MamlFileName));
        foreach (var about in Directory.EnumerateFiles(docsFolder, "about_*.md"))
            File.WriteAllText(Path.Combine(outputFolder, Path.GetFileNameWithoutExtension(about) + ".help.txt"),
                AboutTopic.Convert(File.ReadAllLines(about)));
        return problems;
    }

    /// <summary>
    /// Descriptions of the parameters cmdlets inherit from a base class, written once per base: the AWS parameters
    /// (AwsCommonParameters.md), the flow-log sources and window (FlowLogParameters.md).
    /// </summary>
    public const string SharedParametersFolder = "shared";

    /// <summary>
    /// The markdown help of one cmdlet, or null when it has none. Inherited parameters its file does not describe take
    /// their text from the files in <see cref="SharedParametersFolder"/>.
    /// </summary>
    public static MarkdownHelp? HelpFor(string docsFolder, CmdletMetadata cmdlet)
    {
        var file = Path.Combine(docsFolder, cmdlet.Name + ".md");
        if (!File.Exists(file)) return null;
        var help = MarkdownHelp.Read(file);
        var sharedFolder = Path.Combine(docsFolder, SharedParametersFolder);
        if (!Directory.Exists(sharedFolder)) return help;
        var parameters = new Dictionary<string, string>(help.Parameters, StringComparer.OrdinalIgnoreCase);
        foreach (var sharedFile in Directory.EnumerateFiles(sharedFolder, "*.md").Order(StringComparer.Ordinal))
        {
            var shared = MarkdownHelp.Read(sharedFile).Parameters;
            foreach (var p in cmdlet.Parameters)
                if (!parameters.ContainsKey(p.Name) && shared.TryGetValue(p.Name, out var text)) parameters[p.Name] = text;
        }
        return help with { Parameters = parameters };
    }
}
