using System.Text.Json;
using VpcSecTools.Aws.Athena;
using VpcSecTools.Aws.Ec2;
using VpcSecTools.Aws.Logs;
using VpcSecTools.Aws.Rds;
using VpcSecTools.FlowLogs.S3;

namespace VpcSecTools.Tests.Aws;

/// <summary>The shipped least-privilege policy lists exactly the actions the code calls (EC2, RDS, S3, CloudWatch Logs, Athena).</summary>
public class IamPolicyTests
{
    private static readonly string PolicyFile = Path.Combine(TestPaths.RepoRoot, "module", "iam", "VpcSecTools-ReadOnly.json");

    /// <summary>Every action the code can call, by the clients' own operation lists.</summary>
    private static IEnumerable<string> ActionsCalled() =>
        Ec2Operations.All.Select(o => o.IamAction)
            .Concat(S3FlowLogSource.IamActions)
            .Concat(CloudWatchLogsClient.Operations.Select(o => "logs:" + o))
            .Concat(AthenaClient.Operations.Select(o => "athena:" + o))
            .Concat(RdsClient.Operations.Select(o => "rds:" + o));

    private static IReadOnlySet<string> ActionsInPolicy(string prefix = "")
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(PolicyFile));
        Assert.Equal("2012-10-17", doc.RootElement.GetProperty("Version").GetString());
        var actions = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var statement in doc.RootElement.GetProperty("Statement").EnumerateArray())
        {
            Assert.Equal("Allow", statement.GetProperty("Effect").GetString());
            foreach (var action in statement.GetProperty("Action").EnumerateArray())
                if (action.GetString()!.StartsWith(prefix, StringComparison.Ordinal)) actions.Add(action.GetString()!);
        }
        return actions;
    }

    [Fact]
    public void Policy_lists_exactly_the_operations_of_the_clients()
    {
        Assert.Equal(ActionsCalled().Order(StringComparer.Ordinal), ActionsInPolicy().Order(StringComparer.Ordinal));
        Assert.DoesNotContain(ActionsInPolicy(), a => a.Contains('*'));
    }

    [Fact]
    public async Task Every_call_a_capture_makes_is_allowed_by_the_policy()
    {
        using var server = Ec2Wire.Serve("test-transit-gateway");
        await Ec2Wire.Capture(server);
        var policy = ActionsInPolicy();
        // A capture calls EC2 and RDS (its one Query call names API version 2014-10-31).
        Assert.All(server.Requests.Select(r => (r["Version"] == RdsClient.Service.ApiVersion ? "rds:" : "ec2:") + r.Action).Distinct(), action => Assert.Contains(action, policy));
    }
}
