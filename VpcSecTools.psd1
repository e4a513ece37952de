@{
    RootModule           = 'VpcSecTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = 'c6b0f7f2-3d7e-4f0a-9a51-6f3f0f1d2b7a'
    Author               = 'VpcSecTools contributors'
    Description          = 'AWS VPC network-security answers from a snapshot of describe-* outputs or live AWS.'
    PowerShellVersion    = '7.2'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('VpcSecTools.Format.ps1xml')
    CmdletsToExport      = @(
        'Export-VpcSnapshot'
        'Import-VpcSnapshot'
        'Invoke-FlowLogQuery'
        'Get-VpcFlowLogCoverage'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
}
