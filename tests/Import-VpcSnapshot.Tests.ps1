BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Import-VpcSnapshot' {
    BeforeAll {
        $natGateway = Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway'
        $peering = Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering'
        $transit = Join-Path $FixtureRoot 'batfish-aws' 'test-transit-gateway'
    }

    Context 'Loading' {
        It 'indexes a folder of describe-* outputs' {
            $snap = Import-VpcSnapshot -Path $natGateway

            $snap.GetType().FullName | Should -Be 'VpcSecTools.Snapshot.SnapshotIndex'
            @($snap.Vpcs.Keys) | Should -Be @('vpc-0008a7b45e3ddf1dd')
            $snap.Subnets.Count | Should -Be 3
            $snap.Instances.Keys | Should -Contain 'i-0b31b509174d7f5de'
            @($snap.SubnetsOf('vpc-0008a7b45e3ddf1dd')).Count | Should -Be 3
            $snap.Snapshot.Regions[0].Region | Should -Be 'us-east-2'
        }

        It 'reads every VPC of a multi-VPC capture' {
            $snap = Import-VpcSnapshot $peering
            $snap.Vpcs.Count | Should -Be 3
            $snap.SecurityGroups.Count | Should -Be 6
        }

        It 'reads a snapshot file written by Export-VpcSnapshot' {
            $file = Join-Path $TestDrive 'transit.json'
            $null = Export-VpcSnapshot -Path $transit -OutFile $file
            $snap = Import-VpcSnapshot -Path $file
            $snap.Vpcs.Count | Should -Be 2
            $snap.TransitGateways.Count | Should -BeGreaterThan 0
        }

        It 'reads the demo network' {
            if (-not (Test-Path -LiteralPath $DemoSnapshot)) {
                Set-ItResult -Skipped -Because "samples/demo is not in this checkout"
                return
            }
            $snap = Import-VpcSnapshot -Path $DemoSnapshot
            $snap.Vpcs.Count | Should -BeGreaterThan 0
            $snap.Snapshot.Regions.Region | Should -Contain 'us-east-1'
        }

        It 'returns only the index on success, its file notes only as SnapshotLoader information' {
            $all = Import-VpcSnapshot -Path $natGateway 3>&1 6>&1
            @($all | Where-Object { -not ($_ -is [System.Management.Automation.InformationRecord] -and $_.Tags -contains 'SnapshotLoader') }) | Should -HaveCount 1
        }

        It 'says what it read with -Verbose' {
            $verbose = Import-VpcSnapshot -Path $natGateway -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            ($verbose.Message -join "`n") | Should -Match ([regex]::Escape('test-nat-gateway'))
        }
    }

    Context 'Wildcards' {
        It 'imports every file a wildcard matches' {
            $folder = Join-Path $TestDrive 'wild'
            $null = New-Item -ItemType Directory -Path $folder
            $null = Export-VpcSnapshot -Path $natGateway -OutFile (Join-Path $folder 'nat.json')
            $null = Export-VpcSnapshot -Path $peering -OutFile (Join-Path $folder 'peering.json')
            $snaps = Import-VpcSnapshot (Join-Path $folder '*.json')
            @($snaps) | Should -HaveCount 2
            ($snaps | ForEach-Object { $_.Vpcs.Count } | Measure-Object -Sum).Sum | Should -Be 4
        }

        It 'reports a wildcard that matches nothing as SnapshotNotFound naming the pattern' {
            $pattern = Join-Path $TestDrive 'none-*.json'
            $null = Import-VpcSnapshot $pattern -ErrorVariable err -ErrorAction SilentlyContinue
            Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId SnapshotNotFound -Category ObjectNotFound -Target $pattern
        }
    }

    Context 'Pipeline input and reuse' {
        It 'imports every folder piped from Get-ChildItem' {
            $snaps = Get-ChildItem -Path (Join-Path $FixtureRoot 'batfish-aws') -Directory -Filter 'test-*' | Import-VpcSnapshot
            @($snaps) | Should -HaveCount 3
            ($snaps | ForEach-Object { $_.Vpcs.Count } | Measure-Object -Sum).Sum | Should -Be 6
        }

        It 'keeps the last import for tab completion in $VpcSecToolsSnapshot' {
            $null = Import-VpcSnapshot -Path $peering
            $snap = Import-VpcSnapshot -Path $natGateway
            $global:VpcSecToolsSnapshot | Should -Be $snap
        }

        It 'can be passed to -Snapshot of every cmdlet that takes one' {
            $commands = Get-Command -Module VpcSecTools | Where-Object { $_.Parameters.ContainsKey('Snapshot') }
            foreach ($command in $commands) {
                $command.Parameters['Snapshot'].ParameterType.Name | Should -Be 'SnapshotSource' -Because "$($command.Name) -Snapshot takes a path or an imported snapshot"
            }
        }
    }

    Context 'Errors' {
        It 'reports a missing path as SnapshotNotFound and carries on with the next input' {
            $missing = Join-Path $TestDrive 'absent.json'
            $snaps = $missing, $natGateway | Import-VpcSnapshot -ErrorVariable err -ErrorAction SilentlyContinue

            @($snaps) | Should -HaveCount 1
            $err | Should -HaveCount 1
            Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId SnapshotNotFound -Category ObjectNotFound -Target $missing
        }

        It 'reports a folder without describe outputs as SnapshotInvalid, naming it' {
            $empty = Join-Path $TestDrive 'empty'
            $null = New-Item -ItemType Directory -Path $empty
            $null = Import-VpcSnapshot -Path $empty -ErrorVariable err -ErrorAction SilentlyContinue
            Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId SnapshotInvalid -Category InvalidData -Target $empty
            $err[0].Exception.Message | Should -Match 'no AWS describe output'
        }

        It 'stops a script on error with -ErrorAction Stop' {
            { Import-VpcSnapshot -Path (Join-Path $TestDrive 'nothing') -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotNotFound,VpcSecTools.Commands.ImportVpcSnapshotCommand'
        }
    }

    # Module.Tests.ps1 checks help and views of every cmdlet; this checks what the index view shows.
    Context 'View' {
        It 'formats the index as a one-line table of counts' {
            $text = Import-VpcSnapshot -Path $peering | Out-String
            $text | Should -Match 'Regions\s+Vpcs\s+Subnets'
            $text | Should -Match 'us-east-2\s+3\s+3'
        }
    }
}
