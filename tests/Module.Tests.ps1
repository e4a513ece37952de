BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    # Test cases are built from what the module exports, so a new cmdlet is checked without editing this file.
    $commandCases = @(Get-Command -Module VpcSecTools -CommandType Cmdlet | ForEach-Object { @{ Name = $_.Name } })
    $completionCases = @(
        foreach ($command in Get-Command -Module VpcSecTools -CommandType Cmdlet) {
            foreach ($parameter in 'VpcId', 'SubnetId', 'InstanceId', 'GroupId', 'Region', 'ProfileName') {
                if ($command.Parameters.ContainsKey($parameter)) {
                    @{ Name = $command.Name; Parameter = $parameter; HasSnapshot = $command.Parameters.ContainsKey('Snapshot') }
                }
            }
        }
    )
    $awsToolsCommon = Get-Module -Name AWS.Tools.Common -ListAvailable | Sort-Object Version -Descending | Select-Object -First 1
}

BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'The VpcSecTools module' {
    BeforeAll {
        $module = Get-Module -Name VpcSecTools
        $manifest = Import-PowerShellDataFile -Path (Join-Path $module.ModuleBase 'VpcSecTools.psd1')
        $natGateway = Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway'
    }

    Context 'Loading' {
        It 'is the version the manifest declares' {
            $module.Version | Should -Be ([version]$manifest.ModuleVersion)
        }

        It 'exports exactly the cmdlets the manifest lists' {
            @($module.ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
            $module.ExportedFunctions.Count | Should -Be 0
        }

        It 'imports again in the same session after Remove-Module' {
            $path = Join-Path $module.ModuleBase 'VpcSecTools.psd1'
            Remove-Module -Name VpcSecTools -Force
            Import-Module -Name $path -Force -ErrorAction Stop
            @((Get-Module -Name VpcSecTools).ExportedCmdlets.Keys | Sort-Object) | Should -Be @($manifest.CmdletsToExport | Sort-Object)
            (Import-VpcSnapshot -Path $natGateway).Vpcs.Count | Should -Be 1
        }
    }

    Context 'Dependency isolation' {
        It 'loads its assemblies into the VpcSecTools load context, only the loader into the default one' {
            $null = Import-VpcSnapshot -Path $natGateway
            $ours = [System.AppDomain]::CurrentDomain.GetAssemblies() |
                Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($module.ModuleBase) }
            $ours.GetName().Name | Should -Contain 'VpcSecTools'
            $ours.GetName().Name | Should -Contain 'VpcSecTools.Core'
            foreach ($assembly in $ours) {
                $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
                if ($assembly.GetName().Name -eq 'VpcSecTools.Loader') {
                    $context | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
                }
                else {
                    $context.Name | Should -Be 'VpcSecTools' -Because "$($assembly.GetName().Name) must not load into the shared context"
                }
            }
        }

        It 'works beside AWS.Tools.Common and its AWSSDK.Core (<Order>)' -Skip:(-not $awsToolsCommon) -ForEach @(
            @{ Order = 'AWS.Tools first' ; AwsFirst = $true }
            @{ Order = 'VpcSecTools first'; AwsFirst = $false }
        ) {
            # A child session: which assemblies load first cannot be undone in this one.
            $check = {
                param([string]$Manifest, [string]$Fixture, [bool]$AwsFirst)
                $ErrorActionPreference = 'Stop'
                if ($AwsFirst) { Import-Module AWS.Tools.Common }
                Import-Module $Manifest
                if (-not $AwsFirst) { Import-Module AWS.Tools.Common }
                $ours = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'VpcSecTools'
                # Make the module's own AWSSDK.Core load (if it ships one) while AWS.Tools' is in the session.
                $sdkPath = Join-Path (Split-Path $Manifest) 'bin' 'AWSSDK.Core.dll'
                if (Test-Path $sdkPath) { $null = $ours.LoadFromAssemblyName([System.Reflection.AssemblyName]'AWSSDK.Core') }
                [pscustomobject]@{
                    Regions      = @(Get-AWSRegion).Count
                    Vpcs         = (Import-VpcSnapshot -Path $Fixture).Vpcs.Count
                    SdkContexts  = @([System.AppDomain]::CurrentDomain.GetAssemblies() |
                        Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } |
                        ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
                    ShipsSdkCore = Test-Path $sdkPath
                }
            }
            $pwsh = [System.Environment]::ProcessPath
            $result = & $pwsh -NoProfile -NonInteractive -Command $check -args (Join-Path $module.ModuleBase 'VpcSecTools.psd1'), $natGateway, $AwsFirst
            $LASTEXITCODE | Should -Be 0
            $result.Regions | Should -BeGreaterThan 0
            $result.Vpcs | Should -Be 1
            if ($result.ShipsSdkCore) {
                $result.SdkContexts | Should -Contain 'VpcSecTools'
                @($result.SdkContexts).Count | Should -Be 2 -Because 'AWS.Tools and VpcSecTools each keep their own AWSSDK.Core'
            }
        }
    }

    Context 'Help' {
        It '<Name> has a synopsis, a description and at least two examples' -ForEach $commandCases {
            $help = Get-Help -Name $Name -Full
            # Without a help file Get-Help makes the synopsis from the syntax.
            $help.Synopsis | Should -Not -BeNullOrEmpty
            $help.Synopsis | Should -Not -Match ([regex]::Escape("$Name ["))
            ($help.Description.Text -join ' ') | Should -Not -BeNullOrEmpty
            @($help.Examples.Example).Count | Should -BeGreaterOrEqual 2
        }

        It '<Name> describes every parameter' -ForEach $commandCases {
            $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
            $help = Get-Help -Name $Name -Full
            foreach ($parameter in (Get-Command -Name $Name).Parameters.Keys | Where-Object { $_ -notin $common }) {
                $entry = $help.Parameters.Parameter | Where-Object Name -EQ $parameter
                $entry | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs help"
                ($entry.Description.Text -join ' ') | Should -Not -BeNullOrEmpty -Because "-$parameter of $Name needs a description"
            }
        }

        It 'ships the about_VpcSecTools topic' {
            $about = Join-Path $module.ModuleBase 'en-US' 'about_VpcSecTools.help.txt'
            $about | Should -Exist
            Get-Content -LiteralPath $about -Raw | Should -Match 'SnapshotNotFound'
        }
    }

    Context 'Views' {
        It 'loads a view for every output type' {
            $types = Get-Command -Module VpcSecTools -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
                Where-Object { $_ -like 'VpcSecTools.*' } | Sort-Object -Unique
            foreach ($type in $types) {
                Get-FormatData -TypeName $type | Should -Not -BeNullOrEmpty -Because "$type needs a view in VpcSecTools.Format.ps1xml"
            }
        }
    }

    Context 'Tab completion' {
        BeforeAll {
            $null = Import-VpcSnapshot -Path $natGateway
            $completionTexts = {
                param([string]$Line)
                (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
            }
        }

        It '<Name> -<Parameter> completes' -ForEach $completionCases {
            switch ($Parameter) {
                'VpcId' { & $completionTexts "$Name -VpcId vpc-" | Should -Contain 'vpc-0008a7b45e3ddf1dd' }
                'SubnetId' { & $completionTexts "$Name -SubnetId subnet-06" | Should -Contain 'subnet-06f469bcee42e408e' }
                'InstanceId' { & $completionTexts "$Name -InstanceId Jump" | Should -Contain 'i-0b31b509174d7f5de' }
                'GroupId' { & $completionTexts "$Name -GroupId sg-001" | Should -Contain 'sg-0010bf850022667c2' }
                'Region' { & $completionTexts "$Name -Region us-east-" | Should -Be @('us-east-1', 'us-east-2') }
                'ProfileName' {
                    $saved = $env:AWS_CONFIG_FILE, $env:AWS_SHARED_CREDENTIALS_FILE
                    try {
                        $env:AWS_CONFIG_FILE = Join-Path $TestDrive 'config'
                        $env:AWS_SHARED_CREDENTIALS_FILE = Join-Path $TestDrive 'credentials'
                        Set-Content -LiteralPath $env:AWS_CONFIG_FILE -Value '[profile pester-config]', '[sso-session not-a-profile]'
                        Set-Content -LiteralPath $env:AWS_SHARED_CREDENTIALS_FILE -Value '[pester-credentials]'
                        $texts = & $completionTexts "$Name -ProfileName pester-"
                        $texts | Should -Contain 'pester-config'
                        $texts | Should -Contain 'pester-credentials'
                    }
                    finally {
                        $env:AWS_CONFIG_FILE, $env:AWS_SHARED_CREDENTIALS_FILE = $saved
                    }
                }
            }
        }

        It '<Name> -<Parameter> completes from the -Snapshot on the command line' -ForEach ($completionCases | Where-Object { $_.HasSnapshot -and $_.Parameter -eq 'VpcId' }) {
            $peering = Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering'
            $expected = (Import-VpcSnapshot -Path $peering).Vpcs.Keys
            # The session's last import is the NAT-gateway network; the command line names another.
            $null = Import-VpcSnapshot -Path $natGateway
            $texts = & $completionTexts "$Name -Snapshot '$peering' -VpcId "
            @($texts | Sort-Object) | Should -Be @($expected | Sort-Object)
        }
    }
}
