namespace VpcSecTools.Bench;

/// <summary>Benchmarks by area: <c>dotnet run -c Release --project bench/VpcSecTools.Bench -- &lt;area&gt; [args]</c>.</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> Areas = new(StringComparer.OrdinalIgnoreCase)
    {
        ["flowlogs"] = FlowLogsBench.Run,
        ["reachability"] = ReachabilityBench.Run,
        ["inventory"] = InventoryBench.Run,
        ["ipmap"] = IpMapBench.Run,
        ["audit"] = AuditBench.Run,
        ["endpoints"] = EndpointsBench.Run,
        ["transfer"] = TransferBench.Run,
        ["groupprobe"] = GroupTableProbe.Run,
        ["trust"] = TrustBench.Run,
        ["scale"] = ScaleBench.Run,
        ["drift"] = DriftBench.Run,
        ["rule-usage"] = RuleUsageBench.Run,
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Areas.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: VpcSecTools.Bench <{string.Join('|', Areas.Keys)}> [args]");
            return 2;
        }
        return run(args[1..]);
    }
}
