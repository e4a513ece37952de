using System.Text;
using VpcSecTools.AwsIpRanges;
using VpcSecTools.Exposure;
using VpcSecTools.FlowLogs;
using VpcSecTools.IpMap;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Fuzz;

/// <summary>An input broke the harness's invariant: not one of the documented errors, or an analysis that threw.</summary>
public sealed class FuzzInvariantException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What the harness runs on each input, and what must hold: the input loads, or fails with the documented error
/// that names a place (one line); on what loads, the index and every analysis answer without throwing.
/// </summary>
public static class FuzzTargets
{
    public const string SnapshotName = "fuzz.json";

    public static void Snapshot(byte[] input)
    {
        VpcSnapshot snapshot;
        try
        {
            snapshot = SnapshotLoader.Read(input, SnapshotName);
        }
        catch (SnapshotFormatException e)
        {
            if (!e.Place.StartsWith(SnapshotName, StringComparison.Ordinal) || e.Message.Contains('\n'))
                throw new FuzzInvariantException($"the error does not name its place on one line: {e.Message}", e);
            return;
        }
        Analyse(snapshot);
    }

    /// <summary>Every analysis on a loaded snapshot: the index, reach (pairs, both ways, and a fan-out), open-ports and the IP map.</summary>
    public static void Analyse(VpcSnapshot snapshot)
    {
        var index = new SnapshotIndex(snapshot);
        var analyzer = new ReachabilityAnalyzer(index);
        var enis = index.NetworkInterfaces.Values.OrderBy(e => e.NetworkInterfaceId, StringComparer.Ordinal).ToArray();
        var endpoints = enis.Take(4).Select(e => e.NetworkInterfaceId)
            .Concat(enis.Take(4).Select(e => e.PrivateIpAddress).OfType<string>())
            .Concat(index.Instances.Keys.Order(StringComparer.Ordinal).Take(2))
            .Append("203.0.113.10").ToArray();
        // A fan-out destination the question is well posed for: an ENI with a private IPv4 address.
        var target = enis.LastOrDefault(e => Net.IpAddress.TryParse(e.PrivateIpAddress, out var ip) && !ip.IsIPv6 && index.EnisAt(ip).Contains(e));
        foreach (var traffic in new[] { Traffic.Tcp(22), Traffic.Parse("-1", null, null, null), Traffic.Parse("icmp", null, 8, 0) })
        {
            // Endpoints are picked blindly, so the argument errors a user would get (not found, no address) may come out.
            foreach (var a in endpoints)
                foreach (var b in endpoints.Take(3))
                    if (a != b) Expecting(() => analyzer.Analyze(a, b, traffic), e => e is ArgumentException or Errors.VpcSecToolsException { ErrorId: Errors.ErrorCatalog.EndpointNotFound });
            var fan = new ReachabilityFanOut(analyzer);
            if (target is not null) fan.WhoCanReach(target.PrivateIpAddress!, traffic, fan.SourcesMatching("*")!, includeInternet: true);
        }
        OpenPortAudit.Run(index, new AuditOptions());
        var map = new PrivateIpMap(index);
        var attributor = new AddressAttributor(index, AwsIpRangeSet.Bundled, map);
        foreach (var address in map.Entries.Take(4).Select(e => e.Cidr.Network).Append(Net.IpAddress.Parse("8.8.8.8")))
        {
            attributor.Attribute(address);
            foreach (var vpc in index.Vpcs.Keys.Order(StringComparer.Ordinal).Take(2)) attributor.Attribute(address, vpc);
        }
    }

    /// <summary>The flow-log reader on one input: a grouped query and a listing.</summary>
    public static void FlowLog(byte[] input)
    {
        var inputs = new[] { FlowLogInput.FromStream("fuzz.log", () => new MemoryStream(input), input.Length) };
        var reader = new FlowLogReader(new FlowLogReadOptions { Threads = 1 });
        FlowLogDocumented(() => reader.Run(inputs, new FlowLogQuery { GroupBy = ["srcaddr", "action"], Top = 5 }));
        FlowLogDocumented(() =>
        {
            var report = new FlowLogReadReport();
            return reader.Records(inputs, new FlowLogQuery { Limit = 50 }, report).Count();
        });
    }

    private static void FlowLogDocumented<T>(Func<T> run)
    {
        try { run(); }
        catch (Exception e) when (e is FlowLogFileException or FlowLogFormatMismatchException)
        {
            if (e.Message.Contains('\n')) throw new FuzzInvariantException($"the error is not one line: {e.Message}", e);
        }
    }

    /// <summary>Runs an analysis; only the documented argument errors may come out (the endpoint chosen may not resolve).</summary>
    private static void Expecting(Action run, Func<Exception, bool> documented)
    {
        try { run(); }
        catch (Exception e) when (documented(e)) { }
    }

    /// <summary>A short text naming a failure: the exception type and the innermost frame of our code, to group findings.</summary>
    public static string Signature(Exception e)
    {
        var inner = e is FuzzInvariantException { InnerException: { } cause } ? cause : e;
        var frame = new System.Diagnostics.StackTrace(inner, false).GetFrames()
            .Select(f => f.GetMethod()).FirstOrDefault(m => m?.DeclaringType?.Namespace?.StartsWith("VpcSecTools", StringComparison.Ordinal) == true);
        var where = frame is null ? "?" : $"{frame.DeclaringType!.Name}.{frame.Name}";
        return $"{inner.GetType().Name} at {where}";
    }

    /// <summary>The text of an input for a failure message (the start of it).</summary>
    public static string Preview(byte[] input) => Encoding.UTF8.GetString(input[..Math.Min(input.Length, 200)]).ReplaceLineEndings(" ");
}
