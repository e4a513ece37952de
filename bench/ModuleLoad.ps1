#Requires -Version 7.4
<#
.SYNOPSIS
Import-Module time and first-call latency of a built module against a baseline module, in fresh pwsh sessions.

.DESCRIPTION
Each run starts a new pwsh (so nothing is loaded yet) and times, in that session: Import-Module of the manifest, the
first Import-VpcSnapshot of samples/demo, then the first Find-OverlyOpenPort on it. Baseline and candidate sessions
alternate, so both see the same machine load; the medians and their ratio are printed, with the load average.

.EXAMPLE
./bench/ModuleLoad.ps1 -Baseline /tmp/before/VpcSecTools/0.1.0/VpcSecTools.psd1 -Runs 9
#>
param(
    [Parameter(Mandatory)] [string] $Baseline,
    [string] $Candidate = (Get-ChildItem (Join-Path $PSScriptRoot '..' 'output' 'VpcSecTools' '*' 'VpcSecTools.psd1') | Select-Object -Last 1).FullName,
    [int] $Runs = 7
)
$ErrorActionPreference = 'Stop'
$demo = Join-Path $PSScriptRoot '..' 'samples' 'demo'
$session = {
    param([string] $Manifest, [string] $Demo)
    $watch = [System.Diagnostics.Stopwatch]::StartNew()
    Import-Module $Manifest -ErrorAction Stop
    $import = $watch.Elapsed.TotalMilliseconds
    $watch.Restart()
    $snapshot = Import-VpcSnapshot -Path $Demo
    $load = $watch.Elapsed.TotalMilliseconds
    $watch.Restart()
    $findings = @(Find-OverlyOpenPort -Snapshot $snapshot)
    $audit = $watch.Elapsed.TotalMilliseconds
    [pscustomobject]@{ Import = $import; FirstImportVpcSnapshot = $load; FirstFindOverlyOpenPort = $audit; Findings = $findings.Count }
}
# As a .NET tool, pwsh runs inside dotnet: the child is dotnet with this pwsh's pwsh.dll.
$pwsh = if ([System.IO.Path]::GetFileNameWithoutExtension([Environment]::ProcessPath) -eq 'dotnet') { @([Environment]::ProcessPath, (Join-Path $PSHOME 'pwsh.dll')) } else { @([Environment]::ProcessPath) }
$samples = @{ Baseline = [System.Collections.Generic.List[object]]::new(); Candidate = [System.Collections.Generic.List[object]]::new() }
for ($i = 0; $i -lt $Runs; $i++) {
    foreach ($which in 'Baseline', 'Candidate') {
        $manifest = if ($which -eq 'Baseline') { $Baseline } else { $Candidate }
        $samples[$which].Add((& $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoProfile -NonInteractive -Command $session -args $manifest, $demo))
    }
}
function Get-Median([double[]] $values) { $sorted = $values | Sort-Object; $sorted[[int][Math]::Floor(($sorted.Count - 1) / 2)] }
$load = if (Test-Path /proc/loadavg) { (Get-Content /proc/loadavg).Split(' ')[0..2] -join ' ' } else { 'n/a' }
"$Runs fresh sessions each, alternating; load average at the end: $load"
foreach ($step in 'Import', 'FirstImportVpcSnapshot', 'FirstFindOverlyOpenPort') {
    $b = Get-Median $samples.Baseline.$step
    $c = Get-Median $samples.Candidate.$step
    '{0,-24} baseline {1,7:N0} ms   candidate {2,7:N0} ms   candidate/baseline {3:N2}' -f $step, $b, $c, ($c / $b)
}
'findings: baseline {0}, candidate {1}' -f ($samples.Baseline[0].Findings), ($samples.Candidate[0].Findings)
