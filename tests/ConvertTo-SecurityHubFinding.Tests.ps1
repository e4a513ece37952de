BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'ConvertTo-SecurityHubFinding' {
    BeforeAll {
        $nat = Join-Path $FixtureRoot 'batfish-aws/test-nat-gateway'
        $asff = Find-OverlyOpenPort -Snapshot $nat | ConvertTo-SecurityHubFinding
    }

    It 'gives every finding the required ASFF attributes' {
        $required = 'AwsAccountId', 'CreatedAt', 'Description', 'GeneratorId', 'Id', 'ProductArn', 'Resources', 'SchemaVersion', 'Severity', 'Title', 'Types', 'UpdatedAt'
        $asff | Should -Not -BeNullOrEmpty
        foreach ($f in $asff) {
            foreach ($name in $required) { $f.$name | Should -Not -BeNullOrEmpty -Because "$name is required" }
            $f.SchemaVersion | Should -Be '2018-10-08'
            $f.AwsAccountId | Should -Match '^\d{12}$'
            # Instances (IMDS), subnets (route parity) and the account (checks that lacked a section: no RDS or peering here).
            $f.Resources[0].Type | Should -BeIn 'AwsEc2SecurityGroup', 'AwsEc2NetworkAcl', 'AwsEc2Instance', 'AwsEc2Subnet', 'AwsAccount'
        }
    }

    It 'serialises to ASFF JSON' {
        $json = $asff | Select-Object -First 1 | ConvertTo-Json -Depth 10 | ConvertFrom-Json
        $json.Severity.Label | Should -BeIn 'INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'
    }

    It 'uses -AccountId when the finding has none' {
        $f = Find-OverlyOpenPort -Snapshot $nat -CheckId SG.Unused
        ($f | ConvertTo-SecurityHubFinding -AccountId 111122223333).AwsAccountId | Should -Be '111122223333'
    }
}
