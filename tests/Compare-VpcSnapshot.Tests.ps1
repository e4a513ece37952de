BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $drift = New-DemoDrift (Join-Path $TestDrive 'captures')
    $changes = Compare-VpcSnapshot -ReferenceSnapshot $drift.Yesterday -DifferenceSnapshot $drift.Today
    $ids = @{ Bastion = 'sg-011690c9979a48f0d'; BastionEni = 'eni-0b4d896b79c03f67e'; DbAcl = 'acl-001e1520cf164ff6c'; MainTable = 'rtb-01ffbf44e064bc2a5' }
}

Describe 'Compare-VpcSnapshot on the demo network yesterday and today' {
    It 'lists exactly the five changes, by resource, in AWS''s terms' {
        $configuration = $changes | Where-Object Kind -EQ Configuration
        $configuration.Summary | Sort-Object | Should -Be @(
            'inbound rule added: inbound tcp 22 from 0.0.0.0/0 (temporary)'
            'outbound entry removed: outbound 110 allow tcp 1024-65535 10.0.12.0/24'
            'public IP added: 3.91.22.140 on 10.0.12.52 (Elastic IP eipalloc-0a1b2c3d4e5f60718)'
            'route added: 10.100.0.0/16 -> pcx-0f5c75a7d52d137ac'
            'route removed: pl-63a5400a -> vpce-0c8eb4ddbd1c1a1bf'
            'RouteTableIds removed: rtb-0055c6a2d5de566a9'
        )
        $sg = $configuration | Where-Object ResourceId -EQ $ids.Bastion
        $sg.ResourceName | Should -Be 'prod-bastion-sg'
        @($sg.UsedBy) | Should -Be @($ids.BastionEni)
    }

    It 'names the component that opened or closed each path' {
        $reach = $changes | Where-Object Kind -EQ Reachability
        $reach | Should -HaveCount 6
        $internet = $reach | Where-Object { $_.Change -eq 'Opened' -and $_.SourceKind -eq 'Internet' }
        $internet.DestinationId | Should -Be $ids.BastionEni
        $internet.CausingComponent | Should -Be $ids.Bastion
        ($reach | Where-Object Change -EQ Closed).CausingComponent | Sort-Object -Unique | Should -Be $ids.DbAcl
        ($reach | Where-Object Source -EQ 'vpc-09d7bc1194c9e4030').CausingComponent | Should -Be $ids.MainTable
    }

    It 'exports each opened path as a finding of its own, beside the new findings' {
        $opened = $changes | Where-Object Change -EQ Opened
        $asff = $changes | Where-Object Change -In New, Opened | ConvertTo-SecurityHubFinding -AccountId 111122223333 -Region us-east-1
        $asff | Should -HaveCount (@($changes | Where-Object Change -EQ New).Count + @($opened).Count)
        $paths = $asff | Where-Object GeneratorId -EQ 'vpcsec/Drift.ReachabilityOpened'
        $paths | Should -HaveCount @($opened).Count
        ($paths | Where-Object { $_.Resources[0].Id -like "*$($ids.BastionEni)" -and $_.Severity.Label -eq 'HIGH' }) | Should -Not -BeNullOrEmpty
    }

    It 'reports the findings the opened rule brings as new, and their Finding binds to ConvertTo-SecurityHubFinding' {
        $new = $changes | Where-Object { $_.Kind -eq 'Finding' -and $_.Change -eq 'New' }
        $new.ResourceId | Sort-Object -Unique | Should -Be $ids.Bastion
        $new.CheckId | Should -Contain 'SG.SshFromInternet'
        $asff = $new | ConvertTo-SecurityHubFinding -AccountId 111122223333 -Region us-east-1
        $asff | Should -HaveCount $new.Count
        $asff[0].SchemaVersion | Should -Not -BeNullOrEmpty
        ($new | ConvertTo-OcsfFinding) | Should -HaveCount $new.Count
    }

    It 'shows one table of 120 columns at most, whatever the kind' {
        $lines = (Get-RenderedText -InputObject $changes -Width 120) -split '\r?\n'
        @($lines | Where-Object { $_ -match '^Kind +Change +Subject +Summary' }) | Should -HaveCount 1
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 120 }
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^Reachability +Opened +Internet -> ' })
    }

    It 'writes Markdown for a ticket: one string, new internet exposures first' {
        $md = Compare-VpcSnapshot $drift.Yesterday $drift.Today -Format Markdown
        $md | Should -BeOfType [string]
        @($md) | Should -HaveCount 1
        $md | Should -Match '(?m)^## Network drift: '
        $md | Should -Match "(?m)^\| \*\*Opened\*\* \| Internet \| $($ids.BastionEni)"
        $md | Should -Match '(?m)^### Configuration'
    }

    It 'converts to JSON with its lists and evidence as text' {
        $json = $changes | ConvertTo-Json -Depth 4 -EnumsAsStrings -WarningAction SilentlyContinue | ConvertFrom-Json
        $json | Should -HaveCount $changes.Count
        ($json | Where-Object { $_.Kind -eq 'Reachability' -and $_.SourceKind -eq 'Internet' }).Moved | Should -Not -BeNullOrEmpty
        ($json | Where-Object ResourceId -EQ $ids.Bastion | Where-Object Kind -EQ Configuration).UsedBy | Should -Be $ids.BastionEni
    }

    It 'exports to CSV with lists as their items' {
        $file = Join-Path $TestDrive 'drift.csv'
        $changes | Where-Object Kind -EQ Reachability | Export-Csv -LiteralPath $file
        $rows = Import-Csv -LiteralPath $file
        $rows | Should -HaveCount 6
        ($rows | Where-Object Source -EQ Internet).Moved | Should -Match '^0\.0\.0\.0/0'
        $rows.Moved | Should -Not -Match 'System\.'
    }
}

Describe 'Compare-VpcSnapshot -SnapshotFolder' {
    It 'compares the latest capture with yesterday''s' {
        $picked = Compare-VpcSnapshot -SnapshotFolder $drift.Folder -Since yesterday -Verbose 4>&1
        ($picked | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Select-Object -First 1).Message |
            Should -Be "Comparing $($drift.Yesterday) (captured $(([DateTimeOffset]::ParseExact((Split-Path -Leaf $drift.Yesterday).Split('.')[0], "yyyy-MM-dd'T'HHmmss'Z'", $null, 'AssumeUniversal')).ToString('u'))) with $($drift.Today) (captured $(([DateTimeOffset]::ParseExact((Split-Path -Leaf $drift.Today).Split('.')[0], "yyyy-MM-dd'T'HHmmss'Z'", $null, 'AssumeUniversal')).ToString('u')))"
        @($picked | Where-Object Kind -EQ Configuration) | Should -HaveCount 6
    }

    It 'says what a folder without two captures holds' {
        $one = Join-Path $TestDrive 'one'
        New-Item -ItemType Directory -Path $one | Out-Null
        Copy-Item $drift.Today $one
        { Compare-VpcSnapshot -SnapshotFolder $one -ErrorAction Stop } | Should -Throw -ErrorId 'FileNotFound*' -ExpectedMessage '*holds 1 capture(s)*'
    }

    It 'rejects a -Since that is not a time, naming it' {
        { Compare-VpcSnapshot -SnapshotFolder $drift.Folder -Since fortnight -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage "*'fortnight'*"
    }
}

Describe 'Compare-VpcSnapshot never calls missing data unchanged' {
    It 'returns a gap and a warning for a section the later capture lacks' {
        $result = Compare-VpcSnapshot $drift.Yesterday $drift.WithoutFlowLogs -WarningVariable warned -WarningAction SilentlyContinue
        $gap = $result | Where-Object { $_.Kind -eq 'Configuration' -and $_.Change -eq 'Unknown' }
        $gap.Section | Should -Be 'FlowLogs'
        $gap.MissingIn | Should -Be 'difference'
        $warned.Message | Should -Contain $gap.Summary
        $result | Where-Object { $_.Kind -eq 'Configuration' -and $_.Change -eq 'Removed' -and $_.ResourceId -like 'fl-*' } | Should -BeNullOrEmpty
    }

    It 'reports a missing snapshot with SnapshotNotFound naming the path' {
        $missing = Join-Path $TestDrive 'nope.snapshot.json'
        $err = { Compare-VpcSnapshot $drift.Yesterday $missing -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotNotFound*' -PassThru
        "$($err.TargetObject)" | Should -BeLike '*nope.snapshot.json'
    }

    It 'reports an unreadable snapshot with SnapshotInvalid' {
        $bad = Join-Path $TestDrive 'bad.snapshot.json'
        '{ "SnapshotVersion": 1, "Regions": 7 }' | Set-Content $bad
        { Compare-VpcSnapshot $bad $drift.Today -ErrorAction Stop } | Should -Throw -ErrorId 'SnapshotInvalid*'
    }

    It 'takes snapshot objects as well as paths' {
        $y = Import-VpcSnapshot $drift.Yesterday
        @(Compare-VpcSnapshot $y $y) | Should -HaveCount 0
    }
}
