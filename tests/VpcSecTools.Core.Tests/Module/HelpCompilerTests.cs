using VpcSecTools.HelpCompiler;

namespace VpcSecTools.Tests.Module;

/// <summary>The markdown reader and the completeness check, on small documents of known shape.</summary>
public sealed class HelpCompilerTests
{
    private static readonly string[] Sample = """
        ---
        external help file: VpcSecTools.dll-Help.xml
        ---

        # Import-VpcSnapshot

        ## SYNOPSIS
        Loads a snapshot.

        ## SYNTAX

        ```
        Import-VpcSnapshot [-Path] <String>
        ```

        ## DESCRIPTION
        First line
        continues here.

        Second paragraph with `code`.

        ## EXAMPLES

        ### Example 1: One
        ```powershell
        Import-VpcSnapshot ./a.json
        # ## not a heading inside code
        ```

        Explains one.

        ### Example 2: Two
        ```powershell
        Import-VpcSnapshot ./b
        ```

        Explains two.

        ## PARAMETERS

        ### -Path
        Where to read.

        ```yaml
        Type: String
        ```

        ### CommonParameters
        The usual.

        ## OUTPUTS

        ### VpcSecTools.Snapshot.SnapshotIndex
        The index.

        ## RELATED LINKS

        [Export-VpcSnapshot](Export-VpcSnapshot.md)
        """.Split('\n');

    private static CmdletMetadata Import => ModuleSurface.Cmdlet("Import-VpcSnapshot");

    [Fact]
    public void Reads_the_platyPS_layout()
    {
        var help = MarkdownHelp.Parse(Sample, "Import-VpcSnapshot.md");
        Assert.Equal("Import-VpcSnapshot", help.Name);
        Assert.Equal("Loads a snapshot.", help.Synopsis);
        Assert.Equal("First line continues here.\n\nSecond paragraph with code.", help.Description);
        Assert.Equal(2, help.Examples.Count);
        Assert.Equal("Example 1: One", help.Examples[0].Title);
        Assert.Equal("Import-VpcSnapshot ./a.json\n# ## not a heading inside code", help.Examples[0].Code);
        Assert.Equal("Explains one.", help.Examples[0].Remarks);
        Assert.Equal("Where to read.", Assert.Single(help.Parameters).Value);
        Assert.Equal("VpcSecTools.Snapshot.SnapshotIndex", Assert.Single(help.Outputs).TypeName);
        Assert.Equal(("Export-VpcSnapshot", "Export-VpcSnapshot.md"), Assert.Single(help.RelatedLinks));
        Assert.Empty(HelpCheck.Problems(Import, help));
    }

    [Fact]
    public void Reports_what_is_missing()
    {
        var lines = Sample.Where(l => !l.StartsWith("Where to read", StringComparison.Ordinal)).ToArray();
        var withoutSecondExample = string.Join('\n', lines).Replace("### Example 2: Two", "Example two, not a heading", StringComparison.Ordinal).Split('\n');
        var problems = HelpCheck.Problems(Import, MarkdownHelp.Parse(withoutSecondExample, "x.md"));
        Assert.Contains(problems, p => p.Contains("-Path is not described", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("1 example(s)", StringComparison.Ordinal));
        Assert.Contains(HelpCheck.Problems(Import, null), p => p.Contains("no help file", StringComparison.Ordinal));
    }

    [Fact]
    public void An_alias_heading_is_named_and_an_unknown_one_rejected()
    {
        var lines = string.Join('\n', Sample).Replace("### -Path", "### -FullName\nAlias text.\n\n### -Nonsense\nNo such.\n\n### -Path", StringComparison.Ordinal).Split('\n');
        var problems = HelpCheck.Problems(Import, MarkdownHelp.Parse(lines, "x.md"));
        Assert.Contains(problems, p => p.Contains("-FullName is an alias of -Path", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("-Nonsense documents a parameter the cmdlet does not have", StringComparison.Ordinal));
    }

    [Fact]
    public void About_topic_becomes_indented_plain_text()
    {
        var text = AboutTopic.Convert(["# about_X", "", "## SHORT DESCRIPTION", "Does `x`.", "", "```powershell", "Get-X", "```"]);
        var expected = string.Join(Environment.NewLine, "TOPIC", "    about_X", "", "SHORT DESCRIPTION", "    Does x.", "", "        Get-X", "");
        Assert.Equal(expected, text);
    }
}
