BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Find-OverlyOpenPort' {
    BeforeAll {
        $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway'
        $findings = Find-OverlyOpenPort -Snapshot $nat
    }

    It 'flags SSH from the internet with the exact rule and a reachable public instance' {
        $ssh = $findings | Where-Object { $_.CheckId -eq 'SG.SshFromInternet' -and $_.ResourceId -eq 'sg-0253af84ae6485905' }
        $ssh | Should -HaveCount 1
        $ssh.Rule | Should -Be 'IpPermissions[0].IpRanges[0]'
        $ssh.Source | Should -Be '0.0.0.0/0'
        $ssh.Severity | Should -Be 'Critical'
        $ssh.ExposureVerdict | Should -Be 'Reachable'
        @($ssh.Exposure.Exposed).NetworkInterfaceId | Should -Be 'eni-068fb5a0a9a57f23c'
    }

    It 'keeps the check severity for a group on no interface and calls it unused' {
        ($findings | Where-Object { $_.CheckId -eq 'SG.SshFromInternet' -and $_.ResourceId -eq 'sg-0b647281e3f8f7c18' }).ExposureVerdict | Should -Be 'NotAttached'
        $findings | Where-Object { $_.CheckId -eq 'SG.Unused' } | ForEach-Object ResourceId | Should -Be 'sg-0b647281e3f8f7c18'
    }

    It 'filters by severity, group and check' {
        Find-OverlyOpenPort -Snapshot $nat -MinimumSeverity High | ForEach-Object { [int]$_.Severity | Should -BeGreaterOrEqual 3 }
        Find-OverlyOpenPort -Snapshot $nat -GroupId sg-0010bf850022667c2 | ForEach-Object ResourceId | Sort-Object -Unique | Should -Be 'sg-0010bf850022667c2'
        Find-OverlyOpenPort -Snapshot $nat -CheckId NACL.AllTrafficFromInternet | Should -HaveCount 2
    }

    It 'takes GroupId from the pipeline by property name' {
        [pscustomobject]@{ GroupId = 'sg-0253af84ae6485905' } | Find-OverlyOpenPort -Snapshot $nat |
            ForEach-Object ResourceId | Sort-Object -Unique | Should -Be 'sg-0253af84ae6485905'
    }

    It 'suppresses accepted findings and returns them with -IncludeSuppressed' {
        $allow = Join-Path $TestDrive 'allow.json'
        '{ "AcceptedFindings": [ { "CheckId": "SG.Unused", "ResourceId": "*", "Reason": "kept for DR" } ] }' | Set-Content $allow
        Find-OverlyOpenPort -Snapshot $nat -AllowListPath $allow -CheckId SG.Unused | Should -BeNullOrEmpty
        $kept = Find-OverlyOpenPort -Snapshot $nat -AllowListPath $allow -CheckId SG.Unused -IncludeSuppressed
        $kept.Suppressed | Should -BeTrue
        $kept.SuppressedBy | Should -BeLike '*kept for DR*'
    }

    It 'reports a bad allow-list with a stable error id' {
        $bad = Join-Path $TestDrive 'bad.json'
        '{ "AllowedPorts": [70000] }' | Set-Content $bad
        { Find-OverlyOpenPort -Snapshot $nat -AllowListPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*'
    }
}
