using System.Text.RegularExpressions;
using VpcSecTools.Completion;

namespace VpcSecTools.Tests.Completion;

public sealed class KnownRegionsTests
{
    [Fact]
    public void Region_codes_are_unique_and_well_formed()
    {
        var codes = KnownRegions.All.Select(r => r.Code).ToArray();
        Assert.Equal(codes.Length, codes.Distinct().Count());
        Assert.All(codes, code => Assert.Matches(new Regex(@"^[a-z]{2}(-gov)?-[a-z]+-\d$"), code));
        Assert.Contains("us-east-1", codes);
    }

    [Fact]
    public void Regions_in_the_fixtures_are_known()
    {
        // The regions our recorded data comes from must complete.
        foreach (var region in new[] { "us-east-1", "us-east-2" })
            Assert.Contains(region, KnownRegions.Complete(region).Select(c => c.Value));
    }

    [Fact]
    public void A_word_matches_a_code_prefix_or_the_name()
    {
        Assert.Equal(["us-east-1", "us-east-2"], KnownRegions.Complete("us-e").Select(c => c.Value));
        var tokyo = Assert.Single(KnownRegions.Complete("tokyo"));
        Assert.Equal("ap-northeast-1", tokyo.Value);
        Assert.Equal("Asia Pacific (Tokyo)", tokyo.ToolTip);
        Assert.Equal(KnownRegions.All.Count, KnownRegions.Complete("").Count);
        Assert.Empty(KnownRegions.Complete("xx-"));
    }
}
