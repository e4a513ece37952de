using System.Collections;
using System.Management.Automation;
using VpcSecTools.Exposure;

namespace VpcSecTools.Commands;

/// <summary>The shared shape of the ConvertTo-*Finding cmdlets: findings in, one export object per finding out.</summary>
public abstract class FindingExportCmdlet : VpcSecCmdlet
{
    /// <summary>Findings from Find-OverlyOpenPort (or the Finding of Compare-VpcSnapshot's finding changes).</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNull]
    public Finding[] Finding { get; set; } = [];

    /// <summary>The 12-digit AWS account id, when the snapshot did not record it.</summary>
    [Parameter]
    [ValidatePattern("^[0-9]{12}$")]
    public string? AccountId { get; set; }

    /// <summary>The region, when the snapshot did not record it.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Region { get; set; }

    private readonly DateTimeOffset _time = DateTimeOffset.UtcNow;

    /// <summary>The PowerShell type name given to the output objects (selects the default view).</summary>
    protected abstract string TypeName { get; }

    protected abstract Dictionary<string, object?> Convert(Finding finding, ExportContext context);

    protected virtual ExportContext Context => new() { AccountId = AccountId, Region = Region, Time = _time };

    // A finding that cannot be converted (no account id or region known) is one error naming it.
    protected override void Process() => ForEachInput(Finding, f =>
    {
        var o = ToPSObject(Convert(f, Context));
        o.TypeNames.Insert(0, TypeName);
        WriteObject(o);
    });

    /// <summary>Nested dictionaries become objects, so ConvertTo-Json and dot access both work.</summary>
    private static PSObject ToPSObject(IDictionary values)
    {
        var o = new PSObject();
        foreach (DictionaryEntry entry in values) o.Properties.Add(new PSNoteProperty((string)entry.Key, Value(entry.Value)));
        return o;
    }

    private static object? Value(object? value) => value switch
    {
        IDictionary d => ToPSObject(d),
        string s => s,
        IEnumerable items => items.Cast<object?>().Select(Value).ToArray(),
        _ => value,
    };
}
