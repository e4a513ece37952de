# VpcSecTools root module.
#
# The cmdlet assembly and its dependencies (AWSSDK.*) live in bin/ and load into the module's own
# AssemblyLoadContext (VpcSecTools.Loader.dll, the only assembly in the default context), so this module
# can share a session with any version of AWS.Tools.

$importModule = Get-Command -Name Import-Module -Module Microsoft.PowerShell.Core

# Reuse the loader already in the session after Remove-Module: a context cannot be created twice for the
# same assembly, and the loader keeps one per process.
$loadContext = 'VpcSecTools.Loader.ModuleLoadContext' -as [type]
$isReload = $null -ne $loadContext
if (-not $isReload) {
    Add-Type -Path ([System.IO.Path]::Combine($PSScriptRoot, 'VpcSecTools.Loader.dll'))
    $loadContext = 'VpcSecTools.Loader.ModuleLoadContext' -as [type]
}

$moduleAssembly = $loadContext::LoadModuleAssembly()
$innerModule = & $importModule -Assembly $moduleAssembly -PassThru -ErrorAction Stop

if ($isReload) {
    # On a second import pwsh hands back its cached binary module without adding its cmdlets to this
    # module's exports (PowerShell/PowerShell#20710), so add them the way the first import does.
    $addExportedCmdlet = [System.Management.Automation.PSModuleInfo].GetMethod(
        'AddExportedCmdlet', [System.Reflection.BindingFlags]'Instance, NonPublic')
    foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
        $addExportedCmdlet.Invoke($ExecutionContext.SessionState.Module, @(, $cmdlet))
    }
}

# Argument completers, by parameter name, for every cmdlet of the module: a cmdlet that has a -VpcId
# (or -Region, -ProfileName, ...) parameter completes it without declaring anything itself.
$parameterCompleters = $moduleAssembly.GetType('VpcSecTools.Completion.ParameterCompleters', $true)
$completerTypes = $parameterCompleters::ByParameterName
foreach ($cmdlet in $innerModule.ExportedCmdlets.Values) {
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
