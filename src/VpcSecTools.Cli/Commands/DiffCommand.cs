using System.CommandLine;
using VpcSecTools.Drift;
using VpcSecTools.Exposure;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec diff</c>: Compare-VpcSnapshot for nightly runbooks and CI gates.</summary>
public static class DiffCommand
{
    public static Command Create()
    {
        var reference = new Option<string?>("--reference") { Description = "The earlier snapshot (file or folder of describe-* outputs)." };
        var difference = new Option<string?>("--difference") { Description = "The later snapshot." };
        var folder = new Option<string?>("--folder") { Description = "A folder of captures named by their UTC time (2026-12-06T030000Z.snapshot.json): compare the latest with an earlier one." };
        var since = new Option<string?>("--since") { Description = "With --folder: the latest capture at or before this (yesterday, last-week, 36h, 2d, or a date); default: the one before the latest." };
        var format = SnapshotCommand.FormatOption("table", "json", "markdown", "asff", "ocsf");
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 on: new-exposure (the internet reaches an ENI it did not), new-finding, or any-change." };
        failOn.AcceptOnlyFromAmong("new-exposure", "new-finding", "any-change");
        var includeUnchanged = new Option<bool>("--include-unchanged") { Description = "Also list the findings both audits have unchanged." };
        var allowList = new Option<string?>("--allow-list") { Description = "The audit's allow-list, for both snapshots' findings." };
        var account = new Option<string?>("--account-id") { Description = "Account id for asff/ocsf when the snapshot has none." };
        var region = new Option<string?>("--region") { Description = "Region for asff/ocsf when the snapshot has none." };
        var command = new Command("diff", "What changed between two captures: configuration, reachability (with the cause) and findings.")
        {
            reference, difference, folder, since, format, failOn, includeUnchanged, allowList, account, region,
        };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var (before, after) = Snapshots(parse.GetValue(reference), parse.GetValue(difference), parse.GetValue(folder), parse.GetValue(since), stderr);
            var options = new AuditOptions();
            if (parse.GetValue(allowList) is { } path) options = options.WithFile(path);
            var report = SnapshotDrift.Compare(new SnapshotIndex(SnapshotLoader.Load(before)), new SnapshotIndex(SnapshotLoader.Load(after)),
                new DriftOptions { Audit = options, IncludeUnchanged = parse.GetValue(includeUnchanged), ReferenceName = before, DifferenceName = after });
            var context = new ExportContext { AccountId = parse.GetValue(account), Region = parse.GetValue(region) };
            // A scheduled run sends the audit's new findings and the paths the later capture opened.
            var newFindings = report.NewFindings.ToArray();
            switch (parse.GetValue(format))
            {
                case "json":
                    CliOutput.WriteJson(new { report.Reference, report.Difference, Changes = report.Changes.Cast<object>().ToArray(), report.Work, report.Milliseconds }, stdout);
                    break;
                case "markdown": stdout.Write(DriftMarkdown.Render(report)); break;
                case "asff": CliOutput.WriteJson(newFindings.Select(f => FindingExport.ToAsff(f, context)).ToArray(), stdout); break;
                case "ocsf": CliOutput.WriteJson(newFindings.Select(f => FindingExport.ToOcsf(f, context)).ToArray(), stdout); break;
                default: WriteTable(report, stdout); break;
            }
            // What could not be compared is said whatever the format: "no change" there means nothing.
            foreach (var gap in report.Gaps.Where(g => g.MissingIn != "both")) stderr.WriteLine($"vpcsec: warning: {gap.Summary}");
            return ExitCode(report, parse.GetValue(failOn));
        }));
        return command;
    }

    /// <summary>The two snapshot paths: given, or picked from a capture folder.</summary>
    private static (string Reference, string Difference) Snapshots(string? reference, string? difference, string? folder, string? since, TextWriter stderr)
    {
        if (folder is not null)
        {
            if (reference is not null || difference is not null) throw new ArgumentException("--folder picks both snapshots: give it without --reference and --difference.");
            var (r, d) = CaptureFolder.Pick(folder, since is null ? null : CaptureFolder.ParseSince(since, DateTimeOffset.UtcNow));
            stderr.WriteLine($"vpcsec: comparing {r.Path} with {d.Path}");
            return (r.Path, d.Path);
        }
        if (since is not null) throw new ArgumentException("--since picks a capture of --folder: give --folder.");
        if (reference is null || difference is null) throw new ArgumentException("Give --reference and --difference, or --folder.");
        return (reference, difference);
    }

    /// <summary>
    /// 1 when the gate's condition holds; else 3 when part of the comparison is Unknown (a snapshot lacks a section, or a
    /// verdict became Unknown), since the gate cannot be proven to pass; else 0.
    /// </summary>
    public static int ExitCode(DriftReport report, string? gate)
    {
        bool failed = gate switch
        {
            "new-exposure" => report.NewExposures.Any(),
            "new-finding" => report.Findings.Any(f => f.Change == DriftChangeKind.New),
            "any-change" => report.Configuration.Any() || report.Reachability.Any() || report.Findings.Any(f => f.Change != DriftChangeKind.Unchanged),
            _ => false,
        };
        return failed ? Program.Findings : report.IsIncomplete ? Program.Unknown : Program.Ok;
    }

    private static void WriteTable(DriftReport report, TextWriter stdout)
    {
        stdout.WriteLine($"{report.Reference} -> {report.Difference}\n");
        CliOutput.WriteTable(["Kind", "Change", "Subject", "Summary"],
            report.Changes.Select(c => (IReadOnlyList<string>)[c.Kind.ToString(), c.Change.ToString(), c.Subject, c.Summary]), stdout);
        stdout.WriteLine($"\n{report.NewExposures.Count()} new internet exposure(s); {report.Configuration.Count()} configuration, {report.Reachability.Count()} reachability, " +
            $"{report.Findings.Count()} finding change(s); {report.Gaps.Count()} part(s) not compared.");
    }
}
