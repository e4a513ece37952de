BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/Ec2Replay.ps1

    # AWSSDK.EC2 on AWSSDK.Core, as AWS.Tools.EC2 5 carries them, from the NuGet folder (pinned and restored by
    # tests/TestTools.targets): the objects below are the SDK's own, made by its client from EC2's answers, as
    # Get-EC2* makes them, in this session's context (not the module's).
    $targets = [xml](Get-Content -Raw (Join-Path $PSScriptRoot 'TestTools.targets'))
    $ec2Version = @($targets.Project.PropertyGroup.AwsToolsEc2SdkVersion | Where-Object { $_ })[0]
    $sdk = @(
        Join-Path $NuGetPackages 'awssdk.core' '4.1.1' 'lib' 'net8.0' 'AWSSDK.Core.dll'
        Join-Path $NuGetPackages 'awssdk.ec2' $ec2Version 'lib' 'net8.0' 'AWSSDK.EC2.dll'
    )
    foreach ($path in $sdk) { if (-not (Test-Path $path)) { throw "$path is missing: the test projects restore it (dotnet test VpcSecTools.sln)" } }
    if (-not ('Amazon.EC2.AmazonEC2Client' -as [type])) { Add-Type -Path $sdk }

    # The section each Batfish file holds, and the EC2 call whose answer has that section as a property.
    $script:Operations = @{
        Vpcs = 'DescribeVpcs'; Subnets = 'DescribeSubnets'; RouteTables = 'DescribeRouteTables'; NetworkAcls = 'DescribeNetworkAcls'
        SecurityGroups = 'DescribeSecurityGroups'; NetworkInterfaces = 'DescribeNetworkInterfaces'; Reservations = 'DescribeInstances'
        InternetGateways = 'DescribeInternetGateways'; NatGateways = 'DescribeNatGateways'; VpcPeeringConnections = 'DescribeVpcPeeringConnections'
        VpcEndpoints = 'DescribeVpcEndpoints'; TransitGateways = 'DescribeTransitGateways'; TransitGatewayAttachments = 'DescribeTransitGatewayAttachments'
        TransitGatewayVpcAttachments = 'DescribeTransitGatewayVpcAttachments'; TransitGatewayRouteTables = 'DescribeTransitGatewayRouteTables'
    }

    function New-Ec2Client([string] $Url) {
        $config = [Amazon.EC2.AmazonEC2Config]::new()
        $config.ServiceURL = $Url
        $config.AuthenticationRegion = 'us-east-2'
        [Amazon.EC2.AmazonEC2Client]::new([Amazon.Runtime.BasicAWSCredentials]::new('AKIDEXAMPLE', 'secret'), $config)
    }

    function Invoke-Ec2([Amazon.EC2.AmazonEC2Client] $Client, [string] $Operation, [hashtable] $Request = @{}) {
        $r = New-Object "Amazon.EC2.Model.$($Operation)Request" -Property $Request
        $Client."$($Operation)Async"($r, [System.Threading.CancellationToken]::None).GetAwaiter().GetResult()
    }

    # What a pwsh user holding AWS.Tools would pipe for the sections of a Batfish scenario: the items of each
    # Describe* call, and, for the sections kept per transit-gateway route table, a hashtable keyed by section.
    function Get-Ec2Objects([Amazon.EC2.AmazonEC2Client] $Client, [string[]] $Sections) {
        foreach ($section in $Sections | Where-Object { $Operations.ContainsKey($_) }) {
            (Invoke-Ec2 $Client $Operations[$section]).$section
        }
        $tables = if ($Sections -contains 'TransitGatewayRouteTables') { (Invoke-Ec2 $Client DescribeTransitGatewayRouteTables).TransitGatewayRouteTables.TransitGatewayRouteTableId }
        foreach ($table in $tables) {
            if ($Sections -contains 'TransitGatewayStaticRoutes') {
                $filter = [Amazon.EC2.Model.Filter]::new('type', [System.Collections.Generic.List[string]]@('static'))
                $found = Invoke-Ec2 $Client SearchTransitGatewayRoutes @{ TransitGatewayRouteTableId = $table; Filters = [System.Collections.Generic.List[Amazon.EC2.Model.Filter]]@($filter) }
                @{ TransitGatewayStaticRoutes = @(@{ TransitGatewayRouteTableId = $table; Routes = $found.Routes; AdditionalRoutesAvailable = $found.AdditionalRoutesAvailable }) }
            }
            if ($Sections -contains 'TransitGatewayPropagations') {
                $found = Invoke-Ec2 $Client GetTransitGatewayRouteTablePropagations @{ TransitGatewayRouteTableId = $table }
                @{ TransitGatewayPropagations = @(@{ TransitGatewayRouteTableId = $table; TransitGatewayRouteTablePropagations = $found.TransitGatewayRouteTablePropagations }) }
            }
        }
    }

    # Findings and verdicts in a form two snapshots of one network must agree on.
    function Get-Answers($Snapshot) {
        $findings = Find-OverlyOpenPort -Snapshot $Snapshot | ForEach-Object {
            '{0}|{1}|{2}|{3}|{4}|{5}|{6}|{7}' -f $_.CheckId, $_.Severity, $_.ResourceId, $_.Direction, $_.Rule, $_.Ports, $_.Source, $_.Detail
        }
        $addresses = @($Snapshot.Snapshot.Regions.NetworkInterfaces.PrivateIpAddress | Where-Object { $_ } | Sort-Object -Unique)
        $verdicts = foreach ($port in 22, 443) {
            Test-InstanceReachability -Snapshot $Snapshot -Source ($addresses + '203.0.113.10') -Destination $addresses -Protocol tcp -Port $port |
                ForEach-Object { '{0}>{1}:{2} {3} {4} {5} {6}' -f $_.Source, $_.Destination, $_.Port, $_.Verdict, $_.ExplanationCode, $_.BlockingComponent, $_.BlockingRule }
        }
        [pscustomobject]@{ Findings = @($findings | Sort-Object); Verdicts = @($verdicts | Sort-Object) }
    }
}

Describe 'ConvertTo-VpcSnapshot' {
    Context 'Amazon.EC2.Model objects made by AWSSDK.EC2 from the <Scenario> network' -ForEach @(
        @{ Scenario = 'test-transit-gateway' }
        @{ Scenario = 'test-nat-gateway' }
        @{ Scenario = 'test-vpc-peering' }
    ) {
        BeforeAll {
            $script:Replay = Start-Ec2Replay -Scenario $Scenario
            $script:Client = New-Ec2Client $Replay.Url
            $script:Folder = Join-Path $FixtureRoot 'batfish-aws' $Scenario
            $script:Sections = @(Get-ChildItem $Folder -Filter *.json | ForEach-Object BaseName)
            $script:Objects = @(Get-Ec2Objects $Client $Sections)
            $script:FromObjects = $Objects | ConvertTo-VpcSnapshot -Region us-east-2
            $script:FromFolder = Import-VpcSnapshot $Folder
        }
        AfterAll {
            $Client.Dispose()
            Stop-Ec2Replay $Replay
        }

        It 'reads the SDK''s own classes, from this session''s context' {
            $sdkObjects = @($Objects | Where-Object { $_ -isnot [hashtable] })
            $sdkObjects | Should -Not -BeNullOrEmpty
            foreach ($o in $sdkObjects) {
                $o.GetType().Namespace | Should -Be 'Amazon.EC2.Model'
                [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($o.GetType().Assembly) | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
            }
        }

        It 'captures the sections the Batfish folder holds, and only those' {
            $FromObjects.Snapshot.Regions[0].CapturedSections | Sort-Object | Should -Be ($FromFolder.Snapshot.Regions[0].CapturedSections | Sort-Object)
        }

        It 'gives the findings and verdicts of the describe-* folder' {
            $expected = Get-Answers $FromFolder
            $actual = Get-Answers $FromObjects
            $expected.Findings.Count + $expected.Verdicts.Count | Should -BeGreaterThan 0
            $actual.Findings | Should -Be $expected.Findings
            $actual.Verdicts | Should -Be $expected.Verdicts
        }
    }

    Context 'Sections captured, declared and missing' {
        BeforeAll {
            $script:Vpc = [Amazon.EC2.Model.Vpc]@{ VpcId = 'vpc-1'; CidrBlock = '10.0.0.0/16'; OwnerId = '111122223333' }
        }

        It 'counts an empty Get-EC2* result as captured when -CapturedSection names it' {
            $snap = $Vpc | ConvertTo-VpcSnapshot -Region us-east-2 -CapturedSection NatGateways
            $snap.Snapshot.Regions[0].CapturedSections | Sort-Object | Should -Be @('NatGateways', 'Vpcs')
            $snap.Snapshot.Regions[0].Region | Should -Be 'us-east-2'
            $snap.Snapshot.Regions[0].AccountId | Should -Be '111122223333'
        }

        It 'counts a whole response (-Select *) with none as captured' {
            $snap = [Amazon.EC2.Model.DescribeNatGatewaysResponse]::new() | ConvertTo-VpcSnapshot -Region us-east-2
            $snap.Snapshot.Regions[0].CapturedSections | Should -Be @('NatGateways')
        }

        It 'leaves a section no object and no -CapturedSection names missing, so the answer needing it is Unknown' {
            $folder = Join-Path $FixtureRoot 'batfish-aws' 'test-nat-gateway'
            $all = Import-VpcSnapshot $folder
            $withoutAcls = & {
                foreach ($section in 'Vpcs', 'Subnets', 'RouteTables', 'SecurityGroups', 'NetworkInterfaces', 'Reservations', 'InternetGateways', 'NatGateways') {
                    @{ $section = $all.Snapshot.Regions[0].$section }
                }
            } | ConvertTo-VpcSnapshot -Region us-east-2
            $withoutAcls.Snapshot.Regions[0].Has('NetworkAcls') | Should -BeFalse
            $eni = @($all.Snapshot.Regions[0].NetworkInterfaces | Where-Object { $_.Attachment.InstanceId })
            $result = Test-InstanceReachability -Snapshot $withoutAcls -Source $eni[0].PrivateIpAddress -Destination $eni[-1].PrivateIpAddress -Protocol tcp -Port 22
            $result.Verdict | Should -Be 'Unknown'
        }

        It 'names an object it cannot read, with a stable ErrorId, and goes on with the others' {
            $snap = $Vpc, (Get-Date), [Amazon.EC2.Model.Subnet]@{ SubnetId = 'subnet-1'; VpcId = 'vpc-1'; CidrBlock = '10.0.1.0/24' } |
                ConvertTo-VpcSnapshot -Region us-east-2 -ErrorVariable problems -ErrorAction SilentlyContinue
            $problems | Should -HaveCount 1
            $problems[0].FullyQualifiedErrorId | Should -BeLike 'SnapshotInvalid,*'
            $problems[0].Exception.Message | Should -BeLike 'input object 2 (System.DateTime): *is not EC2 network configuration*'
            $snap.Snapshot.Regions[0].CapturedSections | Sort-Object | Should -Be @('Subnets', 'Vpcs')
        }

        It 'keeps the section of an unreadable object missing rather than partial' {
            $bad = [pscustomobject]@{ SecurityGroups = @([pscustomobject]@{ GroupId = 'sg-2'; IpPermissions = @(@{ IpProtocol = 'tcp'; FromPort = 'ssh' }) }) }
            $snap = [Amazon.EC2.Model.SecurityGroup]@{ GroupId = 'sg-1'; VpcId = 'vpc-1' }, $bad | ConvertTo-VpcSnapshot -Region us-east-2 -ErrorAction SilentlyContinue -ErrorVariable problems
            $problems[0].Exception.Message | Should -BeLike '*$.SecurityGroups`[0`].IpPermissions`[0`].FromPort: expected an integer, found "ssh"'
            $snap.Snapshot.Regions[0].Has('SecurityGroups') | Should -BeFalse
            $snap.Snapshot.Regions[0].MissingSections.Section | Should -Be 'SecurityGroups'
        }

        It 'offers the section names to -CapturedSection' {
            (Get-Command ConvertTo-VpcSnapshot).Parameters['CapturedSection'].Attributes.ValidValues | Sort-Object |
                Should -Be ([VpcSecTools.Snapshot.Section]::All.Key | Sort-Object)
        }
    }
}
