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
    'VpcSecTools.FlowLogs.FlowGroup', 'VpcSecTools.FlowLogs.FlowGroup#Attributed', 'VpcSecTools.FlowLogs.FlowLogResult',
    'VpcSecTools.Endpoints.NatTrafficTotal', 'VpcSecTools.FlowLogs.FlowLogCoverage',
    'VpcSecTools.Exposure.Finding', 'VpcSecTools.Exposure.AsffFinding', 'VpcSecTools.Exposure.OcsfFinding',
    'VpcSecTools.Endpoints.EndpointPlan', 'VpcSecTools.Endpoints.EndpointRecommendation',
    'VpcSecTools.Endpoints.EndpointFinding', 'VpcSecTools.Endpoints.NatTrafficGroup',
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
        'VpcSecTools.FlowLogs.FlowLogResult' { Invoke-FlowLogQuery -Path $logs -Action REJECT -Count }
        'VpcSecTools.Endpoints.NatTrafficTotal' { Invoke-FlowLogQuery -Path $logs -ThroughNatGateway -Snapshot $demo }
        'VpcSecTools.FlowLogs.FlowLogCoverage' { Get-VpcFlowLogCoverage -Snapshot $demo }
        'VpcSecTools.Exposure.Finding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High }
        'VpcSecTools.Exposure.AsffFinding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-SecurityHubFinding }
        'VpcSecTools.Exposure.OcsfFinding' { Find-OverlyOpenPort -Snapshot $demo -MinimumSeverity High | ConvertTo-OcsfFinding }
        'VpcSecTools.Endpoints.EndpointPlan' { $plan }
        'VpcSecTools.Endpoints.EndpointRecommendation' { $plan.Recommendations }
        'VpcSecTools.Endpoints.EndpointFinding' { $plan.Findings }
        'VpcSecTools.Endpoints.NatTrafficGroup' { $plan.Traffic }
        'VpcSecTools.LeastPrivilege.RuleUsage' { Get-VpcRuleUsage -Snapshot $demo -Path $logs -GroupId $ids.sg.db, $ids.sg.legacy }
        'VpcSecTools.LeastPrivilege.RuleProposal' { Get-VpcRuleUsage -Snapshot $demo -Path $logs -GroupId $ids.sg.db -Proposal }
        'VpcSecTools.Exposure.Finding#Traffic' { Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -WarningAction SilentlyContinue }
        'VpcSecTools.PrivateTrust.TrustZoneSummary' { Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -Summary -WarningAction SilentlyContinue }
        'VpcSecTools.PrivateTrust.PrivateSource' { (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $logs -Summary -WarningAction SilentlyContinue).Sources }
        default { throw "no sample of $Type" }
    }
}
