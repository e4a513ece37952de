# VpcSecTools root module.
#
# The cmdlets (VpcSecTools.dll) and the engine (VpcSecTools.Core.dll) load in PowerShell's default load context,
# so scripts can name every output type. The AWS adapters and AWSSDK.* load from bin/, when a cmdlet first calls
# AWS, into the module's own context (AwsLoadContext), so this module can share a session with any version of
# AWS.Tools.
$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core
$cmdlets = (& $importModule -Name ([System.IO.Path]::Combine($PSScriptRoot, 'VpcSecTools.dll')) -PassThru -ErrorAction Stop).ExportedCmdlets.Values

# Argument completers, by parameter name, for every cmdlet of the module: a cmdlet that has a -VpcId
# (or -Region, -ProfileName, ...) parameter completes it without declaring anything itself.
$completerTypes = [VpcSecTools.Completion.ParameterCompleters]::ByParameterName
foreach ($cmdlet in $cmdlets) {
    foreach ($parameterName in $cmdlet.Parameters.Keys) {
        $completerType = $null
        if (-not $completerTypes.TryGetValue($parameterName, [ref]$completerType)) { continue }
        $completer = [System.Activator]::CreateInstance($completerType)
        Register-ArgumentCompleter -CommandName $cmdlet.Name -ParameterName $parameterName -ScriptBlock {
            param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
            $completer.CompleteArgument($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
        }.GetNewClosure()
    }
}

$ExecutionContext.SessionState.Module.OnRemove = {
    # The last snapshot the session imported feeds the completers; it goes with the module.
    Remove-Variable -Name VpcSecToolsSnapshot -Scope Global -ErrorAction Ignore
}
