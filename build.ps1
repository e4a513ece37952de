#Requires -Version 7.4
<#
.SYNOPSIS
Builds, tests and packages the VpcSecTools module.

.DESCRIPTION
-Task Build    assembles output/VpcSecTools/<ModuleVersion>/ by building src/VpcSecTools.Module, the one place the
               module's layout is written (build.sh and the tests build it too): the manifest, the root module, the
               views, VpcSecTools.dll and VpcSecTools.Core.dll (PowerShell's default load context), bin/ (the AWS
               adapters and AWSSDK.*, loaded in the module's own context) and en-US/ (help compiled from docs/en-US).
-Task Test     builds, then runs both suites with `dotnet test VpcSecTools.sln`: the xunit tests, and every
               tests/*.Tests.ps1 in the pinned pwsh with the pinned Pester (tests/VpcSecTools.Module.Tests installs
               both; see tests/TestTools.targets). Fails on any failed test or Pester container.
-Task Package  builds, then writes output/VpcSecTools.<ModuleVersion>.nupkg for Publish-PSResource -NupkgPath.

.EXAMPLE
./build.ps1 -Task Test -Configuration Debug
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package')]
    [string]$Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string]$Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$root = $PSScriptRoot
$manifestPath = Join-Path $root 'VpcSecTools.psd1'
$manifest = Import-PowerShellDataFile -Path $manifestPath
$version = $manifest.ModuleVersion
$outputRoot = Join-Path $root 'output'
$moduleProject = @((Join-Path $root 'src' 'VpcSecTools.Module' 'VpcSecTools.Module.proj'), "-p:Configuration=$Configuration", "-p:ModuleOutputRoot=$outputRoot$([System.IO.Path]::DirectorySeparatorChar)")

function Invoke-Dotnet {
    param([string[]]$Arguments)
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) {
        throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE"
    }
}

function Build-Module {
    Invoke-Dotnet (@('build') + $moduleProject + @('--nologo', '-v', 'quiet'))
    # The folder it wrote, as the project names it.
    $script:moduleFolder = (& dotnet msbuild @moduleProject -getProperty:ModuleFolder).Trim()
    Write-Host "Module assembled in $moduleFolder"
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
        Invoke-Dotnet @('test', (Join-Path $root 'VpcSecTools.sln'), '-c', $Configuration, '--nologo')
    }
    'Package' {
        Build-Module
        New-ModulePackage
    }
}
