BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Export-VpcSnapshot' {
    BeforeAll {
        $natGateway = Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway'
        $peering = Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering'
    }

    Context 'Writing a snapshot' {
        It 'writes the file and returns one summary per region with its counts' {
            $out = Join-Path $TestDrive 'nat.json'
            $summary = @(Export-VpcSnapshot -Path $natGateway -OutFile $out)

            $out | Should -Exist
            $summary | Should -HaveCount 1
            $summary[0].GetType().FullName | Should -Be 'VpcSecTools.Snapshot.SnapshotSummary'
            $summary[0].Region | Should -Be 'us-east-2'
            $summary[0].AccountId | Should -Be '554773406868'
            $summary[0].Vpcs | Should -Be 1
            $summary[0].Subnets | Should -Be 3
            $summary[0].SecurityGroups | Should -Be 3
            $summary[0].NetworkInterfaces | Should -Be 4
            $summary[0].Instances | Should -Be 3
            $summary[0].OutFile | Should -Be $out
        }

        It 'names the sections the source did not hold' {
            $summary = Export-VpcSnapshot -Path $natGateway -OutFile (Join-Path $TestDrive 'missing.json')
            $summary.MissingSections | Should -Contain 'TransitGateways'
            $summary.MissingSections | Should -Not -Contain 'SecurityGroups'
        }

        It 'writes a file that Import-VpcSnapshot reads back with the same resources' {
            $out = Join-Path $TestDrive 'peering.json'
            $null = Export-VpcSnapshot -Path $peering -OutFile $out
            $fromFile = Import-VpcSnapshot -Path $out
            $fromFolder = Import-VpcSnapshot -Path $peering

            @($fromFile.Vpcs.Keys | Sort-Object) | Should -Be @($fromFolder.Vpcs.Keys | Sort-Object)
            $fromFile.Vpcs.Count | Should -Be 3
            $fromFile.SecurityGroups.Count | Should -Be $fromFolder.SecurityGroups.Count
        }

        It 're-exports a snapshot file unchanged in content' {
            $first = Join-Path $TestDrive 'first.json'
            $second = Join-Path $TestDrive 'second.json'
            $a = Export-VpcSnapshot -Path $natGateway -OutFile $first
            $b = Export-VpcSnapshot -Path $first -OutFile $second
            $b.Vpcs | Should -Be $a.Vpcs
            $b.NetworkInterfaces | Should -Be $a.NetworkInterfaces
            $b.MissingSections | Should -Be $a.MissingSections
        }

        It 'resolves relative paths against the current location' {
            Push-Location -Path (Join-Path $FixtureRoot 'batfish-aws')
            try {
                $summary = Export-VpcSnapshot -Path 'test-nat-gateway' -OutFile (Join-Path $TestDrive 'relative.json')
            }
            finally {
                Pop-Location
            }
            $summary.Vpcs | Should -Be 1
        }

        It 'writes nothing and returns nothing with -WhatIf' {
            $out = Join-Path $TestDrive 'whatif.json'
            $result = Export-VpcSnapshot -Path $natGateway -OutFile $out -WhatIf
            $result | Should -BeNullOrEmpty
            $out | Should -Not -Exist
        }

        It 'writes only the summary objects on success, its file notes only as SnapshotLoader information' {
            $all = Export-VpcSnapshot -Path $natGateway -OutFile (Join-Path $TestDrive 'quiet.json') 3>&1 6>&1
            $other = $all | Where-Object { -not ($_ -is [System.Management.Automation.InformationRecord] -and $_.Tags -contains 'SnapshotLoader') }
            @($other | Where-Object { $_.GetType().FullName -ne 'VpcSecTools.Snapshot.SnapshotSummary' }) | Should -BeNullOrEmpty
        }
    }

    Context 'Pipeline input' {
        It 'takes folders from Get-Item by their FullName' {
            $summary = Get-Item -Path $natGateway | Export-VpcSnapshot -OutFile (Join-Path $TestDrive 'piped.json')
            $summary.Vpcs | Should -Be 1
        }

        It 'takes paths as strings by value' {
            $summary = $peering | Export-VpcSnapshot -OutFile (Join-Path $TestDrive 'string.json')
            $summary.Vpcs | Should -Be 3
        }
    }

    Context 'Errors' {
        It 'reports a missing source as SnapshotNotFound with the path as target' {
            $missing = Join-Path $TestDrive 'no-such-folder'
            $result = Export-VpcSnapshot -Path $missing -OutFile (Join-Path $TestDrive 'x.json') -ErrorVariable err -ErrorAction SilentlyContinue

            $result | Should -BeNullOrEmpty
            $err | Should -HaveCount 1
            $err[0].FullyQualifiedErrorId | Should -Be 'SnapshotNotFound,VpcSecTools.Commands.ExportVpcSnapshotCommand'
            Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId SnapshotNotFound -Category ObjectNotFound -Target $missing
        }

        It 'reports a file that is not a snapshot as SnapshotInvalid' {
            $bad = Join-Path $TestDrive 'bad.json'
            Set-Content -LiteralPath $bad -Value 'this is not JSON'
            $null = Export-VpcSnapshot -Path $bad -OutFile (Join-Path $TestDrive 'y.json') -ErrorVariable err -ErrorAction SilentlyContinue

            Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId SnapshotInvalid -Category InvalidData -Target $bad
        }

        It 'carries on with the next pipeline input after an error' {
            $inputs = (Join-Path $TestDrive 'absent'), $natGateway
            $results = $inputs | Export-VpcSnapshot -OutFile (Join-Path $TestDrive 'after-error.json') -ErrorVariable err -ErrorAction SilentlyContinue
            @($results) | Should -HaveCount 1
            $err | Should -HaveCount 1
        }
    }

    # Module.Tests.ps1 checks help and views of every cmdlet; these check what is particular to this one.
    Context 'Help and view' {
        It 'documents the aliases of -Path and the ShouldProcess switches' {
            $help = Get-Help -Name Export-VpcSnapshot -Full
            ($help.Parameters.Parameter | Where-Object Name -EQ 'Path').Aliases | Should -Match 'FullName'
            $help.Parameters.Parameter.Name | Should -Contain 'WhatIf'
        }

        It 'formats its summary as a table with the region first' {
            $text = Export-VpcSnapshot -Path $natGateway -OutFile (Join-Path $TestDrive 'view.json') | Out-String
            ($text -split '\r?\n' | Where-Object { $_.Trim() } | Select-Object -First 1) | Should -Match '^Region\s+AccountId\s+Vpcs'
        }
    }

    Context 'live' {
        BeforeAll {
            . $PSScriptRoot/Ec2Replay.ps1
            $script:Replay = Start-Ec2Replay -Scenario 'test-transit-gateway'
        }
        AfterAll { Stop-Ec2Replay $script:Replay }

        It 'writes the same snapshot as the describe outputs of the same account' {
            $live = Join-Path $TestDrive 'live.json'
            $summary = Export-VpcSnapshot @FakeAws -EndpointUrl $Replay.Url -OutFile $live
            $summary.Region | Should -Be 'us-east-2'
            $summary.MissingSections | Should -BeNullOrEmpty
            $a = Import-VpcSnapshot -Path $live
            $b = Import-VpcSnapshot -Path (Join-Path $FixtureRoot 'ec2-wire' 'test-transit-gateway' 'describe')
            @($a.Vpcs.Keys | Sort-Object) | Should -Be @($b.Vpcs.Keys | Sort-Object)
            @($a.TransitGatewayAttachments.Keys | Sort-Object) | Should -Be @($b.TransitGatewayAttachments.Keys | Sort-Object)
            @($a.SecurityGroups.Keys | Sort-Object) | Should -Be @($b.SecurityGroups.Keys | Sort-Object)
        }

        It 'writes nothing with -WhatIf' {
            $out = Join-Path $TestDrive 'whatif.json'
            Export-VpcSnapshot @FakeAws -EndpointUrl $Replay.Url -OutFile $out -WhatIf
            Test-Path $out | Should -BeFalse
        }
    }
}
