using System.Reflection;
using System.Xml.Linq;
using Maml = VpcSecTools.HelpCompiler.MamlWriter;
using VpcSecTools.Errors;
using VpcSecTools.HelpCompiler;

namespace VpcSecTools.Tests.Module;

/// <summary>
/// The help every cmdlet ships: docs/en-US/&lt;Verb-Noun&gt;.md is complete, and the MAML compiled from it is
/// well-formed and says what the markdown and the assembly say.
/// </summary>
public sealed class HelpTests : IDisposable
{
    private readonly TestPaths.TempDir _out = new();
    private readonly IReadOnlyList<string> _problems;
    private readonly XDocument _maml;

    public HelpTests()
    {
        _problems = Program.Compile(ModuleSurface.CmdletAssembly, ModuleSurface.DocsFolder, _out.Path);
        _maml = XDocument.Load(_out.File(Program.MamlFileName));
    }

    public void Dispose() => _out.Dispose();

    private XElement CommandHelp(string name) =>
        _maml.Root!.Elements(Maml.Command + "command")
            .Single(c => c.Element(Maml.Command + "details")!.Element(Maml.Command + "name")!.Value == name);

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Help_markdown_is_complete(string name)
    {
        var mine = _problems.Where(p => p.StartsWith(name + " ", StringComparison.Ordinal) || p.StartsWith(name + ":", StringComparison.Ordinal));
        Assert.Empty(mine);
    }

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Maml_carries_synopsis_description_examples_and_every_parameter(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        var markdown = Program.HelpFor(ModuleSurface.DocsFolder, cmdlet)!;
        var command = CommandHelp(name);

        Assert.Equal(markdown.Synopsis, command.Element(Maml.Command + "details")!.Element(Maml.Maml + "description")!.Value);
        Assert.NotEmpty(command.Element(Maml.Maml + "description")!.Elements(Maml.Maml + "para"));
        var examples = command.Element(Maml.Command + "examples")!.Elements(Maml.Command + "example").ToArray();
        Assert.True(examples.Length >= HelpCheck.MinimumExamples);
        Assert.All(examples, e => Assert.False(string.IsNullOrWhiteSpace(e.Element(Maml.Dev + "code")!.Value)));

        var documented = command.Element(Maml.Command + "parameters")!.Elements(Maml.Command + "parameter")
            .ToDictionary(p => p.Element(Maml.Maml + "name")!.Value);
        foreach (var parameter in cmdlet.Parameters)
        {
            Assert.True(documented.TryGetValue(parameter.Name, out var element), $"{name} -{parameter.Name} missing from MAML");
            Assert.False(string.IsNullOrWhiteSpace(element.Element(Maml.Maml + "description")!.Value));
            Assert.Equal(parameter.Aliases.Count == 0 ? "none" : string.Join(", ", parameter.Aliases), (string)element.Attribute("aliases")!);
            Assert.Equal(parameter.MandatoryAnywhere ? "true" : "false", (string)element.Attribute("required")!);
            Assert.Equal(parameter.PipelineInput, (string)element.Attribute("pipelineInput")!);
        }
        if (cmdlet.SupportsShouldProcess)
        {
            Assert.Contains("WhatIf", documented.Keys);
            Assert.Contains("Confirm", documented.Keys);
        }
        Assert.Equal(cmdlet.Parameters.Count + (cmdlet.SupportsShouldProcess ? 2 : 0), documented.Count);
        Assert.Equal(cmdlet.ParameterSetNames.Count, command.Element(Maml.Command + "syntax")!.Elements(Maml.Command + "syntaxItem").Count());
    }

    [Theory]
    [MemberData(nameof(ModuleSurface.CmdletNames), MemberType = typeof(ModuleSurface))]
    public void Outputs_section_names_the_declared_output_types(string name)
    {
        var cmdlet = ModuleSurface.Cmdlet(name);
        var outputs = Program.HelpFor(ModuleSurface.DocsFolder, cmdlet)!.Outputs.Select(o => o.TypeName).ToArray();
        foreach (var type in cmdlet.OutputTypes)
            Assert.Contains(type.FullName, outputs);
    }

    [Fact]
    public void Maml_has_one_command_per_cmdlet_and_no_other()
    {
        var names = _maml.Root!.Elements(Maml.Command + "command")
            .Select(c => c.Element(Maml.Command + "details")!.Element(Maml.Command + "name")!.Value).Order().ToArray();
        Assert.Equal(ModuleSurface.Cmdlets.Select(c => c.Name).Order(), names);
        Assert.Equal("maml", (string)_maml.Root.Attribute("schema")!);
    }

    [Fact]
    public void Every_markdown_help_file_belongs_to_a_cmdlet()
    {
        var cmdlets = ModuleSurface.Cmdlets.Select(c => c.Name + ".md").ToHashSet();
        foreach (var file in Directory.EnumerateFiles(ModuleSurface.DocsFolder, "*.md"))
            Assert.True(cmdlets.Contains(Path.GetFileName(file)) || Path.GetFileName(file).StartsWith("about_", StringComparison.Ordinal),
                $"{Path.GetFileName(file)} documents no exported cmdlet");
    }

    [Fact]
    public void About_topic_explains_the_module_and_lists_every_error_id()
    {
        var about = File.ReadAllText(_out.File("about_VpcSecTools.help.txt"));
        Assert.StartsWith("TOPIC", about);
        foreach (var heading in new[] { "SHORT DESCRIPTION", "SNAPSHOTS", "LIVE MODE", "CREDENTIALS AND REGION", "LEAST-PRIVILEGE POLICY", "ERRORS" })
            Assert.Contains("\n" + heading + Environment.NewLine, about);
        var ids = typeof(ErrorCatalog).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!);
        foreach (var id in ids)
            Assert.Contains($"| {id} ", about);
    }
}
