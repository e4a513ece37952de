# Runs one Pester file against the built module and writes, as JSON, what the xunit test reports: the counts, each
# failed test and failed block or container (name, Pester's message, file:line), and each skipped test with its tags.
param(
    [Parameter(Mandatory)] [string] $PesterManifest,
    [Parameter(Mandatory)] [string] $Path,
    [Parameter(Mandatory)] [string] $ResultFile
)
$ErrorActionPreference = 'Stop'
Import-Module -Name $PesterManifest

$configuration = New-PesterConfiguration
$configuration.Run.Path = $Path
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Detailed'
$configuration.Output.RenderMode = 'Plaintext'
$result = Invoke-Pester -Configuration $configuration

# Pester's own words for an error, and where it happened: the innermost frame outside Pester (the Should line of
# an assertion, the command that threw), else where the test or block is defined.
$pesterFolder = Split-Path -Parent $PesterManifest
function ConvertTo-Failure {
    param([string] $Name, $ErrorRecords, [string] $DefinedAt)
    [pscustomobject]@{
        Name     = $Name
        Messages = @($ErrorRecords | ForEach-Object {
                $frame = [regex]::Matches([string]$_.ScriptStackTrace, '(?m)^at .*?, (?<file>.+): line (?<line>\d+)$') |
                    Where-Object { -not $_.Groups['file'].Value.StartsWith($pesterFolder) } | Select-Object -First 1
                $where = if ($frame) { "$($frame.Groups['file'].Value):$($frame.Groups['line'].Value)" } else { $DefinedAt }
                "$($_.Exception.Message) ($where)"
            })
    }
}

[pscustomobject]@{
    Result     = $result.Result
    Passed     = $result.PassedCount
    Failed     = $result.FailedCount
    Skipped    = $result.SkippedCount
    NotRun     = $result.NotRunCount
    Failures   = @(
        $result.Failed | ForEach-Object { ConvertTo-Failure -Name $_.ExpandedPath -ErrorRecords $_.ErrorRecord -DefinedAt "$($_.ScriptBlock.File):$($_.StartLine)" }
        $result.FailedBlocks | ForEach-Object { ConvertTo-Failure -Name "block $($_.ExpandedPath)" -ErrorRecords $_.ErrorRecord -DefinedAt "$($_.ScriptBlock.File):$($_.StartLine)" }
        $result.FailedContainers | ForEach-Object { ConvertTo-Failure -Name "container $($_.Item)" -ErrorRecords $_.ErrorRecord -DefinedAt "$($_.Item)" }
    )
    SkippedTests = @($result.Skipped | ForEach-Object { [pscustomobject]@{ Name = $_.ExpandedPath; Tags = @($_.Tag) } })
} | ConvertTo-Json -Depth 6 | Set-Content -LiteralPath $ResultFile -Encoding utf8
