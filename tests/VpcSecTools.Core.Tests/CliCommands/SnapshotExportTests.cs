using VpcSecTools.Cli;
using VpcSecTools.Snapshot;
using VpcSecTools.Tests.Aws;

namespace VpcSecTools.Tests.CliCommands;

/// <summary>
/// <c>vpcsec snapshot export --endpoint-url</c> against the replay server writes the snapshot the offline
/// loader builds from the same describe outputs. Credentials come from the environment, as for a user.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public class SnapshotExportTests
{
    [Fact]
    public void Export_from_the_replay_server_equals_the_snapshot_of_the_describe_outputs()
    {
        using var server = Ec2Wire.Serve("test-transit-gateway");
        using var temp = new TestPaths.TempDir();
        var outFile = temp.File("live.json");
        var exit = ExportLive(server.Url, outFile);

        Assert.Equal(Program.Ok, exit);
        Assert.Equal(Ec2Wire.Canonical(SnapshotLoader.Load(Ec2Wire.Describe("test-transit-gateway"))), Ec2Wire.Canonical(SnapshotLoader.Load(outFile)));
        Assert.All(server.Requests, r => Assert.Contains("Credential=AKIDEXAMPLE/", r.Headers["Authorization"]));
    }

    [Fact]
    public void Live_and_offline_options_together_are_an_error()
    {
        using var temp = new TestPaths.TempDir();
        var exit = CliRunner.Run("snapshot", "export", "--from", TestPaths.Batfish("test-nat-gateway"), "--region", "us-east-1", "--out", temp.File("x.json")).Exit;
        Assert.Equal(Program.Error, exit);
        Assert.False(File.Exists(temp.File("x.json")));
    }

    [Fact]
    public void A_denied_section_is_a_warning_and_the_snapshot_marks_it_missing()
    {
        using var server = Ec2Wire.Serve("test-nat-gateway", r => r.Action == "DescribeVpcEndpoints"
            ? ReplayResponse.Error(403, "UnauthorizedOperation", "You are not authorized to perform this operation.") : null);
        using var temp = new TestPaths.TempDir();
        var outFile = temp.File("live.json");
        var exit = ExportLive(server.Url, outFile);

        Assert.Equal(Program.Ok, exit);
        var region = SnapshotLoader.Load(outFile).Regions[0];
        Assert.Equal(Section.VpcEndpoints, Assert.Single(region.MissingSections).Section);
        Assert.False(region.Has(Section.VpcEndpoints));
    }

    /// <summary><c>vpcsec snapshot export</c> from the replay server, with the replay's keys and no profile.</summary>
    private static int ExportLive(string endpointUrl, string outFile)
    {
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            return CliRunner.Run("snapshot", "export", "--region", Ec2Wire.Region, "--endpoint-url", endpointUrl, "--out", outFile, "--format", "json").Exit;
    }
}
