BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Get-VpcFlowLogCoverage' {
    It 'is Unknown for every resource when the snapshot lacks describe-flow-logs' {
        $rows = Get-VpcFlowLogCoverage -Snapshot (Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway')
        $rows | Should -Not -BeNullOrEmpty
        $rows.Status | Select-Object -Unique | Should -Be 'Unknown'
        $rows.ResourceType | Select-Object -Unique | Should -Contain 'VPC'
    }

    It 'lists one row per VPC with -VpcOnly' {
        $rows = Get-VpcFlowLogCoverage -Snapshot (Join-Path $FixtureRoot 'batfish-aws/test-vpc-peering') -VpcOnly
        $rows.ResourceType | Select-Object -Unique | Should -Be 'VPC'
    }

    It 'reports VPCs without flow logs as findings on the demo' {
        $rows = Get-VpcFlowLogCoverage -Snapshot $DemoSnapshot
        $rows | Should -Not -BeNullOrEmpty
        foreach ($vpc in $rows | Where-Object { $_.ResourceType -eq 'VPC' -and $_.Status -eq 'NotCovered' }) {
            $vpc.Finding | Should -Match 'no active flow log'
        }
    }

    It 'takes VPC ids from the pipeline' {
        $vpc = Get-VpcFlowLogCoverage -Snapshot $DemoSnapshot -VpcOnly | Select-Object -First 1
        $rows = [pscustomobject]@{ VpcId = $vpc.ResourceId } | Get-VpcFlowLogCoverage -Snapshot $DemoSnapshot
        $rows.VpcId | Select-Object -Unique | Should -Be $vpc.ResourceId
    }
}

Describe 'Get-VpcFlowLogCoverage -FindingsOnly keeps what it cannot know' {
    BeforeAll {
        $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway'
    }

    It 'returns the Unknown rows as findings and warns' {
        $all = Get-VpcFlowLogCoverage -Snapshot $nat -WarningAction SilentlyContinue
        $findings = Get-VpcFlowLogCoverage -Snapshot $nat -FindingsOnly -WarningVariable warned -WarningAction SilentlyContinue
        $findings | Should -HaveCount $all.Count
        $findings.Finding | Should -Not -Contain $null
        "$warned" | Should -BeLike '*describe-flow-logs*'
    }

    It 'says which resources a region without describe-subnets could not list' {
        $dir = Join-Path $TestDrive 'no-subnets'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Get-ChildItem $nat -File | Where-Object Name -NE 'Subnets.json' | Copy-Item -Destination $dir
        $region = Get-VpcFlowLogCoverage -Snapshot $dir -VpcOnly -WarningAction SilentlyContinue | Where-Object ResourceType -EQ 'Region'
        $region.Status | Should -Be 'Unknown'
        $region.Finding | Should -BeLike '*Subnets*'
    }
}
