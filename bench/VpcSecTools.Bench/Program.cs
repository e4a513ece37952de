namespace VpcSecTools.Bench;

/// <summary>Benchmarks, one area per file, chosen by the first argument: <c>dotnet run -c Release --project bench/VpcSecTools.Bench -- reachability</c>.</summary>
public static class Program
{
    private static readonly Dictionary<string, Func<string[], int>> Areas = new(StringComparer.OrdinalIgnoreCase)
    {
        ["reachability"] = ReachabilityBench.Run,
    };

    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Areas.TryGetValue(args[0], out var run))
        {
            Console.Error.WriteLine($"usage: VpcSecTools.Bench <{string.Join("|", Areas.Keys)}> [args]");
            return 2;
        }
        return run(args[1..]);
    }
}
