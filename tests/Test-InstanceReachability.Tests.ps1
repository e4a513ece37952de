BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Test-InstanceReachability' {
    BeforeAll {
        $nat = Import-VpcSnapshot -Path (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway')
        $tgw = Join-Path $FixtureRoot 'batfish-aws' 'test-transit-gateway'
        $peering = Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering'
    }

    It 'reaches the internet from a private subnet through the NAT gateway' {
        $r = Test-InstanceReachability -Snapshot $nat -Source i-0a128d26e59be60f3 -Destination Internet -Protocol tcp -Port 443
        $r.Verdict | Should -Be 'Reachable'
        $r.ForwardPath.ComponentId | Should -Contain 'nat-07ab4846da51f4612'
    }

    It 'names the security group when the internet cannot reach port 80' {
        $r = Test-InstanceReachability -Snapshot $nat -Source Internet -Destination i-0b31b509174d7f5de -Port 80
        $r.Verdict | Should -Be 'NotReachable'
        $r.ExplanationCode | Should -Be 'ENI_SG_RULES_MISMATCH'
        $r.BlockingComponent | Should -Be 'sg-0253af84ae6485905'
    }

    It 'reports the TGW AZ restriction' {
        $r = Test-InstanceReachability -Snapshot $tgw -Source i-075e846ed41670385 -Destination i-0b14080af811fda3d -Port 22
        $r.ExplanationCode | Should -Be 'TGW_ROUTE_AZ_RESTRICTION'
        $r.BlockingComponent | Should -Be 'tgw-attach-07f5ec59e9f540021'
    }

    It 'starts on-premises sources at the VPN attachment of the demo transit gateway' {
        $ok = Test-InstanceReachability -Snapshot $DemoSnapshot -Source 172.16.5.5 -Destination 10.0.10.37 -Protocol tcp -Port 443
        $ok.Verdict | Should -Be 'Reachable'
        $ok.Notes | Should -Match 'assumed'
        $r = Test-InstanceReachability -Snapshot $DemoSnapshot -Source 172.16.5.5 -Destination 10.0.12.52 -Protocol tcp -Port 443
        $r.Verdict | Should -Be 'NotReachable'
        $r.ExplanationCode | Should -Be 'TGW_ROUTE_AZ_RESTRICTION'
        $r.BlockingComponent | Should -Be 'tgw-attach-0feb5460bff176da3'
        $r.BlockingDirection | Should -Be 'Return'
    }

    It 'reports the blackhole route of the peering scenario' {
        $r = Test-InstanceReachability -Snapshot $peering -Source i-0b14080af811fda3d -Destination Internet -Port 443
        $r.ExplanationCode | Should -Be 'BAD_STATE_ROUTE'
    }

    It 'binds sources by property name' {
        $r = [pscustomobject]@{ InstanceId = 'i-06ba034d88c84ef07' } | Test-InstanceReachability -Snapshot $peering -Destination 192.168.1.106 -Port 22
        $r.Verdict | Should -Be 'Reachable'
    }

    It 'answers who can reach an instance' {
        $all = Test-InstanceReachability -Snapshot $nat -Source * -Destination i-0b31b509174d7f5de -Port 22
        ($all | Where-Object Source -eq 'Internet').Verdict | Should -Be 'Reachable'
        $all.Source | Should -Contain 'eni-0e4ce6a7777b9bff8'
    }

    It 'explains as text' {
        $text = Test-InstanceReachability -Snapshot $nat -Source i-0a128d26e59be60f3 -Destination Internet -Port 443 -Explain
        $text | Should -Match 'Forward path:'
    }

    It 'refuses who reaches the internet, saying to give a public address' {
        $r = Test-InstanceReachability -Snapshot $nat -Source * -Destination Internet -Port 443 -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'InvalidArgument*'
        $err[0].Exception.Message | Should -Match 'give a public address as the destination'
    }

    It 'writes an ErrorRecord with a stable id for an unknown instance' {
        Test-InstanceReachability -Snapshot $nat -Source i-missing -Destination Internet -Port 22 -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'ReachabilityEndpointNotFound*'
    }
}

Describe 'Test-InstanceReachability: what it cannot read' {
    BeforeAll {
        # A copy of the NAT gateway scenario, edited as a careless hand or tool might: the answers that depend on the edit are Unknown.
        function Copy-NatScenario([string] $Name) {
            $dir = Join-Path $TestDrive $Name
            Copy-Item -Recurse -Path (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway') -Destination $dir
            $dir
        }
        function Edit-Section([string] $Dir, [string] $File, [scriptblock] $Edit) {
            $path = Join-Path $Dir $File
            $json = Get-Content -Raw -Path $path | ConvertFrom-Json
            & $Edit $json
            $json | ConvertTo-Json -Depth 20 | Set-Content -Path $path
        }
        $web = 'i-0b31b509174d7f5de'
    }

    It 'answers Unknown, naming the rule, when the only rule that could open SSH has a CIDR it cannot read' {
        $dir = Copy-NatScenario 'broken-sg'
        Edit-Section $dir 'SecurityGroups.json' {
            param($json)
            ($json.SecurityGroups | Where-Object GroupId -EQ 'sg-0253af84ae6485905').IpPermissions[0].IpRanges[0].CidrIp = '0.0.0.0/33'
        }
        $r = Test-InstanceReachability -Snapshot $dir -Source Internet -Destination $web -Protocol tcp -Port 22
        $r.Verdict | Should -Be 'Unknown'
        $r.ExplanationCode | Should -Be 'UNINTERPRETABLE_ENTRY'
        $r.BlockingComponent | Should -Be 'sg-0253af84ae6485905'
        $r.BlockingComponentType | Should -Be 'SecurityGroup'
        $r.Reason | Should -Match ([regex]::Escape("sg-0253af84ae6485905 IpPermissions[0].IpRanges[0].CidrIp: '0.0.0.0/33'"))
        $all = Test-InstanceReachability -Snapshot $dir -Source * -Destination $web -Port 22
        ($all | Where-Object Source -EQ 'Internet').Verdict | Should -Be 'Unknown'
    }

    It 'answers Unknown when a NACL deny before the allow has a CIDR it cannot read' {
        $dir = Copy-NatScenario 'broken-acl'
        Edit-Section $dir 'NetworkAcls.json' {
            param($json)
            $acl = $json.NetworkAcls | Where-Object NetworkAclId -EQ 'acl-0792adae678b88f85'
            $acl.Entries += [pscustomobject]@{ CidrBlock = '0.0.0.0/33'; Egress = $false; Protocol = '6'; RuleAction = 'deny'; RuleNumber = 150; PortRange = @{ From = 22; To = 22 } }
        }
        $r = Test-InstanceReachability -Snapshot $dir -Source Internet -Destination $web -Protocol tcp -Port 22
        $r.Verdict | Should -Be 'Unknown'
        $r.BlockingComponent | Should -Be 'acl-0792adae678b88f85'
        $r.BlockingRuleNumber | Should -Be 150
        # Port 443 is not what the unreadable entry names: it cannot matter there.
        (Test-InstanceReachability -Snapshot $dir -Source $web -Destination Internet -Protocol tcp -Port 443).Verdict | Should -Be 'Reachable'
    }

    It 'shows the kind of each hop by name' {
        $r = Test-InstanceReachability -Snapshot (Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway') -Source Internet -Destination $web -Protocol tcp -Port 22
        $r.ForwardPath[0].ComponentType.GetType().Name | Should -Be 'ComponentKind'
        "$($r.ForwardPath[0].ComponentType)" | Should -Be 'InternetGateway'
        $r.ForwardPath.ComponentType.ForEach({ "$_" }) | Should -Contain 'NetworkAcl'
        ($r.ForwardPath | Out-String) | Should -Match 'InternetGateway'
    }
}
