BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Get-VpcPrivateIpMap' {
    BeforeAll {
        $demo = Import-VpcSnapshot (Join-Path $DemoSnapshot 'aws_configs')
        $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        $prod = $expected.ids.vpc.prod
        $peering = Join-Path $FixtureRoot 'batfish-aws/test-vpc-peering'
        $vpcA = 'vpc-0404e08ceddf7f650'
    }

    Context 'the map' {
        It 'lists every demo address on the ENI the generator put it on' {
            $map = Get-VpcPrivateIpMap -Snapshot $demo
            foreach ($name in $expected.addresses.PSObject.Properties.Name) {
                foreach ($address in @($expected.addresses.$name.private) + @($expected.addresses.$name.ipv6)) {
                    $entry = $map | Where-Object IpAddress -EQ $address
                    $entry | Should -HaveCount 1
                    $entry.NetworkInterfaceId | Should -Be $expected.ids.eni.$name
                }
            }
        }

        It 'names the owner of AWS-managed interfaces' {
            $map = Get-VpcPrivateIpMap -Snapshot $demo
            ($map | Where-Object NetworkInterfaceId -EQ $expected.ids.eni.'nat-a').OwnerType | Should -Be 'NatGateway'
            ($map | Where-Object NetworkInterfaceId -EQ $expected.ids.eni.'nlb-a').OwnerSubtype | Should -Be 'network'
            ($map | Where-Object NetworkInterfaceId -EQ $expected.ids.eni.'alb-a').OwnerResourceId | Should -Be $expected.ids.alb_name
        }

        It 'filters by subnet and VPC' {
            $shared = Get-VpcPrivateIpMap -Snapshot $demo -VpcId $expected.ids.vpc.shared
            $shared | ForEach-Object { $_.VpcId | Should -Be $expected.ids.vpc.shared }
            $shared.Count | Should -BeGreaterThan 0
        }
    }

    Context 'attribution' {
        It 'follows the route table to the right one of two overlapping peers' {
            $b = Get-VpcPrivateIpMap -Snapshot $peering -IpAddress '192.168.1.106' -FromVpcId $vpcA
            $b.Scope | Should -Be 'PeeredVpc'
            $b.VpcPeeringConnectionId | Should -Be 'pcx-0b89b559e3319d6cf'
            $b.Route | Should -Match '192\.168\.1\.0/24 -> pcx-0b89b559e3319d6cf'
            $c = Get-VpcPrivateIpMap -Snapshot $peering -IpAddress '192.168.2.229' -FromVpcId $vpcA
            $c.VpcId | Should -Be 'vpc-09095dbf2886404ee'
        }

        It 'says Ambiguous with every candidate when overlapping VPCs both contain the address' {
            $a = Get-VpcPrivateIpMap -Snapshot $peering -IpAddress '192.168.1.50'
            $a.Scope | Should -Be 'Ambiguous'
            $a.Candidates.VpcId | Sort-Object | Should -Be @('vpc-00a31ce9d0c06675c', 'vpc-09095dbf2886404ee')
        }

        It 'names transit gateway attachments' {
            $tgw = Join-Path $FixtureRoot 'batfish-aws/test-transit-gateway'
            $r = Get-VpcPrivateIpMap -Snapshot $tgw -IpAddress '192.168.1.106' -FromVpcId $vpcA
            $r.Scope | Should -Be 'TransitGateway'
            $r.TransitGatewayAttachmentId | Should -Be 'tgw-attach-0ae2696617bb06fb4'
        }

        It 'names reserved addresses' {
            (Get-VpcPrivateIpMap -Snapshot $demo -IpAddress '10.0.10.1' -FromVpcId $prod).ReservedRole | Should -Be 'VPC router'
        }

        It 'writes one error per bad address and still answers the others' {
            $results = Get-VpcPrivateIpMap -Snapshot $demo -IpAddress '10.0.10.37', 'not-an-ip', '10.1.1' -ErrorVariable errs -ErrorAction SilentlyContinue
            $results | Should -HaveCount 1
            $errs | Should -HaveCount 2
            $errs[0].FullyQualifiedErrorId | Should -Match '^InvalidIpAddress'
        }

        It 'takes strings and objects from the pipeline' {
            '10.0.10.37' | Get-VpcPrivateIpMap -Snapshot $demo | Select-Object -ExpandProperty Scope | Should -Be 'ThisVpc'
            $flow = [pscustomobject]@{ SourceAddress = '10.0.10.37'; DestinationAddress = '10.100.1.25' }
            $both = $flow | Get-VpcPrivateIpMap -Snapshot $demo -FromVpcId $prod
            $both.IpAddress | Should -Be @('10.0.10.37', '10.100.1.25')
            $both[1].Scope | Should -Be 'PeeredVpc'
            [pscustomobject]@{ PrivateIpAddress = '10.0.11.84' } | Get-VpcPrivateIpMap -Snapshot $demo |
                Select-Object -ExpandProperty Scope | Should -Be 'ThisVpc'
        }

        It 'fails with VpcNotFound for a VPC the snapshot does not hold' {
            { Get-VpcPrivateIpMap -Snapshot $demo -IpAddress '10.0.0.1' -FromVpcId vpc-nope } |
                Should -Throw -ErrorId 'VpcNotFound*'
        }
    }

    Context 'overlap' {
        It 'reports the two peers of VPC A that share 192.168.0.0/16' {
            $o = Get-VpcPrivateIpMap -Snapshot $peering -Overlap
            $o | Should -HaveCount 1
            $o.Overlap | Should -Be '192.168.0.0/16'
            $o.SeenFrom | Should -Be @($vpcA)
        }
    }
}

Describe 'Get-VpcPrivateIpMap names our own public addresses and says what it cannot know' {
    BeforeAll {
        $demo = Import-VpcSnapshot (Join-Path $DemoSnapshot 'aws_configs')
        $expected = Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json
        $tgw = Join-Path $FixtureRoot 'batfish-aws/test-transit-gateway'
    }

    It 'answers "who is this public address?" with our instance first' {
        $legacy = Get-VpcPrivateIpMap -Snapshot $demo -IpAddress $expected.addresses.legacy.public
        $legacy.Scope | Should -Be 'ThisVpc'
        $legacy.Owner.NetworkInterfaceId | Should -Be $expected.ids.eni.legacy
        $legacy.Owner.OwnerResourceId | Should -BeLike 'i-*'
        "$legacy" | Should -BeLike "*$($legacy.Owner.OwnerResourceId)*"
        (Get-VpcPrivateIpMap -Snapshot $demo -IpAddress $expected.addresses.'nat-a'.public).Owner.OwnerType | Should -Be 'NatGateway'
    }

    It 'attributes the internet behind a centralised egress VPC as the internet, reached through the transit gateway' {
        $dir = Join-Path $TestDrive 'egress'
        Copy-Item $tgw -Destination $dir -Recurse
        $tables = Get-Content (Join-Path $dir 'RouteTables.json') -Raw | ConvertFrom-Json -Depth 30
        $spoke = $tables.RouteTables | Where-Object VpcId -EQ 'vpc-0404e08ceddf7f650'
        $spoke.Routes += [pscustomobject]@{ DestinationCidrBlock = '0.0.0.0/0'; TransitGatewayId = 'tgw-044be4464fcc69aff'; State = 'active'; Origin = 'CreateRoute' }
        $tables | ConvertTo-Json -Depth 30 | Set-Content (Join-Path $dir 'RouteTables.json')
        $static = Get-Content (Join-Path $dir 'TransitGatewayStaticRoutes.json') -Raw | ConvertFrom-Json -Depth 30
        $static.TransitGatewayStaticRoutes[0].Routes = @([pscustomobject]@{
            DestinationCidrBlock = '0.0.0.0/0'; Type = 'static'; State = 'active'
            TransitGatewayAttachments = @([pscustomobject]@{ TransitGatewayAttachmentId = 'tgw-attach-0ae2696617bb06fb4'; ResourceId = 'vpc-00a31ce9d0c06675c'; ResourceType = 'vpc' })
        })
        $static | ConvertTo-Json -Depth 30 | Set-Content (Join-Path $dir 'TransitGatewayStaticRoutes.json')
        $r = Get-VpcPrivateIpMap -Snapshot $dir -IpAddress 8.8.8.8 -FromVpcId vpc-0404e08ceddf7f650
        $r.Scope | Should -Be 'Public'
        $r.TransitGatewayAttachmentResourceId | Should -Be 'vpc-00a31ce9d0c06675c'
        $r.Route | Should -BeLike '*igw-0a4895a3c58cac8cb*'
    }

    It 'warns that a map without NetworkInterfaces is missing addresses, not empty' {
        $dir = Join-Path $TestDrive 'no-enis'
        New-Item -ItemType Directory -Path $dir | Out-Null
        Get-ChildItem $tgw -File | Where-Object Name -NE 'NetworkInterfaces.json' | Copy-Item -Destination $dir
        Get-VpcPrivateIpMap -Snapshot $dir -WarningVariable warned -WarningAction SilentlyContinue | Should -BeNullOrEmpty
        "$warned" | Should -BeLike '*NetworkInterfaces*us-east-2*'
    }
}
