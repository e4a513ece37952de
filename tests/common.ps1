# Shared by every tests/<Verb-Noun>.Tests.ps1, dot-sourced first thing: BeforeAll { . $PSScriptRoot/common.ps1 }
# Imports the module built into output/ (./build.ps1 -Task Build or ./build.sh) and names the test data:
#   $DemoSnapshot  samples/demo, the demo network (a Batfish-style aws_configs folder with flow logs)
#   $FixtureRoot   tests/fixtures (batfish-aws/<scenario>, flowlogs/, ip-ranges/, ...)
#   $NuGetPackages the NuGet packages folder the test projects restore into (AWSSDK.Core versions for isolation tests)
# and Invoke-ChildPwsh, which starts a pwsh like this one (a session whose load contexts start fresh).
$repoRoot = Split-Path -Parent $PSScriptRoot
$builtManifest = Get-ChildItem -Path (Join-Path $repoRoot 'output' 'VpcSecTools' '*' 'VpcSecTools.psd1') -File -ErrorAction Ignore |
    Sort-Object -Property { [version]$_.Directory.Name } -Descending |
    Select-Object -First 1
if (-not $builtManifest) {
    throw "VpcSecTools is not built: run ./build.ps1 -Task Build (or ./build.sh) before the Pester suite."
}
# Import once per session: every test file dot-sources this, and a re-import reloads nothing new.
if (-not (Get-Module -Name VpcSecTools | Where-Object ModuleBase -EQ $builtManifest.DirectoryName)) {
    Get-Module -Name VpcSecTools | Remove-Module -Force
    Import-Module -Name $builtManifest.FullName -Force -ErrorAction Stop
}

$DemoSnapshot = Join-Path $repoRoot 'samples' 'demo'
$FixtureRoot = Join-Path $repoRoot 'tests' 'fixtures'
$NuGetPackages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path $HOME '.nuget' 'packages' }

# Runs pwsh -NoProfile -NonInteractive with the given arguments in a new process. As a .NET tool, pwsh runs
# inside dotnet (ProcessPath is dotnet), so the child is dotnet with this pwsh's pwsh.dll.
function Invoke-ChildPwsh {
    $process = [System.Environment]::ProcessPath
    $pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') { @($process, (Join-Path $PSHOME 'pwsh.dll')) } else { @($process) }
    & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive @args
}

# An error as every VpcSecTools cmdlet reports one: a stable ErrorId (the start of FullyQualifiedErrorId),
# its category, and the offending value as the target.
function Assert-ClassifiedError {
    param(
        [Parameter(Mandatory)] [System.Management.Automation.ErrorRecord] $ErrorRecord,
        [Parameter(Mandatory)] [string] $ErrorId,
        [Parameter(Mandatory)] [System.Management.Automation.ErrorCategory] $Category,
        [object] $Target
    )
    $ErrorRecord.FullyQualifiedErrorId | Should -BeLike "$ErrorId,VpcSecTools.Commands.*"
    $ErrorRecord.CategoryInfo.Category | Should -Be $Category
    if ($PSBoundParameters.ContainsKey('Target')) {
        $ErrorRecord.TargetObject | Should -Be $Target
    }
}
