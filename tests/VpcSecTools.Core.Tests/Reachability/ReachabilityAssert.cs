using VpcSecTools.Reachability;

namespace VpcSecTools.Tests.Reachability;

/// <summary>Assertions on a blocked answer: verdict, code, and (when given) the blocking component and direction.</summary>
internal static class ReachabilityAssert
{
    public static void Blocked(ReachabilityResult r, string code, string? component = null, PathDirection direction = PathDirection.Forward, Verdict verdict = Verdict.NotReachable)
    {
        Assert.True(r.Verdict == verdict && r.ExplanationCode == code && (component is null || r.BlockingComponent == component) && r.BlockingDirection == direction,
            $"expected {verdict} {code} at {component} ({direction}), got:\n{r.Explain()}");
    }
}
