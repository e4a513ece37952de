using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;

namespace VpcSecTools.Aws.Ec2;

/// <summary>
/// The output shapes of the EC2 operations we call, trimmed from botocore's model by
/// <c>tools/ec2-output-shapes.py</c> (embedded resource), and the conversion of EC2's XML into the JSON the
/// AWS CLI prints for the same call. Live capture therefore feeds the loaders' own reader
/// (<see cref="Snapshot.InventoryBuilder.AddDocument"/>): one model, whichever way the data came.
/// </summary>
internal sealed class Ec2OutputShapes
{
    private readonly Dictionary<string, string> _operations;
    private readonly Dictionary<string, JsonElement> _shapes;

    private Ec2OutputShapes(JsonDocument doc)
    {
        var root = doc.RootElement;
        _operations = root.GetProperty("operations").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
        _shapes = root.GetProperty("shapes").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone(), StringComparer.Ordinal);
        ApiVersion = root.GetProperty("apiVersion").GetString()!;
    }

    public string ApiVersion { get; }

    /// <summary>The shapes as generated from the model, loaded once per process (immutable).</summary>
    public static Ec2OutputShapes Model { get; } = Load();

    private static Ec2OutputShapes Load()
    {
        using var stream = typeof(Ec2OutputShapes).Assembly.GetManifestResourceStream("VpcSecTools.Aws.Ec2.ec2-output-shapes.json")
            ?? throw new InvalidOperationException("ec2-output-shapes.json is not embedded in VpcSecTools.Core");
        using var doc = JsonDocument.Parse(stream);
        return new Ec2OutputShapes(doc);
    }

    public bool Knows(string operation) => _operations.ContainsKey(operation);

    /// <summary>Converts the XML response of <paramref name="operation"/> to the AWS CLI's JSON for it.</summary>
    /// <exception cref="FormatException">A value does not fit its model type (the message names the path).</exception>
    public JsonObject ToJson(string operation, XDocument response)
    {
        if (!_operations.TryGetValue(operation, out var shape)) throw new ArgumentException($"operation {operation} is not in the embedded EC2 model", nameof(operation));
        var root = response.Root ?? throw new FormatException("empty document");
        if (root.Name.LocalName != operation + "Response")
            throw new FormatException($"expected <{operation}Response>, found <{root.Name.LocalName}>");
        return (JsonObject)Convert(root, shape, operation + "Response")!;
    }

    private JsonNode? Convert(XElement element, string shapeName, string path)
    {
        var shape = _shapes[shapeName];
        switch (shape.GetProperty("type").GetString())
        {
            case "structure":
                var obj = new JsonObject();
                foreach (var member in shape.GetProperty("members").EnumerateObject())
                {
                    var xmlName = member.Value.GetProperty("xml").GetString()!;
                    var child = element.Elements().FirstOrDefault(e => e.Name.LocalName == xmlName);
                    if (child is null) continue;
                    obj[member.Name] = Convert(child, member.Value.GetProperty("shape").GetString()!, $"{path}/{xmlName}");
                }
                return obj;
            case "list":
                var itemName = shape.GetProperty("xml").GetString()!;
                var itemShape = shape.GetProperty("member").GetString()!;
                var array = new JsonArray();
                int i = 0;
                foreach (var item in element.Elements().Where(e => e.Name.LocalName == itemName))
                    array.Add(Convert(item, itemShape, $"{path}/{itemName}[{i++}]"));
                return array;
            case "boolean":
                return element.Value.Trim() switch
                {
                    "true" => JsonValue.Create(true),
                    "false" => JsonValue.Create(false),
                    var v => throw new FormatException($"{path}: expected true or false, found \"{v}\""),
                };
            case "integer":
            case "long":
                return long.TryParse(element.Value.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
                    ? JsonValue.Create(n)
                    : throw new FormatException($"{path}: expected an integer, found \"{element.Value}\"");
            case "timestamp":
                return JsonValue.Create(CliTimestamp(element.Value.Trim(), path));
            default:
                return JsonValue.Create(element.Value);
        }
    }

    /// <summary>
    /// A timestamp as the AWS CLI prints it (botocore's datetime in UTC: <c>2019-11-28 18:49:58+00:00</c>,
    /// with microseconds only when non-zero), so live capture and saved describe outputs agree.
    /// </summary>
    internal static string CliTimestamp(string value, string path)
    {
        if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t))
            throw new FormatException($"{path}: expected an ISO 8601 timestamp, found \"{value}\"");
        var micros = (t.Ticks % TimeSpan.TicksPerSecond) / 10;
        var text = t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        return micros == 0 ? text + "+00:00" : $"{text}.{micros:D6}+00:00";
    }
}
