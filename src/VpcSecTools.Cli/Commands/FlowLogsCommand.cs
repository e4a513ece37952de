using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VpcSecTools.Aws;
using VpcSecTools.FlowLogs;
using VpcSecTools.FlowLogs.S3;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary><c>vpcsec flowlogs query|coverage</c>.</summary>
public static class FlowLogsCommand
{
    public static Command Create()
    {
        var command = new Command("flowlogs", "Query VPC flow logs (files, folders, wildcards at any level of a local path; plain, .gz or Parquet), or list flow-log coverage of a snapshot.");
        command.Subcommands.Add(Query());
        command.Subcommands.Add(Coverage());
        return command;
    }

    private static Option<string[]> Many(string name, string description) =>
        new(name) { Description = description, AllowMultipleArgumentsPerToken = true };

    private static Command Query()
    {
        var src = Many("--source-address", "Source address or CIDR (repeat or comma-separate for any of several).");
        var dst = Many("--destination-address", "Destination address or CIDR.");
        var addr = Many("--address", "Address or CIDR on either side.");
        var srcPort = Many("--source-port", "Source port or range (1024-65535).");
        var dstPort = Many("--destination-port", "Destination port or range.");
        var port = Many("--port", "Port or range on either side.");
        var protocol = Many("--protocol", "Protocol name (tcp, udp, icmp) or number.");
        var action = Many("--action", "ACCEPT or REJECT.");
        var logStatus = Many("--log-status", "OK, NODATA or SKIPDATA.");
        var eni = Many("--interface-id", "ENI id.");
        var vpc = Many("--vpc-id", "VPC id: with --snapshot and no path, read the VPC's own flow logs (S3 or CloudWatch Logs, as describe-flow-logs says); otherwise a filter on the vpc-id field (version 3+).");
        var subnet = Many("--subnet-id", "Subnet id (version 3+ field).");
        var instance = Many("--instance-id", "Instance id (version 3+ field).");
        var direction = Many("--flow-direction", "ingress or egress (version 5+ field).");
        var groupBy = Many("--group-by", "Fields to aggregate by (srcaddr,dstaddr or SourceAddress,...).");
        var bin = new Option<string?>("--bin") { Description = "Time-bin width for aggregates (5m, 1h)." };
        var top = new Option<int?>("--top") { Description = "Only the N largest groups." };
        var by = new Option<string?>("--by") { Description = "Rank groups by bytes (default), packets or count." };
        var first = new Option<int?>("--first") { Description = "Only the first N records." };
        var count = new Option<bool>("--count") { Description = "Print only the count and read report." };
        var maxMemory = new Option<string?>("--max-memory")
        {
            Description = "Memory the groups of a --group-by may hold before they spill to disk (256MiB, 2G; default: half the machine's memory).",
        };
        var snapshot = new Option<string?>("--snapshot") { Description = "A snapshot (file or folder): where --vpc-id's flow logs go, and the network --attribute and --through-nat-gateway use." };
        var attribute = new Option<bool>("--attribute") { Description = "Add who each address is (owner columns), from --snapshot and AWS ip-ranges." };
        var throughNat = new Option<bool>("--through-nat-gateway") { Description = "Bytes through the snapshot's NAT gateways by destination service and region, each flow counted once." };
        var format = SnapshotCommand.FormatOption("table", "json", "csv");
        var command = new Command("query", "Filter flow-log records, or aggregate them with --group-by/--bin and --top.")
        {
            src, dst, addr, srcPort, dstPort, port, protocol, action, logStatus, eni, vpc, subnet, instance, direction,
            groupBy, bin, top, by, first, count, maxMemory, snapshot, attribute, throughNat, format,
        };
        var source = new FlowSourceOptions("S3 paths, log groups, a VPC's own flow logs, Athena, Insights");
        source.AddTo(command);
        var remote = new FlowLogsRemote(source);
        remote.AddTo(command);
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, stderr) =>
        {
            bool nat = parse.GetValue(throughNat);
            var arguments = source.Window.Add(parse, new FlowQueryArguments
            {
                SourceAddress = parse.GetValue(src), DestinationAddress = parse.GetValue(dst), Address = parse.GetValue(addr),
                SourcePort = parse.GetValue(srcPort), DestinationPort = parse.GetValue(dstPort), Port = parse.GetValue(port),
                Protocol = parse.GetValue(protocol), Action = parse.GetValue(action), LogStatus = parse.GetValue(logStatus),
                InterfaceId = parse.GetValue(eni), VpcId = parse.GetValue(vpc), SubnetId = parse.GetValue(subnet),
                InstanceId = parse.GetValue(instance), FlowDirection = parse.GetValue(direction),
                // --top ranks the NAT totals too, but they are not a group-by.
                GroupBy = parse.GetValue(groupBy), Bin = parse.GetValue(bin), Top = nat ? null : parse.GetValue(top), By = parse.GetValue(by),
                First = parse.GetValue(first),
            });
            var query = arguments.ToQuery();
            if (nat && parse.GetValue(top) is <= 0) throw new ArgumentException($"--top must be positive, not {parse.GetValue(top)}");
            var index = parse.GetValue(snapshot) is { } sp ? new SnapshotIndex(SnapshotLoader.Load(sp)) : null;
            if ((parse.GetValue(attribute) || nat) && index is null)
                throw new ArgumentException($"{(nat ? "--through-nat-gateway" : "--attribute")} needs --snapshot");
            var read = source.Request(parse, index) with
            {
                MaxMemory = parse.GetValue(maxMemory) is { } memory ? FlowQueryArguments.ParseMemory(memory) : null,
            };
            if (remote.Applies(parse))
                return remote.Run(parse, query, read.Format, parse.GetValue(format) ?? "table", stdout, stderr,
                    parse.GetValue(attribute) ? new FlowAttribution(index!) : null);
            if (source.NoSource(parse) && (index is null || query.Filter.VpcId.Count == 0))
                throw new ArgumentException("give flow-log paths or --log-group-name, --snapshot with --vpc-id or --flow-log-id to read those flow logs, or --engine athena|insights");
            var options = new FlowLogReadOptions { Format = read.Format, Threads = read.Threads, MaxMemory = read.MaxMemory };
            return RunQuery(read.Paths, query, options, parse.GetValue(count), parse.GetValue(format) ?? "table", stdout, stderr,
                source.Connect(parse), read.LogGroups, index is null ? null : new QueryNetwork(index, parse.GetValue(attribute), nat, read.FlowLogIds, nat ? parse.GetValue(top) : null));
        }));
        return command;
    }

    /// <summary>The snapshot a query uses: to find --vpc-id's flow logs, to attribute addresses, to count NAT traffic.</summary>
    /// <param name="FlowLogIds">Flow logs named by id: read them when no path is given.</param>
    /// <param name="Top">With <paramref name="ThroughNatGateway"/>: only the largest totals.</param>
    public sealed record QueryNetwork(SnapshotIndex Index, bool Attribute = false, bool ThroughNatGateway = false, IReadOnlyList<string>? FlowLogIds = null,
        int? Top = null);

    /// <summary>
    /// Runs a query through the engine's one local run (<see cref="FlowLogRun"/>) and writes its output; exit 2 when a path
    /// matched nothing (before anything is read) or a file could not be read to its end. <c>s3://</c> paths are listed for the query's window through
    /// <paramref name="connect"/>'s connection. With a <paramref name="network"/>, no path and a VPC filter, the VPC's own
    /// flow logs are read where the snapshot says they go.
    /// </summary>
    public static int RunQuery(IReadOnlyList<string> paths, FlowLogQuery query, FlowLogReadOptions options, bool countOnly, string format,
        TextWriter stdout, TextWriter stderr, Func<AwsConnection>? connect = null, IReadOnlyList<string>? logGroups = null, QueryNetwork? network = null)
    {
        connect ??= () => throw new ArgumentException("s3:// paths and log groups need an AWS connection");
        var events = FlowSourceOptions.Events(stderr);
        var request = new FlowLogRunRequest
        {
            Paths = paths, LogGroups = logGroups ?? [], Index = network?.Index, FlowLogIds = network?.FlowLogIds ?? [],
            Format = options.Format, Threads = options.Threads, MaxMemory = options.MaxMemory,
        };
        using var run = FlowLogRun.Open(request, query, connect, events);
        var attribution = network is { Attribute: true } ? run.Attribution() : null;
        FlowLogReadReport report;
        if (network is { ThroughNatGateway: true })
        {
            (var totals, report) = run.ThroughNatGateways(network.Top);
            WriteNatTotals(totals, format, stdout);
        }
        else if (run.Query.IsAggregate || countOnly)
        {
            var result = run.Aggregate();
            report = result.Report;
            if (countOnly) WriteCount(result, format, stdout);
            else WriteGroups(result.Groups, run.Query.Bin is not null, format, stdout, attribution);
        }
        else
        {
            report = new FlowLogReadReport();
            WriteRecords(run.Records(report), format, stdout, attribution);
        }
        run.Finish(report);
        return run.Incomplete ? Program.Error : Program.Ok;
    }

    private static readonly string[] RecordColumns =
        ["Start", "InterfaceId", "SourceAddress", "SourcePort", "DestinationAddress", "DestinationPort", "Protocol", "Packets", "Bytes", "Action", "LogStatus"];
    private static readonly string[] AttributedRecordColumns = [.. RecordColumns, "SourceOwner", "DestinationOwner"];

    private static string Text(object? v) => v switch
    {
        null => "",
        DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "",
    };

    private static IReadOnlyList<string> Cells(FlowRecord r) =>
        [Text(r.Start), Text(r.InterfaceId), Text(r.SourceAddress), Text(r.SourcePort), Text(r.DestinationAddress), Text(r.DestinationPort),
         Text(r.Protocol), Text(r.Packets), Text(r.Bytes), Text(r.Action), Text(r.LogStatus)];

    private static void WriteRecords(IEnumerable<FlowRecord> records, string format, TextWriter w, FlowAttribution? attribution = null)
    {
        IReadOnlyList<string> AttributedCells(FlowRecord r)
        {
            var (source, destination) = attribution!.Of(r);
            return [.. Cells(r), source?.ToString() ?? "", destination?.ToString() ?? ""];
        }
        var columns = attribution is null ? RecordColumns : AttributedRecordColumns;
        Func<FlowRecord, IReadOnlyList<string>> cells = attribution is null ? Cells : AttributedCells;
        switch (format)
        {
            case "json":
                // Streamed: a query may return millions of records.
                w.Write('[');
                bool firstRecord = true;
                foreach (var r in records)
                {
                    w.Write(firstRecord ? "\n" : ",\n");
                    firstRecord = false;
                    if (attribution is null) w.Write(JsonSerializer.Serialize(r, CliOutput.Json));
                    else
                    {
                        var (source, destination) = attribution.Of(r);
                        w.Write(JsonSerializer.Serialize(new { Record = r, SourceOwner = source, DestinationOwner = destination }, CliOutput.Json));
                    }
                }
                w.WriteLine(firstRecord ? "]" : "\n]");
                break;
            case "csv":
                WriteCsv(columns, records.Select(cells), w);
                break;
            default:
                CliOutput.WriteTable(columns, records.Select(cells), w);
                break;
        }
    }

    internal static void WriteGroups(IReadOnlyList<FlowGroup> groups, bool binned, string format, TextWriter w, FlowAttribution? attribution = null)
    {
        var fields = groups.FirstOrDefault()?.Fields ?? [];
        var names = fields.Select(FlowGroup.ColumnName).ToList();
        // With attribution, each address field is followed by its owner (SourceAddressOwner...).
        bool IsAddress(int i) => attribution is not null && FlowAttribution.HasAddressField([fields[i]]);
        var fieldHeaders = names.SelectMany((n, i) => IsAddress(i) ? new[] { n, n + "Owner" } : [n]).ToList();
        List<string> headers = [.. fieldHeaders, .. binned ? new[] { "Bin" } : [], "Count", "Packets", "Bytes", "FirstSeen", "LastSeen"];
        // The table says a sum that saturated is at least that; JSON and CSV keep the number, as the cmdlet's objects do.
        IReadOnlyList<object?> Values(FlowGroup g, bool table = false)
        {
            var owners = attribution?.Of(g);
            var values = g.Values.SelectMany((v, i) => IsAddress(i) ? new object?[] { v, owners![i]?.ToString() } : [g.TypedValue(i)]);
            object Sum(long sum) => table ? SaturatingSum.Text(sum) : sum;
            return [.. values, .. binned ? new object?[] { g.Bin } : [], Sum(g.Count), Sum(g.Packets), Sum(g.Bytes), g.FirstSeen, g.LastSeen];
        }
        switch (format)
        {
            case "json":
                CliOutput.WriteJson(groups.Select(g => headers.Zip(Values(g)).ToDictionary(p => p.First, p => p.Second)).ToList(), w);
                break;
            case "csv":
                WriteCsv(headers, groups.Select(g => Values(g).Select(Text).ToList()), w);
                break;
            default:
                CliOutput.WriteTable(headers, groups.Select(g => (IReadOnlyList<string>)Values(g, table: true).Select(v => v is null ? "-" : Text(v)).ToList()), w);
                break;
        }
    }

    private static void WriteNatTotals(IReadOnlyList<Endpoints.NatTrafficTotal> totals, string format, TextWriter w)
    {
        string[] headers = ["NatGatewayId", "Service", "Region", "NamedBy", "Clients", "Bytes", "Gigabytes"];
        IReadOnlyList<string> Row(Endpoints.NatTrafficTotal t, bool table) =>
            [t.NatGatewayId, t.Service, t.Region ?? "-", t.NamedBy.ToString(), Text(t.Clients),
             table ? SaturatingSum.Text(t.Bytes) : Text(t.Bytes), table && SaturatingSum.Saturated(t.Bytes) ? SaturatingSum.AtLeast(Text(t.Gigabytes)) : Text(t.Gigabytes)];
        switch (format)
        {
            case "json": CliOutput.WriteJson(totals, w); break;
            case "csv": WriteCsv(headers, totals.Select(t => Row(t, false)), w); break;
            default: CliOutput.WriteTable(headers, totals.Select(t => Row(t, true)), w); break;
        }
    }

    private static void WriteCount(FlowLogResult result, string format, TextWriter w)
    {
        var r = result.Report;
        if (format == "json") { CliOutput.WriteJson(new { result.Matched, Report = r }, w); return; }
        string[] headers = ["Matched", "Files", "Bytes", "Lines", "Records", "SkippedLines", "FileErrors", "Seconds"];
        IReadOnlyList<string> row = [Text(result.Matched), Text(r.Files), Text(r.Bytes), Text(r.Lines), Text(r.Records), Text(r.SkippedLines),
            Text(r.FileErrors.Count), r.Elapsed.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)];
        if (format == "csv") WriteCsv(headers, [row], w);
        else CliOutput.WriteTable(headers, [row], w);
    }

    private static void WriteCsv(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, TextWriter w)
    {
        static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
        w.WriteLine(string.Join(',', headers.Select(Quote)));
        foreach (var r in rows) w.WriteLine(string.Join(',', r.Select(Quote)));
    }

    private static Command Coverage()
    {
        var snapshotPath = SnapshotCommand.SnapshotOption();
        var vpcs = Many("--vpc-id", "Only these VPCs.");
        var findings = new Option<bool>("--findings-only") { Description = "Only rows with a finding." };
        var format = SnapshotCommand.FormatOption();
        var command = new Command("coverage", "Per VPC, subnet and ENI: are flow logs enabled, to where, in which format and traffic type. Exit 1 when there are findings, 3 when unknown.")
        { snapshotPath, vpcs, findings, format };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, _) =>
        {
            var index = new SnapshotIndex(SnapshotLoader.Load(parse.GetValue(snapshotPath)!));
            var rows = FlowLogCoverageAnalysis.Analyse(index, CliOutput.Values(parse.GetValue(vpcs)));
            return WriteCoverage(rows, parse.GetValue(findings), parse.GetValue(format) ?? "table", stdout);
        }));
        return command;
    }

    public static int WriteCoverage(IReadOnlyList<FlowLogCoverage> rows, bool findingsOnly, string format, TextWriter w)
    {
        var shown = findingsOnly ? rows.Where(r => r.Finding is not null).ToList() : rows;
        if (format == "json") CliOutput.WriteJson(shown, w);
        else
            CliOutput.WriteTable(["Region", "Type", "ResourceId", "Status", "Traffic", "FlowLogs", "Destinations", "Formats", "Finding"],
                shown.Select(r => (IReadOnlyList<string>)[r.Region, r.ResourceType, r.ResourceId, r.Status.ToString(), r.TrafficType ?? "-",
                    r.FlowLogIds.Count == 0 ? "-" : string.Join(",", r.FlowLogIds), r.Destinations.Count == 0 ? "-" : string.Join(",", r.Destinations.Distinct()),
                    r.Formats.Count == 0 ? "-" : string.Join(",", r.Formats.Distinct()), r.Finding ?? "-"]), w);
        if (rows.Any(r => r.Status == CoverageStatus.Unknown)) return Program.Unknown;
        return rows.Any(r => r.Finding is not null) ? Program.Findings : Program.Ok;
    }
}
