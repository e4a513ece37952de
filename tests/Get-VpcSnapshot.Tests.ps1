BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Get-VpcSnapshot' {
    BeforeAll {
        . $PSScriptRoot/Ec2Replay.ps1
        $script:Replay = Start-Ec2Replay -Scenario 'test-nat-gateway'
    }
    AfterAll { Stop-Ec2Replay $script:Replay }

    It 'captures live through -EndpointUrl and returns the snapshot index' {
        $s = Get-VpcSnapshot @FakeAws -EndpointUrl $Replay.Url
        $s | Should -BeOfType ([VpcSecTools.Snapshot.SnapshotIndex])
        $offline = Import-VpcSnapshot -Path (Join-Path $FixtureRoot 'ec2-wire' 'test-nat-gateway' 'describe')
        @($s.Vpcs.Keys) | Should -Be @($offline.Vpcs.Keys)
        @($s.NetworkInterfaces.Keys | Sort-Object) | Should -Be @($offline.NetworkInterfaces.Keys | Sort-Object)
        $s.Snapshot.Regions[0].Region | Should -Be 'us-east-2'
    }

    It 'binds VpcId by property name from AWS.Tools-shaped objects' {
        $s = [pscustomobject]@{ VpcId = 'vpc-0008a7b45e3ddf1dd' } | Get-VpcSnapshot @FakeAws -EndpointUrl $Replay.Url
        @($s.Vpcs.Keys) | Should -Be @('vpc-0008a7b45e3ddf1dd')
    }

    It 'names the AWS.Tools common parameters and aliases' {
        $p = (Get-Command Get-VpcSnapshot).Parameters
        $p['Region'].Aliases | Should -Contain 'RegionToCall'
        $p['ProfileName'].Aliases | Should -Contain 'StoredCredentials'
        $p['ProfileName'].Aliases | Should -Contain 'AWSProfileName'
        $p['AccessKey'].Aliases | Should -Contain 'AK'
        $p['SecretKey'].Aliases | Should -Contain 'SecretAccessKey'
        $p['SessionToken'].Aliases | Should -Contain 'ST'
        $p.Keys | Should -Contain 'EndpointUrl'
        $p.Keys | Should -Contain 'ProfileLocation'
        $p.Keys | Should -Contain 'Credential'
    }

    It 'writes a non-terminating AwsAccessDenied error naming the IAM action, and marks the section missing' {
        $denied = Start-Ec2Replay -Scenario 'test-nat-gateway' -Deny 'DescribeFlowLogs'
        try {
            $s = Get-VpcSnapshot @FakeAws -EndpointUrl $denied.Url -ErrorVariable errs -ErrorAction SilentlyContinue
            $errs.Count | Should -Be 1
            $errs[0].FullyQualifiedErrorId | Should -BeLike 'AwsAccessDenied*'
            $errs[0].ToString() | Should -BeLike '*ec2:DescribeFlowLogs*'
            $s.Snapshot.Regions[0].MissingSections.Section | Should -Be 'FlowLogs'
            $s.Snapshot.Regions[0].Has('FlowLogs') | Should -BeFalse
        } finally { Stop-Ec2Replay $denied }
    }

    It 'stops on access denied with -ErrorAction Stop' {
        $denied = Start-Ec2Replay -Scenario 'test-nat-gateway' -Deny 'DescribeSubnets'
        try {
            { Get-VpcSnapshot @FakeAws -EndpointUrl $denied.Url -ErrorAction Stop } | Should -Throw -ErrorId 'AwsAccessDenied*'
        } finally { Stop-Ec2Replay $denied }
    }

    It 'rejects a malformed region name with AwsConfigurationInvalid' {
        { Get-VpcSnapshot -Region 'not a region' -AccessKey AKID -SecretKey x -EndpointUrl $Replay.Url -ErrorAction Stop } |
            Should -Throw -ErrorId 'AwsConfigurationInvalid*'
    }
}
