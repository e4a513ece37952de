BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Invoke-FlowLogQuery' {
    BeforeAll {
        $FlowLogs = Join-Path $FixtureRoot 'flowlogs'
        $V2 = Join-Path $FlowLogs 'flowlogs-reader_v2_records.log'
    }

    It 'returns typed records from a default-format file' {
        $records = Invoke-FlowLogQuery -Path $V2
        $records | Should -HaveCount 5
        $records[0].SourceAddress | Should -Be '198.51.100.1'
        $records[0].DestinationPort | Should -Be 49152
        $records[0].Start | Should -BeOfType [DateTimeOffset]
        ($records | Where-Object LogStatus -eq 'NODATA').SourceAddress | Should -BeNullOrEmpty
    }

    It 'filters on action, port and address' {
        $r = Invoke-FlowLogQuery -Path $V2 -Action REJECT -SourcePort 49152 -Address 198.51.100.0/24
        $r | Should -HaveCount 1
        $r.InterfaceId | Should -Be 'eni-102010cd'
    }

    It 'aggregates with -GroupBy and exposes the group fields as properties' {
        $groups = Invoke-FlowLogQuery -Path $V2 -LogStatus OK -GroupBy SourceAddress, DestinationPort -Top 1
        $groups | Should -HaveCount 1
        $groups.SourceAddress | Should -Be '192.0.2.1'
        $groups.DestinationPort | Should -Be 443
        $groups.DestinationPort | Should -BeOfType [int]
        $groups.Count | Should -Be 2
        $groups.Bytes | Should -Be 3360
    }

    It 'keeps the totals beside a -GroupBy bytes or packets key (RecordBytes, RecordPackets)' {
        $group = Invoke-FlowLogQuery -Path $V2 -GroupBy bytes, packets -Top 1
        $group.RecordBytes | Should -Be 1680
        $group.RecordPackets | Should -Be 20
        $group.Count | Should -Be 2
        $group.Bytes | Should -Be 3360
        $group.Packets | Should -Be 40
    }

    It 'reads header files, folders and reports malformed lines as warnings' {
        $records = Invoke-FlowLogQuery -Path (Join-Path $FlowLogs 'flowlogs-reader_v5.log') -WarningVariable warnings -WarningAction SilentlyContinue
        $records | Should -HaveCount 2
        $records[1].FlowDirection | Should -Be 'egress'
        ($warnings -join "`n") | Should -Match 'flowlogs-reader_v5.log:4'
    }

    It 'reads a CloudWatch Logs payload with an explicit -Format' {
        $records = Invoke-FlowLogQuery -Path (Join-Path $FlowLogs 'otel-contrib_valid_vpc_flow_cw_custom.json') -Format '${version} ${interface-id} ${srcaddr} ${dstaddr}'
        $records | Should -HaveCount 2
        $records[0].InterfaceId | Should -Be 'eni-1235b8ca123456789'
    }

    It 'counts with -Count and reports what it read' {
        $result = Invoke-FlowLogQuery -Path $FlowLogs -Count -Action ACCEPT -ErrorAction SilentlyContinue
        $result.Report.Files | Should -Be 7
        $result.Matched | Should -BeGreaterThan 0
    }

    It 'says which file is missing with a stable error id' {
        { Invoke-FlowLogQuery -Path (Join-Path $FlowLogs 'missing.log') -ErrorAction Stop } |
            Should -Throw -ErrorId 'FlowLogPathNotFound*'
    }

    It 'refuses an s3:// path that does not name a bucket, naming it' {
        { Invoke-FlowLogQuery -Path 's3://Not_A_Bucket/logs/' -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*Not_A_Bucket*'
    }

    It 'checks the AWS parameters before reading an s3:// path' {
        { Invoke-FlowLogQuery -Path 's3://demo-flow-logs/' -AccessKey AKIDEXAMPLE -SecretKey secret -Region us-east-1 -EndpointUrl 'not a url' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AwsConfigurationInvalid*'
    }

    It 'prints the Logs Insights query with -ShowQuery without calling AWS' {
        $text = Invoke-FlowLogQuery -Engine LogsInsights -ShowQuery -Action REJECT -GroupBy srcaddr -Top 10 -By Count
        $text | Should -BeOfType [string]
        $text | Should -Match 'stats count\(\*\)'
        $text | Should -Match 'REJECT'
    }

    It 'prints the Athena DDL and SQL with -ShowQuery, as vpcsec does' {
        $text = Invoke-FlowLogQuery -Engine Athena -ShowQuery -DestinationPort 22 -GroupBy srcaddr -AthenaTable flowlogs.vpc_flow_logs -AthenaLocation 's3://flow-logs-123456789010/' -AthenaAccount 123456789010 -Hive -Region us-east-1
        $text | Should -Match '^CREATE EXTERNAL TABLE IF NOT EXISTS `flowlogs`.`vpc_flow_logs`'
        $text | Should -Match 'WHERE dstport = 22'
    }

    It 'checks the AWS parameters before reading a log group with the local engine' {
        { Invoke-FlowLogQuery -LogGroupName /vpc/flow-logs -AccessKey AKIDEXAMPLE -SecretKey secret -Region us-east-1 -EndpointUrl 'not a url' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AwsConfigurationInvalid*'
    }

    It 'names the missing Athena location' {
        { Invoke-FlowLogQuery -Engine Athena -ShowQuery -AthenaAccount 123456789010 -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*-AthenaLocation*'
    }

    It 'reports a truncated gzip as an error after its good records' {
        $dir = Join-Path ([IO.Path]::GetTempPath()) ([guid]::NewGuid())
        New-Item -ItemType Directory $dir | Out-Null
        try {
            $lines = 1..20000 | ForEach-Object { "2 123456789010 eni-1 10.0.0.$($_ % 200 + 1) 10.0.1.1 $(1024 + $_) 443 6 1 100 1700000000 1700000060 ACCEPT OK" }
            $file = [IO.File]::Create((Join-Path $dir 'full.gz'))
            $gz = [IO.Compression.GZipStream]::new($file, [IO.Compression.CompressionLevel]::Fastest)
            $bytes = [Text.Encoding]::UTF8.GetBytes(($lines -join "`n") + "`n")
            $gz.Write($bytes, 0, $bytes.Length); $gz.Dispose(); $file.Dispose()
            $all = [IO.File]::ReadAllBytes((Join-Path $dir 'full.gz'))
            [IO.File]::WriteAllBytes((Join-Path $dir 'cut.gz'), $all[0..([int]($all.Length / 2))])
            $result = Invoke-FlowLogQuery -Path (Join-Path $dir 'cut.gz') -Count -ErrorVariable errs -ErrorAction SilentlyContinue
            $result.Matched | Should -BeGreaterThan 0
            $errs[0].FullyQualifiedErrorId | Should -Match 'FlowLogFileUnreadable'
        }
        finally { Remove-Item -Recurse -Force $dir }
    }

    Context 'with the demo network' {
        BeforeAll {
            $demoLogs = Join-Path $DemoSnapshot 'flowlogs'
            $demo = Import-VpcSnapshot -Path $DemoSnapshot
            $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        }

        It 'names who talked to the database with -Attribute, seen from the VPC -VpcId names' {
            $groups = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -Attribute -VpcId vpc-04be895ea4d91bcbf -DestinationAddress 10.0.20.77 -DestinationPort 5432 -GroupBy srcaddr -By Count -WarningVariable warnings
            $app1 = $groups | Where-Object SourceAddress -eq '10.0.10.37'
            $app1.SourceAddressOwner.Scope | Should -Be 'ThisVpc'
            $app1.SourceAddressOwner.Owner.OwnerResourceId | Should -Be 'i-0dddb415bc394ed41'
            "$($app1.SourceAddressOwner)" | Should -BeLike 'prod-app-1 (Instance*'
            $app1.PSObject.TypeNames[0] | Should -Be 'VpcSecTools.FlowLogs.FlowGroup#Attributed'
            ($groups | Where-Object SourceAddress -eq '10.100.1.25').SourceAddressOwner.Scope | Should -Be 'PeeredVpc'
            $warnings | Should -BeNullOrEmpty
        }

        It 'says from where it names the addresses of groups that do not say which VPC saw them' {
            $groups = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -Attribute -DestinationAddress 10.0.20.77 -DestinationPort 5432 -GroupBy srcaddr -WarningVariable warnings -WarningAction SilentlyContinue
            "$warnings" | Should -Match 'the groups do not say which VPC saw them'
            $monitoring = ($groups | Where-Object SourceAddress -eq '10.100.1.25').SourceAddressOwner
            $monitoring.FromVpcId | Should -Be 'vpc-09d7bc1194c9e4030'
        }

        It 'adds SourceOwner and DestinationOwner to records' {
            $records = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -Attribute -Action REJECT -SourceAddress 192.0.2.0/24 -First 3
            $records | Should -HaveCount 3
            $records | ForEach-Object {
                "$($_.SourceOwner)" | Should -Be 'internet'
                $_.DestinationOwner.Owner.NetworkInterfaceId | Should -Be $_.InterfaceId
            }
        }

        It 'sums the bytes through the NAT gateways by service, each flow once' {
            $totals = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -ThroughNatGateway
            $totals[0].PSObject.TypeNames[0] | Should -Be 'VpcSecTools.Endpoints.NatTrafficTotal'
            ($totals | Where-Object { $_.Service -eq 'S3' -and $_.Region -eq 'us-east-1' } | Measure-Object Bytes -Sum).Sum | Should -Be $expected.nat_bytes_by_service.S3.bytes
            ($totals | Where-Object Service -eq 'DYNAMODB' | Measure-Object Bytes -Sum).Sum | Should -Be $expected.nat_bytes_by_service.DYNAMODB.bytes
            ($totals | Where-Object Service -eq 'INTERNET' | Measure-Object Bytes -Sum).Sum | Should -Be $expected.nat_bytes_by_service.INTERNET.bytes
            (Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -ThroughNatGateway -Top 1).NatGatewayId | Should -Be 'nat-000ca39b2dd4b6e7e'
        }

        It 'ranks the NAT totals with -Top' {
            $top = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -ThroughNatGateway -Top 2
            $top | Should -HaveCount 2
            $top[0].Bytes | Should -BeGreaterOrEqual $top[1].Bytes
        }

        It 'counts NAT traffic with -Snapshot given as a path (the snapshot is read on the pipeline thread)' {
            $totals = Invoke-FlowLogQuery -Path $demoLogs -Snapshot $DemoSnapshot -ThroughNatGateway -Verbose 4>&1 | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            ($totals | Measure-Object Bytes -Sum).Sum | Should -BeGreaterThan 0
        }

        It 'refuses a -VpcId the snapshot lacks even with -Path' {
            { Invoke-FlowLogQuery -Path $demoLogs -Snapshot $demo -VpcId vpc-0123456789abcdef0 -Count -ErrorAction Stop } |
                Should -Throw -ErrorId 'VpcNotFound*' -ExpectedMessage '*vpc-0123456789abcdef0*'
        }

        It 'finds the VPC''s own flow logs in the snapshot and checks the AWS parameters before reading them' {
            { Invoke-FlowLogQuery -Snapshot $demo -VpcId vpc-04be895ea4d91bcbf -Last 1.00:00:00 -AccessKey AKIDEXAMPLE -SecretKey secret -Region us-east-1 -EndpointUrl 'not a url' -ErrorAction Stop } |
                Should -Throw -ErrorId 'AwsConfigurationInvalid*'
        }

        It 'reads lines without a header in the format of the flow log named by -FlowLogId' {
            $object = Get-ChildItem $demoLogs -Recurse -Filter *.log.gz | Sort-Object Name | Select-Object -First 1
            $reader = [IO.StreamReader]::new([IO.Compression.GZipStream]::new([IO.File]::OpenRead($object.FullName), [IO.Compression.CompressionMode]::Decompress))
            try { $null = $reader.ReadLine(); $body = $reader.ReadToEnd() } finally { $reader.Dispose() }
            $export = Join-Path ([IO.Path]::GetTempPath()) "$([guid]::NewGuid()).log"
            try {
                [IO.File]::WriteAllText($export, $body)
                $lines = @($body -split "`n" | Where-Object { $_ }).Count
                (Invoke-FlowLogQuery -Path $export -Snapshot $demo -FlowLogId fl-060305267e80e0e4c -Count).Matched | Should -Be $lines
                (Invoke-FlowLogQuery -Path $export -Count -WarningAction SilentlyContinue).Matched | Should -Be 0
            }
            finally { Remove-Item $export -ErrorAction SilentlyContinue }
        }

        It 'refuses a flow-log id the snapshot does not have' {
            { Invoke-FlowLogQuery -Snapshot $demo -FlowLogId fl-0000000000000000a -ErrorAction Stop } |
                Should -Throw -ErrorId 'FlowLogDestinationUnknown*' -ExpectedMessage '*fl-0000000000000000a*'
        }

        It 'refuses a VPC the snapshot does not have, naming it' {
            { Invoke-FlowLogQuery -Snapshot $demo -VpcId vpc-0123456789abcdef0 -ErrorAction Stop } |
                Should -Throw -ErrorId 'VpcNotFound*' -ExpectedMessage '*vpc-0123456789abcdef0*'
        }
    }

    It 'answers top rejected sources on the demo flow logs' {
        $top = Invoke-FlowLogQuery -Path (Join-Path $DemoSnapshot 'flowlogs') -Action REJECT -GroupBy srcaddr -Top 5 -By Count
        $top.Count | Should -BeGreaterThan 0
        $top[0].SourceAddress | Should -Not -BeNullOrEmpty
    }

    Context 'binding and bad values' {
        It 'binds piped ENI objects by NetworkInterfaceId, each one added, and never as a file name' {
            $enis = 'eni-102010cd', 'eni-102010ab' | ForEach-Object { [pscustomobject]@{ NetworkInterfaceId = $_; SubnetId = 'subnet-1'; PrivateIpAddress = '10.0.0.1' } }
            $records = $enis | Invoke-FlowLogQuery -Path $V2
            @($records.InterfaceId | Sort-Object -Unique) | Should -Be @('eni-102010ab', 'eni-102010cd')
        }

        It 'gives a binding error for a piped object it has no parameter for' {
            { [pscustomobject]@{ Name = 'x' } | Invoke-FlowLogQuery -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound*'
            { 'some text' | Invoke-FlowLogQuery -ErrorAction Stop } | Should -Throw -ErrorId 'InputObjectNotBound*'
        }

        It 'refuses a -GroupBy typo once, before reading' {
            # Before the fix, each file gave its own FlowLogFormatMismatch; -ErrorAction Stop would stop at the first of them.
            $err = { Invoke-FlowLogQuery -Path $FlowLogs -GroupBy srcadr -ErrorAction Stop } | Should -Throw -PassThru
            Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument
            $err.Exception.Message | Should -Match "'srcadr' is not a flow-log field"
        }

        It 'takes -Last as -Bin does: 1h, 7d, a TimeSpan' {
            (Invoke-FlowLogQuery -Path $V2 -Last 1h -Count).Matched | Should -Be 0
            (Invoke-FlowLogQuery -Path $V2 -Last ([timespan]::FromDays(36500)) -Count -WarningAction SilentlyContinue).Matched | Should -BeGreaterThan 0
            (Invoke-FlowLogQuery -Path $V2 -Last 36500d -GroupBy action -Bin 1d -WarningAction SilentlyContinue) | Should -Not -BeNullOrEmpty
        }

        It 'refuses a duration with no unit or out of range, naming it' {
            $err = { Invoke-FlowLogQuery -Path $V2 -Last 7 -Count -ErrorAction Stop } | Should -Throw -PassThru
            Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument
            $err.Exception.Message | Should -Match "'7' is not a positive duration"
            { Invoke-FlowLogQuery -Path $V2 -GroupBy action -Bin 99999999999d -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*99999999999d*too long*'
        }

        It 'refuses an empty filter value instead of matching everything' {
            { Invoke-FlowLogQuery -Path $V2 -DestinationPort '' -Count -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*empty destination port*'
        }

        It 'says - is for vpcsec' {
            { Invoke-FlowLogQuery -Path - -Count -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*vpcsec flowlogs query -*'
        }
    }

    Context 'integrity of what is read' {
        BeforeAll {
            $line = '2 123456789010 eni-1 10.0.0.1 10.0.1.1 1024 443 6 1 100 1700000000 1700000060 ACCEPT OK'
            function New-Gzip([string] $Path, [string] $Text) {
                $file = [IO.File]::Create($Path)
                $gz = [IO.Compression.GZipStream]::new($file, [IO.Compression.CompressionLevel]::Fastest)
                $bytes = [Text.Encoding]::UTF8.GetBytes($Text)
                $gz.Write($bytes, 0, $bytes.Length); $gz.Dispose(); $file.Dispose()
            }
        }

        It 'reports data after a gzip member as an error after its records' {
            $path = Join-Path $TestDrive 'tail.log.gz'
            New-Gzip $path ((1..10 | ForEach-Object { $line }) -join "`n")
            [IO.File]::AppendAllText($path, "appended text`n")
            $result = Invoke-FlowLogQuery -Path $path -Count -ErrorVariable errs -ErrorAction SilentlyContinue
            $result.Matched | Should -Be 10
            Assert-ClassifiedError -ErrorRecord $errs[0] -ErrorId 'FlowLogFileUnreadable' -Category ReadError -Target $path
            $errs[0].Exception.Message | Should -Match 'are not gzip'
        }

        It 'skips a FIFO inside a folder with a warning instead of waiting on it' -Skip:$IsWindows {
            $dir = Join-Path $TestDrive 'withfifo'
            New-Item -ItemType Directory $dir | Out-Null
            Set-Content (Join-Path $dir 'a.log') $line
            & mkfifo (Join-Path $dir 'pipe.log')
            $result = Invoke-FlowLogQuery -Path $dir -Count -WarningVariable warnings -WarningAction SilentlyContinue
            $result.Matched | Should -Be 1
            "$warnings" | Should -Match 'pipe.log is a FIFO'
        }
    }

    Context 'groups beyond the memory budget' {
        BeforeAll {
            # 20,000 conversations, most seen once: far more groups than 1 MB holds.
            $many = Join-Path $TestDrive 'conversations.log'
            $lines = foreach ($i in 0..19999) {
                "2 123456789012 eni-0a1b2c3d 10.$($i % 4).$(($i -shr 2) % 250).$($i % 7 + 1) 203.0.113.$($i % 251) $(1024 + $i) $(20 + $i % 1000) 6 2 $(100 + $i % 977) 1700000000 1700000060 ACCEPT OK"
            }
            [IO.File]::WriteAllLines($many, [string[]]$lines)
        }

        It 'spills with -MaxMemory and gives the answer of the whole table' {
            $whole = Invoke-FlowLogQuery -Path $many -GroupBy srcaddr, dstaddr, dstport -Top 25
            $spilled = Invoke-FlowLogQuery -Path $many -GroupBy srcaddr, dstaddr, dstport -Top 25 -MaxMemory 1MB -Verbose 4>&1
            $notes = $spilled | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            $groups = $spilled | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
            ($notes.Message -join "`n") | Should -Match 'spilled to disk'
            $groups | Should -HaveCount 25
            ($groups | ForEach-Object { "$($_.Key)=$($_.Bytes)" }) | Should -Be ($whole | ForEach-Object { "$($_.Key)=$($_.Bytes)" })
        }

        It 'refuses a budget under 1 MB' {
            { Invoke-FlowLogQuery -Path $many -GroupBy srcaddr -MaxMemory 1KB } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        }
    }
}
