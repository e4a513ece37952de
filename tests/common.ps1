$ModulePath = Get-ChildItem -Path (Join-Path $PSScriptRoot '../output/VpcSecTools/*/VpcSecTools.psd1') | Select-Object -First 1
Import-Module $ModulePath.FullName -Force
$DemoSnapshot = (Resolve-Path (Join-Path $PSScriptRoot '../samples/demo')).Path
$FixtureRoot = (Resolve-Path (Join-Path $PSScriptRoot 'fixtures')).Path
