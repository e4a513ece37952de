# Tab completion as a user meets it (TabExpansion2): parameters that take ids, protocols, fields or check ids offer
# those, never file names; an alias completes as its parameter does.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $null = Import-VpcSnapshot $DemoSnapshot
    $ids = $DemoExpected.ids
    # A word no file in the current folder starts with, so a file-name completion would show as such.
    Push-Location $TestDrive
    New-Item -ItemType File -Path (Join-Path $TestDrive 'tcp-notes.txt'), (Join-Path $TestDrive 'i-file.txt'), (Join-Path $TestDrive 'SG.txt') | Out-Null
}
AfterAll { Pop-Location }

Describe 'Completion of values' {
    It 'Test-InstanceReachability -<Parameter> completes instances by name and id, not files' -ForEach @(
        @{ Parameter = 'Source' }, @{ Parameter = 'Destination' }, @{ Parameter = 'InstanceId' }
    ) {
        $byName = Get-CompletionText "Test-InstanceReachability -$Parameter prod-app-"
        $byName | Should -Contain $ids.instance.'app-1'
        $byId = Get-CompletionText "Test-InstanceReachability -$Parameter i-"
        $byId | Should -Contain $ids.instance.'app-1'
        $byId | Should -Not -Contain './i-file.txt'
        $byId | Should -Not -Match 'i-file'
    }

    It '-Source offers *, Internet, interfaces and the VPCs, subnets and groups whose ENIs it can fan out over' {
        Get-CompletionText 'Test-InstanceReachability -Source ' | Should -Contain '*'
        Get-CompletionText 'Test-InstanceReachability -Source Int' | Should -Be @('Internet')
        Get-CompletionText 'Test-InstanceReachability -Source eni-000' | Should -Contain $ids.eni.'app-1'
        Get-CompletionText 'Test-InstanceReachability -Source vpc-' | Should -Contain $ids.vpc.prod
        Get-CompletionText 'Test-InstanceReachability -Source sg-' | Should -Contain $ids.sg.db
        # Nothing matches: the word stays as typed (and the menu says why) rather than file names being offered.
        $none = (TabExpansion2 -inputScript 'Test-InstanceReachability -Destination vpc-' -cursorColumn 43).CompletionMatches
        $none.CompletionText | Should -Be @('vpc-')
        $none.ToolTip | Should -Match 'nothing of the snapshot'
    }

    It 'offers no file names when nothing matches: -<Parameter>' -ForEach @(
        @{ Line = 'Get-VpcSnapshot -ProfileName tcp' ; Parameter = 'ProfileName' }
        @{ Line = 'Find-OverlyOpenPort -CheckId tcp'; Parameter = 'CheckId' }
        @{ Line = 'Test-InstanceReachability -Source i-'; Parameter = 'Source' }
        @{ Line = 'Invoke-FlowLogQuery -GroupBy tcp'; Parameter = 'GroupBy' }
    ) {
        $texts = @(Get-CompletionText $Line)
        $texts | Should -Not -BeNullOrEmpty
        $texts | Should -Not -Match '\.txt$'
    }

    It '-Protocol completes protocol names on <Command>' -ForEach @(
        @{ Command = 'Test-InstanceReachability -Source x -Destination y' }, @{ Command = 'Invoke-FlowLogQuery' }
    ) {
        Get-CompletionText "$Command -Protocol " | Should -Be @('tcp', 'udp', 'icmp', 'icmpv6', '-1')
        Get-CompletionText "$Command -Protocol tc" | Should -Be @('tcp')
    }

    It '-GroupBy completes flow-log fields by property name, also from their AWS name' {
        Get-CompletionText 'Invoke-FlowLogQuery -GroupBy Source' | Should -Contain 'SourceAddress'
        Get-CompletionText 'Invoke-FlowLogQuery -GroupBy srcaddr' | Should -Be @('SourceAddress')
        Get-CompletionText 'Invoke-FlowLogQuery -GroupBy SourceAddress, Dest' | Should -Contain 'DestinationPort'
    }

    It '-FromVpcId completes VPCs' {
        Get-CompletionText 'Get-VpcPrivateIpMap -IpAddress 10.0.0.1 -FromVpcId vpc-' | Should -Be @($ids.vpc.prod, $ids.vpc.shared | Sort-Object)
    }

    It '-FlowLogId completes the snapshot''s flow logs' {
        Get-CompletionText "Invoke-FlowLogQuery -Snapshot '$DemoSnapshot' -FlowLogId fl-" | Sort-Object | Should -Be @($ids.'fl-prod', $ids.'fl-shared' | Sort-Object)
    }

    It '-InterfaceId (and its alias -NetworkInterfaceId) completes interfaces by their owner''s name' {
        Get-CompletionText 'Invoke-FlowLogQuery -InterfaceId prod-nat-a' | Should -Contain $ids.eni.'nat-a'
        Get-CompletionText 'Invoke-FlowLogQuery -NetworkInterfaceId eni-05c' | Should -Contain $ids.eni.'nat-a'
    }

    It '-CheckId completes check ids' {
        Get-CompletionText 'Find-OverlyOpenPort -CheckId SG.Ssh' | Should -Be @('SG.SshFromInternet')
        Get-CompletionText 'Find-OverlyOpenPort -CheckId NACL.' | Should -Contain 'NACL.AllTrafficFromInternet'
    }

    It 'aliases complete as their parameter: -<Alias> of <Command>' -ForEach @(
        @{ Command = 'Get-VpcSnapshot'; Alias = 'RegionToCall'; Word = 'us-east-'; Expected = { 'us-east-1' } }
        @{ Command = 'Get-VpcSnapshot'; Alias = 'AWSProfileName'; Word = 'tcp'; Expected = { @() } }
        @{ Command = 'Test-InstanceReachability'; Alias = 'NetworkInterfaceId'; Word = 'eni-000'; Expected = { $ids.eni.'app-1' } }
        @{ Command = 'Test-InstanceReachability'; Alias = 'PrivateIpAddress'; Word = 'prod-app-1'; Expected = { $ids.instance.'app-1' } }
    ) {
        (Get-Command $Command).Parameters.Values.Where({ $_.Aliases -contains $Alias }) | Should -Not -BeNullOrEmpty
        $texts = @(Get-CompletionText "$Command -$Alias $Word")
        $texts | Should -Not -Match '\.txt$' -Because 'an alias completes as its parameter, not with file names'
        foreach ($value in & $Expected) { $texts | Should -Contain $value }
    }
}
