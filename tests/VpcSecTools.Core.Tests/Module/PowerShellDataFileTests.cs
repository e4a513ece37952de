namespace VpcSecTools.Tests.Module;

public sealed class PowerShellDataFileTests
{
    [Fact]
    public void Reads_the_value_kinds_a_manifest_uses()
    {
        var data = PowerShellDataFile.Parse("""
            # comment
            @{
                Name = 'It''s'   # trailing comment
                Double = "plain `"text`""
                <# block
                   comment #>
                Number = 42; Flag = $true; Nothing = $null
                List = @(
                    'a'
                    'b', 'c'
                )
                Inline = 'x', 'y'
                Empty = @()
                Nested = @{ Inner = @{ Deep = 'z' } }
            }
            """);
        Assert.Equal("It's", data["name"]);
        Assert.Equal("plain \"text\"", data["Double"]);
        Assert.Equal(42L, data["Number"]);
        Assert.Equal(true, data["Flag"]);
        Assert.Null(data["Nothing"]);
        Assert.Equal(new object?[] { "a", "b", "c" }, (object?[])data["List"]!);
        Assert.Equal(new object?[] { "x", "y" }, (object?[])data["Inline"]!);
        Assert.Empty((object?[])data["Empty"]!);
        var nested = (IReadOnlyDictionary<string, object?>)data["Nested"]!;
        Assert.Equal("z", ((IReadOnlyDictionary<string, object?>)nested["Inner"]!)["Deep"]);
    }

    [Theory]
    [InlineData("@{ A = $env:HOME }", "variable")]
    [InlineData("@{ A = Get-Date }", "not a value")]
    [InlineData("@{ A = \"$HOME\" }", "expanded")]
    [InlineData("@{ A = 'x'; A = 'y' }", "duplicate key")]
    [InlineData("@{ A = 'x' ", "expected")]
    [InlineData("@{ A = 'x }", "unterminated")]
    public void Rejects_what_is_not_data(string text, string problem)
    {
        var e = Assert.Throws<FormatException>(() => PowerShellDataFile.Parse(text));
        Assert.Contains(problem, e.Message);
    }
}
