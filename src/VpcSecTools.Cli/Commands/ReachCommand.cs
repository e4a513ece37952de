using System.CommandLine;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Cli.Commands;

/// <summary>
/// <c>vpcsec reach</c>: can a source reach a destination? Exit 0 reachable, 1 not reachable, 3 unknown,
/// 2 error, so a CI gate can say "the database must not be reachable from the internet".
/// With a source of <c>*</c>, a VPC, subnet or security group: every source ENI's verdict; the exit code is
/// 0 if any is reachable, else 3 if any is unknown, else 1.
/// </summary>
public static class ReachCommand
{
    public static Command Create()
    {
        var snapshot = SnapshotCommand.SnapshotOption();
        var source = new Option<string>("--source") { Description = "Instance id, ENI id, private or public IP, Internet; or *, vpc-…, subnet-…, sg-… for every ENI they hold.", Required = true };
        var destination = new Option<string>("--destination") { Description = "Instance id, ENI id, private or public IP, or Internet.", Required = true };
        var protocol = new Option<string>("--protocol") { Description = "tcp, udp, icmp, icmpv6, -1 (all) or a number.", DefaultValueFactory = _ => "tcp" };
        var port = new Option<int?>("--port") { Description = "Destination port (TCP/UDP); omitted means every port." };
        var icmpType = new Option<int?>("--icmp-type") { Description = "ICMP type (e.g. 8, echo request)." };
        var icmpCode = new Option<int?>("--icmp-code") { Description = "ICMP code." };
        var format = SnapshotCommand.FormatOption("table", "json", "text");
        var command = new Command("reach", "Can the source reach the destination on this protocol/port, both ways? Names the rule or route that stops it.")
            { snapshot, source, destination, protocol, port, icmpType, icmpCode, format };
        command.SetAction(parse => CliOutput.Guard(parse, (stdout, _) => Run(
            SnapshotLoader.Load(parse.GetValue(snapshot)!), parse.GetValue(source)!, parse.GetValue(destination)!,
            Traffic.Parse(parse.GetValue(protocol)!, parse.GetValue(port), parse.GetValue(icmpType), parse.GetValue(icmpCode)),
            parse.GetValue(format) ?? "table", stdout)));
        return command;
    }

    /// <summary>Runs one query and writes it; returns the exit code.</summary>
    public static int Run(VpcSnapshot snapshot, string source, string destination, Traffic traffic, string format, TextWriter stdout)
    {
        var analyzer = new ReachabilityAnalyzer(new SnapshotIndex(snapshot));
        var fanOut = new ReachabilityFanOut(analyzer);
        if (fanOut.SourcesMatching(source) is { } sources)
        {
            var entries = fanOut.WhoCanReach(destination, traffic, sources, includeInternet: source.Trim() == "*");
            if (format == "json") CliOutput.WriteJson(entries, stdout);
            else CliOutput.WriteTable(["Source", "Instance", "Address", "Verdict", "Code", "BlockedAt", "AllowedBy"],
                entries.Select(e => (IReadOnlyList<string>)[e.Source, e.InstanceId ?? "-", e.PrivateIpAddress ?? "-", e.Verdict.ToString(), e.ExplanationCode ?? "-", e.BlockingComponent ?? "-", e.AllowedBy ?? "-"]), stdout);
            return entries.Any(e => e.Verdict == Verdict.Reachable) ? Program.Ok
                : entries.Any(e => e.Verdict == Verdict.Unknown) ? Program.Unknown : Program.Findings;
        }
        var result = analyzer.Analyze(source, destination, traffic);
        switch (format)
        {
            case "json": CliOutput.WriteJson(result, stdout); break;
            case "text": stdout.Write(result.Explain()); break;
            default:
                CliOutput.WriteTable(["Source", "Destination", "Protocol", "Port", "Verdict", "Code", "BlockedAt", "Rule"],
                    [[result.Source, result.Destination, result.Protocol, result.Port ?? "all", result.Verdict.ToString(), result.ExplanationCode ?? "-", result.BlockingComponent ?? "-", result.BlockingRule ?? "-"]], stdout);
                break;
        }
        return result.Verdict switch { Verdict.Reachable => Program.Ok, Verdict.NotReachable => Program.Findings, _ => Program.Unknown };
    }
}
