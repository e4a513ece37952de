using VpcSecTools.Aws;

namespace VpcSecTools.Tests.Aws;

/// <summary>Credential and region resolution follow AWS.Tools' order, and say where each came from.</summary>
[Collection(ProcessEnvironment.Name)]
public class AwsConnectionTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars)
    {
        var map = vars.ToDictionary(v => v.Name, v => v.Value);
        return name => map.GetValueOrDefault(name);
    }

    private static readonly (string, string)[] EnvKeys =
        [("AWS_ACCESS_KEY_ID", "AKIAENV"), ("AWS_SECRET_ACCESS_KEY", "envsecret"), ("AWS_REGION", "eu-west-1"), ("AWS_DEFAULT_REGION", "eu-central-1")];

    private static string Key(AwsSdkConnection c) => c.Credentials.GetCredentials().AccessKey;

    [Fact]
    public void Parameters_win_over_session_values_and_environment()
    {
        var c = AwsSdkConnection.Resolve(new AwsConnectionRequest
        {
            AccessKey = "AKIAPARAM", SecretKey = "s", SessionToken = "t", Region = "us-west-2",
            StoredRegion = "ap-south-1", StoredCredentials = "someprofile", Environment = Env(EnvKeys),
        });
        Assert.Equal("AKIAPARAM", Key(c));
        Assert.Equal("t", c.Credentials.GetCredentials().Token);
        Assert.Equal(("us-west-2", "parameter -Region"), (c.Region, c.RegionSource));
        Assert.Equal(AwsConnection.ParameterCredentialSource, c.CredentialSource);
    }

    [Fact]
    public void Stored_region_wins_over_environment_and_AWS_REGION_over_AWS_DEFAULT_REGION()
    {
        var stored = AwsSdkConnection.Resolve(new AwsConnectionRequest { StoredRegion = "ap-south-1", Environment = Env(EnvKeys) });
        Assert.Equal(("ap-south-1", "$StoredAWSRegion"), (stored.Region, stored.RegionSource));
        var env = AwsSdkConnection.Resolve(new AwsConnectionRequest { Environment = Env(EnvKeys) });
        Assert.Equal(("eu-west-1", "environment variable AWS_REGION"), (env.Region, env.RegionSource));
        Assert.Equal("AKIAENV", Key(env));
        Assert.Contains("environment variables", env.CredentialSource);
        Assert.Contains("eu-west-1", env.Describe());
    }

    [Fact]
    public void A_profile_from_ProfileLocation_gives_credentials_and_region()
    {
        using var temp = new TestPaths.TempDir();
        File.WriteAllText(temp.File("credentials"), "[dev]\naws_access_key_id = AKIADEV\naws_secret_access_key = devsecret\nregion = ca-central-1\n");
        var c = AwsSdkConnection.Resolve(new AwsConnectionRequest { ProfileName = "dev", ProfileLocation = temp.File("credentials"), Environment = Env() });
        Assert.Equal("AKIADEV", Key(c));
        Assert.Contains("profile 'dev'", c.CredentialSource);
        Assert.Equal(("ca-central-1", "region of profile 'dev'"), (c.Region, c.RegionSource));

        var stored = AwsSdkConnection.Resolve(new AwsConnectionRequest { StoredCredentials = "dev", ProfileLocation = temp.File("credentials"), Environment = Env(EnvKeys) });
        Assert.Equal("AKIADEV", Key(stored));
        Assert.StartsWith("$StoredAWSCredentials", stored.CredentialSource);
    }

    [Fact]
    public void A_credentials_object_from_another_load_context_is_read_by_shape()
    {
        var c = AwsSdkConnection.Resolve(new AwsConnectionRequest { Credential = new ForeignPsCredentials(), Region = "us-east-1", Environment = Env() });
        Assert.Equal("AKIAFOREIGN", Key(c));
        Assert.Equal("foreigntoken", c.Credentials.GetCredentials().Token);
        Assert.Equal("parameter -Credential", c.CredentialSource);
    }

    [Fact]
    public void Container_then_instance_credentials_close_the_chain()
    {
        using var temp = new TestPaths.TempDir();
        var empty = temp.File("none");
        File.WriteAllText(empty, "");
        // The SDK's container provider reads the real variable when it is built, so set it for this step only.
        Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x");
        try
        {
            var container = AwsSdkConnection.Resolve(new AwsConnectionRequest { Region = "us-east-1", ProfileLocation = empty, Environment = Env(("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")) });
            Assert.Contains("container", container.CredentialSource);
        }
        finally { Environment.SetEnvironmentVariable("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", null); }
        var instance = AwsSdkConnection.Resolve(new AwsConnectionRequest { Region = "us-east-1", ProfileLocation = empty, Environment = Env() });
        Assert.Contains("instance", instance.CredentialSource);
        var none = Assert.Throws<AwsConfigurationException>(() => AwsSdkConnection.Resolve(new AwsConnectionRequest
            { Region = "us-east-1", ProfileLocation = empty, Environment = Env(("AWS_EC2_METADATA_DISABLED", "true")) }));
        Assert.Contains("No AWS credentials", none.Message);
    }

    [Theory]
    [InlineData("AKIAONLY", null, "-AccessKey and -SecretKey")]
    [InlineData("AKIA", "s", "not a region name")]
    public void Contradictory_or_bad_settings_are_one_clear_error(string? key, string? secret, string expected)
    {
        var e = Assert.Throws<AwsConfigurationException>(() => AwsSdkConnection.Resolve(new AwsConnectionRequest
            { AccessKey = key, SecretKey = secret, Region = "us-east", Environment = Env() }));
        Assert.Contains(expected, e.Message);
        Assert.Equal(VpcSecTools.Errors.ErrorCatalog.AwsConfigurationInvalid, VpcSecTools.Errors.ErrorCatalog.Classify(e).ErrorId);
    }

    [Fact]
    public void Missing_profile_and_missing_region_name_what_to_do()
    {
        using var temp = new TestPaths.TempDir();
        File.WriteAllText(temp.File("credentials"), "[other]\naws_access_key_id = A\naws_secret_access_key = B\n");
        var profile = Assert.Throws<AwsConfigurationException>(() => AwsSdkConnection.Resolve(new AwsConnectionRequest
            { ProfileName = "nope", ProfileLocation = temp.File("credentials"), Region = "us-east-1", Environment = Env() }));
        Assert.Contains("'nope'", profile.Message);
        var region = Assert.Throws<AwsConfigurationException>(() => AwsSdkConnection.Resolve(new AwsConnectionRequest
            { ProfileName = "other", ProfileLocation = temp.File("credentials"), Environment = Env() }));
        Assert.Contains("No AWS region", region.Message);
    }

    /// <summary>Stands in for AWS.Tools' AWSPSCredentials from another AssemblyLoadContext: same shape, different types.</summary>
    private sealed class ForeignPsCredentials
    {
        public ForeignCredentials Credentials { get; } = new();
    }

    private sealed class ForeignCredentials
    {
        public ForeignImmutable GetCredentials() => new();
    }

    private sealed class ForeignImmutable
    {
        public string AccessKey => "AKIAFOREIGN";
        public string SecretKey => "foreignsecret";
        public string Token => "foreigntoken";
    }
}
