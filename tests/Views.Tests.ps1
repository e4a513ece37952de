# Every output type's default view, rendered as a console of 80 and of 120 columns shows it (Out-String -Width, as
# redirected output and scripts see it): the columns a responder needs first are there, no header wraps, no line
# is wider than the console.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    # Type name, the columns it must show at 80 and the ones added at 120 (helpers.ps1 makes a sample of each).
    $views = @(
        @{ Type = 'VpcSecTools.Snapshot.SnapshotSummary'
           At80 = 'Region', 'AccountId', 'Vpcs', 'MissingSections'; At120 = @() }
        @{ Type = 'VpcSecTools.Snapshot.SnapshotIndex'; At80 = 'Regions', 'Vpcs', 'Missing'; At120 = @() }
        @{ Type = 'VpcSecTools.Reachability.ReachabilityResult'
           At80 = 'Source', 'Destination', 'Verdict', 'BlockedAt'; At120 = @('Rule') }
        @{ Type = 'VpcSecTools.Reachability.ReachableSource'
           At80 = 'Source', 'SourceName', 'Verdict', 'BlockedAt'; At120 = @('Rule') }
        @{ Type = 'VpcSecTools.IpMap.PrivateIpMapEntry'
           At80 = 'IpAddress', 'OwnerName', 'OwnerType'; At120 = 'ResourceId', 'NetworkInterfaceId' }
        @{ Type = 'VpcSecTools.IpMap.AddressAttribution'
           At80 = 'IpAddress', 'Scope', 'Who'; At120 = @('Route') }
        @{ Type = 'VpcSecTools.IpMap.CidrOverlap'
           At80 = 'Overlap', 'Source', 'OtherSource'; At120 = 'SeenFrom', 'Effect' }
        @{ Type = 'VpcSecTools.FlowLogs.FlowRecord'
           At80 = 'Source', 'Destination', 'DstPort', 'Action', 'Bytes'; At120 = 'Start (UTC)', 'InterfaceId' }
        @{ Type = 'VpcSecTools.FlowLogs.FlowRecord#Attributed'
           At80 = 'Source', 'Destination', 'Action', 'Bytes', 'SourceOwner'; At120 = @('DestinationOwner') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup'
           At80 = 'Key', 'Bytes', 'Count'; At120 = @('LastSeen (UTC)') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup#Attributed'
           At80 = 'Key', 'Owners', 'Bytes'; At120 = @('Count') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup#Binned'
           At80 = 'Bin (UTC)', 'Key', 'Bytes', 'Count'; At120 = 'FirstSeen (UTC)', 'LastSeen (UTC)' }
        @{ Type = 'VpcSecTools.FlowLogs.FlowGroup#Binned#Attributed'
           At80 = 'Bin (UTC)', 'Key', 'Bytes', 'Owners'; At120 = @() }
        @{ Type = 'VpcSecTools.FlowLogs.FlowLogResult'
           At80 = 'Matched', 'Records', 'SkippedLines', 'FileErrors'; At120 = @() }
        @{ Type = 'VpcSecTools.Endpoints.NatTrafficTotal'
           At80 = 'NatGatewayId', 'Service', 'Gigabytes'; At120 = @('NamedBy') }
        @{ Type = 'VpcSecTools.FlowLogs.FlowLogCoverage'
           At80 = 'Status', 'ResourceType', 'ResourceId', 'Finding'; At120 = @('FlowLogIds') }
        @{ Type = 'VpcSecTools.Exposure.Finding'
           At80 = 'Severity', 'CheckId', 'ResourceId', 'Exposure'; At120 = 'ResourceName', 'Opening' }
        @{ Type = 'VpcSecTools.Exposure.AsffFinding'
           At80 = 'Severity', 'GeneratorId', 'Resource'; At120 = @('Title') }
        @{ Type = 'VpcSecTools.Exposure.OcsfFinding'
           At80 = 'severity', 'Check', 'Resource'; At120 = @('message') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointPlan'; At80 = 'SavingPerMonth', 'Recommendations', 'Window (UTC)'; At120 = @('PriceSource') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointRecommendation'
           At80 = 'Action', 'SavingPerMonth', 'Service'; At120 = @('Where') }
        @{ Type = 'VpcSecTools.Endpoints.EndpointFinding'; At80 = 'Kind', 'VpcEndpointId', 'Resources'; At120 = @('Detail') }
        @{ Type = 'VpcSecTools.Endpoints.NatTrafficGroup'
           At80 = 'Service', 'GbPerMonth', 'NatCostPerMonth', 'Disposition'; At120 = @('Reason') }
        @{ Type = 'VpcSecTools.TransferCost.TransferCostLine'
           At80 = 'Path', 'GbPerMonth', 'PricePerGb', 'CostPerMonth'; At120 = 'Region', 'TopTalker' }
        @{ Type = 'VpcSecTools.TransferCost.TransferTalker'
           At80 = 'Name1', 'Address1', 'Name2', 'Address2'; At120 = @('Gigabytes') }
        @{ Type = 'VpcSecTools.Drift.ConfigurationChange'; At80 = 'Kind', 'Change', 'Subject'; At120 = @('Summary') }
        @{ Type = 'VpcSecTools.Drift.ReachabilityChange'; At80 = 'Kind', 'Change', 'Subject'; At120 = @('Summary') }
        @{ Type = 'VpcSecTools.Drift.FindingChange'; At80 = 'Kind', 'Change', 'Subject'; At120 = @('Summary') }
        @{ Type = 'VpcSecTools.Drift.DriftGap'; At80 = 'Kind', 'Change', 'Subject'; At120 = @('Summary') }
        @{ Type = 'VpcSecTools.LeastPrivilege.RuleUsage'
           At80 = 'Verdict', 'ResourceId', 'Name', 'Dir', 'Rule'; At120 = 'Flows', 'Bytes', 'Peers', 'Reason' }
        @{ Type = 'VpcSecTools.LeastPrivilege.RuleProposal'
           At80 = 'Safe', 'GroupId', 'GroupName', 'Action', 'Dropped'; At120 = 'Internet', 'Sources', 'Change' }
        @{ Type = 'VpcSecTools.Exposure.Finding#Traffic'
           At80 = 'Severity', 'Check', 'Source', 'Resource'; At120 = 'Port', 'Action', 'SourceOwner' }
        @{ Type = 'VpcSecTools.PrivateTrust.TrustZoneSummary'
           At80 = 'Zone', 'Sources', 'Accepted', 'Rejected', 'Findings', 'TopSources'; At120 = @('VpcId') }
        @{ Type = 'VpcSecTools.PrivateTrust.PrivateSource'
           At80 = 'Zone', 'SourceAddress', 'Name', 'Accepted', 'Rejected', 'Ports'; At120 = @('EnteredThrough') }
    )
    $cases = foreach ($view in $views) {
        @{ Type = $view.Type; Width = 80; Columns = $view.At80 }
        @{ Type = $view.Type; Width = 120; Columns = @($view.At80) + @($view.At120) }
    }
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $demo = Import-VpcSnapshot $DemoSnapshot
}

Describe 'Default views' {
    It '<Type> at <Width> columns shows <Columns> and wraps no header' -ForEach $cases {
        $objects = @(Get-OutputSample -Type $Type)
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
        foreach ($type in $OutputTypeNames) { $Tested | Should -Contain $type }
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
