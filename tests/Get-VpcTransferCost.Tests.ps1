BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Get-VpcTransferCost' {
    BeforeAll {
        $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
        $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        $lines = Get-VpcTransferCost -Snapshot $DemoSnapshot -Path $flowLogs -WarningVariable warnings -WarningAction SilentlyContinue
    }

    It 'puts every byte of the demo day on the path the generator says, each flow once per charge' {
        foreach ($path in $expected.transfer_cost.bytes.PSObject.Properties) {
            ($lines | Where-Object { $_.Path -eq $path.Name }).Bytes | Should -Be $path.Value -Because "$($path.Name) bytes"
        }
        @($lines).Count | Should -Be @($expected.transfer_cost.bytes.PSObject.Properties).Count
    }

    It 'prices each charged path from the bundled table and scales the day to a month' {
        $nat = $lines | Where-Object Path -eq NatGateway
        $nat.PricePerGb | Should -Be 0.045
        [math]::Abs([double]$nat.CostPerMonth - $expected.transfer_cost.bytes.NatGateway / 1GB * (730 / 24) * 0.045) | Should -BeLessThan 0.01
        ($lines | Where-Object Path -eq TransitGateway).PricePerGb | Should -Be 0.02
        ($lines | Where-Object Path -eq CrossRegion).PricePerGb | Should -Be 0.02
        ($lines | Where-Object Path -eq Internet).CostPerMonth | Should -BeNullOrEmpty
        $lines[0].Path | Should -Be 'NatGateway' -Because 'the most expensive path comes first'
    }

    It 'names the talkers of each path' {
        ($lines | Where-Object Path -eq NatGateway).TopTalkers[0].Address1 | Should -Be $expected.transfer_cost.top_nat_client
        ($lines | Where-Object Path -eq CrossAz).TopTalkers[0].Address1, ($lines | Where-Object Path -eq CrossAz).TopTalkers[0].Address2 |
            Sort-Object | Should -Be ($expected.transfer_cost.top_cross_az_pair | Sort-Object)
        ($lines | Where-Object Path -eq PeeringCrossAz).TopTalkers.Address2 | Should -Contain $expected.transfer_cost.peering_counterpart
        ($lines | Where-Object Path -eq CrossRegion).TopTalkers[0].Name2 | Should -Be $expected.transfer_cost.cross_region_service
    }

    It 'warns about the traffic AWS drops instead of pricing it' {
        "$warnings" | Should -Match 'TGW_ROUTE_AZ_RESTRICTION'
        "$warnings" | Should -Match 'NO_ROUTE_TO_DESTINATION'
        ($lines | Where-Object Path -eq Dropped).CostPerMonth | Should -Be 0
    }

    It 'shows the path, the monthly figures and the top talker at 80 and 120 columns' {
        $narrow = $lines | Out-String -Width 80
        $narrow | Should -Match 'Path\s+GbPerMonth\s+PricePerGb\s+CostPerMonth\s+Region'
        $narrow | Should -Match 'NatGateway'
        ($narrow -split "`n" | Measure-Object -Property Length -Maximum).Maximum | Should -BeLessOrEqual 80
        $lines | Out-String -Width 120 | Should -Match 'prod-app-3 <-> S3 us-east-1'
    }

    It 'binds files piped from Get-ChildItem and gives the same answer' {
        $piped = Get-ChildItem $flowLogs -Recurse -Filter *.log.gz | Get-VpcTransferCost -Snapshot $DemoSnapshot -WarningAction SilentlyContinue
        ($piped | Measure-Object Bytes -Sum).Sum | Should -Be ($lines | Measure-Object Bytes -Sum).Sum
    }

    It 'exports to CSV and JSON with the top talker as text' {
        $lines | Export-Csv (Join-Path $TestDrive 'transfer.csv')
        $rows = Import-Csv (Join-Path $TestDrive 'transfer.csv')
        $rows[0].TopTalker | Should -Be 'prod-app-3 <-> S3 us-east-1'
        $rows.Path | Should -Contain 'PeeringCrossAz'
        $json = $lines | ConvertTo-Json -Depth 4 -EnumsAsStrings | ConvertFrom-Json
        ($json | Where-Object Path -eq 'NatGateway').TopTalkers[0].Name1 | Should -Be 'prod-app-3'
    }

    It 'scales six hours to a month from the window asked for' {
        $six = Get-VpcTransferCost -Snapshot $DemoSnapshot -Path $flowLogs -Since '2026-11-21T06:00:00Z' -Until '2026-11-21T12:00:00Z' -WarningAction SilentlyContinue
        $nat = $six | Where-Object Path -eq NatGateway
        [math]::Abs([double]$nat.GbPerMonth - $nat.Bytes / 1GB * 730 / 6) | Should -BeLessThan 0.01
        $nat.Bytes | Should -BeLessThan ($lines | Where-Object Path -eq NatGateway).Bytes
    }

    It 'prices with a -PricePath table and names a region it lacks' {
        $prices = Join-Path $TestDrive 'prices.json'
        Set-Content $prices '{ "regions": { "us-east-1": { "natGatewayHourly": 0.045, "natGatewayPerGb": 0.09, "interfaceEndpointHourlyPerAz": 0.01, "interfaceEndpointPerGbTiers": [ { "price": 0.01 } ] } } }'
        $own = Get-VpcTransferCost -Snapshot $DemoSnapshot -Path $flowLogs -PricePath $prices -WarningVariable w -WarningAction SilentlyContinue
        ($own | Where-Object Path -eq NatGateway).PricePerGb | Should -Be 0.09
        ($own | Where-Object Path -eq CrossAz).CostPerMonth | Should -BeNullOrEmpty -Because 'the file gives no crossAzPerGb'
        "$w" | Should -Match 'no price for CrossAz'
    }

    It 'fails with a stable error id for <Case>' -ForEach @(
        @{ Case = 'no flow logs and no VPC to read the own logs of'; Run = { Get-VpcTransferCost -Snapshot $DemoSnapshot -ErrorAction Stop }; Id = 'InvalidArgument'; Category = 'InvalidArgument' }
        @{ Case = 'a path that is not there'; Run = { Get-VpcTransferCost -Snapshot $DemoSnapshot -Path (Join-Path $TestDrive 'nope') -ErrorAction Stop }; Id = 'FlowLogPathNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'a VPC the snapshot lacks'; Run = { Get-VpcTransferCost -Snapshot $DemoSnapshot -VpcId vpc-0123456789abcdef0 -ErrorAction Stop }; Id = 'VpcNotFound'; Category = 'ObjectNotFound' }
        @{ Case = 'a price file that is not JSON'; Run = { Set-Content (Join-Path $TestDrive 'bad.json') 'not json'; Get-VpcTransferCost -Snapshot $DemoSnapshot -Path $flowLogs -PricePath (Join-Path $TestDrive 'bad.json') -ErrorAction Stop }; Id = 'PriceTableInvalid'; Category = 'InvalidData' }
    ) {
        $record = $null
        try { & $Run } catch { $record = $_ }
        $record | Should -Not -BeNullOrEmpty
        $record.FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $record.CategoryInfo.Category | Should -Be $Category
    }

    It 'answers nothing for an empty pipeline, never the VPCs'' own flow logs' {
        @() | Get-VpcTransferCost -Snapshot $DemoSnapshot | Should -BeNullOrEmpty
    }
}
