using VpcSecTools.Net;
using VpcSecTools.Reachability;
using VpcSecTools.Snapshot;

namespace VpcSecTools.PrivateTrust;

/// <summary>What the snapshot's model says of one reading of a flow: who opened it, to which port, and the answer.</summary>
/// <param name="Opener">Who opens the connection in this reading.</param>
/// <param name="Port">The port it is opened to (the listening side's), null for protocols without ports.</param>
/// <param name="Verdict">The reachability engine's answer, Unknown when it cannot be asked (<paramref name="Why"/>).</param>
/// <param name="Result">The full answer with its hops, when the engine gave one.</param>
/// <param name="Why">For an answer without a result: why the model could not be asked.</param>
internal sealed record ModelReading(ConnectionOpener Opener, int? Port, Verdict Verdict, ReachabilityResult? Result, string? Why)
{
    /// <summary>The reason in one line: the engine's, with the blocking component, rule and code.</summary>
    public string Explain()
    {
        if (Result is not { } r) return Why ?? Verdict.ToString();
        if (r.Verdict == Verdict.Reachable) return r.Reason;
        var at = r.BlockingComponent is null ? "" : $" at {r.BlockingComponent}{(r.BlockingRule is null ? "" : $" [{r.BlockingRule}]")}";
        var code = r.ExplanationCode is null ? "" : $" ({r.ExplanationCode})";
        return $"{(r.BlockingDirection == PathDirection.Return ? "the response path" : "the request path")} is blocked{at}: {r.Reason}{code}";
    }
}

/// <summary>
/// Asks the reachability engine about flows seen in the logs, each distinct question once: the source opening a
/// connection to the interface's port, or the interface opening one to the source's. Sources that no ENI holds are
/// addresses the engine routes in from where they are (a peering, a transit gateway, a VPN).
/// </summary>
internal sealed class ModelReadings(SnapshotIndex index)
{
    private readonly ReachabilityAnalyzer _analyzer = new(index);
    private readonly Dictionary<(IpAddress Source, string Eni, IpAddress Address, int Protocol, int Port, ConnectionOpener Opener), ModelReading> _answers = [];

    /// <summary>
    /// The reading of a flow from <paramref name="source"/> to <paramref name="eni"/>'s <paramref name="address"/> in which
    /// <paramref name="opener"/> opened it to <paramref name="port"/>.
    /// </summary>
    public ModelReading Of(IpAddress source, NetworkInterface eni, IpAddress address, int protocol, int port, ConnectionOpener opener)
    {
        var ip = new IpProtocol(protocol);
        var key = (source, eni.NetworkInterfaceId, address, protocol, ip.HasPorts ? port : 0, opener);
        if (_answers.TryGetValue(key, out var known)) return known;
        var reading = Ask(source, eni, address, ip, port, opener);
        _answers[key] = reading;
        return reading;
    }

    private ModelReading Ask(IpAddress source, NetworkInterface eni, IpAddress address, IpProtocol protocol, int port, ConnectionOpener opener)
    {
        int? readPort = protocol.HasPorts ? port : null;
        var local = ReachabilityEndpoint.Of(eni, address);
        try
        {
            var remote = ReachabilityEndpoint.Resolve(index, source.ToString(), asSource: opener == ConnectionOpener.Source);
            var traffic = Traffic.Of(protocol, readPort);
            var result = opener == ConnectionOpener.Source ? _analyzer.Analyze(remote, local, traffic) : _analyzer.Analyze(local, remote, traffic);
            return new ModelReading(opener, readPort, result.Verdict, result, null);
        }
        catch (ArgumentException e)
        {
            // A source the engine cannot place (inside a VPC but held by no ENI, or held by several): the model cannot be asked.
            return new ModelReading(opener, readPort, Verdict.Unknown, null, e.Message);
        }
    }
}
