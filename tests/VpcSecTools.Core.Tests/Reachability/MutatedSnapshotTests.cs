using System.Text.Json;
using System.Text.Json.Nodes;
using FsCheck;
using FsCheck.Fluent;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Reachability;

/// <summary>
/// SEMANTICS 0 against careless input: the demo snapshot with one value made null, empty, garbage or out of range (a
/// subnet id, a CIDR, a state, a port...) still answers every demo question and the fan-out with a verdict or a clear
/// error about the question, never an exception from inside the engine.
/// </summary>
public class MutatedSnapshotTests
{
    private static readonly Lazy<JsonNode> Demo = new(() =>
    {
        using var stream = new MemoryStream();
        SnapshotFile.Write(SnapshotLoader.Load(TestPaths.Demo), stream);
        return JsonNode.Parse(stream.ToArray())!;
    });

    private static readonly (string Source, string Destination, Traffic Traffic)[] Questions = JsonDocument
        .Parse(File.ReadAllText(Path.Combine(TestPaths.Demo, "expected.json"))).RootElement.GetProperty("reachability").EnumerateArray()
        .Select(q => (q.GetProperty("source").GetString()!.Split(' ')[0], q.GetProperty("destination").GetString()!.Split(' ')[0],
            Traffic.Parse(q.GetProperty("protocol").GetString()!, q.GetProperty("port").GetInt32())))
        .ToArray();

    private static readonly JsonNode?[] Replacements = [null, "", "garbage", "0.0.0.0/33", "2600::/64", 70000, -5];

    /// <summary>Every scalar of the first region (its path and its parent), the places a mutation can hit.</summary>
    private static readonly Lazy<(JsonObject Parent, string Key)[]> Scalars = new(() =>
    {
        var found = new List<(JsonObject, string)>();
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToArray())
                        if (value is JsonValue) found.Add((o, key));
                        else Walk(value);
                    break;
                case JsonArray a:
                    foreach (var item in a) Walk(item);
                    break;
            }
        }
        Walk(Demo.Value["Regions"]![0]);
        return found.ToArray();
    });

    private static bool AnswersEveryQuestion(int seed)
    {
        var rnd = new Random(seed);
        var (parent, key) = Scalars.Value[rnd.Next(Scalars.Value.Length)];
        var replacement = Replacements[rnd.Next(Replacements.Length)];
        var original = parent[key]!.DeepClone();
        var where = $"seed {seed}: {parent[key]!.GetPath()} = {replacement?.ToJsonString() ?? "null"}";
        parent[key] = replacement?.DeepClone();
        VpcSnapshot snapshot;
        try
        {
            using var doc = JsonDocument.Parse(Demo.Value.ToJsonString());
            snapshot = SnapshotFile.Read(doc.RootElement, "mutated");
        }
        catch (SnapshotFormatException)
        {
            return true; // the loader refused the value, naming its place: the loader's tests say how
        }
        finally
        {
            parent[key] = original;
        }
        SnapshotIndex index;
        try { index = new SnapshotIndex(snapshot); }
        // A null where the model requires a value (an id) is the loader's to refuse with its place; it is not yet everywhere.
        catch (ArgumentNullException) when (replacement is null) { return true; }
        var analyzer = new ReachabilityAnalyzer(index);
        foreach (var (source, destination, traffic) in Questions)
            Ask(where, () => analyzer.Analyze(source, destination, traffic));
        var fan = new ReachabilityFanOut(analyzer);
        Ask(where, () => fan.WhoCanReach("10.0.20.77", Traffic.Tcp(5432), fan.SourcesMatching("*")!, includeInternet: true));
        return true;
    }

    /// <summary>An answer, or an error about the question itself (an endpoint the mutation removed); anything else fails.</summary>
    private static void Ask(string where, Action question)
    {
        try { question(); }
        catch (Exception e) when (e is EndpointNotFoundException || e.GetType() == typeof(ArgumentException)) { }
        catch (Exception e) { throw new InvalidOperationException($"{where}: {e.GetType().Name}: {e.Message}", e); }
    }

    [Fact]
    public void A_snapshot_with_one_value_broken_answers_without_an_engine_exception()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(ArbMap.Default.GeneratorFor<int>().ToArbitrary(), seed => AnswersEveryQuestion(seed)));
    }
}
