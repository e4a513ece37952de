using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VpcSecTools.Tests.Fuzz;

/// <summary>
/// Mutations of a seed input, from one random source so a run is repeatable from its seed: byte-level (flips,
/// boundary bytes, invalid UTF-8, inserted, deleted or repeated ranges, truncation, a splice of two seeds) and,
/// for JSON, structure-aware (a value replaced by null, [null], a wrong kind, a boundary number or a bad CIDR; a member
/// deleted, renamed in another case or repeated), plus re-encoding (BOMs, UTF-16) and, for flow logs, gzip framing.
/// </summary>
public sealed class Mutator(Random random)
{
    private static readonly byte[] Interesting = [0x00, 0xFF, 0x7F, 0x80, 0xC0, 0xC3, 0xED, 0xEF, 0xF8, (byte)'"', (byte)'\\', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\n', (byte)' ', (byte)'-', (byte)'0', (byte)'9'];

    private static readonly Func<JsonNode?>[] Replacements =
    [
        () => null, () => new JsonArray((JsonNode?)null), () => new JsonArray(), () => new JsonObject(), () => "", () => "garbage",
        () => "0.0.0.0/33", () => "-1", () => "::/129", () => "10.0.0.0/8", () => "é", () => 0, () => -1, () => 65536,
        () => 4294967296L, () => JsonValue.Create(1.5), () => JsonNode.Parse("1e400"), () => true, () => int.MaxValue, () => "99999-12-31T23:59:59Z",
    ];

    /// <summary>A snapshot or describe-output mutation: mostly structure-aware, sometimes raw bytes.</summary>
    public byte[] Snapshot(byte[] seed, IReadOnlyList<byte[]> seeds) => random.Next(3) > 0 ? Json(seed) : Bytes(seed, seeds);

    public byte[] Bytes(byte[] input, IReadOnlyList<byte[]> seeds)
    {
        var b = input.ToList();
        int n = 1 + random.Next(4);
        for (int i = 0; i < n; i++) ByteMutation(b, seeds);
        return [.. b];
    }

    private void ByteMutation(List<byte> b, IReadOnlyList<byte[]> seeds)
    {
        int at = b.Count == 0 ? 0 : random.Next(b.Count);
        switch (random.Next(8))
        {
            case 0 when b.Count > 0: b[at] ^= (byte)(1 << random.Next(8)); break;
            case 1 when b.Count > 0: b[at] = Interesting[random.Next(Interesting.Length)]; break;
            case 2: b.InsertRange(at, Enumerable.Range(0, 1 + random.Next(4)).Select(_ => Interesting[random.Next(Interesting.Length)])); break;
            case 3 when b.Count > 0: b.RemoveRange(at, Math.Min(b.Count - at, 1 + random.Next(64))); break;
            case 4 when b.Count > 0:
                int len = Math.Min(b.Count - at, 1 + random.Next(256));
                b.InsertRange(random.Next(b.Count), b.GetRange(at, len));
                break;
            case 5 when b.Count > 0: b.RemoveRange(at, b.Count - at); break;
            case 6:
                var other = seeds[random.Next(seeds.Count)];
                int from = random.Next(other.Length + 1);
                b.RemoveRange(at, b.Count - at);
                b.AddRange(other[from..]);
                break;
            default: b.Insert(at, (byte)random.Next(256)); break;
        }
    }

    /// <summary>A structure-aware mutation of a JSON seed, written back as text (sometimes re-encoded).</summary>
    public byte[] Json(byte[] input)
    {
        JsonNode? root;
        try { root = JsonNode.Parse(input, documentOptions: new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip }); }
        catch (JsonException) { return input; }
        if (root is null) return input;
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        string text;
        int n = 1 + random.Next(3);
        var duplicates = new List<(JsonObject Parent, string Key, string Value)>();
        for (int i = 0; i < n && nodes.Count > 0; i++)
        {
            var node = nodes[random.Next(nodes.Count)];
            var parent = node.Parent;
            if (parent is JsonObject o)
            {
                var key = node.GetPropertyName();
                switch (random.Next(5))
                {
                    case 0: o.Remove(key); break;
                    case 1:
                        // The same member again in another case: JsonObject cannot hold it, so it is added to the text.
                        duplicates.Add((o, key, node.ToJsonString()));
                        break;
                    case 2:
                        var renamed = key.ToLowerInvariant();
                        if (renamed != key && !o.ContainsKey(renamed)) { o.Remove(key); o[renamed] = node; }
                        break;
                    default: o[key] = Replacements[random.Next(Replacements.Length)](); break;
                }
            }
            else if (parent is JsonArray a)
            {
                int index = a.IndexOf(node);
                if (random.Next(3) == 0) a.RemoveAt(index);
                else a[index] = Replacements[random.Next(Replacements.Length)]();
            }
            nodes.Clear();
            Collect(root, nodes);
        }
        text = root.ToJsonString(new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        // An escaped unpaired surrogate, which JsonNode cannot hold, in a name or a value.
        if (random.Next(10) == 0) text = text.Replace(random.Next(2) == 0 ? "\"sg-" : "\"Group", random.Next(2) == 0 ? "\"\\ud800sg-" : "\"\\udc00Group");
        foreach (var (parent, key, value) in duplicates)
        {
            // Insert "key-in-other-case": value right after the object's opening brace, found by its serialised text.
            var objectText = parent.ToJsonString();
            int at = text.IndexOf(objectText, StringComparison.Ordinal);
            if (at >= 0) text = text.Insert(at + 1, $"{JsonSerializer.Serialize(Recase(key))}:{value},");
        }
        return random.Next(8) switch
        {
            0 => [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(text)],
            1 => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            2 => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => Encoding.UTF8.GetBytes(text),
        };
    }

    private string Recase(string key) => random.Next(2) == 0 ? key.ToUpperInvariant() : key;

    private static void Collect(JsonNode node, List<JsonNode> nodes)
    {
        switch (node)
        {
            case JsonObject o: foreach (var (_, v) in o) if (v is not null) { nodes.Add(v); Collect(v, nodes); } break;
            case JsonArray a: foreach (var v in a) if (v is not null) { nodes.Add(v); Collect(v, nodes); } break;
        }
    }

    /// <summary>A flow-log mutation: of the text (then maybe gzipped), or of the gzip framing itself.</summary>
    public byte[] FlowLog(byte[] text, IReadOnlyList<byte[]> seeds)
    {
        var mutated = random.Next(4) == 0 ? text : Bytes(text, seeds);
        if (random.Next(2) == 0) return mutated;
        var gz = Gzip(mutated);
        return random.Next(6) switch
        {
            0 => gz[..random.Next(gz.Length)],                                   // truncated
            1 => [.. gz, .. Encoding.ASCII.GetBytes("trailing text\n")],         // data after the member
            2 => [.. gz, .. Gzip(Bytes(text, seeds))],                            // a second member
            3 => Bytes(gz, seeds),                                                // corrupt framing
            _ => gz,
        };
    }

    public static byte[] Gzip(byte[] data)
    {
        using var output = new MemoryStream();
        using (var gz = new GZipStream(output, CompressionLevel.Fastest)) gz.Write(data);
        return output.ToArray();
    }
}
