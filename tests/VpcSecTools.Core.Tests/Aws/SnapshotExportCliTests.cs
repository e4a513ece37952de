using VpcSecTools.Cli;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Aws;

/// <summary>
/// <c>vpcsec snapshot export --endpoint-url</c> against the replay server writes the snapshot the offline
/// loader builds from the same describe outputs. Credentials come from the environment, as for a user.
/// </summary>
[Collection(ProcessEnvironment.Name)]
public class SnapshotExportCliTests
{
    [Fact]
    public void Export_from_the_replay_server_equals_the_snapshot_of_the_describe_outputs()
    {
        using var server = Ec2Wire.Serve("test-transit-gateway");
        using var temp = new TestPaths.TempDir();
        var outFile = temp.File("live.json");
        int exit;
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            exit = Program.BuildRoot().Parse(["snapshot", "export", "--region", Ec2Wire.Region, "--endpoint-url", server.Url, "--out", outFile, "--format", "json"]).Invoke();

        Assert.Equal(Program.Ok, exit);
        Assert.Equal(Ec2Wire.Canonical(SnapshotLoader.Load(Ec2Wire.Describe("test-transit-gateway"))), Ec2Wire.Canonical(SnapshotLoader.Load(outFile)));
        Assert.All(server.Requests, r => Assert.Contains("Credential=AKIDEXAMPLE/", r.Headers["Authorization"]));
    }

    [Fact]
    public void Live_and_offline_options_together_are_an_error()
    {
        using var temp = new TestPaths.TempDir();
        var exit = Program.BuildRoot().Parse(["snapshot", "export", "--from", TestPaths.Batfish("test-nat-gateway"), "--region", "us-east-1", "--out", temp.File("x.json")]).Invoke();
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
        int exit;
        using (ProcessEnvironment.Set(("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "secret"), ("AWS_PROFILE", null)))
            exit = Program.BuildRoot().Parse(["snapshot", "export", "--region", Ec2Wire.Region, "--endpoint-url", server.Url, "--out", outFile, "--format", "json"]).Invoke();

        Assert.Equal(Program.Ok, exit);
        var region = SnapshotLoader.Load(outFile).Regions[0];
        Assert.Equal(Section.VpcEndpoints, Assert.Single(region.MissingSections).Section);
        Assert.False(region.Has(Section.VpcEndpoints));
    }
}

/// <summary>Tests that change process environment variables run one at a time, and put them back.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironment
{
    public const string Name = "process environment";

    public static IDisposable Set(params (string Name, string? Value)[] values)
    {
        var saved = values.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
        foreach (var (name, value) in values) Environment.SetEnvironmentVariable(name, value);
        return new Restore(saved);
    }

    private sealed class Restore((string Name, string? Value)[] saved) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (name, value) in saved) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
