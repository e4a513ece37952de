# Every output type's default view, rendered as a console of 80 and of 120 columns shows it (Out-String -Width, as
# redirected output and scripts see it): the columns a responder needs first are there, no header wraps, no line
# is wider than the console.
BeforeDiscovery {
    # Type name, how to make one on the demo network, the columns it must show at 80 and the ones added at 120.
    $views = @(
        @{ Type = 'VpcSecTools.Snapshot.SnapshotSummary'; Make = { Export-VpcSnapshot -Path $DemoSnapshot -OutFile (Join-Path $TestDrive 'v.json') }
           At80 = 'Region', 'AccountId', 'Vpcs', 'MissingSections'; At120 = @() }
        @{ Type = 'VpcSecTools.Snapshot.SnapshotIndex'; Make = { $demo }; At80 = 'Regions', 'Vpcs', 'Missing'; At120 = @() }
        @{ Type = 'VpcSecTools.Reachability.ReachabilityResult'; Make = { Test-InstanceReachability -Snapshot $demo -Source 10.0.0.12 -Destination 10.0.20.77 -Port 5432 }
           At80 = 'Source', 'Destination', 'Verdict', 'BlockedAt'; At120 = @('Rule') }
        @{ Type = 'VpcSecTools.Reachability.ReachableSource'; Make = { Test-InstanceReachability -Snapshot $demo -Source * -Destination 10.0.20.77 -Port 5432 }
           At80 = 'Source', 'SourceName', 'Verdict', 'BlockedAt'; At120 = @('Rule') }
        @{ Type = 'VpcSecTools.IpMap.PrivateIpMapEntry'; Make = { Get-VpcPrivateIpMap -Snapshot $demo -SubnetId $DemoExpected.ids.subnet.'app-b' }
           At80 = 'IpAddress', 'OwnerName', 'OwnerType'; At120 = 'ResourceId', 'NetworkInterfaceId' }
        @{ Type = 'VpcSecTools.IpMap.AddressAttribution'; Make = { Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 10.0.10.37, 10.100.1.25, 172.16.5.5 -FromVpcId $DemoExpected.ids.vpc.prod }
           At80 = 'IpAddress', 'Scope', 'Who'; At120 = @('Route') }
        @{ Type = 'VpcSecTools.IpMap.CidrOverlap'; Make = { Get-VpcPrivateIpMap -Snapshot (Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering') -Overlap }
           At80 = 'Overlap', 'Source', 'OtherSource'; At120 = 'SeenFrom', 'Effect' }
        @{ Type = 'VpcSecTools.FlowLogs.FlowRecord'; Make = { Invoke-FlowLogQuery -Path $flowLogs -First 5 }
           At80 = 'Source', 'Destination', 'DstPort', 'Action', 'Bytes'; At120 = 'Start (UTC)', 'InterfaceId' }
        @{ Type = 'VpcSecTools.FlowLogs.FlowRecord#Attributed'; Make = { Invoke-FlowLogQuery -Path $flowLogs -First 5 -Attribute -Snapshot $demo }
           At80 = 'Source', 'Destination', 'Action', 'Bytes', 'SourceOwner'; At120 = @('DestinationOwner') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup'; Make = { Invoke-FlowLogQuery -Path $flowLogs -GroupBy SourceAddress, Action -Top 5 }
           At80 = 'Key', 'Bytes', 'Count'; At120 = @('LastSeen (UTC)') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup#Attributed'; Make = { Invoke-FlowLogQuery -Path $flowLogs -GroupBy SourceAddress, Action -Top 5 -Attribute -Snapshot $demo }
           At80 = 'Key', 'Owners', 'Bytes'; At120 = @('Count') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowLogResult'; Make = { Invoke-FlowLogQuery -Path $flowLogs -Action REJECT -Count }
           At80 = 'Matched', 'Records', 'SkippedLines', 'FileErrors'; At120 = @() }
        @{ Type = 'VpcSecTools.Endpoints.NatTrafficTotal'; Make = { Invoke-FlowLogQuery -Path $flowLogs -ThroughNatGateway -Snapshot $demo }
           At80 = 'NatGatewayId', 'Service', 'Gigabytes'; At120 = @('NamedBy') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowLogCoverage'; Make = { Get-VpcFlowLogCoverage -Snapshot $demo }
           At80 = 'Status', 'ResourceType', 'ResourceId', 'Finding'; At120 = @('FlowLogIds') }
        @{ Type = 'VpcSecTools.Exposure.Finding'; Make = { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High }
           At80 = 'Severity', 'CheckId', 'ResourceId', 'Exposure'; At120 = 'ResourceName', 'Opening' }
        @{ Type = 'VpcSecTools.Exposure.AsffFinding'; Make = { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-SecurityHubFinding }
           At80 = 'Severity', 'GeneratorId', 'Resource'; At120 = @('Title') }
        @{ Type = 'VpcSecTools.Exposure.OcsfFinding'; Make = { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-OcsfFinding }
           At80 = 'severity', 'Check', 'Resource'; At120 = @('message') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointPlan'; Make = { $plan }; At80 = 'SavingPerMonth', 'Recommendations', 'Window (UTC)'; At120 = @('PriceSource') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointRecommendation'; Make = { $plan.Recommendations }
           At80 = 'Action', 'SavingPerMonth', 'Service'; At120 = @('Where') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointFinding'; Make = { $plan.Findings }; At80 = 'Kind', 'VpcEndpointId', 'Resources'; At120 = @('Detail') }
        @{ Type = 'VpcSecTools.Endpoints.NatTrafficGroup'; Make = { $plan.Traffic }
           At80 = 'Service', 'GbPerMonth', 'NatCostPerMonth', 'Disposition'; At120 = @('Reason') }
    )
    $cases = foreach ($view in $views) {
        @{ Type = $view.Type; Make = $view.Make; Width = 80; Columns = $view.At80 }
        @{ Type = $view.Type; Make = $view.Make; Width = 120; Columns = @($view.At80) + @($view.At120) }
    }
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $demo = Import-VpcSnapshot $DemoSnapshot
    $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
    $plan = New-VpcEndpointPlan -Snapshot $demo -FlowLogPath $flowLogs
}

Describe 'Default views' {
    It '<Type> at <Width> columns shows <Columns> and wraps no header' -ForEach $cases {
        $objects = @(& $Make)
        $objects | Should -Not -BeNullOrEmpty
        $objects[0].PSObject.TypeNames[0] | Should -Be $Type
        $lines = (Out-String -InputObject $objects -Width $Width) -split '\r?\n'
        $rule = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^ *-+( +-+)*\s*$' })
        $rule | Should -BeGreaterThan 0 -Because 'a table has a line of dashes under its header'
        $header = $lines[$rule - 1]
        ($rule -eq 1 -or $lines[$rule - 2].Trim() -eq '') | Should -BeTrue -Because "a header on one line (found '$($lines[$rule - 2])' above '$header')"
        foreach ($column in $Columns) {
            $header | Should -Match "(^| )$([regex]::Escape($column))( |$)" -Because "$Type shows $column at $Width columns"
        }
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual $Width }
    }

    It 'covers every output type the cmdlets declare' -TestCases @{ Tested = @($cases.Type) } {
        $declared = Get-Command -Module VpcSecTools -CommandType Cmdlet | ForEach-Object { $_.OutputType.Name } |
            Where-Object { $_ -like 'VpcSecTools.*' } | Sort-Object -Unique
        foreach ($type in $declared) { $Tested | Should -Contain $type }
    }

    It 'formats a snapshot with a list view that names its missing sections' {
        $text = Import-VpcSnapshot (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway') | Format-List | Out-String -Width 120
        $text | Should -Match 'MissingSections\s*:\s*us-east-2: \w+'
        $text | Should -Not -Match 'System\.Collections'
    }

    It 'lists a reachability result with its reason, blocking rule and both paths' {
        $text = Test-InstanceReachability -Snapshot $demo -Source 10.0.0.12 -Destination 10.0.20.77 -Port 5432 | Format-List | Out-String -Width 120
        $text | Should -Match 'Reason\s*: entering subnet-'
        $text | Should -Match 'BlockingRule\s*: inbound 50 deny'
        $text | Should -Match 'ForwardPath\s*: Allowed SecurityGroup'
    }
}
