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

    Context 'Output types' {
        It 'names every output type and enum in scripts' {
            $types = Get-Command -Module VpcSecTools -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
                Where-Object { $_ -like 'VpcSecTools.*' } | Sort-Object -Unique
            $types | Should -Not -BeNullOrEmpty
            foreach ($name in $types) {
                $name -as [type] | Should -Not -BeNullOrEmpty -Because "scripts write [$name]"
            }
            $snapshot = Import-VpcSnapshot -Path $natGateway
            $snapshot | Should -BeOfType ([VpcSecTools.Snapshot.SnapshotIndex])
            $snapshot -is [VpcSecTools.Snapshot.SnapshotIndex] | Should -BeTrue
            function Get-VpcCount { param([VpcSecTools.Snapshot.SnapshotIndex] $Index) $Index.Vpcs.Count }
            Get-VpcCount -Index $snapshot | Should -Be 1
            [VpcSecTools.Snapshot.SnapshotIndex].Assembly.Location | Should -Be (Join-Path $module.ModuleBase 'VpcSecTools.Core.dll')
        }
    }

    Context 'Dependency isolation' {
        BeforeAll {
            . $PSScriptRoot/Ec2Replay.ps1
            $script:Replay = Start-Ec2Replay -Scenario 'test-nat-gateway'
            # AWSSDK.Core as AWS.Tools 4.x (3.7) and 5.x (4.1) carry it, restored from NuGet by the test projects.
            $script:ForeignSdk = @{
                '3.7.501.1' = Join-Path $NuGetPackages 'awssdk.core' '3.7.501.1' 'lib' 'netcoreapp3.1' 'AWSSDK.Core.dll'
                '4.1.1'     = Join-Path $NuGetPackages 'awssdk.core' '4.1.1' 'lib' 'net8.0' 'AWSSDK.Core.dll'
            }
            # In a new session, loads a foreign AWSSDK.Core before or after the module, captures live through the module,
            # and reports which AWSSDK.Core each load context holds.
            $script:CheckBeside = {
                param([string]$Manifest, [string]$SdkPath, [bool]$SdkFirst, [string]$Url)
                $ErrorActionPreference = 'Stop'
                function Import-ForeignSdk {
                    Add-Type -Path $SdkPath
                    # The session's own AWSSDK.Core works: AWS.Tools would use it like this.
                    $null = [Amazon.Runtime.BasicAWSCredentials]::new('AKIDFOREIGN', 'secret').GetCredentials().AccessKey
                }
                if ($SdkFirst) { Import-ForeignSdk }
                Import-Module $Manifest
                if (-not $SdkFirst) { Import-ForeignSdk }
                $snapshot = Get-VpcSnapshot -Region us-east-2 -AccessKey AKIDEXAMPLE -SecretKey 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' -EndpointUrl $Url
                [pscustomobject]@{
                    Vpcs        = $snapshot.Vpcs.Count
                    # By file version: AWSSDK keeps its assembly version (4.0.0.0 for 4.0 and 4.1 alike), which is why they clash.
                    SessionSdk  = [System.Diagnostics.FileVersionInfo]::GetVersionInfo([Amazon.Runtime.AWSCredentials].Assembly.Location).FileVersion
                    SdkContexts = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } |
                        ForEach-Object { '{0} {1}' -f [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name, $_.Location })
                    Cores       = @([System.AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { $_.GetName().Name -eq 'VpcSecTools.Core' }).Count
                }
            }
        }
        AfterAll { Stop-Ec2Replay $script:Replay }

        It 'loads the cmdlets and the engine in the default context, the AWS adapters and AWSSDK.* in its own' {
            $null = Get-VpcSnapshot @FakeAws -EndpointUrl $Replay.Url
            $ours = [System.AppDomain]::CurrentDomain.GetAssemblies() |
                Where-Object { -not $_.IsDynamic -and $_.Location -and $_.Location.StartsWith($module.ModuleBase) }
            $names = @($ours | ForEach-Object { $_.GetName().Name } | Sort-Object)
            $names | Should -Contain 'VpcSecTools.Aws'
            $names | Should -Contain 'AWSSDK.Core'
            @($names | Where-Object { $_ -eq 'VpcSecTools.Core' }).Count | Should -Be 1 -Because 'the adapters share the engine with the cmdlets'
            foreach ($assembly in $ours) {
                $context = [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($assembly)
                if ($assembly.GetName().Name -in 'VpcSecTools', 'VpcSecTools.Core') {
                    $context | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
                }
                else {
                    $context.Name | Should -Be 'VpcSecTools' -Because "$($assembly.GetName().Name) must not load into the shared context"
                    $assembly.Location | Should -BeLike (Join-Path $module.ModuleBase 'bin' '*')
                }
            }
        }

        It 'works beside AWSSDK.Core <Version> loaded <When> it' -ForEach @(
            @{ Version = '3.7.501.1'; When = 'before'; SdkFirst = $true }
            @{ Version = '3.7.501.1'; When = 'after'; SdkFirst = $false }
            @{ Version = '4.1.1'; When = 'before'; SdkFirst = $true }
            @{ Version = '4.1.1'; When = 'after'; SdkFirst = $false }
        ) {
            $sdk = $ForeignSdk[$Version]
            $sdk | Should -Exist -Because 'the test projects restore it (dotnet test VpcSecTools.sln)'
            # A child session: which assemblies load first cannot be undone in this one.
            $result = Invoke-ChildPwsh -Command $CheckBeside -args (Join-Path $module.ModuleBase 'VpcSecTools.psd1'), $sdk, $SdkFirst, $Replay.Url
            $LASTEXITCODE | Should -Be 0
            $result.Vpcs | Should -Be 1
            $result.SessionSdk | Should -BeLike "$Version*"
            $result.Cores | Should -Be 1
            @($result.SdkContexts) | Should -HaveCount 2 -Because 'the session and VpcSecTools each keep their own AWSSDK.Core'
            @($result.SdkContexts) | Should -Contain "VpcSecTools $(Join-Path $module.ModuleBase 'bin' 'AWSSDK.Core.dll')"
        }

        It 'works beside AWS.Tools.Common and its AWSSDK.Core (<Order>)' -Tag 'AWS.Tools' -Skip:(-not $awsToolsCommon) -ForEach @(
            @{ Order = 'AWS.Tools first' ; AwsFirst = $true }
            @{ Order = 'VpcSecTools first'; AwsFirst = $false }
        ) {
            $check = {
                param([string]$Manifest, [bool]$AwsFirst, [string]$Url)
                $ErrorActionPreference = 'Stop'
                if ($AwsFirst) { Import-Module AWS.Tools.Common }
                Import-Module $Manifest
                if (-not $AwsFirst) { Import-Module AWS.Tools.Common }
                [pscustomobject]@{
                    Regions     = @(Get-AWSRegion).Count
                    Vpcs        = (Get-VpcSnapshot -Region us-east-2 -AccessKey AKIDEXAMPLE -SecretKey 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' -EndpointUrl $Url).Vpcs.Count
                    SdkContexts = @([System.AppDomain]::CurrentDomain.GetAssemblies() |
                        Where-Object { $_.GetName().Name -eq 'AWSSDK.Core' } |
                        ForEach-Object { [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($_).Name })
                }
            }
            $result = Invoke-ChildPwsh -Command $check -args (Join-Path $module.ModuleBase 'VpcSecTools.psd1'), $AwsFirst, $Replay.Url
            $LASTEXITCODE | Should -Be 0
            $result.Regions | Should -BeGreaterThan 0
            $result.Vpcs | Should -Be 1
            $result.SdkContexts | Should -Contain 'VpcSecTools'
            @($result.SdkContexts).Count | Should -Be 2 -Because 'AWS.Tools and VpcSecTools each keep their own AWSSDK.Core'
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
