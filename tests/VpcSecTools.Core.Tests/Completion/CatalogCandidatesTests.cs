using VpcSecTools.Completion;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Completion;

/// <summary>Candidates from the engine's tables (protocols, flow-log fields, check ids) and the ends of a reachability question.</summary>
public sealed class CatalogCandidatesTests
{
    private static readonly SnapshotIndex Demo = new(SnapshotLoader.Load(TestPaths.Demo));

    private static string[] Values(IEnumerable<CompletionCandidate> candidates) => candidates.Select(c => c.Value).ToArray();

    [Fact]
    public void Protocols_are_the_names_the_parser_takes_and_match_by_number_too()
    {
        Assert.Equal(["tcp", "udp", "icmp", "icmpv6", "-1"], Values(CatalogCandidates.Protocols("")));
        Assert.Equal(["udp"], Values(CatalogCandidates.Protocols("17")));
        foreach (var name in Values(CatalogCandidates.Protocols(""))) Assert.True(VpcSecTools.Net.IpProtocol.TryParse(name, out _, out _), name);
    }

    [Fact]
    public void Flow_fields_complete_by_property_name_and_by_their_AWS_name()
    {
        Assert.Equal(["SourceAddress", "SourcePort"], Values(CatalogCandidates.FlowFields("SourceA").Concat(CatalogCandidates.FlowFields("srcport"))));
        Assert.Equal(["PacketSourceAddress"], Values(CatalogCandidates.FlowFields("pkt-src")).Take(1));
        Assert.All(CatalogCandidates.FlowFields(""), c => Assert.NotNull(VpcSecTools.FlowLogs.FlowFieldCatalog.Find(c.Value)));
    }

    [Fact]
    public void Check_ids_complete_case_insensitively_with_their_title()
    {
        var ssh = Assert.Single(CatalogCandidates.CheckIds("sg.ssh"));
        Assert.Equal("SG.SshFromInternet", ssh.Value);
        Assert.Contains("SSH", ssh.ToolTip);
        Assert.Equal(VpcSecTools.Exposure.Checks.All.Count, CatalogCandidates.CheckIds(null).Count);
    }

    [Fact]
    public void A_source_can_be_everything_a_destination_only_an_instance_an_interface_or_the_internet()
    {
        var sources = Values(SnapshotIdCandidates.ForEndpoint(Demo, source: true, ""));
        Assert.Equal(["*", "Internet"], sources.Take(2));
        Assert.Contains("vpc-04be895ea4d91bcbf", sources);
        Assert.Contains("subnet-0e258d580c6249994", sources);
        Assert.Contains("sg-0c57b8d1b915ea066", sources);
        var destinations = Values(SnapshotIdCandidates.ForEndpoint(Demo, source: false, ""));
        Assert.Equal("Internet", destinations[0]);
        Assert.DoesNotContain("*", destinations);
        Assert.DoesNotContain(destinations, d => d.StartsWith("vpc-", StringComparison.Ordinal) || d.StartsWith("sg-", StringComparison.Ordinal));
        Assert.Contains("i-0dddb415bc394ed41", destinations);
        Assert.Contains("eni-000af2608bb0c3622", destinations);
    }

    [Fact]
    public void An_interface_completes_by_the_name_of_what_holds_it()
    {
        var nat = SnapshotIdCandidates.For(Demo, CompletableResource.NetworkInterface, "prod-nat-a");
        Assert.Equal(["eni-05c0a642c17e65b47"], Values(nat));
        Assert.Equal(["fl-060305267e80e0e4c", "fl-0831ff70fbc4dc52f"], Values(SnapshotIdCandidates.For(Demo, CompletableResource.FlowLog, "FL-")));
    }
}
