using System.Management.Automation;
using VpcSecTools.Exposure;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Converts findings to AWS Security Finding Format (ASFF 2018-10-08) for Security Hub.</para>
/// <para type="description">Each finding becomes one ASFF object with every required attribute, the security group
/// or network ACL as the resource (AwsEc2SecurityGroup / AwsEc2NetworkAcl), the rule and exposure in ProductFields,
/// and Workflow.Status SUPPRESSED for suppressed findings. Send batches of up to 100 with BatchImportFindings.</para>
/// </summary>
[Cmdlet(VerbsData.ConvertTo, "SecurityHubFinding")]
[OutputType(typeof(PSObject))]
public sealed class ConvertToSecurityHubFindingCommand : FindingExportCmdlet
{
    /// <summary>The ProductArn; default: the account's own custom-integration product (product/ACCOUNT/default).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? ProductArn { get; set; }

    protected override string TypeName => FindingExport.AsffTypeName;
    protected override ExportContext Context => base.Context with { ProductArn = ProductArn };
    protected override Dictionary<string, object?> Convert(Finding finding, ExportContext context) => FindingExport.ToAsff(finding, context);
}
