# Helpers for the Pester files that test the module as a user drives it (pipelines, views, completion, help).
# Dot-source after common.ps1: BeforeAll { . $PSScriptRoot/common.ps1; . $PSScriptRoot/helpers.ps1 }

# Loads AWSSDK.Core and AWSSDK.EC2, the assemblies AWS.Tools.EC2 is built on, into this session, so a test can make
# the very objects Get-EC2Instance & co. emit (Amazon.EC2.Model.Instance, Reservation, ...) rather than lookalikes.
# The versions are those tests/AwsSdk/AwsSdk.csproj pins; the first call restores them from NuGet.
function Import-AwsSdkEc2 {
    if ('Amazon.EC2.Model.Instance' -as [type]) { return }
    $project = Join-Path $PSScriptRoot 'AwsSdk' 'AwsSdk.csproj'
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    $assemblies = foreach ($package in ([xml](Get-Content -Raw $project)).Project.ItemGroup.PackageDownload) {
        $version = $package.Version.Trim('[', ']')
        Join-Path $packages $package.Include.ToLowerInvariant() $version 'lib' 'net8.0' "$($package.Include).dll"
    }
    if (@($assemblies | Where-Object { -not (Test-Path -LiteralPath $_) }).Count -gt 0) {
        $output = & dotnet restore $project --nologo 2>&1
        if ($LASTEXITCODE -ne 0) { throw "restoring $project failed: $output" }
    }
    # AWSSDK.Core first: AWSSDK.EC2 resolves against it.
    Add-Type -Path ($assemblies | Sort-Object { $_ -notmatch 'AWSSDK\.Core' })
}

# The text a value shows in the console at a given width, as Out-String renders it (redirected output has no window).
function Get-RenderedText {
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $InputObject, [Parameter(Mandatory)] [int] $Width)
    $InputObject | Out-String -Width $Width
}

# The words TabExpansion2 offers at the end of a command line.
function Get-CompletionText {
    param([Parameter(Mandatory)] [string] $Line)
    (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
}

# The demo network's ids by name (samples/demo/expected.json: ids.vpc.prod, ids.instance.'app-1', ...).
$DemoExpected = Get-Content -Raw (Join-Path $DemoSnapshot 'expected.json') | ConvertFrom-Json
