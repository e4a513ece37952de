BeforeAll { . $PSScriptRoot/common.ps1 }

Describe 'Get-VpcRuleUsage' {
    BeforeAll {
        $demo = Import-VpcSnapshot $DemoSnapshot
        $flowLogs = Join-Path $DemoSnapshot 'flowlogs'
        $ids = (Get-Content (Join-Path $DemoSnapshot 'expected.json') -Raw | ConvertFrom-Json).ids
        $rules = Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs
        $db = Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -GroupId $ids.sg.db -Proposal
        # Invoke-FlowLogQuery's groups, by every field the engine reads from a record.
        $groupBy = 'interface-id', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'tcp-flags', 'flow-direction', 'log-status', 'pkt-srcaddr', 'pkt-dstaddr'
    }

    It 'reports the legacy host''s SSH and RDP rules as used by the internet scanners alone' {
        foreach ($port in 22, 3389) {
            $rule = $rules | Where-Object { $_.ResourceId -eq $ids.sg.legacy -and $_.Rule -eq "inbound allow tcp $port from 0.0.0.0/0" }
            $rule.Verdict | Should -Be 'Used'
            $rule.Peers.Address | Should -BeLike '192.0.2.*'
            $rule.Peers.Owner | Sort-Object -Unique | Should -Be 'internet'
        }
        ($rules | Where-Object { $_.ResourceId -eq $ids.sg.legacy -and $_.Rule -eq 'outbound allow all to ::/0' }).Verdict | Should -Be 'Unused'
    }

    It 'says Unknown, and why, for the groups of a VPC whose flow log records only REJECT traffic' {
        $shared = @($rules | Where-Object { $_.VpcId -eq $ids.vpc.shared -and $_.Kind -eq 'SecurityGroup' -and $_.NetworkInterfaces -gt 0 })
        $shared | Should -Not -BeNullOrEmpty
        $shared.Verdict | Sort-Object -Unique | Should -Be 'Unknown'
        $shared[0].Reason | Should -BeLike "*record only REJECT traffic ($($ids.'fl-shared'))*"
    }

    It 'replaces the database''s peered CIDR rule with a reference to the monitoring group, and names what it closes' {
        $peered = $db | Where-Object Rule -eq 'inbound allow tcp 5432 from 10.100.0.0/16'
        ($peered.Safe, $peered.Action, $peered.DroppedFlows) | Should -Be @($true, 'Replace', 0)
        $peered.Authorize.ReferencedGroupId | Should -Be $ids.sg.monitoring
        $peered.Authorize.VpcPeeringConnectionId | Should -Be $ids.pcx
        $peered.SourcesRemovedCount | Should -BeGreaterThan 0
        $peered.SourcesRemoved.Count | Should -Be $peered.SourcesRemovedCount
    }

    It 'writes the safe proposals as <_>' -ForEach 'Cli', 'CloudFormation', 'Terraform' {
        $text = Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -GroupId $ids.sg.db -As $_
        $text | Should -BeOfType [string]
        $text | Should -Match ([regex]::Escape($ids.sg.monitoring))
    }

    It 'writes a CloudFormation template that parses, with the revocations to run after it' {
        $template = Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -GroupId $ids.sg.db -As CloudFormation | ConvertFrom-Json
        @($template.Resources.PSObject.Properties.Value.Type) | Should -Contain 'AWS::EC2::SecurityGroupIngress'
        ($template.Metadata.VpcSecTools.RevokeAfterDeploy -join "`n") | Should -Match "revoke-security-group-ingress --region us-east-1 --group-id $($ids.sg.db) "
        ($template.Metadata.VpcSecTools.RevokeAfterDeploy -join "`n") | Should -Match ([regex]::Escape('"CidrIp":"10.100.0.0/16"'))
    }

    It 'counts the groups Invoke-FlowLogQuery pipes in as it counts the files' {
        $piped = Invoke-FlowLogQuery -Path $flowLogs -GroupBy $groupBy | Get-VpcRuleUsage -Snapshot $demo -GroupId $ids.sg.legacy, $ids.sg.db
        $read = $rules | Where-Object { $_.ResourceId -in $ids.sg.legacy, $ids.sg.db }
        @($piped).Count | Should -Be @($read).Count
        foreach ($rule in $read) {
            $same = $piped | Where-Object { $_.ResourceId -eq $rule.ResourceId -and $_.Rule -eq $rule.Rule }
            ($same.Flows, $same.Bytes, $same.PeerCount, $same.NarrowestFlows) | Should -Be @($rule.Flows, $rule.Bytes, $rule.PeerCount, $rule.NarrowestFlows) -Because $rule.Rule
            if ($rule.Verdict -ne 'Unused') { $same.Verdict | Should -Be $rule.Verdict -Because $rule.Rule }
        }
        ($piped | Where-Object Rule -eq 'inbound allow tcp 22 from 0.0.0.0/0').Verdict | Should -Be 'Used'
    }

    It 'says Unknown, not Unused, for a rule of an ENI no piped group mentions: groups do not say which flow logs were read' {
        # The RDS standby (eni-06c3b393a1f14bae8) logged nothing all day: the files name their flow log, the groups do not.
        $piped = Invoke-FlowLogQuery -Path $flowLogs -GroupBy $groupBy | Get-VpcRuleUsage -Snapshot $demo -GroupId $ids.sg.db
        $bastion = $piped | Where-Object Rule -eq "inbound allow tcp 5432 from $($ids.sg.bastion)"
        ($rules | Where-Object { $_.ResourceId -eq $ids.sg.db -and $_.Rule -eq $bastion.Rule }).Verdict | Should -Be 'Unused'
        $bastion.Verdict | Should -Be 'Unknown'
        $bastion.Reason | Should -BeLike '*no record of it is among the groups piped in*'
    }

    It 'refuses groups that lack a field it needs, naming it' {
        { Invoke-FlowLogQuery -Path $flowLogs -GroupBy interface-id, srcaddr, dstaddr, action | Get-VpcRuleUsage -Snapshot $demo -ErrorAction Stop } |
            Should -Throw -ErrorId 'InvalidArgument*' -ExpectedMessage '*these lack srcport, dstport, protocol*'
    }

    It 'answers nothing for an empty pipeline' {
        @(@() | Get-VpcRuleUsage -Snapshot $demo) | Should -BeNullOrEmpty
    }

    It 'makes every verdict it could change Unknown when a path matches nothing' {
        $missing = Join-Path $TestDrive 'none'
        $result = Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs, $missing -GroupId $ids.sg.legacy -ErrorVariable errors -ErrorAction SilentlyContinue
        @($errors | Where-Object { $_.FullyQualifiedErrorId -like 'FlowLogPathNotFound,*' }) | Should -Not -BeNullOrEmpty
        ($result | Where-Object Rule -eq 'outbound allow all to ::/0').Verdict | Should -Be 'Unknown'
    }

    It 'refuses a -VpcId the snapshot lacks' {
        { Get-VpcRuleUsage -Snapshot $demo -Path $flowLogs -VpcId vpc-0123456789abcdef0 -ErrorAction Stop } | Should -Throw -ErrorId 'VpcNotFound*'
    }

    It 'shows the verdict and the rule first, in 120 columns' {
        $lines = ($rules | Where-Object ResourceId -eq $ids.sg.db | Out-String -Width 120) -split '\r?\n' | Where-Object { $_.Trim() }
        $lines[0] | Should -Match '^Verdict +ResourceId +Name +Dir +Rule '
        foreach ($line in $lines) { $line.TrimEnd().Length | Should -BeLessOrEqual 120 }
    }

    It 'exports its rules to CSV with the peers as their addresses and owners' {
        $file = Join-Path $TestDrive 'usage.csv'
        $rules | Where-Object ResourceId -eq $ids.sg.legacy | Export-Csv -LiteralPath $file
        $ssh = Import-Csv -LiteralPath $file | Where-Object Rule -eq 'inbound allow tcp 22 from 0.0.0.0/0'
        $ssh.Verdict | Should -Be 'Used'
        $ssh.Peers | Should -Match '^192\.0\.2\.\d+ \(internet\)'
    }

    It 'keeps its proposals whole in JSON' {
        $json = $db | Where-Object Rule -eq 'inbound allow tcp 5432 from 10.100.0.0/16' | ConvertTo-Json -Depth 5 | ConvertFrom-Json
        $json.Safe | Should -BeTrue
        $json.Revoke[0].CidrIpv4 | Should -Be '10.100.0.0/16'
        $json.Authorize[0].ReferencedGroupId | Should -Be $ids.sg.monitoring
    }
}
