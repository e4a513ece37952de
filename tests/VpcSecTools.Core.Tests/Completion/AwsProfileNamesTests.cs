using VpcSecTools.Completion;

namespace VpcSecTools.Tests.Completion;

/// <summary>Profile names from the AWS shared files; only section headers count, and only profile sections of config.</summary>
public sealed class AwsProfileNamesTests
{
    private const string Config = """
        [default]
        region = us-east-1

        [profile prod]
        sso_session = corp
        sso_account_id = 111122223333
        [ profile  dev ] ; spaces inside the brackets
        [sso-session corp]
        sso_start_url = https://example.awsapps.com/start
        [services local]
        ec2 =
          endpoint_url = http://127.0.0.1:4566
        # [profile commented]
        [profile]
        """;

    private const string Credentials = """
        [default]
        aws_access_key_id = AKIAEXAMPLE
        [ci runner]
        aws_access_key_id = AKIAEXAMPLE2
        """;

    [Fact]
    public void Config_sections_other_than_profiles_are_not_profiles()
    {
        Assert.Equal(["default", "prod", "dev"], AwsProfileNames.SectionProfiles(Config.Split('\n'), isConfigFile: true));
        Assert.Equal(["default", "ci runner"], AwsProfileNames.SectionProfiles(Credentials.Split('\n'), isConfigFile: false));
    }

    [Fact]
    public void Both_files_are_merged_by_name_and_a_missing_file_adds_nothing()
    {
        using var dir = new TestPaths.TempDir();
        File.WriteAllText(dir.File("config"), Config);
        File.WriteAllText(dir.File("credentials"), Credentials);

        var profiles = AwsProfileNames.Read(dir.File("config"), dir.File("credentials"));
        Assert.Equal(["ci runner", "default", "dev", "prod"], profiles.Select(p => p.Name));
        Assert.Equal(dir.File("credentials"), profiles.Single(p => p.Name == "default").File);

        Assert.Equal(["default", "dev", "prod"], AwsProfileNames.Read(dir.File("config"), dir.File("absent")).Select(p => p.Name));
        Assert.Empty(AwsProfileNames.Read(dir.File("absent"), dir.File("also-absent")));
    }

    [Fact]
    public void Shared_files_follow_the_environment_then_the_home_folder()
    {
        var env = new Dictionary<string, string?> { ["AWS_CONFIG_FILE"] = "/etc/aws/config", ["AWS_SHARED_CREDENTIALS_FILE"] = "" };
        var (config, credentials) = AwsProfileNames.SharedFiles(name => env.GetValueOrDefault(name), "/home/me");
        Assert.Equal("/etc/aws/config", config);
        Assert.Equal(Path.Combine("/home/me", ".aws", "credentials"), credentials);
    }

    [Fact]
    public void Completion_matches_the_start_of_a_name()
    {
        var profiles = new[] { new AwsProfileName("prod", "c"), new AwsProfileName("production-eu", "c"), new AwsProfileName("dev", "c") };
        Assert.Equal(["prod", "production-eu"], AwsProfileNames.Complete(profiles, "PRO").Select(c => c.Value));
        Assert.Equal(["dev"], AwsProfileNames.Complete(profiles, "'d").Select(c => c.Value));
    }
}
