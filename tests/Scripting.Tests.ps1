# Output types script well: ConvertTo-Json keeps addresses and CIDRs as strings and numbers as numbers, Export-Csv
# writes lists as their items, member enumeration reaches the properties (no clash with System.Array's members).
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $types = $OutputTypeNames | ForEach-Object { @{ Type = $_ } }
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/helpers.ps1
    $demo = Import-VpcSnapshot $DemoSnapshot
    # What a .NET type name or a struct's fields look like when they leak into text.
    $leaks = 'System\.Collections|System\.String\[\]|`1\[|"Value":\s*\{|"Bits":|"IsIPv6":'
}

Describe 'Serialisation of every output type' {
    It '<Type> converts to JSON with no type names or struct fields' -ForEach ($types | Where-Object Type -NE 'VpcSecTools.Snapshot.SnapshotIndex') {
        $json = Get-OutputSample -Type $Type | ConvertTo-Json -Depth 6 -WarningAction SilentlyContinue
        $json | Should -Not -BeNullOrEmpty
        $json | Should -Not -Match $leaks
    }

    It '<Type> exports to CSV with lists as their items' -ForEach ($types | Where-Object Type -NE 'VpcSecTools.Snapshot.SnapshotIndex') {
        $file = Join-Path $TestDrive 'out.csv'
        Get-OutputSample -Type $Type | Export-Csv -LiteralPath $file
        $rows = Import-Csv -LiteralPath $file
        $rows | Should -Not -BeNullOrEmpty
        foreach ($cell in $rows.ForEach({ $_.PSObject.Properties })) {
            $cell.Value | Should -Not -Match $leaks -Because "$Type.$($cell.Name) reads as text"
        }
    }
}

Describe 'A flow record''s other fields' {
    It 'writes the fields no property holds as name=value pairs in CSV, and keeps them a map in JSON' {
        $log = Join-Path $TestDrive 'v9.log'
        Set-Content -LiteralPath $log -Value @(
            'version srcaddr dstaddr bytes resource-id encryption-status tgw-id'
            '9 10.0.0.1 10.0.0.2 100 vpc-1 1 tgw-123'
            '9 10.0.0.3 10.0.0.2 100 - - -'
        )
        $records = Invoke-FlowLogQuery -Path $log
        $records[0].OtherFields['tgw-id'] | Should -Be 'tgw-123'
        $rows = $records | ConvertTo-Csv | ConvertFrom-Csv
        $rows[0].OtherFields | Should -Be 'resource-id=vpc-1, encryption-status=1, tgw-id=tgw-123'
        $rows[1].OtherFields | Should -Be 'resource-id=-, encryption-status=-, tgw-id=-'
        ($records[0] | ConvertTo-Json | ConvertFrom-Json).OtherFields.'tgw-id' | Should -Be 'tgw-123'
    }
}

Describe 'Addresses, CIDRs and numbers' {
    It 'keeps a map entry''s address and security groups as text in JSON and CSV' {
        $entry = Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 10.0.10.37 | Select-Object -ExpandProperty Owner
        $json = $entry | ConvertTo-Json | ConvertFrom-Json
        $json.IpAddress | Should -Be '10.0.10.37'
        $json.SecurityGroups | Should -Be @($entry.SecurityGroups)
        @($json.SecurityGroups).Count | Should -BeGreaterThan 1
        ($entry | ConvertTo-Csv | ConvertFrom-Csv).SecurityGroups | Should -Be ($entry.SecurityGroups -join ', ')
    }

    It 'keeps an attribution''s address as text, not an IP struct' {
        $a = Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 52.216.0.1 | ConvertTo-Json -Depth 3 | ConvertFrom-Json
        $a.IpAddress | Should -Be '52.216.0.1'
        $a.PSObject.Properties.Name | Should -Not -Contain 'Address'
        $a.AwsPrefix | Should -Match '^\d+\.\d+\.\d+\.\d+/\d+$'
    }

    It 'writes counts, ports and bytes as JSON numbers' {
        (Export-VpcSnapshot -Path $DemoSnapshot -OutFile (Join-Path $TestDrive 's.json') | ConvertTo-Json | ConvertFrom-Json).Vpcs | Should -BeOfType [long]
        $record = Invoke-FlowLogQuery -Path (Join-Path $DemoSnapshot 'flowlogs') -First 1 | ConvertTo-Json | ConvertFrom-Json
        $record.Bytes | Should -BeOfType [long]
        $record.DestinationPort | Should -BeOfType [long]
        $finding = Find-OverlyOpenPort -Snapshot $demo -CheckId SG.SshFromInternet | Select-Object -First 1 | ConvertTo-Json -Depth 4 | ConvertFrom-Json
        $finding.RuleIndex | Should -BeOfType [long]
    }

    It 'reaches every address of a map through member enumeration' {
        $map = Get-VpcPrivateIpMap -Snapshot $demo -SubnetId $DemoExpected.ids.subnet.'app-a'
        $addresses = $map.IpAddress
        $addresses | Should -Contain '10.0.10.37'
        $addresses | ForEach-Object { $_ | Should -BeOfType [string] }
        "$($map.IpAddress)" | Should -Not -Match 'OverloadDefinitions|Address\(int'
    }

    It 'reaches the addresses of attributions through member enumeration' {
        $r = Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 10.0.10.37, 10.0.11.84
        $r.IpAddress | Should -Be @('10.0.10.37', '10.0.11.84')
    }
}
