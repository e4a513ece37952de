using System.Text.Json;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Aws;

/// <summary>
/// One region's inventory from EC2 objects handed over one at a time: the output of Get-EC2Vpc, Get-EC2SecurityGroup,
/// Get-EC2NetworkInterface... piped to <c>ConvertTo-VpcSnapshot</c>, read by <see cref="Ec2ModelReader"/> into the
/// loaders' reader. A section holds what was given; one of which no object was given is captured only when declared
/// (an empty Get-EC2* result: "captured, none"), else it is missing and the analyses that need it answer Unknown.
/// An object that cannot be read is an error naming it, and its section is then missing too, never partly there.
/// </summary>
/// <param name="region">The region of the objects; null infers it from their availability zones and ARNs.</param>
/// <param name="accountId">The account; null infers it from the owners of VPCs, groups and interfaces.</param>
public sealed class Ec2ObjectInventory(string? region = null, string? accountId = null)
{
    private readonly HashSet<Section> _declared = [];
    private readonly List<(JsonElement Document, string Place)> _documents = [];
    private readonly Dictionary<Section, MissingSection> _unreadable = [];

    /// <summary>Objects that were read (a response or a dictionary of sections counts once).</summary>
    public int Count => _documents.Count;

    /// <summary>Says that <paramref name="section"/> was captured, even if no object of it comes.</summary>
    public void Declare(Section section) => _declared.Add(section);

    /// <summary>Reads one object: an item of a section, a Describe*Response, or a dictionary keyed by section.</summary>
    /// <param name="value">The object (a PowerShell wrapper already taken off).</param>
    /// <param name="place">Names it in errors: <c>input object 3 (Amazon.EC2.Model.Vpc)</c>.</param>
    /// <exception cref="SnapshotFormatException">It cannot be read; its section, when known, is now missing.</exception>
    public void Add(object value, string place)
    {
        JsonElement document;
        try
        {
            document = JsonSerializer.SerializeToElement(Ec2ModelReader.ToDocument(value, place));
            // Read now, alone, so a bad object is named by its own place and sinks only its own sections.
            new InventoryBuilder(region, accountId).AddDocument(document, place);
        }
        catch (SnapshotFormatException e)
        {
            foreach (var s in Ec2ModelReader.SectionsOf(value)) _unreadable.TryAdd(s, new MissingSection(s.Key, "InvalidInputObject", e.Message));
            throw;
        }
        _documents.Add((document, place));
    }

    /// <summary>The region's inventory; objects of one section that disagree (one id, two contents) are an error naming both.</summary>
    /// <exception cref="SnapshotFormatException">Two objects give one id different content.</exception>
    public RegionInventory Build()
    {
        var builder = new InventoryBuilder(region, accountId);
        foreach (var section in _declared.Where(s => !_unreadable.ContainsKey(s))) builder.Capture(section);
        foreach (var (document, place) in _documents)
        {
            // A response or dictionary also naming a section another object spoiled keeps only its other sections.
            var kept = document.EnumerateObject().Where(p => !(Section.TryGet(p.Name, out var s) && _unreadable.ContainsKey(s))).ToArray();
            if (kept.Length == document.EnumerateObject().Count()) builder.AddDocument(document, place);
            else if (kept.Length > 0) builder.AddDocument(JsonSerializer.SerializeToElement(kept.ToDictionary(p => p.Name, p => p.Value)), place);
        }
        foreach (var missing in _unreadable.Values) builder.AddMissing(missing);
        return builder.Build();
    }
}
