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
    private readonly Dictionary<string, Shape> _operations;

    private Ec2OutputShapes(JsonDocument doc)
    {
        var root = doc.RootElement;
        var json = root.GetProperty("shapes");
        var shapes = new Dictionary<string, Shape>(StringComparer.Ordinal);
        foreach (var entry in json.EnumerateObject()) shapes[entry.Name] = new Shape(entry.Value.GetProperty("type").GetString()!);
        // Second pass links members and list items, so recursive shapes resolve to the same objects.
        foreach (var entry in json.EnumerateObject())
        {
            var shape = shapes[entry.Name];
            if (shape.Kind == "structure")
                foreach (var member in entry.Value.GetProperty("members").EnumerateObject())
                    shape.Members[member.Value.GetProperty("xml").GetString()!] = (member.Name, shapes[member.Value.GetProperty("shape").GetString()!]);
            else if (shape.Kind == "list")
            {
                shape.ItemXml = entry.Value.GetProperty("xml").GetString()!;
                shape.Item = shapes[entry.Value.GetProperty("member").GetString()!];
            }
        }
        _operations = root.GetProperty("operations").EnumerateObject().ToDictionary(p => p.Name, p => shapes[p.Value.GetString()!], StringComparer.Ordinal);
        ApiVersion = root.GetProperty("apiVersion").GetString()!;
    }

    /// <summary>One output shape: a structure's members by XML element name, or a list's item, or a scalar kind.</summary>
    private sealed class Shape(string kind)
    {
        public string Kind { get; } = kind;
        public Dictionary<string, (string Name, Shape Shape)> Members { get; } = new(StringComparer.Ordinal);
        public string ItemXml { get; set; } = "";
        public Shape? Item { get; set; }
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

    private static JsonNode? Convert(XElement element, Shape shape, string path)
    {
        switch (shape.Kind)
        {
            case "structure":
                // Elements the model does not name are ignored, as the SDKs do; the first of a repeated name wins.
                var obj = new JsonObject();
                foreach (var child in element.Elements())
                {
                    var xmlName = child.Name.LocalName;
                    if (shape.Members.TryGetValue(xmlName, out var member) && !obj.ContainsKey(member.Name))
                        obj[member.Name] = Convert(child, member.Shape, $"{path}/{xmlName}");
                }
                return obj;
            case "list":
                var array = new JsonArray();
                int i = 0;
                foreach (var item in element.Elements())
                    if (item.Name.LocalName == shape.ItemXml) array.Add(Convert(item, shape.Item!, $"{path}/{shape.ItemXml}[{i++}]"));
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
