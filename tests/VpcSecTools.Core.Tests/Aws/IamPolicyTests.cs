using System.Text.Json;
using VpcSecTools.Aws.Ec2;

namespace VpcSecTools.Tests.Aws;

/// <summary>The shipped least-privilege policy lists exactly the EC2 actions the code calls.</summary>
public class IamPolicyTests
{
    private static readonly string PolicyFile = Path.Combine(TestPaths.RepoRoot, "module", "iam", "VpcSecTools-ReadOnly.json");

    private static IReadOnlySet<string> Ec2ActionsInPolicy()
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PolicyFile));
        Assert.Equal("2012-10-17", doc.RootElement.GetProperty("Version").GetString());
        var actions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var statement in doc.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            foreach (var action in statement.GetProperty("Action").EnumerateArray())
                if (action.GetString()!.StartsWith("ec2:", StringComparison.Ordinal)) actions.Add(action.GetString()!);
        }
        return actions;
    }

    [Fact]
    public void Policy_lists_exactly_the_operations_of_the_EC2_client()
    {
        Assert.Equal(Ec2Operations.All.Select(o => o.IamAction).Order(StringComparer.Ordinal), Ec2ActionsInPolicy().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(Ec2ActionsInPolicy(), a => a.Contains('*'));
    }

    [Fact]
    public async Task Every_call_a_capture_makes_is_allowed_by_the_policy()
    {
        using var server = Ec2Wire.Serve("test-transit-gateway");
        await Ec2Wire.Capture(server);
        var policy = Ec2ActionsInPolicy();
        Assert.All(server.Requests.Select(r => "ec2:" + r.Action).Distinct(), action => Assert.Contains(action, policy));
    }
}
