@{
    RootModule        = 'VpcSecTools.dll'
    ModuleVersion     = '0.1.0'
    GUID              = '6f1b7c52-3d0e-4b8a-9a55-2c7e9d1f4a10'
    Author            = 'VpcSecTools contributors'
    Description       = 'AWS VPC network-security answers from a snapshot or live AWS: IP attribution, reachability, exposure audit, endpoint plan, flow-log queries.'
    PowerShellVersion = '7.4'
    CompatiblePSEditions = @('Core')
    FormatsToProcess  = @('VpcSecTools.Format.ps1xml')
    CmdletsToExport   = @(
        'Export-VpcSnapshot'
        'Import-VpcSnapshot'
        'Test-InstanceReachability'
    )
    FunctionsToExport = @()
    AliasesToExport   = @()
    VariablesToExport = @()
    PrivateData       = @{ PSData = @{ Tags = @('AWS', 'VPC', 'Security', 'Network') } }
}
