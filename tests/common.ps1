# Shared by every *.Tests.ps1: import the built module and name the test data.
$ErrorActionPreference = 'Stop'
$RepoRoot = Split-Path -Parent $PSScriptRoot
$manifest = Get-ChildItem -Path (Join-Path $RepoRoot 'output/VpcSecTools/*/VpcSecTools.psd1') | Select-Object -First 1
if (-not $manifest) { throw "Build the module first: output/VpcSecTools/<version>/VpcSecTools.psd1 not found." }
Import-Module $manifest.FullName -Force
$DemoSnapshot = Join-Path $RepoRoot 'samples/demo'
$FixtureRoot = Join-Path $RepoRoot 'tests/fixtures'
