BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Export-VpcSnapshot' {
    Context 'from a folder of describe-* outputs' {
        It 'writes a snapshot file and a summary per region' {
            $out = Join-Path $TestDrive 'nat.json'
            $summary = Export-VpcSnapshot -Path (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway') -OutFile $out
            $summary | Should -BeOfType ([VpcSecTools.Snapshot.SnapshotSummary])
            $summary.Vpcs | Should -Be 1
            Test-Path $out | Should -BeTrue
        }

        It 'binds FullName from Get-ChildItem' {
            $summary = Get-Item (Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering') |
                Export-VpcSnapshot -OutFile (Join-Path $TestDrive 'peering.json')
            $summary.Vpcs | Should -Be 3
        }

        It 'reports a missing folder as SnapshotNotFound' {
            Export-VpcSnapshot -Path (Join-Path $TestDrive 'nope') -OutFile (Join-Path $TestDrive 'x.json') -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'SnapshotNotFound*'
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
