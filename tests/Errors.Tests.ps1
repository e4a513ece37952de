# Errors as scripts meet them: each failure's own ErrorId and category, its offending value as TargetObject, and
# -ErrorAction Stop ending with that error rather than a wrapper; -Verbose short enough to read.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    . $PSScriptRoot/Ec2Replay.ps1
    $demo = Import-VpcSnapshot $DemoSnapshot
    $nat = Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway'
}

Describe 'A live capture''s denied section under -ErrorAction Stop' {
    BeforeAll { $script:Denied = Start-Ec2Replay -Scenario 'test-nat-gateway' -Deny 'DescribeFlowLogs' }
    AfterAll { Stop-Ec2Replay $script:Denied }

    It '<Name> stops with AwsAccessDenied naming the IAM action, not UnexpectedError' -ForEach @(
        @{ Name = 'Find-OverlyOpenPort'; Run = { Find-OverlyOpenPort @FakeAws -EndpointUrl $Denied.Url -ErrorAction Stop } }
        @{ Name = 'Get-VpcPrivateIpMap'; Run = { Get-VpcPrivateIpMap @FakeAws -EndpointUrl $Denied.Url -ErrorAction Stop } }
        @{ Name = 'Get-VpcFlowLogCoverage'; Run = { Get-VpcFlowLogCoverage @FakeAws -EndpointUrl $Denied.Url -ErrorAction Stop } }
    ) {
        $e = { & $Run } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId AwsAccessDenied -Category PermissionDenied -Target 'ec2:DescribeFlowLogs'
    }

    It 'writes the denied section as an error and still answers without -ErrorAction Stop' {
        $coverage = Get-VpcFlowLogCoverage @FakeAws -EndpointUrl $Denied.Url -VpcOnly -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $errs.FullyQualifiedErrorId | Should -BeLike 'AwsAccessDenied*'
        $coverage.Status | Should -Be 'Unknown'
    }
}

Describe 'Target objects name the offending value' {
    It 'a missing snapshot names the snapshot path, not the allow-list' {
        $missing = Join-Path $TestDrive 'absent'
        $allow = Join-Path $TestDrive 'allow.json'
        '{}' | Set-Content $allow
        $e = { Find-OverlyOpenPort -Snapshot $missing -AllowListPath $allow } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId SnapshotNotFound -Category ObjectNotFound -Target $missing
    }

    It 'a bad allow-list names the allow-list' {
        $bad = Join-Path $TestDrive 'bad.json'
        '{ "AllowedPorts": [70000] }' | Set-Content $bad
        $e = { Find-OverlyOpenPort -Snapshot $nat -AllowListPath $bad } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId InvalidArgument -Category InvalidArgument -Target $bad
    }

    It 'a bad protocol names the protocol' {
        $e = { Test-InstanceReachability -Snapshot $demo -Source 10.0.10.37 -Destination 10.0.20.77 -Protocol tpc } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId InvalidArgument -Category InvalidArgument -Target 'tpc'
    }

    It 'an unknown destination names the destination, and the other destinations are answered' {
        $r = Test-InstanceReachability -Snapshot $demo -Source 10.0.10.37 -Destination i-0000000000000dead, 10.0.20.77 -Port 5432 -ErrorVariable errs -ErrorAction SilentlyContinue
        $r.Destination | Should -Be '10.0.20.77'
        Assert-ClassifiedError -ErrorRecord $errs[0] -ErrorId ReachabilityEndpointNotFound -Category ObjectNotFound -Target 'i-0000000000000dead'
    }

    It 'an unknown -FromVpcId stops with VpcNotFound naming the VPC, once' {
        $e = { '10.0.10.37', '10.0.11.84' | Get-VpcPrivateIpMap -Snapshot $demo -FromVpcId vpc-0000000000000dead } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId VpcNotFound -Category ObjectNotFound -Target 'vpc-0000000000000dead'
    }

    It 'a missing ip-ranges file names the file' {
        $missing = Join-Path $TestDrive 'ip-ranges.json'
        $e = { Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 52.216.0.1 -IpRangesPath $missing } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'FileNotFound,*'
        $e.TargetObject | Should -Be $missing
    }

    It 'a snapshot that cannot be read names the path given to -Snapshot' {
        $bad = Join-Path $TestDrive 'bad.json'
        'not JSON' | Set-Content $bad
        $e = { Get-VpcFlowLogCoverage -Snapshot $bad } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId SnapshotInvalid -Category InvalidData -Target $bad
    }

    It 'a snapshot file that cannot be written is a write failure naming the file' {
        $folder = Join-Path $TestDrive 'taken.json'
        $null = New-Item -ItemType Directory -Path $folder
        $e = { Export-VpcSnapshot -Path $nat -OutFile $folder -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId FileWriteFailed -Category WriteError -Target $folder
    }
}

Describe '-Verbose and -Debug' {
    It 'one reachability question writes a few useful verbose lines; the loader''s file notes are information records' {
        $verbose = Test-InstanceReachability -Snapshot $DemoSnapshot -Source 10.0.0.12 -Destination 10.0.20.77 -Port 5432 -Verbose 4>&1 |
            Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $text = $verbose.Message -join "`n"
        $text | Should -Match 'Read snapshot .*demo: us-east-1, 2 VPC\(s\)'
        $text | Should -Not -Match 'ignored members'
        $text.Length | Should -BeLessThan 600
        $null = Test-InstanceReachability -Snapshot $DemoSnapshot -Source 10.0.0.12 -Destination 10.0.20.77 -Port 5432 -InformationVariable notes
        ($notes | Where-Object Tags -Contains SnapshotLoader).MessageData | Should -Match 'ignored members the model does not use'
    }

    It 'writes no debug records, so -Debug (which asks before each one a compiled cmdlet writes) never prompts' {
        $replay = Start-Ec2Replay -Scenario 'test-nat-gateway'
        try {
            $all = & {
                $DebugPreference = 'Continue'
                Import-VpcSnapshot $DemoSnapshot
                Test-InstanceReachability -Snapshot $DemoSnapshot -Source 10.0.0.12 -Destination 10.0.20.77 -Port 5432
                Get-VpcSnapshot @FakeAws -EndpointUrl $replay.Url
            } 5>&1
        }
        finally { Stop-Ec2Replay $replay }
        @($all | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }) | Should -BeNullOrEmpty
        @($all | Where-Object { $_.GetType().Name -eq 'SnapshotIndex' }) | Should -HaveCount 2
    }

    It 'says which sections a snapshot lacks when it reads it' {
        $verbose = Import-VpcSnapshot $nat -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'missing us-east-2: .*TransitGateways'
    }
}
