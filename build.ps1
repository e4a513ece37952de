#Requires -Version 7.4
<#
.SYNOPSIS
Builds, tests and packages the VpcSecTools module.

.DESCRIPTION
-Task Build    assembles output/VpcSecTools/<ModuleVersion>/: the manifest, the root module, the views,
               VpcSecTools.Loader.dll (the only assembly in the shared load context), bin/ (the cmdlet
               assembly, VpcSecTools.Core and every dependency) and en-US/ (MAML help and about topics
               compiled from docs/en-US by tools/VpcSecTools.HelpCompiler). build.sh does the same without pwsh.
-Task Test     builds, then runs the xunit suite (dotnet test; skip it with -SkipXunit) and the Pester suite
               (tests/*.Tests.ps1) in a child pwsh, installing Pester 5 from the PowerShell Gallery if missing.
-Task Package  builds, then writes output/VpcSecTools.<ModuleVersion>.nupkg for Publish-PSResource -NupkgPath.

.EXAMPLE
./build.ps1 -Task Test -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release',

    [switch]$SkipXunit
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

# Tool versions, pinned in one place. Pester 6 changes its configuration object, so stay on 5.
$PesterMinimumVersion = [version]'5.5.0'
$PesterVersionRange = '[5.5.0, 6.0.0)'

$root = $PSScriptRoot
$manifestPath = Join-Path $root 'VpcSecTools.psd1'
$manifest = Import-PowerShellDataFile -Path $manifestPath
$version = $manifest.ModuleVersion
$outputRoot = Join-Path $root 'output'
$moduleFolder = Join-Path $outputRoot 'VpcSecTools' $version

function Invoke-Dotnet {
    param([string[]]$Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Build-Module {
    $stage = Join-Path ([System.IO.Path]::GetTempPath()) "vpcsec-build-$([guid]::NewGuid().ToString('n'))"
    try {
        $common = @('--nologo', '-v', 'quiet', '-c', $Configuration)
        Invoke-Dotnet (@('publish', (Join-Path $root 'src' 'VpcSecTools' 'VpcSecTools.csproj'), '-o', (Join-Path $stage 'bin')) + $common)
        Invoke-Dotnet (@('publish', (Join-Path $root 'src' 'VpcSecTools.Loader' 'VpcSecTools.Loader.csproj'), '-o', (Join-Path $stage 'loader')) + $common)
        Invoke-Dotnet (@('build', (Join-Path $root 'tools' 'VpcSecTools.HelpCompiler' 'VpcSecTools.HelpCompiler.csproj'), '-o', (Join-Path $stage 'help')) + $common)

        if (Test-Path -LiteralPath $moduleFolder) {
            Remove-Item -LiteralPath $moduleFolder -Recurse -Force
        }
        $bin = Join-Path $moduleFolder 'bin'
        $null = New-Item -ItemType Directory -Path $bin, (Join-Path $moduleFolder 'en-US'), (Join-Path $bin 'en-US') -Force

        Copy-Item -LiteralPath $manifestPath -Destination $moduleFolder
        Get-ChildItem -LiteralPath (Join-Path $root 'module') | Copy-Item -Destination $moduleFolder -Recurse
        Copy-Item -LiteralPath (Join-Path $stage 'loader' 'VpcSecTools.Loader.dll') -Destination $moduleFolder

        # Everything the cmdlet assembly needs at run time except PowerShell itself (a compile-only reference).
        Get-ChildItem -LiteralPath (Join-Path $stage 'bin') -Filter '*.dll' -File |
            Where-Object Name -NotIn 'System.Management.Automation.dll', 'VpcSecTools.Loader.dll' |
            Copy-Item -Destination $bin
        Get-ChildItem -LiteralPath (Join-Path $stage 'bin') -Directory |
            Copy-Item -Destination $bin -Recurse

        Invoke-Dotnet @((Join-Path $stage 'help' 'VpcSecTools.HelpCompiler.dll'), '--docs', (Join-Path $root 'docs' 'en-US'), '--out', (Join-Path $moduleFolder 'en-US'))
        # Get-Help looks for <assembly>-Help.xml beside the assembly as well as in the module folder.
        Copy-Item -LiteralPath (Join-Path $moduleFolder 'en-US' 'VpcSecTools.dll-Help.xml') -Destination (Join-Path $bin 'en-US')
        Write-Host "Module assembled in $moduleFolder"
    }
    finally {
        Remove-Item -LiteralPath $stage -Recurse -Force -ErrorAction Ignore
    }
}

function Get-PesterModule {
    $pester = Get-Module -Name Pester -ListAvailable |
        Where-Object { $_.Version -ge $PesterMinimumVersion -and $_.Version.Major -eq 5 } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if ($pester) {
        return $pester
    }
    Write-Host "Pester $PesterVersionRange is not installed: installing it from the PowerShell Gallery for the current user."
    if (Get-Command -Name Install-PSResource -ErrorAction Ignore) {
        Install-PSResource -Name Pester -Version $PesterVersionRange -Scope CurrentUser -TrustRepository -Quiet
    }
    else {
        Install-Module -Name Pester -MinimumVersion $PesterMinimumVersion -MaximumVersion '5.99.99' -Scope CurrentUser -Force -SkipPublisherCheck
    }
    $pester = Get-Module -Name Pester -ListAvailable |
        Where-Object { $_.Version -ge $PesterMinimumVersion -and $_.Version.Major -eq 5 } |
        Sort-Object -Property Version -Descending |
        Select-Object -First 1
    if (-not $pester) {
        throw "Pester $PesterVersionRange could not be installed; install it and run again."
    }
    return $pester
}

function Invoke-PesterSuite {
    $pester = Get-PesterModule
    $results = Join-Path $outputRoot 'TestResults'
    $null = New-Item -ItemType Directory -Path $results -Force

    # A child pwsh imports the built module: its assemblies stay loaded in that process only, so this
    # session never holds the files in output/ open, and every run starts from a clean session.
    $suite = {
        param([string]$PesterPath, [string]$TestsPath, [string]$ResultsFile)
        $ErrorActionPreference = 'Stop'
        Import-Module -Name $PesterPath
        $configuration = New-PesterConfiguration
        $configuration.Run.Path = $TestsPath
        $configuration.Run.Exit = $true
        $configuration.Output.Verbosity = 'Detailed'
        $configuration.TestResult.Enabled = $true
        $configuration.TestResult.OutputFormat = 'NUnitXml'
        $configuration.TestResult.OutputPath = $ResultsFile
        Invoke-Pester -Configuration $configuration
    }
    $pwsh = [System.Environment]::ProcessPath
    & $pwsh -NoProfile -NonInteractive -Command $suite -args $pester.Path, (Join-Path $root 'tests'), (Join-Path $results 'Pester.xml')
    if ($LASTEXITCODE -ne 0) {
        throw "The Pester suite failed ($LASTEXITCODE failed or errored)."
    }
}

function New-ModulePackage {
    $packagePath = Join-Path $outputRoot "VpcSecTools.$version.nupkg"
    Remove-Item -LiteralPath $packagePath -Force -ErrorAction Ignore
    if (Get-Command -Name Compress-PSResource -ErrorAction Ignore) {
        # PSResourceGet 1.1+ builds the package exactly as Publish-PSResource would.
        Compress-PSResource -Path $moduleFolder -DestinationPath $outputRoot
    }
    else {
        New-NupkgFromFolder -Destination $packagePath
    }
    Write-Host "Package written: $packagePath (publish with Publish-PSResource -NupkgPath '$packagePath' -Repository PSGallery -ApiKey <key>)"
}

function New-NupkgFromFolder {
    param([string]$Destination)
    $psData = $manifest.PrivateData.PSData
    $cmdlets = @($manifest.CmdletsToExport)
    # The tags PowerShellGet derives from a manifest, so gallery searches by command find the module.
    $tags = @($psData.Tags) + @('PSModule', 'PSIncludes_Cmdlet') + ($cmdlets | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" })
    $escape = { param($text) [System.Security.SecurityElement]::Escape([string]$text) }
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>VpcSecTools</id>
    <version>$version</version>
    <authors>$(& $escape $manifest.Author)</authors>
    <owners>$(& $escape $manifest.CompanyName)</owners>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
    <description>$(& $escape $manifest.Description)</description>
    <releaseNotes>$(& $escape $psData.ReleaseNotes)</releaseNotes>
    <copyright>$(& $escape $manifest.Copyright)</copyright>
    <tags>$(& $escape ($tags -join ' '))</tags>
    <projectUrl>$(& $escape $psData.ProjectUri)</projectUrl>
  </metadata>
</package>
"@
    $contentTypes = @'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
  <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" />
  <Default Extension="nuspec" ContentType="application/octet" />
  <Default Extension="psd1" ContentType="application/octet" />
  <Default Extension="psm1" ContentType="application/octet" />
  <Default Extension="ps1xml" ContentType="application/octet" />
  <Default Extension="dll" ContentType="application/octet" />
  <Default Extension="xml" ContentType="application/octet" />
  <Default Extension="txt" ContentType="application/octet" />
  <Default Extension="json" ContentType="application/octet" />
</Types>
'@
    $stream = [System.IO.File]::Open($Destination, [System.IO.FileMode]::CreateNew)
    $zip = [System.IO.Compression.ZipArchive]::new($stream, [System.IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($entry in @{ 'VpcSecTools.nuspec' = $nuspec; '[Content_Types].xml' = $contentTypes }.GetEnumerator()) {
            $writer = [System.IO.StreamWriter]::new($zip.CreateEntry($entry.Key).Open())
            try { $writer.Write($entry.Value) } finally { $writer.Dispose() }
        }
        $base = (Resolve-Path -LiteralPath $moduleFolder).Path
        foreach ($file in Get-ChildItem -LiteralPath $base -Recurse -File) {
            $name = [System.IO.Path]::GetRelativePath($base, $file.FullName).Replace('\', '/')
            $target = $zip.CreateEntry($name).Open()
            $source = [System.IO.File]::OpenRead($file.FullName)
            try { $source.CopyTo($target) } finally { $source.Dispose(); $target.Dispose() }
        }
    }
    finally {
        $zip.Dispose()
        $stream.Dispose()
    }
}

switch ($Task) {
    'Build' {
        Build-Module
    }
    'Test' {
        Build-Module
        if (-not $SkipXunit) {
            Invoke-Dotnet @('test', (Join-Path $root 'VpcSecTools.sln'), '-c', $Configuration, '--nologo')
        }
        Invoke-PesterSuite
    }
    'Package' {
        Build-Module
        New-ModulePackage
    }
}
