using System.CommandLine;
using System.Globalization;
using VpcSecTools.FlowLogs;
using VpcSecTools.LeastPrivilege;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// <c>vpcsec rule-usage</c>: Get-VpcRuleUsage for runbooks. Exit 1 when a safe tightening is proposed, 3 when none is but
/// some rule's usage is Unknown.
/// </summary>
public static class RuleUsageCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var vpcs = new Option<string[]>("--vpc-id") { Description = "Only the groups and network ACLs of these VPCs; without paths, read their own flow logs.", AllowMultipleArgumentsPerToken = true };
        var groups = new Option<string[]>("--group-id") { Description = "Only these security groups (and no network ACL).", AllowMultipleArgumentsPerToken = true };
        var maxPeers = new Option<int>("--max-peers") { Description = "Peers listed per rule.", DefaultValueFactory = _ => 10 };
        var maxCidrs = new Option<int>("--max-cidrs") { Description = "The most CIDRs a proposal may name in place of a rule; past it the rule's own source stays.", DefaultValueFactory = _ => 16 };
        var verdict = new Option<string[]>("--verdict") { Description = "Only rules with these verdicts (used, unused, unknown).", AllowMultipleArgumentsPerToken = true };
        var proposals = new Option<bool>("--proposals") { Description = "Print the tightening proposals instead of the rules." };
        var format = SnapshotCommand.FormatOption("table", "json", "cli", "cloudformation", "terraform");
        var command = new Command("rule-usage",
            "Which security-group rules and NACL entries the flow logs of a window used, which are unused (proven) or unknown, and the tighter rules the traffic supports. Exit 1 when a safe tightening is proposed, 3 when none is but some usage is Unknown.")
            { snapshot, vpcs, groups, maxPeers, maxCidrs, verdict, proposals, format };
        var source = new FlowSourceOptions();
        source.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            if (parse.GetValue(maxPeers) < 0) throw new ArgumentException($"--max-peers must not be negative, not {parse.GetValue(maxPeers)}");
            if (parse.GetValue(maxCidrs) < 1) throw new ArgumentException($"--max-cidrs must be at least 1, not {parse.GetValue(maxCidrs)}");
            var verdicts = CliOutput.Values(parse.GetValue(verdict)).Select(v => Enum.TryParse<UsageVerdict>(v, ignoreCase: true, out var x) ? x
                : throw new ArgumentException($"--verdict '{v}' is not used, unused or unknown")).ToHashSet();
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            var span = source.Window.Window(parse);
            var read = source.Request(parse, index);
            var request = new RuleUsageRequest
            {
                Index = index, Paths = read.Paths, LogGroups = read.LogGroups, FlowLogIds = read.FlowLogIds, Format = read.Format,
                Since = span.Since, Until = span.Until, Threads = read.Threads,
                Options = new RuleUsageOptions
                {
                    VpcIds = CliOutput.Values(parse.GetValue(vpcs)), GroupIds = CliOutput.Values(parse.GetValue(groups)),
                    MaxPeers = parse.GetValue(maxPeers), MaxCidrs = parse.GetValue(maxCidrs),
                },
            };
            bool partial = false;
            var report = RuleUsageAnalysis.Read(request, source.Connect(parse), FlowSourceOptions.Events(stderr, () => partial = true));
            foreach (var w in report.Warnings) stderr.WriteLine($"vpcsec: warning: {w}");
            // The exit code and the summary line are the whole report's: --verdict chooses the rules shown, not what is known.
            // A partial read (a file not read to its end) exits 2, as every flow-log command does.
            int exit = partial ? Program.Error : report.Proposals.Any(p => p.Safe) ? Program.Findings : report.Rules.Any(r => r.Verdict == UsageVerdict.Unknown) ? Program.Unknown : Program.Ok;
            Write(report, verdicts, parse.GetValue(format)!, parse.GetValue(proposals), stdout);
            return exit;
        }));
        return command;
    }

    private static void Write(RuleUsageReport report, HashSet<UsageVerdict> verdicts, string format, bool proposals, TextWriter stdout)
    {
        var shown = verdicts.Count == 0 ? report : report with { Rules = report.Rules.Where(r => verdicts.Contains(r.Verdict)).ToValueList() };
        switch (format)
        {
            case "json": CliOutput.WriteJson(shown, stdout); return;
            case "cli": stdout.Write(RuleUsageRendering.Cli(report)); return;
            case "cloudformation": stdout.WriteLine(RuleUsageRendering.CloudFormation(report)); return;
            case "terraform": stdout.Write(RuleUsageRendering.Terraform(report)); return;
        }
        static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
        // A sum that saturated is at least that (FlowText.Add).
        static string Sum(long n) => SaturatingSum.Saturated(n) ? SaturatingSum.AtLeast(N(n)) : N(n);
        if (proposals)
        {
            CliOutput.WriteTable(["Safe", "GroupId", "Action", "Dropped", "InternetPairs", "SourcesRemoved", "Change", "Withheld"],
                report.Proposals.Select(p => (IReadOnlyList<string>)[p.Safe ? "yes" : "no", p.GroupId, p.Action.ToString(), N(p.DroppedFlows),
                    $"{N(p.InternetPairsBefore)}->{N(p.InternetPairsAfter)}", N(p.SourcesRemovedCount), p.Change, p.Withheld ?? ""]), stdout);
        }
        else
        {
            CliOutput.WriteTable(["Verdict", "ResourceId", "Direction", "Rule", "Flows", "Bytes", "Peers", "LastSeen", "Reason"],
                shown.Rules.Select(r => (IReadOnlyList<string>)[r.Verdict.ToString(), r.ResourceId, r.Direction.ToString(),
                    r.Kind == RuleKind.NetworkAcl ? $"{r.RuleNumber} {r.Action} {r.Protocol} {r.Ports} {r.Source}" : $"{r.Protocol} {r.Ports} {r.Source}",
                    Sum(r.Flows), Sum(r.Bytes), N(r.PeerCount), r.LastSeen?.ToString("u", CultureInfo.InvariantCulture) ?? "", r.Reason]), stdout);
        }
        stdout.WriteLine();
        stdout.WriteLine($"window {report.WindowStart:u} .. {report.WindowEnd:u}: {report.Rules.Count(r => r.Verdict == UsageVerdict.Used)} used, " +
            $"{report.Rules.Count(r => r.Verdict == UsageVerdict.Unused)} unused, {report.Rules.Count(r => r.Verdict == UsageVerdict.Unknown)} unknown; " +
            $"{report.Proposals.Count(p => p.Safe)} safe proposal(s), {report.Proposals.Count(p => !p.Safe)} withheld");
        foreach (var note in report.Notes) stdout.WriteLine("note: " + note);
    }
}
