using System.CommandLine;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec open-ports</c>: Find-OverlyOpenPort for runbooks and CI gates.</summary>
public static class OpenPortsCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var minSeverity = new Option<string>("--min-severity") { Description = "Only findings at or above this severity (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL).", DefaultValueFactory = _ => "INFORMATIONAL" };
        var format = SnapshotCommand.FormatOption("table", "json", "asff", "ocsf");
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a confirmed finding at or above this severity exists (CI gate); else 3 when one may exist but the snapshot cannot prove it." };
        var allowList = new Option<string?>("--allow-list") { Description = "A JSON file of allowed CIDRs, accepted findings and check settings." };
        var includeSuppressed = new Option<bool>("--include-suppressed") { Description = "Also show findings suppressed by the allow-list." };
        var vpc = new Option<string[]>("--vpc-id") { Description = "Only these VPCs.", AllowMultipleArgumentsPerToken = true };
        var group = new Option<string[]>("--group-id") { Description = "Only these security groups.", AllowMultipleArgumentsPerToken = true };
        var checkIds = new Option<string[]>("--check-id") { Description = "Only these checks (ids such as SG.SshFromInternet, EC2.ImdsV1Allowed); checks that did not run are still said.", AllowMultipleArgumentsPerToken = true };
        var account = new Option<string?>("--account-id") { Description = "Account id for asff/ocsf when the snapshot has none." };
        var region = new Option<string?>("--region") { Description = "Region for asff/ocsf when the snapshot has none." };
        var command = new Command("open-ports", "Find security group and NACL rules that open too much, with their real exposure.")
        {
            snapshot, minSeverity, format, failOn, allowList, includeSuppressed, vpc, group, checkIds, account, region,
        };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var minimum = SeverityLabels.Parse(parse.GetValue(minSeverity)!);
            Severity? gate = parse.GetValue(failOn) is { } f ? SeverityLabels.Parse(f) : null;
            var options = new AuditOptions();
            if (parse.GetValue(allowList) is { } path) options = options.WithFile(path);
            var checks = CliOutput.Values(parse.GetValue(checkIds));
            foreach (var id in checks)
                if (Checks.Find(id) is null) throw new ArgumentException($"'{id}' is not a check id ({string.Join(", ", Checks.All.Select(c => c.Id))})");
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            var (vpcIds, _, groupIds) = ScopeIds.Held(index, vpcIds: parse.GetValue(vpc), groupIds: parse.GetValue(group));
            var report = OpenPortAudit.Run(index, options, new AuditScope { VpcIds = vpcIds, GroupIds = groupIds });
            var findings = report.Select(minimum, parse.GetValue(includeSuppressed), checks).ToArray();
            var context = new ExportContext { AccountId = parse.GetValue(account), Region = parse.GetValue(region) };
            switch (parse.GetValue(format))
            {
                case "json": CliOutput.WriteJson(findings, stdout); break;
                case "asff": CliOutput.WriteJson(findings.Select(x => FindingExport.ToAsff(x, context)).ToArray(), stdout); break;
                case "ocsf": CliOutput.WriteJson(findings.Select(x => FindingExport.ToOcsf(x, context)).ToArray(), stdout); break;
                default: WriteTable(findings, report.Notes, stdout, stderr); break;
            }
            // Checks that could not run are said whatever the format: they are why the answer is incomplete.
            foreach (var gap in report.Select(checkIds: [Checks.ChecksNotRun.Id])) stderr.WriteLine($"vpcsec: warning: {gap.Detail}");
            return ExitCode(report, gate ?? minimum, gate is not null);
        }));
        return command;
    }

    /// <summary>
    /// 1 when a confirmed, unsuppressed finding reaches the gate; else 3 when an unconfirmed one reaches it (or the
    /// minimum severity shown, without a gate): the snapshot cannot prove the answer; else 0.
    /// </summary>
    public static int ExitCode(AuditReport report, Severity threshold, bool gated) =>
        gated && report.HasConfirmed(threshold) ? Program.Findings
        : report.IsIncomplete(threshold) ? Program.Unknown
        : Program.Ok;

    /// <summary>A route list or a route-parity pair can run to 200 characters: the table keeps a terminal's width, JSON the whole text.</summary>
    private static string Clip(string cell) => cell.Length <= RuleWidth ? cell : string.Concat(cell.AsSpan(0, RuleWidth - 1), "\u2026");

    private const int RuleWidth = 48;

    private static void WriteTable(IReadOnlyList<Finding> findings, IReadOnlyList<string> notes, TextWriter stdout, TextWriter stderr)
    {
        CliOutput.WriteTable(["Severity", "Check", "Resource", "Rule", "Protocol", "Ports", "Source", "Exposure", "Suppressed"],
            findings.Select(f => (IReadOnlyList<string>)
            [
                f.Confirmed ? f.Severity.Label() : $"{f.Severity.Label()}?", f.CheckId, f.ResourceId, Clip(f.Rule ?? "-"), f.Protocol ?? "-", f.Ports ?? "-", Clip(f.Source ?? "-"),
                f.ExposureVerdict ?? "-", f.Suppressed ? "yes" : "",
            ]), stdout);
        int unconfirmed = findings.Count(f => !f.Confirmed);
        stdout.WriteLine($"\n{findings.Count} finding(s){(unconfirmed == 0 ? "" : $", {unconfirmed} unconfirmed (severity?: their worst case; the data they need is missing, see MissingData in --format json)")}." +
            (findings.Any(f => Clip(f.Rule ?? "") != (f.Rule ?? "") || Clip(f.Source ?? "") != (f.Source ?? "")) ? $" Cells cut with \u2026 are whole in --format json." : ""));
        foreach (var n in notes) stderr.WriteLine($"note: {n}");
    }
}
