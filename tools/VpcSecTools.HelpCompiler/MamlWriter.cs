using System.Xml.Linq;

namespace VpcSecTools.HelpCompiler;

/// <summary>
/// Writes command help in MAML, the XML Get-Help reads from <c>&lt;Assembly&gt;.dll-Help.xml</c>. Text comes from
/// the markdown; names, types, aliases, positions and pipeline input come from the assembly, so they cannot drift.
/// </summary>
public static class MamlWriter
{
    public static readonly XNamespace Msh = "http://msh";
    public static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10";
    public static readonly XNamespace Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    public static readonly XNamespace Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    /// <summary>Standard text for the ShouldProcess parameters when a help file does not describe them.</summary>
    public static IReadOnlyDictionary<string, string> ShouldProcessParameters { get; } = new Dictionary<string, string>
    {
        ["WhatIf"] = "Shows what would happen if the cmdlet runs. The cmdlet is not run.",
        ["Confirm"] = "Prompts you for confirmation before running the cmdlet.",
    };

    /// <summary>The help document for every cmdlet that has markdown; cmdlets without it are left out.</summary>
    public static XDocument Write(IEnumerable<(CmdletMetadata Cmdlet, MarkdownHelp Help)> commands) =>
        new(new XDeclaration("1.0", "utf-8", null),
            new XElement(Msh + "helpItems", new XAttribute("schema", "maml"),
                commands.Select(c => Command_(c.Cmdlet, c.Help))));

    private static XElement Command_(CmdletMetadata cmdlet, MarkdownHelp help)
    {
        var parameters = AllParameters(cmdlet, help).ToArray();
        return new XElement(Command + "command",
            new XAttribute(XNamespace.Xmlns + "maml", Maml),
            new XAttribute(XNamespace.Xmlns + "command", Command),
            new XAttribute(XNamespace.Xmlns + "dev", Dev),
            new XElement(Command + "details",
                new XElement(Command + "name", cmdlet.Name),
                new XElement(Command + "verb", cmdlet.Verb),
                new XElement(Command + "noun", cmdlet.Noun),
                Description(help.Synopsis)),
            Description(help.Description),
            new XElement(Command + "syntax",
                cmdlet.ParameterSetNames.Select(set => new XElement(Command + "syntaxItem",
                    new XElement(Maml + "name", cmdlet.Name),
                    cmdlet.InSet(set).Select(p => Parameter(p.Parameter, p.Membership, help))
                        .Concat(ShouldProcess(cmdlet, help))))),
            new XElement(Command + "parameters",
                parameters.Select(p => p.Element)),
            new XElement(Command + "inputTypes", help.Inputs.Select(t => new XElement(Command + "inputType", Type(t)))),
            new XElement(Command + "returnValues", help.Outputs.Select(t => new XElement(Command + "returnValue", Type(t)))),
            new XElement(Maml + "alertSet", new XElement(Maml + "alert", Paragraphs(help.Notes))),
            new XElement(Command + "examples", help.Examples.Select((e, i) => new XElement(Command + "example",
                new XElement(Maml + "title", $"--------- {e.Title} ---------"),
                new XElement(Dev + "code", e.Code),
                new XElement(Dev + "remarks", Paragraphs(e.Remarks))))),
            new XElement(Command + "relatedLinks", help.RelatedLinks.Select(l => new XElement(Maml + "navigationLink",
                new XElement(Maml + "linkText", l.Text),
                new XElement(Maml + "uri", l.Uri)))));
    }

    private static IEnumerable<(string Name, XElement Element)> AllParameters(CmdletMetadata cmdlet, MarkdownHelp help)
    {
        foreach (var parameter in cmdlet.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            // The parameters section shows one entry per parameter: mandatory if it is anywhere, its first position.
            var membership = new ParameterSetMembership("", parameter.MandatoryAnywhere,
                parameter.Sets.Select(s => s.Position).FirstOrDefault(p => p is not null),
                parameter.Sets.Any(s => s.ByValue), parameter.Sets.Any(s => s.ByPropertyName));
            yield return (parameter.Name, Parameter(parameter, membership, help));
        }
        foreach (var element in ShouldProcess(cmdlet, help))
            yield return ((string)element.Element(Maml + "name")!, element);
    }

    private static IEnumerable<XElement> ShouldProcess(CmdletMetadata cmdlet, MarkdownHelp help) =>
        !cmdlet.SupportsShouldProcess
            ? []
            : ShouldProcessParameters.Select(p => Switch(p.Key, help.Parameters.GetValueOrDefault(p.Key) ?? p.Value,
                p.Key == "WhatIf" ? "wi" : "cf"));

    private static XElement Parameter(CmdletParameter parameter, ParameterSetMembership membership, MarkdownHelp help)
    {
        var element = new XElement(Command + "parameter",
            new XAttribute("required", membership.Mandatory ? "true" : "false"),
            new XAttribute("variableLength", parameter.Type.IsArray ? "true" : "false"),
            new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", new CmdletParameter(parameter.Name, parameter.Type, parameter.Aliases, [membership]).PipelineInput),
            new XAttribute("position", membership.Position?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "named"),
            new XAttribute("aliases", parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases)),
            new XElement(Maml + "name", parameter.Name),
            Description(help.Parameters.GetValueOrDefault(parameter.Name) ?? ""));
        if (!parameter.IsSwitch)
            element.Add(new XElement(Command + "parameterValue",
                new XAttribute("required", "true"), new XAttribute("variableLength", parameter.Type.IsArray ? "true" : "false"),
                parameter.TypeName));
        element.Add(new XElement(Dev + "type", new XElement(Maml + "name", parameter.TypeName), new XElement(Maml + "uri")));
        element.Add(new XElement(Dev + "defaultValue", parameter.IsSwitch ? "False" : "None"));
        return element;
    }

    private static XElement Switch(string name, string description, string alias) =>
        new(Command + "parameter",
            new XAttribute("required", "false"), new XAttribute("variableLength", "true"), new XAttribute("globbing", "false"),
            new XAttribute("pipelineInput", "False"), new XAttribute("position", "named"), new XAttribute("aliases", alias),
            new XElement(Maml + "name", name),
            Description(description),
            new XElement(Dev + "type", new XElement(Maml + "name", "SwitchParameter"), new XElement(Maml + "uri")),
            new XElement(Dev + "defaultValue", "False"));

    private static IEnumerable<XElement> Type(HelpType type) =>
    [
        new(Dev + "type", new XElement(Maml + "name", type.TypeName), new XElement(Maml + "uri")),
        Description(type.Description),
    ];

    private static XElement Description(string text) => new(Maml + "description", Paragraphs(text));

    private static IEnumerable<XElement> Paragraphs(string text) =>
        text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => new XElement(Maml + "para", p));
}
