using VpcSecTools.Commands;
using VpcSecTools.Tests.Module;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// The AWS-reading cmdlets' parameters, read from their metadata (no PowerShell runtime here): the AWS.Tools
/// names and aliases from one base class, Export-VpcSnapshot's two parameter sets, Get-VpcSnapshot's binding.
/// </summary>
public class AwsCmdletMetadataTests
{
    public static TheoryData<string, string[]> Common => new()
    {
        { "Region", ["RegionToCall"] }, { "ProfileName", ["StoredCredentials", "AWSProfileName"] }, { "ProfileLocation", [] },
        { "AccessKey", ["AK"] }, { "SecretKey", ["SK", "SecretAccessKey"] }, { "SessionToken", ["ST"] },
        { "Credential", [] }, { "EndpointUrl", [] },
    };

    [Theory]
    [MemberData(nameof(Common))]
    public void Every_AWS_reading_cmdlet_has_the_common_parameters_with_AWS_Tools_aliases(string name, string[] aliases)
    {
        Assert.Equal(typeof(AwsCmdlet), typeof(AwsCmdlet).GetProperty(name)!.DeclaringType);
        foreach (var cmdlet in ModuleSurface.Cmdlets.Where(c => typeof(AwsCmdlet).IsAssignableFrom(c.ImplementingType)))
        {
            var parameter = Assert.Single(cmdlet.Parameters, p => p.Name == name);
            Assert.Equal(aliases.Order(), parameter.Aliases.Order());
            Assert.False(parameter.MandatoryAnywhere, $"{cmdlet.Name} -{name}");
        }
    }

    [Fact]
    public void Capture_cmdlets_and_every_analysis_cmdlet_read_AWS_through_the_base()
    {
        Assert.True(typeof(AwsCmdlet).IsAssignableFrom(typeof(SnapshotCmdlet)));
        Assert.True(typeof(AwsCmdlet).IsAssignableFrom(ModuleSurface.Cmdlet("Get-VpcSnapshot").ImplementingType));
        Assert.True(typeof(AwsCmdlet).IsAssignableFrom(ModuleSurface.Cmdlet("Export-VpcSnapshot").ImplementingType));
    }

    [Fact]
    public void Export_VpcSnapshot_keeps_the_offline_set_and_defaults_to_live()
    {
        var export = ModuleSurface.Cmdlet("Export-VpcSnapshot");
        Assert.Equal("Live", export.DefaultParameterSetName);
        Assert.Equal(["FromPath", "Live"], export.ParameterSetNames.Order());
        var path = Assert.Single(Assert.Single(export.Parameters, p => p.Name == "Path").Sets);
        Assert.Equal(("FromPath", true, (int?)0), (path.SetName, path.Mandatory, path.Position));
        var outFile = Assert.Single(export.Parameters, p => p.Name == "OutFile").Sets.ToDictionary(s => s.SetName);
        Assert.True(outFile["Live"].Mandatory && outFile["FromPath"].Mandatory);
        // Named only in the live set, so two positional arguments can only mean -Path -OutFile.
        Assert.Null(outFile["Live"].Position);
        Assert.Equal(1, outFile["FromPath"].Position);
        Assert.Equal("Live", Assert.Single(Assert.Single(export.Parameters, p => p.Name == "VpcId").Sets).SetName);
        Assert.Equal("Live", Assert.Single(Assert.Single(export.Parameters, p => p.Name == "AllRegions").Sets).SetName);
    }

    [Fact]
    public void Get_VpcSnapshot_returns_the_snapshot_index_and_binds_VpcId_by_property_name()
    {
        var get = ModuleSurface.Cmdlet("Get-VpcSnapshot");
        Assert.Equal(typeof(VpcSecTools.Snapshot.SnapshotIndex), Assert.Single(get.OutputTypes));
        Assert.True(Assert.Single(Assert.Single(get.Parameters, p => p.Name == "VpcId").Sets).ByPropertyName);
    }
}
