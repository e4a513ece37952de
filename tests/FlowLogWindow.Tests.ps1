# The five cmdlets that read flow logs take where the logs are and the window the same way (the FlowLogCmdlet base):
# the same parameters with the same types, validation and help, -Last and -Since/-Until with one meaning on each, and the
# same errors. Each runs on the demo network's day.
BeforeAll {
    . $PSScriptRoot/common.ps1
    $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
    $demo = Import-VpcSnapshot $DemoSnapshot
    $quiet = @{ WarningAction = 'SilentlyContinue' }
    # The demo's day lies in the last hundred years, and 06:00-12:00 UTC is a quarter of it.
    $century = '36500d'
    $morning = @{ Since = '2026-11-21T06:00:00Z'; Until = '2026-11-21T12:00:00Z' }
    $cmdlets = 'Invoke-FlowLogQuery', 'Get-VpcRuleUsage', 'Find-UntrustedPrivateTraffic', 'Get-VpcTransferCost', 'New-VpcEndpointPlan'
}

BeforeDiscovery {
    $cmdlets = 'Invoke-FlowLogQuery', 'Get-VpcRuleUsage', 'Find-UntrustedPrivateTraffic', 'Get-VpcTransferCost', 'New-VpcEndpointPlan'
    $shared = 'Path', 'LogGroupName', 'FlowLogId', 'Format', 'ThrottleLimit', 'Since', 'Until', 'Last'
    $perCmdlet = $cmdlets | ForEach-Object { @{ Cmdlet = $_ } }
    $perParameter = $shared | ForEach-Object { @{ Parameter = $_; Cmdlets = $cmdlets } }
}

Describe 'One set of flow-log source and window parameters' {
    It '-<Parameter> has the same type, aliases, validation and help on all five' -ForEach $perParameter {
        $seen = foreach ($name in $Cmdlets) {
            $p = (Get-Command $name).Parameters[$Parameter]
            $p | Should -Not -BeNullOrEmpty -Because "$name takes -$Parameter"
            $validation = ($p.Attributes | Where-Object { $_ -is [System.Management.Automation.ValidateArgumentsAttribute] } |
                ForEach-Object { $_.GetType().Name + ($_.MinRange, $_.MaxRange -join '..') }) -join ','
            $help = (Get-Help $name -Parameter $Parameter).description.Text -join ' '
            $help | Should -Not -BeNullOrEmpty
            '{0}|{1}|{2}|{3}' -f $p.ParameterType.FullName, ($p.Aliases -join ','), $validation, $help
        }
        @($seen | Sort-Object -Unique) | Should -HaveCount 1
    }

    It 'takes -Since and -Until as instants and -Last as a duration' {
        $cmdlets | Should -HaveCount 5
        foreach ($name in $cmdlets) {
            $parameters = (Get-Command $name).Parameters
            $parameters.Since.ParameterType | Should -Be ([Nullable[DateTimeOffset]])
            $parameters.Until.ParameterType | Should -Be ([Nullable[DateTimeOffset]])
            $parameters.Last.ParameterType | Should -Be ([string])
        }
    }

    It '-Last completes durations on <_>, and a word no duration starts with is kept with what -Last takes' -ForEach $cmdlets {
        $line = "$_ -Last "
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('5m', '1h', '6h', '1d', '7d', '30d')
        $line = "$_ -Last 1"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be @('1h', '1d')
        $line = "$_ -Last 3x"
        $none = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches
        $none.CompletionText | Should -Be '3x'
        $none.ListItemText | Should -BeLike '*TimeSpan*'
    }

    It 'a record''s Start (a DateTimeOffset) is a -Since, as Get-Date''s output and text are' {
        # -Since was a DateTime on Invoke-FlowLogQuery, which PowerShell cannot make from a DateTimeOffset.
        $records = Invoke-FlowLogQuery -Path $flowLogs -First 200 | Sort-Object Start
        $later = $records[-1].Start
        $fromRecord = (Invoke-FlowLogQuery -Path $flowLogs -Since $later -Count).Matched
        $fromText = (Invoke-FlowLogQuery -Path $flowLogs -Since $later.UtcDateTime.ToString('o') -Count).Matched
        $fromLocal = (Invoke-FlowLogQuery -Path $flowLogs -Since $later.LocalDateTime -Count).Matched
        $fromRecord | Should -BeGreaterThan 0
        $fromText | Should -Be $fromRecord
        $fromLocal | Should -Be $fromRecord
    }
}

Describe '<Cmdlet> refuses a window it cannot read, before reading' -ForEach $perCmdlet {
    BeforeAll {
        $run = {
            param([hashtable] $Window)
            switch ($Cmdlet) {
                'Invoke-FlowLogQuery' { Invoke-FlowLogQuery -Path $flowLogs -Count @Window -ErrorAction Stop }
                default { & $Cmdlet -Snapshot $demo -Path $flowLogs @Window -ErrorAction Stop }
            }
        }
    }

    It 'refuses -Since with -Last as InvalidArgument, naming the -Last value' {
        $err = { & $run @{ Since = '2026-11-21T00:00:00Z'; Last = '1d' } } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument -Target '1d'
        $err.Exception.Message | Should -BeLike '*since*last*not both*'
    }

    It 'refuses a -Last of <Last> as InvalidArgument, naming it' -ForEach @(
        @{ Last = '3x'; Says = "'3x' is not a positive duration*" }
        @{ Last = '7'; Says = "'7' is not a positive duration*" }
        @{ Last = '3000000d'; Says = "'3000000d' reaches back before the year 1*" }
    ) {
        $err = { & $run @{ Last = $Last } } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument -Target $Last
        $err.Exception.Message | Should -BeLike $Says
    }

    It 'refuses an -Until that is not after -Since' {
        $err = { & $run @{ Since = '2026-11-21T06:00:00Z'; Until = '2026-11-21T06:00:00Z' } } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument
    }

    It 'refuses a -Since that is not a time at binding' {
        { & $run @{ Since = 'yesterday' } } | Should -Throw -ExceptionType ([System.Management.Automation.ParameterBindingException]) -ExpectedMessage '*yesterday*'
    }
}

Describe 'The window on each cmdlet, on the demo day' {
    It 'Invoke-FlowLogQuery: -Last a century counts every record, -Last 1h none, the morning some' {
        $all = (Invoke-FlowLogQuery -Path $flowLogs -Count).Matched
        (Invoke-FlowLogQuery -Path $flowLogs -Count -Last $century).Matched | Should -Be $all
        (Invoke-FlowLogQuery -Path $flowLogs -Count -Last 1h).Matched | Should -Be 0
        $six = (Invoke-FlowLogQuery -Path $flowLogs -Count @morning).Matched
        $six | Should -BeGreaterThan 0
        $six | Should -BeLessThan $all
    }

    It 'Get-VpcTransferCost: -Last counts every byte and scales the month from the span up to now' {
        $all = Get-VpcTransferCost -Snapshot $demo -Path $flowLogs @quiet
        $byCentury = Get-VpcTransferCost -Snapshot $demo -Path $flowLogs -Last $century @quiet -Verbose 4>&1
        $notes = $byCentury | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $lines = $byCentury | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        ($lines | Measure-Object Bytes -Sum).Sum | Should -Be ($all | Measure-Object Bytes -Sum).Sum
        ($lines | Measure-Object GbPerMonth -Sum).Sum | Should -BeLessThan ($all | Measure-Object GbPerMonth -Sum).Sum
        "$notes" | Should -Match ("window 1926-\d\d-\d\d .* \.\. {0:yyyy-MM-dd}" -f [DateTimeOffset]::UtcNow)
        $six = Get-VpcTransferCost -Snapshot $demo -Path $flowLogs @morning @quiet
        ($six | Measure-Object Bytes -Sum).Sum | Should -BeLessThan ($all | Measure-Object Bytes -Sum).Sum
    }

    It 'New-VpcEndpointPlan: -Last is the window that long up to now; -Since/-Until the morning' {
        $before = [DateTimeOffset]::UtcNow
        $hour = New-VpcEndpointPlan -Snapshot $demo -Path $flowLogs -Last 1h @quiet
        $hour.Recommendations | Should -BeNullOrEmpty
        ($hour.WindowEnd - $hour.WindowStart) | Should -Be ([timespan]::FromHours(1))
        $hour.WindowEnd | Should -BeGreaterOrEqual $before
        $six = New-VpcEndpointPlan -Snapshot $demo -Path $flowLogs @morning @quiet
        $six.WindowStart | Should -Be ([DateTimeOffset]'2026-11-21T06:00:00Z')
        $six.Recommendations | Should -Not -BeNullOrEmpty
    }

    It 'Get-VpcRuleUsage: a window over the whole day uses the same rules as no window; -Last 1h uses none' {
        $used = { param($rules) @($rules | Where-Object Verdict -eq Used | ForEach-Object { "$($_.ResourceId) $($_.Rule)" } | Sort-Object) }
        $all = & $used (Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs @quiet)
        $all | Should -Not -BeNullOrEmpty
        & $used (Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -Last $century @quiet) | Should -Be $all
        & $used (Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -Since '2026-11-21T00:00:00Z' -Until '2026-11-22T00:00:00Z' @quiet) | Should -Be $all
        & $used (Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -Last 1h @quiet) | Should -BeNullOrEmpty
    }

    It 'Get-VpcRuleUsage takes -Last for groups piped in, and refuses a -Path beside them' {
        $groups = Invoke-FlowLogQuery -Path $flowLogs -GroupBy interface-id, srcaddr, dstaddr, srcport, dstport, protocol, action, tcp-flags, flow-direction, log-status, pkt-srcaddr, pkt-dstaddr
        @($groups | Get-VpcRuleUsage -Snapshot $demo -Last $century @quiet | Where-Object Verdict -eq Used) | Should -Not -BeNullOrEmpty
        $err = { $groups | Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -ErrorAction Stop } | Should -Throw -PassThru
        Assert-ClassifiedError -ErrorRecord $err -ErrorId 'InvalidArgument' -Category InvalidArgument
        $err.Exception.Message | Should -BeLike '*pipe groups, not both*'
    }

    It 'Find-UntrustedPrivateTraffic: -Last a century finds what no window finds; -Last 1h nothing' {
        $checks = { param($findings) @($findings | Where-Object { $null -ne $_ } | ForEach-Object { "$($_.CheckId) $($_.ResourceId) $($_.Source)" } | Sort-Object) }
        $all = & $checks (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs @quiet)
        $all | Should -Not -BeNullOrEmpty
        & $checks (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Last $century @quiet) | Should -Be $all
        & $checks (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs -Last 1h @quiet) | Should -BeNullOrEmpty
        $six = & $checks (Find-UntrustedPrivateTraffic -Snapshot $demo -Path $flowLogs @morning @quiet)
        $six.Count | Should -BeLessOrEqual $all.Count
    }

    It '<_> answers nothing for an empty pipeline, never the VPCs'' own flow logs' -ForEach $cmdlets {
        # With -VpcId, no source given reads the VPC's own flow logs from AWS: an empty pipeline must not.
        $vpc = @{ VpcId = 'vpc-04be895ea4d91bcbf' }
        $answer = switch ($_) {
            'Invoke-FlowLogQuery' { @() | Invoke-FlowLogQuery -Snapshot $demo @vpc -Count -ErrorAction Stop }
            'Get-VpcRuleUsage' { @() | Get-VpcRuleUsage -Snapshot $demo @vpc -ErrorAction Stop }
            'Find-UntrustedPrivateTraffic' { @() | Find-UntrustedPrivateTraffic -Snapshot $demo @vpc -ErrorAction Stop }
            'Get-VpcTransferCost' { @() | Get-VpcTransferCost -Snapshot $demo @vpc -ErrorAction Stop }
            'New-VpcEndpointPlan' { @() | New-VpcEndpointPlan -Snapshot $demo -ErrorAction Stop }
        }
        $answer | Should -BeNullOrEmpty
    }

    It 'New-VpcEndpointPlan still takes -FlowLogPath, its former name, and Get-ChildItem''s files by FullName' {
        $byAlias = New-VpcEndpointPlan -Snapshot $demo -FlowLogPath $flowLogs @quiet
        $piped = Get-ChildItem $flowLogs -Recurse -File | New-VpcEndpointPlan -Snapshot $demo @quiet
        $byAlias.Recommendations | Should -Not -BeNullOrEmpty
        ($piped.Recommendations | ConvertTo-Json -Depth 5) | Should -Be ($byAlias.Recommendations | ConvertTo-Json -Depth 5)
    }
}

Describe 'The source parameters the base gave Get-VpcTransferCost and New-VpcEndpointPlan' {
    BeforeAll {
        # The demo day without its header lines: its format is then that of the snapshot's flow log, or -Format's.
        $headless = Join-Path $TestDrive 'headless'
        $null = New-Item -ItemType Directory -Path $headless
        $header = $null
        foreach ($file in Get-ChildItem $flowLogs -Recurse -File -Filter *.log.gz) {
            $reader = [System.IO.StreamReader]::new([System.IO.Compression.GZipStream]::new($file.OpenRead(), [System.IO.Compression.CompressionMode]::Decompress))
            try { $lines = @($reader.ReadToEnd() -split "`n" | Where-Object { $_ }) } finally { $reader.Dispose() }
            $header = $lines[0]
            Set-Content -LiteralPath (Join-Path $headless ($file.Name -replace '\.gz$', '')) -Value ($lines | Select-Object -Skip 1)
        }
        $flowLogId = 'fl-060305267e80e0e4c'
        $bytes = { param($lines) ($lines | Measure-Object Bytes -Sum).Sum }
    }

    It 'Get-VpcTransferCost reads files without a header in the format of -FlowLogId, or of -Format, on -ThrottleLimit threads' {
        $all = & $bytes (Get-VpcTransferCost -Snapshot $demo -Path $flowLogs @quiet)
        & $bytes (Get-VpcTransferCost -Snapshot $demo -Path $headless -FlowLogId $flowLogId @quiet) | Should -Be $all
        & $bytes (Get-VpcTransferCost -Snapshot $demo -Path $headless -Format $header -ThrottleLimit 1 @quiet) | Should -Be $all
        # Without the format, the lines are read as the default version 2 records they are not: none of them is counted.
        $misread = Get-VpcTransferCost -Snapshot $demo -Path $headless -WarningVariable said -WarningAction SilentlyContinue
        & $bytes $misread | Should -Not -Be $all
    }

    It 'New-VpcEndpointPlan reads them the same way' {
        $plan = New-VpcEndpointPlan -Snapshot $demo -Path $flowLogs @quiet
        $fromId = New-VpcEndpointPlan -Snapshot $demo -Path $headless -FlowLogId $flowLogId @quiet
        $fromFormat = New-VpcEndpointPlan -Snapshot $demo -Path $headless -Format $header -ThrottleLimit 1 @quiet
        $plan.Recommendations | Should -Not -BeNullOrEmpty
        ($fromId.Recommendations | ConvertTo-Json -Depth 5) | Should -Be ($plan.Recommendations | ConvertTo-Json -Depth 5)
        ($fromFormat.Recommendations | ConvertTo-Json -Depth 5) | Should -Be ($plan.Recommendations | ConvertTo-Json -Depth 5)
    }

    It '<_> reads -LogGroupName from CloudWatch Logs, checking the AWS parameters first' -ForEach 'Get-VpcTransferCost', 'New-VpcEndpointPlan' {
        { & $_ -Snapshot $demo -LogGroupName /vpc/flowlogs -AccessKey AKIDEXAMPLE -SecretKey secret -Region us-east-1 -EndpointUrl 'not a url' -ErrorAction Stop } |
            Should -Throw -ErrorId 'AwsConfigurationInvalid*'
    }
}
