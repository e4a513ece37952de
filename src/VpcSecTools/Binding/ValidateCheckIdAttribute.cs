using System.Management.Automation;
using VpcSecTools.Exposure;

namespace VpcSecTools.Commands;

/// <summary>Each value must be an audit check id (SG.SshFromInternet...), any case: a typo is a binding error that lists them.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateCheckIdAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var id = (element is PSObject pso ? pso.BaseObject : element)?.ToString();
        if (id is null || Checks.Find(id) is null)
            throw new ValidationMetadataException($"'{id}' is not a check id ({string.Join(", ", Checks.All.Select(c => c.Id))}).");
    }
}
