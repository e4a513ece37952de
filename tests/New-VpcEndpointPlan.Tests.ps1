BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'New-VpcEndpointPlan' {
    BeforeAll {
        $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
        $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        $plan = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs
    }

    It 'adds the app-c route table to the existing S3 gateway endpoint' {
        $s3 = $plan.Recommendations | Where-Object Service -eq 'S3'
        $s3.Action | Should -Be 'AddRouteTables'
        $s3.RouteTableIds | Should -Be @($expected.route_tables_without_s3_endpoint.with_nat_traffic_to_s3)
        $plan.Findings.Kind | Should -Contain 'GatewayEndpointMissingRouteTable'
    }

    It 'recommends a DynamoDB gateway endpoint priced from the observed bytes' {
        $ddb = $plan.Recommendations | Where-Object Service -eq 'DYNAMODB'
        $ddb.Action | Should -Be 'CreateGatewayEndpoint'
        $gb = $expected.nat_bytes_by_service.DYNAMODB.bytes * $plan.MonthlyFactor / 1GB
        # Pester 5 has no -BeApproximately: the difference is compared.
        [math]::Abs([double]$ddb.ObservedGbPerMonth - $gb) | Should -BeLessThan 0.01
        [math]::Abs([double]$ddb.SavingPerMonth - $gb * 0.045) | Should -BeLessThan 0.01
    }

    It 'keeps cross-region S3 and AMAZON-only traffic on NAT and says why' {
        ($plan.Traffic | Where-Object { $_.Service -eq 'S3' -and $_.DestinationRegion -eq 'us-west-2' }).Disposition | Should -Be 'CrossRegion'
        ($plan.Traffic | Where-Object Service -eq 'AMAZON').Reason | Should -Match 'query logs'
    }

    It 'reads the VPC''s own flow logs without -FlowLogPath, checking the AWS parameters first' {
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -VpcId vpc-04be895ea4d91bcbf -Since '2026-11-21T00:00Z' -Until '2026-11-22T00:00Z' -AccessKey AKIDEXAMPLE -SecretKey secret -Region us-east-1 -EndpointUrl 'not a url' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AwsConfigurationInvalid*'
    }

    It 'renders <_> text' -ForEach 'Cli', 'CloudFormation', 'Terraform' {
        $text = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -As $_
        $text | Should -BeOfType [string]
        $text | Should -Match 'com.amazonaws.us-east-1.dynamodb'
    }

    It 'parses its CloudFormation output as JSON' {
        $template = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -As CloudFormation | ConvertFrom-Json
        $template.AWSTemplateFormatVersion | Should -Be '2010-09-09'
        @($template.Resources.PSObject.Properties.Value.Type) | Should -Contain 'AWS::EC2::VPCEndpoint'
    }

    It 'reports a bad price file with a stable ErrorId' {
        $bad = Join-Path $TestDrive 'prices.json'
        Set-Content $bad '{ "regions": {} }'
        # Should -Throw -PassThru returns the ErrorRecord itself.
        $err = { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -PricePath $bad -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'PriceTableInvalid' -Category InvalidData
    }

    It 'scales a -Since/-Until window by its own length' {
        $windowed = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -Since '2026-11-21T06:00:00Z' -Until '2026-11-21T12:00:00Z'
        [math]::Abs([double]$windowed.MonthlyFactor - 730 / 6) | Should -BeLessThan 0.0001
        $windowed.WindowStart | Should -Be ([DateTimeOffset]'2026-11-21T06:00:00Z')
        ($windowed.Recommendations | Where-Object Service -eq 'S3').ObservedGbPerMonth |
            Should -Not -Be ($plan.Recommendations | Where-Object Service -eq 'S3').ObservedGbPerMonth
    }

    It 'says so when the window holds no NAT traffic' {
        $quiet = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -Since '2026-11-25T00:00:00Z' -Until '2026-11-26T00:00:00Z'
        @($quiet.Recommendations).Count | Should -Be 0
        @($quiet.Notes -like 'no traffic through NAT gateways in the window*').Count | Should -Be 1
    }

    It 'names the ip-ranges it used' {
        $plan.IpRangesSource | Should -Be 'bundled'
        $plan.IpRangesSyncToken | Should -Match '^\d+$'
        $plan.IpRangesCreateDate | Should -Match '^\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}$'
    }

    It 'falls back to the bundled copy with a warning when -UpdateIpRanges cannot download' {
        # Nothing listens on port 9 of the loopback address: the download fails at once, no network is used.
        $fallback = New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -UpdateIpRanges -IpRangesUrl 'http://127.0.0.1:9/ip-ranges.json' -WarningVariable warnings -WarningAction SilentlyContinue
        $fallback.IpRangesSource | Should -Be 'bundled'
        "$warnings" | Should -Match 'could not update ip-ranges from http://127.0.0.1:9/'
    }

    It 'names a missing price file as not found, not as invalid data' {
        $err = { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -PricePath (Join-Path $TestDrive 'none.json') -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'FileNotFound' -Category ObjectNotFound
    }

    It 'names a price file with a null region or a negative price' {
        $bad = Join-Path $TestDrive 'null-region.json'
        Set-Content $bad '{ "regions": { "us-east-1": null } }'
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -PricePath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'PriceTableInvalid*' -ExpectedMessage "*region 'us-east-1' is null*"
    }

    It 'names a non-JSON ip-ranges file' {
        $bad = Join-Path $TestDrive 'ip-ranges.json'
        Set-Content $bad '<html>rate limited</html>'
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -IpRangesPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*ip-ranges.json: not an ip-ranges.json file*'
    }

    It 'refuses a truncated .gz instead of planning from part of the traffic' {
        $first = Get-ChildItem $flowLogs -Recurse -Filter *.gz | Sort-Object FullName | Select-Object -First 1
        $bytes = [IO.File]::ReadAllBytes($first.FullName)
        $cut = Join-Path $TestDrive 'cut'
        New-Item -ItemType Directory $cut | Out-Null
        [IO.File]::WriteAllBytes((Join-Path $cut 'cut.log.gz'), $bytes[0..([int]($bytes.Length / 2))])
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $cut -ErrorAction Stop } | Should -Throw -ErrorId 'FlowLogFileUnreadable*' -ExpectedMessage '*no plan is made from a partial read*'
    }

    It 'refuses -VpcId with -FlowLogPath instead of ignoring it' {
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -FlowLogPath $flowLogs -VpcId vpc-04be895ea4d91bcbf -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidArgument*'
    }

    It 'refuses a -VpcId the snapshot lacks' {
        { New-VpcEndpointPlan -Snapshot $DemoSnapshot -VpcId vpc-0123456789abcdef0 -ErrorAction Stop } | Should -Throw -ErrorId 'VpcNotFound*'
    }

    It 'plans from Invoke-FlowLogQuery groups piped in, as from the files' {
        $piped = Invoke-FlowLogQuery -Path $flowLogs -GroupBy interface-id, pkt-srcaddr, pkt-dstaddr, pkt-src-aws-service, pkt-dst-aws-service |
            New-VpcEndpointPlan -Snapshot $DemoSnapshot
        ($piped.Recommendations | Where-Object Service -eq 'DYNAMODB').Action | Should -Be 'CreateGatewayEndpoint'
    }

    It 'gives a binding error for a piped object that is not a flow-log group' {
        { [pscustomobject]@{ NetworkInterfaceId = 'eni-0123456789abcdef0' } | New-VpcEndpointPlan -Snapshot $DemoSnapshot -ErrorAction Stop } |
            Should -Throw -ErrorId 'InputObjectNotBound*'
    }
}
