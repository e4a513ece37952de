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
