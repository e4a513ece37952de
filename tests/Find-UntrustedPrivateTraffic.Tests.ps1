BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
}

Describe 'Find-UntrustedPrivateTraffic' {
    BeforeAll {
        $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
        $demo = Import-VpcSnapshot $DemoSnapshot
        $ids = $DemoExpected.ids
        $findings = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -WarningAction SilentlyContinue)
        $zones = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Summary -WarningAction SilentlyContinue)
        # A day of records in the demo's own format, with a source no ENI holds, written for the tests that need one.
        $header = 'version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags'
    }

    It 'names the monitoring host as own-account traffic across the peering into the database' {
        $monitoring = $zones.Sources | Where-Object SourceAddress -EQ '10.100.1.25'
        $monitoring.Zone | Should -Be 'OwnAccount'
        $monitoring.EnteredThrough | Should -Be $ids.pcx
        $monitoring.NetworkInterfaceIds | Should -Contain $ids.eni.'rds-primary'
        $monitoring.Attribution.VpcId | Should -Be $ids.vpc.shared
    }

    It 'flags the ACCEPTs the model forbids: the replica in db-c and app-3 behind the transit gateway' {
        @($findings.CheckId | Sort-Object -Unique) | Should -Be @('Trust.AcceptedButNotReachable')
        @($findings.ResourceId | Sort-Object -Unique) | Should -Be @($ids.eni.'app-3', $ids.eni.'rds-replica' | Sort-Object)
        ($findings | Where-Object ResourceId -EQ $ids.eni.'rds-replica').Rule | Should -Be $ids.'rtb-main'
    }

    It 'returns findings that are Finding objects with their traffic, shown in the traffic view' {
        $findings[0] | Should -BeOfType ([VpcSecTools.Exposure.Finding])
        $findings[0].PSObject.TypeNames[0] | Should -Be 'VpcSecTools.Exposure.Finding#Traffic'
        $findings[0].Traffic.Records | Should -BeGreaterThan 0
        $findings[0].Traffic.FirstSeen | Should -BeOfType ([DateTimeOffset])
        $text = $findings | Out-String -Width 120
        $text | Should -Match 'AcceptedButNotReachable\s+10\.100\.1\.25\s+prod-db-reporting'
    }

    It 'pipes into ConvertTo-SecurityHubFinding and ConvertTo-OcsfFinding' {
        $asff = @($findings | ConvertTo-SecurityHubFinding)
        $asff.Count | Should -Be $findings.Count
        $replica = $asff | Where-Object { $_.Resources[0].Id -like "*network-interface/$($ids.eni.'rds-replica')" }
        $replica.Types | Should -Be @('Unusual Behaviors/Network Flow')
        $replica.Network.SourceIpV4 | Should -Be '10.100.1.25'
        $replica.FirstObservedAt | Should -Match '^2026-11-21T'
        $ocsf = @($findings | ConvertTo-OcsfFinding)
        $ocsf[0].count | Should -Be $findings[0].Traffic.Records
    }

    It 'converts to JSON and exports to CSV with the traffic readable' {
        $json = $findings[0] | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $json.Traffic.SourceAddress | Should -Be $findings[0].Traffic.SourceAddress
        $json.Traffic.Records | Should -BeOfType ([long])
        $csv = Join-Path $TestDrive 'findings.csv'
        $findings | Export-Csv -LiteralPath $csv
        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be $findings.Count
        $rows[0].Traffic | Should -Match '^ACCEPT \d+ records \d+ bytes 2026-11-21T'
        $sources = Join-Path $TestDrive 'sources.csv'
        $zones.Sources | Export-Csv -LiteralPath $sources
        (Import-Csv -LiteralPath $sources | Where-Object SourceAddress -EQ '10.100.1.25').NetworkInterfaceIds | Should -Match $ids.eni.'rds-primary'
    }

    It 'finds the afternoon''s new talkers against the morning, from the same logs or a saved baseline' {
        $noon = [datetime]'2026-11-21T12:00:00Z'
        $fromWindow = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Since $noon -BaselineUntil $noon -WarningAction SilentlyContinue |
            Where-Object CheckId -EQ 'Trust.NewTalker')
        $file = Join-Path $TestDrive 'morning.json'
        $null = Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Until $noon -SaveBaseline $file -WarningAction SilentlyContinue
        $fromFile = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Since $noon -BaselineFile $file -WarningAction SilentlyContinue |
            Where-Object CheckId -EQ 'Trust.NewTalker')
        $fromWindow.Count | Should -BeGreaterThan 0
        @($fromFile | ForEach-Object { "$($_.Traffic.SourceAddress)>$($_.ResourceId)" }) | Should -Be @($fromWindow | ForEach-Object { "$($_.Traffic.SourceAddress)>$($_.ResourceId)" })
        # Every new pair was absent from the morning's conversations.
        $morning = (Get-Content -Raw $file | ConvertFrom-Json).Talkers | ForEach-Object { "$($_.SourceAddress)>$($_.NetworkInterfaceId)" }
        foreach ($f in $fromWindow) { $morning | Should -Not -Contain "$($f.Traffic.SourceAddress)>$($f.ResourceId)" }
    }

    It 'names a source no ENI holds inside the VPC, and the interface gone from the snapshot that sent from it' {
        $app1 = $ids.eni.'app-1'
        $logs = Join-Path $TestDrive 'unowned.log'
        Set-Content -LiteralPath $logs -Value $header,
            "5 111122223333 $app1 10.0.10.99 10.0.10.37 40000 22 6 3 180 1795219200 1795219260 ACCEPT OK 2",
            '5 111122223333 eni-0aaaaaaaaaaaaaaaa 10.0.10.99 10.0.10.37 40000 22 6 3 180 1795219200 1795219260 ACCEPT OK 2'
        $f = Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -WarningVariable warnings -WarningAction SilentlyContinue
        $f.CheckId | Should -Be 'Trust.UnownedSourceInVpc'
        $f.ResourceId | Should -Be $ids.vpc.prod
        $f.Severity | Should -Be 'High'
        $f.Detail | Should -Match 'eni-0aaaaaaaaaaaaaaaa, an interface the snapshot does not hold'
        "$warnings" | Should -Match '1 record\(s\) of 1 network interface\(s\) the snapshot does not hold'
    }

    It 'reads files piped from Get-ChildItem, and an empty pipeline finds nothing' {
        @(Get-ChildItem -LiteralPath $flowLogs -Recurse -File | Find-UntrustedPrivateTraffic -Snapshot $demo -WarningAction SilentlyContinue).Count |
            Should -Be $findings.Count
        @(@() | Find-UntrustedPrivateTraffic -Snapshot $demo) | Should -BeNullOrEmpty
    }

    It 'reports a VPC the snapshot does not hold as VpcNotFound and finds nothing' {
        $out = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -VpcId vpc-0000000000000dead -ErrorVariable errs -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        Assert-ClassifiedError -ErrorRecord $errs[0] -ErrorId VpcNotFound -Category ObjectNotFound -Target 'vpc-0000000000000dead'
    }

    It 'reports a baseline file it cannot read as TrustBaselineInvalid naming the file' {
        $bad = Join-Path $TestDrive 'bad-baseline.json'
        Set-Content -LiteralPath $bad -Value '{ "Talkers": [ { "SourceAddress": "10.0.1" , "NetworkInterfaceId": "eni-1" } ] }'
        $e = { Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -BaselineFile $bad -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $e -ErrorId TrustBaselineInvalid -Category InvalidData -Target $bad
        $e.Exception.Message | Should -Match 'Talkers\[0\]\.SourceAddress'
    }

    It 'reports a path that matches nothing as FlowLogPathNotFound and still reads the rest' {
        $out = @(Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs, (Join-Path $TestDrive 'none-*.log.gz') -ErrorVariable errs -ErrorAction SilentlyContinue -WarningAction SilentlyContinue)
        $out.Count | Should -Be $findings.Count
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'FlowLogPathNotFound,*'
    }

    It 'completes -<Parameter> with <Expected>' -ForEach @(
        @{ Parameter = 'VpcId'; Word = 'vpc-'; Expected = 'vpc-04be895ea4d91bcbf' }
        @{ Parameter = 'FlowLogId'; Word = 'fl-'; Expected = 'fl-060305267e80e0e4c' }
        @{ Parameter = 'MinimumSeverity'; Word = 'Hi'; Expected = 'High' }
    ) {
        Get-CompletionText "Find-UntrustedPrivateTraffic -Snapshot ./samples/demo -$Parameter $Word" | Should -Contain $Expected
    }
}
