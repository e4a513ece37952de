using System.Management.Automation;
using VpcSecTools.Exposure;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Converts findings to OCSF Detection Findings (class 2004) for SIEMs.</para>
/// <para type="description">Each finding becomes one OCSF Detection Finding (category Findings, activity Create,
/// cloud profile) with finding_info, the resource, severity_id, status (New or Suppressed) and the rule and exposure
/// under unmapped.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "OcsfFinding")]
[OutputType(typeof(PSObject))]
public sealed class ConvertToOcsfFindingCommand : FindingExportCmdlet
{
    protected override string TypeName => FindingExport.OcsfTypeName;
    protected override Dictionary<string, object?> Convert(Finding finding, ExportContext context) => FindingExport.ToOcsf(finding, context);
}
