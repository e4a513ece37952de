# Helpers for the Pester files that test the module as a user drives it (pipelines, views, completion, help).
# Dot-source after common.ps1: BeforeAll { . $PSScriptRoot/common.ps1; . $PSScriptRoot/helpers.ps1 }

# Loads AWSSDK.Core and AWSSDK.EC2, the assemblies AWS.Tools.EC2 is built on, into this session, so a test can make
# the very objects Get-EC2Instance & co. emit (Amazon.EC2.Model.Instance, Reservation, ...) rather than lookalikes.
# The packages and versions are those tests/AwsSdk/AwsSdk.csproj pins, loaded in its order from the NuGet cache (the
# first call restores them): none of them may be resolved from the module's own folder.
function Import-AwsSdkEc2 {
    if ('Amazon.EC2.Model.Instance' -as [type]) { return }
    $project = Join-Path $PSScriptRoot 'AwsSdk' 'AwsSdk.csproj'
    $packages = if ($env:NUGET_PACKAGES) { $env:NUGET_PACKAGES } else { Join-Path ([Environment]::GetFolderPath('UserProfile')) '.nuget' 'packages' }
    $downloads = ([xml](Get-Content -Raw $project)).Project.ItemGroup.PackageDownload
    $folders = foreach ($package in $downloads) { Join-Path $packages $package.Include.ToLowerInvariant() $package.Version.Trim('[', ']') }
    if (@($folders | Where-Object { -not (Test-Path -LiteralPath $_) }).Count -gt 0) {
        $output = & dotnet restore $project --nologo 2>&1
        if ($LASTEXITCODE -ne 0) { throw "restoring $project failed: $output" }
    }
    for ($i = 0; $i -lt $downloads.Count; $i++) {
        $lib = 'net8.0', 'netstandard2.0' | ForEach-Object { Join-Path $folders[$i] 'lib' $_ "$($downloads[$i].Include).dll" } |
            Where-Object { Test-Path -LiteralPath $_ } | Select-Object -First 1
        Add-Type -Path $lib
    }
}

# The text a value shows in the console at a given width, as Out-String renders it (redirected output has no window).
function Get-RenderedText {
    param([Parameter(Mandatory)] [AllowEmptyCollection()] [object[]] $InputObject, [Parameter(Mandatory)] [int] $Width)
    $InputObject | Out-String -Width $Width
}

# The words TabExpansion2 offers at the end of a command line.
function Get-CompletionText {
    param([Parameter(Mandatory)] [string] $Line)
    (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText
}

# The demo network's ids by name (samples/demo/expected.json: ids.vpc.prod, ids.instance.'app-1', ...).
$DemoExpected = Get-Content -Raw (Join-Path $DemoSnapshot 'expected.json') | ConvertFrom-Json

# One object (or a few) of each output type, made on the demo network the way a user would, for the tests that
# render, serialise and export every type. $OutputTypeNames lists them; Get-OutputSample makes one.
$OutputTypeNames = @(
    'VpcSecTools.Snapshot.SnapshotSummary', 'VpcSecTools.Snapshot.SnapshotIndex',
    'VpcSecTools.Reachability.ReachabilityResult', 'VpcSecTools.Reachability.ReachableSource',
    'VpcSecTools.IpMap.PrivateIpMapEntry', 'VpcSecTools.IpMap.AddressAttribution', 'VpcSecTools.IpMap.CidrOverlap',
    'VpcSecTools.FlowLogs.FlowRecord', 'VpcSecTools.FlowLogs.FlowRecord#Attributed',
    'VpcSecTools.FlowLogs.FlowGroup', 'VpcSecTools.FlowLogs.FlowGroup#Attributed', 'VpcSecTools.FlowLogs.FlowGroup#Binned',
    'VpcSecTools.FlowLogs.FlowGroup#Binned#Attributed',
    'VpcSecTools.FlowLogs.FlowLogResult',
    'VpcSecTools.Endpoints.NatTrafficTotal', 'VpcSecTools.FlowLogs.FlowLogCoverage',
    'VpcSecTools.Exposure.Finding', 'VpcSecTools.Exposure.AsffFinding', 'VpcSecTools.Exposure.OcsfFinding',
    'VpcSecTools.Endpoints.EndpointPlan', 'VpcSecTools.Endpoints.EndpointRecommendation',
    'VpcSecTools.Endpoints.EndpointFinding', 'VpcSecTools.Endpoints.NatTrafficGroup',
    'VpcSecTools.TransferCost.TransferCostLine', 'VpcSecTools.TransferCost.TransferTalker',
    'VpcSecTools.Drift.ConfigurationChange', 'VpcSecTools.Drift.ReachabilityChange', 'VpcSecTools.Drift.FindingChange',
    'VpcSecTools.Drift.DriftGap',
    'VpcSecTools.LeastPrivilege.RuleUsage', 'VpcSecTools.LeastPrivilege.RuleProposal',
    'VpcSecTools.Exposure.Finding#Traffic', 'VpcSecTools.PrivateTrust.TrustZoneSummary', 'VpcSecTools.PrivateTrust.PrivateSource'
)

function Get-OutputSample {
    param([Parameter(Mandatory)] [string] $Type)
    if (-not $script:SampleDemo) {
        $script:SampleDemo = Import-VpcSnapshot $DemoSnapshot
        $script:SampleFlowLogs = Join-Path $DemoSnapshot 'flowlogs'
        $script:SamplePlan = New-VpcEndpointPlan -Snapshot $script:SampleDemo -FlowLogPath $script:SampleFlowLogs
    }
    $demo, $logs, $plan, $ids = $script:SampleDemo, $script:SampleFlowLogs, $script:SamplePlan, $DemoExpected.ids
    switch ($Type) {
        'VpcSecTools.Snapshot.SnapshotSummary' { Export-VpcSnapshot -Path $DemoSnapshot -OutFile (Join-Path ([IO.Path]::GetTempPath()) "vpcsec-sample-$PID.json") }
        'VpcSecTools.Snapshot.SnapshotIndex' { $demo }
        'VpcSecTools.Reachability.ReachabilityResult' { Test-InstanceReachability -Snapshot $demo -Source 10.0.0.12, 10.0.10.37 -Destination 10.0.20.77 -Port 5432 }
        'VpcSecTools.Reachability.ReachableSource' { Test-InstanceReachability -Snapshot $demo -Source * -Destination 10.0.20.77 -Port 5432 }
        'VpcSecTools.IpMap.PrivateIpMapEntry' { Get-VpcPrivateIpMap -Snapshot $demo -SubnetId $ids.subnet.'app-b' }
        'VpcSecTools.IpMap.AddressAttribution' { Get-VpcPrivateIpMap -Snapshot $demo -IpAddress 10.0.10.37, 10.100.1.25, 172.16.5.5 -FromVpcId $ids.vpc.prod }
        'VpcSecTools.IpMap.CidrOverlap' { Get-VpcPrivateIpMap -Snapshot (Join-Path $FixtureRoot 'batfish-aws' 'test-vpc-peering') -Overlap }
        'VpcSecTools.FlowLogs.FlowRecord' { Invoke-FlowLogQuery -Path $logs -First 5 }
        'VpcSecTools.FlowLogs.FlowRecord#Attributed' { Invoke-FlowLogQuery -Path $logs -First 5 -Attribute -Snapshot $demo }
        'VpcSecTools.FlowLogs.FlowGroup' { Invoke-FlowLogQuery -Path $logs -GroupBy SourceAddress, DestinationPort, Action -Top 5 }
        'VpcSecTools.FlowLogs.FlowGroup#Attributed' { Invoke-FlowLogQuery -Path $logs -GroupBy SourceAddress, Action -Top 5 -Attribute -Snapshot $demo }
        'VpcSecTools.FlowLogs.FlowGroup#Binned' { Invoke-FlowLogQuery -Path $logs -GroupBy SourceAddress, DestinationPort -Bin 1h -Top 5 }
        'VpcSecTools.FlowLogs.FlowGroup#Binned#Attributed' { Invoke-FlowLogQuery -Path $logs -GroupBy SourceAddress, DestinationPort -Bin 1h -Top 5 -Attribute -Snapshot $demo }
        'VpcSecTools.FlowLogs.FlowLogResult' { Invoke-FlowLogQuery -Path $logs -Action REJECT -Count }
        'VpcSecTools.Endpoints.NatTrafficTotal' { Invoke-FlowLogQuery -Path $logs -ThroughNatGateway -Snapshot $demo }
        'VpcSecTools.FlowLogs.FlowLogCoverage' { Get-VpcFlowLogCoverage -Snapshot $demo }
        'VpcSecTools.Exposure.Finding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High }
        'VpcSecTools.Exposure.AsffFinding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-SecurityHubFinding }
        'VpcSecTools.Exposure.OcsfFinding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-OcsfFinding }
        'VpcSecTools.Endpoints.EndpointPlan' { $plan }
        'VpcSecTools.TransferCost.TransferCostLine' { Get-VpcTransferCost -Snapshot $demo -Path $logs -WarningAction SilentlyContinue }
        'VpcSecTools.TransferCost.TransferTalker' { (Get-VpcTransferCost -Snapshot $demo -Path $logs -WarningAction SilentlyContinue)[0].TopTalkers }
        'VpcSecTools.Endpoints.EndpointRecommendation' { $plan.Recommendations }
        'VpcSecTools.Endpoints.EndpointFinding' { $plan.Findings }
        'VpcSecTools.Endpoints.NatTrafficGroup' { $plan.Traffic }
        { $_ -like 'VpcSecTools.Drift.*' } {
            if (-not $script:SampleDrift) {
                $d = New-DemoDrift (Join-Path ([IO.Path]::GetTempPath()) "vpcsec-drift-$PID")
                $script:SampleDrift = @(Compare-VpcSnapshot $d.Yesterday $d.Today) +
                    @(Compare-VpcSnapshot $d.Yesterday $d.WithoutFlowLogs -WarningAction SilentlyContinue | Where-Object Kind -EQ Configuration)
            }
            $script:SampleDrift | Where-Object { $_.PSObject.TypeNames[0] -eq $Type }
        }
        'VpcSecTools.LeastPrivilege.RuleUsage' { Get-VpcRuleUsage -Snapshot $demo -Path $logs -GroupId $ids.sg.db, $ids.sg.legacy }
        'VpcSecTools.LeastPrivilege.RuleProposal' { Get-VpcRuleUsage -Snapshot $demo -Path $logs -GroupId $ids.sg.db -Proposal }
        'VpcSecTools.Exposure.Finding#Traffic' { Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -WarningAction SilentlyContinue }
        'VpcSecTools.PrivateTrust.TrustZoneSummary' { Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -Summary -WarningAction SilentlyContinue }
        'VpcSecTools.PrivateTrust.PrivateSource' { (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -Summary -WarningAction SilentlyContinue).Sources }
        default { throw "no sample of $Type" }
    }
}

# The demo network as two captures a day apart, as a nightly job would leave them in its capture folder: "yesterday"
# is samples/demo exported as it is, "today" the same after five changes an operator's API calls leave (the same five
# as the xunit DemoChanges):
#   1. prod-bastion-sg: SSH opened to 0.0.0.0/0 (authorize-security-group-ingress on the existing tcp 22 permission);
#   2. the db NACL: outbound entry 110 (replies to app-c, 10.0.12.0/24) deleted;
#   3. the prod main route table: a route 10.100.0.0/16 to the shared-services peering added;
#   4. prod-app-3's ENI: an Elastic IP associated;
#   5. the S3 gateway endpoint: app-b's route table removed from it (EC2 deletes the table's prefix-list route).
# WithoutFlowLogs (beside the folder, not in it) is "today" captured without the FlowLogs section (access denied).
# The captures are named by their time as the folder convention says: today's at -At (default: five minutes ago), so
# "-Since yesterday" finds yesterday's.
function New-DemoDrift([string] $Folder, [DateTimeOffset] $At = [DateTimeOffset]::UtcNow.AddMinutes(-5)) {
    New-Item -ItemType Directory -Force -Path $Folder | Out-Null
    $stamp = "yyyy-MM-dd'T'HHmmss'Z'"
    $yesterday = Join-Path $Folder ($At.AddDays(-1).ToUniversalTime().ToString($stamp) + '.snapshot.json')
    $today = Join-Path $Folder ($At.ToUniversalTime().ToString($stamp) + '.snapshot.json')
    Export-VpcSnapshot -Path $DemoSnapshot -OutFile $yesterday | Out-Null
    $s = Get-Content $yesterday -Raw | ConvertFrom-Json -Depth 100
    $r = $s.Regions[0]
    $ssh = ($r.SecurityGroups | Where-Object GroupId -EQ 'sg-011690c9979a48f0d').IpPermissions | Where-Object FromPort -EQ 22
    $ssh.IpRanges = @($ssh.IpRanges) + [pscustomobject]@{ CidrIp = '0.0.0.0/0'; Description = 'temporary' }
    $acl = $r.NetworkAcls | Where-Object NetworkAclId -EQ 'acl-001e1520cf164ff6c'
    $acl.Entries = @($acl.Entries | Where-Object { -not ($_.Egress -and $_.RuleNumber -eq 110) })
    $main = $r.RouteTables | Where-Object RouteTableId -EQ 'rtb-01ffbf44e064bc2a5'
    $main.Routes = @($main.Routes) + [pscustomobject]@{
        DestinationCidrBlock = '10.100.0.0/16'; VpcPeeringConnectionId = 'pcx-0f5c75a7d52d137ac'; State = 'active'; Origin = 'CreateRoute' }
    $eip = [pscustomobject]@{ AllocationId = 'eipalloc-0a1b2c3d4e5f60718'; AssociationId = 'eipassoc-0f1e2d3c4b5a69788'
        IpOwnerId = '111122223333'; PublicIp = '3.91.22.140'; PublicDnsName = 'ec2-3-91-22-140.compute-1.amazonaws.com' }
    $eni = $r.NetworkInterfaces | Where-Object NetworkInterfaceId -EQ 'eni-04fde501f0b4230b4'
    $eni | Add-Member -Force Association $eip
    $eni.PrivateIpAddresses | Where-Object Primary | Add-Member -Force Association $eip
    $appB = $r.RouteTables | Where-Object RouteTableId -EQ 'rtb-0055c6a2d5de566a9'
    $appB.Routes = @($appB.Routes | Where-Object DestinationPrefixListId -NE 'pl-63a5400a')
    $s3 = $r.VpcEndpoints | Where-Object VpcEndpointId -EQ 'vpce-0c8eb4ddbd1c1a1bf'
    $s3.RouteTableIds = @($s3.RouteTableIds | Where-Object { $_ -ne 'rtb-0055c6a2d5de566a9' })
    $s | ConvertTo-Json -Depth 100 | Set-Content $today
    $r.PSObject.Properties.Remove('FlowLogs')
    $r | Add-Member MissingSections @([pscustomobject]@{ Section = 'FlowLogs'; ErrorCode = 'UnauthorizedOperation'; Reason = 'ec2:DescribeFlowLogs denied' })
    $without = Join-Path (Split-Path $Folder) "$(Split-Path -Leaf $Folder)-without-flowlogs.snapshot.json"
    $s | ConvertTo-Json -Depth 100 | Set-Content $without
    [pscustomobject]@{ Folder = $Folder; Yesterday = $yesterday; Today = $today; WithoutFlowLogs = $without }
}
