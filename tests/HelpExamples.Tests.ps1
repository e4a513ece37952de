# Help that cannot rot: every example of every cmdlet's help (Get-Help -Examples on the built module) runs as
# written, from a folder where ./samples and ./tests are the repository's, and ends without an error. Examples
# that call AWS run against the loopback EC2 replay (tests/Ec2Replay.ps1) with a profile named as the examples
# name it; those that need AWS.Tools run when it is installed (tag AWS.Tools); the rest are listed with the
# reason they cannot run here.
BeforeDiscovery {
    . $PSScriptRoot/common.ps1
    # Examples that cannot run here, by "<cmdlet> <number>", and why.
    $cannotRun = @{
        'Export-VpcSnapshot 2'  = 'captures every enabled region: it calls DescribeRegions, which the recorded EC2 replay does not hold'
        'Get-VpcSnapshot 3'     = 'captures every enabled region: it calls DescribeRegions, which the recorded EC2 replay does not hold'
        'Invoke-FlowLogQuery 5' = 'runs a CloudWatch Logs Insights query: the recorded EC2 replay answers EC2 calls only'
        'Invoke-FlowLogQuery 6' = 'lists and reads S3 objects: the recorded EC2 replay answers EC2 calls only'
        'Invoke-FlowLogQuery 9' = 'reads the VPC''s flow logs from S3: the recorded EC2 replay answers EC2 calls only'
        'New-VpcEndpointPlan 4' = 'downloads ip-ranges.json from AWS, and reads ./prices.json, a price table of your own'
        'New-VpcEndpointPlan 5' = 'downloads ip-ranges.json from AWS'
        'New-VpcEndpointPlan 6' = 'reads the VPC''s flow logs from S3: the recorded EC2 replay answers EC2 calls only'
    }
    $examples = foreach ($command in Get-Command -Module VpcSecTools -CommandType Cmdlet | Sort-Object Name) {
        $number = 0
        foreach ($example in (Get-Help -Name $command.Name -Examples).Examples.Example) {
            $number++
            $code = ($example.code -join "`n").Trim()
            @{
                Command = $command.Name; Number = $number; Code = $code
                Title = ($example.title -replace '^[-\s]*Example \d+:\s*', '' -replace '[-\s]*$', '')
                Reason = $cannotRun["$($command.Name) $number"]
                AwsTools = $code -match '\b(Get|Set|New|Remove)-EC2\w+'
            }
        }
    }
    $runnable = @($examples | Where-Object { -not $_.Reason -and -not $_.AwsTools })
    $withAwsTools = @($examples | Where-Object { -not $_.Reason -and $_.AwsTools })
    $known = @($examples | ForEach-Object { "$($_.Command) $($_.Number)" })
    $listed = @($cannotRun.Keys | Sort-Object | ForEach-Object { @{ Key = $_; Reason = $cannotRun[$_]; Known = $known } })
}

BeforeAll {
    . $PSScriptRoot/common.ps1
    . $PSScriptRoot/Ec2Replay.ps1
    $replay = Start-Ec2Replay -Scenario 'test-nat-gateway'

    # A folder where the examples' relative paths (./samples/demo, ./tests/fixtures/...) are the repository's, and
    # the files they write land in the test drive.
    $work = Join-Path $TestDrive 'work'
    $null = New-Item -ItemType Directory -Path $work
    foreach ($name in 'samples', 'tests') { $null = New-Item -ItemType SymbolicLink -Path (Join-Path $work $name) -Target (Join-Path $repoRoot $name) }
    # Compare-VpcSnapshot's examples compare the demo network yesterday and today (helpers.ps1), as files and as a capture folder.
    . $PSScriptRoot/helpers.ps1
    $drift = New-DemoDrift (Join-Path $work 'captures')
    Copy-Item -LiteralPath $drift.Yesterday -Destination (Join-Path $work 'yesterday.snapshot.json')
    Copy-Item -LiteralPath $drift.Today -Destination (Join-Path $work 'today.snapshot.json')

    # The profile the examples name (in a credentials file every command is pointed at: the SDK reads the
    # AWS_SHARED_CREDENTIALS_FILE variable once per process), and the environment's keys: the replay's fake ones.
    $saved = @{}
    foreach ($name in 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_PROFILE') {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
    }
    $credentials = Join-Path $TestDrive 'aws-credentials'
    Set-Content -LiteralPath $credentials -Value '[prod-readonly]', "aws_access_key_id = $($FakeAws.AccessKey)", "aws_secret_access_key = $($FakeAws.SecretKey)"
    $env:AWS_ACCESS_KEY_ID, $env:AWS_SECRET_ACCESS_KEY, $env:AWS_REGION = $FakeAws.AccessKey, $FakeAws.SecretKey, $FakeAws.Region
    $env:AWS_SESSION_TOKEN, $env:AWS_PROFILE = $null, $null
    # Every command that can send its calls elsewhere sends them to the replay (AWS.Tools' cmdlets too).
    $PSDefaultParameterValues['*:EndpointUrl'] = $replay.Url
    $PSDefaultParameterValues['*:ProfileLocation'] = $credentials

    function Invoke-Example {
        param([string] $Code)
        Push-Location -LiteralPath $work
        try { & ([scriptblock]::Create($Code)) 2>&1 | ForEach-Object { $_ } }
        finally { Pop-Location }
    }
}

AfterAll {
    $PSDefaultParameterValues.Remove('*:EndpointUrl')
    $PSDefaultParameterValues.Remove('*:ProfileLocation')
    foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    Stop-Ec2Replay $replay
}

Describe 'Help examples' {
    It '<Command> example <Number> runs: <Title>' -ForEach $runnable {
        $output = @(Invoke-Example -Code $Code)
        $errors = @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $errors | Should -BeNullOrEmpty -Because "the example ends without an error:`n$Code`n$($errors -join "`n")"
    }

    It '<Command> example <Number> runs with AWS.Tools: <Title>' -ForEach $withAwsTools -Tag 'AWS.Tools' {
        if (-not (Get-Command -Name Get-EC2Vpc -ErrorAction Ignore)) { Set-ItResult -Skipped -Because 'it calls AWS.Tools.EC2, which is not installed'; return }
        $output = @(Invoke-Example -Code $Code)
        @($output | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) | Should -BeNullOrEmpty
    }

    It 'names a reason for "<Key>", and that example is still in the help' -ForEach $listed {
        $Reason | Should -Not -BeNullOrEmpty
        $Known | Should -Contain $Key
    }
}
