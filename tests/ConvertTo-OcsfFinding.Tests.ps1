BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'ConvertTo-OcsfFinding' {
    BeforeAll {
        $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway'
        $ocsf = Find-OverlyOpenPort -Snapshot $nat | ConvertTo-OcsfFinding
    }

    It 'gives Detection Findings (class 2004) with the required fields' {
        $ocsf | Should -Not -BeNullOrEmpty
        foreach ($e in $ocsf) {
            $e.class_uid | Should -Be 2004
            $e.category_uid | Should -Be 2
            $e.type_uid | Should -Be (2004 * 100 + $e.activity_id)
            $e.severity_id | Should -BeIn 1, 2, 3, 4, 5
            $e.time | Should -BeGreaterThan 0
            $e.metadata.version | Should -Not -BeNullOrEmpty
            $e.metadata.product.name | Should -Be 'VpcSecTools'
            $e.finding_info.uid | Should -Not -BeNullOrEmpty
            $e.cloud.provider | Should -Be 'AWS'
        }
    }

    It 'names the check as the analytic' {
        ($ocsf | Where-Object { $_.finding_info.analytic.uid -eq 'SG.SshFromInternet' }) | Should -Not -BeNullOrEmpty
    }
}
