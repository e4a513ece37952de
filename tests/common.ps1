# Shared by every Pester test: the built module, the demo snapshot and the fixtures.
$manifest = Get-ChildItem -Path (Join-Path $PSScriptRoot '../output/VpcSecTools/*/VpcSecTools.psd1') | Select-Object -First 1
Import-Module $manifest.FullName -Force
$DemoSnapshot = Join-Path $PSScriptRoot '../samples/demo'
$FixtureRoot = Join-Path $PSScriptRoot 'fixtures'
