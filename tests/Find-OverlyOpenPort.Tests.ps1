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
        # The capture has no peering or RDS sections: the checks that need them say so in an Audit.ChecksNotRun of the account.
        Find-OverlyOpenPort -Snapshot $nat -GroupId sg-0010bf850022667c2 -WarningAction SilentlyContinue | Where-Object CheckId -NE 'Audit.ChecksNotRun' |
            ForEach-Object ResourceId | Sort-Object -Unique | Should -Be 'sg-0010bf850022667c2'
        Find-OverlyOpenPort -Snapshot $nat -CheckId NACL.AllTrafficFromInternet | Should -HaveCount 2
    }

    It 'takes GroupId from the pipeline by property name' {
        [pscustomobject]@{ GroupId = 'sg-0253af84ae6485905' } | Find-OverlyOpenPort -Snapshot $nat -WarningAction SilentlyContinue |
            Where-Object CheckId -NE 'Audit.ChecksNotRun' | ForEach-Object ResourceId | Sort-Object -Unique | Should -Be 'sg-0253af84ae6485905'
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

Describe 'Find-OverlyOpenPort never passes missing data as safe' {
    BeforeAll {
        $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway'
        # The NAT-gateway capture as a colleague might hand it over: one describe output lost, or a rule naming a prefix list
        # whose entries were never captured.
        function Copy-Capture([string] $Name, [string[]] $Without = @()) {
            $dir = Join-Path $TestDrive $Name
            New-Item -ItemType Directory -Path $dir | Out-Null
            Get-ChildItem $nat -File | Where-Object Name -NotIn $Without | Copy-Item -Destination $dir
            $dir
        }
    }

    It 'says which checks did not run when SecurityGroups is missing, at their worst severity' {
        $noGroups = Copy-Capture 'no-groups' -Without 'SecurityGroups.json'
        $findings = Find-OverlyOpenPort -Snapshot $noGroups -WarningVariable warned -WarningAction SilentlyContinue
        $gap = $findings | Where-Object CheckId -EQ 'Audit.ChecksNotRun'
        $gap | Should -HaveCount 1
        $gap.Confirmed | Should -BeFalse
        $gap.Severity | Should -Be 'Critical'
        $gap.MissingData | Should -BeLike '*SecurityGroups*'
        $gap.ChecksNotRun | Should -Contain 'SG.SshFromInternet'
        "$warned" | Should -BeLike '*SecurityGroups*'
        # A script asking only for SSH findings, or only for critical ones, still learns that it cannot be told.
        (Find-OverlyOpenPort -Snapshot $noGroups -CheckId SG.SshFromInternet -WarningAction SilentlyContinue).CheckId | Should -Be 'Audit.ChecksNotRun'
        (Find-OverlyOpenPort -Snapshot $noGroups -MinimumSeverity Critical -WarningAction SilentlyContinue).Confirmed | Should -Not -Contain $true
    }

    It 'rates an SSH rule from a prefix list without entries by its worst case, unconfirmed' {
        $withList = Copy-Capture 'prefix-list'
        $path = Join-Path $withList 'SecurityGroups.json'
        $groups = Get-Content $path -Raw | ConvertFrom-Json -Depth 30
        $launch = $groups.SecurityGroups | Where-Object GroupId -EQ 'sg-0253af84ae6485905'
        $launch.IpPermissions[0].IpRanges = @()
        $launch.IpPermissions[0] | Add-Member -Force -NotePropertyName PrefixListIds -NotePropertyValue @([pscustomobject]@{ PrefixListId = 'pl-0123456789abcdef0' })
        $groups | ConvertTo-Json -Depth 30 | Set-Content $path
        $findings = Find-OverlyOpenPort -Snapshot $withList -MinimumSeverity Low -WarningVariable warned -WarningAction SilentlyContinue
        $unknown = $findings | Where-Object CheckId -EQ 'SG.PrefixListEntriesUnknown'
        $unknown.Severity | Should -Be 'Critical'
        $unknown.Confirmed | Should -BeFalse
        $unknown.MissingData | Should -BeLike '*pl-0123456789abcdef0*'
        $ssh = $findings | Where-Object { $_.CheckId -eq 'SG.SshFromInternet' -and $_.ResourceId -eq 'sg-0253af84ae6485905' }
        $ssh | Should -Not -BeNullOrEmpty
        $ssh.Confirmed | Should -Not -Contain $true
        "$warned" | Should -BeLike '*unconfirmed*'
        # Security Hub reads WARNING as "cannot tell whether it passes or fails", not "no issue found".
        ($unknown | ConvertTo-SecurityHubFinding).Compliance.Status | Should -Be 'WARNING'
        ($unknown | ConvertTo-OcsfFinding).confidence_id | Should -Be 0
    }

    It 'rates an exposure it cannot decide as reachable, unconfirmed' {
        $ssh = Find-OverlyOpenPort -Snapshot (Join-Path $FixtureRoot 'batfish-aws/test-transit-gateway') -CheckId SG.SshFromInternet -WarningAction SilentlyContinue |
            Where-Object ResourceId -EQ 'sg-065c26b39e45ae384'
        $ssh.ExposureVerdict | Should -Be 'Unknown'
        $ssh.Severity | Should -Be 'Critical'
        $ssh.Confirmed | Should -BeFalse
        $ssh.MissingData | Should -BeLike '*InternetGateways*'
    }

    It 'finds nothing unconfirmed in a complete capture' {
        # The demo: every section, instance metadata options included (the Batfish captures lack them).
        Find-OverlyOpenPort -Snapshot $DemoSnapshot -WarningVariable warned | Where-Object { -not $_.Confirmed } | Should -BeNullOrEmpty
        $warned | Should -BeNullOrEmpty
    }
}

Describe 'Find-OverlyOpenPort on the practices of issue 21' {
    BeforeAll {
        $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        $practices = Find-OverlyOpenPort -Snapshot $DemoSnapshot -CheckId EC2.ImdsV1Allowed, EC2.ImdsHopLimitAboveOne, Route.Ipv4Ipv6Parity,
            RDS.SubnetGroupSingleAz, RDS.SubnetGroupPublicSubnet, RDS.SubnetGroupNaclBlocksClients, Design.PrivateLinkCandidate
    }

    It 'rates IMDSv1 on the internet-facing legacy host critical and gives the command that fixes it' {
        $v1 = $practices | Where-Object CheckId -EQ 'EC2.ImdsV1Allowed'
        $v1.ResourceId | Should -Be $expected.instance_metadata.imdsv1[0].instance
        $v1.Severity | Should -Be 'Critical'
        $v1.ExposureVerdict | Should -Be 'Reachable'
        $v1.Remediation | Should -BeLike "aws ec2 modify-instance-metadata-options --instance-id $($v1.ResourceId) --http-tokens required*"
        @($practices | Where-Object CheckId -EQ 'EC2.ImdsHopLimitAboveOne').Count | Should -Be @($expected.instance_metadata.hop_limit_above_one).Count
    }

    It 'finds the subnet public over IPv6, the migration DB subnet group and the PrivateLink candidates' {
        ($practices | Where-Object CheckId -EQ 'Route.Ipv4Ipv6Parity').ResourceId | Should -Be $expected.route_parity[0].subnet
        ($practices | Where-Object ResourceId -EQ 'prod-db-migration').CheckId | Sort-Object | Should -Be $expected.db_subnet_groups.'prod-db-migration'.findings
        ($practices | Where-Object CheckId -EQ 'Design.PrivateLinkCandidate' | ForEach-Object { "$($_.ResourceId)/$($_.Ports)" } | Sort-Object) |
            Should -Be ($expected.privatelink_candidates | ForEach-Object { "$($_.group)/$($_.port)" } | Sort-Object)
    }

    It 'exports an instance, a subnet and a DB subnet group to Security Hub with their own ARNs' {
        $asff = $practices | Where-Object CheckId -In 'EC2.ImdsV1Allowed', 'Route.Ipv4Ipv6Parity', 'RDS.SubnetGroupPublicSubnet' | ConvertTo-SecurityHubFinding
        $asff.Resources.Id | Should -Contain "arn:aws:ec2:us-east-1:111122223333:instance/$($expected.instance_metadata.imdsv1[0].instance)"
        $asff.Resources.Id | Should -Contain "arn:aws:ec2:us-east-1:111122223333:subnet/$($expected.route_parity[0].subnet)"
        $asff.Resources.Id | Should -Contain 'arn:aws:rds:us-east-1:111122223333:subgrp:prod-db-migration'
        ($asff.Resources | Where-Object Id -Like '*subgrp*').Type | Should -Be 'Other'
        ($practices | ConvertTo-OcsfFinding).class_uid | Sort-Object -Unique | Should -Be 2004
    }

    It 'says the RDS checks did not run on a capture without describe-db-subnet-groups' {
        $gap = Find-OverlyOpenPort -Snapshot (Join-Path $FixtureRoot 'batfish-aws/test-vpc-peering') -CheckId RDS.SubnetGroupPublicSubnet -WarningVariable warned -WarningAction SilentlyContinue
        $gap.CheckId | Should -Be 'Audit.ChecksNotRun'
        $gap.Remediation | Should -BeLike '*rds describe-db-subnet-groups*'
        "$warned" | Should -BeLike '*DBSubnetGroups*'
    }
}

Describe 'Find-OverlyOpenPort parameters' {
    BeforeAll { $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway' }

    It 'refuses a check id it does not know at binding, listing the ids' {
        $e = { Find-OverlyOpenPort -Snapshot $nat -CheckId SG.SshFromInternet, SG.NoSuchCheck } | Should -Throw -PassThru
        $e.FullyQualifiedErrorId | Should -BeLike 'ParameterArgumentValidationError,*'
        $e.Exception.Message | Should -Match "'SG.NoSuchCheck' is not a check id \(SG\.AllTrafficFromInternet"
    }

    It 'takes check ids in any case' {
        Find-OverlyOpenPort -Snapshot $nat -CheckId sg.sshfrominternet | ForEach-Object CheckId | Sort-Object -Unique | Should -Be 'SG.SshFromInternet'
    }
}
