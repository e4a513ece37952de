using System.Management.Automation;
using VpcSecTools.Exposure;
using VpcSecTools.IpMap;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Finds security group and network ACL rules that open too much, with their real exposure.</para>
/// <para type="description">Runs every audit check (internet-open ports by address coverage, SSH/RDP, the Security
/// Hub EC2.19 and extended high-risk ports, wide CIDRs and port ranges, default and unused groups, NACLs in rule
/// order, IPv4/IPv6 parity, CIDRs that should be group references, port hygiene) and, for internet openings,
/// asks whether the ENIs behind the group are really reachable from the internet.</para>
/// </summary>
[Cmdlet(VerbsCommon.Find, "OverlyOpenPort")]
[OutputType(typeof(Finding))]
public sealed class FindOverlyOpenPortCommand : SnapshotCmdlet
{
    /// <summary>Only findings at or above this severity.</summary>
    [Parameter]
    public Severity MinimumSeverity { get; set; } = Severity.Informational;

    /// <summary>A JSON file of allowed CIDRs, accepted findings and check settings.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? AllowListPath { get; set; }

    /// <summary>Also return findings suppressed by the allow-list (Suppressed = true, SuppressedBy says why).</summary>
    [Parameter]
    public SwitchParameter IncludeSuppressed { get; set; }

    /// <summary>Only these VPCs.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? VpcId { get; set; }

    /// <summary>Only these security groups (no NACL findings).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[]? GroupId { get; set; }

    /// <summary>Only these checks (ids such as SG.SshFromInternet).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateCheckId]
    public string[]? CheckId { get; set; }

    /// <summary>Skip the low-severity port hygiene checks.</summary>
    [Parameter]
    public SwitchParameter NoPortHygiene { get; set; }

    private readonly ScopeIds _vpcIds = new(), _groupIds = new();

    // Pipeline input by property name accumulates; the audit runs once at the end.
    protected override void Process()
    {
        _vpcIds.Add(VpcId);
        _groupIds.Add(GroupId);
    }

    protected override void End()
    {
        if (PipedNothing(_vpcIds, _groupIds)) return;
        var vpcs = Held(_vpcIds, Index.Vpcs, Section.Vpcs, id => new VpcNotInSnapshotException(id));
        var groups = Held(_groupIds, Index.SecurityGroups, Section.SecurityGroups, ResourceNotInSnapshotException.SecurityGroup);
        if (vpcs is { Count: 0 } || groups is { Count: 0 }) return;

        var options = AllowListPath is null ? new AuditOptions()
            : Concerning(AllowListPath, () => new AuditOptions().WithFile(GetUnresolvedProviderPathFromPSPath(AllowListPath)));
        if (NoPortHygiene) options = options with { PortHygiene = false };
        var report = OpenPortAudit.Run(Index, options, new AuditScope { VpcIds = vpcs ?? [], GroupIds = groups ?? [] });
        foreach (var note in report.Notes) WriteVerbose(note);
        // Missing data is said, not only returned: checks that did not run, and findings rated by their worst case.
        foreach (var gap in report.Select(checkIds: [Checks.ChecksNotRun.Id])) WriteWarning(gap.Detail);
        var findings = report.Select(MinimumSeverity, IncludeSuppressed, CheckId).ToArray();
        if (findings.Count(f => !f.Confirmed && f.CheckId != Checks.ChecksNotRun.Id) is > 0 and var unconfirmed)
            WriteWarning($"{unconfirmed} finding(s) are unconfirmed (Confirmed = $false): rated by their worst case because the data they need is missing; MissingData says which.");
        WriteObject(findings, enumerateCollection: true);
    }
}
