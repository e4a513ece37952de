# Module manifest for VpcSecTools. src/VpcSecTools.Module (built by build.sh / build.ps1) copies it into output/VpcSecTools/<ModuleVersion>/.
# Adding a cmdlet: add its name to CmdletsToExport (the metadata tests check it equals the assembly's cmdlets).
@{
    RootModule           = 'VpcSecTools.psm1'
    ModuleVersion        = '0.1.0'
    GUID                 = '42d8018e-162c-48a3-bd6d-d463a2dd4bf3'
    Author               = 'VpcSecTools contributors'
    CompanyName          = 'VpcSecTools contributors'
    Copyright            = '(c) VpcSecTools contributors. All rights reserved.'
    Description          = 'Answers AWS VPC network-security questions (reachability, exposure, flow logs) from a snapshot of aws ec2 describe-* outputs or from live AWS, beside AWS.Tools.EC2.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VpcSecTools.Format.ps1xml')
    FunctionsToExport    = @()
    CmdletsToExport      = @(
        'Compare-VpcSnapshot'
        'ConvertTo-OcsfFinding'
        'ConvertTo-SecurityHubFinding'
        'ConvertTo-VpcSnapshot'
        'Export-VpcSnapshot'
        'Find-OverlyOpenPort'
        'Find-UntrustedPrivateTraffic'
        'Get-VpcFlowLogCoverage'
        'Get-VpcPrivateIpMap'
        'Get-VpcRuleUsage'
        'Get-VpcSnapshot'
        'Get-VpcTransferCost'
        'Import-VpcSnapshot'
        'Invoke-FlowLogQuery'
        'New-VpcEndpointPlan'
        'Test-InstanceReachability'
    )
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AWS', 'VPC', 'EC2', 'Security', 'Network', 'SecurityGroup', 'FlowLogs', 'Reachability', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri   = 'https://github.com/vpcsectools/VpcSecTools'
            ReleaseNotes = 'First release: snapshot export and import, offline analysis of aws ec2 describe-* outputs, dependency isolation from AWS.Tools.'
        }
    }
}
