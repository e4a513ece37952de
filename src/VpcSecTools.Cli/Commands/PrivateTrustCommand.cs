using System.CommandLine;
using System.Globalization;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.PrivateTrust;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec private-trust</c>: Find-UntrustedPrivateTraffic for runbooks and scheduled runs (<c>--fail-on</c>).</summary>
public static class PrivateTrustCommand
{
    private static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true };

    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var vpcs = Many("--vpc-id", "Only traffic received by network interfaces of these VPCs; with no paths, read their own flow logs.");
        var baselineLogs = Many("--baseline-flow-logs", "Flow logs of a baseline window: a source and interface that talk in the window but not in them are new talkers.");
        var baselineSince = new Option<DateTimeOffset?>("--baseline-since") { Description = "The baseline window's start (of --baseline-flow-logs, or else of the window's own flow logs)." };
        var baselineUntil = new Option<DateTimeOffset?>("--baseline-until") { Description = "The baseline window's end." };
        var baselineFile = new Option<string?>("--baseline") { Description = "A baseline file saved by --save-baseline." };
        var saveBaseline = new Option<string?>("--save-baseline") { Description = "Write this window's conversations to a baseline file for later runs." };
        var sensitive = Many("--sensitive-ports", "Ports that are sensitive (default: the audit's high-risk lists, Security Hub EC2.19 and the extended list).");
        var dataStoreName = Many("--data-store-name", "Wildcards on ENI or instance Name tags that mark data stores (default: *db* *database* *sql* *redis* *mongo*).");
        var dataStoreTag = Many("--data-store-tag", "Tags that mark data stores: Key=Value (wildcards) or Key.");
        var minSeverity = new Option<string>("--min-severity") { Description = "Only findings at or above this severity (CRITICAL, HIGH, MEDIUM, LOW, INFORMATIONAL).", DefaultValueFactory = _ => "INFORMATIONAL" };
        var failOn = new Option<string?>("--fail-on") { Description = "Exit 1 when a confirmed finding at or above this severity exists; else 3 when one may exist but whose space its source is in is unknown." };
        var account = new Option<string?>("--account-id") { Description = "Account id for asff/ocsf when the snapshot has none." };
        var format = SnapshotCommand.FormatOption("table", "json", "csv", "asff", "ocsf");
        var command = new Command("private-trust",
            "Who sends private-address traffic to the snapshot's network interfaces (own account, other accounts, on premises, no owner), and what the flow logs saw that the snapshot's model forbids, that reached sensitive ports or data stores, or that a baseline did not have.")
        {
            snapshot, vpcs, baselineLogs, baselineSince, baselineUntil, baselineFile, saveBaseline,
            sensitive, dataStoreName, dataStoreTag, minSeverity, failOn, account, format,
        };
        var source = new FlowSourceOptions("For s3:// paths, log groups and the snapshot's flow logs (and the region of asff/ocsf when the snapshot has none)");
        source.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            var minimum = SeverityLabels.Parse(parse.GetValue(minSeverity)!);
            Severity? gate = parse.GetValue(failOn) is { } f ? SeverityLabels.Parse(f) : null;
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshot)!));
            var span = source.Window.Window(parse);
            var options = new PrivateTrustOptions { VpcIds = CliOutput.Values(parse.GetValue(vpcs)) };
            if (parse.GetValue(sensitive) is { Length: > 0 })
                options = options with { SensitivePorts = CliOutput.Values(parse.GetValue(sensitive)).Select(Port).ToArray() };
            if (parse.GetValue(dataStoreName) is { Length: > 0 } names) options = options with { DataStoreNames = names };
            if (parse.GetValue(dataStoreTag) is { Length: > 0 } tags) options = options with { DataStoreTags = tags };
            var read = source.Request(parse, index);
            var request = new PrivateTrustRequest
            {
                Paths = read.Paths, LogGroups = read.LogGroups, FlowLogIds = read.FlowLogIds, Format = read.Format, Since = span.Since, Until = span.Until,
                BaselinePaths = parse.GetValue(baselineLogs) ?? [], BaselineSince = parse.GetValue(baselineSince), BaselineUntil = parse.GetValue(baselineUntil),
                BaselineFile = parse.GetValue(baselineFile), Options = options, Threads = read.Threads,
            };
            var report = PrivateTrustAnalysis.Run(index, request, source.Connect(parse), FlowSourceOptions.Events(stderr));
            if (parse.GetValue(saveBaseline) is { } save) new TrustBaseline { Talkers = report.Talkers, FirstSeen = report.FirstSeen, LastSeen = report.LastSeen }.Save(save);
            var findings = report.Select(minimum).ToArray();
            var context = new ExportContext { AccountId = parse.GetValue(account), Region = source.Aws.Region(parse) };
            switch (parse.GetValue(format))
            {
                case "json": CliOutput.WriteJson(report with { Findings = findings }, stdout); break;
                case "csv": WriteCsv(findings, stdout); break;
                case "asff": CliOutput.WriteJson(findings.Select(x => FindingExport.ToAsff(x, context)).ToArray(), stdout); break;
                case "ocsf": CliOutput.WriteJson(findings.Select(x => FindingExport.ToOcsf(x, context)).ToArray(), stdout); break;
                default: WriteTables(report, findings, stdout, stderr); break;
            }
            foreach (var w in report.Warnings) stderr.WriteLine($"vpcsec: warning: {w}");
            return ExitCode(report, gate ?? minimum, gate is not null);
        }));
        return command;
    }

    /// <summary>
    /// 2 when the read was partial (a path matched nothing, a file could not be read to its end); else 1 when a confirmed
    /// finding reaches the gate; else 3 when an unconfirmed one may; else 0.
    /// </summary>
    public static int ExitCode(PrivateTrustReport report, Severity threshold, bool gated) =>
        report.PartialRead ? Program.Error
        : gated && report.HasConfirmed(threshold) ? Program.Findings
        : report.HasUnconfirmed(threshold) ? Program.Unknown
        : Program.Ok;

    private static int Port(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int p) && p <= 65535 ? p
            : throw new FormatException($"--sensitive-ports: '{text}' is not a port (0-65535)");

    private static string Time(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture) ?? "-";

    private static readonly string[] FindingColumns =
        ["Severity", "CheckId", "SourceAddress", "SourceOwner", "NetworkInterfaceId", "ResourceName", "Protocol", "Ports", "Action", "Records", "Bytes", "FirstSeen", "LastSeen", "Rule", "Confirmed"];

    private static IReadOnlyList<string> Cells(Finding f) =>
    [
        f.Severity.Label(), f.CheckId, f.Traffic?.SourceAddress ?? "", f.Traffic?.SourceOwner ?? "", f.Traffic?.NetworkInterfaceId ?? f.ResourceId,
        f.ResourceName ?? "", f.Protocol ?? "", f.Ports ?? "", f.Traffic?.Action ?? "", (f.Traffic?.Records ?? 0).ToString(CultureInfo.InvariantCulture),
        SaturatingSum.Text(f.Traffic?.Bytes ?? 0), Time(f.Traffic?.FirstSeen), Time(f.Traffic?.LastSeen), f.Rule ?? "",
        f.Confirmed ? "true" : "false",
    ];

    private static void WriteCsv(IEnumerable<Finding> findings, TextWriter w)
    {
        static string Quote(string s) => s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        w.WriteLine(string.Join(",", FindingColumns));
        foreach (var f in findings) w.WriteLine(string.Join(",", Cells(f).Select(Quote)));
    }

    private static void WriteTables(PrivateTrustReport report, IReadOnlyList<Finding> findings, TextWriter w, TextWriter stderr)
    {
        w.WriteLine($"Private sources by trust zone, {Time(report.FirstSeen)} .. {Time(report.LastSeen)}:");
        CliOutput.WriteTable(["VpcId", "Zone", "Sources", "Interfaces", "Records", "Accepted", "Rejected", "Bytes", "Findings", "Top sources"],
            report.Zones.Select(z => (IReadOnlyList<string>)
            [
                z.VpcId, z.Zone.ToString(), N(z.SourceCount), N(z.NetworkInterfaceCount), N(z.Records), N(z.AcceptedRecords), N(z.RejectedRecords), SaturatingSum.Text(z.Bytes),
                N(z.FindingCount), string.Join("; ", z.Sources.Take(3).Select(s => s.Name == s.SourceAddress ? s.Name : $"{s.SourceAddress} {s.Name}")),
            ]), w);
        w.WriteLine();
        CliOutput.WriteTable(["Severity", "Check", "Source", "Interface", "Ports", "Action", "Records", "LastSeen"],
            findings.Select(f => (IReadOnlyList<string>)
            [
                f.Confirmed ? f.Severity.Label() : $"{f.Severity.Label()}?", f.CheckId, f.Source ?? "", $"{f.ResourceId} {f.ResourceName}".Trim(),
                $"{f.Protocol}{(f.Protocol is null || f.Ports is null ? "" : "/")}{f.Ports}", f.Traffic?.Action ?? "", N(f.Traffic?.Records ?? 0), Time(f.Traffic?.LastSeen),
            ]), w);
        int unconfirmed = findings.Count(f => !f.Confirmed);
        w.WriteLine($"\n{findings.Count} finding(s){(unconfirmed == 0 ? "" : $", {unconfirmed} unconfirmed (severity?: whose space the source is in is unknown, see MissingData in --format json)")}; Detail in --format json.");
        foreach (var n in report.Notes) stderr.WriteLine($"note: {n}");
    }

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);
}
