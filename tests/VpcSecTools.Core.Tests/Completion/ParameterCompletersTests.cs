using System.Management.Automation;
using VpcSecTools.Completion;

namespace VpcSecTools.Tests.Completion;

/// <summary>The completer table the psm1 registers from: every entry a usable IArgumentCompleter.</summary>
public sealed class ParameterCompletersTests
{
    [Fact]
    public void Every_completer_is_a_public_argument_completer_with_a_parameterless_constructor()
    {
        Assert.Equal(["Bin", "CheckId", "Destination", "FlowLogId", "FromVpcId", "GroupBy", "GroupId", "InstanceId", "InterfaceId", "Last", "ProfileName", "Protocol", "Region", "Source", "SubnetId", "VpcId"],
            ParameterCompleters.ByParameterName.Keys.Order(StringComparer.Ordinal));
        foreach (var type in ParameterCompleters.ByParameterName.Values)
        {
            Assert.True(type.IsPublic && !type.IsAbstract, $"{type.Name} must be public and concrete");
            Assert.True(typeof(IArgumentCompleter).IsAssignableFrom(type), $"{type.Name} is not an IArgumentCompleter");
            Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        }
    }

    [Fact]
    public void Lookup_ignores_case_as_PowerShell_parameter_names_do() =>
        Assert.Equal(typeof(VpcIdCompleter), ParameterCompleters.ByParameterName["vpcid"]);

    [Theory]
    [InlineData("prod", "prod")]
    [InlineData("ci runner", "'ci runner'")]
    [InlineData("it's", "'it''s'")]
    [InlineData("a$b", "'a$b'")]
    public void Values_that_PowerShell_would_split_or_expand_are_quoted(string value, string expected) =>
        Assert.Equal(expected, CompletionResults.Quote(value));
}
