using VpcSecTools.Completion;
using VpcSecTools.Snapshot;

namespace VpcSecTools.Tests.Completion;

/// <summary>Resource ids offered for -VpcId, -SubnetId, -InstanceId and -GroupId, from the NAT-gateway fixture.</summary>
public sealed class SnapshotIdCandidatesTests
{
    private static readonly SnapshotIndex Index = new(SnapshotLoader.Load(TestPaths.Batfish("test-nat-gateway")));

    private static string[] Values(CompletableResource kind, string? word) =>
        SnapshotIdCandidates.For(Index, kind, word).Select(c => c.Value).ToArray();

    [Fact]
    public void An_empty_word_offers_every_id_of_the_kind_in_order()
    {
        Assert.Equal(["vpc-0008a7b45e3ddf1dd"], Values(CompletableResource.Vpc, ""));
        Assert.Equal(Index.Subnets.Keys.Order(StringComparer.Ordinal), Values(CompletableResource.Subnet, null));
        Assert.Equal(3, Values(CompletableResource.Instance, "").Length);
        Assert.Equal(Index.SecurityGroups.Keys.Order(StringComparer.Ordinal), Values(CompletableResource.SecurityGroup, ""));
    }

    [Fact]
    public void A_word_matches_the_start_of_an_id_case_insensitively()
    {
        Assert.Equal(["subnet-06f469bcee42e408e"], Values(CompletableResource.Subnet, "SUBNET-06"));
        Assert.Empty(Values(CompletableResource.Subnet, "subnet-ff"));
        Assert.Empty(Values(CompletableResource.Vpc, "subnet-"));
    }

    [Fact]
    public void A_word_matches_the_start_of_the_Name_tag_and_inserts_the_id()
    {
        var jump = Assert.Single(SnapshotIdCandidates.For(Index, CompletableResource.Instance, "jump"));
        Assert.Equal("i-0b31b509174d7f5de", jump.Value);
        Assert.Equal("i-0b31b509174d7f5de (Jump Host)", jump.ListItemText);
        Assert.Contains("\"Jump Host\"", jump.ToolTip);
        Assert.Equal(["subnet-0428892a357fa1f94"], Values(CompletableResource.Subnet, "'Public"));
    }

    [Fact]
    public void Security_groups_without_a_Name_tag_match_by_group_name()
    {
        var group = Assert.Single(SnapshotIdCandidates.For(Index, CompletableResource.SecurityGroup, "default"));
        Assert.Equal("sg-0010bf850022667c2", group.Value);
        Assert.Contains("vpc-0008a7b45e3ddf1dd", group.ToolTip);
    }

    [Fact]
    public void Tooltips_carry_what_tells_resources_apart()
    {
        var subnet = SnapshotIdCandidates.For(Index, CompletableResource.Subnet, "subnet-06").Single();
        Assert.Contains("10.1.1.0/24", subnet.ToolTip);
        var vpc = SnapshotIdCandidates.For(Index, CompletableResource.Vpc, "").Single();
        Assert.Contains("10.1.0.0/16", vpc.ToolTip);
        Assert.Contains("us-east-2", vpc.ToolTip);
    }
}
