$ErrorActionPreference = 'Stop'
$RepoRoot = Split-Path -Parent $PSScriptRoot
$ModuleManifest = Get-ChildItem (Join-Path $RepoRoot 'output/VpcSecTools/*/VpcSecTools.psd1') | Select-Object -First 1
Import-Module $ModuleManifest.FullName -Force
$DemoSnapshot = Join-Path $RepoRoot 'samples/demo'
$FixtureRoot = Join-Path $RepoRoot 'tests/fixtures'
