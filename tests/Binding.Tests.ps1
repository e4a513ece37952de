# The pipeline-binding rules of about_VpcSecTools ("PIPELINE INPUT"), for our own objects, for the objects AWS.Tools.EC2
# emits (made from the real AWSSDK.EC2 assembly) and for empty or unbindable input.
BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    Import-AwsSdkEc2
    $demo = Import-VpcSnapshot $DemoSnapshot
    $ids = $DemoExpected.ids
    $prod = $ids.vpc.prod

    # What Get-EC2Instance, Get-EC2NetworkInterface, Get-EC2SecurityGroup, Get-EC2Vpc and Get-EC2Subnet return.
    $app1 = [Amazon.EC2.Model.Instance]@{ InstanceId = $ids.instance.'app-1'; PrivateIpAddress = '10.0.10.37'; VpcId = $prod; SubnetId = $ids.subnet.'app-a' }
    $app2 = [Amazon.EC2.Model.Instance]@{ InstanceId = $ids.instance.'app-2'; PrivateIpAddress = '10.0.11.84'; VpcId = $prod; SubnetId = $ids.subnet.'app-b' }
    $reservation = [Amazon.EC2.Model.Reservation]@{ ReservationId = 'r-0123456789abcdef0'; Instances = [System.Collections.Generic.List[Amazon.EC2.Model.Instance]]@($app1, $app2) }
    $eni = [Amazon.EC2.Model.NetworkInterface]@{ NetworkInterfaceId = $ids.eni.'app-1'; PrivateIpAddress = '10.0.10.37'; VpcId = $prod; SubnetId = $ids.subnet.'app-a' }
    $group = [Amazon.EC2.Model.SecurityGroup]@{ GroupId = $ids.sg.legacy; VpcId = $prod; GroupName = 'legacy' }
    $vpc = [Amazon.EC2.Model.Vpc]@{ VpcId = $ids.vpc.shared; CidrBlock = '10.100.0.0/16' }
    $subnet = [Amazon.EC2.Model.Subnet]@{ SubnetId = $ids.subnet.'app-a'; VpcId = $prod; CidrBlock = '10.0.10.0/24' }
}

Describe 'Pipeline input: AWS.Tools.EC2 objects' {
    It 'Get-VpcPrivateIpMap attributes an instance''s and an interface''s own address, not their whole subnet' {
        $r = $app1, $eni | Get-VpcPrivateIpMap -Snapshot $demo
        @($r).Count | Should -Be 2
        $r.IpAddress | Should -Be @('10.0.10.37', '10.0.10.37')
        $r.Scope | Should -Be @('ThisVpc', 'ThisVpc')
        $r[0].Owner.OwnerResourceId | Should -Be $ids.instance.'app-1'
    }

    It 'Get-VpcPrivateIpMap refuses objects without an address (a <Name>) with a binding error, and answers nothing' -ForEach @(
        @{ Name = 'Vpc'; Item = { $vpc } }
        @{ Name = 'Subnet'; Item = { $subnet } }
        @{ Name = 'SecurityGroup'; Item = { $group } }
    ) {
        $r = & $Item | Get-VpcPrivateIpMap -Snapshot $demo -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound*'
    }

    It 'Test-InstanceReachability takes instances, interfaces and the Reservations Get-EC2Instance returns' {
        $fromReservation = $reservation | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 -Port 5432
        $fromReservation.Source | Should -Be @($ids.instance.'app-1', $ids.instance.'app-2')
        $fromReservation.Verdict | Should -Be @('Reachable', 'Reachable')
        ($eni | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 -Port 5432).Source | Should -Be $ids.eni.'app-1'
        ($app1 | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 -Port 5432).Source | Should -Be $ids.instance.'app-1'
    }

    It 'Test-InstanceReachability takes a Reservation as -Destination' {
        $r = Test-InstanceReachability -Snapshot $demo -Source 10.0.0.12 -Destination $reservation -Port 22
        $r.Destination | Should -Be @($ids.instance.'app-1', $ids.instance.'app-2')
    }

    It 'Test-InstanceReachability refuses a security group with a binding error, not an id made of its type name' {
        $r = $group | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound*'
    }

    It 'Find-OverlyOpenPort audits a piped security group only, and a piped VPC only' {
        $r = $group | Find-OverlyOpenPort -Snapshot $demo
        $r | Should -Not -BeNullOrEmpty
        $r.ResourceId | Sort-Object -Unique | Should -Be $ids.sg.legacy
        $shared = $vpc | Find-OverlyOpenPort -Snapshot $demo
        $shared | Should -Not -BeNullOrEmpty
        $shared.VpcId | Sort-Object -Unique | Should -Be $ids.vpc.shared
    }

    It 'Get-VpcFlowLogCoverage takes the VPC of a piped Vpc' {
        $rows = $vpc | Get-VpcFlowLogCoverage -Snapshot $demo -VpcOnly
        $rows.ResourceId | Should -Be $ids.vpc.shared
    }
}

Describe 'Pipeline input: our own objects' {
    It 'map entries and attributions pipe back into Get-VpcPrivateIpMap by IpAddress' {
        $entry = Get-VpcPrivateIpMap -Snapshot $demo -SubnetId $ids.subnet.'db-a' | Where-Object Kind -EQ PrimaryIpv4 | Select-Object -First 1
        $entry.IpAddress | Should -Match '^10\.0\.20\.'
        ($entry | Get-VpcPrivateIpMap -Snapshot $demo).IpAddress | Should -Be $entry.IpAddress
        $again = '10.0.10.37' | Get-VpcPrivateIpMap -Snapshot $demo | Get-VpcPrivateIpMap -Snapshot $demo
        $again.Scope | Should -Be 'ThisVpc'
    }

    It 'who-can-reach sources pipe into Test-InstanceReachability by Source' {
        $sources = Test-InstanceReachability -Snapshot $demo -Source $ids.subnet.'app-a' -Destination 10.0.20.77 -Port 5432
        $again = $sources | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 -Port 5432
        $again.Source | Should -Be $sources.Source
    }

    It 'findings pipe into Find-OverlyOpenPort by VpcId' {
        $shared = Find-OverlyOpenPort -Snapshot $demo -VpcId $ids.vpc.shared | Select-Object -First 1
        ($shared | Find-OverlyOpenPort -Snapshot $demo).VpcId | Sort-Object -Unique | Should -Be $ids.vpc.shared
    }

    It 'a flow record attributes its two ends, never its VpcId or SubnetId' {
        # Version 3+ records carry vpc-id and subnet-id: they must not select the map of that subnet.
        $record = [pscustomobject]@{ VpcId = $prod; SubnetId = $ids.subnet.'app-a'; SourceAddress = '10.0.10.37'; DestinationAddress = '10.100.1.25' }
        $r = @($record | Get-VpcPrivateIpMap -Snapshot $demo)
        $r.IpAddress | Should -Be @('10.0.10.37', '10.100.1.25')
        $r.Scope | Should -Be @('ThisVpc', 'ThisVpc')
        $r[1].VpcId | Should -Be $ids.vpc.shared
        ($record | Get-VpcPrivateIpMap -Snapshot $demo -FromVpcId $prod)[1].Scope | Should -Be 'PeeredVpc'
    }
}

Describe 'Pipeline input: empty and unbindable' {
    It '<Name> answers nothing for an empty pipeline, never everything' -ForEach @(
        @{ Name = 'Find-OverlyOpenPort'; Run = { @() | Find-OverlyOpenPort -Snapshot $demo } }
        @{ Name = 'Get-VpcFlowLogCoverage'; Run = { @() | Get-VpcFlowLogCoverage -Snapshot $demo } }
        @{ Name = 'Get-VpcPrivateIpMap'; Run = { @() | Get-VpcPrivateIpMap -Snapshot $demo } }
        @{ Name = 'Test-InstanceReachability'; Run = { @() | Test-InstanceReachability -Snapshot $demo -Destination 10.0.20.77 } }
        @{ Name = 'ConvertTo-OcsfFinding'; Run = { @() | ConvertTo-OcsfFinding } }
    ) {
        & $Run | Should -BeNullOrEmpty
    }

    It '<Name> answers nothing for input that binds none of its parameters, with a binding error' -ForEach @(
        @{ Name = 'Find-OverlyOpenPort'; Run = { 'sg-0123' | Find-OverlyOpenPort -Snapshot $demo } }
        @{ Name = 'Get-VpcFlowLogCoverage'; Run = { [pscustomobject]@{ Name = 'x' } | Get-VpcFlowLogCoverage -Snapshot $demo } }
    ) {
        # Binding errors are non-terminating: collect them (whatever the caller's preference) with the output.
        $ErrorActionPreference = 'Continue'
        $all = & $Run 2>&1
        @($all | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
        ($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound*'
    }

    It 'Import-VpcSnapshot refuses an object that is not a path, rather than reading its type name as one' {
        $r = $vpc | Import-VpcSnapshot -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound*'
    }

    It '<Command> refuses an empty string at binding' -ForEach @(
        @{ Command = 'Import-VpcSnapshot'; Run = { Import-VpcSnapshot -Path '' } }
        @{ Command = 'Get-VpcPrivateIpMap'; Run = { Get-VpcPrivateIpMap -Snapshot $demo -IpAddress '' } }
    ) {
        { & $Run } | Should -Throw -ErrorId 'CannotConvertArgument*'
    }

    It 'Export-VpcSnapshot refuses an object that is neither a path nor a VPC' {
        $out = Join-Path $TestDrive 'refused.json'
        $reservation | Export-VpcSnapshot -OutFile $out -ErrorVariable err -ErrorAction SilentlyContinue
        $err.FullyQualifiedErrorId | Should -BeLike 'InputObjectNotBound*'
        $out | Should -Not -Exist
    }
}

Describe 'Unknown ids limit the answer to nothing, with an error naming them' {
    It '<Command> -<Parameter> <Id> gives <ErrorId>' -ForEach @(
        @{ Command = 'Find-OverlyOpenPort'; Parameter = 'VpcId'; Id = 'vpc-0000000000000dead'; ErrorId = 'VpcNotFound' }
        @{ Command = 'Find-OverlyOpenPort'; Parameter = 'GroupId'; Id = 'sg-0000000000000dead'; ErrorId = 'SecurityGroupNotFound' }
        @{ Command = 'Get-VpcPrivateIpMap'; Parameter = 'VpcId'; Id = 'vpc-0000000000000dead'; ErrorId = 'VpcNotFound' }
        @{ Command = 'Get-VpcPrivateIpMap'; Parameter = 'SubnetId'; Id = 'subnet-0000000000000dead'; ErrorId = 'SubnetNotFound' }
        @{ Command = 'Get-VpcFlowLogCoverage'; Parameter = 'VpcId'; Id = 'vpc-0000000000000dead'; ErrorId = 'VpcNotFound' }
    ) {
        $splat = @{ $Parameter = $Id }
        $r = & $Command -Snapshot $demo @splat -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        Assert-ClassifiedError -ErrorRecord $err[0] -ErrorId $ErrorId -Category ObjectNotFound -Target $Id
    }

    It 'calls no id missing where the snapshot lacks the section that would list it' {
        $folder = Join-Path $TestDrive 'no-vpcs'
        Copy-Item -Recurse -Path (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway') -Destination $folder
        Remove-Item -LiteralPath (Join-Path $folder 'Vpcs.json')
        $r = Get-VpcFlowLogCoverage -Snapshot $folder -VpcId vpc-0008a7b45e3ddf1dd -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $err | Where-Object FullyQualifiedErrorId -Like 'VpcNotFound*' | Should -BeNullOrEmpty
        $r | Should -Not -BeNullOrEmpty
    }

    It 'a known and an unknown VPC: the known one is answered, the unknown one is an error' {
        $r = Find-OverlyOpenPort -Snapshot $demo -VpcId $ids.vpc.shared, vpc-0000000000000dead -ErrorVariable err -ErrorAction SilentlyContinue
        $r.VpcId | Sort-Object -Unique | Should -Be $ids.vpc.shared
        $err | Should -HaveCount 1
    }

}

Describe '-Snapshot takes a path, an item, a snapshot or an index' {
    It 'binds <Name>' -ForEach @(
        @{ Name = 'a path'; Value = { $DemoSnapshot } }
        @{ Name = 'a folder item from Get-Item'; Value = { Get-Item $DemoSnapshot } }
        @{ Name = 'an index from Import-VpcSnapshot'; Value = { $demo } }
        @{ Name = 'the snapshot inside an index'; Value = { $demo.Snapshot } }
    ) {
        $r = Find-OverlyOpenPort -Snapshot (& $Value) -CheckId SG.SshFromInternet
        $r.ResourceId | Should -Contain $ids.sg.legacy
    }

    It 'refuses <Name> with a binding error' -ForEach @(
        @{ Name = 'a hashtable'; Value = @{ Path = 'x' } }
        @{ Name = 'a date'; Value = [datetime]'2026-01-01' }
        @{ Name = 'an object'; Value = [pscustomobject]@{ Vpcs = 1 } }
    ) {
        { Find-OverlyOpenPort -Snapshot $Value -ErrorAction Stop } | Should -Throw -ErrorId 'CannotConvertArgument*'
    }

    It 'is typed as a snapshot source on every cmdlet that takes one' {
        foreach ($command in Get-Command -Module VpcSecTools | Where-Object { $_.Parameters.ContainsKey('Snapshot') }) {
            $command.Parameters['Snapshot'].ParameterType.Name | Should -Be 'SnapshotSource' -Because $command.Name
        }
    }
}
