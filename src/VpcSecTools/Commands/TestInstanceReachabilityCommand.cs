using System.Management.Automation;
using VpcSecTools.Reachability;

namespace VpcSecTools.Commands;

/// <summary>
/// <para type="synopsis">Tests whether a source can reach a destination on a protocol and port, both ways, and names the rule or route that stops it.</para>
/// <para type="description">Analyses a snapshot statically: security groups, network ACLs (stateless, with the
/// client's ephemeral return ports), route tables, peering, transit gateways, internet and NAT gateways,
/// gateway endpoints. Source and destination are instance ids, ENI ids, private or public IPs, or Internet.
/// A Source of *, a VPC, subnet or security-group id asks "who can reach this destination?" and returns one
/// object per source ENI.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "InstanceReachability")]
[OutputType(typeof(ReachabilityResult), typeof(ReachableSource), typeof(string))]
public sealed class TestInstanceReachabilityCommand : SnapshotCmdlet
{
    /// <summary>Instance id, ENI id, private or public IP, Internet; or *, vpc-…, subnet-…, sg-… for every ENI they hold.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("InstanceId", "NetworkInterfaceId", "PrivateIpAddress", "Instances")]
    [ValidateNotNullOrEmpty]
    [ReachabilityEndpoints]
    public string[] Source { get; set; } = [];

    /// <summary>Instance id, ENI id, private or public IP, or Internet.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ReachabilityEndpoints]
    public string[] Destination { get; set; } = [];

    /// <summary>tcp, udp, icmp, icmpv6, -1 (all) or a protocol number.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Protocol { get; set; } = "tcp";

    /// <summary>Destination port (TCP/UDP); omitted means every port must be open.</summary>
    [Parameter]
    [ValidateRange(0, 65535)]
    public int? Port { get; set; }

    /// <summary>ICMP type (e.g. 8 for echo request); omitted means any type.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpType { get; set; }

    /// <summary>ICMP code; omitted means any code.</summary>
    [Parameter]
    [ValidateRange(0, 255)]
    public int? IcmpCode { get; set; }

    /// <summary>Write the path as readable text instead of result objects.</summary>
    [Parameter]
    public SwitchParameter Explain { get; set; }

    private ReachabilityAnalyzer? _analyzer;

    protected override void Process()
    {
        var traffic = Concerning(Protocol, () => Traffic.Parse(Protocol, Port, IcmpType, IcmpCode));
        _analyzer ??= new ReachabilityAnalyzer(Index);
        var fanOut = new ReachabilityFanOut(_analyzer);
        // An unknown source is one error for that source; an unknown destination, one for that pair.
        ForEachInput(Source, source => ForEachInput(Destination, destination =>
        {
            if (fanOut.SourcesMatching(source) is { } sources)
            {
                WriteVerbose($"Who can reach {destination} on {traffic}: {sources.Count} source ENIs");
                foreach (var entry in fanOut.WhoCanReach(destination, traffic, sources, includeInternet: source.Trim() == "*")) WriteObject(entry);
                return;
            }
            var result = _analyzer.Analyze(source, destination, traffic);
            WriteObject(Explain ? result.Explain() : result);
        }));
    }
}
