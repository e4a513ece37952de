# Shared setup for the Pester suite: import the built module and name the sample data.
$manifest = Get-ChildItem -Path (Join-Path $PSScriptRoot '..' 'output' 'VpcSecTools' '*' 'VpcSecTools.psd1') | Select-Object -First 1
if (-not $manifest) { throw 'Build the module first: ./build.ps1 -Task Build (or ./build.sh)' }
Import-Module $manifest.FullName -Force
$DemoSnapshot = Join-Path $PSScriptRoot '..' 'samples' 'demo'
$FixtureRoot = Join-Path $PSScriptRoot 'fixtures'
